"""HTML blueprints: thin views over the operations."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
