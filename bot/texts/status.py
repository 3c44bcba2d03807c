"""Texts for the status cycle: /statusmoede, /status, the steps and the milestones (issue 4 §2).

The names of the steps (status.step_<rule>) and milestones (status.milestone_<kind>) are also
used by the reminder digest.
"""

TEXTS: dict[str, tuple[str, str]] = {
    # --- the chain of steps (bot.reminders.rules.STATUS_STEPS) and the milestones ----------
    "status.step_report_draft": ("Statusrapport skrevet (udkast)", "Status report drafted"),
    "status.step_report_approved": (
        "Statusrapport godkendt af afdelingsleder",
        "Status report approved by the head of department",
    ),
    "status.step_sent_to_caseworker": (
        "Rapport og dagsorden sendt til rådgiver",
        "Report and agenda sent to the caseworker",
    ),
    "status.step_meeting_held": ("Statusmødet holdt", "Status meeting held"),
    "status.step_minutes_written": ("Referat skrevet", "Minutes written"),
    "status.step_minutes_approved": (
        "Referat godkendt af afdelingsleder",
        "Minutes approved by the head of department",
    ),
    "status.step_minutes_sent": ("Referat journaliseret og sendt", "Minutes filed and sent"),
    # Short names for the buttons.
    "status.short_report_draft": ("Rapport skrevet", "Report drafted"),
    "status.short_report_approved": ("Rapport godkendt", "Report approved"),
    "status.short_sent_to_caseworker": ("Sendt til rådgiver", "Sent to caseworker"),
    "status.short_meeting_held": ("Møde holdt", "Meeting held"),
    "status.short_minutes_written": ("Referat skrevet", "Minutes written"),
    "status.short_minutes_approved": ("Referat godkendt", "Minutes approved"),
    "status.short_minutes_sent": ("Referat sendt", "Minutes sent"),
    "status.milestone_ipel_evaluation": (
        "Evaluering af »Indflydelse på eget liv«",
        "Evaluation of “Indflydelse på eget liv”",
    ),
    "status.milestone_komm_evaluation": (
        "Evaluering af »Kommunikationsforhold«",
        "Evaluation of “Kommunikationsforhold”",
    ),
    "status.milestone_dpu": (
        "DPU (Dansk pædagogisk udviklingsbeskrivelse)",
        "DPU (Danish educational development description)",
    ),
    "status.milestone_autonomt_kompas": ("Autonomt kompas", "Autonomt kompas"),
    "status.milestone_samarbejdsaftale": (
        "Samarbejdsaftale revideret",
        "Cooperation agreement revised",
    ),
    "status.weekday_0": ("man.", "Mon"),
    "status.weekday_1": ("tirs.", "Tue"),
    "status.weekday_2": ("ons.", "Wed"),
    "status.weekday_3": ("tors.", "Thu"),
    "status.weekday_4": ("fre.", "Fri"),
    "status.weekday_5": ("lør.", "Sat"),
    "status.weekday_6": ("søn.", "Sun"),
    "status.day": ("{weekday} {date}", "{weekday} {date}"),
    # --- commands -------------------------------------------------------------------------
    "status.usage_status": (
        "Skriv /status og beboerens navn, fx /status Mia.",
        "Write /status and the resident's name, e.g. /status Mia.",
    ),
    "status.usage_plan": (
        "Skriv /statusmoede og beboerens navn, fx /statusmoede Mia.",
        "Write /statusmoede and the resident's name, e.g. /statusmoede Mia.",
    ),
    "status.no_resident": (
        "Jeg fandt ingen beboer, der hedder »{query}«.",
        "I found no resident called “{query}”.",
    ),
    "status.which_resident": ("Hvilken beboer mener du?", "Which resident do you mean?"),
    # --- the cards --------------------------------------------------------------------------
    "status.plan_title": ("📅 <b>Statusmøde for {name}</b>", "📅 <b>Status meeting of {name}</b>"),
    "status.overview_title": (
        "📋 <b>Statuscyklus for {name}</b>",
        "📋 <b>Status cycle of {name}</b>",
    ),
    "status.planned_header": (
        "<b>Næste statusmøde: {day}</b>",
        "<b>Next status meeting: {day}</b>",
    ),
    "status.none_planned": (
        "Der er ikke planlagt et statusmøde. Næste skal holdes senest <b>{due}</b>.",
        "No status meeting is planned. The next is due by <b>{due}</b>.",
    ),
    "status.plan_hint": (
        "Planlæg det med /statusmoede {name}.",
        "Plan it with /statusmoede {name}.",
    ),
    "status.last_header": (
        "<b>Seneste statusmøde: {day}</b> (holdt, markeret af {by})",
        "<b>Last status meeting: {day}</b> (held, marked by {by})",
    ),
    "status.last_line": (
        "Seneste statusmøde: {date}",
        "Last status meeting: {date}",
    ),
    "status.none_held": ("Intet statusmøde holdt endnu.", "No status meeting held yet."),
    "status.line_done": (
        "✅ {step} – {by}, {date} kl. {time}",
        "✅ {step} – {by}, {date} at {time}",
    ),
    "status.line_open": ("⬜ {step} – frist {due}", "⬜ {step} – due {due}"),
    "status.line_overdue": (
        "⚠️ {step} – frist {due} (overskredet)",
        "⚠️ {step} – due {due} (overdue)",
    ),
    "status.milestones_header": (
        "<b>Andre frister – senest udført</b>",
        "<b>Other deadlines – last done</b>",
    ),
    "status.milestone_line": ("{kind}: {date}", "{kind}: {date}"),
    "status.never": ("ikke registreret", "not recorded"),
    # --- planning ---------------------------------------------------------------------------
    "status.ask_date": (
        "Vælg en dato (⭐ er forslaget), eller skriv en:",
        "Pick a date (⭐ is the suggestion), or type one:",
    ),
    "status.ask_typed": (
        "Skriv datoen for statusmødet for <b>{name}</b>, fx 12.3.2027 eller 12. marts 2027.",
        "Type the date of the status meeting of <b>{name}</b>, e.g. 12.3.2027 or 12. marts 2027.",
    ),
    "status.ask_move": (
        "📅 <b>Flyt statusmødet for {name}</b> (nu {day}).\nAfkrydsede trin bevares.",
        "📅 <b>Move the status meeting of {name}</b> (now {day}).\nTicked steps are kept.",
    ),
    "status.ask_next": (
        "✅ Statusmødet for <b>{name}</b> {day} er holdt.\n\n"
        "<b>Hvornår er næste statusmøde?</b> Efter reglen senest {due}.",
        "✅ The status meeting of <b>{name}</b> on {day} is held.\n\n"
        "<b>When is the next status meeting?</b> By the rule no later than {due}.",
    ),
    "status.scheduled": (
        "✅ Statusmødet er planlagt: <b>{day}</b>.",
        "✅ The status meeting is planned: <b>{day}</b>.",
    ),
    "status.moved": (
        "✅ Statusmødet er flyttet fra {old} til <b>{day}</b>. Afkrydsede trin er bevaret.",
        "✅ The status meeting is moved from {old} to <b>{day}</b>. Ticked steps are kept.",
    ),
    "status.unchanged": (
        "Statusmødet er allerede planlagt til {day}.",
        "The status meeting is already planned for {day}.",
    ),
    "status.late_warning": (
        "⚠️ Mødet er om kun {days} dage, så disse trin er allerede forsinket: {steps}.",
        "⚠️ The meeting is only {days} days away, so these steps are already late: {steps}.",
    ),
    "status.confirm_cancel": (
        "Aflys statusmødet for <b>{name}</b> {day}?",
        "Cancel the status meeting of <b>{name}</b> on {day}?",
    ),
    "status.cancelled": (
        "Statusmødet for <b>{name}</b> {day} er aflyst.\n\n"
        "Næste skal holdes senest {due}. Vælg en ny dato, eller skriv en:",
        "The status meeting of <b>{name}</b> on {day} is cancelled.\n\n"
        "The next is due by {due}. Pick a new date, or type one:",
    ),
    "status.scheduled_toast": ("Statusmødet er planlagt", "The status meeting is planned"),
    "status.held_toast": ("Mødet er markeret holdt", "The meeting is marked held"),
    "status.cancelled_toast": ("Mødet er aflyst", "The meeting is cancelled"),
    "status.ticked_toast": ("Udført: {step}", "Done: {step}"),
    "status.already_ticked": (
        "Allerede udført af {by} {date} kl. {time}.",
        "Already done by {by} on {date} at {time}.",
    ),
    "status.ticked": (
        "✅ {step} er krydset af for <b>{name}</b>.",
        "✅ {step} is ticked off for <b>{name}</b>.",
    ),
    "status.already_ticked_for": (
        "{step} for <b>{name}</b> er allerede udført af {by} {date} kl. {time}.",
        "{step} for <b>{name}</b> was already done by {by} on {date} at {time}.",
    ),
    # --- buttons ----------------------------------------------------------------------------
    "status.btn_move": ("Flyt dato", "Move date"),
    "status.btn_held": ("Mødet er holdt", "Meeting held"),
    "status.btn_cancel": ("Aflys", "Cancel meeting"),
    "status.btn_confirm_cancel": ("Ja, aflys mødet", "Yes, cancel it"),
    "status.btn_keep": ("Nej, behold det", "No, keep it"),
    "status.btn_type": ("✏️ Skriv en dato", "✏️ Type a date"),
    "status.btn_tick": ("✅ Udført: {step}", "✅ Done: {step}"),
    "status.btn_date": ("{day}", "{day}"),
    "status.btn_date_suggested": ("⭐ {day}", "⭐ {day}"),
    # --- refusals (alerts: plain text, short) -----------------------------------------------
    "status.not_leader": (
        "Det er kun afdelingens ledere, der planlægger statusmøder.",
        "Only the department's leaders plan status meetings.",
    ),
    "status.not_yours": (
        "Det trin krydses af af beboerens kontaktteam eller afdelingens ledere.",
        "That step is ticked off by the resident's kontaktteam or the department's leaders.",
    ),
    "status.not_yours_leader": (
        "Det trin krydses af af afdelingens ledere.",
        "That step is ticked off by the department's leaders.",
    ),
    "status.not_owner": (
        "Det er kun beboerens kontaktteam og afdelingens ledere, der registrerer det.",
        "Only the resident's kontaktteam and the department's leaders record that.",
    ),
    "status.date_past": (
        "{date} er overstået. Vælg en dato fra i dag og frem.",
        "{date} has passed. Pick a date from today on.",
    ),
    "status.date_far": (
        "{date} er mere end {months} måneder ude i fremtiden. Er årstallet rigtigt?",
        "{date} is more than {months} months ahead. Is the year right?",
    ),
    "status.date_not_after_last": (
        "Det næste statusmøde skal ligge efter det seneste ({last}).",
        "The next status meeting must come after the last one ({last}).",
    ),
    "status.moved_out": (
        "{name} er fraflyttet, så der planlægges ikke statusmøder.",
        "{name} has moved out, so no status meetings are planned.",
    ),
    "status.already_held": (
        "Statusmødet {date} er allerede markeret holdt.",
        "The status meeting on {date} is already marked held.",
    ),
    "status.meeting_cancelled": (
        "Statusmødet {date} er aflyst.",
        "The status meeting on {date} is cancelled.",
    ),
    "status.not_yet": (
        "Statusmødet er først {date}. Markér det holdt på dagen eller bagefter.",
        "The status meeting is on {date}. Mark it held on the day or afterwards.",
    ),
    "status.held_by_button": (
        "Det trin krydses af med »Mødet er holdt« under /statusmoede.",
        "That step is ticked off with “Meeting held” under /statusmoede.",
    ),
    "status.not_held_yet": (
        "Det trin hører til efter mødet {date}, som ikke er markeret holdt endnu.",
        "That step comes after the meeting on {date}, which is not marked held yet.",
    ),
    "status.step_passed": (
        "Mødet {date} er holdt; trinnet før mødet kan ikke længere krydses af.",
        "The meeting on {date} is held; the step before it can no longer be ticked off.",
    ),
}
