"""Texts for the command line (printed in the terminal, so no HTML)."""

TEXTS: dict[str, tuple[str, str]] = {}
