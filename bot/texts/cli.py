"""Texts for the command line and the CSV imports (printed in the terminal, so no HTML)."""

TEXTS: dict[str, tuple[str, str]] = {
    "error.no_department": (
        "Der er ingen afdeling, der hedder {name}.",
        "There is no department called {name}.",
    ),
    "error.team_meeting_every": (
        "Teammøder kan holdes hver uge op til hver {max}. uge.",
        "Team meetings can be every week up to every {max} weeks.",
    ),
    "import.empty_file": (
        "Filen er tom: første linje skal være overskriften {expected}.",
        "The file is empty: the first line must be the header {expected}.",
    ),
    "import.missing_columns": (
        "Overskriften mangler kolonnen/kolonnerne {columns}. Forventet: {expected}.",
        "The header lacks the column(s) {columns}. Expected: {expected}.",
    ),
    "import.unknown_columns": (
        "Ukendt kolonne/kolonner i overskriften: {columns}. Tilladt: {allowed}.",
        "Unknown column(s) in the header: {columns}. Allowed: {allowed}.",
    ),
    "import.repeated_column": (
        "Kolonnen {column} står to gange i overskriften.",
        "The column {column} appears twice in the header.",
    ),
    "import.field_count": (
        "Rækken har {found} felter, men overskriften har {expected}.",
        "The row has {found} fields, but the header has {expected}.",
    ),
    "import.required": ("skal udfyldes.", "must be filled in."),
    "import.date_format": (
        "»{value}« er ikke en dato på formen ÅÅÅÅ-MM-DD (fx 2012-05-17).",
        "“{value}” is not a date in the form YYYY-MM-DD (e.g. 2012-05-17).",
    ),
    "import.too_long": (
        "er for lang (højst {limit} tegn).",
        "is too long (at most {limit} characters).",
    ),
    "import.duplicate_resident": (
        "Samme beboer (afdeling, navn og fødselsdato) som på linje {line}.",
        "The same resident (department, name and date of birth) as on line {line}.",
    ),
    "import.duplicate_type": (
        "Samme dagbogstype som på linje {line}.",
        "The same diary type as on line {line}.",
    ),
    "import.alias_taken": (
        "Aliasset »{alias}« hører allerede til dagbogstypen »{owner}«.",
        "The alias “{alias}” already belongs to the diary type “{owner}”.",
    ),
    "import.alias_in_file": (
        "Aliasset »{alias}« er også givet til »{owner}« på linje {line}.",
        "The alias “{alias}” is also given to “{owner}” on line {line}.",
    ),
}
