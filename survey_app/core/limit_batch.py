"""A request's rate limits checked in one round trip to Redis, without Flask-Limiter's generic
per-request machinery.

Flask-Limiter spent about a quarter of a kiosk rating's CPU finding the limits of a request
(its filters, exemption scopes, limit groups, a RequestLimit per limit), then an INCR round trip
per limit. core/limits.py declares every limit by blueprint, method and endpoint, so the limits
of a request are known from those three alone: this check takes them, sorted as Flask-Limiter
sorts them (shortest window first, else in declared order), and counts them in Redis with one
small script that stops at the first limit exceeded, as Flask-Limiter stops. What is counted,
under which keys, and what is refused are the same; the 429 is raised the same way, and its
Retry-After read from the counter refused.

Flask-Limiter stays for what is rare: once Redis fails, its fallback counts in each worker's
memory and watches for Redis to come back (this check then hands every request to it), and it
keeps the counters sign-in and password resets hit by hand.
"""

import hashlib
import logging
from collections.abc import Callable

from flask import abort, g
from flask_limiter import Limiter
from limits import RateLimitItem
from limits.storage import RedisStorage, Storage
from redis.exceptions import NoScriptError

# (limit, identifiers) of each hit the current request asks for, in the order checked.
Plan = list[tuple[RateLimitItem, tuple[str, ...]]]
REFUSED_KEY = "_survey_limit_refused"
LOG = logging.getLogger("flask-limiter")  # where Flask-Limiter logs a limit exceeded
# Each key's counter is incremented (its window starts with the first hit), until one exceeds
# its amount: the number of that key is returned, else 0. ARGV: expiry and amount per key.
INCR_UNTIL_EXCEEDED = """
for i, key in ipairs(KEYS) do
    local current = redis.call("incr", key)
    if current == 1 then
        redis.call("expire", key, ARGV[2 * i - 1])
    end
    if current > tonumber(ARGV[2 * i]) then
        return i
    end
end
return 0
"""
# The name Redis knows the script by.
SCRIPT_SHA = hashlib.sha1(INCR_UNTIL_EXCEEDED.encode(), usedforsecurity=False).hexdigest()


def install(limiter: Limiter, app, plan: Callable[[], Plan], skip: Callable[[], bool]) -> None:
    """Check the planned limits in Flask-Limiter's place in the app's before_request chain
    (call after limiter.init_app); Flask-Limiter's own check runs only once Redis has failed."""
    generic = limiter._check_request_limit
    hooks = app.before_request_funcs.setdefault(None, [])
    position = hooks.index(generic)

    def check_request_limits() -> None:
        if skip():
            return
        if limiter._storage_dead:  # counted in memory until Redis is back: Flask-Limiter's
            generic()
            return
        try:
            refused = first_refused(limiter.storage, plan())
        except Exception:  # whatever failed: Flask-Limiter falls back on any error too
            generic()  # it finds Redis down too, logs it and counts in memory from now on
            return
        if refused is not None:
            item, key = refused
            LOG.info("ratelimit %s (%s) exceeded", item, key)
            setattr(g, REFUSED_KEY, refused)
            abort(429)

    hooks[position] = check_request_limits


def first_refused(storage: Storage, plan: Plan) -> tuple[RateLimitItem, str] | None:
    """Count every planned hit in order until one exceeds its limit: that limit and its key."""
    hits = sorted(plan, key=lambda hit: hit[0].GRANULARITY.seconds)  # stable, as Flask-Limiter
    keys = [item.key_for(*identifiers) for item, identifiers in hits]
    if not keys:
        return None
    if isinstance(storage, RedisStorage):
        number = _incr_in_redis(storage, hits, keys)
        return (hits[number - 1][0], keys[number - 1]) if number else None
    for (item, _), key in zip(hits, keys, strict=True):
        if storage.incr(key, item.get_expiry()) > item.amount:
            return item, key
    return None


def refused_reset_at(storage: Storage) -> int | None:
    """When the counter this check refused the request for starts again (as Flask-Limiter's
    RequestLimit.reset_at reads it); None when this check refused nothing."""
    refused = g.get(REFUSED_KEY)
    if refused is None:
        return None
    return int(storage.get_expiry(refused[1]) + 1)


def _incr_in_redis(storage: RedisStorage, hits: Plan, keys: list[str]) -> int:
    """One EVALSHA of the script, by its hash: loaded once per Redis, again after a restart."""
    connection = storage.get_connection()
    prefixed = [storage.prefixed_key(key) for key in keys]
    args = [value for item, _ in hits for value in (item.get_expiry(), item.amount)]
    try:
        return int(connection.evalsha(SCRIPT_SHA, len(keys), *prefixed, *args))
    except NoScriptError:
        connection.script_load(INCR_UNTIL_EXCEEDED)
        return int(connection.evalsha(SCRIPT_SHA, len(keys), *prefixed, *args))
