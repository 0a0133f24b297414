"""Fair share of the query workers between clients.

Without it the workers go first come, first served, and 20 clients sending cross joins
kept every worker busy: everyone else waited for the timeout and got 503.  Here:

- a client (an address) may have ``per_client`` queries running and ``queue`` more
  waiting; beyond that it gets 429 with Retry-After at once;
- an idle worker goes to the waiting query that arrived first, where a query counts as
  arriving as many seconds late as its client has lately used workers (decaying with a
  half-life of :data:`HALF_LIFE`): a client sending cheap queries goes before one whose
  queries ran long, and no query waits behind later ones for longer than that.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

HALF_LIFE = 60.0  # seconds for a client's past worker time to count half

T = TypeVar("T")


class TooMany(Exception):
    """The client already has as many queries running and waiting as it may."""


@dataclass(order=True)
class _Waiter:
    due: float  # arrival time + the client's recent worker time
    seq: int
    client: str = field(compare=False)


class FairPool(Generic[T]):
    """Idle items (workers) handed out by client usage, with per-client limits."""

    def __init__(self, per_client: int, queue: int) -> None:
        self.per_client = per_client
        self.queue = queue
        self._idle: list[T] = []
        self._cond = threading.Condition()
        self._waiting: list[_Waiter] = []
        self._running: dict[str, int] = defaultdict(int)
        self._usage: dict[str, tuple[float, float]] = {}  # client → (seconds, as of when)
        self._seq = itertools.count()

    def usage(self, client: str, now: float | None = None) -> float:
        seconds, when = self._usage.get(client, (0.0, 0.0))
        now = time.monotonic() if now is None else now
        return seconds * math.pow(0.5, (now - when) / HALF_LIFE)

    def charge(self, client: str, seconds: float) -> None:
        """Count ``seconds`` of worker time against ``client``."""
        with self._cond:
            now = time.monotonic()
            self._usage[client] = (self.usage(client, now) + seconds, now)
            if len(self._usage) > 10_000:  # forget the clients that count least
                for key in sorted(self._usage, key=lambda k: self.usage(k, now))[:5_000]:
                    del self._usage[key]

    def put(self, item: T) -> None:
        with self._cond:
            self._idle.append(item)
            self._cond.notify_all()

    def take(self, client: str, timeout: float) -> T | None:
        """An idle item for ``client``'s query: None after ``timeout`` s; TooMany at once
        when the client already has its share running and waiting."""
        with self._cond:
            if sum(1 for w in self._waiting if w.client == client) >= self.queue:
                raise TooMany(client)
            now = time.monotonic()
            me = _Waiter(now + self.usage(client, now), next(self._seq), client)
            self._waiting.append(me)
            deadline = time.monotonic() + timeout
            try:
                while True:
                    if self._idle and self._first_eligible() is me:
                        self._running[client] += 1
                        return self._idle.pop()
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return None
                    self._cond.wait(left)
            finally:
                self._waiting.remove(me)
                self._cond.notify_all()

    def _first_eligible(self) -> _Waiter | None:
        eligible = [w for w in self._waiting if self._running[w.client] < self.per_client]
        return min(eligible) if eligible else None

    def done(self, client: str) -> None:
        """``client``'s query has given its item back (or had it retired)."""
        with self._cond:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._cond.notify_all()

    def drain(self) -> list[T]:
        with self._cond:
            items, self._idle = self._idle, []
            return items
