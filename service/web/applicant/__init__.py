"""The applicant's pages under /p/<slug>/: partnership page, application wizard, drafts,
resume links, receipt. Views are thin: form → operation → commit → redirect.

One blueprint (``apply``, common.py) carries the routes of

* views.py – partnership page, start, review, submission, receipt;
* wizard.py – the steps (steps.py), with the action protocol (actions.py) and row editing
  (rows.py);
* drafts.py – resume links, the applicant's list, signing out;
* uploads.py – the declarations step's PDFs; after_grant.py – payment request and report;
* templating.py – the pages' template filters.

Every module reads and changes data through the operations (service/operations/
applications.py, uploads.py): changes with the request's unit of work, reads with
``common.reading()``; shared helpers are public in common.py, so no module reaches into
another's private names.
"""

from __future__ import annotations

import logging
import re

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# /p/<slug>/fortsetzen/<token>: the token must never reach a log (R15)
_TOKEN_IN_PATH = re.compile(r"(/fortsetzen/)[A-Za-z0-9_\-]{8,}")


class RedactResumeTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_PATH.sub(r"\1[entfernt]", a) if isinstance(a, str) else a
                for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_PATH.sub(r"\1[entfernt]", record.msg)
        return True


def init_app(app: Flask) -> None:
    from ...api.check import bp as api_bp

    # the modules register their routes, hooks and filters on the blueprint
    from . import after_grant, drafts, templating, uploads, views, wizard  # noqa: F401
    from .common import bp

    csrf.init_app(app)
    csrf.exempt(api_bp)
    app.register_blueprint(bp)
    for name in ("werkzeug", "gunicorn.access"):
        logging.getLogger(name).addFilter(RedactResumeTokens())
