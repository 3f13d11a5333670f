"""Public pages: the instance's start page and each partnership's start page."""

from __future__ import annotations

from flask import Blueprint, render_template

from .. import db
from ..domain.check import today_in_germany
from ..operations.funds import list_partnerships

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    partnerships = list_partnerships(db.session(), today_in_germany())
    return render_template("public/index.html", partnerships=partnerships)
