"""Text clean-up shared by every input path: NFC, forbidden characters, search folding."""

from __future__ import annotations

import re
import unicodedata
from html import unescape

from cms.models.types import FORBIDDEN_CHARS, strip_forbidden

__all__ = [
    "FORBIDDEN_CHARS",
    "clean_text",
    "excerpt",
    "fold",
    "html_to_text",
    "stored_length",
    "strip_forbidden",
]

_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]*>")
_FOLD_EXTRA = str.maketrans(
    {"đ": "d", "Đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i"}
)


def clean_text(value: str, *, single_line: bool = False) -> str:
    """Return ``value`` as it is stored: NFC, without the characters XML cannot carry.

    Vietnamese arrives both precomposed (NFC) and decomposed (NFD, from some
    macOS and mobile keyboards); storing one form keeps search, slugs,
    uniqueness checks and length limits consistent. Removed: what XML 1.0
    forbids (C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF),
    plus DEL, C1 controls and noncharacters (see :data:`FORBIDDEN_CHARS`), so
    that every stored text can go into a feed. ``single_line`` also collapses
    runs of white space (line breaks included) into one space and trims.
    """
    value = unicodedata.normalize("NFC", strip_forbidden(value))
    if single_line:
        value = _SPACES.sub(" ", value).strip()
    return value


def stored_length(value: str, *, single_line: bool = False) -> int:
    """How many characters ``value`` takes once cleaned by :func:`clean_text`.

    Length limits count this (characters after NFC normalisation), never the
    code points that were typed: a 120-character Vietnamese title typed in
    NFD has up to 360 code points but is stored as 120.
    """
    return len(clean_text(value, single_line=single_line))


def fold(value: str) -> str:
    """Fold text for search: :func:`fold_case`, then without diacritics, ``đ`` as ``d``.

    ``"Phòng chống ＣＯＶＩＤ-19 năm ２０２４"`` -> ``"phong chong covid 19 nam 2024"``.
    Diacritics are the marks of the Unicode "Combining Diacritical Marks"
    blocks (Latin, Vietnamese, Greek, Cyrillic), Hebrew points and Arabic
    harakat, as search engines commonly drop them; the marks that other
    scripts spell with (Thai and Indic vowel signs, kana voicing marks) stay.
    Letters that do not decompose (``đ``, ``ł``, ``ø``, ``æ``, ``œ``, ``ı``)
    are mapped by hand. The search index stores this form, so a change here
    needs a migration that re-folds stored articles.
    """
    value = _DIACRITICS.sub("", unicodedata.normalize("NFD", fold_case(value)))
    return unicodedata.normalize("NFC", value.translate(_FOLD_EXTRA))


#: Marks that :func:`fold` removes (see there), after canonical decomposition.
_DIACRITICS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8"
    "\u06ea-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)

#: Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): soft hyphen,
#: zero-width and bidi controls, variation selectors, fillers. Removed, never separators.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)


def fold_case(value: str) -> str:
    """Fold text for exact comparison: compatibility forms and case, diacritics kept.

    Follows Unicode NFKC_Casefold (UAX #44, DerivedNormalizationProps.txt):
    compatibility decomposition (fullwidth and halfwidth forms, ligatures,
    super- and subscripts, circled and other enclosed digits, every Unicode
    space, compatibility Hangul jamo, Arabic presentation forms), full case
    folding (``ß`` -> ``ss``), default-ignorable characters removed. Then
    everything but letters, digits and the marks that follow them becomes a
    word separator; words are joined by one space, in NFC.
    ``"Cải CÁCH ﬁnance"`` -> ``"cải cách finance"``.
    """
    value = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", value).casefold())
    value = _IGNORABLE.sub("", value)
    out: list[str] = []
    previous_is_word = False
    for ch in value:
        kind = unicodedata.category(ch)[0]
        if kind in "LN" or (kind == "M" and previous_is_word):
            out.append(ch)
            previous_is_word = True
        elif kind != "M":
            out.append(" ")
            previous_is_word = False
    value = unicodedata.normalize("NFC", "".join(out))
    return " ".join(value.split())


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML fragment (tags dropped, entities decoded)."""
    return _SPACES.sub(" ", strip_forbidden(unescape(_TAGS.sub(" ", html)))).strip()


def excerpt(text: str, length: int = 200) -> str:
    """Cut ``text`` at a word boundary near ``length`` characters, adding an ellipsis."""
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
