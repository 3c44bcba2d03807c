"""Access rules: who sees which resident, who manages residents, who may invite whom."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.access import (
    Actor,
    ResidentScope,
    Role,
    can_invite,
    can_manage_residents,
    can_see_resident,
    invitable_roles,
)

TODAY = date(2024, 6, 15)
M, A, T, V = Role.MEDARBEJDER, Role.AFDELINGSLEDER, Role.TILBUDSLEDER, Role.VIKAR
ALL_ROLES = (M, V, A, T)


def actor(
    role: Role,
    departments: set[int] | frozenset[int] = frozenset(),
    assigned: set[int] | frozenset[int] = frozenset(),
    *,
    active: bool = True,
    access_ends_on: date | None = None,
) -> Actor:
    return Actor(
        staff_id=1,
        telegram_user_id=1001,
        display_name="Test",
        role=role,
        department_ids=frozenset(departments),
        assigned_resident_ids=frozenset(assigned),
        active=active,
        access_ends_on=access_ends_on,
    )


# (role, the actor's departments, the actor's assigned residents, (resident id, its department))
SEE_CASES = [
    pytest.param(M, {1}, set(), (10, 1), True, id="medarbejder-own-department"),
    pytest.param(M, {1}, set(), (10, 2), False, id="medarbejder-other-department"),
    pytest.param(M, {1, 2}, set(), (10, 2), True, id="medarbejder-second-department"),
    pytest.param(M, set(), set(), (10, 1), False, id="medarbejder-without-department"),
    pytest.param(M, {1}, {20}, (20, 2), False, id="medarbejder-assignment-does-not-widen"),
    pytest.param(A, {1}, set(), (10, 1), True, id="afdelingsleder-own-department"),
    pytest.param(A, {1}, set(), (10, 2), False, id="afdelingsleder-other-department"),
    pytest.param(T, set(), set(), (10, 7), True, id="tilbudsleder-any-department"),
    pytest.param(T, {1}, set(), (10, 2), True, id="tilbudsleder-outside-own-department"),
    pytest.param(V, {1}, {10}, (10, 1), True, id="vikar-assigned"),
    pytest.param(V, {1}, {10}, (10, 2), True, id="vikar-assigned-in-other-department"),
    pytest.param(V, {1}, {10}, (11, 1), False, id="vikar-unassigned-in-own-department"),
    pytest.param(V, {1}, set(), (10, 1), False, id="vikar-without-assignments"),
]


@pytest.mark.parametrize(("role", "departments", "assigned", "resident", "expected"), SEE_CASES)
def test_can_see_resident(
    role: Role,
    departments: set[int],
    assigned: set[int],
    resident: tuple[int, int],
    expected: bool,
) -> None:
    resident_id, department_id = resident
    scope = ResidentScope(resident_id=resident_id, department_id=department_id)
    assert can_see_resident(actor(role, departments, assigned), scope) is expected


MANAGE_CASES = [
    pytest.param(M, {1}, 1, False, id="medarbejder-own-department"),
    pytest.param(V, {1}, 1, False, id="vikar-own-department"),
    pytest.param(A, {1}, 1, True, id="afdelingsleder-own-department"),
    pytest.param(A, {1, 2}, 2, True, id="afdelingsleder-second-department"),
    pytest.param(A, {1}, 2, False, id="afdelingsleder-other-department"),
    pytest.param(A, set(), 1, False, id="afdelingsleder-without-department"),
    pytest.param(T, set(), 9, True, id="tilbudsleder-any-department"),
]


@pytest.mark.parametrize(("role", "departments", "department_id", "expected"), MANAGE_CASES)
def test_can_manage_residents(
    role: Role, departments: set[int], department_id: int, expected: bool
) -> None:
    assert can_manage_residents(actor(role, departments), department_id) is expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(M, set(), id="medarbejder"),
        pytest.param(V, set(), id="vikar"),
        pytest.param(A, {M, V}, id="afdelingsleder"),
        pytest.param(T, {M, V, A, T}, id="tilbudsleder"),
    ],
)
def test_invitable_roles(role: Role, expected: set[Role]) -> None:
    roles = invitable_roles(actor(role, {1}))
    assert set(roles) == expected
    assert len(roles) == len(set(roles))


# (inviter role, inviter departments, invited role, department) -> allowed
INVITE_CASES = [
    pytest.param(A, {1}, M, 1, True, id="afd-medarbejder-own"),
    pytest.param(A, {1}, V, 1, True, id="afd-vikar-own"),
    pytest.param(A, {1, 2}, V, 2, True, id="afd-vikar-second-own"),
    pytest.param(A, {1}, M, 2, False, id="afd-medarbejder-other-department"),
    pytest.param(A, {1}, V, 2, False, id="afd-vikar-other-department"),
    pytest.param(A, {1}, A, 1, False, id="afd-afdelingsleder-own"),
    pytest.param(A, {1}, T, 1, False, id="afd-tilbudsleder-own"),
    pytest.param(A, set(), M, 1, False, id="afd-without-department"),
    *[pytest.param(T, set(), r, 5, True, id=f"tilb-{r.value}-any-department") for r in ALL_ROLES],
    *[
        pytest.param(inviter, {1}, r, 1, False, id=f"{inviter.value}-{r.value}-own")
        for inviter in (M, V)
        for r in ALL_ROLES
    ],
]


@pytest.mark.parametrize(
    ("role", "departments", "invited", "department_id", "expected"), INVITE_CASES
)
def test_can_invite(
    role: Role, departments: set[int], invited: Role, department_id: int, expected: bool
) -> None:
    assert can_invite(actor(role, departments), invited, department_id) is expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(M, False, id="medarbejder"),
        pytest.param(V, False, id="vikar"),
        pytest.param(A, True, id="afdelingsleder"),
        pytest.param(T, True, id="tilbudsleder"),
    ],
)
def test_is_leader(role: Role, expected: bool) -> None:
    assert role.is_leader is expected


@pytest.mark.parametrize(
    ("active", "ends_on", "expected"),
    [
        pytest.param(True, None, True, id="active-open-ended"),
        pytest.param(True, TODAY - timedelta(days=1), False, id="ended-yesterday"),
        pytest.param(True, TODAY, True, id="ends-today-still-allowed"),
        pytest.param(True, TODAY + timedelta(days=1), True, id="ends-tomorrow"),
        pytest.param(False, None, False, id="inactive"),
        pytest.param(False, TODAY + timedelta(days=30), False, id="inactive-with-future-end"),
    ],
)
def test_has_access(active: bool, ends_on: date | None, expected: bool) -> None:
    assert actor(M, {1}, active=active, access_ends_on=ends_on).has_access(TODAY) is expected
