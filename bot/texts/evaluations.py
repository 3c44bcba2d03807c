"""Texts for the guided evaluation (/evaluer) and the hand-over to the journal."""

TEXTS: dict[str, tuple[str, str]] = {}
