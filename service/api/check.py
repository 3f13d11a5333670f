"""``POST /api/v1/check/<kind>?fund=KEY``: the rules engine over HTTP (spec/rules.md).

200 without error findings, 422 with error findings, 400 for input that cannot be read (the
``check`` command's exit 2) – a body over ``CHECK_MAX_BYTES`` included, refused unread. The
same route lives under each partnership's prefix ``/p/<slug>/``, where the fund key is looked
up in that partnership only. Each client may check ``RATELIMIT_CHECK_API_PER_CLIENT`` times,
a request counting once more for each 100 KB of its body (429 with Retry-After beyond,
service/web/ratelimit.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from .. import db
from ..clock import clock_from_config
from ..domain.check import KINDS, Kind, input_too_large_result, unreadable_input_result
from ..domain.jsonio import JsonInputError, load_json_text
from ..i18n import BabelLocalizer
from ..operations.checks import FundNotFound, check_against_fund
from ..web import ratelimit

bp = Blueprint("api_check", __name__)

_STATUS = {0: 200, 1: 422, 2: 400}


@bp.post("/api/v1/check/<kind>")
@bp.post("/p/<partnership>/api/v1/check/<kind>")
def check_input(kind: str, partnership: str | None = None) -> ResponseReturnValue:
    if kind not in KINDS:
        abort(404)
    checked_kind: Kind = kind
    # counted before the body is read: a refused request costs no parsing
    ratelimit.hit("check-api", ratelimit.client(), ratelimit.check_api_cost())
    limit = int(current_app.config["CHECK_MAX_BYTES"])
    request.max_content_length = limit
    try:
        data = load_json_text(request.get_data().decode("utf-8-sig"))
    except RequestEntityTooLarge:
        result = input_too_large_result(checked_kind, limit)
    except JsonInputError as exc:
        result = unreadable_input_result(checked_kind, exc)
    except UnicodeDecodeError:
        result = unreadable_input_result(checked_kind, "not UTF-8")
    else:
        try:
            result = check_against_fund(
                db.session(),
                checked_kind,
                data,
                request.args.get("fund"),
                partnership or request.args.get("partnership"),
                today=clock_from_config(current_app.config).today(),
            )
        except FundNotFound:
            abort(404)
    return result.to_json(BabelLocalizer()), _STATUS[result.exit_code]
