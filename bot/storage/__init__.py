"""Storage: SQLModel tables, engine and sessions, repositories, unit of work, PTB persistence."""
