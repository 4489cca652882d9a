"""Heavy views computed once for everyone who asks within a few seconds (the desk at national scale).

A heavy page's data is kept per key (the viewer's scope and filters, and the day) for
`view_cache_s` seconds (PLANTRACK_VIEW_CACHE_S; 0 turns it off). One request computes it while
the others asking for the same key wait for that result, so a burst of secretariats opening the
desk costs one computation; once it is past its seconds, the last snapshot is served while one
request reads it again (up to twice the seconds), so a refresh makes nobody wait. Every write
this process commits clears it (`api.deps.get_session`), so one's own action shows at once;
writes of other processes (another worker, the CLI, the daily job) show within about
`view_cache_s`. The page says when its figures were taken.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.types import utcnow

MAX_KEYS = 256  # the oldest keys go first beyond this (34 provinces × a few plan filters)


@dataclass(frozen=True)
class Snapshot:
    value: Any
    taken_at: datetime  # aware UTC: when the data was read
    taken: float  # the monotonic clock's reading then


class Snapshots:
    """Values by key, each for `ttl` seconds, computed once however many ask at a time."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._kept: OrderedDict[Hashable, Snapshot] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self._generation = 0  # moved by `changed`: a computation begun before it is not kept

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Snapshot:
        """The kept snapshot of `key` while fresh, else a new one from `compute()`, once at a time a key.

        A snapshot past its seconds (but younger than twice them) is still served to those who ask
        while one request reads it again, so nobody waits on a refresh; only a missing one is waited for.
        """
        if self.ttl <= 0:
            return Snapshot(compute(), utcnow(), self.clock())
        kept = self._kept_of(key)
        if kept is not None and self._age(kept) < self.ttl:
            return kept
        lock = self._lock_of(key)
        if kept is not None and self._age(kept) < 2 * self.ttl:
            if not lock.acquire(blocking=False):
                return kept  # being read again by another request: this one serves the last
            try:
                return self._compute(key, compute)
            finally:
                lock.release()
        with lock:
            kept = self._kept_of(key)  # another request may have read it while we waited
            if kept is not None and self._age(kept) < self.ttl:
                return kept
            return self._compute(key, compute)

    def _compute(self, key: Hashable, compute: Callable[[], Any]) -> Snapshot:
        generation = self._generation
        snapshot = Snapshot(compute(), utcnow(), self.clock())
        with self._guard:
            if generation == self._generation:  # no write committed meanwhile: keep it
                self._kept[key] = snapshot
                self._kept.move_to_end(key)
                while len(self._kept) > MAX_KEYS:
                    self._kept.popitem(last=False)
        return snapshot

    def changed(self) -> None:
        """Something was written: forget every snapshot (and any being computed)."""
        with self._guard:
            self._generation += 1
            self._kept.clear()

    def _kept_of(self, key: Hashable) -> Snapshot | None:
        with self._guard:
            return self._kept.get(key)

    def _age(self, snapshot: Snapshot) -> float:
        return self.clock() - snapshot.taken

    def _lock_of(self, key: Hashable) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())
