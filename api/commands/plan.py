"""`plantrack plan parse|import FILE`, `plan publish DRAFT`, `plan ladder PLAN`: read, draft, publish."""

import argparse
import json
import sys
from pathlib import Path

from api.commands.common import CommandError, add_today, engine_from_settings, resolve_today
from models import PlanDraft
from models.db import unit_of_work
from workflows.agencies.registry import Registry, load_registry
from workflows.agencies.store import active_registry
from workflows.escalation.ladder import ladder_of, set_plan_ladder
from workflows.kernel.actors import SYSTEM
from workflows.kernel.errors import DomainError
from workflows.plans.documents import PlanDocumentError, read_plan_file
from workflows.plans.importing import ImportReport
from workflows.plans.lifecycle import end_plan
from workflows.plans.parsed import PlanFormatError
from workflows.plans.parser import parse_plan, to_yaml
from workflows.plans.queries import find_plan
from workflows.plans.review.drafts import create_draft, publish_draft


def register(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="plan documents").add_subparsers(dest="plan_command", required=True)
    parse = plan.add_parser("parse", help="print a plan's structure (touches no database)")
    parse.add_argument("file", type=Path)
    parse.add_argument("--format", choices=["json", "yaml"], default="json")
    parse.set_defaults(handler=_parse)
    imp = plan.add_parser("import", help="store a plan as a draft for review (or publish it at once)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--publish", action="store_true", help="publish at once, without review")
    imp.add_argument("--confirm-foreign", action="store_true", help="publish a plan of another issuer")
    add_today(imp)
    imp.set_defaults(handler=_import)
    pub = plan.add_parser("publish", help="publish a reviewed draft")
    pub.add_argument("draft", type=int, help="draft id (shown by `plan import`)")
    pub.add_argument("--confirm-foreign", action="store_true", help="publish a plan of another issuer")
    add_today(pub)
    pub.set_defaults(handler=_publish)
    for status, label in (
        ("withdraw", "withdraw a plan (cancelled)"),
        ("archive", "archive a finished plan"),
    ):
        end = plan.add_parser(status, help=f"{label}: open checkpoints waived, history kept")
        end.add_argument("plan", help="plan id or number (23/KH-UBND)")
        end.add_argument("--reason", required=True)
        add_today(end)
        end.set_defaults(handler=_end, status="withdrawn" if status == "withdraw" else "archived")
    ladder = plan.add_parser("ladder", help="show or set a plan's escalation ladder")
    ladder.add_argument("plan", help="plan id or number (23/KH-UBND)")
    how = ladder.add_mutually_exclusive_group()
    how.add_argument("--set", type=Path, metavar="FILE.json", help="[{rung, offset_days, audience}, …]")
    how.add_argument("--reset", action="store_true", help="back to the default ladder")
    ladder.set_defaults(handler=_ladder)


def read_and_parse(path: Path, registry: Registry | None = None):
    """The file's text and its parsed structure, or a CommandError saying why not."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        text = read_plan_file(path)
        return text, parse_plan(text, registry or load_registry())
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
    today = resolve_today(args)
    with unit_of_work(engine_from_settings()) as session:
        registry = active_registry(session)
        text, parsed = read_and_parse(args.file, registry)
        draft = create_draft(session, SYSTEM, parsed, text, registry, today, args.file.name)
        if not args.publish:
            foreign = " — kế hoạch của cơ quan khác" if draft.foreign else ""
            print(
                f"Kế hoạch {draft.number}: bản nháp {draft.id} chờ xem xét ({len(parsed.tasks)} nhiệm vụ, "
                f"{len(parsed.unresolved)} đoạn chưa xác định){foreign}."
                f"\n  xem và sửa: /plans/drafts/{draft.id}; xuất bản: plantrack plan publish {draft.id}"
            )
            return 0
        report = _publish_or_fail(session, draft.id, draft.version, registry, today, args.confirm_foreign)
    print(describe(report, parsed.plan.number))
    return 0


def _publish(args: argparse.Namespace) -> int:
    with unit_of_work(engine_from_settings()) as session:
        draft = session.get(PlanDraft, args.draft)
        if draft is None:
            raise CommandError(f"no draft {args.draft}")
        registry = active_registry(session)
        report = _publish_or_fail(
            session, draft.id, draft.version, registry, resolve_today(args), args.confirm_foreign
        )
        number = draft.number
    print(describe(report, number))
    return 0


def _publish_or_fail(session, draft_id: int, seen: int, registry, today, confirm: bool) -> ImportReport:
    try:
        return publish_draft(session, SYSTEM, draft_id, seen, registry, today, confirm)
    except DomainError as exc:
        hint = " (add --confirm-foreign)" if exc.code == "draft.foreign_unconfirmed" else ""
        raise CommandError(exc.message("vi") + hint, code=4) from exc


def _end(args: argparse.Namespace) -> int:
    with unit_of_work(engine_from_settings()) as session:
        plan = find_plan(session, args.plan)
        try:
            waived = end_plan(session, SYSTEM, plan.id, args.status, args.reason, resolve_today(args))
        except DomainError as exc:
            raise CommandError(exc.message("vi"), code=4) from exc
        word = "đã rút" if args.status == "withdrawn" else "đã lưu trữ"
        print(f"Kế hoạch {plan.number} (id {plan.id}) {word}: miễn {waived} mốc còn mở.")
        print(f"  Lý do: {plan.status_reason}")
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
