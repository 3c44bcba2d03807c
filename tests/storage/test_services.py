"""Use cases on a real database, SQLite and PostgreSQL: invites, notes and residents."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from bot.clock import FixedClock
from bot.domain.access import Actor, Role
from bot.domain.errors import Conflict, DomainError, Expired, InvalidInput, NotAllowed
from bot.services import notes, residents, staff
from bot.services.directory import Directory
from bot.storage.models import (
    AuditEvent,
    DiaryNote,
    DiaryNoteRevision,
    Invite,
    NoteDraft,
    Resident,
    Staff,
)
from bot.storage.uow import UnitOfWorkFactory
from tests import factories

CPH = ZoneInfo("Europe/Copenhagen")
TTL = timedelta(hours=72)
UNDO = timedelta(minutes=10)
EDIT = timedelta(hours=24)
CHAT = 42


@dataclass
class World:
    """Two departments, a resident in each, and people with different roles."""

    uow: UnitOfWorkFactory
    clock: FixedClock
    directory: Directory
    dep_a: int
    dep_b: int
    mia: int  # lives in A
    bo: int  # lives in B
    worker: Actor  # medarbejder in A
    colleague: Actor  # medarbejder in A
    leader: Actor  # afdelingsleder of A
    other_leader: Actor  # afdelingsleder of B
    head: Actor  # tilbudsleder

    @property
    def today(self) -> date:
        return self.clock.now().astimezone(CPH).date()

    def count(self, model: type[SQLModel]) -> int:
        with Session(self.uow.engine) as session:
            return int(session.exec(select(sa.func.count()).select_from(model)).one())

    def draft(self, text: str, message_id: int, actor: Actor | None = None) -> notes.Card:
        return notes.start_quick_note(
            self.uow(), self.clock, self.directory, actor or self.worker, CHAT, message_id, text
        )

    def save(self, draft_id: int, actor: Actor | None = None) -> notes.Card:
        return notes.save_note(
            self.uow(), self.clock, self.directory, actor or self.worker, draft_id, undo_window=UNDO
        )

    def saved_note(self, text: str, message_id: int, actor: Actor | None = None) -> int:
        card = self.save(self.draft(text, message_id, actor).draft_id, actor)
        assert card.note_id is not None
        return card.note_id


@pytest.fixture
def world(make_uow: UnitOfWorkFactory, clock: FixedClock) -> World:
    now = clock.now()
    dep_a = factories.department(make_uow, "Afd A", now)
    dep_b = factories.department(make_uow, "Afd B", now)
    mia = factories.resident(make_uow, "Mia", dep_a, now)
    bo = factories.resident(make_uow, "Bo", dep_b, now)
    for telegram_id, role, deps in [
        (42, Role.MEDARBEJDER, [dep_a]),
        (43, Role.MEDARBEJDER, [dep_a]),
        (50, Role.AFDELINGSLEDER, [dep_a]),
        (51, Role.AFDELINGSLEDER, [dep_b]),
        (60, Role.TILBUDSLEDER, []),
    ]:
        factories.staff(make_uow, telegram_id, role, deps, now, name=f"P{telegram_id}")
    actors = {}
    for telegram_id in (42, 43, 50, 51, 60):
        actor = staff.load_actor(make_uow(), telegram_id)
        assert actor is not None
        actors[telegram_id] = actor
    return World(
        uow=make_uow,
        clock=clock,
        directory=Directory(),
        dep_a=dep_a,
        dep_b=dep_b,
        mia=mia,
        bo=bo,
        worker=actors[42],
        colleague=actors[43],
        leader=actors[50],
        other_leader=actors[51],
        head=actors[60],
    )


def _all_stored_text(engine: Engine) -> str:
    """Every value of every row of every table, as one string."""
    parts = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


# --- Invites -----------------------------------------------------------------------------------


def _invite(world: World, role: Role = Role.MEDARBEJDER, department: str = "Afd A") -> str:
    made = staff.create_invite(
        world.uow(), world.clock, None, role, department_name=department, ttl=TTL
    )
    assert made.expires_at == world.clock.now() + TTL
    return made.code


def test_invite_code_is_stored_only_as_its_hash(world: World, backend: Engine) -> None:
    code = _invite(world)

    with Session(backend) as session:
        invite = session.exec(select(Invite)).one()
    assert invite.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert invite.used_at is None
    assert code not in _all_stored_text(backend)


def test_join_with_code_registers_the_person(world: World, backend: Engine) -> None:
    code = _invite(world, Role.VIKAR)

    joined = staff.join_with_code(world.uow(), world.clock, f"  {code} ", 77, "Vera Vikar")

    assert joined.department == "Afd A"
    assert not joined.already_registered
    assert joined.actor.role is Role.VIKAR
    assert joined.actor.department_ids == {world.dep_a}
    assert joined.actor.display_name == "Vera Vikar"
    with Session(backend) as session:
        invite = session.exec(select(Invite)).one()
        person = session.exec(select(Staff).where(Staff.telegram_user_id == 77)).one()
    assert invite.used_at == world.clock.now()
    assert invite.used_by_id == person.id == joined.actor.staff_id


def test_an_invite_works_once(world: World) -> None:
    code = _invite(world)
    staff.join_with_code(world.uow(), world.clock, code, 77, "Vera")
    staff_before = world.count(Staff)

    with pytest.raises(Conflict) as caught:
        staff.join_with_code(world.uow(), world.clock, code, 78, "Anden")

    assert caught.value.text_key == "staff.invite_used"
    assert world.count(Staff) == staff_before
    assert staff.load_actor(world.uow(), 78) is None


def test_reopening_ones_own_used_invite_changes_nothing(world: World, backend: Engine) -> None:
    code = _invite(world)
    staff.join_with_code(world.uow(), world.clock, code, 77, "Vera")
    world.clock.advance(TTL + timedelta(days=1))  # even after it expired
    before = _all_stored_text(backend)

    joined = staff.join_with_code(world.uow(), world.clock, code, 77, "Vera igen")

    assert joined.already_registered
    assert joined.link_reopened
    assert joined.actor.display_name == "Vera"
    assert _all_stored_text(backend) == before


@pytest.mark.parametrize(
    ("after", "accepted"),
    [(TTL - timedelta(seconds=1), True), (TTL, True), (TTL + timedelta(seconds=1), False)],
    ids=["before-expiry", "at-expiry", "after-expiry"],
)
def test_an_invite_expires(world: World, after: timedelta, accepted: bool) -> None:
    code = _invite(world)
    world.clock.advance(after)

    if accepted:
        staff.join_with_code(world.uow(), world.clock, code, 77, "Vera")
        assert staff.load_actor(world.uow(), 77) is not None
    else:
        with pytest.raises(Expired):
            staff.join_with_code(world.uow(), world.clock, code, 77, "Vera")
        assert staff.load_actor(world.uow(), 77) is None
        with Session(world.uow.engine) as session:
            assert session.exec(select(Invite.used_at)).one() is None


@pytest.mark.parametrize(
    "code",
    ["", "hej", "x" * 31, "x" * 33, "A" * 31 + "!", "A" * 32],
    ids=["empty", "word", "short", "long", "bad-char", "unknown"],
)
def test_a_code_that_is_no_invite_is_refused(world: World, code: str) -> None:
    _invite(world)

    with pytest.raises(InvalidInput):
        staff.join_with_code(world.uow(), world.clock, code, 77, "Vera")

    assert staff.load_actor(world.uow(), 77) is None


def test_a_registered_person_joins_one_more_department(world: World) -> None:
    code = _invite(world, Role.TILBUDSLEDER, "Afd B")

    joined = staff.join_with_code(world.uow(), world.clock, code, 42, "Ny")

    assert joined.already_registered
    assert joined.actor.role is Role.MEDARBEJDER  # the role stays
    assert joined.actor.department_ids == {world.dep_a, world.dep_b}
    assert joined.actor.display_name == "P42"


@pytest.mark.parametrize(
    ("who", "role", "department"),
    [
        ("worker", Role.MEDARBEJDER, "a"),
        ("leader", Role.AFDELINGSLEDER, "a"),
        ("leader", Role.MEDARBEJDER, "b"),
        ("other_leader", Role.VIKAR, "a"),
    ],
    ids=["worker-invites", "leader-makes-leader", "leader-other-dept", "other-leader"],
)
def test_who_may_not_invite(world: World, who: str, role: Role, department: str) -> None:
    actor: Actor = getattr(world, who)
    department_id = world.dep_a if department == "a" else world.dep_b

    with pytest.raises(NotAllowed):
        staff.create_invite(
            world.uow(), world.clock, actor, role, department_id=department_id, ttl=TTL
        )

    assert world.count(Invite) == 0


def test_a_leader_invites_into_their_own_department(world: World) -> None:
    made = staff.create_invite(
        world.uow(), world.clock, world.leader, Role.VIKAR, department_id=world.dep_a, ttl=TTL
    )

    assert made.department == "Afd A"
    with Session(world.uow.engine) as session:
        invite = session.exec(select(Invite)).one()
    assert invite.created_by_id == world.leader.staff_id


@pytest.mark.parametrize(
    "again", ["Østerbo", "  ØSTERBO ", "østerbo"], ids=["same", "upper", "lower"]
)
def test_a_department_name_is_found_whatever_its_case(world: World, again: str) -> None:
    # SQLite's lower() folds ASCII only, so Æ/Ø/Å must be folded elsewhere.
    first = staff.create_invite(
        world.uow(), world.clock, None, Role.VIKAR, department_name="Østerbo", ttl=TTL
    )
    second = staff.create_invite(
        world.uow(), world.clock, None, Role.VIKAR, department_name=again, ttl=TTL
    )

    assert first.department == second.department == "Østerbo"
    with world.uow() as uow:
        assert [d.name for d in uow.org.departments()] == ["Afd A", "Afd B", "Østerbo"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("FØLELSES- OG ADFÆRDSMÆSSIGE FORHOLD", "Følelses- og adfærdsmæssige forhold"),
        (" indflydelse på eget liv ", "Indflydelse på eget liv"),
        ("ADFÆRD", "Følelses- og adfærdsmæssige forhold"),
        ("Delmål", "Manglende arbejde med delmål"),
    ],
    ids=["type-upper", "type-lower", "alias-upper", "alias-capitalised"],
)
def test_diary_types_are_found_whatever_their_case(world: World, typed: str, expected: str) -> None:
    with world.uow() as uow:
        found = uow.diary_types.by_name(typed)
        owner = uow.diary_types.alias_owner(typed)
        type_id = found.id if found is not None else owner
        assert type_id is not None
        diary_type = uow.diary_types.get(type_id)
        assert diary_type is not None
        assert diary_type.name == expected


# --- Notes -------------------------------------------------------------------------------------


def test_quick_note_is_saved_once(world: World, backend: Engine) -> None:
    card = world.draft("mia komm pegede på saft ved frokost", 100)

    assert card.resident == notes.Option(world.mia, "Mia")
    assert card.diary_type is not None
    assert card.diary_type.label == "Kommunikationsforhold"
    assert card.picking is None
    assert card.text == "pegede på saft ved frokost"

    saved = world.save(card.draft_id)
    again = world.save(card.draft_id)

    assert saved.status == "saved"
    assert saved.saved_at == world.clock.now()
    assert saved.undo_until == world.clock.now() + UNDO
    assert again == saved
    with Session(backend) as session:
        stored = session.exec(select(DiaryNote)).all()
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "diary_note")).all()
    assert [(n.id, n.resident_id, n.author_id, n.text) for n in stored] == [
        (saved.note_id, world.mia, world.worker.staff_id, "pegede på saft ved frokost")
    ]
    assert (stored[0].source_chat_id, stored[0].source_message_id) == (CHAT, 100)
    assert [(e.action, e.entity_id) for e in events] == [("create", saved.note_id)]
    assert "saft" not in events[0].detail


def test_a_redelivered_message_shows_the_same_card(world: World) -> None:
    first = world.draft("mia komm pegede på saft", 100)
    again = world.draft("mia komm pegede på saft", 100)

    assert again == first
    assert world.count(NoteDraft) == 1


def test_someone_else_cannot_save_my_card(world: World) -> None:
    card = world.draft("mia komm pegede på saft", 100)

    with pytest.raises(NotAllowed):
        world.save(card.draft_id, world.colleague)

    assert world.count(DiaryNote) == 0


def test_a_resident_of_another_department_cannot_be_picked(world: World) -> None:
    # "bo" is not among the worker's residents, so nothing is matched and the picker opens.
    card = world.draft("bo komm pegede på saft", 100)
    assert card.resident is None
    assert card.picking == "resident"
    assert [o.id for o in card.options] == [world.mia]

    with pytest.raises(NotAllowed):
        notes.pick_resident(
            world.uow(), world.clock, world.directory, world.worker, card.draft_id, world.bo
        )

    with Session(world.uow.engine) as session:
        assert session.exec(select(NoteDraft.resident_id)).one() is None


def test_a_leader_of_the_offer_may_pick_any_resident(world: World) -> None:
    card = world.draft("komm pegede på saft", 100, world.head)

    picked = notes.pick_resident(
        world.uow(), world.clock, world.directory, world.head, card.draft_id, world.bo
    )

    assert picked.resident == notes.Option(world.bo, "Bo")


def test_a_note_on_a_resident_who_moved_out_is_refused(world: World) -> None:
    card = world.draft("mia komm pegede på saft", 100)
    residents.move_out(
        world.uow(), world.clock, world.leader, world.mia, world.today, today=world.today
    )

    with pytest.raises(Conflict) as caught:
        world.save(card.draft_id)

    assert caught.value.text_key == "notes.resident_moved_out"
    assert world.count(DiaryNote) == 0


@pytest.mark.parametrize(
    "after",
    [timedelta(0), UNDO - timedelta(seconds=1), UNDO],
    ids=["at-once", "just-before", "at-the-end"],
)
def test_undo_within_the_window(world: World, after: timedelta) -> None:
    card = world.save(world.draft("mia komm pegede på saft", 100).draft_id)
    world.clock.advance(after)

    undone = notes.undo_save(
        world.uow(), world.clock, world.directory, world.worker, card.draft_id, undo_window=UNDO
    )
    again = notes.undo_save(
        world.uow(), world.clock, world.directory, world.worker, card.draft_id, undo_window=UNDO
    )

    assert undone.status == "undone"
    assert again == undone
    with Session(world.uow.engine) as session:
        note = session.exec(select(DiaryNote)).one()
    assert note.deleted
    assert note.deleted_at == world.clock.now()


def test_undo_after_the_window_is_refused(world: World) -> None:
    card = world.save(world.draft("mia komm pegede på saft", 100).draft_id)
    world.clock.advance(UNDO + timedelta(seconds=1))

    with pytest.raises(Expired):
        notes.undo_save(
            world.uow(), world.clock, world.directory, world.worker, card.draft_id, undo_window=UNDO
        )

    with Session(world.uow.engine) as session:
        assert not session.exec(select(DiaryNote)).one().deleted
        assert session.exec(select(NoteDraft.status)).one() == "saved"


def test_edit_note_keeps_the_old_text_as_a_revision(world: World) -> None:
    note_id = world.saved_note("mia komm pegede på saft", 100)
    world.clock.advance(timedelta(hours=1))

    view = notes.edit_note(
        world.uow(), world.clock, world.worker, note_id, "  pegede på juice  ", edit_window=EDIT
    )

    assert view.text == "pegede på juice"
    assert view.edited
    with Session(world.uow.engine) as session:
        note = session.exec(select(DiaryNote)).one()
        revisions = session.exec(select(DiaryNoteRevision)).all()
    assert note.text == "pegede på juice"
    assert note.edited_at == world.clock.now()
    assert [(r.note_id, r.text, r.replaced_by_id, r.replaced_at) for r in revisions] == [
        (note_id, "pegede på saft", world.worker.staff_id, world.clock.now())
    ]


def test_editing_to_the_same_text_adds_no_revision(world: World) -> None:
    note_id = world.saved_note("mia komm pegede på saft", 100)

    view = notes.edit_note(
        world.uow(), world.clock, world.worker, note_id, "pegede på saft", edit_window=EDIT
    )

    assert not view.edited
    assert world.count(DiaryNoteRevision) == 0


@pytest.mark.parametrize(
    ("who", "after", "error"),
    [
        ("colleague", timedelta(0), NotAllowed),
        ("worker", EDIT + timedelta(seconds=1), Expired),
    ],
    ids=["not-the-author", "after-the-window"],
)
def test_edit_note_refused(
    world: World, who: str, after: timedelta, error: type[DomainError]
) -> None:
    note_id = world.saved_note("mia komm pegede på saft", 100)
    world.clock.advance(after)

    with pytest.raises(error):
        notes.edit_note(
            world.uow(), world.clock, getattr(world, who), note_id, "x", edit_window=EDIT
        )

    with Session(world.uow.engine) as session:
        assert session.exec(select(DiaryNote.text)).one() == "pegede på saft"
    assert world.count(DiaryNoteRevision) == 0


def test_my_notes_only_shows_the_authors_visible_notes(world: World) -> None:
    first = world.saved_note("mia komm pegede på saft", 100)
    world.clock.advance(timedelta(minutes=1))
    undone = world.save(world.draft("mia skole lektier", 101).draft_id)
    notes.undo_save(
        world.uow(), world.clock, world.directory, world.worker, undone.draft_id, undo_window=UNDO
    )
    world.clock.advance(timedelta(minutes=1))
    world.saved_note("mia fritid fodbold", 102, world.colleague)
    world.clock.advance(timedelta(minutes=1))
    latest = world.saved_note("mia sundhed sov godt", 103)
    # A note the worker wrote on Bo while they still worked in department B.
    with world.uow() as uow:
        diary_type = uow.diary_types.by_name("Skoleforhold")
        assert diary_type is not None
        assert diary_type.id is not None
        uow.notes.add(
            DiaryNote(
                resident_id=world.bo,
                diary_type_id=diary_type.id,
                author_id=world.worker.staff_id,
                text="gammel",
                created_at=world.clock.now(),
            )
        )
        uow.commit()

    views = notes.my_notes(world.uow(), world.clock, world.worker, edit_window=EDIT)

    assert [(v.id, v.resident, v.diary_type, v.text) for v in views] == [
        (latest, "Mia", "Sundhedsforhold", "sov godt"),
        (first, "Mia", "Kommunikationsforhold", "pegede på saft"),
    ]
    assert all(v.changeable for v in views)
    assert notes.my_notes(world.uow(), world.clock, world.leader, edit_window=EDIT) == ()


# --- Residents ---------------------------------------------------------------------------------


def test_a_leader_adds_a_resident(world: World) -> None:
    view = residents.add_resident(
        world.uow(),
        world.clock,
        world.leader,
        department_id=world.dep_a,
        name="  Anne   Sofie ",
        birth_date=date(2012, 3, 4),
        enrolment_date=date(2024, 8, 1),
        today=world.today,
    )

    assert (view.name, view.department, view.moved_out_on) == ("Anne Sofie", "Afd A", None)
    with Session(world.uow.engine) as session:
        stored = session.exec(select(Resident).where(Resident.id == view.id)).one()
    assert (stored.display_name, stored.department_id) == ("Anne Sofie", world.dep_a)
    assert stored.created_at == world.clock.now()


def _refusal(
    case_id: str,
    error: type[DomainError],
    key: str | None = None,
    *,
    who: str = "leader",
    department: str = "a",
    name: str = "Ny",
    birth: date = date(2012, 1, 1),
    enrolment: date = date(2024, 1, 1),
) -> object:
    return pytest.param(who, department, name, birth, enrolment, error, key, id=case_id)


@pytest.mark.parametrize(
    ("who", "department", "name", "birth", "enrolment", "error", "key"),
    [
        _refusal("worker", NotAllowed, who="worker"),
        _refusal("leader-of-other-department", NotAllowed, who="other_leader"),
        _refusal("no-such-department", NotAllowed, who="head", department="none"),
        _refusal("duplicate", Conflict, "residents.exists", name="Mia", birth=date(2012, 5, 17)),
        _refusal("empty-name", InvalidInput, "residents.name_empty", name=" "),
        _refusal("digits-in-name", InvalidInput, "residents.name_digits", name="Mia 120512"),
        _refusal(
            "born-tomorrow",
            InvalidInput,
            "residents.birth_in_future",
            birth=date(2026, 11, 24),
            enrolment=date(2026, 11, 24),
        ),
        _refusal("too-old", InvalidInput, "residents.birth_too_old", birth=date(1980, 1, 1)),
        _refusal(
            "enrolled-before-birth",
            InvalidInput,
            "residents.enrolment_before_birth",
            enrolment=date(2011, 12, 31),
        ),
        _refusal(
            "enrolled-far-ahead",
            InvalidInput,
            "residents.enrolment_far_future",
            enrolment=date(2028, 1, 1),
        ),
    ],
)
def test_add_resident_refused(
    world: World,
    who: str,
    department: str,
    name: str,
    birth: date,
    enrolment: date,
    error: type[DomainError],
    key: str | None,
) -> None:
    department_id = {"a": world.dep_a, "none": 999_999}[department]
    before = world.count(Resident)

    with pytest.raises(error) as caught:
        residents.add_resident(
            world.uow(),
            world.clock,
            getattr(world, who),
            department_id=department_id,
            name=name,
            birth_date=birth,
            enrolment_date=enrolment,
            today=world.today,
        )

    if key is not None:
        assert caught.value.text_key == key
    assert world.count(Resident) == before


@pytest.mark.parametrize("who", ["leader", "head"], ids=str)
def test_a_leader_moves_a_resident_out(world: World, who: str) -> None:
    view = residents.move_out(
        world.uow(), world.clock, getattr(world, who), world.mia, world.today, today=world.today
    )

    assert view.moved_out_on == world.today
    with world.uow() as uow:
        assert uow.residents.visible_rows(world.worker) == []
    listed = residents.list_residents(world.uow(), world.leader)
    assert [(r.name, r.moved_out_on) for r in listed] == [("Mia", world.today)]


@pytest.mark.parametrize(
    ("who", "on", "error", "key"),
    [
        ("worker", date(2026, 11, 1), NotAllowed, None),
        ("other_leader", date(2026, 11, 1), NotAllowed, None),
        ("leader", date(2020, 7, 31), InvalidInput, "residents.move_out_before_enrolment"),
        ("leader", date(2026, 11, 24), InvalidInput, "residents.move_out_future"),
    ],
    ids=["worker", "leader-of-other-department", "before-enrolment", "tomorrow"],
)
def test_move_out_refused(
    world: World, who: str, on: date, error: type[DomainError], key: str | None
) -> None:
    assert world.today == date(2026, 11, 23)

    with pytest.raises(error) as caught:
        residents.move_out(
            world.uow(), world.clock, getattr(world, who), world.mia, on, today=world.today
        )

    if key is not None:
        assert caught.value.text_key == key
    with Session(world.uow.engine) as session:
        assert (
            session.exec(select(Resident.moved_out_on).where(Resident.id == world.mia)).one()
            is None
        )


def test_moving_out_twice_is_a_conflict(world: World) -> None:
    residents.move_out(
        world.uow(), world.clock, world.leader, world.mia, world.today, today=world.today
    )

    with pytest.raises(Conflict):
        residents.move_out(
            world.uow(), world.clock, world.leader, world.mia, world.today, today=world.today
        )
