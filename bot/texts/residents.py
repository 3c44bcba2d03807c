"""Texts for managing residents."""

TEXTS: dict[str, tuple[str, str]] = {
    "residents.leaders_only": (
        "Kun ledere kan ændre beboere.",
        "Only leaders can change residents.",
    ),
    "residents.no_departments": (
        "Du er ikke leder for en afdeling.",
        "You do not lead a department.",
    ),
    "residents.list_title": ("<b>Beboere</b> ({count})", "<b>Residents</b> ({count})"),
    "residents.list_empty": (
        "Der er ingen beboere endnu. Tilføj den første:",
        "There are no residents yet. Add the first:",
    ),
    "residents.moved_out_mark": ("(fraflyttet)", "(moved out)"),
    "residents.btn_add": ("➕ Tilføj beboer", "➕ Add resident"),
    "residents.btn_list": ("‹ Alle beboere", "‹ All residents"),
    "residents.btn_move_out": ("Fraflyt", "Move out"),
    "residents.btn_today": ("I dag", "Today"),
    "residents.btn_confirm": ("Gem", "Save"),
    "residents.btn_cancel": ("Annullér", "Cancel"),
    "residents.card": (
        "<b>{name}</b> {status}\nFødt: {birth}\nIndskrevet: {enrolment}\nAfdeling: {department}\n"
        "Rådgiver: {caseworker} ({email})",
        "<b>{name}</b> {status}\nBorn: {birth}\nEnrolled: {enrolment}\nDepartment: {department}\n"
        "Caseworker: {caseworker} ({email})",
    ),
    "residents.moved_out_on": ("(fraflyttet {date})", "(moved out {date})"),
    "residents.field_name": ("Ret navn", "Edit name"),
    "residents.field_birth_date": ("Ret fødselsdato", "Edit date of birth"),
    "residents.field_enrolment_date": ("Ret indskrivningsdato", "Edit enrolment date"),
    "residents.field_caseworker_name": ("Rådgivers navn", "Caseworker's name"),
    "residents.field_caseworker_email": ("Rådgivers e-mail", "Caseworker's e-mail"),
    "residents.ask_name": (
        "Hvad hedder beboeren? Brug fornavn eller initialer – aldrig CPR-nummer.",
        "What is the resident's name? Use a first name or initials – never a CPR number.",
    ),
    "residents.ask_birth": (
        "Fødselsdato? Skriv fx 24.12.2012.",
        "Date of birth? Write e.g. 24.12.2012.",
    ),
    "residents.ask_enrolment": (
        "Indskrivningsdato? Skriv fx 01.08.2024 eller »i dag«.",
        "Enrolment date? Write e.g. 01.08.2024 or “i dag” (today).",
    ),
    "residents.ask_department": ("Hvilken afdeling?", "Which department?"),
    "residents.confirm_add": (
        "Tilføj denne beboer?\n<b>{name}</b>\nFødt: {birth}\nIndskrevet: {enrolment}\n"
        "Afdeling: {department}",
        "Add this resident?\n<b>{name}</b>\nBorn: {birth}\nEnrolled: {enrolment}\n"
        "Department: {department}",
    ),
    "residents.added": (
        "✅ <b>{name}</b> er tilføjet i {department}.",
        "✅ <b>{name}</b> is added in {department}.",
    ),
    "residents.ask_value": (
        "{field} for <b>{name}</b>: send den nye værdi (eller /annuller).",
        "{field} for <b>{name}</b>: send the new value (or /annuller).",
    ),
    "residents.ask_move_out": (
        "Hvornår flyttede <b>{name}</b> ud? Tryk »I dag« eller skriv datoen (eller /annuller).",
        "When did <b>{name}</b> move out? Press “Today” or write the date (or /annuller).",
    ),
    "residents.moved_out": (
        "<b>{name}</b> er fraflyttet pr. {date}. Noterne bevares.",
        "<b>{name}</b> moved out on {date}. The notes are kept.",
    ),
    "residents.exists": (
        "{name} med den fødselsdato findes allerede i afdelingen.",
        "{name} with that date of birth already exists in the department.",
    ),
    "residents.already_moved_out": (
        "{name} er allerede fraflyttet.",
        "{name} has already moved out.",
    ),
    "residents.name_empty": ("Navnet må ikke være tomt.", "The name must not be empty."),
    "residents.name_too_long": (
        "Navnet er for langt (højst {limit} tegn).",
        "The name is too long (at most {limit} characters).",
    ),
    "residents.name_digits": (
        "Navnet må ikke indeholde tal (aldrig CPR-nummer). Brug fornavn eller initialer.",
        "The name must not contain digits (never a CPR number). Use a first name or initials.",
    ),
    "residents.birth_in_future": (
        "Fødselsdatoen kan ikke ligge i fremtiden.",
        "The date of birth can't be in the future.",
    ),
    "residents.birth_too_old": (
        "Den fødselsdato er for langt tilbage. Tjek årstallet.",
        "That date of birth is too far back. Check the year.",
    ),
    "residents.enrolment_before_birth": (
        "Indskrivningsdatoen kan ikke ligge før fødselsdatoen.",
        "The enrolment date can't be before the date of birth.",
    ),
    "residents.enrolment_far_future": (
        "Indskrivningsdatoen ligger for langt ude i fremtiden.",
        "The enrolment date is too far in the future.",
    ),
    "residents.move_out_before_enrolment": (
        "Fraflytningen kan ikke ligge før indskrivningen.",
        "Moving out can't be before enrolment.",
    ),
    "residents.move_out_future": (
        "Fraflytningsdatoen kan ikke ligge i fremtiden.",
        "The move-out date can't be in the future.",
    ),
    "residents.caseworker_invalid": (
        "Skriv rådgiverens navn (højst 200 tegn).",
        "Write the caseworker's name (at most 200 characters).",
    ),
    "residents.email_invalid": (
        "Det ligner ikke en e-mailadresse.",
        "That does not look like an e-mail address.",
    ),
}
