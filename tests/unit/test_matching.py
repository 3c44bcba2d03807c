"""Resolve residents and diary types from quick notes: folding, prefixes, typos, ambiguity."""

from __future__ import annotations

import pytest

from bot.domain.matching import (
    DEFAULT_DIARY_TYPES,
    MAX_CANDIDATES,
    MIN_PREFIX_LETTERS,
    MIN_TYPO_LETTERS,
    MIN_WEAK_TYPO_LETTERS,
    NO_MATCH,
    NOTE_WORDS,
    PREFIX_SCORE,
    RESIDENT_MAX_WORDS,
    SURE_MARGIN,
    SURE_MIN_SCORE,
    TYPE_MAX_WORDS,
    TYPO_SCORE,
    WEAK_TYPO_SCORE,
    Candidate,
    CandidateIndex,
    QuickNote,
    Resolution,
    fold,
    parse_quick_note,
)

# --- fixtures --------------------------------------------------------------------------------

DEPARTMENT = (
    "Mia",
    "Mie",
    "Søren",
    "Åse",
    "Ali B.",
    "Anne Sofie",
    "Oliver",
    "Olivia",
    "Ida",
    "Bo",
)
RESIDENTS = tuple(Candidate(id=i, name=name) for i, name in enumerate(DEPARTMENT, start=1))
BY_NAME = {c.name: c for c in RESIDENTS}

# Another department: its residents must never be matched from this one's index.
OTHER_DEPARTMENT = (
    Candidate(id=101, name="Karla"),
    Candidate(id=102, name="Mia"),
    Candidate(id=103, name="Sebastian"),
)

TYPES = tuple(
    Candidate(id=i, name=name, aliases=aliases)
    for i, (name, aliases) in enumerate(DEFAULT_DIARY_TYPES, start=1)
)
TYPE_BY_NAME = {c.name: c for c in TYPES}

KOMM = "Kommunikationsforhold"
IPEL = "Indflydelse på eget liv"
FOELELSER = "Følelses- og adfærdsmæssige forhold"


@pytest.fixture(scope="module")
def residents() -> CandidateIndex:
    return CandidateIndex(RESIDENTS)


@pytest.fixture(scope="module")
def types() -> CandidateIndex:
    return CandidateIndex(TYPES)


def names(resolution: Resolution) -> list[str]:
    return [c.name for c in resolution.candidates]


# --- constants -------------------------------------------------------------------------------


def test_rule_constants_have_the_agreed_values() -> None:
    assert (MAX_CANDIDATES, RESIDENT_MAX_WORDS, TYPE_MAX_WORDS) == (5, 3, 4)
    assert (MIN_PREFIX_LETTERS, MIN_TYPO_LETTERS, MIN_WEAK_TYPO_LETTERS) == (3, 4, 3)
    # A prefix next to a typo is too close to call; a typo next to a weak typo is not.
    assert PREFIX_SCORE - TYPO_SCORE < SURE_MARGIN <= TYPO_SCORE - WEAK_TYPO_SCORE
    assert WEAK_TYPO_SCORE < SURE_MIN_SCORE <= TYPO_SCORE


# --- fold ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Mia", "mia", id="lower"),
        pytest.param("Søren", "soeren", id="oe"),
        pytest.param("Åse", "aase", id="aa-capital"),
        pytest.param("ÆØÅ æøå", "aeoeaa aeoeaa", id="all-danish"),
        pytest.param("A\u030ase", "aase", id="decomposed-ring"),
        pytest.param("Müller Jönsson Bär", "mueller joensson baer", id="german-swedish"),
        pytest.param("Café Noël", "cafe noel", id="accents-stripped"),
        pytest.param("Ali B.", "ali b", id="punctuation"),
        pytest.param(
            "Følelses- og  adfærdsmæssige\nforhold",
            "foelelses og adfaerdsmaessige forhold",
            id="hyphen-spaces-newline",
        ),
        pytest.param("  😀 hej!! ", "hej", id="emoji-and-strip"),
        pytest.param("2. klasse_b", "2 klasse b", id="digits-underscore"),
        pytest.param("", "", id="empty"),
        pytest.param(" -.- ", "", id="only-punctuation"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


# --- diary types -----------------------------------------------------------------------------

BRIEF_TYPE_NAMES = (
    "Familieforhold",
    "Sundhedsforhold",
    "Kommunikationsforhold",
    "Indflydelse på eget liv",
    "Følelses- og adfærdsmæssige forhold",
    "Identitetsforhold",
    "Selvstændighedsforhold",
    "Skoleforhold",
    "Fritidsforhold",
    "Venskabsforhold",
    "Magtanvendelse",
    "Manglende arbejde med delmål",
)


def test_default_diary_types_are_the_twelve() -> None:
    assert tuple(name for name, _ in DEFAULT_DIARY_TYPES) == BRIEF_TYPE_NAMES


def test_every_type_name_and_alias_folds_uniquely() -> None:
    keys = [fold(text) for name, aliases in DEFAULT_DIARY_TYPES for text in (name, *aliases)]
    assert all(keys)
    assert len(keys) == len(set(keys))


def test_no_alias_is_an_everyday_note_word() -> None:
    aliases = {fold(a) for _, aliases in DEFAULT_DIARY_TYPES for a in aliases}
    assert not aliases & NOTE_WORDS
    assert not aliases & {"var", "har", "i dag", "god", "glad"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(name, name) for name in BRIEF_TYPE_NAMES]
    + [(alias, name) for name, aliases in DEFAULT_DIARY_TYPES for alias in aliases]
    + [
        ("KOMM", KOMM),
        ("Komm", KOMM),
        ("kommunikation", KOMM),
        ("Kommunkation", KOMM),  # missing letter
        ("kommunikatoin", KOMM),  # swapped letters
        ("kommunikationsforhlod", KOMM),
        ("ipel", IPEL),
        ("IPEL", IPEL),
        ("indflydelse paa eget liv", IPEL),
        ("indflydelse på", IPEL),  # multi-word prefix
        ("adfærd", FOELELSER),
        ("adfaerd", FOELELSER),
        ("følelser", FOELELSER),
        ("foelelser", FOELELSER),
        ("følelser", FOELELSER),
        ("følelses- og adfærd", FOELELSER),
        ("Følelses og adfærdsmæssige forhold", FOELELSER),
        ("sundhed", "Sundhedsforhold"),
        ("sundheds", "Sundhedsforhold"),  # prefix of the name, one letter from the alias
        ("helbred", "Sundhedsforhold"),
        ("selvst", "Selvstændighedsforhold"),
        ("selvstændig", "Selvstændighedsforhold"),
        ("selvstaendighed", "Selvstændighedsforhold"),
        ("fam", "Familieforhold"),  # prefix of three letters
        ("familien", "Familieforhold"),  # extra letter
        ("identitt", "Identitetsforhold"),
        ("skole", "Skoleforhold"),
        ("fritid", "Fritidsforhold"),
        ("venner", "Venskabsforhold"),
        ("venskab", "Venskabsforhold"),
        ("magt", "Magtanvendelse"),
        ("magtanv", "Magtanvendelse"),
        ("manglende", "Manglende arbejde med delmål"),
        ("delmål", "Manglende arbejde med delmål"),
        ("delmaal", "Manglende arbejde med delmål"),
    ],
)
def test_diary_type_is_sure(types: CandidateIndex, typed: str, expected: str) -> None:
    result = types.resolve(typed.split(), max_words=TYPE_MAX_WORDS, exact_only=NOTE_WORDS)
    assert result.status == "sure"
    assert result.match is TYPE_BY_NAME[expected]
    assert result.words_used == len(typed.split())


@pytest.mark.parametrize(
    "word",
    [
        "spiste", "var", "har", "god", "godt", "glad", "i", "kom", "kommer", "komme", "selv",
        "selve", "sko", "fri", "frit", "ven", "venter", "vender", "mangler", "manglede", "mange",
        "mat", "mag", "man", "del", "hel", "hele", "ind", "ide", "idé", "far", "mor", "sov",
        "fik", "gik", "legede", "pegede", "sagde", "græd", "ked", "trist", "vred", "rolig",
        "frokost", "badet", "hentet", "tog", "fortalte", "ville", "skulle", "kunne", "efter",
        "med", "på", "og", "hun", "han", "dag", "hjem", "bussen", "fint", "dårligt", "træt",
    ],
)  # fmt: skip
def test_ordinary_first_words_are_not_a_diary_type(
    residents: CandidateIndex, types: CandidateIndex, word: str
) -> None:
    note = parse_quick_note(f"Mia {word} hele dagen", residents, types)
    assert note.resident.match is BY_NAME["Mia"]
    assert note.diary_type == NO_MATCH
    assert note.body == f"{word} hele dagen"


def test_note_words_are_guarded_only_where_a_type_may_stand(types: CandidateIndex) -> None:
    # Without the guard "kom" is a prefix of "komm"; the guard is what keeps it out.
    assert types.resolve(["kom"], max_words=1).match is TYPE_BY_NAME[KOMM]
    assert types.resolve(["kom"], max_words=1, exact_only=NOTE_WORDS) == NO_MATCH


def test_uncertain_type_offers_the_close_ones() -> None:
    index = CandidateIndex(
        [Candidate(1, "Skoleforhold", ("skole",)), Candidate(2, "Skolepraktik", ("praktik",))]
    )
    result = index.resolve(["skolepr"], max_words=TYPE_MAX_WORDS)
    assert result.match is not None
    assert result.match.id == 2  # "skolepr" is a prefix of only one, and no typo of the other
    result = index.resolve(["skol", "x"], max_words=TYPE_MAX_WORDS)
    assert result.status == "uncertain"
    assert [c.id for c in result.candidates] == [1, 2]
    assert result.words_used == 1
    # A prefix of one, but also one letter from the other's alias "skole": too close to call.
    result = index.resolve(["skolep"], max_words=TYPE_MAX_WORDS)
    assert result.status == "uncertain"
    assert [c.id for c in result.candidates] == [2, 1]


# --- residents -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected", "words_used"),
    [
        pytest.param("mia", "Mia", 1, id="exact"),
        pytest.param("MIA", "Mia", 1, id="upper"),
        pytest.param("mie", "Mie", 1, id="exact-beats-typo-mie"),
        pytest.param("Søren", "Søren", 1, id="oe-letter"),
        pytest.param("soeren", "Søren", 1, id="oe-spelled"),
        pytest.param("SØREN", "Søren", 1, id="oe-upper"),
        pytest.param("soren", "Søren", 1, id="o-for-oe-typo"),
        pytest.param("sørn", "Søren", 1, id="missing-letter"),
        pytest.param("Åse", "Åse", 1, id="aa-letter"),
        pytest.param("aase", "Åse", 1, id="aa-spelled"),
        pytest.param("åse", "Åse", 1, id="aa-lower"),
        pytest.param("ali b", "Ali B.", 2, id="initial"),
        pytest.param("Ali B.", "Ali B.", 2, id="initial-as-typed"),
        pytest.param("ali", "Ali B.", 1, id="first-word-prefix"),
        pytest.param("anne sofie", "Anne Sofie", 2, id="two-words"),
        pytest.param("Anne-Sofie", "Anne Sofie", 1, id="hyphenated-one-word"),
        pytest.param("anne", "Anne Sofie", 1, id="first-name-only"),
        pytest.param("anne sof", "Anne Sofie", 2, id="second-word-prefix"),
        pytest.param("annesofie", "Anne Sofie", 1, id="dropped-space"),
        pytest.param("anne sofei", "Anne Sofie", 2, id="typo-second-word"),
        pytest.param("oliver", "Oliver", 1, id="oliver"),
        pytest.param("olivia", "Olivia", 1, id="olivia"),
        pytest.param("olive", "Oliver", 1, id="prefix-of-one"),
        pytest.param("oliver", "Oliver", 1, id="exact-not-prefix"),
        pytest.param("ida", "Ida", 1, id="three-letters"),
        pytest.param("bo", "Bo", 1, id="two-letters"),
    ],
)
def test_resident_is_sure(
    residents: CandidateIndex, typed: str, expected: str, words_used: int
) -> None:
    words = [*typed.split(), "komm", "pegede"]
    result = residents.resolve(words, max_words=RESIDENT_MAX_WORDS)
    assert result.status == "sure"
    assert result.match is BY_NAME[expected]
    assert result.words_used == words_used


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        pytest.param("oliv", ["Oliver", "Olivia"], id="prefix-of-two"),
        pytest.param("OLIV", ["Oliver", "Olivia"], id="prefix-of-two-upper"),
        pytest.param("mai", ["Mia"], id="three-letter-swap"),
        pytest.param("mja", ["Mia"], id="three-letter-wrong"),
        pytest.param("mio", ["Mia", "Mie"], id="three-letter-two-close"),
        pytest.param("idaa", ["Ida"], id="extra-letter-short-name"),
        pytest.param("ase", ["Åse"], id="aa-as-a"),
    ],
)
def test_resident_is_uncertain(residents: CandidateIndex, typed: str, expected: list[str]) -> None:
    result = residents.resolve([typed, "komm"], max_words=RESIDENT_MAX_WORDS)
    assert result.status == "uncertain"
    assert result.match is None
    assert names(result) == expected
    assert result.words_used == 1


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("mi", id="two-letter-prefix"),
        pytest.param("xyz", id="nothing-close"),
        pytest.param("karla", id="other-department"),
        pytest.param("sebastian", id="other-department-long"),
        pytest.param("spiste", id="ordinary-word"),
        pytest.param("ba", id="two-letter-typo"),
    ],
)
def test_resident_is_none(residents: CandidateIndex, typed: str) -> None:
    assert residents.resolve([typed, "komm"], max_words=RESIDENT_MAX_WORDS) == NO_MATCH


def test_exact_name_beats_a_similar_one() -> None:
    index = CandidateIndex([Candidate(1, "Mia"), Candidate(2, "Mie"), Candidate(3, "Mia K.")])
    result = index.resolve(["mia"], max_words=RESIDENT_MAX_WORDS)
    assert result.match is not None
    assert result.match.id == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("Mia", "Mia", id="identical"),
        pytest.param("Søren", "Soeren", id="same-when-folded"),
        pytest.param("Åse", "ÅSE", id="same-when-lowered"),
    ],
)
def test_same_folded_name_is_uncertain(first: str, second: str) -> None:
    index = CandidateIndex([Candidate(1, first, rank=2), Candidate(2, second, rank=1)])
    result = index.resolve([first], max_words=RESIDENT_MAX_WORDS)
    assert result.status == "uncertain"
    assert [c.id for c in result.candidates] == [2, 1]  # lower rank first


def test_prefix_next_to_a_typo_is_uncertain() -> None:
    index = CandidateIndex([Candidate(1, "Marie"), Candidate(2, "Mary")])
    result = index.resolve(["mari"], max_words=RESIDENT_MAX_WORDS)
    assert result.status == "uncertain"
    assert [c.id for c in result.candidates] == [1, 2]


def test_typo_next_to_a_weak_typo_is_sure() -> None:
    # "liva" is one letter from both; only for "Liv" does the typo fall in a short word.
    index = CandidateIndex([Candidate(1, "Livia"), Candidate(2, "Liv")])
    result = index.resolve(["liva"], max_words=RESIDENT_MAX_WORDS)
    assert result.match is not None
    assert result.match.id == 1


def test_candidates_are_capped_and_ranked() -> None:
    index = CandidateIndex(
        Candidate(i, f"Mia {letter}.", rank=10 - i) for i, letter in enumerate("ABCDEFG")
    )
    result = index.resolve(["mia", "komm"], max_words=RESIDENT_MAX_WORDS)
    assert result.status == "uncertain"
    assert [c.id for c in result.candidates] == [6, 5, 4, 3, 2]


@pytest.mark.parametrize(
    ("text", "expected_id", "words_used"),
    [
        pytest.param("anne komm", 1, 1, id="exact-short-name"),
        pytest.param("anne sofie komm", 2, 2, id="exact-long-name"),
        pytest.param("anne sof komm", 2, 2, id="prefix-of-long-name"),
        pytest.param("bo i dag", 3, 1, id="one-letter-not-a-prefix"),
        pytest.param("bo ib i dag", 4, 2, id="two-word-name"),
    ],
)
def test_longer_name_wins_only_on_evidence(text: str, expected_id: int, words_used: int) -> None:
    index = CandidateIndex(
        [
            Candidate(1, "Anne"),
            Candidate(2, "Anne Sofie"),
            Candidate(3, "Bo"),
            Candidate(4, "Bo Ib"),
        ]
    )
    result = index.resolve(text.split(), max_words=RESIDENT_MAX_WORDS)
    assert result.status == "sure"
    assert result.match is not None
    assert result.match.id == expected_id
    assert result.words_used == words_used


def test_exact_name_beats_a_longer_weak_reading() -> None:
    index = CandidateIndex([Candidate(1, "Mia"), Candidate(2, "Mia"), Candidate(3, "Mia Kim")])
    result = index.resolve(["mia", "kom", "hjem"], max_words=RESIDENT_MAX_WORDS)
    assert result.status == "uncertain"
    assert [c.id for c in result.candidates] == [1, 2]
    assert result.words_used == 1


def test_longer_uncertain_reading_beats_a_shorter_sure_one() -> None:
    index = CandidateIndex(
        [Candidate(1, "Ida"), Candidate(2, "Ida Marie"), Candidate(3, "Ida Maria")]
    )
    result = index.resolve(["ida", "mari", "komm"], max_words=RESIDENT_MAX_WORDS)
    assert result.status == "uncertain"
    assert [c.id for c in result.candidates] == [3, 2]
    assert result.words_used == 2
    assert index.resolve(["ida", "komm"], max_words=RESIDENT_MAX_WORDS).match is not None


def test_possessive_does_not_pick_an_initial() -> None:
    index = CandidateIndex([Candidate(1, "Mia K."), Candidate(2, "Mia S.")])
    assert index.resolve(["mias", "mor"], max_words=RESIDENT_MAX_WORDS).status != "sure"


def test_other_department_is_never_matched() -> None:
    here = CandidateIndex(RESIDENTS)
    there = CandidateIndex(OTHER_DEPARTMENT)
    types = CandidateIndex(TYPES)
    assert parse_quick_note("Karla komm smilede", here, types).resident == NO_MATCH
    note = parse_quick_note("Karla komm smilede", there, types)
    assert note.resident.match is OTHER_DEPARTMENT[0]
    # The same name in both departments resolves to each department's own resident.
    assert parse_quick_note("Mia komm", here, types).resident.match is BY_NAME["Mia"]
    assert parse_quick_note("Mia komm", there, types).resident.match is OTHER_DEPARTMENT[1]


def test_index_with_many_residents_still_resolves() -> None:
    first = ["Mia", "Emma", "Noah", "Oscar", "Freja", "Ida", "Carl", "Alma", "Emil", "Søren"]
    people = [
        Candidate(i, f"{first[i % len(first)]} {chr(ord('A') + i // len(first) % 26)}.")
        for i in range(1000)
    ]
    index = CandidateIndex(people)
    assert len(index) == 1000
    result = index.resolve(["soeren", "k", "komm"], max_words=RESIDENT_MAX_WORDS)
    assert result.status == "uncertain"  # "Søren K." exists several times over
    assert {c.name for c in result.candidates} == {"Søren K."}
    assert result.words_used == 2


def test_empty_index_matches_nothing() -> None:
    index = CandidateIndex([])
    assert len(index) == 0
    assert index.resolve(["mia"], max_words=RESIDENT_MAX_WORDS) == NO_MATCH
    assert index.search("mia") == ()


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("oliv", ["Oliver", "Olivia"], id="prefix"),
        pytest.param("o", ["Oliver", "Olivia"], id="one-letter"),
        pytest.param("Olivia", ["Olivia"], id="exact"),
        pytest.param("kristofer", [], id="nothing-close-long"),
        pytest.param("sofie", ["Anne Sofie"], id="later-word"),
        pytest.param("soren", ["Søren"], id="typo"),
        pytest.param("mja", ["Mia"], id="short-typo"),
        pytest.param("mia", ["Mia", "Mie"], id="exact-then-close"),
        pytest.param("ida", ["Ida"], id="no-noise-for-short-names"),
        pytest.param("xyz", [], id="nothing-close"),
        pytest.param("karla", [], id="other-department"),
        pytest.param("  ", [], id="blank"),
    ],
)
def test_search(residents: CandidateIndex, query: str, expected: list[str]) -> None:
    assert [c.name for c in residents.search(query)] == expected


def test_search_respects_limit_and_rank() -> None:
    index = CandidateIndex(
        Candidate(i, f"Mia {letter}.", rank=-i) for i, letter in enumerate("ABCDEFG")
    )
    assert [c.id for c in index.search("mia", limit=3)] == [6, 5, 4]
    assert len(index.search("mia")) == MAX_CANDIDATES
    assert index.search("mia", limit=0) == ()


def test_search_finds_types_by_any_word(types: CandidateIndex) -> None:
    assert types.search("liv")[0] is TYPE_BY_NAME[IPEL]
    assert types.search("komm")[0] is TYPE_BY_NAME[KOMM]


# --- quick notes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "mia komm pegede på saft ved frokost",
            ("Mia", KOMM, "pegede på saft ved frokost"),
            id="spec-example",
        ),
        pytest.param(
            "Mia Komm Pegede på Saft", ("Mia", KOMM, "Pegede på Saft"), id="body-case-kept"
        ),
        pytest.param("mia spiste godt", ("Mia", None, "spiste godt"), id="no-type"),
        pytest.param("oliver var glad i dag", ("Oliver", None, "var glad i dag"), id="no-type-var"),
        pytest.param(
            "oliver glad hele dagen", ("Oliver", None, "glad hele dagen"), id="no-type-glad"
        ),
        pytest.param("mia kom hjem glad", ("Mia", None, "kom hjem glad"), id="kom-is-not-komm"),
        pytest.param(
            "soren ipel valgte selv tøj", ("Søren", IPEL, "valgte selv tøj"), id="typo-name"
        ),
        pytest.param(
            "Ali B. indflydelse på eget liv valgte selv",
            ("Ali B.", IPEL, "valgte selv"),
            id="multi-word-both",
        ),
        pytest.param(
            "anne sofie følelses- og adfærdsmæssige forhold græd",
            ("Anne Sofie", FOELELSER, "græd"),
            id="long-type",
        ),
        pytest.param("åse adfærd slog ud", ("Åse", FOELELSER, "slog ud"), id="aa-and-ae"),
        pytest.param("ida Kommunkation sagde ja", ("Ida", KOMM, "sagde ja"), id="typo-type"),
        pytest.param("bo sundheds tjek", ("Bo", "Sundhedsforhold", "tjek"), id="sundheds"),
        pytest.param("Mia: komm: pegede", ("Mia", KOMM, "pegede"), id="colons"),
        pytest.param("mia - komm - pegede", ("Mia", KOMM, "pegede"), id="dashes"),
        pytest.param("mia,komm,pegede", ("Mia", KOMM, "pegede"), id="commas"),
        pytest.param(
            "mia komm\n- pegede\n- smilede", ("Mia", KOMM, "- pegede\n- smilede"), id="list-kept"
        ),
        pytest.param(
            "mia komm pegede  på\n\nsaft 😀🧃",
            ("Mia", KOMM, "pegede  på\n\nsaft 😀🧃"),
            id="spacing-lines-emoji",
        ),
        pytest.param("mia 👍 spiste", ("Mia", None, "👍 spiste"), id="emoji-first"),
        pytest.param("- mia komm pegede", ("Mia", KOMM, "pegede"), id="leading-bullet"),
        pytest.param("mia komm -5 grader ude", ("Mia", KOMM, "-5 grader ude"), id="minus-kept"),
        pytest.param("Mia", ("Mia", None, ""), id="only-name"),
        pytest.param("Ali B.", ("Ali B.", None, ""), id="only-two-word-name"),
        pytest.param("mia komm", ("Mia", KOMM, ""), id="no-body"),
        pytest.param("  mia komm hej  \n", ("Mia", KOMM, "hej"), id="outer-space"),
    ],
)
def test_parse_quick_note(
    residents: CandidateIndex,
    types: CandidateIndex,
    text: str,
    expected: tuple[str, str | None, str],
) -> None:
    resident, diary_type, body = expected
    note = parse_quick_note(text, residents, types)
    assert note.resident.status == "sure"
    assert note.resident.match is BY_NAME[resident]
    if diary_type is None:
        assert note.diary_type == NO_MATCH
    else:
        assert note.diary_type.status == "sure"
        assert note.diary_type.match is TYPE_BY_NAME[diary_type]
    assert note.body == body


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n ", id="blank"),
        pytest.param("hej komm pegede", id="no-name-then-type"),
        pytest.param("Karla komm smilede", id="other-department"),
        pytest.param("komm mia pegede", id="type-first"),
    ],
)
def test_without_resident_nothing_is_consumed(
    residents: CandidateIndex, types: CandidateIndex, text: str
) -> None:
    note = parse_quick_note(text, residents, types)
    assert note == QuickNote(resident=NO_MATCH, diary_type=NO_MATCH, body=text.strip())


def test_uncertain_resident_still_consumes_its_words(
    residents: CandidateIndex, types: CandidateIndex
) -> None:
    note = parse_quick_note("oliv komm pegede på saft", residents, types)
    assert note.resident.status == "uncertain"
    assert names(note.resident) == ["Oliver", "Olivia"]
    assert note.resident.words_used == 1
    assert note.diary_type.match is TYPE_BY_NAME[KOMM]
    assert note.diary_type.words_used == 1
    assert note.body == "pegede på saft"


def test_words_used_counts_typed_words(residents: CandidateIndex, types: CandidateIndex) -> None:
    note = parse_quick_note("ali b indflydelse på eget liv hun valgte", residents, types)
    assert (note.resident.words_used, note.diary_type.words_used) == (2, 4)
    assert note.body == "hun valgte"


# --- resolution invariants -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "match", "candidates", "words_used"),
    [
        pytest.param("sure", None, (), 1, id="sure-without-match"),
        pytest.param("uncertain", RESIDENTS[0], (RESIDENTS[0],), 1, id="uncertain-with-match"),
        pytest.param("uncertain", None, (), 1, id="uncertain-without-candidates"),
        pytest.param("none", None, (), 1, id="none-using-words"),
        pytest.param("sure", RESIDENTS[0], (RESIDENTS[0],), 0, id="sure-using-no-words"),
        pytest.param("uncertain", None, RESIDENTS[:6], 1, id="too-many-candidates"),
    ],
)
def test_resolution_rejects_inconsistent_values(
    status: str, match: Candidate | None, candidates: tuple[Candidate, ...], words_used: int
) -> None:
    with pytest.raises(ValueError, match=r"resolution|candidates"):
        Resolution(status=status, match=match, candidates=candidates, words_used=words_used)  # type: ignore[arg-type]
