"""One warning per spell of failures of a shared service, not one per request.

A service that many requests use (the shared cache in Redis) fails for every
one of them while it is down: logging each failure would bury the log (and
fill the disk) during an outage. :func:`failed` logs the first failure of a
spell as a warning and the rest at debug level; :func:`answered` ends the
spell, with a line saying so. Spells are per process: each worker says it
once. :func:`resting` makes a circuit breaker of it: callers leave a service
that failed alone for a few seconds, so one that hangs until its timeout (a
frozen Redis) costs one request per spell, not every request.
"""

from __future__ import annotations

import logging
import threading
import time

#: The name :mod:`cms.extensions`' ``cache`` (Flask-Caching; Redis when configured) goes by.
SHARED_CACHE = "the shared cache"

_failing: set[str] = set()
#: Service -> ``time.monotonic()`` of its last failure, while it is failing.
_failed_at: dict[str, float] = {}
_lock = threading.Lock()


def failed(logger: logging.Logger, service: str, exc: BaseException) -> None:
    """Note that ``service`` (a short name, e.g. ``"the shared cache"``) failed with ``exc``."""
    with _lock:
        first = service not in _failing
        _failing.add(service)
        _failed_at[service] = time.monotonic()
    if first:
        logger.warning("%s is unreachable (%s); going on without it", service, exc)
    else:
        logger.debug("%s is still unreachable: %s", service, exc)


def answered(logger: logging.Logger, service: str) -> None:
    """Note that ``service`` answered; logs the end of a spell of failures (cheap otherwise)."""
    if service not in _failing:  # the usual case: no lock taken
        return
    with _lock:
        was = service in _failing
        _failing.discard(service)
        _failed_at.pop(service, None)
    if was:
        logger.warning("%s answers again", service)


def resting(service: str, seconds: float) -> bool:
    """Whether ``service`` failed less than ``seconds`` ago: skip it meanwhile.

    Once ``seconds`` passed, the next caller tries it again: :func:`failed`
    starts another rest, :func:`answered` ends the spell.
    """
    since = _failed_at.get(service)
    return since is not None and time.monotonic() - since < seconds
