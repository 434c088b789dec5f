"""The clock plugin: the date line as the reference page writes it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cms import generations
from cms.extensions import db
from cms.models import WidgetInstance
from plugins.clock.formatting import date_line

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("moment", "locale", "fmt", "text"),
    [
        (
            datetime(2020, 5, 14, 10, 13, 21, tzinfo=HANOI),
            "vi",
            "long",
            "Thứ 5 Ngày 14/5/2020, 10:13:21 AM",
        ),
        (
            datetime(2020, 5, 17, 0, 5, 9, tzinfo=HANOI),
            "vi",
            "long",
            "Chủ nhật Ngày 17/5/2020, 12:05:09 AM",
        ),
        (
            datetime(2020, 5, 18, 13, 0, 0, tzinfo=HANOI),
            "vi",
            "long",
            "Thứ 2 Ngày 18/5/2020, 1:00:00 PM",
        ),
        (
            datetime(2020, 5, 14, 10, 13, 21, tzinfo=HANOI),
            "en",
            "long",
            "Thursday, 14 May 2020, 10:13:21 AM",
        ),
        (datetime(2020, 5, 14, 10, 13, 21, tzinfo=HANOI), "vi", "date", "Thứ 5 Ngày 14/5/2020"),
        (datetime(2020, 5, 14, 22, 13, 21, tzinfo=HANOI), "vi", "time", "10:13:21 PM"),
    ],
)
def test_date_line(moment, locale, fmt, text):
    assert date_line(moment, locale, fmt) == text


def place_clock(app, settings=None):
    with app.app_context():
        instance = WidgetInstance(
            plugin="clock",
            widget_type="dateline",
            theme="default",
            region="header",
            settings=settings or {},
            title="",
        )
        db.session.add(instance)
        generations.bump(generations.WIDGETS)
        db.session.commit()
        return instance.id


def test_the_date_line_renders_in_the_site_time_zone(app, client, monkeypatch):
    app.config["LOCALE"] = "vi"
    wid = place_clock(app)
    html = client.get("/").text
    assert f'data-widget="clock.dateline" data-widget-id="{wid}"' in html
    assert 'data-zone="Asia/Ho_Chi_Minh"' in html
    now = datetime.now(HANOI)
    assert f"Ngày {now.day}/{now.month}/{now.year}" in html
    assert "/plugins/clock/static/clock.js?v=" in html


def test_the_clock_is_live_not_cached(app, client):
    import re

    place_clock(app, {"format": "time"})
    first = re.search(r'data-epoch="(\d+)"', client.get("/").text).group(1)
    import time

    time.sleep(1.05)  # shared by every reader for at most a second (live_max_age)
    second = re.search(r'data-epoch="(\d+)"', client.get("/").text).group(1)
    assert int(second) > int(first)


def test_an_unknown_format_setting_falls_back_to_long(app, client):
    place_clock(app, {"format": "bogus"})
    assert 'data-format="long"' in client.get("/").text
