"""Texts shared by every feature: access, errors, help, roles."""

TEXTS: dict[str, tuple[str, str]] = {
    "common.plain": ("{text}", "{text}"),
    "common.cancelled": ("Annulleret. Intet er gemt.", "Cancelled. Nothing was saved."),
    "common.nothing_to_cancel": (
        "Der er ikke noget at annullere.",
        "There is nothing to cancel.",
    ),
    "common.unknown_command": (
        "Den kommando kender jeg ikke. Skriv /hjaelp for at se, hvad jeg kan.",
        "I don't know that command. Send /hjaelp to see what I can do.",
    ),
    "common.text_only": (
        "Jeg gemmer kun tekst. Skriv noten som en besked, fx <i>mia komm pegede på saft</i>.",
        "I only store text. Write the note as a message, e.g. <i>mia komm pointed at juice</i>.",
    ),
    "access.not_registered": (
        "Hej! Denne bot er kun for registrerede medarbejdere. Bed din leder om et invitationslink.",
        "Hi! This bot is for registered staff only. Ask your leader for an invite link.",
    ),
    "access.access_ended": (
        "Din adgang til botten er ophørt. Kontakt din leder, hvis det er en fejl.",
        "Your access to the bot has ended. Contact your leader if this is a mistake.",
    ),
    "access.private_only": (
        "Jeg virker kun i private chats, så ingen oplysninger om beboere deles i grupper. "
        "Skriv til mig direkte.",
        "I only work in private chats, so no resident information is shared in groups. "
        "Message me directly.",
    ),
    "error.sorry": (
        "Beklager, noget gik galt. Intet er gemt halvt – prøv igen om lidt.",
        "Sorry, something went wrong. Nothing was half-saved – please try again shortly.",
    ),
    "error.generic": ("Det kunne ikke lade sig gøre.", "That could not be done."),
    "error.not_allowed": (
        "Det har du ikke adgang til.",
        "You don't have access to that.",
    ),
    "error.not_found": ("Det findes ikke (længere).", "That does not exist (any more)."),
    "error.invalid_input": ("Det kan jeg ikke bruge. Prøv igen.", "I can't use that. Try again."),
    "error.expired": ("Det er for sent nu.", "It is too late now."),
    "error.conflict": (
        "Det er allerede sket eller er blevet ændret imens.",
        "That has already happened or changed meanwhile.",
    ),
    "error.bad_button": (
        "Den knap kender jeg ikke. Start forfra med kommandoen.",
        "I don't recognise that button. Start again with the command.",
    ),
    "error.button_expired": (
        "Den knap hører til noget, der er afsluttet. Start forfra med kommandoen.",
        "That button belongs to something already finished. Start again with the command.",
    ),
    "error.date_format": (
        "»{value}« kan jeg ikke læse som en dato. Skriv fx 24.12.2015 eller 2015-12-24.",
        "I can't read “{value}” as a date. Write e.g. 24.12.2015 or 2015-12-24.",
    ),
    "error.date_invalid": (
        "»{value}« er ikke en rigtig dato. Prøv igen.",
        "“{value}” is not a real date. Try again.",
    ),
    "error.weekday": (
        "»{value}« er ikke en ugedag. Skriv fx mandag eller tirsdag.",
        "“{value}” is not a weekday. Write e.g. mandag (Monday) or tirsdag (Tuesday).",
    ),
    "help.text": (
        "<b>Sådan skriver du en note</b>\n"
        "Skriv navn, type og tekst i én besked, fx\n"
        "<i>mia komm pegede på saft ved frokost</i>\n"
        "Jeg viser et kort, hvor du trykker <b>Gem</b>. Stavefejl er ok.\n\n"
        "/note – skriv en note trin for trin\n"
        "/mine – dine seneste noter (ret eller slet i 24 timer)\n"
        "/noter NAVN – de seneste noter om en beboer\n"
        "/score NAVN – giv en score på et delmål\n"
        "/maal NAVN – beboerens mål og delmål\n"
        "/evaluer NAVN – evaluér et mål eller delmål (kontaktteam og ledere)\n"
        "/paamindelser – dine frister: overskredne og de næste 30 dage\n"
        "/status NAVN – hvor beboerens statuscyklus står\n"
        "/indstillinger – hvornår du får påmindelser\n"
        "/annuller – afbryd det, du er i gang med\n"
        "/hjaelp – denne hjælp",
        "<b>How to write a note</b>\n"
        "Write name, type and text in one message, e.g.\n"
        "<i>mia komm pointed at juice at lunch</i>\n"
        "I show a card where you press <b>Gem</b> (save). Typos are fine.\n\n"
        "/note – write a note step by step\n"
        "/mine – your latest notes (edit or delete for 24 hours)\n"
        "/noter NAME – the latest notes on a resident\n"
        "/score NAME – score a sub-goal\n"
        "/maal NAME – the resident's goals and sub-goals\n"
        "/evaluer NAME – evaluate a goal or sub-goal (kontaktteam and leaders)\n"
        "/paamindelser – your deadlines: overdue and the next 30 days\n"
        "/status NAME – where the resident's status cycle stands\n"
        "/indstillinger – when you get reminders\n"
        "/annuller – cancel what you are doing\n"
        "/hjaelp – this help",
    ),
    "help.leader": (
        "<b>For ledere</b>\n"
        "/beboere – se, tilføj, ret og fraflyt beboere\n"
        "/kontaktteam NAVN – vælg beboerens kontaktteam\n"
        "/statusmoede NAVN – planlæg, flyt eller afslut et statusmøde\n"
        "/inviter – lav et invitationslink til en kollega eller en vikar\n"
        "/vikarer – vikarernes tjekliste, adgang og forfaldne trin",
        "<b>For leaders</b>\n"
        "/beboere – see, add, edit and move out residents\n"
        "/kontaktteam NAME – choose the resident's kontaktteam\n"
        "/statusmoede NAME – plan, move or close a status meeting\n"
        "/inviter – make an invite link for a colleague or a substitute\n"
        "/vikarer – the substitutes' checklists, access and overdue steps",
    ),
    "role.medarbejder": ("Medarbejder", "Staff member"),
    "role.afdelingsleder": ("Afdelingsleder", "Department leader"),
    "role.tilbudsleder": ("Tilbudsleder", "Head of the offer"),
    "role.vikar": ("Vikar", "Substitute"),
}
