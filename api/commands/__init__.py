"""Subcommand modules of the `plantrack` CLI; each exposes `register(subparsers)`."""
from api.commands import db

COMMAND_MODULES = [db]
