"""Files handed over to the journal of record: Word documents and score charts (no UI text)."""
