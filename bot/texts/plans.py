"""Texts for the plan: kontaktteam, goals and sub-goals (/maal), goal import."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- vocabulary (labels of DOMAIN.md) ---------------------------------------------------
    "plans.type_udviklingsmaal": ("Udviklingsmål", "Development goal"),
    "plans.type_vedligeholdelsesmaal": ("Vedligeholdelsesmål", "Maintenance goal"),
    "plans.type_andet": ("Andet", "Other"),
    "plans.source_kommune": ("Kommunen", "The municipality"),
    "plans.source_tilbud": ("Tilbuddet", "The offer"),
    "plans.area_skole": ("Skolegang og uddannelse", "Schooling and education"),
    "plans.area_sociale_relationer": (
        "Kompetencer til sociale relationer",
        "Competencies for social relations",
    ),
    "plans.area_none": ("Ingen", "None"),
    "plans.frequency_daily": ("Dagligt", "Daily"),
    "plans.frequency_per_shift": ("Hver vagt", "Every shift"),
    "plans.frequency_weekly": ("Ugentligt", "Weekly"),
    "plans.frequency_none": ("Ingen scoring", "No scoring"),
    "plans.interval_month": ("1 måned", "1 month"),
    "plans.interval_months": ("{count} måneder", "{count} months"),
    "plans.interval_week": ("1 uge", "1 week"),
    "plans.interval_weeks": ("{count} uger", "{count} weeks"),
    "plans.chosen": ("✅ {label}", "✅ {label}"),
    # --- /maal: the plan --------------------------------------------------------------------
    "plans.maal_usage": (
        "Skriv /maal og beboerens navn, fx /maal Mia.",
        "Write /maal and the resident's name, e.g. /maal Mia.",
    ),
    "plans.which_resident": ("Hvilken beboer mener du?", "Which resident do you mean?"),
    "plans.no_resident": (
        "Jeg fandt ingen beboer, der hedder »{query}«.",
        "I found no resident called “{query}”.",
    ),
    "plans.plan_title": ("<b>Mål for {name}</b>", "<b>Goals of {name}</b>"),
    "plans.missing_mandatory": (
        "⚠️ Obligatorisk mål mangler: {areas}",
        "⚠️ Mandatory goal missing: {areas}",
    ),
    "plans.no_goals": ("Ingen aktive mål endnu.", "No active goals yet."),
    "plans.goal_block": (
        "<b>{number}. {text}</b>\n{type} · {source}{area}\nKontekster: {contexts}\n"
        "Periode: {start}–{end}\nEvalueringsinterval: {interval}{next}",
        "<b>{number}. {text}</b>\n{type} · {source}{area}\nContexts: {contexts}\n"
        "Period: {start}–{end}\nEvaluation interval: {interval}{next}",
    ),
    "plans.goal_area": (" · Obligatorisk: {area}", " · Mandatory: {area}"),
    "plans.goal_next": ("\nNæste evaluering: {date}", "\nNext evaluation: {date}"),
    "plans.sub_block": (
        "↳ <b>Delmål {number}</b>: {text}\nFremgangsmåde og metode: {method}\nScoring: {frequency}",
        "↳ <b>Sub-goal {number}</b>: {text}\nApproach and method: {method}\nScoring: {frequency}",
    ),
    "plans.btn_new_goal": ("➕ Nyt mål", "➕ New goal"),
    "plans.btn_edit_goal": ("Ret mål {number}", "Edit goal {number}"),
    "plans.btn_end_goal": ("Afslut mål {number}", "End goal {number}"),
    "plans.btn_new_sub": ("➕ Delmål til mål {number}", "➕ Sub-goal for goal {number}"),
    "plans.btn_edit_sub": ("Ret delmål {number}", "Edit sub-goal {number}"),
    "plans.btn_end_sub": ("Afslut delmål {number}", "End sub-goal {number}"),
    # --- the guided flows -------------------------------------------------------------------
    "plans.btn_cancel": ("Annullér", "Cancel"),
    "plans.btn_save": ("Gem", "Save"),
    "plans.btn_done": ("Færdig", "Done"),
    "plans.btn_skip": ("Spring over", "Skip"),
    "plans.btn_today": ("I dag", "Today"),
    "plans.btn_interval_1": ("1 måned", "1 month"),
    "plans.btn_interval_2": ("2 måneder", "2 months"),
    "plans.btn_interval_3": ("3 måneder", "3 months"),
    "plans.btn_area_skole": ("Skolegang og uddannelse", "Schooling and education"),
    "plans.btn_area_sociale_relationer": ("Sociale relationer", "Social relations"),
    "plans.btn_area_none": ("Ingen", "None"),
    "plans.use_buttons": (
        "Brug knapperne ovenfor (eller /annuller).",
        "Please use the buttons above (or /annuller).",
    ),
    "plans.ask_goal_text": (
        "Nyt mål for <b>{name}</b>. Skriv målet (»Målet er …«): konkret, målbart og "
        "tidsbestemt. (/annuller stopper)",
        "New goal for <b>{name}</b>. Write the goal (“The goal is …”): specific, measurable "
        "and time-bound. (/annuller stops)",
    ),
    "plans.ask_rationale": (
        "Begrundelse (fx kommunens formål)? Skriv den, eller »-« / »Spring over«.",
        "Rationale (e.g. the municipality's purpose)? Write it, or “-” / “Skip”.",
    ),
    "plans.ask_goal_type": ("Hvilken type mål?", "What type of goal?"),
    "plans.ask_source": ("Hvor kommer målet fra?", "Where does the goal come from?"),
    "plans.ask_contexts": (
        "Hvilke kontekster i planen hører målet til? Tryk for at vælge (✅), og tryk »Færdig«.",
        "Which plan contexts does the goal belong to? Tap to choose (✅), then tap “Done”.",
    ),
    "plans.ask_area": (
        "Er det et af de obligatoriske mål?",
        "Is it one of the mandatory goals?",
    ),
    "plans.ask_start": (
        "Startdato? Tryk »I dag« eller skriv datoen, fx 1.12.2026.",
        "Start date? Tap “Today” or write the date, e.g. 1.12.2026.",
    ),
    "plans.ask_end": (
        "Slutdato? Skriv datoen, fx 30.6.2027 (efter {start}).",
        "End date? Write the date, e.g. 30.6.2027 (after {start}).",
    ),
    "plans.ask_interval": (
        "Hvor ofte evalueres målet? Vælg, eller skriv fx »6 uger« (højst 3 måneder).",
        "How often is the goal evaluated? Choose, or write e.g. “6 weeks” (at most 3 months).",
    ),
    "plans.confirm_goal": (
        "<b>Nyt mål for {name}</b>\n\n<b>Målet:</b> {text}\n<b>Begrundelse:</b> {rationale}\n"
        "<b>Type:</b> {type}\n<b>Kilde:</b> {source}\n<b>Kontekster:</b> {contexts}\n"
        "<b>Obligatorisk område:</b> {area}\n<b>Periode:</b> {start}–{end}\n"
        "<b>Evalueringsinterval:</b> {interval} (første evaluering {next})\n\nGem målet?",
        "<b>New goal for {name}</b>\n\n<b>Goal:</b> {text}\n<b>Rationale:</b> {rationale}\n"
        "<b>Type:</b> {type}\n<b>Source:</b> {source}\n<b>Contexts:</b> {contexts}\n"
        "<b>Mandatory area:</b> {area}\n<b>Period:</b> {start}–{end}\n"
        "<b>Evaluation interval:</b> {interval} (first evaluation {next})\n\nSave the goal?",
    ),
    "plans.goal_saved": (
        "✅ Målet er gemt for <b>{name}</b>. Første evaluering: {next}.",
        "✅ The goal is saved for <b>{name}</b>. First evaluation: {next}.",
    ),
    "plans.ask_sub_text": (
        "Nyt delmål til målet\n<i>{goal}</i>\n\nSkriv delmålet. (/annuller stopper)",
        "New sub-goal for the goal\n<i>{goal}</i>\n\nWrite the sub-goal. (/annuller stops)",
    ),
    "plans.ask_method": (
        "Fremgangsmåde og metode: hvordan arbejder I med delmålet?",
        "Approach and method: how do you work on the sub-goal?",
    ),
    "plans.ask_frequency": (
        "Hvor ofte skal delmålet scores?",
        "How often should the sub-goal be scored?",
    ),
    "plans.confirm_sub": (
        "<b>Nyt delmål</b> til målet <i>{goal}</i>\n\n<b>Delmålet:</b> {text}\n"
        "<b>Begrundelse:</b> {rationale}\n<b>Fremgangsmåde og metode:</b> {method}\n"
        "<b>Scoring:</b> {frequency}\n<b>Første evaluering:</b> {next}\n\nGem delmålet?",
        "<b>New sub-goal</b> for the goal <i>{goal}</i>\n\n<b>Sub-goal:</b> {text}\n"
        "<b>Rationale:</b> {rationale}\n<b>Approach and method:</b> {method}\n"
        "<b>Scoring:</b> {frequency}\n<b>First evaluation:</b> {next}\n\nSave the sub-goal?",
    ),
    "plans.sub_saved": (
        "✅ Delmålet er gemt. Første evaluering: {next}.",
        "✅ The sub-goal is saved. First evaluation: {next}.",
    ),
    # --- editing ----------------------------------------------------------------------------
    "plans.goal_field_text": ("Målet", "The goal"),
    "plans.goal_field_rationale": ("Begrundelse", "Rationale"),
    "plans.goal_field_goal_type": ("Type", "Type"),
    "plans.goal_field_source": ("Kilde", "Source"),
    "plans.goal_field_contexts": ("Kontekster", "Contexts"),
    "plans.goal_field_mandatory_area": ("Obligatorisk område", "Mandatory area"),
    "plans.goal_field_start_date": ("Startdato", "Start date"),
    "plans.goal_field_end_date": ("Slutdato", "End date"),
    "plans.goal_field_interval": ("Evalueringsinterval", "Evaluation interval"),
    "plans.sub_field_text": ("Delmålet", "The sub-goal"),
    "plans.sub_field_rationale": ("Begrundelse", "Rationale"),
    "plans.sub_field_method": ("Fremgangsmåde og metode", "Approach and method"),
    "plans.sub_field_scoring_frequency": ("Scoring", "Scoring"),
    "plans.ask_field_goal": (
        "Hvad vil du rette i målet?\n<i>{text}</i>",
        "What do you want to edit in the goal?\n<i>{text}</i>",
    ),
    "plans.ask_field_sub": (
        "Hvad vil du rette i delmålet?\n<i>{text}</i>",
        "What do you want to edit in the sub-goal?\n<i>{text}</i>",
    ),
    "plans.ask_value": (
        "<b>{field}</b> nu:\n{current}\n\n{hint}",
        "<b>{field}</b> now:\n{current}\n\n{hint}",
    ),
    "plans.ask_value_pick": (
        "<b>{field}</b> nu: {current}\nVælg det nye:",
        "<b>{field}</b> now: {current}\nChoose the new one:",
    ),
    "plans.ask_value_contexts": (
        "<b>{field}</b>: tryk for at vælge eller fravælge (✅), og tryk »Færdig«.",
        "<b>{field}</b>: tap to choose or unchoose (✅), then tap “Done”.",
    ),
    "plans.hint_text": (
        "Skriv det nye (eller /annuller).",
        "Write the new one (or /annuller).",
    ),
    "plans.hint_rationale": (
        "Skriv den nye, eller »-« for ingen (eller /annuller).",
        "Write the new one, or “-” for none (or /annuller).",
    ),
    "plans.hint_date": (
        "Skriv den nye dato, fx 1.3.2027 (eller /annuller).",
        "Write the new date, e.g. 1.3.2027 (or /annuller).",
    ),
    "plans.hint_interval": (
        "Vælg, eller skriv fx »6 uger« – højst 3 måneder (eller /annuller).",
        "Choose, or write e.g. “6 weeks” – at most 3 months (or /annuller).",
    ),
    "plans.goal_edited": ("✅ Målet er rettet: {field}.", "✅ The goal is edited: {field}."),
    "plans.sub_edited": (
        "✅ Delmålet er rettet: {field}.",
        "✅ The sub-goal is edited: {field}.",
    ),
    "plans.unchanged": (
        "Uændret: det var den samme værdi.",
        "Unchanged: that was the same value.",
    ),
    # --- ending -----------------------------------------------------------------------------
    "plans.btn_reason_reached": ("Nået", "Reached"),
    "plans.btn_reason_irrelevant": ("Ikke relevant længere", "No longer relevant"),
    "plans.btn_reason_other": ("Andet", "Other"),
    "plans.ask_end_goal": (
        "Afslut målet?\n<i>{text}</i>{subs}\n\nVælg begrundelsen, eller skriv den:",
        "End the goal?\n<i>{text}</i>{subs}\n\nChoose the reason, or write it:",
    ),
    "plans.end_goal_subs": (
        "\nDets {count} aktive delmål afsluttes også.",
        "\nIts {count} active sub-goal(s) end too.",
    ),
    "plans.ask_end_sub": (
        "Afslut delmålet?\n<i>{text}</i>\n\nVælg begrundelsen, eller skriv den:",
        "End the sub-goal?\n<i>{text}</i>\n\nChoose the reason, or write it:",
    ),
    "plans.ask_reason_text": ("Skriv begrundelsen:", "Write the reason:"),
    "plans.goal_ended_done": (
        "✅ Målet er afsluttet ({reason}). {count} delmål er afsluttet med det.",
        "✅ The goal is ended ({reason}). {count} sub-goal(s) ended with it.",
    ),
    "plans.sub_ended_done": (
        "✅ Delmålet er afsluttet ({reason}).",
        "✅ The sub-goal is ended ({reason}).",
    ),
    # --- refusals and bad answers (also shown as alerts: plain text) --------------------------
    "plans.goal_ended": (
        "Målet er afsluttet og kan ikke ændres. Se /maal.",
        "The goal is ended and cannot be changed. See /maal.",
    ),
    "plans.sub_goal_ended": (
        "Delmålet er afsluttet og kan ikke ændres. Se /maal.",
        "The sub-goal is ended and cannot be changed. See /maal.",
    ),
    "plans.end_in_past": (
        "Slutdatoen ligger før i dag. Skriv en dato fra i dag og frem.",
        "The end date is before today. Write a date from today on.",
    ),
    "plans.method_empty": (
        "Skriv fremgangsmåden og metoden – den må ikke være tom.",
        "Write the approach and method – it cannot be empty.",
    ),
    "plans.contexts_empty": ("Vælg mindst én kontekst.", "Choose at least one context."),
    "plans.reason_empty": ("Skriv en begrundelse.", "Write a reason."),
    # --- /kontaktteam -----------------------------------------------------------------------
    "plans.kontaktteam_usage": (
        "Skriv /kontaktteam og beboerens navn, fx /kontaktteam Mia.",
        "Write /kontaktteam and the resident's name, e.g. /kontaktteam Mia.",
    ),
    "plans.team_title": (
        "<b>Kontaktteam for {name}</b>\n{status}\n\n"
        "Tryk på en medarbejder for at tilføje eller fjerne (✅ = i kontaktteamet).",
        "<b>Kontaktteam of {name}</b>\n{status}\n\n"
        "Tap a staff member to add or remove them (✅ = on the kontaktteam).",
    ),
    "plans.team_members": ("Medlemmer: {names}", "Members: {names}"),
    "plans.team_empty": ("Ingen i kontaktteamet endnu.", "Nobody on the kontaktteam yet."),
    "plans.team_no_staff": (
        "<b>Kontaktteam for {name}</b>\n{status}\n\n"
        "Der er ingen registrerede medarbejdere i afdelingen endnu. Inviter dem med /inviter.",
        "<b>Kontaktteam of {name}</b>\n{status}\n\n"
        "There are no registered staff in the department yet. Invite them with /inviter.",
    ),
    "plans.team_added": ("{name} er nu i kontaktteamet.", "{name} is now on the kontaktteam."),
    "plans.team_removed": (
        "{name} er taget ud af kontaktteamet.",
        "{name} is taken off the kontaktteam.",
    ),
    "plans.team_not_eligible": (
        "{name} kan ikke komme i kontaktteamet: kun aktive, faste medarbejdere i beboerens "
        "afdeling.",
        "{name} cannot join the kontaktteam: only active permanent staff of the resident's "
        "department.",
    ),
    # --- python -m bot import goals (printed in the terminal: no HTML) -------------------------
    "plans.import_goal_type": (
        "»{value}« er ikke en måltype: brug udviklingsmaal, vedligeholdelsesmaal eller andet.",
        "“{value}” is not a goal type: use udviklingsmaal, vedligeholdelsesmaal or andet.",
    ),
    "plans.import_area": (
        "»{value}« er ikke et obligatorisk område: brug skole, sociale_relationer eller tomt.",
        "“{value}” is not a mandatory area: use skole, sociale_relationer or leave it empty.",
    ),
    "plans.import_frequency": (
        "»{value}« er ikke en scoringsfrekvens: brug daily, per_shift, weekly eller none.",
        "“{value}” is not a scoring frequency: use daily, per_shift, weekly or none.",
    ),
    "plans.import_sub_without_text": (
        "sub_goal_method og scoring_frequency kræver et delmål i sub_goal_text.",
        "sub_goal_method and scoring_frequency need a sub-goal in sub_goal_text.",
    ),
    "plans.import_goal_differs": (
        "Samme ref »{ref}« som på linje {line}, men målets felter er anderledes.",
        "The same ref “{ref}” as on line {line}, but the goal's fields differ.",
    ),
    "plans.import_duplicate_sub": (
        "Samme delmål som på linje {line}.",
        "The same sub-goal as on line {line}.",
    ),
    "plans.import_no_resident": (
        "Der er ingen beboer »{name}« født {birth}.",
        "There is no resident “{name}” born {birth}.",
    ),
    "plans.import_many_residents": (
        "Flere beboere hedder »{name}« og er født {birth}; ret dem først med /beboere.",
        "Several residents are called “{name}” and born {birth}; fix them first with /beboere.",
    ),
    "plans.import_moved_out": (
        "Beboeren »{name}« født {birth} er fraflyttet.",
        "The resident “{name}” born {birth} has moved out.",
    ),
    "plans.import_context_unknown": (
        "»{value}« er ikke en kontekst i planen (en aktiv dagbogstype eller et alias).",
        "“{value}” is not a plan context (an active diary type or an alias).",
    ),
    "plans.import_goal_ended": (
        "Målet med ref »{ref}« er afsluttet; der kan ikke tilføjes delmål til det.",
        "The goal with ref “{ref}” is ended; no sub-goals can be added to it.",
    ),
    "plans.import_summary": (
        "Mål: {created} oprettet, {updated} fik nye delmål, {unchanged} uændret. "
        "Delmål: {sub_goals} oprettet.",
        "Goals: {created} created, {updated} got new sub-goals, {unchanged} unchanged. "
        "Sub-goals: {sub_goals} created.",
    ),
    "plans.import_kept": (
        "Linje {line}: målet med ref »{ref}« findes allerede og er anderledes end i filen; det er "
        "ikke ændret (ret det med /maal).",
        "Line {line}: the goal with ref “{ref}” already exists and differs from the file; it was "
        "not changed (edit it with /maal).",
    ),
}
