"""Pure domain rules: no telegram, no sqlmodel/sqlalchemy imports."""
