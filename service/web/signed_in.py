"""The staff account signed in to this request, looked up once per request from the login
token in the browser session (R16).

Its own module because four others ask it and none of them may import another for it: the
request's unit of work (its actor), the login pages (service/web/auth.py), the password pages
(service/web/passwords.py) and the policy (service/web/policy.py).
"""

from __future__ import annotations

from flask import g, session

from .. import db
from ..models import StaffUser
from ..operations import staff as ops

# the browser session's key of the login token (the applicants' keys: web/applicant/views.py)
SESSION_KEY = "staff_token"


def current_staff() -> StaffUser | None:
    if "staff_user" not in g:
        g.staff_user = ops.session_user(db.session(), session.get(SESSION_KEY))
    user: StaffUser | None = g.staff_user
    return user
