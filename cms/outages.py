"""One warning per spell of failures of a shared service, not one per request.

A service that many requests use (the shared cache in Redis) fails for every
one of them while it is down: logging each failure would bury the log (and
fill the disk) during an outage. :func:`failed` logs the first failure of a
spell as a warning and the rest at debug level; :func:`answered` ends the
spell, with a line saying so. Spells are per process: each worker says it
once.
"""

from __future__ import annotations

import logging
import threading

#: The name :mod:`cms.extensions`' ``cache`` (Flask-Caching; Redis when configured) goes by.
SHARED_CACHE = "the shared cache"

_failing: set[str] = set()
_lock = threading.Lock()


def failed(logger: logging.Logger, service: str, exc: BaseException) -> None:
    """Note that ``service`` (a short name, e.g. ``"the shared cache"``) failed with ``exc``."""
    with _lock:
        first = service not in _failing
        _failing.add(service)
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
    if was:
        logger.warning("%s answers again", service)
