"""Every user-facing string, in Danish and English, and the escaping of user input.

Catalogues are dicts of key -> (Danish, English) in the feature modules of this package.
Templates are Telegram HTML; every parameter is HTML-escaped unless wrapped in `Markup`,
so user text can never break the parse mode.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Literal

from bot.texts import (
    cli,
    common,
    evaluations,
    goals,
    notes,
    onboarding,
    plans,
    reminders,
    residents,
    scores,
    settings,
    staff,
    status,
)

Locale = Literal["da", "en"]
LOCALES: tuple[Locale, ...] = ("da", "en")


class Markup(str):
    """Text that is already safe HTML (rendered from the catalogue); it is not escaped again."""

    __slots__ = ()


def _merge(*catalogues: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for catalogue in catalogues:
        for key, value in catalogue.items():
            if key in merged:
                raise ValueError(f"text key {key!r} defined twice")
            merged[key] = value
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _merge(
    common.TEXTS,
    notes.TEXTS,
    residents.TEXTS,
    staff.TEXTS,
    cli.TEXTS,
    goals.TEXTS,
    plans.TEXTS,
    scores.TEXTS,
    evaluations.TEXTS,
    reminders.TEXTS,
    status.TEXTS,
    settings.TEXTS,
    onboarding.TEXTS,
)


def escape(value: object) -> str:
    """Escape a value for Telegram HTML, leaving Markup as it is."""
    if isinstance(value, Markup):
        return str(value)
    return html.escape(str(value), quote=False)


def template(key: str, locale: Locale = "da") -> str:
    """Return the raw template of a key."""
    da, en = CATALOGUE[key]
    return en if locale == "en" else da


def t(key: str, locale: Locale = "da", /, **params: object) -> Markup:
    """Render a catalogue text with escaped parameters."""
    return Markup(template(key, locale).format(**{k: escape(v) for k, v in params.items()}))


def plain(key: str, locale: Locale = "da", /, **params: object) -> str:
    """Render a catalogue text for a place that takes no HTML (button labels, terminals)."""
    return template(key, locale).format(**{k: str(v) for k, v in params.items()})


class Texts:
    """The catalogue bound to one locale; what handlers use."""

    def __init__(self, locale: Locale) -> None:
        self.locale: Locale = locale

    def __call__(self, key: str, /, **params: object) -> Markup:
        """Render a text as HTML."""
        return t(key, self.locale, **params)

    def plain(self, key: str, /, **params: object) -> str:
        """Render a text without HTML escaping (button labels)."""
        return plain(key, self.locale, **params)
