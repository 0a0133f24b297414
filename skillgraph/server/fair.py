"""Fair share of the query workers between clients.

Without it the workers go first come, first served, and 20 clients sending cross joins
kept every worker busy: everyone else waited for the timeout and got 503.  Here:

- a client (an address) may have ``per_client`` queries running and ``queue`` more
  waiting; beyond that it gets 429 with Retry-After at once;
- an idle worker goes to the waiting query whose client has used workers least lately
  (seconds of worker time, decaying with a half-life of :data:`HALF_LIFE`; ties: the
  query that came first).  How long a query has waited does not count: 20 clients sending
  cross joins wait for seconds each, and counting that put a cheap query behind all of
  them (measured: 5–10 s).  A heavy client is not starved for good: its usage halves every
  minute, and every query served adds to its client's;
- the last ``reserve`` idle workers go only to clients with no query that ran long lately
  (at most :data:`HEAVY_SECONDS` of such, decayed: one long query makes a client heavy
  for about a minute): clients sending cross joins share what is left, so a cheap query
  finds a worker at once.  The reserve is kept only while light clients are about (one
  asked in the last :data:`LIGHT_WINDOW` seconds): when every query runs long (an
  overloaded machine) it would otherwise sit idle while all of them wait;
- a light client's query that has waited half its time for a worker goes first (oldest
  first): the order by usage is there to keep heavy clients from crowding out light ones,
  not to pass over a light client that happened to use a little more until it is refused.
  Measured under 16 light clients on 3 workers with a 1.5 s wait: 1–9 of 800 requests got
  503, SPARQL p99 1.5 s (the wait limit), without it.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Generic, TypeVar

HALF_LIFE = 60.0  # seconds for a client's past worker time to count half
HEAVY_SECONDS = 0.5  # recent seconds in long queries past which a client is "heavy"
LIGHT_WINDOW = 10.0  # the reserve is kept while a light client asked this recently

T = TypeVar("T")


class TooMany(Exception):
    """The client already has as many queries running and waiting as it may."""


@dataclass
class _Waiter:
    seq: int  # arrival order
    client: str
    heavy: bool = False
    overdue_at: float = math.inf  # from then on a light query goes before the others


class FairPool(Generic[T]):
    """Idle items (workers) handed out by client usage, with per-client limits."""

    def __init__(
        self, per_client: int, queue: int, reserve: int = 0, light_window: float = LIGHT_WINDOW
    ) -> None:
        self.per_client = per_client
        self.queue = queue
        self.reserve = reserve
        self.light_window = light_window
        self._idle: list[T] = []
        self._cond = threading.Condition()
        self._waiting: list[_Waiter] = []
        self._running: dict[str, int] = defaultdict(int)
        self._usage: dict[str, tuple[float, float]] = {}  # client → (seconds, as of when)
        self._long: dict[str, tuple[float, float]] = {}  # the same, of long queries only
        self._seq = itertools.count()
        self._light_seen = -math.inf  # when a light client last asked for an item

    def usage(self, client: str, now: float | None = None, *, long: bool = False) -> float:
        seconds, when = (self._long if long else self._usage).get(client, (0.0, 0.0))
        now = time.monotonic() if now is None else now
        return seconds * math.pow(0.5, (now - when) / HALF_LIFE)

    def charge(self, client: str, seconds: float, *, long: bool = False) -> None:
        """Count ``seconds`` of worker time against ``client`` (``long``: the query ran
        long, which makes the client heavy for a while too)."""
        with self._cond:
            now = time.monotonic()
            for table, counts in ((self._usage, True), (self._long, long)):
                if not counts:
                    continue
                table[client] = (self.usage(client, now, long=table is self._long) + seconds,
                                 now)  # fmt: skip
                if len(table) > 10_000:  # forget the clients that count least
                    for key in sorted(table, key=lambda k: table[k][1])[:5_000]:
                        del table[key]

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
            heavy = self.usage(client, now, long=True) > HEAVY_SECONDS
            if not heavy:
                self._light_seen = now
            me = _Waiter(next(self._seq), client, heavy, now + timeout / 2)
            self._waiting.append(me)
            deadline = now + timeout
            try:
                while True:
                    if self._idle and self._first_eligible() is me:
                        self._running[client] += 1
                        return self._idle.pop()
                    now = time.monotonic()
                    left = deadline - now
                    if left <= 0:
                        return None
                    if self._idle:  # an idle item not ours: the order may change by itself
                        left = min(left, max(0.001, self._next_change(now) - now))
                    self._cond.wait(left)
            finally:
                self._waiting.remove(me)
                self._cond.notify_all()

    def _first_eligible(self) -> _Waiter | None:
        now = time.monotonic()
        spare = len(self._idle) > self.reserve or now - self._light_seen > self.light_window
        eligible = [
            w
            for w in self._waiting
            if self._running.get(w.client, 0) < self.per_client and (spare or not w.heavy)
        ]
        if not eligible:
            return None
        overdue = [w for w in eligible if not w.heavy and now >= w.overdue_at]
        if overdue:
            return min(overdue, key=lambda w: w.seq)
        usage = {c: self.usage(c, now) for c in {w.client for w in eligible}}
        return min(eligible, key=lambda w: (usage[w.client], w.seq))

    def _next_change(self, now: float) -> float:
        """When the hand-out order next changes with no item put or taken: a light query
        becomes overdue, or the reserve is given up (no light client about)."""
        changes = [w.overdue_at for w in self._waiting if w.overdue_at > now]
        given_up = self._light_seen + self.light_window
        if given_up > now:
            changes.append(given_up)
        return min(changes, default=math.inf)

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
