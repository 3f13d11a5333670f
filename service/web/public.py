"""Public pages: the instance's start page and each partnership's start page."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..operations.funds import list_partnerships
from .uow import current_uow

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    uow = current_uow()
    # which funds are open is decided on the pinned date too (FOERDERWERK_TODAY)
    partnerships = list_partnerships(uow.session, uow.today())
    return render_template("public/index.html", partnerships=partnerships)
