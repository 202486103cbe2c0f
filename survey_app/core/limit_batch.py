"""One round trip to the rate-limit counters per request, however many limits the request meets.

Flask-Limiter checks a request's limits one after another, each with an INCR of its own in
Redis: a rating, which meets two (per client address and per form; per device and per address),
paid two round trips. This strategy takes Flask-Limiter's place: the first time it is asked for a
hit in a request, it increments every counter that the request's rules name (core/limits.py
plans them as Flask-Limiter will ask) in one Redis pipeline, and answers that hit and the
request's later ones from the counts it got. Flask-Limiter still decides, refuses and falls back
to counting in memory when Redis is down (a failed pipeline is raised to it like a failed INCR).

What is counted and refused stays the same, but for one thing: a request refused by its first
limit is counted in its others too (Flask-Limiter would stop at the first), so a flood is counted
a little more strictly, never less.
"""

from collections.abc import Callable

from flask import g
from limits import RateLimitItem
from limits.storage import RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import NoScriptError

# (limit, identifiers) of each hit the current request will ask for, in any order.
Plan = list[tuple[RateLimitItem, tuple[str, ...]]]
COUNTS_KEY = "_survey_limit_counts"


class BatchedFixedWindow(FixedWindowRateLimiter):
    """Flask-Limiter's fixed window, its counters incremented together once per request."""

    def __init__(self, storage: Storage, plan: Callable[[], Plan]):
        super().__init__(storage)
        self._plan = plan

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        key = item.key_for(*identifiers)
        counts = g.get(COUNTS_KEY)
        if counts is None:
            counts = self._count_planned(key) if cost == 1 else {}
            setattr(g, COUNTS_KEY, counts)
        if cost == 1 and key in counts:
            return counts.pop(key) <= item.amount
        return super().hit(item, *identifiers, cost=cost)

    def _count_planned(self, asked: str) -> dict[str, int]:
        """Every planned counter incremented, in one round trip to Redis; nothing at all when the
        plan does not hold the hit asked for (then each hit is counted by itself, as before)."""
        planned = {item.key_for(*ids): item.get_expiry() for item, ids in self._plan()}
        if asked not in planned or len(planned) < 2:
            return {}
        if not isinstance(self.storage, RedisStorage):
            return {key: self.storage.incr(key, expiry) for key, expiry in planned.items()}
        try:
            counts = self._incr_together(planned)
        except NoScriptError:  # Redis restarted empty: load the script, then once more
            script = self.storage.lua_incr_expire
            self.storage.get_connection().script_load(script.script)
            counts = self._incr_together(planned)
        return dict(zip(planned, counts, strict=True))

    def _incr_together(self, planned: dict[str, int]) -> list[int]:
        """limits' own INCR-and-expire script for each key, sent together. By its hash alone:
        a script registered with a pipeline would cost a SCRIPT EXISTS round trip each time."""
        script = self.storage.lua_incr_expire
        pipeline = self.storage.get_connection().pipeline(transaction=False)
        for key, expiry in planned.items():
            pipeline.evalsha(script.sha, 1, self.storage.prefixed_key(key), expiry, 1)
        return [int(count) for count in pipeline.execute()]
