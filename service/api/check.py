"""``POST /api/v1/check/<kind>?fund=KEY``: the rules engine over HTTP (spec/rules.md).

200 without error findings, 422 with error findings, 400 for input that cannot be read (the
``check`` command's exit 2). The same route lives under each partnership's prefix
``/p/<slug>/``, where the fund key is looked up in that partnership only.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask.typing import ResponseReturnValue

from .. import db
from ..domain.check import KINDS, Kind, unreadable_input_result
from ..domain.jsonio import JsonInputError, load_json_text
from ..i18n import BabelLocalizer
from ..operations.checks import FundNotFound, check_against_fund

bp = Blueprint("api_check", __name__)

_STATUS = {0: 200, 1: 422, 2: 400}


@bp.post("/api/v1/check/<kind>")
@bp.post("/p/<partnership>/api/v1/check/<kind>")
def check_input(kind: str, partnership: str | None = None) -> ResponseReturnValue:
    if kind not in KINDS:
        abort(404)
    checked_kind: Kind = kind
    try:
        data = load_json_text(request.get_data().decode("utf-8-sig"))
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
            )
        except FundNotFound:
            abort(404)
    return result.to_json(BabelLocalizer()), _STATUS[result.exit_code]
