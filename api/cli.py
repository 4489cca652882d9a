"""The `plantrack` command: thin wrappers that parse input, call one rule and print."""

import argparse
import sys
from collections.abc import Callable

from api.commands import command_modules
from api.commands.common import CommandError, configure_logging
from workflows.kernel.errors import DomainError

__all__ = ["CommandError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command module's subcommands."""
    parser = argparse.ArgumentParser(prog="plantrack", description="Theo dõi thực hiện kế hoạch")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in command_modules():
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int | None] = args.handler
    configure_logging()
    try:
        return handler(args) or 0
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except DomainError as exc:  # a rule's refusal: its precise English text
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
