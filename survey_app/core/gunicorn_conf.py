"""gunicorn settings for survey-app, usable from an installed package:

    gunicorn -c python:survey_app.core.gunicorn_conf 'survey_app:create_app()'

(a checkout's gunicorn.conf.py imports this module). Environment variables change them:
SURVEY_BIND, SURVEY_WORKERS, SURVEY_MAX_WORKERS, SURVEY_THREADS, SURVEY_FORWARDED_ALLOW_IPS,
SURVEY_ACCESS_LOG.

The access log keeps what finding a slow or failing request needs (time, method, path, status,
size, duration) and nothing about the person: no client address (nginx logs it at the edge,
under its own retention), no query string, user agent or referrer, and path segments that look
like random codes (survey codes, tracking codes, a phone's response reference) are masked.
"""

import gc
import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("SURVEY_BIND", "127.0.0.1:8000")
# Cores + 1, capped: each worker keeps its own database connections (see docs/deploy.md). Chosen
# by bench/load.py on 2 cores: 3 workers served ratings faster and with a shorter tail than
# 2 × cores + 1 = 5 (processes and threads beyond that only contend for the cores), for the app
# and the bare yardstick alike.
workers = _number(
    "SURVEY_WORKERS", min(multiprocessing.cpu_count() + 1, _number("SURVEY_MAX_WORKERS", 8))
)
# Threads let a worker wait on the database or a mail server for one request while serving
# another.
threads = _number("SURVEY_THREADS", 4)
# A request still running after 30 s is stuck (the slowest page, a monthly report, takes a
# fraction of that); the worker is replaced.
timeout = 30
# On restart or upgrade, requests under way get this long to finish.
graceful_timeout = 30
# nginx reuses connections to the workers; a little longer than its own idle wait.
keepalive = 5
# Workers are replaced now and then, at different times, so a slow leak never builds up; not
# often: a new worker boots the app again (about 1.7 s of CPU) and starts with cold caches, which
# at every 2,000 requests added about a millisecond to each rating and stalled the requests
# queued behind the boot.
max_requests = 20000
max_requests_jitter = 2000
# Only this proxy may say the request came over https (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("SURVEY_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "survey-app"
# systemd starts, reloads and stops the service; no control socket in the service's home.
control_socket_disable = True
errorlog = "-"
accesslog = os.environ.get("SURVEY_ACCESS_LOG", "-") or None
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
access_log_format = ACCESS_LOG_FORMAT

# The segment after /s/, /t/ or /cam-on/ (survey code, tracking code, a phone's reference), and
# any segment of at least 8 letters, digits, - or _ holding a digit: a random code.
CODE_SEGMENTS = re.compile(
    r"(?<=/s/)[^/]+|(?<=/t/)[^/]+|(?<=/cam-on/)[^/]+|(?<=/)(?=[^/]*\d)[A-Za-z0-9_-]{8,}(?=/|$)"
)


def mask_codes(path: str) -> str:
    return CODE_SEGMENTS.sub("***", path)


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        """The atoms of ACCESS_LOG_FORMAT, and no others: another format given on the command
        line prints "-" for the address, query string, headers or request line, which say who
        or carry codes. gunicorn's own atoms made one for every request and response header and
        every WSGI environ entry at each request: half of the line's cost (61 → 33 µs)."""
        status = resp.status
        return {
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "U": mask_codes(environ.get("PATH_INFO") or ""),
            "s": status.split(None, 1)[0] if isinstance(status, str) else status,
            "B": getattr(resp, "sent", None),
            "M": request_time.seconds * 1000 + request_time.microseconds // 1000,
        }


logger_class = AccessLogger


GENERATION_0_THRESHOLD = 20_000


def post_worker_init(worker) -> None:
    """gunicorn's hook, once the worker has loaded the app."""
    tune_garbage_collection()


def tune_garbage_collection() -> None:
    """Python's cycle collector in a worker that has booted: the objects made so far (modules,
    the app, SQLAlchemy's tables) live as long as the worker, so they are frozen and no
    collection walks them again; and the youngest generation is collected after 20,000 new
    objects rather than 700. A province's dashboard makes about a million objects, and the
    collections cost 0.2–0.45 s of its 1.5–1.7 s (bench/dashboard_sections.py); a rating makes
    a few thousand, so the cyclic garbage kept waiting stays small."""
    gc.freeze()
    gc.set_threshold(GENERATION_0_THRESHOLD, *gc.get_threshold()[1:])
