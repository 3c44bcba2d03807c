"""Texts for /indstillinger: the hours in which reminders may reach a person (issue 4)."""

TEXTS: dict[str, tuple[str, str]] = {
    "settings.card": (
        "🔔 <b>Påmindelser:</b> {days} <b>{start}–{end}</b>\n"
        "Weekender: <b>{weekends}</b>\n"
        "Helligdage: <b>{holidays}</b>\n\n"
        "Næste gang en påmindelse kan nå dig: <b>{next}</b>\n\n"
        "<i>Påmindelser uden for dine timer venter til næste gang, de kan nå dig.</i>",
        "🔔 <b>Reminders:</b> {days} <b>{start}–{end}</b>\n"
        "Weekends: <b>{weekends}</b>\n"
        "Public holidays: <b>{holidays}</b>\n\n"
        "Next time a reminder can reach you: <b>{next}</b>\n\n"
        "<i>Reminders outside your hours wait until they can reach you.</i>",
    ),
    "settings.days_weekdays": ("hverdage", "weekdays"),
    "settings.days_all": ("alle dage", "every day"),
    "settings.on": ("til", "on"),
    "settings.off": ("fra", "off"),
    "settings.next_now": ("nu", "now"),
    "settings.next_today": ("i dag kl. {time}", "today at {time}"),
    "settings.next_tomorrow": ("i morgen kl. {time}", "tomorrow at {time}"),
    "settings.next_day": ("{weekday} {date} kl. {time}", "{weekday} {date} at {time}"),
    "settings.weekday_0": ("mandag", "Monday"),
    "settings.weekday_1": ("tirsdag", "Tuesday"),
    "settings.weekday_2": ("onsdag", "Wednesday"),
    "settings.weekday_3": ("torsdag", "Thursday"),
    "settings.weekday_4": ("fredag", "Friday"),
    "settings.weekday_5": ("lørdag", "Saturday"),
    "settings.weekday_6": ("søndag", "Sunday"),
    "settings.btn_start_earlier": ("Start −1 t", "Start −1 h"),
    "settings.btn_start_later": ("Start +1 t", "Start +1 h"),
    "settings.btn_end_earlier": ("Slut −1 t", "End −1 h"),
    "settings.btn_end_later": ("Slut +1 t", "End +1 h"),
    "settings.btn_weekends_on": ("Weekender: slå til", "Weekends: turn on"),
    "settings.btn_weekends_off": ("Weekender: slå fra", "Weekends: turn off"),
    "settings.btn_holidays_on": ("Helligdage: slå til", "Public holidays: turn on"),
    "settings.btn_holidays_off": ("Helligdage: slå fra", "Public holidays: turn off"),
    "settings.btn_reset": (
        "Standard: hverdage {start}–{end}",
        "Default: weekdays {start}–{end}",
    ),
    "settings.saved_toast": ("Gemt", "Saved"),
    "settings.changed_meanwhile": (
        "Dine indstillinger var allerede ændret. Her er de, som de er nu.",
        "Your settings had already changed. Here they are as they are now.",
    ),
    "settings.start_earliest": (
        "Start kan ikke være før 00:00. Intet er ændret.",
        "The start cannot be before 00:00. Nothing was changed.",
    ),
    "settings.end_latest": (
        "Slut kan ikke være efter 24:00 (midnat). Intet er ændret.",
        "The end cannot be after 24:00 (midnight). Nothing was changed.",
    ),
    "settings.too_short": (
        "Der skal være mindst en time mellem start og slut (nu {start}–{end}). "
        "Flyt den anden ende først. Intet er ændret.",
        "There must be at least an hour between start and end (now {start}–{end}). "
        "Move the other end first. Nothing was changed.",
    ),
}
