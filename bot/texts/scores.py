"""Texts for indicator scores (/score) and sub-goal diary notes."""

TEXTS: dict[str, tuple[str, str]] = {}
