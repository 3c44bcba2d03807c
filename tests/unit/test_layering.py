"""Architecture rules checked on the source: the pure core, thin handlers, one clock."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"

DOMAIN_FORBIDDEN = (
    "telegram",
    "sqlmodel",
    "sqlalchemy",
    "bot.storage",
    "bot.handlers",
    "bot.services",
)
HANDLER_FORBIDDEN = ("sqlmodel", "sqlalchemy")
CLOCK_MODULE = BOT / "clock.py"
CLOCK_CALLS = frozenset({"now", "today", "utcnow"})


def _package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1])


def _imported_modules(tree: ast.AST, package: str) -> Iterator[tuple[int, str]]:
    """Yield (line, dotted module) for every import, including `from pkg import module`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def forbidden_imports(source: str, package: str, forbidden: tuple[str, ...]) -> list[str]:
    """Return 'line: module' for each import of a forbidden module or one of its submodules."""
    found = []
    for line, module in _imported_modules(ast.parse(source), package):
        if any(module == f or module.startswith(f + ".") for f in forbidden):
            found.append(f"{line}: {module}")
    return sorted(set(found), key=lambda s: (int(s.split(":")[0]), s))


def _datetime_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Return the local names bound to the datetime module and to its datetime/date classes."""
    modules, classes = set(), {"datetime", "date"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "datetime":
                    modules.add(alias.asname or "datetime")
        elif isinstance(node, ast.ImportFrom) and node.module == "datetime":
            for alias in node.names:
                if alias.name in {"datetime", "date"}:
                    classes.add(alias.asname or alias.name)
    return modules, classes


def wall_clock_calls(source: str) -> list[str]:
    """Return 'line: call' for each datetime.now()/date.today()/utcnow() style call."""
    tree = ast.parse(source)
    modules, classes = _datetime_names(tree)
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOCK_CALLS
        ):
            continue
        owner = node.func.value
        is_class = isinstance(owner, ast.Name) and owner.id in classes
        is_module_class = (
            isinstance(owner, ast.Attribute)
            and owner.attr in {"datetime", "date"}
            and isinstance(owner.value, ast.Name)
            and (owner.value.id in modules or owner.value.id == "datetime")
        )
        if is_class or is_module_class:
            found.append(f"{node.lineno}: {ast.unparse(node.func)}")
    return found


def _sources(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


DOMAIN_FILES = _sources(BOT / "domain")
HANDLER_FILES = _sources(BOT / "handlers")
BOT_FILES = [p for p in _sources(BOT) if p != CLOCK_MODULE]


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_walk_sees_the_modules() -> None:
    names = {p.name for p in DOMAIN_FILES}
    assert {"access.py", "dates.py", "errors.py", "invites.py", "notes.py"} <= names
    assert {"callbacks.py", "notes.py"} <= {p.name for p in HANDLER_FILES}
    assert CLOCK_MODULE.exists()
    assert len(BOT_FILES) > 20


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=_id)
def test_domain_is_pure(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert forbidden_imports(source, _package_of(path), DOMAIN_FORBIDDEN) == []


@pytest.mark.parametrize("path", HANDLER_FILES, ids=_id)
def test_handlers_have_no_sql(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert forbidden_imports(source, _package_of(path), HANDLER_FORBIDDEN) == []


@pytest.mark.parametrize("path", BOT_FILES, ids=_id)
def test_only_the_clock_reads_the_wall_clock(path: Path) -> None:
    assert wall_clock_calls(path.read_text(encoding="utf-8")) == []


def test_the_clock_module_is_where_the_wall_clock_is_read() -> None:
    # If this ever fails, the rule above has lost its only allowed exception: update both.
    assert wall_clock_calls(CLOCK_MODULE.read_text(encoding="utf-8"))


# --- the checkers themselves -------------------------------------------------------------

BAD_DOMAIN_SOURCE = """\
import telegram
from sqlalchemy import x
import sqlmodel.main as sm
from ..storage import models
from bot import handlers
from bot.services.notes import Card
import os, telegram.ext

def later():
    from sqlalchemy.orm import Session
    importlib.import_module("bot.handlers.notes")
"""


def test_import_checker_reports_forbidden_imports() -> None:
    found = forbidden_imports(BAD_DOMAIN_SOURCE, "bot.domain", DOMAIN_FORBIDDEN)
    assert found == [
        "1: telegram",
        "2: sqlalchemy",
        "2: sqlalchemy.x",
        "3: sqlmodel.main",
        "4: bot.storage",
        "4: bot.storage.models",
        "5: bot.handlers",
        "6: bot.services.notes",
        "6: bot.services.notes.Card",
        "7: telegram.ext",
        "10: sqlalchemy.orm",
        "10: sqlalchemy.orm.Session",
        "11: bot.handlers.notes",
    ]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import telegramx\nimport sqlmodels\n", id="similar-names"),
        pytest.param("from bot.domain import errors\nfrom . import dates\n", id="own-package"),
        pytest.param("from bot import texts\nimport bot.clock\n", id="other-bot-modules"),
        pytest.param("x = 'import telegram'\n", id="string-mentioning-telegram"),
    ],
)
def test_import_checker_allows_innocent_imports(source: str) -> None:
    assert forbidden_imports(source, "bot.domain", DOMAIN_FORBIDDEN) == []


BAD_CLOCK_SOURCE = """\
import datetime
import datetime as dtm
from datetime import UTC, date, datetime as DT
a = datetime.datetime.now(UTC)
b = date.today()
c = DT.utcnow()
d = dtm.date.today()
e = datetime.now()
"""


def test_clock_checker_reports_wall_clock_calls() -> None:
    assert wall_clock_calls(BAD_CLOCK_SOURCE) == [
        "4: datetime.datetime.now",
        "5: date.today",
        "6: DT.utcnow",
        "7: dtm.date.today",
        "8: datetime.now",
    ]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("now = clock.now()\n", id="injected-clock"),
        pytest.param("today = self.now().date()\n", id="method-named-now"),
        pytest.param("t = context.today\n", id="attribute-not-call"),
        pytest.param("x = 'datetime.now()'\n", id="string"),
    ],
)
def test_clock_checker_allows_injected_clocks(source: str) -> None:
    assert wall_clock_calls(source) == []
