"""``cms demo`` adds the "Liên kết website" group; the plugin's own catalogues are complete."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from cms.content import set_setting
from cms.extensions import db
from cms.models import WidgetInstance
from plugins.links.models import Link, LinkGroup

PACKAGE = Path(__file__).resolve().parent.parent


def test_the_demo_adds_fictional_links(app, runner, client):
    result = runner.invoke(args=["cms", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        groups = db.session.execute(select(LinkGroup)).scalars().all()
        assert [g.title for g in groups] == ["Liên kết website"]
        links = db.session.execute(select(Link).order_by(Link.position)).scalars().all()
        assert len(links) >= 6
        assert [link.position for link in links] == list(range(len(links)))
        for link in links:
            host = urlsplit(link.url).hostname
            assert link.url.startswith("https://")
            assert host.endswith(".example.vn"), link.url  # never a real government domain
            assert link.active
        titles = [link.title for link in links]
        assert any(t.startswith("Cổng thông tin điện tử tỉnh") for t in titles)
        assert any(t.startswith("Bộ ") for t in titles)
        placed = (
            db.session.execute(select(WidgetInstance).where(WidgetInstance.plugin == "links"))
            .scalars()
            .all()
        )
        assert {(w.theme, w.region) for w in placed} == {
            ("default", "sidebar"),
            ("portal", "sidebar_left"),
        }
        assert {w.title for w in placed} == {"Liên kết website"}
        assert all(w.settings["display"] == "jump" for w in placed)
        first = (links[0].id, links[0].url)
        count = len(links)
        set_setting("locale", "vi")
        db.session.commit()
    html = client.get("/").text
    assert "Liên kết website" in html
    assert '<button class="links-jump__go" type="submit">Đi</button>' in html
    assert len(re.findall(r'<option value="\d+" data-go="/links/go/\d+">', html)) == count
    answer = client.get(f"/links/go/{first[0]}")
    assert answer.headers["Location"] == first[1]


def messages(path: Path) -> dict[object, object]:
    """``{msgid: msgstr}`` of a ``.po``, ``.pot`` or ``.mo`` file (plurals as tuples)."""
    with path.open("rb") as handle:
        catalog = read_mo(handle) if path.suffix == ".mo" else read_po(handle)

    def key(value: object) -> object:
        """A hashable id or string (Babel gives plurals as lists or tuples)."""
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def test_every_string_has_a_vietnamese_and_an_english_translation(tmp_path):
    import subprocess
    import sys

    pybabel = Path(sys.executable).parent / "pybabel"
    pot = tmp_path / "links.pot"
    subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [str(pybabel), "-q", "extract", "-F", str(PACKAGE / "babel.cfg"), "-k", "_l"]
        + ["-o", str(pot), "."],
        cwd=PACKAGE.parent.parent,
        check=True,
    )
    wanted = set(messages(pot))
    assert "Go" in wanted
    for locale in ("vi", "en"):
        folder = PACKAGE / "translations" / locale / "LC_MESSAGES"
        po, mo = messages(folder / "messages.po"), messages(folder / "messages.mo")
        assert sorted(map(str, wanted - set(po))) == [], locale
        assert all(po[m] for m in wanted), locale
        assert po == mo, f"{locale}: compile the catalogue again (pybabel compile)"
    vi = messages(PACKAGE / "translations" / "vi" / "LC_MESSAGES" / "messages.po")
    assert vi["Go"] == "Đi"
    assert vi["Website links"] == "Liên kết website"
