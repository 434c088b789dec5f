"""Manifest texts: localized theme titles and descriptions, regions as names or objects."""

import json
import shutil

import pytest

from cms.config import PROJECT_ROOT
from cms.themes.manifest import ThemeError, load_manifest
from cms.themes.texts import Localized


@pytest.fixture
def app_config(app_config, tmp_path):
    """The bundled themes plus ``thirdparty``, whose manifest gives plain region names."""
    folder = tmp_path / "installed"
    shutil.copytree(PROJECT_ROOT / "themes", folder)
    (folder / "thirdparty").mkdir()
    (folder / "thirdparty" / "theme.json").write_text(
        json.dumps({"name": "thirdparty", "title": "Third", "regions": ["sidebar", "promo_box"]}),
        encoding="utf-8",
    )
    return {**app_config, "THEMES_DIR": str(folder)}


def manifest(tmp_path, data):
    folder = tmp_path / data.get("name", "thirdparty")
    folder.mkdir()
    (folder / "theme.json").write_text(json.dumps(data), encoding="utf-8")
    return load_manifest(folder)


def test_a_localized_text_picks_the_language_then_english():
    text = Localized.parse({"en": "Portal", "vi": "Cổng thông tin"})
    assert (text.text("vi"), text.text("en"), text.text("fr")) == (
        "Cổng thông tin",
        "Portal",
        "Portal",
    )
    assert Localized.parse("Plain").text("vi") == "Plain"
    assert not Localized.parse("")


def test_plain_region_names_of_a_third_party_theme_still_work(tmp_path, app):
    theme = manifest(
        tmp_path,
        {
            "name": "thirdparty",
            "title": "Third",
            "regions": ["header", "sidebar_left", "promo_box"],
        },
    )
    assert theme.regions == ("header", "sidebar_left", "promo_box")
    with app.test_request_context():
        assert str(theme.title) == "Third"
        assert [theme.region(r).title for r in theme.regions] == [
            "Top of the page",
            "Left column",
            "Promo box",
        ]
        assert [theme.region(r).area for r in theme.regions] == ["top", "left", "main"]
        assert theme.region("header").description


def test_region_objects_give_their_own_words_and_area(tmp_path, app):
    theme = manifest(
        tmp_path,
        {
            "name": "thirdparty",
            "title": {"en": "Third", "vi": "Thứ ba"},
            "regions": [
                {
                    "name": "promo",
                    "title": {"en": "Promotions", "vi": "Khuyến mãi"},
                    "description": "Under the menu.",
                    "area": "top",
                }
            ],
        },
    )
    assert theme.regions == ("promo",)
    region = theme.region("promo")
    assert (region.given_title.text("vi"), region.description, region.area) == (
        "Khuyến mãi",
        "Under the menu.",
        "top",
    )
    assert theme.title.text("vi") == "Thứ ba"


@pytest.mark.parametrize(
    "regions",
    [
        [{"title": "No name"}],
        [{"name": "Bad Name"}],
        [{"name": "x", "area": "middle"}],
        [{"name": "x", "title": ["list"]}],
        [3],
    ],
)
def test_bad_region_declarations_are_refused(tmp_path, regions):
    with pytest.raises(ThemeError):
        manifest(tmp_path, {"name": "thirdparty", "regions": regions})


def test_the_widgets_screen_reads_well_for_plain_region_names(signed_in, client, app):
    app.config["LOCALE"] = "vi"
    signed_in("admin")
    html = client.get("/admin/widgets?theme=thirdparty").text
    assert '<h2 id="region-sidebar-title">Cột bên <small' in html
    assert "Bên cạnh nội dung trên màn hình rộng" in html
    assert '<h2 id="region-promo_box-title">Promo box <small' in html
    assert '<a class="page-map__region" href="#region-sidebar">Cột bên</a>' in html
    assert '<a class="page-map__region" href="#region-promo_box">Promo box</a>' in html
