"""A shared service that fails is logged once per spell of failures, not once per request."""

from __future__ import annotations

import logging

from cms import outages

log = logging.getLogger("tests.outages")


def test_a_spell_of_failures_is_one_warning_and_its_end_another(caplog):
    service = "the test service"
    with caplog.at_level(logging.DEBUG, logger="tests.outages"):
        for _ in range(50):
            outages.failed(log, service, ConnectionError("refused"))
        outages.answered(log, service)
        outages.answered(log, service)
        outages.failed(log, service, ConnectionError("refused again"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "the test service is unreachable (refused); going on without it",
        "the test service answers again",
        "the test service is unreachable (refused again); going on without it",
    ]
    assert sum(r.levelno == logging.DEBUG for r in caplog.records) == 49
    outages.answered(log, service)


def test_services_are_told_apart(caplog):
    with caplog.at_level(logging.WARNING, logger="tests.outages"):
        outages.failed(log, "one", OSError("a"))
        outages.failed(log, "two", OSError("b"))
        outages.answered(log, "one")
        outages.answered(log, "two")
    assert len(caplog.records) == 4


def test_a_failed_service_rests_for_its_back_off_then_is_tried_again(monkeypatch):
    service = "the resting service"
    clock = [100.0]
    monkeypatch.setattr(outages.time, "monotonic", lambda: clock[0])
    assert not outages.resting(service, 5)
    outages.failed(log, service, TimeoutError("slow"))
    assert outages.resting(service, 5)
    clock[0] += 4.9
    assert outages.resting(service, 5)
    clock[0] += 0.2  # the back-off is over: one caller tries again
    assert not outages.resting(service, 5)
    outages.failed(log, service, TimeoutError("still slow"))  # it fails: another rest
    assert outages.resting(service, 5)
    outages.answered(log, service)
    assert not outages.resting(service, 5)
