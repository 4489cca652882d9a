"""`plantrack registry init --province P | export FILE | import FILE`: the agency registry in the database."""

import argparse
from pathlib import Path

from api.commands.common import CommandError, add_today, engine_from_settings, resolve_today
from models.db import unit_of_work
from workflows.agencies.exchange import export_registry, import_registry, read_registry_file
from workflows.agencies.setup import init_registry
from workflows.kernel.actors import SYSTEM
from workflows.kernel.errors import DomainError


def register(sub: argparse._SubParsersAction) -> None:
    reg = sub.add_parser("registry", help="the agency registry").add_subparsers(
        dest="registry_command", required=True
    )
    init = reg.add_parser("init", help="a province's starting registry (provincial bodies, communes)")
    init.add_argument("--province", required=True, help='e.g. "Hưng Yên"')
    add_today(init)
    init.set_defaults(handler=_init)
    exp = reg.add_parser("export", help="write the registry to FILE (.yaml or .xlsx)")
    exp.add_argument("file", type=Path)
    exp.set_defaults(handler=_export)
    imp = reg.add_parser("import", help="add and update agencies and groups from FILE (.yaml or .xlsx)")
    imp.add_argument("file", type=Path)
    add_today(imp)
    imp.set_defaults(handler=_import)


def _refused(exc: DomainError) -> CommandError:
    return CommandError(exc.message("vi"), code=4)


def _init(args: argparse.Namespace) -> int:
    with unit_of_work(engine_from_settings()) as session:
        try:
            registry = init_registry(session, SYSTEM, args.province, resolve_today(args))
        except DomainError as exc:
            raise _refused(exc) from exc
    communes = sum(1 for a in registry.agencies.values() if a.kind == "commune")
    print(
        f"Danh mục {registry.province}: {len(registry.agencies)} cơ quan "
        f"({communes} xã, phường), {len(registry.groups)} nhóm."
    )
    return 0


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".xlsx"):
        raise CommandError(f"{path}: use a .yaml or .xlsx file")
    return "xlsx" if suffix == ".xlsx" else "yaml"


def _export(args: argparse.Namespace) -> int:
    fmt = _format(args.file)
    with unit_of_work(engine_from_settings()) as session:
        data = export_registry(session, fmt)
    args.file.write_bytes(data)
    print(f"{args.file}: {len(data)} bytes")
    return 0


def _import(args: argparse.Namespace) -> int:
    _format(args.file)
    if not args.file.is_file():
        raise CommandError(f"{args.file}: no such file")
    with unit_of_work(engine_from_settings()) as session:
        try:
            data = read_registry_file(args.file.read_bytes(), args.file.name)
            registry = import_registry(session, SYSTEM, data, resolve_today(args))
        except DomainError as exc:
            raise _refused(exc) from exc
    print(f"Danh mục {registry.province}: {len(registry.agencies)} cơ quan, {len(registry.groups)} nhóm.")
    return 0
