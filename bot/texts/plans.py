"""Texts for the plan: kontaktteam, goals and sub-goals (/maal), goal import."""

TEXTS: dict[str, tuple[str, str]] = {}
