"""The JSON API over the same operations as the web forms; findings answer 422."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .check import bp

    app.register_blueprint(bp)
