"""Live widgets that proved fast render in the request's own thread, watched by a watchdog.

Handing a render to a widget thread (:class:`cms.plugins.widgets.WidgetPool`)
is what lets a page leave a slow widget behind, but it costs more than most
live widgets take (a thread switch and a request context each way), on every
page served from the page cache. So a live widget type renders in the pool
until it has proved fast there (:data:`PROVEN_AFTER` renders in a row, each
within :data:`FAST_SHARE` of its time budget); from then on it renders in the
request's thread. A watchdog thread checks those renders about every
:data:`TICK` seconds: one still running past its budget is reported at once
(counted against its plugin, which is paused after repeated failures, in
every worker) and its type goes back to the pool, as does a type whose inline
render raised or ran over. So a widget that starts to hang holds at most the
requests already in its thread; the next ones leave it behind within its budget.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

#: Renders in a row, each fast, before a widget type renders in the request's thread.
PROVEN_AFTER = 20
#: Share of its time budget a render may take and still count as fast.
FAST_SHARE = 0.25
#: Seconds between two looks of the watchdog.
TICK = 0.1


class InlineRenders:
    """Which live widget types render inline, and the watchdog of those renders (per process)."""

    def __init__(
        self, proven_after: int = PROVEN_AFTER, fast_share: float = FAST_SHARE, tick: float = TICK
    ) -> None:
        self.proven_after = max(1, int(proven_after))
        self.fast_share = float(fast_share)
        self.tick = float(tick)
        self._lock = threading.Lock()
        self._fast_in_a_row: dict[str, int] = {}
        self._watched: dict[int, tuple[float, str, Callable[[], None]]] = {}
        self._next_id = 0
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    def may_inline(self, widget_type: str) -> bool:
        """Whether ``widget_type`` (``plugin.type``) has proved fast enough to render inline."""
        return self._fast_in_a_row.get(widget_type, 0) >= self.proven_after

    def pooled(self, widget_type: str, seconds: float, budget: float, ok: bool) -> None:
        """Note a pool render of ``widget_type``: ``seconds`` taken of ``budget``, and ``ok``."""
        with self._lock:
            if ok and seconds <= budget * self.fast_share:
                self._fast_in_a_row[widget_type] = self._fast_in_a_row.get(widget_type, 0) + 1
            else:
                self._fast_in_a_row[widget_type] = 0

    def distrust(self, widget_type: str) -> None:
        """Send ``widget_type`` back to the pool until it proves fast again."""
        with self._lock:
            self._fast_in_a_row[widget_type] = 0

    @contextmanager
    def watched(
        self, widget_type: str, budget: float, overrun: Callable[[], None]
    ) -> Iterator[None]:
        """Run the body as an inline render of ``widget_type`` with ``budget`` seconds.

        ``overrun()`` is called once (from the watchdog while the body still
        runs, or after it returned late) when the budget is exceeded; the type
        then goes back to the pool. An exception from the body does the same
        (without ``overrun``) and propagates.
        """
        self._ensure_watchdog()
        start = time.monotonic()
        with self._lock:
            self._next_id += 1
            token = self._next_id
            self._watched[token] = (start + budget, widget_type, overrun)
        failed = True
        try:
            yield
            failed = False
        finally:
            with self._lock:
                still = self._watched.pop(token, None)
            late = time.monotonic() - start > budget
            if failed or late:
                self.distrust(widget_type)
            if late and still is not None:  # the watchdog had not reported it yet
                overrun()

    def _ensure_watchdog(self) -> None:
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._watched.clear()  # a forked child does not inherit renders
                self._thread = threading.Thread(
                    target=self._watch, name="widget-watchdog", daemon=True
                )
                self._thread.start()

    def _watch(self) -> None:
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            with self._lock:
                late = [(t, item) for t, item in self._watched.items() if item[0] <= now]
                for token, _item in late:
                    del self._watched[token]
            for _token, (_deadline, widget_type, overrun) in late:
                self.distrust(widget_type)
                try:
                    overrun()
                except Exception:  # the watchdog must keep watching
                    log.exception("reporting the overrun of widget type %s failed", widget_type)
