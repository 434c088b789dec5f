"""Text clean-up shared by every input path: NFC, control characters, search folding."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]*>")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ł": "l", "ø": "o", "æ": "ae"})


def clean_text(value: str, *, single_line: bool = False) -> str:
    """Return ``value`` in NFC, without control characters or lone surrogates.

    Vietnamese arrives both precomposed (NFC) and decomposed (NFD, from some
    macOS and mobile keyboards); storing one form keeps search, slugs and
    uniqueness checks consistent.
    """
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL.sub("", value)
    if single_line:
        value = _SPACES.sub(" ", value).strip()
    return value


def fold(value: str) -> str:
    """Fold text for search: lower case, without diacritics, ``đ`` as ``d``, words by spaces."""
    value = unicodedata.normalize("NFD", value.lower().translate(_FOLD_EXTRA))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = "".join(ch if ch.isalnum() else " " for ch in value)
    return _SPACES.sub(" ", value).strip()


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML fragment (tags dropped, entities kept as is)."""
    from html import unescape

    return _SPACES.sub(" ", unescape(_TAGS.sub(" ", html))).strip()


def excerpt(text: str, length: int = 200) -> str:
    """Cut ``text`` at a word boundary near ``length`` characters, adding an ellipsis."""
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"
