"""Comment text: cleaned once when stored, shown as escaped plain text with links.

Stored: NFC, without control characters (those XML forbids, DEL, C1) nor the
bidirectional embedding, override and isolate marks that can disguise text
(U+202A..U+202E, U+2066..U+2069), line breaks normalised to ``\\n`` and runs of
blank lines shortened. Shown: every character escaped, line breaks as
``<br>``, and ``http(s)://`` addresses as links that search engines do not
follow (``rel="nofollow ugc noopener"``).
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from cms.content.text import clean_text

#: Bidirectional formatting characters that can reorder what a reader sees.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_SPACE = re.compile(r"[ \t]+\n")
#: What is made a link: an http(s) address up to white space or a character that
#: usually ends a sentence rather than an address.
URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def clean_line(value: str) -> str:
    """A one-line text (a name, an email) as stored: cleaned, on one line, trimmed."""
    return clean_text(BIDI_CONTROLS.sub("", value), single_line=True)


def clean_body(value: str) -> str:
    """A comment as stored: cleaned, ``\\n`` line breaks, at most one blank line in a row."""
    text = clean_text(BIDI_CONTROLS.sub("", value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def count_links(value: str) -> int:
    """How many addresses :func:`as_html` would make links."""
    return len(URL.findall(value))


def as_html(value: str) -> Markup:
    """The stored comment ``value`` as HTML: escaped, links, ``<br>`` for line breaks."""
    parts: list[str] = []
    position = 0
    for match in URL.finditer(value):
        parts.append(str(escape(value[position : match.start()])))
        url = escape(match.group(0))
        parts.append(f'<a href="{url}" rel="nofollow ugc noopener">{url}</a>')
        position = match.end()
    parts.append(str(escape(value[position:])))
    html = "".join(parts).replace("\n", "<br>\n")
    return Markup(html)  # noqa: S704 (every piece was escaped above)
