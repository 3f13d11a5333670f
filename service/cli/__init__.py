"""The ``foerderwerk`` command: a Flask CLI group around :func:`service.create_app`."""

from __future__ import annotations

import importlib
import pkgutil

import click
from flask.cli import FlaskGroup

from .. import create_app
from ..i18n import click_in_german
from ..process_local import skip_teardown_collection

# before any command is defined: click's "Usage:", "Options:" and its errors in German
click_in_german()

# The module that defines each command. `foerderwerk X` imports only X's module – a third of
# a second less for every run from cron and for the parent of a batch – while --help and the
# list of commands import them all (tests/cli/test_command_modules.py keeps this complete).
COMMAND_MODULES = {
    "backup": "backup",
    "base-rates": "base_rates",
    "restore": "backup",
    "check": "check",
    "committees": "committees",
    "db": "db",
    "demo": "demo",
    "funds": "funds",
    "mail": "mail",
    "notices": "notices",
    "partnerships": "partnerships",
    "payouts": "payouts",
    "reminders": "reminders",
    "render": "render",
    "templates": "templates",
    "retention": "retention",
    "purge": "retention",
    "rules": "rules",
    "serve": "serve",
    "sessions": "sessions",
    "staff": "staff",
    "storage": "storage",
    "worker": "worker",
}


class _CommandLine(FlaskGroup):
    def invoke(self, ctx: click.Context) -> object:
        # one click handler for every refusal: the German message, exit 1 (no traceback)
        from ..errors import Refused
        from .uow import say_refusal

        try:
            return super().invoke(ctx)
        except Refused as refusal:
            say_refusal(refusal)
            ctx.exit(1)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None:
            importlib.import_module(f"{__name__}.{module}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        register_all()
        return super().list_commands(ctx)


cli = _CommandLine(
    name="foerderwerk",
    create_app=lambda: create_app(),
    add_default_commands=True,
    add_version_option=False,
    load_dotenv=False,
    help="Förderwerk – Anträge, Sitzungen und Bescheide der Partnerschaften für Demokratie.",
)


def _flask_commands_in_german() -> None:
    """Flask's own commands (run, routes, shell) listed with German help like every other."""
    from ..i18n import BabelLocalizer

    _ = BabelLocalizer().gettext
    texts = {
        "run": _(
            "Start the development server (for trying out only; in operation: foerderwerk serve)."
        ),
        "routes": _("List the web addresses (routes) of the service."),
        "shell": _("Open a Python shell with the service loaded (for developers)."),
    }
    for name, text in texts.items():
        command = cli.commands.get(name)
        if command is not None:
            command.help = command.short_help = text
    # the options Flask puts on the group itself
    options = {
        "env_file": _(
            "Load environment variables from this file (e.g. /etc/foerderwerk/foerderwerk.env); "
            "variables set in the environment itself take precedence."
        ),
        "app": _("For developers: another Flask application to load (module:name)."),
        "debug": _("Debug mode (for developers only)."),
    }
    for param in cli.params:
        if isinstance(param, click.Option) and param.name in options:
            param.help = options[param.name]


_flask_commands_in_german()


def register_all() -> None:
    # Each command lives in its own module; importing registers it on ``cli``.
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def main() -> None:
    try:
        cli.main(prog_name="foerderwerk")
    finally:
        skip_teardown_collection()
