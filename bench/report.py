"""Read the raw wrk outputs of one ``bench/run.sh`` run and print its summary.

``python bench/report.py OUT --duration 10s --rounds 3 --connections 32`` reads, in
the results folder ``OUT``:

- ``runs.tsv``: one line per wrk run: ``part round target path file
  views_before views_after`` (tab-separated; ``part`` is ``main``, ``small``,
  ``big``, or ``without`` and ``with`` (the site without and with the plugin whose
  cost is measured); the views are ``-`` except for the article served from the
  page cache, and ``off`` there when no plugin counts views on that site);
- ``raw/*.txt``: wrk's output (``--latency``, plus ``Requests sent: N`` from
  ``bench/sent.lua``);
- ``memory.tsv``: ``part server pid rss_kb`` per gunicorn worker;
- ``targets-<part>.json``: the pages chosen by ``bench/targets.py``;
- ``notes.txt``: lines the script wants in the summary (skipped parts, timings).

It prints the summary and writes it to ``OUT/summary.txt``. Figures are medians
over the rounds; a ratio is the median of the per-round ratios, each taken
between runs of the same round (so a machine slower in one round affects both
sides alike). Budgets are those of DESIGN.md section 5.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import os
import platform
import re
import sqlite3
import statistics
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The yardstick every target is compared with in the main part.
YARDSTICK = "baseline-article"
#: DESIGN.md section 5: (target, least ratio to the yardstick, largest p99 in ms).
BUDGETS = (("article-cached", 1.0, 25.0), ("article", 0.25, 100.0))
#: DESIGN.md section 5: a page at 100,000 articles costs at most this times its cost at 100.
SCALE_BUDGET = 1.5
#: A plugin's cost on the article page: req/s with it at least this times without it.
PLUGIN_BUDGET = 0.9
#: Milliseconds per unit of a wrk duration.
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
#: What each target is, for the tables.
LABELS = {
    "article-cached": "article, page cache on",
    "article": "article, page cache off",
    "home": "home",
    "category": "category, page 1",
    "category-deep": "category, deep page",
    "tag": "tag",
    "search": "search, a common word",
    "api-articles": "/api/v1/articles",
    YARDSTICK: "bare Flask, same HTML (yardstick)",
    "hello": "bare Flask, hello world",
}

DURATION = re.compile(r"([\d.]+)(us|ms|s|m|h)\b")


@dataclass
class Wrk:
    """What one wrk run measured. Latencies in milliseconds; ``None`` when wrk printed none."""

    #: Answers received before the run ended (any status).
    requests: int = 0
    #: Answers per second.
    rps: float = 0.0
    p50: float | None = None
    p99: float | None = None
    #: Answers with a status of 400 or more (wrk's "Non-2xx or 3xx responses").
    non2xx: int = 0
    #: wrk's socket errors: ``{"connect": n, "read": n, "write": n, "timeout": n}``.
    socket_errors: dict[str, int] = field(default_factory=dict)
    #: Requests sent (``bench/sent.lua``), in flight at the end included; None if absent.
    sent: int | None = None

    @property
    def errors(self) -> int:
        """Socket errors of every kind."""
        return sum(self.socket_errors.values())


@dataclass
class Run:
    """One line of ``runs.tsv`` with its wrk result (``None`` if wrk gave nothing)."""

    part: str
    round: int
    target: str
    path: str
    wrk: Wrk | None
    views_before: int | None
    views_after: int | None
    #: Whether the site counts views (``off`` in ``runs.tsv``: the stats plugin is disabled).
    counts_views: bool = True


def to_ms(text: str) -> float | None:
    """``"531.29ms"`` -> 531.29; ``"1.02s"`` -> 1020.0; ``None`` if not a wrk duration."""
    found = DURATION.fullmatch(text.strip())
    return float(found[1]) * UNITS_MS[found[2]] if found else None


def parse_wrk(text: str) -> Wrk | None:
    """Parse wrk 4 output (with ``--latency``); ``None`` when it holds no result."""
    total = re.search(r"^\s*(\d+) requests in ", text, re.M)
    rate = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.M)
    if not total or not rate:
        return None
    result = Wrk(requests=int(total[1]), rps=float(rate[1]))
    for percent, attribute in (("50", "p50"), ("99", "p99")):
        found = re.search(rf"^\s*{percent}%\s+(\S+)", text, re.M)
        if found:
            setattr(result, attribute, to_ms(found[1]))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    result.non2xx = int(non2xx[1]) if non2xx else 0
    errors = re.search(r"Socket errors:(.*)", text)
    if errors:
        result.socket_errors = {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", errors[1])}
    sent = re.search(r"^Requests sent:\s*(\d+)", text, re.M)
    result.sent = int(sent[1]) if sent else None
    return result


def _count(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def read_runs(out: Path) -> list[Run]:
    """The runs listed in ``out/runs.tsv``, each with its parsed wrk output."""
    runs = []
    with (out / "runs.tsv").open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows, delimiter="\t"):
            raw = out / row["file"]
            text = raw.read_text(encoding="utf-8", errors="replace") if raw.is_file() else ""
            runs.append(
                Run(
                    part=row["part"],
                    round=int(row["round"]),
                    target=row["target"],
                    path=row["path"],
                    wrk=parse_wrk(text),
                    views_before=_count(row["views_before"]),
                    views_after=_count(row["views_after"]),
                    counts_views=row["views_before"] != "off",
                )
            )
    return runs


def median(values: Iterable[float | None]) -> float | None:
    """The median of the known values; ``None`` if none is known."""
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    """A figure for a table: thousands separated, ``-`` when unknown."""
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def side_by_side(
    left: Sequence[Run], right: Sequence[Run], value: Callable[[Wrk], float | None], digits: int
) -> list[str]:
    """The median ``value`` of ``left`` and of ``right``, formatted, as two table cells."""
    return [fmt(median(value(r.wrk) for r in runs if r.wrk), digits) for runs in (left, right)]


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table, columns padded; the first column left-aligned, the others right."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * widths[0]] + ["-" * (w - 1) + ":" for w in widths[1:]]
    return [line(header), "| " + " | ".join(rule) + " |", *(line(r) for r in rows)]


def by_target(runs: Iterable[Run], part: str) -> dict[str, list[Run]]:
    """The runs of ``part``, grouped by target, in the order first run."""
    grouped: dict[str, list[Run]] = {}
    for run in runs:
        if run.part == part:
            grouped.setdefault(run.target, []).append(run)
    return grouped


def per_round_ratio(
    top: Sequence[Run], bottom: Sequence[Run], value: Callable[[Wrk], float | None]
) -> float | None:
    """Median over rounds of ``value(top) / value(bottom)``, pairing runs of the same round."""
    below = {run.round: run.wrk for run in bottom}
    ratios = []
    for run in top:
        other = below.get(run.round)
        if run.wrk is None or other is None:
            continue
        upper, lower = value(run.wrk), value(other)
        if upper is not None and lower:
            ratios.append(upper / lower)
    return median(ratios)


def faults(target: str, runs: Sequence[Run]) -> list[str]:
    """Loud lines for the runs of ``target`` that got non-2xx answers, socket errors or nothing."""
    lines = []
    for run in runs:
        where = f"{run.part} round {run.round}, {target} ({run.path})"
        if run.wrk is None:
            lines.append(f"!!! {where}: wrk gave no result")
            continue
        if run.wrk.non2xx:
            lines.append(
                f"!!! {where}: {run.wrk.non2xx:,} of {run.wrk.requests:,} answers were "
                "errors (status >= 400): these figures do not measure a working page"
            )
        if run.wrk.errors:
            kinds = ", ".join(f"{k} {v:,}" for k, v in run.wrk.socket_errors.items() if v)
            lines.append(
                f"!!! {where}: socket errors: {kinds} (a timeout is a request unanswered "
                "after 30 s, counted once per check; its answer is not in the latency figures)"
            )
    return lines


def main_part(runs: list[Run]) -> list[str]:
    """The main table, the budgets, the views check."""
    grouped = by_target(runs, "main")
    if not grouped:
        return ["No run of the main part."]
    yardstick = grouped.get(YARDSTICK, [])
    rows, loud = [], []
    for target, target_runs in grouped.items():
        results = [r.wrk for r in target_runs if r.wrk is not None]
        ratio = per_round_ratio(target_runs, yardstick, lambda w: w.rps)
        non2xx = sum(w.non2xx for w in results)
        rows.append(
            [
                LABELS.get(target, target),
                fmt(median(w.rps for w in results)),
                " / ".join(fmt(r.wrk.rps if r.wrk else None, 0) for r in target_runs),
                fmt(median(w.p50 for w in results), 2),
                fmt(median(w.p99 for w in results), 2),
                fmt(ratio, 2, "x"),
                f"{non2xx:,} NON-2XX!" if non2xx else "0",
            ]
        )
        loud += faults(target, target_runs)
    header = ["target", "req/s", "by round", "p50 ms", "p99 ms", "vs. yardstick", "non-2xx"]
    lines = table(header, rows)
    lines += ["", *loud] if loud else []
    lines += ["", "Budgets (DESIGN.md section 5):"]
    for target, least, p99_max in BUDGETS:
        if target not in grouped:
            continue
        target_runs = grouped[target]
        ratio = per_round_ratio(target_runs, yardstick, lambda w: w.rps)
        p99 = median(r.wrk.p99 for r in target_runs if r.wrk is not None)
        met = ratio is not None and ratio >= least and p99 is not None and p99 < p99_max
        lines.append(
            f"  {LABELS[target]}: {fmt(ratio, 2, 'x')} of the yardstick (>= {least}x wanted), "
            f"p99 {fmt(p99, 1)} ms (< {p99_max:g} ms wanted): "
            + ("within budget" if met else "NOT WITHIN BUDGET")
        )
    lines += views_check(runs)
    return lines


def views_check(runs: Iterable[Run]) -> list[str]:
    """Views counted during each run of the cached article against the requests answered.

    wrk stops with up to one request per connection in flight; the server answers
    (and counts) them after wrk printed its totals. So the views must equal the
    answers wrk saw (its requests minus those with an error status) plus those in
    flight (requests sent minus requests received): MISMATCH otherwise.
    """
    lines = ["", "Views counted during the runs of the article served from the page cache:"]
    for run in runs:
        if run.target != "article-cached" or run.wrk is None:
            continue
        where = f"  {run.part} round {run.round}"
        if not run.counts_views:
            lines.append(f"{where}: not counted (the stats plugin, which counts views, is off)")
            continue
        if run.views_before is None or run.views_after is None:
            lines.append(f"{where}: views not read: MISMATCH (cannot check)")
            continue
        counted = run.views_after - run.views_before
        answered = run.wrk.requests - run.wrk.non2xx
        in_flight = (run.wrk.sent - run.wrk.requests) if run.wrk.sent is not None else 0
        expected = answered + in_flight
        verdict = "equal" if counted == expected else f"MISMATCH ({counted - expected:+,})"
        lines.append(
            f"{where}: views counted / requests answered: {counted:,} / {expected:,} "
            f"({answered:,} answered before wrk stopped + {in_flight:,} in flight then): {verdict}"
        )
    return lines


def scale_part(runs: list[Run], chosen: dict[str, dict]) -> list[str]:
    """Each page's cost at 100,000 articles relative to its cost at 100."""
    small, big = by_target(runs, "small"), by_target(runs, "big")
    if not small or not big:
        return []
    sizes = {part: chosen.get(part, {}).get("public_articles") for part in ("small", "big")}
    lines = [
        "",
        f"Cost as content grows: {fmt(sizes['small'], 0)} public articles (small) against "
        f"{fmt(sizes['big'], 0)} (big), measured in the same rounds. Cost = p50(big) / p50(small) "
        f"and req/s(small) / req/s(big), medians of per-round ratios; budget <= {SCALE_BUDGET}x.",
        "",
    ]
    rows, loud = [], []
    for target, small_runs in small.items():
        big_runs = big.get(target, [])
        p50_cost = per_round_ratio(big_runs, small_runs, lambda w: w.p50)
        rps_cost = per_round_ratio(small_runs, big_runs, lambda w: w.rps)
        costs = [c for c in (p50_cost, rps_cost) if c is not None]
        flat = bool(costs) and max(costs) <= SCALE_BUDGET
        non2xx = sum(r.wrk.non2xx for r in [*small_runs, *big_runs] if r.wrk is not None)
        rows.append(
            [
                LABELS.get(target, target),
                *side_by_side(small_runs, big_runs, lambda w: w.rps, 1),
                *side_by_side(small_runs, big_runs, lambda w: w.p50, 2),
                fmt(p50_cost, 2, "x"),
                fmt(rps_cost, 2, "x"),
                f"{non2xx:,} NON-2XX!" if non2xx else "0",
                "flat" if flat else "NOT FLAT",
            ]
        )
        loud += faults(target, small_runs) + faults(target, big_runs)
    header = [
        "target",
        "req/s small",
        "req/s big",
        "p50 ms small",
        "p50 ms big",
        "cost p50",
        "cost req/s",
        "non-2xx",
        "verdict",
    ]
    lines += table(header, rows)
    lines += ["", *loud] if loud else []
    return lines


def pages(chosen: dict[str, dict]) -> list[str]:
    """Which URL each target was, per part."""
    lines = ["", "Pages measured:"]
    for part, found in chosen.items():
        targets = ", ".join(f"{name} {path}" for name, path in found.get("targets", []))
        lines.append(f"  {part}: {targets}")
    return lines


def memory(out: Path) -> list[str]:
    """Resident memory (VmRSS) of each CMS worker, from ``memory.tsv``."""
    source = out / "memory.tsv"
    if not source.is_file():
        return []
    per_server: dict[str, list[str]] = {}
    with source.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows, delimiter="\t"):
            name = f"{row['part']} {row['server']}"
            per_server.setdefault(name, []).append(f"{int(row['rss_kb']) / 1024:,.1f} MB")
    lines = ["", "Resident memory (VmRSS) of each CMS gunicorn worker after the runs:"]
    lines += [f"  {name}: {', '.join(sizes)}" for name, sizes in per_server.items()]
    return lines


def version(package: str) -> str:
    """The installed version of ``package``, or ``?``."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def machine() -> str:
    """CPUs, CPU model, memory, and the versions that matter to the figures."""
    model, memory_kb = "?", 0
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    return (
        f"Machine: {os.cpu_count()} CPUs ({model}), {memory_kb / 1024 / 1024:.1f} GiB memory, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, gunicorn {version('gunicorn')}, "
        f"Flask {version('flask')}, Jinja2 {version('jinja2')}"
    )


def plugin_part(runs: list[Run], plugin: str) -> list[str]:
    """The article page with ``plugin`` against the same site without it, per round."""
    without, with_ = by_target(runs, "without"), by_target(runs, "with")
    if not plugin or not without or not with_:
        return []
    lines = [
        "",
        f"Cost of the plugin '{plugin}': the article page on a copy of the site with it "
        "enabled against one without it, measured in the same rounds (the order swaps "
        f"every round). Ratio = median of per-round req/s(with) / req/s(without); "
        f"budget >= {PLUGIN_BUDGET}x (within {100 - PLUGIN_BUDGET * 100:.0f} %).",
    ]
    rows, loud = [], []
    for target in ("article-cached", "article"):
        off, on = without.get(target, []), with_.get(target, [])
        ratio = per_round_ratio(on, off, lambda w: w.rps)
        rows.append(
            [
                LABELS.get(target, target),
                *side_by_side(off, on, lambda w: w.rps, 1),
                *side_by_side(off, on, lambda w: w.p99, 2),
                fmt(ratio, 2, "x"),
                "within budget"
                if ratio is not None and ratio >= PLUGIN_BUDGET
                else "NOT WITHIN BUDGET",
            ]
        )
        loud += faults(target, off) + faults(target, on)
    header = ["target", "req/s without", "req/s with", "p99 without", "p99 with", "ratio", ""]
    lines += ["", *table(header, rows)]
    return lines + (["", *loud] if loud else [])


def summary(out: Path, duration: str, rounds: str, connections: str, plugin: str = "") -> str:
    """The whole summary of the run in ``out``."""
    runs = read_runs(out)
    chosen = {}
    for part in ("main", "small", "big"):
        source = out / f"targets-{part}.json"
        if source.is_file():
            chosen[part] = json.loads(source.read_text(encoding="utf-8"))
    notes = out / "notes.txt"
    main_size = chosen.get("main", {}).get("public_articles")
    lines = [
        f"Load benchmark {out.name}: DURATION={duration} ROUNDS={rounds} "
        f"CONNECTIONS={connections}; wrk -t2 --latency --timeout 30s, browser User-Agent; "
        "every server: gunicorn, 2 sync workers, 127.0.0.1; SQLite, no Redis",
        machine(),
        f"Site: the demo portal, {fmt(main_size, 0)} public articles. Medians of the rounds; "
        "'vs. yardstick': median of the per-round req/s ratios to the bare Flask app "
        "serving the same HTML. Pages other than the first are served with the page "
        "cache off (CMS_PAGE_CACHE=0), to measure their rendering.",
        "",
        *main_part(runs),
        *scale_part(runs, chosen),
        *plugin_part(runs, plugin),
        *memory(out),
        *pages(chosen),
    ]
    if notes.is_file():
        lines += ["", "Notes:", *("  " + n for n in notes.read_text("utf-8").splitlines())]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the summary of a results folder and write it to ``summary.txt`` there."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the results folder of one run")
    parser.add_argument("--duration", default="?")
    parser.add_argument("--rounds", default="?")
    parser.add_argument("--connections", default="?")
    parser.add_argument("--plugin", default="", help="the plugin whose cost was measured")
    args = parser.parse_args(argv)
    text = summary(args.out, args.duration, args.rounds, args.connections, args.plugin)
    (args.out / "summary.txt").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
