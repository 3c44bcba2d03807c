"""Reminders: what is due, for whom, and when, delivered calmly and never lost.

This package will hold (issue 4): pure rules that turn a resident's facts and a date into due
items (goal and sub-goal evaluations, the status cycle, DPU, autonomt kompas, samarbejdsaftale,
the 18th birthday, missing mandatory goals); the sweep job that PTB's JobQueue runs every few
minutes; the delivery ledger (an outbox with a unique key per rule, subject, due date, stage
and recipient); snoozing; and the digest that gives each person at most one message per sweep.
The database is the source of truth; APScheduler is only the clock.
The pure rules are in `rules.py`: `due_items(ResidentFacts, today) -> list[DueItem]`.
"""
