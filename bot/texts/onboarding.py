"""Texts for substitute onboarding: /tjekliste, briefs, /vikarer and the substitute's invite."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- errors and refusals (bot.services.onboarding) ---
    "onboarding.leaders_only": (
        "Kun ledere kan se vikarerne og tjeklisten.",
        "Only leaders can see the substitutes and the checklist.",
    ),
    "onboarding.not_substitute": (
        "Tjeklisten og beboer-briefs er for vikarer. Ledere ser vikarerne med /vikarer.",
        "The checklist and resident briefs are for substitutes. Leaders see them with /vikarer.",
    ),
    "onboarding.no_checklist": (
        "Du har ingen tjekliste. Den kommer med en vikar-invitation fra din leder.",
        "You have no checklist. It comes with a substitute invite from your leader.",
    ),
    "onboarding.leader_step": (
        "Det trin bekræfter din leder.",
        "Your leader confirms that step.",
    ),
    "onboarding.substitute_step": (
        "Det trin udfører vikaren selv.",
        "The substitute completes that step.",
    ),
    "onboarding.brief_step": (
        "Det trin er udført, når du har trykket Læst på briefen om hver af dine beboere.",
        "That step is done once you have pressed Read on the brief of each of your residents.",
    ),
    "onboarding.already_done": (
        "Det trin er allerede udført ({date}, {name}).",
        "That step is already done ({date}, {name}).",
    ),
    "onboarding.brief_locked": (
        "Briefen åbner, når disse trin er udført: {steps}.",
        "The brief opens once these steps are done: {steps}.",
    ),
    "onboarding.already_ended": (
        "{name}s adgang er allerede afsluttet.",
        "{name}'s access has already ended.",
    ),
    "onboarding.end_in_past": (
        "Den sidste dag med adgang kan ikke ligge før i dag.",
        "The last day of access cannot be before today.",
    ),
    "onboarding.end_before_start": (
        "Den sidste dag med adgang kan ikke ligge før startdatoen.",
        "The last day of access cannot be before the start date.",
    ),
    "onboarding.end_too_far": (
        "Adgang kan gives for højst et år ad gangen. Forlæng den senere.",
        "Access can be given for at most a year at a time. Extend it later.",
    ),
    "onboarding.start_too_early": (
        "Startdatoen kan højst ligge {days} dage tilbage.",
        "The start date can be at most {days} days ago.",
    ),
    "onboarding.start_too_late": (
        "Startdatoen kan højst ligge et år frem.",
        "The start date can be at most a year ahead.",
    ),
    "onboarding.no_residents": (
        "Vælg mindst én beboer, vikaren skal arbejde med.",
        "Choose at least one resident the substitute will work with.",
    ),
    "onboarding.resident_gone": (
        "En af beboerne bor her ikke længere. Start forfra med /inviter.",
        "One of the residents no longer lives here. Start again with /inviter.",
    ),
    "onboarding.resident_other_department": (
        "{name} bor ikke i den afdeling, vikaren inviteres til.",
        "{name} does not live in the department the substitute is invited to.",
    ),
    "onboarding.invite_not_for_staff": (
        "Den invitation er til en vikar, og du er allerede fastansat. Bed din leder om en "
        "almindelig invitation.",
        "That invite is for a substitute, and you are already permanent staff. Ask your leader "
        "for a regular invite.",
    ),
    "onboarding.cli_no_department": (
        "Afdelingen »{name}« findes ikke.",
        "The department '{name}' does not exist.",
    ),
    "onboarding.cli_no_resident": (
        "Ingen beboer ved navn »{name}« bor i afdelingen.",
        "No resident named '{name}' lives in the department.",
    ),
    "onboarding.cli_ambiguous": (
        "Flere beboere i afdelingen hedder »{name}«. Inviter fra chatten med /inviter.",
        "Several residents in the department are named '{name}'. Invite from the chat with "
        "/inviter.",
    ),
    # --- CSV import (messages for the command line; English is what it prints) ---
    "onboarding.import_flag": (
        "skriv ja eller nej (ikke »{value}«)",
        "write yes or no (not '{value}')",
    ),
    "onboarding.import_number": (
        "»{value}« skal være et helt tal fra {low} til {high}",
        "'{value}' must be a whole number from {low} to {high}",
    ),
    "onboarding.import_code": (
        "code »{value}«: brug små bogstaver a-z, tal og _ (højst {limit} tegn)",
        "code '{value}': use lower-case a-z, digits and _ (at most {limit} characters)",
    ),
    "onboarding.import_title": (
        "title mangler eller er for lang (højst {limit} tegn)",
        "title is missing or too long (at most {limit} characters)",
    ),
    "onboarding.import_description": (
        "description er for lang (højst {limit} tegn)",
        "description is too long (at most {limit} characters)",
    ),
    "onboarding.import_owner": (
        "owner skal være vikar eller leder (ikke »{value}«)",
        "owner must be vikar or leder (not '{value}')",
    ),
    "onboarding.import_kind": (
        "kind skal være task eller brief (ikke »{value}«)",
        "kind must be task or brief (not '{value}')",
    ),
    "onboarding.import_brief_kind": (
        "et brief-trin udføres af vikaren, gentages ikke og kan ikke åbne briefs",
        "a brief step is done by the substitute, does not recur and cannot open the briefs",
    ),
    "onboarding.import_repeated": (
        "samme code som linje {line}",
        "the same code as line {line}",
    ),
    "onboarding.import_empty": (
        "filen har ingen trin",
        "the file has no steps",
    ),
    "onboarding.import_too_many": (
        "højst {limit} trin",
        "at most {limit} steps",
    ),
    # --- /tjekliste ---
    "onboarding.checklist": (
        "<b>Din tjekliste</b>\nStart {start} · {access}\n\n{steps}\n\n{briefs}",
        "<b>Your checklist</b>\nStart {start} · {access}\n\n{steps}\n\n{briefs}",
    ),
    "onboarding.checklist_of": (
        "<b>{name}s tjekliste</b>{agency}\nStart {start} · {access}\n\n{steps}\n\n{briefs}",
        "<b>{name}'s checklist</b>{agency}\nStart {start} · {access}\n\n{steps}\n\n{briefs}",
    ),
    "onboarding.agency_mark": (" (bureauvikar)", " (agency)"),
    "onboarding.access_until": (
        "adgang til og med {date}",
        "access up to and including {date}",
    ),
    "onboarding.access_open": ("adgang uden slutdato", "access with no end date"),
    "onboarding.access_over": (
        "adgangen sluttede {date}",
        "access ended {date}",
    ),
    "onboarding.step_done": (
        "✅ {number}. {title}, udført {date} ({name})",
        "✅ {number}. {title}, done {date} ({name})",
    ),
    "onboarding.step_overdue": (
        "❗ {number}. <b>{title}</b>, frist {date} ({days} dage over)",
        "❗ {number}. <b>{title}</b>, due {date} ({days} days late)",
    ),
    "onboarding.step_due_today": (
        "⏰ {number}. <b>{title}</b>, frist i dag",
        "⏰ {number}. <b>{title}</b>, due today",
    ),
    "onboarding.step_upcoming": (
        "◻️ {number}. {title}, frist {date}",
        "◻️ {number}. {title}, due {date}",
    ),
    "onboarding.step_waiting_leader": ("  ↳ venter på lederen", "  ↳ waiting for the leader"),
    "onboarding.step_brief_hint": (
        "  ↳ udføres, når du har trykket Læst på hver brief",
        "  ↳ done once you have pressed Read on each brief",
    ),
    "onboarding.step_gates": (
        "  ↳ skal være udført, før briefs åbner",
        "  ↳ must be done before the briefs open",
    ),
    "onboarding.no_steps": ("Ingen trin.", "No steps."),
    "onboarding.briefs_open": (
        "<b>Briefs om dine beboere</b> (kun læsning):\n{residents}",
        "<b>Briefs on your residents</b> (read-only):\n{residents}",
    ),
    "onboarding.briefs_locked": (
        "<b>Briefs om dine beboere</b> åbner, når trin {numbers} er udført:\n{residents}",
        "<b>Briefs on your residents</b> open once steps {numbers} are done:\n{residents}",
    ),
    "onboarding.briefs_open_of": (
        "<b>Briefs om vikarens beboere</b>:\n{residents}",
        "<b>Briefs on the substitute's residents</b>:\n{residents}",
    ),
    "onboarding.briefs_locked_of": (
        "<b>Briefs om vikarens beboere</b> åbner, når trin {numbers} er udført:\n{residents}",
        "<b>Briefs on the substitute's residents</b> open once steps {numbers} are done:\n"
        "{residents}",
    ),
    "help.substitute": (
        "<b>Som vikar</b>\n"
        "/tjekliste – dine trin, og briefs om de beboere, du skal arbejde med\n"
        "Noter skriver du som alle andre: navn, type og tekst i én besked, fx\n"
        "<i>mia komm pegede på saft ved frokost</i> (kun om dine beboere)\n"
        "/mine – dine seneste noter\n"
        "/paamindelser – dine frister\n"
        "/indstillinger – hvornår du får påmindelser\n"
        "/hjaelp – hjælp",
        "<b>As a substitute</b>\n"
        "/tjekliste – your steps, and briefs on the residents you will work with\n"
        "Write notes like everyone else: name, type and text in one message, e.g.\n"
        "<i>mia komm pointed at juice at lunch</i> (only about your residents)\n"
        "/mine – your latest notes\n"
        "/paamindelser – your deadlines\n"
        "/indstillinger – when you get reminders\n"
        "/hjaelp – help",
    ),
    "onboarding.brief_resident_read": (
        "• {name}: læst {date}",
        "• {name}: read {date}",
    ),
    "onboarding.brief_resident_unread": ("• {name}: ikke læst", "• {name}: not read"),
    "onboarding.no_residents_assigned": (
        "Du er ikke tilknyttet nogen beboere endnu.",
        "You are not assigned to any residents yet.",
    ),
    "onboarding.btn_done": ("✓ {number}. {title}", "✓ {number}. {title}"),
    "onboarding.btn_confirm": ("✓ Bekræft {number}. {title}", "✓ Confirm {number}. {title}"),
    "onboarding.btn_brief": ("📄 {name}", "📄 {name}"),
    "onboarding.btn_read": ("✓ Læst", "✓ Read"),
    "onboarding.btn_checklist": ("Tjekliste", "Checklist"),
    "onboarding.ticked": ("Udført ✓", "Done ✓"),
    "onboarding.ticked_next": (
        "Udført ✓ Næste gang: {date}",
        "Done ✓ Next time: {date}",
    ),
    # --- briefs ---
    "onboarding.brief": (
        "<b>Brief: {name}</b> (kun læsning)\n\n<b>Mål og delmål</b>\n{goals}\n\n"
        "<b>Seneste noter om kommunikation og indflydelse på eget liv</b>\n{notes}\n\n{read}",
        "<b>Brief: {name}</b> (read-only)\n\n<b>Goals and sub-goals</b>\n{goals}\n\n"
        "<b>Latest notes on communication and influence on own life</b>\n{notes}\n\n{read}",
    ),
    "onboarding.brief_goal": ("🎯 {text}", "🎯 {text}"),
    "onboarding.brief_sub_goal": ("  • {text}", "  • {text}"),
    "onboarding.brief_method": ("    <i>Metode:</i> {method}", "    <i>Method:</i> {method}"),
    "onboarding.brief_no_goals": ("Ingen aktuelle mål.", "No current goals."),
    "onboarding.brief_note": (
        "• <i>{type}, {date}:</i> {text}",
        "• <i>{type}, {date}:</i> {text}",
    ),
    "onboarding.brief_no_notes": ("Ingen noter endnu.", "No notes yet."),
    "onboarding.brief_unread": (
        "Tryk <b>Læst</b>, når du har læst briefen.",
        "Press <b>Read</b> when you have read the brief.",
    ),
    "onboarding.brief_was_read": (
        "Du bekræftede, at du læste briefen {date}.",
        "You confirmed reading the brief {date}.",
    ),
    "onboarding.read_recorded": ("Læst ✓ (registreret)", "Read ✓ (recorded)"),
    "onboarding.read_all": (
        "Læst ✓ Du har læst alle briefs: overleveringen er udført.",
        "Read ✓ You have read every brief: the handover is done.",
    ),
    # --- /vikarer ---
    "onboarding.substitutes": (
        "<b>Vikarer</b>\n\n{lines}",
        "<b>Substitutes</b>\n\n{lines}",
    ),
    "onboarding.no_substitutes": (
        "Der er ingen vikarer i dine afdelinger. Inviter en med /inviter.",
        "There are no substitutes in your departments. Invite one with /inviter.",
    ),
    "onboarding.substitute_line": (
        "{number}. <b>{name}</b>{agency}: {done}/{total} trin · {access}{late}{waiting}",
        "{number}. <b>{name}</b>{agency}: {done}/{total} steps · {access}{late}{waiting}",
    ),
    "onboarding.substitute_late": (
        "\n   ❗ {count} forfaldne: {titles}",
        "\n   ❗ {count} overdue: {titles}",
    ),
    "onboarding.substitute_waiting": (
        "\n   ↳ venter på dig: {titles}",
        "\n   ↳ waiting for you: {titles}",
    ),
    "onboarding.btn_substitute": ("{number}. {name}", "{number}. {name}"),
    "onboarding.btn_template": ("Tjeklistens trin", "The checklist's steps"),
    "onboarding.btn_extend_week": ("Forlæng 1 uge", "Extend 1 week"),
    "onboarding.btn_extend_month": ("Forlæng 1 måned", "Extend 1 month"),
    "onboarding.btn_end": ("Afslut adgang", "End access"),
    "onboarding.btn_end_confirm": ("Ja, afslut adgangen nu", "Yes, end access now"),
    "onboarding.btn_back": ("« Vikarer", "« Substitutes"),
    "onboarding.confirm_end": (
        "Afslut {name}s adgang nu? Fra i dag ser {name} intet i botten.",
        "End {name}'s access now? From today {name} sees nothing in the bot.",
    ),
    "onboarding.extended": (
        "{name} har nu adgang til og med {date}.",
        "{name} now has access up to and including {date}.",
    ),
    "onboarding.ended": (
        "{name}s adgang er afsluttet.",
        "{name}'s access has ended.",
    ),
    "onboarding.told_extended": (
        "Din adgang til Dagbogsbot er forlænget til og med {date}.",
        "Your access to Dagbogsbot is extended up to and including {date}.",
    ),
    "onboarding.told_ended": (
        "Din adgang til Dagbogsbot er afsluttet af din leder. Tak for din indsats!",
        "Your access to Dagbogsbot has been ended by your leader. Thank you for your work!",
    ),
    "onboarding.template": (
        "<b>Tjeklisten for nye vikarer</b>\n(ændres med <code>python -m bot import onboarding "
        "FIL.csv</code>)\n\n{lines}",
        "<b>The checklist for new substitutes</b>\n(changed with <code>python -m bot import "
        "onboarding FILE.csv</code>)\n\n{lines}",
    ),
    "onboarding.template_line": (
        "{number}. <b>{title}</b>: {owner}, dag {days}{flags}\n   {description}",
        "{number}. <b>{title}</b>: {owner}, day {days}{flags}\n   {description}",
    ),
    "onboarding.owner_vikar": ("vikaren", "the substitute"),
    "onboarding.owner_leder": ("lederen bekræfter", "the leader confirms"),
    "onboarding.flag_gates": (", åbner briefs", ", opens the briefs"),
    "onboarding.flag_recurs": (", hver {months}. måned", ", every {months} months"),
    "onboarding.flag_agency": (", kun bureauvikarer", ", agency substitutes only"),
    # --- the substitute's invite ---
    "onboarding.ask_start": (
        "Vikar i <b>{department}</b>. Hvornår starter vikaren? Vælg en dag, eller skriv en "
        "dato (fx 1.12).",
        "Substitute in <b>{department}</b>. When does the substitute start? Pick a day, or "
        "type a date (e.g. 1.12).",
    ),
    "onboarding.ask_residents": (
        "Start {start}. Hvilke beboere skal vikaren arbejde med? Tryk for at vælge, og tryk "
        "Videre.",
        "Start {start}. Which residents will the substitute work with? Press to choose, then "
        "press Next.",
    ),
    "onboarding.ask_agency": (
        "Kommer vikaren fra et vikarbureau?",
        "Does the substitute come from an agency?",
    ),
    "onboarding.ask_end": (
        "Hvor længe skal adgangen vare? Vælg, eller skriv den sidste dag (fx 31.12).",
        "How long should access last? Choose, or type the last day (e.g. 31.12).",
    ),
    "onboarding.btn_today": ("I dag", "Today"),
    "onboarding.btn_next": ("Videre »", "Next »"),
    "onboarding.btn_yes_agency": ("Ja, bureau", "Yes, agency"),
    "onboarding.btn_no_agency": ("Nej", "No"),
    "onboarding.btn_weeks": ("{count} uger", "{count} weeks"),
    "onboarding.btn_months": ("{count} mdr.", "{count} months"),
    "onboarding.invite_created": (
        "Invitation til en <b>vikar</b> i <b>{department}</b>:\n"
        "Start {start}, adgang til og med {end}{agency}\nBeboere: {residents}\n\n"
        "Send linket til vikaren. Det virker én gang og udløber {expires}:\n{link}\n\n"
        "Eller vikaren kan sende botten /start {code}",
        "Invite for a <b>substitute</b> in <b>{department}</b>:\n"
        "Start {start}, access up to and including {end}{agency}\nResidents: {residents}\n\n"
        "Send the link to the substitute. It works once and expires {expires}:\n{link}\n\n"
        "Or the substitute can send the bot /start {code}",
    ),
    "onboarding.invite_agency": (", bureauvikar", ", agency"),
    "onboarding.invite_expired_flow": (
        "Den invitation er ikke i gang længere. Start forfra med /inviter.",
        "That invite is no longer in progress. Start again with /inviter.",
    ),
    "onboarding.no_residents_department": (
        "Der bor ingen beboere i {department} endnu.",
        "No residents live in {department} yet.",
    ),
    "onboarding.welcome": (
        "Her er din tjekliste. Den finder du altid med /tjekliste.",
        "Here is your checklist. You can always find it with /tjekliste.",
    ),
    # --- reminders (bot.reminders.onboarding) ---
    "reminders.onboarding_step": (
        "Tjekliste: {step}",
        "Checklist: {step}",
    ),
    "reminders.onboarding_confirm": (
        "Vikar, bekræft: {step}",
        "Substitute, confirm: {step}",
    ),
    "reminders.access_ends": (
        "Din adgang slutter efter {date}",
        "Your access ends after {date}",
    ),
    "reminders.btn_step": ("{number}. Udført", "{number}. Done"),
    "reminders.step_done": (
        "✅ {title} er udført ({name}).",
        "✅ {title} is done ({name}).",
    ),
    "reminders.weekly_substitute": (
        "<b>Vikar {name}</b>",
        "<b>Substitute {name}</b>",
    ),
}
