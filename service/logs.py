"""Structured logs: one JSON object per line, with personal data and secrets removed.

Two parts:

- :func:`init_app` (called by ``create_app``) gives every request an id (the reverse proxy's
  ``X-Request-ID`` when it looks like one, else a new one; returned in the response) and logs
  one line per request on ``foerderwerk.request``: method, path without the query string,
  status, duration. Without a handler these INFO records go nowhere – the development server
  and the tests keep their usual output and pytest's log capture.
- :func:`configure_logging` (called by ``foerderwerk serve`` and other long-running
  commands) installs the JSON handler on the root logger, with :class:`RedactingFilter` on the
  handler, so every record that is written – the app's, gunicorn's, a library's – is
  redacted, whichever logger produced it.

The redaction rules are deliberately broad: a log line that loses a harmless word is better
than one that keeps a resume token (R15), an e-mail address, an IBAN or a password. Newlines
and other control characters are escaped, so input cannot forge a log line (R24).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import IO, Any

from flask import Flask, Response, g, has_request_context, request

REQUEST_LOGGER = "foerderwerk.request"
REDACTED = "[entfernt]"
_HANDLER_MARK = "_foerderwerk_json"

# -- redaction ----------------------------------------------------------------------------------

# The applicant's access links: /p/<slug>/fortsetzen/<token> ("weiter" is the token-free
# confirmation page that follows); staff password reset links: /anmelden/passwort-neu/<token>.
_RESUME_TOKEN = re.compile(r"(/fortsetzen/|/passwort-neu/)(?!weiter(?:[/?#\s\"']|$))[^/?#\s\"']+")
# user:password@ in database and broker URLs
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/?#\s@]*:)[^@/\s]+@", re.IGNORECASE)
# a query string after a path or URL: it may carry tokens or personal data
_QUERY = re.compile(r"(?<=[\w/.\-])\?[^\s\"'<>]+")
_AUTH_HEADER = re.compile(
    r"\b((?:proxy-)?authorization|(?:set-)?cookie)(\"?\s*[:=]\s*)(\"[^\"]*\"|[^\n\r]*)",
    re.IGNORECASE,
)
_SECRET_ASSIGNMENT = re.compile(
    r"\b([\w\-]*(?:password|passwort|kennwort|passwd|secret|token|api[_\-]?key|session)[\w\-]*)"
    r"(\"?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&\"'}]+)",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"[\w.!#$%&'*+^`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)+"
)
# IBAN: country code, check digits, then 11–30 alphanumerics, written in one piece or in
# groups of four (checksum not tested: a mistyped IBAN is personal data all the same)
_IBAN = re.compile(
    r"\b[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?:[ \-]?[A-Za-z0-9]{4}){2,7}"
    r"(?:[ \-]?[A-Za-z0-9]{1,3})?)\b"
)
# Random tokens anywhere (base64url, 22+ characters, mixed case and digits). Content
# addresses (64 lowercase hex digits) have no capitals and stay.
_RANDOM_TOKEN = re.compile(r"(?<![\w\-])(?=[\w\-]*[A-Z])(?=[\w\-]*[a-z])(?=[\w\-]*\d)[\w\-]{22,}")
# characters that could break a line or hide text when the log is read: C0/C1 controls, DEL,
# line/paragraph separators, bidirectional overrides, zero-width characters
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def redact(text: str) -> str:
    """``text`` without tokens, query strings, e-mail addresses, IBANs and secrets."""
    text = _RESUME_TOKEN.sub(r"\1" + REDACTED, text)
    text = _URL_PASSWORD.sub(r"\1" + REDACTED + "@", text)
    text = _AUTH_HEADER.sub(r"\1\2" + REDACTED, text)
    text = _SECRET_ASSIGNMENT.sub(r"\1\2" + REDACTED, text)
    text = _QUERY.sub("?" + REDACTED, text)
    text = _EMAIL.sub("[E-Mail entfernt]", text)
    text = _IBAN.sub("[IBAN entfernt]", text)
    return _RANDOM_TOKEN.sub(REDACTED, text)


def escape_controls(text: str) -> str:
    """Control characters and line breaks as visible ``\\xNN``/``\\uNNNN`` escapes."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# request fields a record may carry (set by the request logger or taken from the request)
_FIELDS = ("request_id", "method", "path", "status", "duration_ms")


class RedactingFilter(logging.Filter):
    """Renders the message, removes personal data and secrets from it (and from the
    traceback and the request fields), and adds the current request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name in ("path", "method"):
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact(value))
        if getattr(record, "request_id", None) is None and has_request_context():
            record.request_id = g.get("request_id")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request
    fields when there are any, the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        # json.dumps escapes C0 controls itself; the rest (DEL, C1, U+2028 …) is escaped here,
        # inside the strings, so the line stays one line for every reader.
        return escape_controls(json.dumps(entry, ensure_ascii=False, default=str))


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    setattr(handler, _HANDLER_MARK, True)
    return handler


def configure_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> None:
    """JSON lines on stderr for the whole process; calling it again replaces the handler."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    root.addHandler(json_handler(stream))
    root.setLevel(level)
    # Flask gives the app's logger a plain-text stderr handler of its own when nothing else
    # would print its records; with the JSON handler on the root it would only print every
    # record a second time, unredacted.
    from flask.logging import default_handler

    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger) and default_handler in logger.handlers:
            logger.removeHandler(default_handler)
    # Alembic announces its dialect on every migration-context check (each /healthz)
    logging.getLogger("alembic.runtime.migration").setLevel(max(level, logging.WARNING))


# -- request ids and the request log -------------------------------------------------------------

_REQUEST_ID = re.compile(r"[A-Za-z0-9\-]{8,64}")


def _start() -> None:
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    path = redact(request.path)  # request.path never includes the query string
    logging.getLogger(REQUEST_LOGGER).info(
        "%s %s %s",
        request.method,
        path,
        response.status_code,
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": duration,
        },
    )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
