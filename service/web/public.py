"""Public pages: the instance's start page and each partnership's start page."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> str:
    return render_template("public/index.html", partnerships=[])
