"""Texts for diary notes: the card, lists, edits."""

TEXTS: dict[str, tuple[str, str]] = {
    "notes.unknown": ("?", "?"),
    "notes.card_details": (
        "Beboer: <b>{resident}</b>\nType: <b>{type}</b>\n\n{text}",
        "Resident: <b>{resident}</b>\nType: <b>{type}</b>\n\n{text}",
    ),
    "notes.card_shortened": (
        "<i>(Teksten er forkortet her; hele teksten gemmes.)</i>",
        "<i>(The text is shortened here; the whole text is saved.)</i>",
    ),
    "notes.card_confirm": ("📝 <b>Ny note</b>\n{details}", "📝 <b>New note</b>\n{details}"),
    "notes.card_saved": (
        "✅ <b>Gemt</b> kl. {time}\n{details}",
        "✅ <b>Saved</b> at {time}\n{details}",
    ),
    "notes.card_cancelled": (
        "✖️ <b>Annulleret</b> – intet er gemt.\n{details}",
        "✖️ <b>Cancelled</b> – nothing was saved.\n{details}",
    ),
    "notes.card_undone": (
        "↩️ <b>Fortrudt</b> – noten er ikke længere gemt.\n{details}",
        "↩️ <b>Undone</b> – the note is no longer saved.\n{details}",
    ),
    "notes.ask_resident": (
        "📝 <b>Hvem handler noten om?</b>\n{details}",
        "📝 <b>Who is the note about?</b>\n{details}",
    ),
    "notes.ask_resident_suggested": (
        "📝 <b>Hvem mente du?</b> Jeg gætter ikke – vælg beboeren.\n{details}",
        "📝 <b>Who did you mean?</b> I won't guess – choose the resident.\n{details}",
    ),
    "notes.ask_type": (
        "📝 <b>Hvilken type note?</b>\n{details}",
        "📝 <b>Which type of note?</b>\n{details}",
    ),
    "notes.ask_type_suggested": (
        "📝 <b>Hvilken type mente du?</b>\n{details}",
        "📝 <b>Which type did you mean?</b>\n{details}",
    ),
    "notes.ask_text": (
        "📝 <b>Skriv noten nu</b> som en besked.\n{details}",
        "📝 <b>Write the note now</b> as a message.\n{details}",
    ),
    "notes.btn_save": ("Gem", "Save"),
    "notes.btn_change_resident": ("Skift beboer", "Change resident"),
    "notes.btn_change_type": ("Skift type", "Change type"),
    "notes.btn_cancel": ("Annullér", "Cancel"),
    "notes.btn_undo": ("Fortryd", "Undo"),
    "notes.btn_more": ("Flere ›", "More ›"),
    "notes.btn_prev": ("‹ Forrige", "‹ Previous"),
    "notes.btn_back": ("Tilbage", "Back"),
    "notes.btn_all_types": ("Alle typer", "All types"),
    "notes.saved_toast": ("Gemt ✅", "Saved ✅"),
    "notes.undone_toast": ("Fortrudt", "Undone"),
    "notes.card_gone": (
        "Det kort findes ikke længere. Skriv noten igen.",
        "That card no longer exists. Write the note again.",
    ),
    "notes.not_your_card": (
        "Det kort er ikke dit, så det kan du ikke ændre.",
        "That card is not yours, so you can't change it.",
    ),
    "notes.card_closed": (
        "Det kort er allerede afsluttet.",
        "That card is already finished.",
    ),
    "notes.already_saved": (
        "Noten var allerede gemt.",
        "The note was already saved.",
    ),
    "notes.incomplete": (
        "Vælg beboer og type, før du gemmer.",
        "Choose resident and type before saving.",
    ),
    "notes.resident_moved_out": (
        "{name} er fraflyttet, så der kan ikke skrives noter.",
        "{name} has moved out, so notes can't be written.",
    ),
    "notes.empty_body": (
        "Skriv selve noten efter navn og type, fx: mia komm pegede på saft ved frokost",
        "Write the note itself after name and type, e.g.: mia komm pointed at juice at lunch",
    ),
    "notes.too_long": (
        "Noten er for lang (højst {limit} tegn). Del den op i flere noter.",
        "The note is too long (at most {limit} characters). Split it into several notes.",
    ),
    "notes.no_residents": (
        "Du har ingen beboere, du kan skrive om endnu. Kontakt din leder.",
        "You have no residents you can write about yet. Contact your leader.",
    ),
    "notes.undo_expired": (
        "Fortryd virker kun de første minutter. Ret eller slet noten under /mine.",
        "Undo only works for the first minutes. Edit or delete the note under /mine.",
    ),
    "notes.mine_title": ("<b>Dine seneste noter</b>", "<b>Your latest notes</b>"),
    "notes.list_empty": ("Ingen noter endnu.", "No notes yet."),
    "notes.list_item": (
        "<b>{number}.</b> {when} · <b>{resident}</b> · {type}{edited}\n{text}",
        "<b>{number}.</b> {when} · <b>{resident}</b> · {type}{edited}\n{text}",
    ),
    "notes.list_edited": (" (rettet)", " (edited)"),
    "notes.btn_edit_n": ("✏️ Ret {number}", "✏️ Edit {number}"),
    "notes.btn_delete_n": ("🗑 Slet {number}", "🗑 Delete {number}"),
    "notes.btn_confirm_delete": ("Ja, slet", "Yes, delete"),
    "notes.btn_keep": ("Nej, behold", "No, keep"),
    "notes.confirm_delete": (
        "Slet denne note?\n<b>{resident}</b> · {type}\n{text}",
        "Delete this note?\n<b>{resident}</b> · {type}\n{text}",
    ),
    "notes.deleted": ("🗑 Noten er slettet.", "🗑 The note is deleted."),
    "notes.deleted_toast": ("Slettet", "Deleted"),
    "notes.kept": ("Noten er beholdt.", "The note is kept."),
    "notes.note_gone": ("Den note findes ikke længere.", "That note no longer exists."),
    "notes.edit_expired": (
        "Noter kan kun rettes eller slettes i 24 timer.",
        "Notes can only be edited or deleted for 24 hours.",
    ),
    "notes.ask_edit": (
        "Send den nye tekst til noten om <b>{resident}</b> ({type}). "
        "Den gamle tekst gemmes i historikken.\n\nNu står der:\n{text}\n\n"
        "/annuller for at lade den være.",
        "Send the new text for the note on <b>{resident}</b> ({type}). "
        "The old text is kept in the history.\n\nIt now says:\n{text}\n\n/annuller to leave it.",
    ),
    "notes.edited": (
        "✏️ Noten om <b>{resident}</b> ({type}) er rettet.",
        "✏️ The note on <b>{resident}</b> ({type}) is edited.",
    ),
    "notes.noter_usage": (
        "Skriv navnet efter kommandoen, fx <code>/noter mia</code>.",
        "Write the name after the command, e.g. <code>/noter mia</code>.",
    ),
    "notes.noter_none": (
        "Jeg fandt ingen beboer med det navn blandt dine beboere.",
        "I found no resident by that name among your residents.",
    ),
    "notes.noter_which": ("Hvem mente du?", "Who did you mean?"),
    "notes.noter_title": (
        "<b>Seneste noter om {resident}</b>",
        "<b>Latest notes on {resident}</b>",
    ),
    # --- sub-goal diary notes and "Manglende arbejde med delmål" ---
    "notes.card_details_plan": (
        "Beboer: <b>{resident}</b>\nType: <b>{type}</b>{extra}\n\n{text}",
        "Resident: <b>{resident}</b>\nType: <b>{type}</b>{extra}\n\n{text}",
    ),
    "notes.card_sub_goal_line": ("\nDelmål: <b>{sub_goal}</b>", "\nSub-goal: <b>{sub_goal}</b>"),
    "notes.card_reason_line": ("\nÅrsag: <b>{reason}</b>", "\nReason: <b>{reason}</b>"),
    "notes.ask_sub_goal": (
        "📝 <b>Hvilket delmål handler noten om?</b>\n{details}",
        "📝 <b>Which sub-goal is the note about?</b>\n{details}",
    ),
    "notes.ask_missing_sub_goal": (
        "📝 <b>Hvilket delmål blev der ikke arbejdet med?</b>\n{details}",
        "📝 <b>Which sub-goal was not worked on?</b>\n{details}",
    ),
    "notes.ask_reason": (
        "📝 <b>Hvorfor blev der ikke arbejdet med delmålet?</b> "
        "Vælg en årsag, eller skriv den som en besked.\n{details}",
        "📝 <b>Why was the sub-goal not worked on?</b> "
        "Choose a reason, or write it as a message.\n{details}",
    ),
    "notes.btn_sub_goal": ("Delmål", "Sub-goal"),
    "notes.btn_change_sub_goal": ("Skift delmål", "Change sub-goal"),
    "notes.btn_remove_sub_goal": ("Fjern delmål", "Remove sub-goal"),
    "notes.btn_change_reason": ("Skift årsag", "Change reason"),
    "notes.btn_reason_illness": ("Sygdom", "Illness"),
    "notes.btn_reason_staff": ("Personalemangel", "Staff shortage"),
    "notes.btn_reason_declined": (
        "Barnet/den unge ønskede det ikke",
        "The child/young person declined",
    ),
    "notes.btn_reason_cancelled": ("Aktivitet aflyst", "Activity cancelled"),
    "notes.btn_reason_other": ("Andet – skriv selv", "Other – write it yourself"),
    "notes.write_reason_toast": (
        "Skriv årsagen som en besked.",
        "Write the reason as a message.",
    ),
    "notes.choose_resident_first": (
        "Vælg beboeren først.",
        "Choose the resident first.",
    ),
    "notes.no_sub_goals": (
        "{name} har ingen aktive delmål.",
        "{name} has no active sub-goals.",
    ),
    "notes.sub_goal_ended": (
        "Det delmål er ikke længere aktivt. Vælg et andet delmål.",
        "That sub-goal is no longer active. Choose another sub-goal.",
    ),
    "notes.choose_sub_goal": (
        "Vælg delmålet, før du gemmer.",
        "Choose the sub-goal before saving.",
    ),
    "notes.choose_reason": (
        "Vælg eller skriv årsagen, før du gemmer.",
        "Choose or write the reason before saving.",
    ),
    "notes.saved_without_sub_goal": (
        "⚠️ Typen kræver et delmål, men <b>{name}</b> har ingen aktive delmål. Noten er gemt "
        "uden delmål og kommer ikke med i en evaluering. Fortryd og vælg en anden type, "
        "hvis det passer bedre.",
        "⚠️ This type needs a sub-goal, but <b>{name}</b> has no active sub-goals. The note is "
        "saved without one and is not part of any evaluation. Undo and choose another type "
        "if that fits better.",
    ),
    "notes.reason_not_asked": (
        "En årsag hører kun til typen for manglende arbejde med delmål.",
        "A reason only belongs to the type for missing work on a sub-goal.",
    ),
    "notes.reason_empty": ("Skriv årsagen som en besked.", "Write the reason as a message."),
    "notes.reason_too_long": (
        "Årsagen er for lang (højst {limit} tegn). Skriv den kortere.",
        "The reason is too long (at most {limit} characters). Write it shorter.",
    ),
}
