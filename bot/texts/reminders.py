"""Texts for reminders: the digest, its buttons, /paamindelser and the answers to a press."""

TEXTS: dict[str, tuple[str, str]] = {
    # What each rule's item is called ({name} the resident, {text} the goal, {meeting} a date).
    "reminders.goal_evaluation": (
        "Evaluering af målet <i>{text}</i>",
        "Evaluation of the goal <i>{text}</i>",
    ),
    "reminders.sub_goal_evaluation": (
        "Evaluering af delmålet <i>{text}</i>",
        "Evaluation of the sub-goal <i>{text}</i>",
    ),
    "reminders.ipel_evaluation": (
        "Evaluering af Indflydelse på eget liv",
        "Evaluation of Indflydelse på eget liv (influence on own life)",
    ),
    "reminders.komm_evaluation": (
        "Evaluering af Kommunikationsforhold",
        "Evaluation of Kommunikationsforhold (communication)",
    ),
    "reminders.status_meeting": (
        "Næste statusmøde skal planlægges",
        "The next status meeting must be scheduled",
    ),
    "reminders.report_draft": (
        "Statusrapporten skrives (statusmøde {meeting})",
        "The status report is drafted (status meeting {meeting})",
    ),
    "reminders.report_approved": (
        "Statusrapporten godkendes af afdelingsleder (statusmøde {meeting})",
        "The afdelingsleder approves the status report (status meeting {meeting})",
    ),
    "reminders.sent_to_caseworker": (
        "Rapport og dagsorden sendes til rådgiver (statusmøde {meeting})",
        "Report and agenda are sent to the caseworker (status meeting {meeting})",
    ),
    "reminders.meeting_held": (
        "Statusmødet {meeting}: markér det som holdt, og aftal næste dato",
        "Status meeting {meeting}: mark it as held and agree the next date",
    ),
    "reminders.minutes_written": (
        "Referatet skrives (statusmøde {meeting})",
        "The minutes are written (status meeting {meeting})",
    ),
    "reminders.minutes_approved": (
        "Referatet godkendes af afdelingsleder (statusmøde {meeting})",
        "The afdelingsleder approves the minutes (status meeting {meeting})",
    ),
    "reminders.minutes_sent": (
        "Referatet journaliseres og sendes til alle deltagere (statusmøde {meeting})",
        "The minutes are journalised and sent to everyone present (status meeting {meeting})",
    ),
    "reminders.dpu": (
        "DPU (Dansk pædagogisk udviklingsbeskrivelse)",
        "DPU (Danish pedagogical development description)",
    ),
    "reminders.autonomt_kompas": (
        "Arbejdet med autonomt kompas skal i gang",
        "Work with the autonomt kompas must start",
    ),
    "reminders.samarbejdsaftale": (
        "Samarbejdsaftalen med forældre/værge revideres",
        "The samarbejdsaftale with the parents/guardian is revised",
    ),
    "reminders.birthday_18": (
        "Fylder 18: status én gang om året og voksenområdets skabelon (VUM) fra nu af",
        "Turns 18: status once a year and the adult template (VUM) from now on",
    ),
    "reminders.mandatory_goals": (
        "Mangler obligatorisk mål: {areas}",
        "Missing a mandatory goal: {areas}",
    ),
    # When: one line under each item.
    "reminders.when_heads_up": (
        "🗓 Frist {date} (om {days} dage)",
        "🗓 Due {date} (in {days} days)",
    ),
    "reminders.when_tomorrow": ("🗓 Frist i morgen, {date}", "🗓 Due tomorrow, {date}"),
    "reminders.when_due": ("⏰ Frist i dag", "⏰ Due today"),
    "reminders.when_overdue": (
        "⚠️ Fristen var {date} – {days} dage over",
        "⚠️ It was due {date} – {days} days overdue",
    ),
    "reminders.when_overdue_one": (
        "⚠️ Fristen var i går, {date}",
        "⚠️ It was due yesterday, {date}",
    ),
    "reminders.when_past": ("🗓 Det var {date}", "🗓 That was {date}"),
    "reminders.when_escalation": (
        "🚨 Fristen var {date} – {days} dage over. Ansvarlig: {people}",
        "🚨 It was due {date} – {days} days overdue. Responsible: {people}",
    ),
    "reminders.nobody": ("ingen i kontaktteamet", "nobody on the kontaktteam"),
    "reminders.item": (
        "{number}. <b>{name}</b>: {title}\n{when}",
        "{number}. <b>{name}</b>: {title}\n{when}",
    ),
    "reminders.digest": (
        "🔔 <b>Påmindelser</b>\n\n{items}",
        "🔔 <b>Reminders</b>\n\n{items}",
    ),
    "reminders.more": (
        "… og {count} mere. Se dem alle med /paamindelser.",
        "… and {count} more. See them all with /paamindelser.",
    ),
    "reminders.more_buttons": (
        "Knapperne gælder de første {count}; /paamindelser har knapper til dem alle.",
        "The buttons cover the first {count}; /paamindelser has buttons for all of them.",
    ),
    "reminders.weekly": (
        "📋 <b>Ugeoversigt, {department}: overskredne frister</b>\n{lines}",
        "📋 <b>Weekly overview, {department}: overdue deadlines</b>\n{lines}",
    ),
    "reminders.more_departments": (
        "… og {count} afdelinger mere: se dem med /paamindelser.",
        "… and {count} more departments: see them with /paamindelser.",
    ),
    "reminders.weekly_resident": ("<b>{name}</b>", "<b>{name}</b>"),
    "reminders.weekly_line": (
        "  • {title} – {days} dage over ({people})",
        "  • {title} – {days} days overdue ({people})",
    ),
    "reminders.weekly_line_one": (
        "  • {title} – 1 dag over ({people})",
        "  • {title} – 1 day overdue ({people})",
    ),
    "reminders.weekly_none": (
        "  Ingen overskredne frister. 👍",
        "  No overdue deadlines. 👍",
    ),
    # Buttons; {number} is the item's number in the message.
    "reminders.btn_evaluate": ("{number}. Evaluer nu", "{number}. Evaluate now"),
    "reminders.btn_tick": ("{number}. Udført", "{number}. Done"),
    "reminders.btn_done": ("{number}. Udført", "{number}. Done"),
    "reminders.btn_schedule": ("{number}. Planlæg", "{number}. Schedule"),
    "reminders.btn_plan": ("{number}. Se plan", "{number}. See plan"),
    "reminders.btn_day": ("{number}. Udsæt 1 dag", "{number}. Snooze 1 day"),
    "reminders.btn_week": ("{number}. Udsæt 1 uge", "{number}. Snooze 1 week"),
    # /paamindelser
    "reminders.mine_none": (
        "🔔 Du har ingen frister de næste {days} dage og intet overskredet. 👍",
        "🔔 You have no deadlines in the next {days} days and nothing overdue. 👍",
    ),
    "reminders.mine": (
        "🔔 <b>Dine frister</b> (overskredne og de næste {days} dage)\n\n{items}",
        "🔔 <b>Your deadlines</b> (overdue and the next {days} days)\n\n{items}",
    ),
    "reminders.more_mine": (
        "… og {count} mere: de vises her, når nogle af de første er klaret.",
        "… and {count} more: they show here once some of the first are dealt with.",
    ),
    # Answers to a press.
    "reminders.already_done": (
        "Den frist er allerede klaret eller flyttet – der er ikke mere at gøre her. "
        "Se /paamindelser for det, der venter.",
        "That deadline has already been dealt with or moved – nothing more to do here. "
        "See /paamindelser for what is waiting.",
    ),
    "reminders.moved": (
        "Den frist er allerede klaret eller flyttet – næste frist er {date}.",
        "That deadline has already been dealt with or moved – the next one is {date}.",
    ),
    "reminders.not_yours": (
        "Den opgave er ikke din: den hører til {name}s kontaktteam og afdelingsleder.",
        "That task is not yours: it belongs to {name}'s kontaktteam and afdelingsleder.",
    ),
    "reminders.not_yours_leader": (
        "Det er afdelingslederens opgave – den kan du ikke markere for {name}.",
        "That is the afdelingsleder's task – you cannot mark it for {name}.",
    ),
    "reminders.snoozed": (
        "⏸ Udsat til {date}: jeg minder dig om det igen den dag.",
        "⏸ Snoozed until {date}: I will remind you again that day.",
    ),
    "reminders.milestone_done": (
        "✅ Registreret: {title} for <b>{name}</b>, udført {date}. Næste frist: {next}.",
        "✅ Recorded: {title} for <b>{name}</b>, done {date}. Next deadline: {next}.",
    ),
    "reminders.milestone_done_final": (
        "✅ Registreret: {title} for <b>{name}</b>, udført {date}.",
        "✅ Recorded: {title} for <b>{name}</b>, done {date}.",
    ),
    "reminders.no_action": (
        "Til orientering – der er ikke noget at trykke på.",
        "For information – there is nothing to press.",
    ),
}
