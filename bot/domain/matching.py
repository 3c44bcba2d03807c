"""Match typed names and diary types to candidates, and split a quick note into its parts.

Everything works on folded text (see `fold`). A query is tried in tiers: an exact name or
alias, then a unique prefix, then a one-letter typo. The caller only ever hands in the
candidates the user may see, so nothing outside them can be matched.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# --- Rules ---------------------------------------------------------------------------------

MAX_CANDIDATES: Final = 5
"""At most this many candidates are offered as buttons."""

RESIDENT_MAX_WORDS: Final = 3
"""A resident's name may take up to this many words ("Anne Sofie K.")."""

TYPE_MAX_WORDS: Final = 4
"""A diary type may take up to this many words ("Indflydelse på eget liv")."""

MIN_PREFIX_LETTERS: Final = 3
"""A prefix must have this many letters to count; also the least for a partial last word."""

MIN_TYPO_LETTERS: Final = 4
"""A typo only counts as sure in a word of this many letters (both as typed and as meant)."""

MIN_WEAK_TYPO_LETTERS: Final = 3
"""A typo in a word this short ("mai" for "Mia") can at best make the match uncertain."""

MAX_TYPO_EDITS: Final = 1
"""One wrong, missing, extra or swapped letter (optimal string alignment distance)."""

EXACT_SCORE: Final = 100
PREFIX_SCORE: Final = 90
TYPO_SCORE: Final = 80
WEAK_TYPO_SCORE: Final = 60

SURE_MIN_SCORE: Final = TYPO_SCORE
"""The best candidate needs at least this score to be sure."""

SURE_MARGIN: Final = 15
"""A sure candidate leads the runner-up by at least this; closer candidates are offered too.

With the scores above: a prefix next to a typo (90 vs 80) is uncertain, a typo next to a weak
typo (80 vs 60) is sure.
"""

SEARCH_PREFIX_SCORE: Final = 95
SEARCH_WORD_PREFIX_SCORE: Final = 90
SEARCH_FUZZY_MAX_SCORE: Final = 89
"""A fuzzy search hit never outranks a name that starts with what was typed."""

SEARCH_MIN_SCORE: Final = 75
"""Search hits below this `rapidfuzz.fuzz.ratio` are not reasonably close ("mia" ~ "ida" is 67).

Short names are better judged by the typo rule, which search applies too ("mja" finds "Mia").
"""

NOTE_WORDS: Final = frozenset(
    {
        # Everyday words that start a prefix or sit one letter from a diary type or alias:
        # "kom" ~ "komm", "selv" ~ "selvst", "sko" ~ "skole", "venter" ~ "venner", ...
        "kom", "komme", "hel", "hele", "ind", "ide", "selv", "selve", "sko", "fri", "frit",
        "ven", "venter", "vender", "mag", "mat", "man", "del",
        # Common note openers, so that a later alias (they live in the database) cannot
        # make them match by prefix or typo either.
        "var", "har", "er", "blev", "fik", "gik", "kommer", "kunne", "ville", "skulle",
        "vil", "skal", "kan", "sagde", "spiste", "sov", "god", "godt", "glad", "ked",
        "trist", "vred", "rolig", "uro", "dag", "dagen", "i", "idag", "efter", "til",
        "med", "fra", "om", "paa", "og", "men", "hun", "han", "de", "vi", "hjem",
    }
)  # fmt: skip
"""Folded words that, where a diary type may stand, match only exactly: never as prefix or typo.

Only the type position is guarded: in the name position "mat" may well be Mathilde.
"""

DEFAULT_DIARY_TYPES: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("Familieforhold", ("familie",)),
    ("Sundhedsforhold", ("sundhed", "helbred")),
    ("Kommunikationsforhold", ("komm", "kommunikation")),
    ("Indflydelse på eget liv", ("ipel", "indflydelse")),
    ("Følelses- og adfærdsmæssige forhold", ("adfærd", "følelser")),
    ("Identitetsforhold", ("identitet",)),
    ("Selvstændighedsforhold", ("selvst", "selvstændighed")),
    ("Skoleforhold", ("skole",)),
    ("Fritidsforhold", ("fritid",)),
    ("Venskabsforhold", ("venskab", "venner")),
    ("Magtanvendelse", ("magt",)),
    # No "manglende" alias: it is a prefix of the name anyway, and as an alias its typo
    # neighbour "manglede" (an everyday word) would match.
    ("Manglende arbejde med delmål", ("delmål",)),
)
"""The twelve diary types with their aliases; the storage layer seeds the database from it."""

# --- Folding -------------------------------------------------------------------------------

_LETTER_SWAPS: Final = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "œ": "oe"}
)
_NOT_LETTER_OR_DIGIT: Final = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Fold text for matching: lower-case, æ→ae, ø→oe, å→aa (also Æ/Ø/Å), ä→ae, ö→oe, ü→ue, other accents stripped (é→e), anything that is not a letter or digit becomes a space, runs of spaces collapsed, stripped."""  # noqa: E501
    text = text.lower()
    # The normalisations are slow; most input is ASCII or plain Danish, which needs neither.
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            # So that a decomposed "a" + ring still becomes "aa", not "a".
            text = unicodedata.normalize("NFC", text)
        text = text.translate(_LETTER_SWAPS)
        if not text.isascii():
            text = "".join(
                c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
            )
    return " ".join(_NOT_LETTER_OR_DIGIT.sub(" ", text).split())


def _letters(folded: str) -> int:
    """Count the letters and digits of folded text."""
    return len(folded) - folded.count(" ")


# --- Results -------------------------------------------------------------------------------

ResolutionStatus = Literal["sure", "uncertain", "none"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """Something a user may mean: a resident or a diary type."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    rank: int = 0
    """Tie-breaker, lower is preferred (e.g. the most recently used resident first)."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """Say what some leading words of the input mean: one sure match, a few choices, or none."""

    status: ResolutionStatus
    match: Candidate | None
    candidates: tuple[Candidate, ...]
    words_used: int

    def __post_init__(self) -> None:
        if (self.match is not None) != (self.status == "sure"):
            raise ValueError("a resolution has a match exactly when it is sure")
        if (self.status == "none") != (self.words_used == 0):
            raise ValueError("a resolution uses words exactly when it found something")
        if self.status == "uncertain" and not self.candidates:
            raise ValueError("an uncertain resolution needs candidates")
        if len(self.candidates) > MAX_CANDIDATES:
            raise ValueError("too many candidates")


NO_MATCH: Final = Resolution(status="none", match=None, candidates=(), words_used=0)


@dataclass(frozen=True, slots=True)
class _Found:
    """The outcome of one folded query, before it is tied to a word count."""

    status: ResolutionStatus
    candidates: tuple[Candidate, ...]
    score: int  # of the best candidate


# --- Index ---------------------------------------------------------------------------------


class CandidateIndex:
    """Precomputed folded keys for a set of candidates; build once, query many times."""

    __slots__ = (
        "_candidates",
        "_deletions",
        "_heads",
        "_keys",
        "_max_words",
        "_order",
        "_owners",
        "_tails",
        "_word_start_keys",
        "_word_starts",
    )

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._candidates: tuple[Candidate, ...] = tuple(candidates)
        # Equal scores are ordered by rank, then name, then id, so results are stable.
        self._order: tuple[tuple[int, str, int], ...] = tuple(
            (c.rank, fold(c.name), c.id) for c in self._candidates
        )
        owners: dict[str, list[int]] = {}
        for index, candidate in enumerate(self._candidates):
            for text in (candidate.name, *candidate.aliases):
                key = fold(text)
                if key and index not in owners.setdefault(key, []):
                    owners[key].append(index)
        self._owners: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in owners.items()}
        # Sorted keys answer "which keys start with q" by bisection instead of a full scan.
        self._keys: list[str] = sorted(self._owners)
        # Later words of each key, for search ("sofie" finds "Anne Sofie").
        starts = sorted(
            (key[pos + 1 :], key)
            for key in self._keys
            for pos, char in enumerate(key)
            if char == " "
        )
        self._word_starts: list[str] = [start for start, _ in starts]
        self._word_start_keys: list[str] = [key for _, key in starts]
        # Symmetric-deletion index: two strings within one edit (incl. a swap) share a
        # one-letter deletion, so typo lookups cost a few dict hits whatever the index size.
        deletions: dict[str, list[str]] = {}
        for key in self._keys:
            if len(key) >= MIN_WEAK_TYPO_LETTERS:
                for variant in _with_deletions(key):
                    deletions.setdefault(variant, []).append(key)
        self._deletions: dict[str, list[str]] = deletions
        # A multi-word query is one typo from a key of as many words only if its first word
        # or the rest is the same; these sets rule most such queries out without a lookup.
        self._heads: set[tuple[int, str]] = set()
        self._tails: set[tuple[int, str]] = set()
        for key in self._keys:
            head, _, tail = key.partition(" ")
            if tail:
                count = key.count(" ") + 1
                self._heads.add((count, head))
                self._tails.add((count, tail))
        # No query of more words than the longest key can match (see _typo_score).
        self._max_words: int = max((key.count(" ") + 1 for key in self._keys), default=0)

    def __len__(self) -> int:
        """Return how many candidates the index holds."""
        return len(self._candidates)

    def resolve(
        self,
        words: Sequence[str],
        *,
        max_words: int,
        exact_only: frozenset[str] = frozenset(),
    ) -> Resolution:
        """Resolve the first 1..max_words words (as typed) as one candidate's name or alias.

        Folded queries in exact_only match only exactly (see NOTE_WORDS).
        """
        best: Resolution = NO_MATCH
        best_score = 0
        query = ""
        for count, word in enumerate(words[:max_words], start=1):
            # Folding word by word equals folding the joined words, and each word only once.
            part = fold(word)
            if not part:
                continue  # a word that folds away ("-", an emoji) adds nothing: don't swallow it
            query = f"{query} {part}" if query else part
            if query.count(" ") >= self._max_words:
                break
            found = self._find(query, exact_only)
            if found is None:
                continue
            # The longer reading wins ("Ali B." over "Ali", "Anne Sof" over "Anne", "Ida Mari"
            # as Marie or Maria over Ida) unless it is clearly weaker ("Mia" over a typo).
            if best_score - found.score < SURE_MARGIN:
                best_score = found.score
                best = Resolution(
                    status=found.status,
                    match=found.candidates[0] if found.status == "sure" else None,
                    candidates=found.candidates,
                    words_used=count,
                )
        return best

    def search(self, query: str, limit: int = MAX_CANDIDATES) -> tuple[Candidate, ...]:
        """Return the candidates best matching free text, best first; empty when none is close."""
        folded = fold(query)
        if not folded or limit <= 0:
            return ()
        scores: dict[int, int] = {}
        if folded in self._owners:
            self._offer(scores, folded, EXACT_SCORE)
        for key in self._keys_starting_with(folded):
            self._offer(scores, key, SEARCH_PREFIX_SCORE)
        lo = bisect_left(self._word_starts, folded)
        for pos in range(lo, len(self._word_starts)):
            if not self._word_starts[pos].startswith(folded):
                break
            self._offer(scores, self._word_start_keys[pos], SEARCH_WORD_PREFIX_SCORE)
        for key, ratio, _ in process.extract(
            folded,
            self._keys,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=SEARCH_MIN_SCORE,
            limit=None,
        ):
            self._offer(scores, key, min(int(ratio), SEARCH_FUZZY_MAX_SCORE))
        for key, score in self._typos(folded):
            self._offer(scores, key, score)
        best = heapq.nsmallest(limit, scores, key=lambda i: (-scores[i], self._order[i]))
        return tuple(self._candidates[i] for i in best)

    # --- internals -------------------------------------------------------------------------

    def _find(self, query: str, exact_only: frozenset[str]) -> _Found | None:
        """Match one folded query: exact, else prefixes and typos weighed against each other."""
        exact = self._owners.get(query)
        if exact is not None:
            # Exact beats anything fuzzy; only a second candidate with the same name competes.
            ordered = sorted(exact, key=self._order.__getitem__)
            chosen = tuple(self._candidates[i] for i in ordered[:MAX_CANDIDATES])
            return _Found("sure" if len(ordered) == 1 else "uncertain", chosen, EXACT_SCORE)
        if query in exact_only:
            return None
        scores: dict[int, int] = {}
        if _letters(query) >= MIN_PREFIX_LETTERS:
            for key in self._keys_starting_with(query):
                if _partial_word_ok(query, key):
                    self._offer(scores, key, PREFIX_SCORE)
        for key, score in self._typos(query):
            self._offer(scores, key, score)
        if not scores:
            return None
        ranked = heapq.nsmallest(MAX_CANDIDATES, scores, key=lambda i: (-scores[i], self._order[i]))
        top = scores[ranked[0]]
        close = [i for i in ranked if top - scores[i] < SURE_MARGIN]
        status: ResolutionStatus = (
            "sure" if top >= SURE_MIN_SCORE and len(close) == 1 else "uncertain"
        )
        return _Found(status, tuple(self._candidates[i] for i in close), top)

    def _offer(self, scores: dict[int, int], key: str, score: int) -> None:
        """Raise the score of every candidate owning key to at least score."""
        for index in self._owners[key]:
            if score > scores.get(index, -1):
                scores[index] = score

    def _keys_starting_with(self, query: str) -> Iterator[str]:
        """Yield the keys that start with query and are longer than it."""
        keys = self._keys
        for pos in range(bisect_left(keys, query), len(keys)):
            key = keys[pos]
            if not key.startswith(query):
                return
            if key != query:
                yield key

    def _typos(self, query: str) -> Iterator[tuple[str, int]]:
        """Yield (key, score) for keys one typo away from query, judged word by word."""
        if len(query) < MIN_WEAK_TYPO_LETTERS:
            return
        head, _, tail = query.partition(" ")
        if tail:
            count = query.count(" ") + 1
            if (count, head) not in self._heads and (count, tail) not in self._tails:
                return
        seen: set[str] = set()
        for variant in _with_deletions(query):
            for key in self._deletions.get(variant, ()):
                if key in seen or key == query:
                    continue
                seen.add(key)
                if OSA.distance(query, key, score_cutoff=MAX_TYPO_EDITS) <= MAX_TYPO_EDITS:
                    score = _typo_score(query, key)
                    if score is not None:
                        yield key, score


def _with_deletions(text: str) -> set[str]:
    """Return text and every string made by deleting one of its characters."""
    return {text, *(text[:i] + text[i + 1 :] for i in range(len(text)))}


def _partial_word_ok(query: str, key: str) -> bool:
    """Tell whether query, a proper prefix of key, may count as a prefix match.

    In a multi-word query the last word must be whole or have MIN_PREFIX_LETTERS letters,
    so "bo i dag" cannot pick "Bo Ib" and "ali i dag" cannot pick "Ali Ibrahim".
    """
    if " " not in query:
        return True
    last = query.rsplit(" ", 1)[1]
    return len(last) >= MIN_PREFIX_LETTERS or key.split(" ")[query.count(" ")] == last


def _typo_score(query: str, key: str) -> int | None:
    """Score a one-edit difference by the length of the word it falls in; None if too short."""
    query_words, key_words = query.split(" "), key.split(" ")
    if len(query_words) == len(key_words):
        differing = [(q, k) for q, k in zip(query_words, key_words, strict=True) if q != k]
        if len(differing) != 1:
            return None  # e.g. a letter swapped across a space
        shortest = min(len(differing[0][0]), len(differing[0][1]))
    elif len(query_words) == 1:
        # A space was dropped ("annesofie"): judge by the key's shortest word, so that an
        # initial never counts ("mias", as in "Mias mor", must not pick "Mia S.").
        shortest = min(len(word) for word in key_words)
    else:
        return None  # a space added or moved in a longer query: too loose to trust
    if shortest >= MIN_TYPO_LETTERS:
        return TYPO_SCORE
    if shortest >= MIN_WEAK_TYPO_LETTERS:
        return WEAK_TYPO_SCORE
    return None


# --- Quick notes ---------------------------------------------------------------------------

_WORD: Final = re.compile(r"[^\s,;:]+")
"""A typed word; commas, semicolons and colons separate words like spaces do ("Mia: komm")."""

_LEADING_SEPARATOR: Final = re.compile(r"^[ \t]*(?:[,;:]+|[\-–—]+(?=\s|$))")
"""A separator between the heading words and the body ("mia komm: ...", "mia - ...").

A dash only counts when a space follows ("-5 grader" is text), and only on the first line,
so that a body written as a list ("mia komm\n- pegede\n- smilede") keeps its first dash.
"""


@dataclass(frozen=True, slots=True)
class QuickNote:
    """A quick note split into resident, diary type and body."""

    resident: Resolution
    diary_type: Resolution
    body: str


def parse_quick_note(text: str, residents: CandidateIndex, types: CandidateIndex) -> QuickNote:
    """Split "NAVN [TYPE] tekst" into resident, diary type and body, keeping the body as typed."""
    tokens = list(_WORD.finditer(text))
    words = [token.group() for token in tokens]
    resident = residents.resolve(words, max_words=RESIDENT_MAX_WORDS)
    if resident.status == "none":
        # Without a resident nothing is consumed: the note may not start with a name at all.
        return QuickNote(resident=resident, diary_type=NO_MATCH, body=text.strip())
    diary_type = types.resolve(
        words[resident.words_used :], max_words=TYPE_MAX_WORDS, exact_only=NOTE_WORDS
    )
    end = tokens[resident.words_used + diary_type.words_used - 1].end()
    body = _LEADING_SEPARATOR.sub("", text[end:], count=1).strip()
    return QuickNote(resident=resident, diary_type=diary_type, body=body)
