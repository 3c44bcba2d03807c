"""Texts for the guided evaluation (/evaluer) and the hand-over to the journal."""

TEXTS: dict[str, tuple[str, str]] = {
    # The menu
    "evaluations.usage": (
        "Skriv beboerens navn efter kommandoen, fx <code>/evaluer Mia</code>.",
        "Write the resident's name after the command, e.g. <code>/evaluer Mia</code>.",
    ),
    "evaluations.none_found": (
        "Jeg fandt ingen beboer med det navn blandt dine beboere.",
        "I found no resident by that name among your residents.",
    ),
    "evaluations.choose_resident": ("Hvem mente du?", "Who did you mean?"),
    "evaluations.menu": (
        "🎯 <b>Evaluering – {resident}</b>\nVælg mål eller delmål:",
        "🎯 <b>Evaluation – {resident}</b>\nChoose a goal or sub-goal:",
    ),
    "evaluations.menu_empty": (
        "🎯 <b>Evaluering – {resident}</b>\nDer er ingen aktive mål. Opret dem med /maal.",
        "🎯 <b>Evaluation – {resident}</b>\nThere are no active goals. Create them with /maal.",
    ),
    "evaluations.menu_past": ("\n<b>Seneste evalueringer</b>", "\n<b>Latest evaluations</b>"),
    "evaluations.past_line": (
        "• {date} – {label} – {decision}{transferred}",
        "• {date} – {label} – {decision}{transferred}",
    ),
    "evaluations.past_transferred": (" ✅ overført", " ✅ transferred"),
    "evaluations.button_due": ("{label} (frist {date})", "{label} (due {date})"),
    "evaluations.button_mine": ("✏️ Kladde: {label}", "✏️ Draft: {label}"),
    "evaluations.button_held": ("🔒 {name}: {label}", "🔒 {name}: {label}"),
    "evaluations.button_past": ("📄 {date}: {label}", "📄 {date}: {label}"),
    # Drafts held by others, resume
    "evaluations.held_by": (
        "{name} er i gang med at evaluere dette (kladde fra {since}). Tal sammen først.",
        "{name} is evaluating this already (draft from {since}). Talk together first.",
    ),
    "evaluations.resumed": (
        "↩️ Du fortsætter din kladde fra {date}. Dine svar er gemt.",
        "↩️ You are continuing your draft from {date}. Your answers are saved.",
    ),
    "evaluations.draft_gone": (
        "Kladden findes ikke længere (den er gemt eller kasseret).",
        "The draft no longer exists (it was saved or discarded).",
    ),
    "evaluations.not_your_draft": (
        "Det er ikke din kladde.",
        "This is not your draft.",
    ),
    "evaluations.target_ended": (
        "Målet eller delmålet er afsluttet og kan ikke evalueres igen.",
        "The goal or sub-goal has ended and cannot be evaluated again.",
    ),
    "evaluations.step_passed": (
        "Den knap hører til et tidligere trin. Se den seneste besked.",
        "That button belongs to an earlier step. See the latest message.",
    ),
    "evaluations.use_buttons": (
        "Brug knapperne under den seneste besked.",
        "Use the buttons under the latest message.",
    ),
    "evaluations.not_complete": (
        "Evalueringen er ikke færdig endnu: besvar de sidste spørgsmål først.",
        "The evaluation is not finished yet: answer the last questions first.",
    ),
    "evaluations.kept": (
        "Evalueringen er sat på pause – dine svar er gemt i kladden. "
        "Fortsæt med /evaluer og beboerens navn.",
        "The evaluation is paused – your answers are saved in the draft. "
        "Continue with /evaluer and the resident's name.",
    ),
    # Evidence
    "evaluations.evidence": (
        "🎯 <b>{label}</b>\n{resident}\n\n<b>Grundlag {start}–{end}</b>\n"
        "Noter i delmålsdagbogen: {notes}\n"
        "Manglende arbejde med delmål: {missing}{missing_lines}{scores}{latest}",
        "🎯 <b>{label}</b>\n{resident}\n\n<b>Evidence {start}–{end}</b>\n"
        "Notes in the sub-goal diary: {notes}\n"
        "Missing work on sub-goals: {missing}{missing_lines}{scores}{latest}",
    ),
    "evaluations.evidence_scores": (
        "\nScores: {count} · seneste {latest} · gennemsnit {mean} · {trend}\nSvarprocent: {rate}",
        "\nScores: {count} · latest {latest} · mean {mean} · {trend}\nResponse rate: {rate}",
    ),
    "evaluations.evidence_no_scores": (
        "\nIngen scores for dette mål.",
        "\nNo scores for this goal.",
    ),
    "evaluations.evidence_low_rate": (
        "\n⚠️ <b>Svarprocenten er under {threshold} %: scorerne kan ikke bære evalueringen "
        "alene.</b> Læg vægt på noterne, og husk at score fremover.",
        "\n⚠️ <b>The response rate is below {threshold} %: the scores cannot carry the "
        "evaluation on their own.</b> Rely on the notes, and remember to score from now on.",
    ),
    "evaluations.evidence_latest": (
        "\n\n<b>Seneste noter</b>\n{notes}",
        "\n\n<b>Latest notes</b>\n{notes}",
    ),
    "evaluations.evidence_note": ("• {date}, {author}: {text}", "• {date}, {author}: {text}"),
    "evaluations.chart_title": ("Scores {start}–{end}", "Scores {start}–{end}"),
    "evaluations.chart_mean": ("Gennemsnit", "Mean"),
    "evaluations.chart_empty": ("Ingen scores i perioden", "No scores in the period"),
    "evaluations.chart_caption": (
        "Scores for {label} ({start}–{end})",
        "Scores for {label} ({start}–{end})",
    ),
    # The questions
    "evaluations.ask_date": (
        "<b>1. Dato for evaluering</b>\nTryk »I dag« eller skriv datoen (fx 20.11.2026).",
        "<b>1. Date of evaluation</b>\nPress “Today” or type the date (e.g. 20.11.2026).",
    ),
    "evaluations.ask_progress": (
        "<b>2. Hvordan går det med at nå målet/delmålet?</b>",
        "<b>2. How is it going with reaching the goal/sub-goal?</b>",
    ),
    "evaluations.ask_effect": (
        "<b>3. Hvilken virkning har indsatsen for barnet/den unge?</b>",
        "<b>3. What effect does the effort have for the child/young person?</b>",
    ),
    "evaluations.ask_methods": (
        "<b>4. Refleksioner over metoder/fremgangsmåde</b>",
        "<b>4. Reflections on methods/approach</b>",
    ),
    "evaluations.ask_changes": (
        "<b>5. Giver evalueringen anledning til ændringer i mål, delmål, metode eller "
        "fremgangsmåde?</b>",
        "<b>5. Does the evaluation lead to changes in goal, sub-goal, method or approach?</b>",
    ),
    "evaluations.ask_participation": (
        "<b>Hvordan deltog barnet/den unge og/eller forældre/værge i evalueringen?</b>",
        "<b>How did the child/young person and/or parents/guardian take part?</b>",
    ),
    "evaluations.ask_decision": (
        "<b>Beslutning</b>\nSkal målet/delmålet fortsætte, justeres eller afsluttes?",
        "<b>Decision</b>\nShould the goal/sub-goal continue, be adjusted or end?",
    ),
    "evaluations.ask_adjust_text": (
        "<b>Justér teksten</b>\nNu: <i>{text}</i>\nSkriv den nye tekst, eller behold den.",
        "<b>Adjust the text</b>\nNow: <i>{text}</i>\nType the new text, or keep it.",
    ),
    "evaluations.ask_adjust_method": (
        "<b>Justér fremgangsmåde og metode</b>\nNu: <i>{text}</i>\n"
        "Skriv den nye, eller behold den.",
        "<b>Adjust approach and method</b>\nNow: <i>{text}</i>\nType the new one, or keep it.",
    ),
    "evaluations.ask_next_date": (
        "<b>Næste evaluering</b>\nForslag: {date} (højst 3 måneder). Tryk for at bruge "
        "forslaget, eller skriv en anden dato.",
        "<b>Next evaluation</b>\nSuggested: {date} (at most 3 months). Press to use it, "
        "or type another date.",
    ),
    "evaluations.summary": (
        "📋 <b>Opsummering</b> – tjek og gem\n\n{text}",
        "📋 <b>Summary</b> – check and save\n\n{text}",
    ),
    "evaluations.summary_adjusted": (
        "\nNy tekst: {text}",
        "\nNew text: {text}",
    ),
    "evaluations.summary_adjusted_method": (
        "\nNy metode: {text}",
        "\nNew method: {text}",
    ),
    "evaluations.answer_empty": (
        "Svaret må ikke være tomt. Skriv et par ord, eller »ingen«.",
        "The answer cannot be empty. Write a few words, or “none”.",
    ),
    "evaluations.answer_too_long": (
        "Svaret er for langt: højst {limit} tegn.",
        "The answer is too long: at most {limit} characters.",
    ),
    "evaluations.date_before_period": (
        "Evalueringsdatoen kan ikke ligge før perioden, der evalueres (fra {start}).",
        "The evaluation date cannot be before the period being evaluated (from {start}).",
    ),
    "evaluations.date_in_future": (
        "Evalueringsdatoen kan ikke ligge i fremtiden.",
        "The evaluation date cannot be in the future.",
    ),
    # Buttons
    "evaluations.button_today": ("I dag ({date})", "Today ({date})"),
    "evaluations.button_keep": ("Behold", "Keep"),
    "evaluations.button_next": ("Brug {date}", "Use {date}"),
    "evaluations.button_save": ("💾 Gem evaluering", "💾 Save evaluation"),
    "evaluations.button_discard": ("🗑 Kassér kladde", "🗑 Discard draft"),
    "evaluations.button_transfer": ("📥 Overført til journal", "📥 Transferred to journal"),
    "evaluations.discarded": (
        "🗑 Kladden er kasseret. Intet er gemt.",
        "🗑 The draft is discarded. Nothing was saved.",
    ),
    "evaluations.saved": (
        "✅ <b>Evalueringen er gemt.</b> Teksten herunder passer ind i journalens "
        "evalueringsboks; den kommer også som Word-fil.",
        "✅ <b>The evaluation is saved.</b> The text below fits the journal's evaluation "
        "box; it also comes as a Word file.",
    ),
    "evaluations.journal_text": ("{text}", "{text}"),
    "evaluations.docx_name": (
        "evaluering-{resident}-{date}.docx",
        "evaluation-{resident}-{date}.docx",
    ),
    "evaluations.transferred": (
        "✅ Overført til journal af {name} {date} kl. {time}.",
        "✅ Transferred to the journal by {name} on {date} at {time}.",
    ),
    # The journal text (plain text, no HTML)
    "journal.title": ("Evaluering af mål og delmål", "Evaluation of goals and sub-goals"),
    "journal.resident": ("Beboer", "Resident"),
    "journal.date": ("Dato for evaluering", "Date of evaluation"),
    "journal.progress": (
        "Hvordan det går med at nå målet/delmålet",
        "How it is going with reaching the goal/sub-goal",
    ),
    "journal.effect": ("Virkning for barnet/den unge", "Effect for the child/young person"),
    "journal.methods": (
        "Refleksioner over metoder/fremgangsmåde",
        "Reflections on methods/approach",
    ),
    "journal.changes": (
        "Om evalueringen giver anledning til ændringer i mål, delmål, metode eller fremgangsmåde",
        "Whether the evaluation leads to changes in goal, sub-goal, method or approach",
    ),
    "journal.participation": (
        "Barnets/den unges og forældres/værges deltagelse",
        "Participation of the child/young person and parents/guardian",
    ),
    "journal.decision": ("Beslutning", "Decision"),
    "journal.next_evaluation": ("Næste evaluering", "Next evaluation"),
    "journal.no_next_evaluation": ("Ingen – målet afsluttes", "None – the goal ends"),
    "journal.quantitative": ("Kvantitativt grundlag", "Quantitative basis"),
    "journal.period": ("Periode", "Period"),
    "journal.note_count": ("Noter i delmålsdagbogen", "Notes in the sub-goal diary"),
    "journal.missing_work": ("Manglende arbejde med delmål", "Missing work on sub-goals"),
    "journal.score_count": ("Antal scores", "Number of scores"),
    "journal.latest_score": ("Seneste score", "Latest score"),
    "journal.mean_score": ("Gennemsnit", "Mean"),
    "journal.trend": ("Udvikling", "Trend"),
    "journal.response_rate": ("Svarprocent", "Response rate"),
    "journal.low_rate_warning": (
        "Svarprocenten er under {threshold} %, så scorerne kan ikke alene bære evalueringen.",
        "The response rate is below {threshold} %, so the scores alone cannot carry the "
        "evaluation.",
    ),
    "journal.no_scores": ("Ingen scoring af dette mål", "No scoring of this goal"),
    "journal.not_available": ("ikke relevant", "not applicable"),
    "journal.decision_fortsaet": ("Fortsæt", "Continue"),
    "journal.decision_juster": ("Justér", "Adjust"),
    "journal.decision_afslut": ("Afslut", "End"),
    "journal.trend_for_faa": ("for få scores til at vurdere", "too few scores to tell"),
    "journal.trend_stigende": ("stigende", "rising"),
    "journal.trend_faldende": ("faldende", "falling"),
    "journal.trend_stabil": ("stabil", "stable"),
}
