"""In-memory matching indexes over residents and diary types, checked for staleness cheaply."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.access import Actor, Role
from bot.domain.matching import Candidate, CandidateIndex
from bot.storage.uow import UnitOfWork

TYPE_CACHE_SECONDS = 60  # types change only through the CLI import, which is another process


@dataclass(frozen=True, slots=True)
class ResidentDirectory:
    """The residents one person may see, as a matching index plus names by id."""

    index: CandidateIndex
    names: dict[int, str]
    order: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TypeDirectory:
    """The active diary types as a matching index plus names and kinds by id."""

    index: CandidateIndex
    names: dict[int, str]
    kinds: dict[int, str]
    order: tuple[int, ...]


class Directory:
    """Caches matching indexes; a resident index is rebuilt when its rows change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._residents: dict[object, tuple[tuple[int, datetime | None], ResidentDirectory]] = {}
        self._types: tuple[datetime, TypeDirectory] | None = None

    @staticmethod
    def _scope_key(actor: Actor) -> object:
        if actor.role is Role.TILBUDSLEDER:
            return ("all",)
        if actor.role is Role.VIKAR:
            return ("assigned", actor.assigned_resident_ids)
        return ("departments", actor.department_ids)

    def residents(self, uow: UnitOfWork, actor: Actor) -> ResidentDirectory:
        """Return the actor's residents, rebuilding the index when the rows changed."""
        key = self._scope_key(actor)
        fingerprint = uow.residents.visible_fingerprint(actor)
        cached = self._residents.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        rows = uow.residents.visible_rows(actor)
        directory = ResidentDirectory(
            index=CandidateIndex(
                Candidate(id=rid, name=name, rank=rank) for rank, (rid, name, _) in enumerate(rows)
            ),
            names={rid: name for rid, name, _ in rows},
            order=tuple(rid for rid, _, _ in rows),
        )
        with self._lock:
            self._residents[key] = (fingerprint, directory)
        return directory

    def types(self, uow: UnitOfWork, now: datetime) -> TypeDirectory:
        """Return the active diary types, reloaded at most every TYPE_CACHE_SECONDS."""
        cached = self._types
        if cached is not None and now - cached[0] < timedelta(seconds=TYPE_CACHE_SECONDS):
            return cached[1]
        rows = uow.diary_types.active_with_aliases()
        directory = TypeDirectory(
            index=CandidateIndex(
                Candidate(id=t.id or 0, name=t.name, aliases=tuple(aliases), rank=rank)
                for rank, (t, aliases) in enumerate(rows)
            ),
            names={t.id or 0: t.name for t, _ in rows},
            kinds={t.id or 0: t.kind for t, _ in rows},
            order=tuple(t.id or 0 for t, _ in rows),
        )
        with self._lock:
            self._types = (now, directory)
        return directory

    def forget_types(self) -> None:
        """Drop the cached types (after a local change)."""
        with self._lock:
            self._types = None
