"""Texts for indicator scores (/score) and sub-goal diary notes."""

TEXTS: dict[str, tuple[str, str]] = {
    "scores.usage": (
        "Skriv navnet efter kommandoen, fx <code>/score mia</code>.",
        "Write the name after the command, e.g. <code>/score mia</code>.",
    ),
    "scores.no_resident": (
        "Jeg fandt ingen beboer med det navn blandt dine beboere.",
        "I found no resident by that name among your residents.",
    ),
    "scores.which_resident": ("Hvem mente du?", "Who did you mean?"),
    "scores.no_sub_goals": (
        "<b>{resident}</b> har ingen aktive delmål, der scores.",
        "<b>{resident}</b> has no active sub-goals that are scored.",
    ),
    "scores.pick_sub_goal": (
        "📊 <b>Score for {resident}</b>\nHvilket delmål vil du score?",
        "📊 <b>Score for {resident}</b>\nWhich sub-goal do you want to score?",
    ),
    "scores.scale_line": ("<b>{value}</b> = {label}", "<b>{value}</b> = {label}"),
    "scores.ask_score": (
        "📊 <b>Score for {resident}</b>\nDelmål: {sub_goal}\nGælder: {slot}\n\n{scale}\n\n"
        "Tryk på et tal.{current}",
        "📊 <b>Score for {resident}</b>\nSub-goal: {sub_goal}\nFor: {slot}\n\n{scale}\n\n"
        "Tap a number.{current}",
    ),
    "scores.current": (
        "\nAllerede givet: <b>{score}</b>. Et nyt tryk erstatter den.",
        "\nAlready given: <b>{score}</b>. A new tap replaces it.",
    ),
    "scores.after_note": (
        "📊 <b>Score for {resident}</b>\nDelmål: {sub_goal}\n\n{scale}\n\n"
        "Tryk på et tal for at give en score.",
        "📊 <b>Score for {resident}</b>\nSub-goal: {sub_goal}\n\n{scale}\n\n"
        "Tap a number to give a score.",
    ),
    "scores.saved": (
        "✅ Score <b>{score}</b> ({label}) er gemt for <b>{resident}</b>, {slot}.\n"
        "Delmål: {sub_goal}\n\n{scale}\n\nTryk på et andet tal for at rette.",
        "✅ Score <b>{score}</b> ({label}) is saved for <b>{resident}</b>, {slot}.\n"
        "Sub-goal: {sub_goal}\n\n{scale}\n\nTap another number to correct it.",
    ),
    "scores.replaced": (
        "✅ Erstattede {old} med <b>{score}</b> ({label}) for <b>{resident}</b>, {slot}.\n"
        "Delmål: {sub_goal}\n\n{scale}\n\nTryk på et andet tal for at rette.",
        "✅ Replaced {old} with <b>{score}</b> ({label}) for <b>{resident}</b>, {slot}.\n"
        "Sub-goal: {sub_goal}\n\n{scale}\n\nTap another number to correct it.",
    ),
    "scores.saved_toast": ("Score {score} gemt", "Score {score} saved"),
    "scores.replaced_toast": ("Erstattede {old} med {score}", "Replaced {old} with {score}"),
    "scores.slot_day": ("{day}", "{day}"),
    "scores.slot_shift": ("{shift}vagten {day}", "the {shift} shift on {day}"),
    "scores.slot_week": ("uge {week}, {year}", "week {week}, {year}"),
    "scores.sub_goal_ended": (
        "Det delmål er ikke længere aktivt, så det kan ikke scores.",
        "That sub-goal is no longer active, so it cannot be scored.",
    ),
    "scores.not_scored": (
        "Det delmål scores ikke (Ingen scoring).",
        "That sub-goal is not scored (no scoring).",
    ),
}
