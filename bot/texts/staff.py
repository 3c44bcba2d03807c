"""Texts for joining and inviting."""

TEXTS: dict[str, tuple[str, str]] = {
    "start.joined": (
        "Velkommen, {name}! Du er registreret som <b>{role}</b> i <b>{department}</b>.",
        "Welcome, {name}! You are registered as <b>{role}</b> in <b>{department}</b>.",
    ),
    "start.welcome_back": (
        "Hej igen, {name}. Skriv en note, eller send /hjaelp.",
        "Hi again, {name}. Write a note, or send /hjaelp.",
    ),
    "staff.invite_invalid": (
        "Den invitationskode kender jeg ikke. Tjek linket, eller bed din leder om et nyt.",
        "I don't know that invite code. Check the link or ask your leader for a new one.",
    ),
    "staff.invite_used": (
        "Den invitation er allerede brugt. Bed din leder om en ny.",
        "That invite has already been used. Ask your leader for a new one.",
    ),
    "staff.invite_expired": (
        "Den invitation er udløbet. Bed din leder om en ny.",
        "That invite has expired. Ask your leader for a new one.",
    ),
    "staff.department_missing": ("Vælg en afdeling.", "Choose a department."),
    "staff.department_name_empty": (
        "Afdelingens navn må ikke være tomt.",
        "The department name must not be empty.",
    ),
    "staff.department_name_too_long": (
        "Afdelingens navn er for langt (højst {limit} tegn).",
        "The department name is too long (at most {limit} characters).",
    ),
    "invites.leaders_only": (
        "Kun ledere kan invitere kolleger.",
        "Only leaders can invite colleagues.",
    ),
    "invites.no_departments": (
        "Du er ikke knyttet til en afdeling, du kan invitere til.",
        "You are not linked to a department you can invite into.",
    ),
    "invites.ask_role": (
        "Hvilken rolle skal den nye kollega have?",
        "Which role should the new colleague have?",
    ),
    "invites.ask_department": (
        "Hvilken afdeling skal den nye {role} høre til?",
        "Which department should the new {role} belong to?",
    ),
    "invites.created": (
        "Invitation til en <b>{role}</b> i <b>{department}</b>.\n\n"
        "Send dette link til personen (det virker én gang og udløber {expires}):\n{link}\n\n"
        "Eller de kan skrive til botten: <code>/start {code}</code>",
        "Invite for a <b>{role}</b> in <b>{department}</b>.\n\n"
        "Send this link to the person (it works once and expires {expires}):\n{link}\n\n"
        "Or they can send the bot: <code>/start {code}</code>",
    ),
}
