"""Texts for goals, sub-goals, indicator scores and evaluations."""

TEXTS: dict[str, tuple[str, str]] = {
    "goals.text_empty": (
        "Teksten må ikke være tom. Skriv den igen.",
        "The text cannot be empty. Please write it again.",
    ),
    "goals.text_too_long": (
        "Teksten er for lang: højst {limit} tegn.",
        "The text is too long: at most {limit} characters.",
    ),
    "goals.rationale_too_long": (
        "Begrundelsen er for lang: højst {limit} tegn.",
        "The rationale is too long: at most {limit} characters.",
    ),
    "goals.end_before_start": (
        "Slutdatoen skal ligge efter startdatoen.",
        "The end date must come after the start date.",
    ),
    "goals.interval_format": (
        "Jeg forstod ikke intervallet »{value}«. Skriv fx »3 måneder« eller »6 uger«.",
        "I did not understand the interval “{value}”. Write e.g. “3 months” or “6 weeks”.",
    ),
    "goals.interval_too_short": (
        "Intervallet skal være mindst 1 uge.",
        "The interval must be at least 1 week.",
    ),
    "goals.interval_too_long": (
        "Mål og delmål evalueres mindst hver 3. måned: højst 3 måneder (13 uger).",
        "Goals and sub-goals are evaluated at least every 3rd month: at most 3 months (13 weeks).",
    ),
    "goals.next_date_past": (
        "Næste evaluering kan ikke ligge før evalueringsdatoen {evaluated_on}.",
        "The next evaluation cannot be before the evaluation date {evaluated_on}.",
    ),
    "goals.next_date_too_late": (
        "Næste evaluering skal ligge senest {latest} (højst 3 måneder).",
        "The next evaluation must be no later than {latest} (at most 3 months).",
    ),
    "scores.off_scale": (
        "Scoren skal være mellem {low} og {high}.",
        "The score must be between {low} and {high}.",
    ),
}
TEXTS.update(
    {
        "plans.not_owner": (
            "Det er kun beboerens kontaktteam og afdelingens ledere, der arbejder med målene.",
            "Only the resident's kontaktteam and the department's leaders work on the goals.",
        ),
        "plans.not_leader": (
            "Det er kun afdelingens ledere, der vælger kontaktteamet.",
            "Only the department's leaders choose the kontaktteam.",
        ),
    }
)
