"""`plantrack plan parse|import FILE`, `plan ladder PLAN`: read, store a plan; show or set its ladder."""

import argparse
import json
import sys
from pathlib import Path

from api.commands.common import CommandError, add_today, engine_from_settings, resolve_today
from models.db import unit_of_work
from workflows.agencies.registry import load_registry
from workflows.escalation.ladder import ladder_of, set_plan_ladder
from workflows.kernel.actors import SYSTEM
from workflows.plans.documents import PlanDocumentError, read_plan_file
from workflows.plans.importing import ImportReport, import_plan
from workflows.plans.parsed import PlanFormatError
from workflows.plans.parser import parse_plan, to_yaml
from workflows.plans.queries import find_plan


def register(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="plan documents").add_subparsers(dest="plan_command", required=True)
    parse = plan.add_parser("parse", help="print a plan's structure (touches no database)")
    parse.add_argument("file", type=Path)
    parse.add_argument("--format", choices=["json", "yaml"], default="json")
    parse.set_defaults(handler=_parse)
    imp = plan.add_parser("import", help="store a plan, or update it from a revised version")
    imp.add_argument("file", type=Path)
    add_today(imp)
    imp.set_defaults(handler=_import)
    ladder = plan.add_parser("ladder", help="show or set a plan's escalation ladder")
    ladder.add_argument("plan", help="plan id or number (23/KH-UBND)")
    how = ladder.add_mutually_exclusive_group()
    how.add_argument("--set", type=Path, metavar="FILE.json", help="[{rung, offset_days, audience}, …]")
    how.add_argument("--reset", action="store_true", help="back to the default ladder")
    ladder.set_defaults(handler=_ladder)


def read_and_parse(path: Path):
    """The file's text and its parsed structure, or a CommandError saying why not."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        text = read_plan_file(path)
        return text, parse_plan(text, load_registry())
    except (PlanDocumentError, PlanFormatError) as exc:
        raise CommandError(f"{path}: {exc}", code=3) from exc


def _parse(args: argparse.Namespace) -> int:
    _, parsed = read_and_parse(args.file)
    if args.format == "yaml":
        sys.stdout.write(to_yaml(parsed))
    else:
        json.dump(parsed.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
    return 0


def _import(args: argparse.Namespace) -> int:
    text, parsed = read_and_parse(args.file)
    with unit_of_work(engine_from_settings()) as session:
        report = import_plan(session, SYSTEM, parsed, text, load_registry(), resolve_today(args))
    print(describe(report, parsed.plan.number))
    return 0


def _ladder(args: argparse.Namespace) -> int:
    raw = None
    if args.set is not None:
        try:
            raw = json.loads(args.set.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{args.set}: {exc}") from exc
    with unit_of_work(engine_from_settings()) as session:
        plan = find_plan(session, args.plan)
        if args.set is not None or args.reset:
            rungs = set_plan_ladder(session, SYSTEM, plan.id, raw)
        else:
            rungs = ladder_of(plan)
        print(f"Kế hoạch {plan.number} (id {plan.id}): {'mặc định' if plan.ladder is None else 'riêng'}")
        for r in rungs:
            print(f"  {r.rung:<12} hạn {r.offset_days:+d} ngày → {r.audience}")
    return 0


def describe(report: ImportReport, number: str) -> str:
    """A short human summary of an import."""
    if report.is_noop:
        return f"Kế hoạch {number} (id {report.plan_id}): không có thay đổi ({report.unchanged} nhiệm vụ)."
    lines = [
        f"Kế hoạch {number} (id {report.plan_id}): {'đã tạo' if report.created else 'đã cập nhật'}",
        f"  thêm: {len(report.added)}, sửa: {len(report.changed)}, rút: {len(report.withdrawn)}, "
        f"giữ nguyên: {report.unchanged}, mốc mới: {report.checkpoints_added}, "
        f"chưa xác định: {report.unresolved}",
    ]
    for label, refs in (("+", report.added), ("~", report.changed), ("-", report.withdrawn)):
        if not report.created:
            lines += [f"  {label} {ref}" for ref in refs]
    return "\n".join(lines)
