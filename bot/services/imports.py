"""CSV imports run from the command line: residents and local diary types, all rows or none."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.clock import Clock
from bot.domain.errors import InvalidInput
from bot.services.residents import (
    validate_birth_date,
    validate_email,
    validate_enrolment,
    validate_name,
)
from bot.storage.models import Department, DiaryType, DiaryTypeAlias, Resident
from bot.storage.uow import UnitOfWork
from bot.texts import Locale, plain

RESIDENT_COLUMNS = ("name", "birth_date", "department", "enrolment_date")
RESIDENT_OPTIONAL_COLUMNS = ("caseworker_name", "caseworker_email")
TYPE_COLUMNS = ("name",)
TYPE_OPTIONAL_COLUMNS = ("aliases",)

# The column sizes of bot.storage.models: PostgreSQL enforces them, SQLite would not.
MAX_DEPARTMENT_CHARS = 120
MAX_CASEWORKER_CHARS = 200
MAX_TYPE_NAME_CHARS = 120
MAX_ALIAS_CHARS = 120

TYPE_SORT_STEP = 10  # the seeded types are 10, 20, … so local ones slot in after them
IMPORT_DETAIL = "import"

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ALIAS_SEPARATORS = re.compile(r"[;|]")

LineError = tuple[int, str]


@dataclass
class ImportResult:
    """What an import did, or, when errors is not empty, why it wrote nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the import was written."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row of a CSV file: its line number (the header is line 1) and its cells."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True, slots=True)
class ResidentRow:
    """A validated resident row."""

    line: int
    name: str
    birth_date: date
    department: str
    enrolment_date: date
    caseworker_name: str | None
    caseworker_email: str | None

    @property
    def key(self) -> tuple[str, str, date]:
        """Return the natural key, with the department folded as the database matches it."""
        return (self.department.casefold(), self.name, self.birth_date)


@dataclass(frozen=True, slots=True)
class DiaryTypeRow:
    """A validated diary-type row."""

    line: int
    name: str
    aliases: tuple[str, ...]


def _clean(text: str) -> str:
    return " ".join(text.split())


def _delimiter(header_line: str) -> str:
    # The header holds only known column names, so the separator it uses is the file's.
    # csv.Sniffer also looks at data rows, where a comma inside a name can mislead it.
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_csv(
    stream: TextIO,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    locale: Locale = "en",
) -> tuple[list[CsvRow], list[LineError]]:
    """Read a comma- or semicolon-separated file with a header into rows, or line errors."""
    # Files opened as plain UTF-8 keep the byte-order mark that Excel writes.
    text = stream.read().removeprefix("\ufeff")
    expected = ",".join(required)
    allowed = ",".join((*required, *optional))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    rows: list[CsvRow] = []
    errors: list[LineError] = []
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            return [], [(1, plain("import.empty_file", locale, expected=expected))]
        names = [cell.strip().lower() for cell in header]
        repeated = sorted({n for n in names if names.count(n) > 1})
        missing = [n for n in required if n not in names]
        unknown = [n for n in names if n not in required and n not in optional]
        errors.extend((1, plain("import.repeated_column", locale, column=n)) for n in repeated)
        if missing:
            errors.append(
                (
                    1,
                    plain(
                        "import.missing_columns",
                        locale,
                        columns=", ".join(missing),
                        expected=expected,
                    ),
                )
            )
        if unknown:
            # A misspelt optional column would otherwise be ignored without a word.
            errors.append(
                (
                    1,
                    plain(
                        "import.unknown_columns",
                        locale,
                        columns=", ".join(unknown),
                        allowed=allowed,
                    ),
                )
            )
        if errors:
            return [], errors
        previous_end = reader.line_num
        for record in reader:
            # A quoted field may span lines; report the line where the row starts.
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue  # blank lines and Excel's rows of bare separators
            cells = record
            if len(cells) > len(names) and not any(c.strip() for c in cells[len(names) :]):
                cells = cells[: len(names)]  # trailing empty cells that Excel pads with
            if len(cells) != len(names):
                errors.append(
                    (
                        line,
                        plain("import.field_count", locale, found=len(cells), expected=len(names)),
                    )
                )
                continue
            rows.append(CsvRow(line, {n: c.strip() for n, c in zip(names, cells, strict=True)}))
    except csv.Error as exc:
        errors.append((reader.line_num, str(exc)))
    return rows, errors


def _reason(column: str, exc: InvalidInput, locale: Locale) -> str:
    return f"{column}: {plain(exc.text_key, locale, **exc.params)}"


def _iso_date(value: str) -> date:
    if not value:
        raise InvalidInput("import.required")
    if not ISO_DATE.match(value):
        raise InvalidInput("import.date_format", value=value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("import.date_format", value=value) from None


def _optional_text(value: str, limit: int, key: str) -> str | None:
    text = _clean(value)
    if not text:
        return None
    if len(text) > limit:
        raise InvalidInput(key, limit=limit)
    return text


def parse_residents(
    stream: TextIO, *, today: date, locale: Locale = "en"
) -> tuple[list[ResidentRow], list[LineError]]:
    """Validate a residents file with the same rules as the chat uses; collect every error."""
    rows, errors = read_csv(stream, RESIDENT_COLUMNS, RESIDENT_OPTIONAL_COLUMNS, locale=locale)
    parsed: list[ResidentRow] = []
    seen: dict[tuple[str, str, date], int] = {}
    for row in rows:
        cells = row.cells
        problems: list[str] = []
        name = department = ""
        birth: date | None = None
        enrolment: date | None = None
        caseworker_name = caseworker_email = None
        try:
            name = validate_name(cells["name"])
        except InvalidInput as exc:
            problems.append(_reason("name", exc, locale))
        try:
            birth = validate_birth_date(_iso_date(cells["birth_date"]), today)
        except InvalidInput as exc:
            problems.append(_reason("birth_date", exc, locale))
        try:
            department = _clean(cells["department"])
            if not department:
                raise InvalidInput("import.required")
            if len(department) > MAX_DEPARTMENT_CHARS:
                raise InvalidInput("import.too_long", limit=MAX_DEPARTMENT_CHARS)
        except InvalidInput as exc:
            problems.append(_reason("department", exc, locale))
        try:
            enrolment = validate_enrolment(_iso_date(cells["enrolment_date"]), birth, today)
        except InvalidInput as exc:
            problems.append(_reason("enrolment_date", exc, locale))
        try:
            caseworker_name = _optional_text(
                cells.get("caseworker_name", ""),
                MAX_CASEWORKER_CHARS,
                "residents.caseworker_invalid",
            )
        except InvalidInput as exc:
            problems.append(_reason("caseworker_name", exc, locale))
        try:
            email = cells.get("caseworker_email", "").strip()
            caseworker_email = validate_email(email) if email else None
        except InvalidInput as exc:
            problems.append(_reason("caseworker_email", exc, locale))
        if problems or birth is None or enrolment is None:
            errors.extend((row.line, problem) for problem in problems)
            continue
        resident = ResidentRow(
            line=row.line,
            name=name,
            birth_date=birth,
            department=department,
            enrolment_date=enrolment,
            caseworker_name=caseworker_name,
            caseworker_email=caseworker_email,
        )
        first = seen.setdefault(resident.key, row.line)
        if first != row.line:
            errors.append((row.line, plain("import.duplicate_resident", locale, line=first)))
            continue
        parsed.append(resident)
    errors.sort(key=lambda error: error[0])
    return parsed, errors


def import_residents(
    uow: UnitOfWork, clock: Clock, stream: TextIO, *, tz: ZoneInfo, locale: Locale = "en"
) -> ImportResult:
    """Create or update residents from a CSV file; write nothing if any row is bad."""
    today = clock.now().astimezone(tz).date()
    rows, errors = parse_residents(stream, today=today, locale=locale)
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    with uow:
        now = clock.now()
        # Folded in Python: SQLite's lower() leaves Æ, Ø and Å alone, so "ØST" would not
        # find "Øst" through the repository's case-insensitive lookup.
        departments: dict[str, Department] = {d.name.casefold(): d for d in uow.org.departments()}
        for row in rows:
            department = departments.get(row.department.casefold())
            if department is None:
                department, _ = uow.org.get_or_create_department(row.department, now)
                departments[row.department.casefold()] = department
            assert department.id is not None
            resident = uow.residents.by_natural_key(department.id, row.name, row.birth_date)
            if resident is None:
                resident = uow.residents.add(
                    Resident(
                        display_name=row.name,
                        birth_date=row.birth_date,
                        department_id=department.id,
                        enrolment_date=row.enrolment_date,
                        caseworker_name=row.caseworker_name,
                        caseworker_email=row.caseworker_email,
                        created_at=now,
                        updated_at=now,
                    )
                )
                action = "create"
                result.created += 1
            elif _apply_changes(resident, row):
                resident.updated_at = now
                uow.session.add(resident)
                action = "edit"
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            uow.audit.record(
                at=now,
                actor_id=None,
                action=action,
                entity="resident",
                entity_id=resident.id,
                resident_id=resident.id,
                detail=IMPORT_DETAIL,
            )
        uow.commit()
    return result


def _apply_changes(resident: Resident, row: ResidentRow) -> bool:
    """Copy the row's values onto an existing resident; tell whether anything changed."""
    changed = False
    if resident.enrolment_date != row.enrolment_date:
        resident.enrolment_date = row.enrolment_date
        changed = True
    # An empty caseworker cell keeps what is stored: a file without caseworkers must not
    # wipe the ones leaders typed in the chat.
    if row.caseworker_name is not None and resident.caseworker_name != row.caseworker_name:
        resident.caseworker_name = row.caseworker_name
        changed = True
    if row.caseworker_email is not None and resident.caseworker_email != row.caseworker_email:
        resident.caseworker_email = row.caseworker_email
        changed = True
    return changed


def _aliases(field_text: str) -> tuple[str, ...]:
    # Stored in lower case like the seeded aliases (matching folds case anyway), so the
    # unique index on alias also catches "Komm" next to "komm".
    found: dict[str, None] = {}
    for part in ALIAS_SEPARATORS.split(field_text):
        alias = _clean(part).lower()
        if alias:
            found.setdefault(alias, None)
    return tuple(found)


def parse_diary_types(
    stream: TextIO, *, locale: Locale = "en"
) -> tuple[list[DiaryTypeRow], list[LineError]]:
    """Validate a diary-types file; aliases are separated by ; or | inside their field."""
    rows, errors = read_csv(stream, TYPE_COLUMNS, TYPE_OPTIONAL_COLUMNS, locale=locale)
    parsed: list[DiaryTypeRow] = []
    names: dict[str, int] = {}
    alias_rows: dict[str, DiaryTypeRow] = {}
    for row in rows:
        name = _clean(row.cells["name"])
        if not name:
            errors.append((row.line, f"name: {plain('import.required', locale)}"))
            continue
        if len(name) > MAX_TYPE_NAME_CHARS:
            errors.append(
                (row.line, f"name: {plain('import.too_long', locale, limit=MAX_TYPE_NAME_CHARS)}")
            )
            continue
        first = names.setdefault(name.casefold(), row.line)
        if first != row.line:
            errors.append((row.line, plain("import.duplicate_type", locale, line=first)))
            continue
        aliases = _aliases(row.cells.get("aliases", ""))
        entry = DiaryTypeRow(row.line, name, aliases)
        bad = False
        for alias in aliases:
            if len(alias) > MAX_ALIAS_CHARS:
                limit = plain("import.too_long", locale, limit=MAX_ALIAS_CHARS)
                errors.append((row.line, f"aliases: {alias[:20]}… {limit}"))
                bad = True
                continue
            other = alias_rows.setdefault(alias, entry)
            if other is not entry:
                errors.append(
                    (
                        row.line,
                        plain(
                            "import.alias_in_file",
                            locale,
                            alias=alias,
                            owner=other.name,
                            line=other.line,
                        ),
                    )
                )
                bad = True
        if not bad:
            parsed.append(entry)
    errors.sort(key=lambda error: error[0])
    return parsed, errors


def import_diary_types(
    uow: UnitOfWork, clock: Clock, stream: TextIO, *, locale: Locale = "en"
) -> ImportResult:
    """Create local diary types or add aliases to existing ones; write nothing on any error."""
    rows, errors = parse_diary_types(stream, locale=locale)
    if errors:
        return ImportResult(errors=errors)
    result = ImportResult()
    with uow:
        # Both tables are small. Folding in Python matches "ØKONOMI" with "Økonomi", which
        # SQLite's ASCII-only lower() would not.
        types = list(uow.session.exec(select(DiaryType)))
        by_name = {t.name.casefold(): t for t in types}
        names = {t.id: t.name for t in types}
        owners = {
            a.alias.casefold(): a.diary_type_id for a in uow.session.exec(select(DiaryTypeAlias))
        }
        plan: list[tuple[DiaryTypeRow, DiaryType | None, list[str]]] = []
        for row in rows:
            existing = by_name.get(row.name.casefold())
            new_aliases: list[str] = []
            for alias in row.aliases:
                owner = owners.get(alias.casefold())
                if owner is None:
                    new_aliases.append(alias)
                elif existing is None or owner != existing.id:
                    errors.append(
                        (
                            row.line,
                            plain(
                                "import.alias_taken",
                                locale,
                                alias=alias,
                                owner=names.get(owner, "?"),
                            ),
                        )
                    )
            plan.append((row, existing, new_aliases))
        if errors:
            return ImportResult(errors=errors)
        now = clock.now()
        sort_order = max((t.sort_order for t in types), default=0) + TYPE_SORT_STEP
        for row, existing, new_aliases in plan:
            if existing is None:
                diary_type = uow.diary_types.add(
                    DiaryType(
                        name=row.name,
                        kind="context",
                        builtin=False,
                        active=True,
                        sort_order=sort_order,
                    )
                )
                sort_order += TYPE_SORT_STEP
                action = "create"
                result.created += 1
            elif new_aliases:
                diary_type = existing
                action = "edit"
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            assert diary_type.id is not None
            for alias in new_aliases:
                uow.diary_types.add_alias(diary_type.id, alias)
            uow.audit.record(
                at=now,
                actor_id=None,
                action=action,
                entity="diary_type",
                entity_id=diary_type.id,
                detail=IMPORT_DETAIL,
            )
        uow.commit()
    return result
