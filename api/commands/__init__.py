"""Subcommand modules of the `plantrack` CLI; each exposes `register(subparsers)`."""
from api.commands import db, mail

COMMAND_MODULES = [db, mail]
