"""Subcommand modules of the `plantrack` CLI; each exposes `register(subparsers)`."""

import importlib

# Imported on demand so command modules may import `api.cli` without a cycle.
COMMAND_MODULE_NAMES = ["db", "plan", "registry", "engine", "mail", "serve", "admin", "summary"]


def command_modules() -> list:
    """The command modules, imported."""
    return [importlib.import_module(f"api.commands.{name}") for name in COMMAND_MODULE_NAMES]
