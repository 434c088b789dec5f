"""The plugin's own vi and en catalogues: complete, consistent, and compiled as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cms.config import PROJECT_ROOT

PLUGIN = PROJECT_ROOT / "plugins" / "rating"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue(locale: str, suffix: str = "po"):
    path = PLUGIN / "translations" / locale / "LC_MESSAGES" / f"messages.{suffix}"
    with path.open("rb") as fh:
        return read_po(fh, locale=locale) if suffix == "po" else read_mo(fh)


def key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def strings(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Every string the plugin's code and templates show, as ``pybabel extract`` finds them."""
    pot = tmp_path_factory.mktemp("rating-pot") / "rating.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            str(PLUGIN / "babel.cfg"),
            "-k",
            "_l",
            "--ignore-dirs",
            ".* ._ node_modules instance tests",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
    )
    with pot.open("rb") as fh:
        return {key(m) for m in read_po(fh) if m.id}


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_string_is_translated(extracted, locale):
    found = {key(m): m for m in catalogue(locale) if m.id}
    assert sorted(extracted - set(found)) == []
    for message in found.values():
        assert not message.fuzzy, key(message)
        assert all(strings(message)), f"{key(message)} has no {locale} translation"


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_translations_keep_every_placeholder(locale):
    for message in catalogue(locale):
        if not message.id:
            continue
        wanted = set(PLACEHOLDER.findall(key(message)))
        for text in strings(message):
            assert set(PLACEHOLDER.findall(text)) == wanted, (key(message), text)


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_compiled_catalogue_says_what_the_source_says(locale):
    source = {key(m): strings(m) for m in catalogue(locale) if m.id}
    compiled = {key(m): strings(m) for m in catalogue(locale, "mo") if m.id}
    assert compiled == source


def test_the_reference_pages_words():
    vi = {key(m): strings(m)[0] for m in catalogue("vi") if m.id}
    assert vi["Rating:"] == "Đánh giá:"
    assert vi["votes: %(count)s, average: %(average)s"] == (
        "lượt đánh giá: %(count)s, trung bình: %(average)s"
    )
