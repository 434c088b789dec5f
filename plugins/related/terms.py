"""Term vectors for Vietnamese text: folded syllables and syllable pairs, weighed by TF-IDF.

A Vietnamese word is often two or three syllables written apart ("cải cách",
"hành chính", "nông thôn mới"), so single syllables match far too much
("cách" of "cải cách" and of "cách làm"). Titles and summaries are therefore
cut into phrases at punctuation, each phrase folded (:func:`cms.content.fold`:
case, compatibility forms and diacritics, ``đ`` as ``d``), and every phrase
gives its syllables **and its pairs of neighbouring syllables** as terms:
"Cải cách hành chính" -> ``cai``, ``cach``, ``hanh``, ``chinh``,
``cai cach``, ``cach hanh``, ``hanh chinh``. A pair never spans two phrases.

Weights follow the usual TF-IDF (Salton and Buckley, "Term-weighting
approaches in automatic text retrieval", 1988; the smoothed IDF of
scikit-learn's ``TfidfVectorizer``): a term counts :data:`TITLE_WEIGHT` times
in the title and once in the summary, pairs :data:`PAIR_BOOST` times more
than syllables; term frequency is damped with a logarithm, multiplied by
``1 + ln((1 + N) / (1 + df))`` where ``N`` is the number of indexed articles
and ``df`` how many hold the term, and the vector is scaled to length 1, so
that the dot product of two vectors is their cosine (0 to 1).
Function words (:data:`STOPWORDS`) are not terms, and a pair of two of them
is none either.

Nothing here touches the database: :mod:`plugins.related.index` keeps the
vectors and the frequencies in the plugin's tables.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cms.content import fold

#: Version of the way text becomes terms; stored in every fingerprint, so that
#: articles indexed the old way are indexed again when it changes.
VERSION = 1
#: A title word counts this many times a summary word.
TITLE_WEIGHT = 2.0
#: A pair of syllables (most often one Vietnamese word) counts this many times a syllable.
PAIR_BOOST = 1.5
#: Syllables longer than this are no Vietnamese syllables (codes, runs of letters): phrase breaks.
MAX_SYLLABLE = 20
#: Longest term stored: two syllables and a space.
MAX_TERM = 2 * MAX_SYLLABLE + 1
#: Length of the term columns: a term, or ``c:<id>`` / ``t:<id>``.
TERM_COLUMN = 64
#: Terms of an article kept in its vector and in the inverted index: its strongest ones.
STORED_TERMS = 40

#: Score of an article of the same category.
CATEGORY_WEIGHT = 1.0
#: Score of each shared tag (at most :data:`MAX_SHARED_TAGS` of them count).
TAG_WEIGHT = 1.0
#: Shared tags that count.
MAX_SHARED_TAGS = 3
#: Weight of the text similarity (a cosine, 0 to 1): below one category or one
#: tag, so that structure weighs most and the text ranks among equals.
TEXT_WEIGHT = 0.9
#: Least text similarity that relates two articles sharing neither category nor tag.
MIN_TEXT = 0.08

#: Vietnamese function words, folded: conjunctions, prepositions, particles,
#: pronouns and auxiliaries that tell nothing about a subject. Syllables that
#: fold to the same form as a content word are left out of this list when the
#: content word is common in provincial news ("đê" of "đê điều" folds to the
#: ``de`` of "để", so ``de`` stays a term).
_FUNCTION_WORDS = """
va voi cua cac nhung la trong cho duoc da se dang tai ve theo tu den nay do mot co
khong thi ma nhu khi cung ra vao len bi boi vi nen neu hay hoac rat lai chi nua sau
truoc tren duoi giua ngoai qua hon nhat nhau gi ai dau sao the nao ay kia day roi van
deu tung cu chua vua sap luon ca cai nhieu it chung ta toi ong ba em
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())
# A function word is never a term alone, but it stays half of a pair: "cai" (cái)
# folds like "cải", and "cai cach" (cải cách) is a term.

_PHRASE_BREAK = re.compile(r"[^\w\s]+|_+")


def phrases(text: str) -> list[str]:
    """The folded phrases of ``text``: cut at punctuation, each folded (see the module).

    ``"Cải cách hành chính: kết quả năm 2022"`` -> ``["cai cach hanh chinh", "ket qua nam 2022"]``.
    """
    found = []
    for chunk in _PHRASE_BREAK.split(unicodedata.normalize("NFC", text or "")):
        folded = fold(chunk)
        if folded:
            found.append(folded)
    return found


def folded_text(text: str) -> str:
    """``text`` as the index keeps it: its folded phrases, one per line."""
    return "\n".join(phrases(text))


def _is_term(syllable: str) -> bool:
    if syllable in STOPWORDS or len(syllable) < 2:
        return False
    return not syllable.isdigit() or len(syllable) >= 4  # years and document numbers


def term_counts(title_text: str, summary_text: str) -> dict[str, float]:
    """Weighted counts of the terms of a folded title and summary (:func:`folded_text`).

    Syllables that are terms (two characters or more, no function word; numbers
    of four digits or more) and pairs of neighbouring syllables of one phrase
    (unless both halves are function words or one is a single character).
    """
    counts: defaultdict[str, float] = defaultdict(float)
    for weight, text in ((TITLE_WEIGHT, title_text), (1.0, summary_text)):
        for phrase in text.split("\n"):
            previous = ""
            for syllable in phrase.split():
                if len(syllable) > MAX_SYLLABLE:
                    previous = ""
                    continue
                if _is_term(syllable):
                    counts[syllable] += weight
                if (
                    previous
                    and len(previous) > 1
                    and len(syllable) > 1
                    and not (previous in STOPWORDS and syllable in STOPWORDS)
                ):
                    counts[f"{previous} {syllable}"] += weight * PAIR_BOOST
                previous = syllable
    return dict(counts)


def idf(documents: int, frequency: int) -> float:
    """Smoothed inverse document frequency: ``1 + ln((1 + N) / (1 + df))``.

    ``documents`` counts the articles indexed (the one being weighed
    included) and ``frequency`` those holding the term (it included).
    """
    return 1.0 + math.log((1 + max(documents, 0)) / (1 + max(frequency, 0)))


def weigh(
    counts: Mapping[str, float], frequencies: Mapping[str, int], documents: int
) -> dict[str, float]:
    """The unit-length TF-IDF vector of ``counts`` (:func:`term_counts`).

    ``frequencies`` maps each term to how many articles hold it, the one weighed
    included; ``documents`` counts the indexed articles, it included.
    """
    raw = {
        term: (1.0 + math.log(count)) * idf(documents, frequencies.get(term, 1))
        for term, count in counts.items()
        if count >= 1.0
    }
    length = math.sqrt(sum(value * value for value in raw.values()))
    if length == 0.0:
        return {}
    return {term: value / length for term, value in raw.items()}


def strongest(vector: Mapping[str, float], limit: int = STORED_TERMS) -> dict[str, float]:
    """The ``limit`` heaviest terms of ``vector`` (ties: alphabetical), weights unchanged."""
    ranked = sorted(vector.items(), key=lambda item: (-item[1], item[0]))
    return {term: round(weight, 6) for term, weight in ranked[:limit]}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The dot product of two unit vectors over their shared terms, at most 1."""
    if len(b) < len(a):
        a, b = b, a
    return min(1.0, sum(weight * b[term] for term, weight in a.items() if term in b))


@dataclass(frozen=True)
class Doc:
    """What ranking needs of one indexed article: plain values from the plugin's tables."""

    #: The article's id.
    id: int
    #: Its category's id, or ``None``.
    category_id: int | None
    #: Ids of its tags.
    tags: frozenset[int]
    #: When it was published (aware UTC); newer wins a tie.
    published_at: datetime
    #: Its stored terms and their weights (:func:`strongest` of :func:`weigh`).
    vector: Mapping[str, float] = field(hash=False)


def score(a: Doc, b: Doc) -> float:
    """How related two articles are: structure first, then the text (see the constants).

    :data:`CATEGORY_WEIGHT` for the same category, :data:`TAG_WEIGHT` for each
    shared tag (up to :data:`MAX_SHARED_TAGS`), plus :data:`TEXT_WEIGHT` times
    the cosine of their vectors; ``0.0`` when they share no category, no tag
    and less text than :data:`MIN_TEXT`. Symmetric; rounded to 6 places, so
    that equal relations tie (and the newer wins, :func:`rank_key`).
    """
    structure = 0.0
    if a.category_id is not None and a.category_id == b.category_id:
        structure += CATEGORY_WEIGHT
    structure += TAG_WEIGHT * min(len(a.tags & b.tags), MAX_SHARED_TAGS)
    text = cosine(a.vector, b.vector)
    if structure == 0.0 and text < MIN_TEXT:
        return 0.0
    return round(structure + TEXT_WEIGHT * text, 6)


def rank_key(value: float, published_at: datetime, article_id: int) -> tuple[float, float, int]:
    """Sort key of a related article, best first: score, then newest, then highest id."""
    return (-value, -published_at.timestamp(), -article_id)


def document_terms(title_text: str, summary_text: str) -> set[str]:
    """Every term of a folded title and summary, as the frequency table counts them."""
    return {term for term in term_counts(title_text, summary_text) if len(term) <= MAX_TERM}


def structural_terms(category_id: int | None, tags: Iterable[int]) -> list[str]:
    """The inverted index's keys of an article's category and tags: ``c:<id>``, ``t:<id>``.

    Folded text has no colon, so they never meet a word.
    """
    keys = [f"t:{int(tag)}" for tag in sorted(set(tags))]
    if category_id is not None:
        keys.insert(0, f"c:{int(category_id)}")
    return keys
