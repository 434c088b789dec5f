"""The benchmark summary (``bench/report.py``) read from a results folder of wrk outputs.

The figures are made up; what is checked is that the summary pairs runs by
round, takes the medians, and says whether each budget is met.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPORT = Path(__file__).resolve().parents[1] / "bench" / "report.py"


@pytest.fixture(scope="module")
def report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_report", REPORT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _wrk(rps: float, p50_ms: float, p99_ms: float, non2xx: int = 0) -> str:
    text = (
        "Running 10s test @ http://127.0.0.1:8000/\n"
        "  Latency Distribution\n"
        f"     50%    {p50_ms}ms\n"
        f"     99%    {p99_ms}ms\n"
        f"  {int(rps * 10)} requests in 10.00s, 1.00MB read\n"
    )
    if non2xx:
        text += f"  Non-2xx or 3xx responses: {non2xx}\n"
    return text + f"Requests/sec:   {rps}\nRequests sent: {int(rps * 10)}\n"


def _folder(tmp_path: Path, runs: list[tuple[str, int, str, str]]) -> Path:
    """``runs``: (part, round, target, wrk text); written as ``bench/run.sh`` does."""
    lines = ["part\tround\ttarget\tpath\tfile\tviews_before\tviews_after"]
    for number, (part, round_, target, text) in enumerate(runs):
        name = f"{number}.txt"
        (tmp_path / name).write_text(text, encoding="utf-8")
        lines.append(f"{part}\t{round_}\t{target}\t/news/a\t{name}\toff\toff")
    (tmp_path / "runs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_the_main_part_compares_with_the_yardstick_round_by_round(report, tmp_path):
    out = _folder(
        tmp_path,
        [
            ("main", 1, "baseline-article", _wrk(1000, 2, 10)),
            ("main", 1, "article-cached", _wrk(1100, 2, 12)),
            ("main", 1, "article", _wrk(200, 9, 150)),
            ("main", 2, "baseline-article", _wrk(500, 2, 10)),
            ("main", 2, "article-cached", _wrk(600, 2, 12)),
            ("main", 2, "article", _wrk(100, 9, 150)),
        ],
    )
    text = report.summary(out, "10s", "2", "32")
    # Per round 1.1 and 1.2: the median of the ratios, not the ratio of the medians.
    assert "article, page cache on: 1.15x of the yardstick" in text
    cached = next(line for line in text.splitlines() if "page cache on:" in line)
    assert cached.endswith("within budget")
    assert "NOT" not in cached
    uncached = next(line for line in text.splitlines() if "page cache off:" in line)
    assert "p99 150.0 ms" in uncached
    assert uncached.endswith("NOT WITHIN BUDGET")


def test_the_plugin_and_scale_parts_give_their_verdicts(report, tmp_path):
    out = _folder(
        tmp_path,
        [
            ("without", 1, "article-cached", _wrk(1000, 2, 10)),
            ("with", 1, "article-cached", _wrk(950, 2, 11)),
            ("without", 1, "article", _wrk(200, 9, 40)),
            ("with", 1, "article", _wrk(150, 9, 50, non2xx=3)),
            ("small", 1, "home", _wrk(400, 4, 20)),
            ("big", 1, "home", _wrk(100, 16, 80)),
        ],
    )
    text = report.summary(out, "10s", "1", "32", plugin="stats")
    plugin_rows = [line for line in text.splitlines() if line.startswith("| article")]
    assert any("0.95x" in row and "within budget" in row for row in plugin_rows)
    assert any("0.75x" in row and "NOT WITHIN BUDGET" in row for row in plugin_rows)
    home = next(line for line in text.splitlines() if line.startswith("| home"))
    assert "4.00x" in home
    assert "NOT FLAT" in home


def test_a_missing_or_failed_run_is_shown_as_unknown(report, tmp_path):
    out = _folder(
        tmp_path,
        [
            ("main", 1, "baseline-article", _wrk(1000, 2, 10)),
            ("main", 1, "article-cached", "wrk: connection refused\n"),
        ],
    )
    text = report.summary(out, "10s", "1", "32")
    assert "article-cached (/news/a): wrk gave no result" in text
    verdict = next(line for line in text.splitlines() if "page cache on:" in line)
    assert ": - of the yardstick" in verdict
    assert verdict.endswith("NOT WITHIN BUDGET")
