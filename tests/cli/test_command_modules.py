"""`foerderwerk X` imports only the module of command X (service.cli.COMMAND_MODULES); the
table must name every command and the module that defines it."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click

from service import cli as command_line

FLASK_DEFAULTS = {"routes", "run", "shell"}


def test_every_command_is_in_the_table_with_the_module_that_defines_it():
    command_line.register_all()
    registered = set(command_line.cli.commands) - FLASK_DEFAULTS
    assert registered == set(command_line.COMMAND_MODULES)
    for name, module_name in command_line.COMMAND_MODULES.items():
        module = importlib.import_module(f"service.cli.{module_name}")
        command = command_line.cli.commands[name]
        assert isinstance(command, click.Command)
        assert any(value is command for value in vars(module).values()), (
            f"the command {name!r} is not defined in service.cli.{module_name}"
        )


def test_a_command_is_found_without_importing_the_others():
    code = (
        "import sys, click; from service.cli import cli; "
        "ctx = click.Context(cli); "
        "assert cli.get_command(ctx, 'mail') is not None; "
        "print(sorted(m for m in sys.modules if m.startswith('service.cli.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['service.cli.mail']"
