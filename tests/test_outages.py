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
