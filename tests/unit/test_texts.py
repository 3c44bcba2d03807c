"""The text catalogues: complete, consistent, valid Telegram HTML, and every used key exists."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.domain import errors
from bot.domain.access import Role
from bot.domain.notes import MAX_NOTE_CHARS
from bot.fakeapi import parse_html
from bot.texts import CATALOGUE, LOCALES, Markup, Texts, _merge, escape, plain, t, template

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
# Storage holds ORM/migration strings such as "staff.id" that share the key shape.
NOT_SCANNED = (BOT / "texts", BOT / "storage")
KEY_SHAPE = re.compile(r"[a-z]+\.[a-z0-9_]+")
PREFIX_SHAPE = re.compile(r"[a-z]+\.[a-z0-9_]*")
TEXT_CALLS = frozenset({"t", "plain", "tx"})
NAMESPACES = frozenset(key.split(".", 1)[0] for key in CATALOGUE)
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>|&[#a-zA-Z0-9]+;")
BUTTON_LABEL_LIMIT = 40
ALERT_LIMIT = 200  # answerCallbackQuery text: 0-200 characters
KEYS = sorted(CATALOGUE)


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _domain_errors() -> set[type[errors.DomainError]]:
    """Return DomainError and its subclasses, after importing every module that may add some."""
    import bot.handlers
    import bot.services

    for package in (bot.services, bot.handlers):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    return {errors.DomainError, *_all_subclasses(errors.DomainError)}


DOMAIN_ERRORS = _domain_errors()
DOMAIN_ERROR_NAMES = frozenset(cls.__name__ for cls in DOMAIN_ERRORS)


def placeholders(text: str) -> set[str]:
    """Return the names of the {fields} of a template."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(re.split(r"[.\[]", field, maxsplit=1)[0])
    return names


def key_params(key: str) -> set[str]:
    return placeholders(CATALOGUE[key][0]) | placeholders(CATALOGUE[key][1])


def dummy_params(key: str, value: object = "x") -> dict[str, object]:
    return dict.fromkeys(key_params(key), value)


# --- the scan of the source for used keys ------------------------------------------------


@dataclass(frozen=True)
class KeyUse:
    """One place in the source that names a catalogue key."""

    where: str
    key: str
    kind: str  # "key", "prefix" (f-string) or "call" (a text call with its keyword params)
    params: frozenset[str] | None = None  # the keywords of a call; None when **params are used

    def __str__(self) -> str:
        return f"{self.where}: {self.key}"


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _enclosing_scopes(tree: ast.Module) -> dict[int, ast.AST]:
    """Map each node to its innermost enclosing function (or the module)."""
    scopes: dict[int, ast.AST] = {}

    def visit(node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            scopes[id(child)] = scope
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
            visit(child, inner)

    visit(tree, tree)
    return scopes


def _assigned(scope: ast.AST, name: str) -> list[ast.expr]:
    return [
        node.value
        for node in ast.walk(scope)
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == name for target in node.targets)
    ]


def _keys_of(expr: ast.expr, scope: ast.AST) -> Iterator[tuple[str, str]]:
    """Yield (kind, key-or-prefix) for the literal keys an expression can evaluate to."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield "key", expr.value
    elif isinstance(expr, ast.IfExp):
        yield from _keys_of(expr.body, scope)
        yield from _keys_of(expr.orelse, scope)
    elif isinstance(expr, ast.JoinedStr) and expr.values:
        first = expr.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield "prefix", first.value
    elif isinstance(expr, ast.Name):
        for value in _assigned(scope, expr.id):
            if value is not expr:
                yield from _keys_of(value, scope)


def scan_source(source: str, where: str) -> list[KeyUse]:
    """Return every key a module passes to a text call or a DomainError, or names literally."""
    tree = ast.parse(source)
    scopes = _enclosing_scopes(tree)
    uses: list[KeyUse] = []
    in_calls: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = _callee(node)
        args: list[ast.expr] = []
        if (callee in TEXT_CALLS or callee in DOMAIN_ERROR_NAMES) and node.args:
            args.append(node.args[0])
        args += [kw.value for kw in node.keywords if kw.arg == "text_key"]
        params: frozenset[str] | None = frozenset(
            kw.arg for kw in node.keywords if kw.arg is not None and kw.arg != "text_key"
        )
        if any(kw.arg is None for kw in node.keywords):
            params = None
        line = f"{where}:{node.lineno}"
        for arg in args:
            for kind, key in _keys_of(arg, scopes[id(node)]):
                uses.append(KeyUse(line, key, kind))
                if kind == "key":
                    uses.append(KeyUse(line, key, "call", params))
            in_calls.update(id(n) for n in ast.walk(arg))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in in_calls
            and KEY_SHAPE.fullmatch(node.value)
            and node.value.split(".", 1)[0] in NAMESPACES
        ):
            uses.append(KeyUse(f"{where}:{node.lineno}", node.value, "key"))
    return uses


def _scanned_files() -> list[Path]:
    return [
        path
        for path in sorted(BOT.rglob("*.py"))
        if not any(path.is_relative_to(skip) for skip in NOT_SCANNED)
    ]


USES = [
    use
    for path in _scanned_files()
    for use in scan_source(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
]
USED_KEYS = sorted({use.key for use in USES if use.kind == "key"})
CALLS = [use for use in USES if use.kind == "call" and use.key in CATALOGUE]
PREFIXES = sorted({use.key for use in USES if use.kind == "prefix"})


def _domain_error_keys() -> list[str]:
    """Keys raised as DomainErrors anywhere in bot/, plus each class's default key."""
    keys = {cls.text_key for cls in DOMAIN_ERRORS}
    for path in _scanned_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _callee(node) in DOMAIN_ERROR_NAMES and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    keys.add(first.value)
    return sorted(keys)


def _answered_keys() -> list[str]:
    """Keys rendered by the text calls inside a callback_query.answer(...) call."""
    keys = set()
    for path in _scanned_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scopes = _enclosing_scopes(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _callee(node) == "answer"):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and _callee(inner) in TEXT_CALLS and inner.args:
                    keys |= {key for kind, key in _keys_of(inner.args[0], scopes[id(node)])}
                elif isinstance(inner, ast.Name):
                    # answer(answer_text) where answer_text = tx.plain("…") earlier
                    for value in _assigned(scopes[id(node)], inner.id):
                        for call in ast.walk(value):
                            if isinstance(call, ast.Call) and _callee(call) in TEXT_CALLS:
                                keys |= {k for _, k in _keys_of(call.args[0], scopes[id(node)])}
    return sorted(keys)


ALERT_KEYS = sorted(
    {key for key in CATALOGUE if key.startswith("error.")}
    | set(_domain_error_keys())
    | set(_answered_keys())
)
BUTTON_KEYS = sorted(
    key
    for key in CATALOGUE
    # role.* and residents.field_* are also shown on buttons (/inviter, /beboere).
    if ".btn_" in key or key.startswith(("role.", "residents.field_"))
)


# --- the catalogue itself ----------------------------------------------------------------


def test_catalogue_is_not_empty() -> None:
    assert len(CATALOGUE) > 100
    assert LOCALES == ("da", "en")


@pytest.mark.parametrize("key", KEYS)
def test_key_shape(key: str) -> None:
    assert KEY_SHAPE.fullmatch(key)


@pytest.mark.parametrize("key", KEYS)
def test_both_languages_present(key: str) -> None:
    entry = CATALOGUE[key]
    assert isinstance(entry, tuple)
    assert len(entry) == 2
    da, en = entry
    assert isinstance(da, str)
    assert isinstance(en, str)
    assert da.strip()
    assert en.strip()


@pytest.mark.parametrize("key", KEYS)
def test_placeholders_match(key: str) -> None:
    da, en = CATALOGUE[key]
    assert placeholders(da) == placeholders(en)
    assert all(name.isidentifier() for name in placeholders(da)), "positional or odd field"


@pytest.mark.parametrize("key", KEYS)
def test_same_html_tags_in_both_languages(key: str) -> None:
    da, en = CATALOGUE[key]
    assert sorted(HTML_TAG.findall(da)) == sorted(HTML_TAG.findall(en))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", KEYS)
def test_renders_valid_telegram_html(key: str, locale: str) -> None:
    parse_html(t(key, locale, **dummy_params(key)), strict=True)  # type: ignore[arg-type]


HOSTILE = '<b>&amp; "x" </i> <a href="y">'


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", [k for k in KEYS if key_params(k)])
def test_hostile_params_stay_text(key: str, locale: str) -> None:
    rendered = t(key, locale, **dummy_params(key, HOSTILE))  # type: ignore[arg-type]
    text, _ = parse_html(rendered, strict=True)
    assert HOSTILE in text


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        _merge({"a.b": ("x", "y")}, {"a.b": ("z", "w")})


# --- rendering and escaping --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("<b>&", "&lt;b&gt;&amp;", id="tags-and-ampersand"),
        pytest.param("&amp;", "&amp;amp;", id="entity-escaped-again"),
        pytest.param("\"x\" 'y'", "\"x\" 'y'", id="quotes-kept"),
        pytest.param(5, "5", id="number"),
        pytest.param(Markup("<b>x</b>"), "<b>x</b>", id="markup-kept"),
        pytest.param("æøå 📝", "æøå 📝", id="unicode"),
    ],
)
def test_t_escapes_params(value: object, expected: str) -> None:
    rendered = t("common.plain", text=value)
    assert rendered == expected
    assert isinstance(rendered, Markup)
    assert escape(value) == expected


def test_plain_does_not_escape() -> None:
    assert plain("common.plain", text="<b>&") == "<b>&"


def test_nested_markup_is_escaped_once() -> None:
    details = t("notes.card_details", resident="<Mia>", type="A&B", text="1 < 2")
    card = t("notes.card_confirm", details=details)
    assert "<b>&lt;Mia&gt;</b>" in card
    assert "A&amp;B" in card
    assert "&amp;lt;" not in card
    text, _ = parse_html(card, strict=True)
    assert "<Mia>" in text
    assert "1 < 2" in text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        pytest.param("da", "Annulleret. Intet er gemt.", id="danish"),
        pytest.param("en", "Cancelled. Nothing was saved.", id="english"),
    ],
)
def test_texts_bound_to_a_locale(locale: str, expected: str) -> None:
    tx = Texts(locale)  # type: ignore[arg-type]
    assert tx("common.cancelled") == expected
    assert tx.plain("common.cancelled") == expected
    assert template("common.cancelled", locale) == expected  # type: ignore[arg-type]


def test_default_locale_is_danish() -> None:
    assert t("common.cancelled") == CATALOGUE["common.cancelled"][0]


def test_unknown_key_fails_loudly() -> None:
    with pytest.raises(KeyError):
        t("notes.no_such_key")


# --- keys used in the source -------------------------------------------------------------


def test_the_scan_finds_the_keys() -> None:
    # The scan must see keys in every form they are used in, or the tests below prove nothing.
    assert len(USED_KEYS) > 80
    assert {
        "notes.btn_undo",  # passed to a helper: _button(tx, "notes.btn_undo", …)
        "residents.list_empty",  # chosen by a conditional, then tx(key, …)
        "notes.too_long",  # raise InvalidInput("notes.too_long", limit=…)
        "error.date_format",  # raised in the domain
        "error.sorry",  # the error handler
    } <= set(USED_KEYS)
    assert {"role.", "residents.field_"} <= set(PREFIXES)


SCAN_PROBE = """\
def f(tx, c):
    tx("notes.nope_one")
    tx.plain("notes.btn_nope", number=1)
    _button(tx, "notes.btn_helper_nope", 1, "s")
    raise NotAllowed("error.nope_raised", name="x")
    DomainError(text_key="error.nope_kw")
    key = "common.nope_a" if c else "common.nope_b"
    tx(key, **params)
    tx(f"role.{c}")
    x = "staff.id_like"
    y = "unknown.namespace"
"""


def test_scan_reports_every_form() -> None:
    uses = scan_source(SCAN_PROBE, "probe.py")
    keys = {(use.kind, use.key) for use in uses if use.kind != "call"}
    assert keys == {
        ("key", "notes.nope_one"),
        ("key", "notes.btn_nope"),
        ("key", "notes.btn_helper_nope"),
        ("key", "error.nope_raised"),
        ("key", "error.nope_kw"),
        ("key", "common.nope_a"),
        ("key", "common.nope_b"),
        ("prefix", "role."),
        ("key", "staff.id_like"),
    }
    params = {use.key: use.params for use in uses if use.kind == "call"}
    assert params["notes.btn_nope"] == {"number"}
    assert params["error.nope_raised"] == {"name"}
    assert params["common.nope_a"] is None


@pytest.mark.parametrize("key", USED_KEYS)
def test_used_key_exists(key: str) -> None:
    where = [str(use) for use in USES if use.key == key]
    assert key in CATALOGUE, f"unknown text key used at {where}"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_used_prefix_has_entries(prefix: str) -> None:
    assert PREFIX_SHAPE.fullmatch(prefix), prefix
    assert any(key.startswith(prefix) for key in CATALOGUE)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_role_has_a_name(role: Role) -> None:
    assert f"role.{role.value}" in CATALOGUE


def test_every_editable_field_has_a_label() -> None:
    from bot.services.residents import EDITABLE_FIELDS

    assert EDITABLE_FIELDS
    for field in EDITABLE_FIELDS:
        assert f"residents.field_{field}" in CATALOGUE


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_calls_pass_the_params_their_text_needs(call: KeyUse) -> None:
    if call.params is None:
        pytest.skip("params passed with **")
    missing = key_params(call.key) - call.params
    assert not missing, f"{call} renders without {sorted(missing)}"


@pytest.mark.parametrize("cls", sorted(DOMAIN_ERRORS, key=lambda c: c.__name__), ids=str)
def test_domain_error_default_keys_exist(cls: type[errors.DomainError]) -> None:
    assert cls.text_key in CATALOGUE
    assert not key_params(cls.text_key)
    assert cls().text_key == cls.text_key


# --- buttons and alerts ------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", BUTTON_KEYS)
def test_button_label(key: str, locale: str) -> None:
    assert not HTML_TAG.search(template(key, locale)), "buttons show no HTML"  # type: ignore[arg-type]
    label = plain(key, locale, **dummy_params(key, 99))  # type: ignore[arg-type]
    assert 0 < len(label) <= BUTTON_LABEL_LIMIT


def test_alert_keys_are_found() -> None:
    assert {"error.bad_button", "error.sorry", "notes.card_closed", "notes.saved_toast"} <= set(
        ALERT_KEYS
    )
    assert {"access.not_registered", "error.button_expired"} <= set(ALERT_KEYS)


def _alert_params(key: str) -> dict[str, object]:
    from bot.services.residents import MAX_NAME_CHARS

    # The longest values the services let through: names are capped, limits are numbers.
    longest: dict[str, object] = {"name": "N" * MAX_NAME_CHARS, "limit": MAX_NOTE_CHARS}
    return {name: longest.get(name, "x" * 20) for name in key_params(key)}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", ALERT_KEYS)
def test_alert_fits_a_callback_answer(key: str, locale: str) -> None:
    assert key in CATALOGUE
    assert not HTML_TAG.search(template(key, locale)), "alerts are plain text"  # type: ignore[arg-type]
    assert len(plain(key, locale, **_alert_params(key))) <= ALERT_LIMIT  # type: ignore[arg-type]
