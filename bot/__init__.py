"""Dagbogsbot: diary notes, guided evaluations and deadlines for Danish care homes."""

__version__ = "0.1.0"
