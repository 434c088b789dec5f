"""Background jobs: queued at once, run after, failures logged, a full queue drops."""

from __future__ import annotations

import threading
import time

from cms import background


def test_a_job_runs_after_the_caller_returns_and_a_failure_is_logged(caplog):
    gate = threading.Event()
    done: list[int] = []

    def slow(value: int) -> None:
        gate.wait(5)
        done.append(value)

    def broken() -> None:
        raise RuntimeError("the other server said no")

    started = time.monotonic()
    assert background.later("slow job", slow, 7)
    assert background.later("broken job", broken)
    assert time.monotonic() - started < 0.5
    assert done == []
    gate.set()
    assert background.wait(5)
    assert done == [7]
    assert "background job broken job failed" in caplog.text
    assert "the other server said no" in caplog.text


def test_a_full_queue_drops_the_job_with_a_warning(monkeypatch, caplog):
    gate = threading.Event()
    monkeypatch.setattr(background, "_jobs", background.queue.Queue(1))
    monkeypatch.setattr(background, "_threads", background.THREADS)  # no thread takes jobs
    assert background.later("first", gate.wait, 1)
    assert not background.later("second", gate.wait, 1)
    assert "background queue full: second dropped" in caplog.text
