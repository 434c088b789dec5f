"""The back-office report of the stats plugin, under ``/admin/plugins/stats/``."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from plugins.stats import report


def _period() -> int:
    raw = request.args.get("days", "")
    return int(raw) if raw.isdigit() and int(raw) in report.PERIODS else report.PERIODS[0]


def index() -> Any:
    """The report: a chart of visits and page views per day, top lists, crawler share."""
    period = _period()
    found = report.build(period)
    return render_template(
        "stats/admin/report.html",
        report=found,
        chart=report.chart(found.days),
        period=period,
        periods=report.PERIODS,
    )


def export_csv() -> Response:
    """The report of the chosen period as a CSV download (formula cells neutralised)."""
    period = _period()
    body = report.csv_text(report.build(period))
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="stats-{period}-days.csv"'},
    )
