"""CSV imports of residents and diary types: all rows or none, idempotent, on both databases."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.clock import FixedClock
from bot.services.imports import ImportResult, import_diary_types, import_residents
from bot.storage.db import create_db_engine
from bot.storage.models import AuditEvent, Department, DiaryType, DiaryTypeAlias, Resident
from bot.storage.uow import UnitOfWorkFactory
from bot.texts import plain
from tests import factories

TZ = ZoneInfo("Europe/Copenhagen")
HEADER = "name,birth_date,department,enrolment_date,caseworker_name,caseworker_email"
GOOD_ROWS = (
    "Mia,2012-05-17,Afdeling Øst,2020-08-01,Lene Holm,lh@kommune.dk\n"
    "Anne Sofie K.,2009-11-02,Afdeling Øst,2021-01-15,,\n"
    "Bo,2015-03-03,Afdeling Vest,2024-08-12,Karl Bæk,kb@kommune.dk\n"
)
GOOD_FILE = f"{HEADER}\n{GOOD_ROWS}"

ResidentRowView = tuple[str, str, date, date, str | None, str | None]


def residents(make_uow: UnitOfWorkFactory) -> list[ResidentRowView]:
    """Return every stored resident as (department, name, birth, enrolment, caseworker, e-mail)."""
    with make_uow() as uow:
        rows = uow.session.exec(
            select(Department.name, Resident)
            .join(Department, col(Department.id) == col(Resident.department_id))
            .order_by(col(Resident.id))
        ).all()
        return [
            (
                dep,
                r.display_name,
                r.birth_date,
                r.enrolment_date,
                r.caseworker_name,
                r.caseworker_email,
            )
            for dep, r in rows
        ]


def department_names(make_uow: UnitOfWorkFactory) -> list[str]:
    """Return the names of all departments, sorted."""
    with make_uow() as uow:
        return sorted(d.name for d in uow.org.departments())


def audit(make_uow: UnitOfWorkFactory, entity: str) -> list[tuple[str, int | None, str]]:
    """Return (action, actor id, detail) of the audit events for one kind of entity."""
    with make_uow() as uow:
        return [(e.action, e.actor_id, e.detail) for e in uow.audit.events(entity=entity)]


def run_residents(make_uow: UnitOfWorkFactory, clock: FixedClock, text: str) -> ImportResult:
    """Import a residents file given as text."""
    return import_residents(make_uow(), clock, io.StringIO(text), tz=TZ)


def run_types(make_uow: UnitOfWorkFactory, clock: FixedClock, text: str) -> ImportResult:
    """Import a diary-types file given as text."""
    return import_diary_types(make_uow(), clock, io.StringIO(text))


@pytest.fixture
def sqlite_uow(db_url: str) -> Iterator[UnitOfWorkFactory]:
    """Units of work on SQLite only: for the validation tables, which never reach the database."""
    engine = create_db_engine(db_url)
    yield UnitOfWorkFactory(engine)
    engine.dispose()


def counts(result: ImportResult) -> tuple[int, int, int]:
    """Return (created, updated, unchanged)."""
    return result.created, result.updated, result.unchanged


# --- Residents -----------------------------------------------------------------------------


def test_good_file_creates_residents_and_departments(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    result = run_residents(make_uow, clock, GOOD_FILE)

    assert result.errors == []
    assert counts(result) == (3, 0, 0)
    assert residents(make_uow) == [
        ("Afdeling Øst", "Mia", date(2012, 5, 17), date(2020, 8, 1), "Lene Holm", "lh@kommune.dk"),
        ("Afdeling Øst", "Anne Sofie K.", date(2009, 11, 2), date(2021, 1, 15), None, None),
        (
            "Afdeling Vest",
            "Bo",
            date(2015, 3, 3),
            date(2024, 8, 12),
            "Karl Bæk",
            "kb@kommune.dk",
        ),
    ]
    assert department_names(make_uow) == ["Afdeling Vest", "Afdeling Øst"]
    assert audit(make_uow, "resident") == [("create", None, "import")] * 3


def test_the_optional_caseworker_columns_may_be_left_out(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    text = "name,birth_date,department,enrolment_date\nMia,2012-05-17,Øst,2020-08-01\n"

    result = run_residents(make_uow, clock, text)

    assert (result.errors, counts(result)) == ([], (1, 0, 0))
    assert residents(make_uow) == [("Øst", "Mia", date(2012, 5, 17), date(2020, 8, 1), None, None)]


def _reason(column: str, key: str, **params: object) -> str:
    return f"{column}: {plain(key, 'en', **params)}"


# Today is 2026-11-23 in Copenhagen (the clock fixture).
BAD_ROWS = [
    pytest.param(
        "Mia 0101,2012-05-17,Øst,2020-08-01,,",
        _reason("name", "residents.name_digits"),
        id="name-with-digits",
    ),
    pytest.param(
        " ,2012-05-17,Øst,2020-08-01,,", _reason("name", "residents.name_empty"), id="no-name"
    ),
    pytest.param(
        f"{'A' * 81},2012-05-17,Øst,2020-08-01,,",
        _reason("name", "residents.name_too_long", limit=80),
        id="name-too-long",
    ),
    pytest.param(
        "Bo,17.05.2012,Øst,2020-08-01,,",
        _reason("birth_date", "import.date_format", value="17.05.2012"),
        id="danish-date",
    ),
    pytest.param(
        "Bo,2012-02-30,Øst,2020-08-01,,",
        _reason("birth_date", "import.date_format", value="2012-02-30"),
        id="no-such-day",
    ),
    pytest.param(
        "Bo,,Øst,2020-08-01,,", _reason("birth_date", "import.required"), id="no-birth-date"
    ),
    pytest.param(
        "Bo,2026-11-24,Øst,2026-11-24,,",
        _reason("birth_date", "residents.birth_in_future"),
        id="born-tomorrow",
    ),
    pytest.param(
        "Bo,1985-12-31,Øst,2020-08-01,,",
        _reason("birth_date", "residents.birth_too_old"),
        id="born-too-long-ago",
    ),
    pytest.param(
        "Bo,2012-05-17,  ,2020-08-01,,", _reason("department", "import.required"), id="no-dep"
    ),
    pytest.param(
        f"Bo,2012-05-17,{'D' * 121},2020-08-01,,",
        _reason("department", "import.too_long", limit=120),
        id="department-too-long",
    ),
    pytest.param(
        "Bo,2012-05-17,Øst,2012-05-16,,",
        _reason("enrolment_date", "residents.enrolment_before_birth"),
        id="enrolled-before-birth",
    ),
    pytest.param(
        "Bo,2012-05-17,Øst,2028-01-01,,",
        _reason("enrolment_date", "residents.enrolment_far_future"),
        id="enrolled-far-ahead",
    ),
    pytest.param(
        f"Bo,2012-05-17,Øst,2020-08-01,{'C' * 201},",
        _reason("caseworker_name", "residents.caseworker_invalid"),
        id="caseworker-name-too-long",
    ),
    pytest.param(
        "Bo,2012-05-17,Øst,2020-08-01,Lene,lene@kommune",
        _reason("caseworker_email", "residents.email_invalid"),
        id="bad-email",
    ),
    pytest.param(
        "Bo,2012-05-17,Øst",
        plain("import.field_count", "en", found=3, expected=6),
        id="too-few-fields",
    ),
    pytest.param(
        "Bo,2012-05-17,Øst,2020-08-01,,,extra",
        plain("import.field_count", "en", found=7, expected=6),
        id="too-many-fields",
    ),
    pytest.param(
        "Mia,2012-05-17,afdeling øst,2023-01-01,,",
        plain("import.duplicate_resident", "en", line=2),
        id="same-resident-twice",
    ),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(
    sqlite_uow: UnitOfWorkFactory, clock: FixedClock, row: str, reason: str
) -> None:
    good = "Mia,2012-05-17,Afdeling Øst,2020-08-01,,"
    text = f"{HEADER}\n{good}\n{row}\n"

    result = run_residents(sqlite_uow, clock, text)

    assert result.errors == [(3, reason)]
    assert counts(result) == (0, 0, 0)
    assert residents(sqlite_uow) == []
    assert department_names(sqlite_uow) == []
    assert audit(sqlite_uow, "resident") == []


def test_every_problem_of_every_row_is_reported_in_line_order(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    text = (
        f"{HEADER}\n"
        "Mia,2012-05-17,Øst,2020-08-01,,\n"
        "\n"  # blank lines are skipped but still counted
        'Bo 2,2012-13-01,,2020-08-01,"Lene\nHolm",x\n'  # a quoted field spans two lines
        "Ida,2014-01-01,Øst,2020-08-01,,\n"
        "Eva,2014-01-01,Øst,2099-01-01,,\n"
    )

    result = run_residents(make_uow, clock, text)

    assert result.errors == [
        (4, _reason("name", "residents.name_digits")),
        (4, _reason("birth_date", "import.date_format", value="2012-13-01")),
        (4, _reason("department", "import.required")),
        (4, _reason("caseworker_email", "residents.email_invalid")),
        (7, _reason("enrolment_date", "residents.enrolment_far_future")),
    ]
    assert residents(make_uow) == []


REQUIRED = "name,birth_date,department,enrolment_date"
ALLOWED = f"{REQUIRED},caseworker_name,caseworker_email"
HEADER_CASES = [
    pytest.param("", [plain("import.empty_file", "en", expected=REQUIRED)], id="empty-file"),
    pytest.param(
        "\ufeff\r\n", [plain("import.empty_file", "en", expected=REQUIRED)], id="only-a-bom"
    ),
    pytest.param(
        "name,birth_date,enrolment_date\n",
        [plain("import.missing_columns", "en", columns="department", expected=REQUIRED)],
        id="missing-column",
    ),
    pytest.param(
        f"{REQUIRED},caseworker_mail\n",
        [plain("import.unknown_columns", "en", columns="caseworker_mail", allowed=ALLOWED)],
        id="misspelt-optional-column",
    ),
    pytest.param(
        f"name,{REQUIRED}\n",
        [plain("import.repeated_column", "en", column="name")],
        id="repeated-column",
    ),
    pytest.param(
        "Mia,2012-05-17,Øst,2020-08-01\n",
        [
            plain(
                "import.missing_columns",
                "en",
                columns=REQUIRED.replace(",", ", "),
                expected=REQUIRED,
            ),
            plain(
                "import.unknown_columns",
                "en",
                columns="mia, 2012-05-17, øst, 2020-08-01",
                allowed=ALLOWED,
            ),
        ],
        id="no-header-at-all",
    ),
]


@pytest.mark.parametrize(("head", "reasons"), HEADER_CASES)
def test_a_bad_header_is_line_one(
    sqlite_uow: UnitOfWorkFactory, clock: FixedClock, head: str, reasons: list[str]
) -> None:
    # Only a file with a first line has rows after it.
    rows = "Bo,2012-05-17,Øst,2020-08-01\n" if head.strip("\ufeff\r\n") else ""

    result = run_residents(sqlite_uow, clock, head + rows)

    assert result.errors == [(1, reason) for reason in reasons]
    assert residents(sqlite_uow) == []


def test_importing_the_same_file_again_changes_nothing(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    assert counts(run_residents(make_uow, clock, GOOD_FILE)) == (3, 0, 0)
    with make_uow() as uow:
        stamps_before = [r.updated_at for r in uow.session.exec(select(Resident))]
    clock.advance(timedelta(days=1))

    again = run_residents(make_uow, clock, GOOD_FILE)

    assert (again.errors, counts(again)) == ([], (0, 0, 3))
    with make_uow() as uow:
        assert [r.updated_at for r in uow.session.exec(select(Resident))] == stamps_before
    assert len(residents(make_uow)) == 3
    assert department_names(make_uow) == ["Afdeling Vest", "Afdeling Øst"]
    assert audit(make_uow, "resident") == [("create", None, "import")] * 3


def test_a_changed_caseworker_or_enrolment_date_updates_the_resident(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    run_residents(make_uow, clock, GOOD_FILE)
    changed = (
        f"{HEADER}\n"
        "Mia,2012-05-17,Afdeling Øst,2020-08-01,Lene Holm,lene.holm@kommune.dk\n"
        "Anne Sofie K.,2009-11-02,Afdeling Øst,2021-02-01,,\n"
        # An empty caseworker cell keeps the stored caseworker.
        "Bo,2015-03-03,Afdeling Vest,2024-08-12,,\n"
    )

    result = run_residents(make_uow, clock, changed)

    assert (result.errors, counts(result)) == ([], (0, 2, 1))
    assert residents(make_uow) == [
        (
            "Afdeling Øst",
            "Mia",
            date(2012, 5, 17),
            date(2020, 8, 1),
            "Lene Holm",
            "lene.holm@kommune.dk",
        ),
        ("Afdeling Øst", "Anne Sofie K.", date(2009, 11, 2), date(2021, 2, 1), None, None),
        (
            "Afdeling Vest",
            "Bo",
            date(2015, 3, 3),
            date(2024, 8, 12),
            "Karl Bæk",
            "kb@kommune.dk",
        ),
    ]
    assert (
        audit(make_uow, "resident")
        == [("create", None, "import")] * 3 + [("edit", None, "import")] * 2
    )


def test_semicolon_file_with_bom_and_crlf_as_danish_excel_saves_it(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    text = (
        "\ufeffname;birth_date;department;enrolment_date;caseworker_name;caseworker_email\r\n"
        "Mia;2012-05-17;Øst, hus 2;2020-08-01;Holm, Lene;lh@kommune.dk\r\n"
        ";;;;;\r\n"  # the rows of bare separators Excel leaves at the end
    )

    result = run_residents(make_uow, clock, text)

    assert (result.errors, counts(result)) == ([], (1, 0, 0))
    assert residents(make_uow) == [
        (
            "Øst, hus 2",
            "Mia",
            date(2012, 5, 17),
            date(2020, 8, 1),
            "Holm, Lene",
            "lh@kommune.dk",
        )
    ]


def test_an_existing_department_is_found_whatever_the_case(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    factories.department(make_uow, "Afdeling Øst", clock.now())
    text = (
        f"{HEADER}\n"
        "Mia,2012-05-17,AFDELING ØST,2020-08-01,,\n"
        "Bo,2015-03-03,afdeling øst,2024-08-12,,\n"
    )

    result = run_residents(make_uow, clock, text)

    assert (result.errors, counts(result)) == ([], (2, 0, 0))
    assert department_names(make_uow) == ["Afdeling Øst"]
    assert [r[0] for r in residents(make_uow)] == ["Afdeling Øst", "Afdeling Øst"]


def test_a_resident_added_in_the_chat_is_matched_by_the_natural_key(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    dep = factories.department(make_uow, "Afdeling Øst", clock.now())
    factories.resident(
        make_uow,
        "Mia",
        dep,
        clock.now(),
        birth_date=date(2012, 5, 17),
        enrolment_date=date(2020, 8, 1),
    )
    text = (
        f"{HEADER}\n"
        "Mia,2012-05-17,Afdeling Øst,2020-08-01,,\n"
        "Mia,2013-01-01,Afdeling Øst,2020-08-01,,\n"  # another Mia: another birth date
    )

    result = run_residents(make_uow, clock, text)

    assert (result.errors, counts(result)) == ([], (1, 0, 1))
    assert [(r[1], r[2]) for r in residents(make_uow)] == [
        ("Mia", date(2012, 5, 17)),
        ("Mia", date(2013, 1, 1)),
    ]


# --- Diary types ---------------------------------------------------------------------------


def diary_types(make_uow: UnitOfWorkFactory) -> dict[str, tuple[str, bool, int, list[str]]]:
    """Return every type by name: (kind, builtin, sort order, aliases in insertion order)."""
    with make_uow() as uow:
        types = uow.session.exec(select(DiaryType)).all()
        aliases = uow.session.exec(select(DiaryTypeAlias).order_by(col(DiaryTypeAlias.id))).all()
        return {
            t.name: (
                t.kind,
                t.builtin,
                t.sort_order,
                [a.alias for a in aliases if a.diary_type_id == t.id],
            )
            for t in types
        }


def test_new_diary_types_come_after_the_builtins_with_their_aliases(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    before = diary_types(make_uow)
    last_builtin = max(order for _, _, order, _ in before.values())
    text = "name,aliases\nKost og ernæring,kost;Mad\nSøvn,søvn | nat\nMotorik,\n"

    result = run_types(make_uow, clock, text)

    assert (result.errors, counts(result)) == ([], (3, 0, 0))
    after = diary_types(make_uow)
    assert {k: v for k, v in after.items() if k not in before} == {
        "Kost og ernæring": ("context", False, last_builtin + 10, ["kost", "mad"]),
        "Søvn": ("context", False, last_builtin + 20, ["søvn", "nat"]),
        "Motorik": ("context", False, last_builtin + 30, []),
    }
    assert {k: after[k] for k in before} == before
    assert audit(make_uow, "diary_type") == [("create", None, "import")] * 3
    # The bot's directory lists them (active, in order) for matching.
    with make_uow() as uow:
        listed = [(t.name, aliases) for t, aliases in uow.diary_types.active_with_aliases()]
    assert listed[-3:] == [
        ("Kost og ernæring", ["kost", "mad"]),
        ("Søvn", ["søvn", "nat"]),
        ("Motorik", []),
    ]


def test_aliases_are_added_to_an_existing_type_and_a_rerun_changes_nothing(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    # "komm" is already Kommunikationsforhold's own alias: no clash, nothing to add.
    text = "name,aliases\nkommunikationsforhold,komm;tegn til tale|TTT\nSøvn,nat\n"

    first = run_types(make_uow, clock, text)
    again = run_types(make_uow, clock, text)

    assert (first.errors, counts(first)) == ([], (1, 1, 0))
    assert (again.errors, counts(again)) == ([], (0, 0, 2))
    kind, builtin, _, aliases = diary_types(make_uow)["Kommunikationsforhold"]
    assert (kind, builtin, aliases) == (
        "context",
        True,
        ["komm", "kommunikation", "tegn til tale", "ttt"],
    )
    assert diary_types(make_uow)["Søvn"][3] == ["nat"]
    assert audit(make_uow, "diary_type") == [("edit", None, "import"), ("create", None, "import")]


TYPE_ERRORS = [
    pytest.param(
        "Hvile,hvil;KOMM\n",
        plain("import.alias_taken", "en", alias="komm", owner="Kommunikationsforhold"),
        id="alias-of-another-type",
    ),
    pytest.param(
        "Familieforhold,ipel\n",
        plain("import.alias_taken", "en", alias="ipel", owner="Indflydelse på eget liv"),
        id="alias-moved-between-builtins",
    ),
    pytest.param(
        "Hvile,nat\n",
        plain("import.alias_in_file", "en", alias="nat", owner="Søvn", line=2),
        id="alias-twice-in-file",
    ),
    pytest.param("SØVN,\n", plain("import.duplicate_type", "en", line=2), id="type-twice-in-file"),
    pytest.param(" ,x\n", "name: " + plain("import.required", "en"), id="no-name"),
    pytest.param(
        f"{'T' * 121},\n",
        "name: " + plain("import.too_long", "en", limit=120),
        id="name-too-long",
    ),
    pytest.param(
        "Hvile,a,b\n", plain("import.field_count", "en", found=3, expected=2), id="fields"
    ),
]


@pytest.mark.parametrize(("row", "reason"), TYPE_ERRORS)
def test_a_bad_diary_type_row_is_reported_and_nothing_is_written(
    sqlite_uow: UnitOfWorkFactory, clock: FixedClock, row: str, reason: str
) -> None:
    before = diary_types(sqlite_uow)
    text = f"name,aliases\nSøvn,nat\n{row}"

    result = run_types(sqlite_uow, clock, text)

    assert result.errors == [(3, reason)]
    assert diary_types(sqlite_uow) == before
    assert audit(sqlite_uow, "diary_type") == []


def test_semicolon_diary_types_file_with_quoted_aliases(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    text = '\ufeffname;aliases\r\n"Søvn";"søvn;nat"\r\n'

    result = run_types(make_uow, clock, text)

    assert (result.errors, counts(result)) == ([], (1, 0, 0))
    assert diary_types(make_uow)["Søvn"][3] == ["søvn", "nat"]


def test_no_audit_event_holds_more_than_the_word_import(
    make_uow: UnitOfWorkFactory, clock: FixedClock
) -> None:
    run_residents(make_uow, clock, GOOD_FILE)
    run_types(make_uow, clock, "name,aliases\nSøvn,nat\n")

    with make_uow() as uow:
        details = {e.detail for e in uow.session.exec(select(AuditEvent))}
    assert details == {"import"}
