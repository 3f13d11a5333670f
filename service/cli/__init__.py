"""The ``foerderwerk`` command: a Flask CLI group around :func:`service.create_app`."""

from __future__ import annotations

import gc

from flask.cli import FlaskGroup

from .. import create_app

cli = FlaskGroup(
    name="foerderwerk",
    create_app=lambda: create_app(),
    add_default_commands=True,
    add_version_option=False,
    load_dotenv=False,
    help="Förderwerk – Anträge, Sitzungen und Bescheide der Partnerschaften für Demokratie.",
)


def _register() -> None:
    # Each command lives in its own module; importing registers it on ``cli``.
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_register()


def main() -> None:
    try:
        cli.main(prog_name="foerderwerk")
    finally:
        skip_teardown_collection()


def skip_teardown_collection() -> None:
    """Called when a process has done its work and is about to exit: the interpreter's
    teardown would otherwise run the cycle collector over every object the service imported
    (about half a second, spent after the last line was printed). Nothing is lost: open
    files and connections are still closed as their modules are torn down."""
    gc.freeze()
