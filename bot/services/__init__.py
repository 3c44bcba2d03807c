"""Use cases: each opens one unit of work, checks access, and commits at most once."""
