"""Logs for a council's log collector: JSON lines on stdout, one per request, with the request id and
the user's id (never an email or a name); errors with their stack trace, in the log only.

Nothing from a case reaches a line: a request is logged by its route pattern (`/admin/case/details/`),
never its query string or form, and SQL errors carry no parameters (`hide_parameters` on the engine).
"""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter

FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


class StdoutHandler(logging.StreamHandler):
    """Writes to the process's stdout as it is when a line is written (a worker's pipe, a test's
    capture), unless given a stream of its own."""

    def __init__(self) -> None:
        super().__init__()
        self._own = None

    @property
    def stream(self):
        return self._own or sys.stdout

    @stream.setter
    def stream(self, value) -> None:
        self._own = None if value is sys.stderr else value  # StreamHandler's own default is stderr


def json_handler() -> logging.Handler:
    """A handler writing one JSON object per line: time (UTC, ISO 8601), level, logger, message and extras."""
    handler = StdoutHandler()
    formatter = JsonFormatter(FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    formatter.converter = time.gmtime
    formatter.default_time_format, formatter.default_msec_format = "%Y-%m-%dT%H:%M:%S", "%s.%03dZ"
    handler.setFormatter(formatter)
    return handler


def configure(app: Flask) -> None:
    """Send the back-office's loggers to stdout as JSON, and log every request once it is answered."""
    logger = logging.getLogger("backoffice")
    if not any(getattr(h, "is_backoffice_json", False) for h in logger.handlers):
        handler = json_handler()
        handler.is_backoffice_json = True
        logger.addHandler(handler)
    logger.setLevel(app.config["LOG_LEVEL"])
    logger.propagate = False
    requests = logging.getLogger("backoffice.requests")

    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = getattr(g, "request_started", None)
        requests.info("request", extra={
            "request_id": getattr(g, "request_id", None),
            "user_id": current_user.id if current_user and current_user.is_authenticated else None,
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        })
        return response
