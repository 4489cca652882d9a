"""Administration commands: agency merge/rename, user creation, orphan evidence sweep."""

import argparse
import getpass
import os

from api.commands.common import CommandError, add_today, engine_from_settings, resolve_today
from models.config import get_settings
from models.db import unit_of_work
from models.user import Role, UserCreate
from workflows.agencies.queries import find_agency
from workflows.agencies.reorg import merge_agency, rename_agency
from workflows.checkpoints.evidence import EvidenceStore
from workflows.checkpoints.submissions import sweep_orphan_files
from workflows.kernel.actors import SYSTEM
from workflows.kernel.errors import DomainError
from workflows.people import totp
from workflows.people.users import create_user, find_user


def register(sub: argparse._SubParsersAction) -> None:
    agency = sub.add_parser("agency", help="cơ quan: gộp, đổi tên").add_subparsers(
        dest="agency_command", required=True
    )
    merge = agency.add_parser("merge", help="gộp OLD vào SUCCESSOR (nhiệm vụ đang mở chuyển theo)")
    merge.add_argument("old")
    merge.add_argument("successor")
    add_today(merge)
    merge.set_defaults(handler=_merge)
    rename = agency.add_parser("rename", help="đổi tên cơ quan (tên cũ thành bí danh)")
    rename.add_argument("old")
    rename.add_argument("new_name")
    add_today(rename)
    rename.set_defaults(handler=_rename)
    user = sub.add_parser("user", help="tài khoản").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="tạo tài khoản (mật khẩu từ PLANTRACK_NEW_PASSWORD hoặc hỏi)")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--agency", help="cơ quan (bắt buộc với focal/head)")
    create.add_argument("--email")
    create.add_argument("--full-name", default="")
    create.set_defaults(handler=_create_user)
    reset = user.add_parser("reset-2fa", help="gỡ xác thực hai bước của tài khoản (mất điện thoại)")
    reset.add_argument("username")
    reset.set_defaults(handler=_reset_second_factor)
    evidence = sub.add_parser("evidence", help="minh chứng").add_subparsers(dest="ev_command", required=True)
    evidence.add_parser(
        "sweep-orphans", help="xóa tệp không có bản ghi nào tham chiếu (sau 10 phút)"
    ).set_defaults(handler=_sweep_orphans)


def _merge(args: argparse.Namespace) -> int:
    with _domain(), unit_of_work(engine_from_settings()) as session:
        old, new = find_agency(session, args.old), find_agency(session, args.successor)
        result = merge_agency(session, SYSTEM, old.id, new.id, resolve_today(args))
    print(
        f"{old.name} → {new.name}: {len(result.checkpoint_ids)} mốc, {len(result.task_ids)} nhiệm vụ, "
        f"{len(result.user_ids)} tài khoản chuyển sang"
    )
    return 0


def _rename(args: argparse.Namespace) -> int:
    with _domain(), unit_of_work(engine_from_settings()) as session:
        agency = find_agency(session, args.old)
        old_name = agency.name
        rename_agency(session, SYSTEM, agency.id, args.new_name, resolve_today(args))
    print(f"{old_name} → {args.new_name}")
    return 0


def _create_user(args: argparse.Namespace) -> int:
    password = os.environ.get("PLANTRACK_NEW_PASSWORD") or getpass.getpass("Mật khẩu: ")
    with _domain(), unit_of_work(engine_from_settings()) as session:
        agency_id = find_agency(session, args.agency).id if args.agency else None
        try:
            data = UserCreate(
                username=args.username,
                full_name=args.full_name,
                email=args.email,
                role=args.role,
                agency_id=agency_id,
                password=password,
            )
        except ValueError as exc:
            raise CommandError(f"invalid user: {exc}") from exc
        user = create_user(session, SYSTEM, data)
    print(f"created user {user.username} ({user.role})")
    return 0


def _reset_second_factor(args: argparse.Namespace) -> int:
    with _domain(), unit_of_work(engine_from_settings()) as session:
        user = find_user(session, args.username)
        if user is None:
            raise CommandError(f"no user {args.username!r}")
        had = totp.reset(session, SYSTEM, user.id)
    print(f"{user.username}: " + ("second factor removed" if had else "had no second factor"))
    return 0


def _sweep_orphans(args: argparse.Namespace) -> int:
    store = EvidenceStore.from_settings(get_settings())
    with unit_of_work(engine_from_settings()) as session:
        removed = sweep_orphan_files(session, store)
    print(f"removed {len(removed)} orphan file(s)")
    return 0


class _domain:
    """Turn a refused rule into a CommandError with its message."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is not None and isinstance(exc, DomainError):
            raise CommandError(str(exc)) from exc
        return False
