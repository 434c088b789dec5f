"""The example plugins translate every string they show, and ship the compiled catalogue."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.plugins.examples import EXAMPLES


@pytest.mark.parametrize(
    ("project", "package"), [("cms-helpful", "cms_helpful"), ("cms-latest", "cms_latest")]
)
def test_every_string_is_in_vietnamese_and_the_mo_is_compiled_from_the_po(
    project, package, tmp_path
):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
        cwd=EXAMPLES / project,
        check=True,
    )
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    assert wanted, "no string found: babel.cfg must name the package"
    folder = EXAMPLES / project / package / "translations" / "vi" / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh, locale="vi") if m.id and not m.fuzzy}
    assert sorted(i for i in wanted if not po.get(i)) == []
    with (folder / "messages.mo").open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert mo == po  # what ships says what the .po says
