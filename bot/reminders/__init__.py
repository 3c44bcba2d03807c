"""Reminders: what is due, for whom, and when, delivered calmly and never lost (issue 4).

- `rules.py`   pure: a resident's facts and a day → due items (evaluations, the status chain,
               DPU, autonomt kompas, samarbejdsaftale, the 18th birthday, mandatory goals);
- `stages.py`  pure: heads-up, due, overdue every 3 days, escalation → one delivery per person;
- `facts.py`   the database → the rules' facts, in a handful of set-based queries;
- `sweep.py`   the sweep: plan, write the outbox (unique key per rule, subject, due, stage and
               recipient), claim a person, send one digest, mark it sent;
- `digest.py`  how an item and a digest look, with their buttons;
- `job.py`     the repeating job on PTB's JobQueue, which is only the clock.
The database is the source of truth; see sweep.py for what survives a crash.
"""
