"""`registry export|import`: the database's registry as YAML (the demo file's structure) or an Excel
workbook (sheets «Cơ quan» and «Nhóm», one row each; lists separated by «; ») for the office to complete.

An imported file replaces nothing it does not name: agencies are matched by code (else by name),
updated, and added; groups likewise. The file is checked whole (`Registry.from_dict`) before anything
is written.
"""

from __future__ import annotations

import io
from datetime import date

import yaml
from sqlmodel import Session

from models.user import Role
from workflows.agencies.registry import Registry
from workflows.agencies.store import registry_data, registry_province, set_authority, sync_registry
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.audit import record
from workflows.kernel.errors import InvalidInput

AGENCY_COLUMNS = (
    "code",
    "name",
    "kind",
    "aliases",
    "parent",
    "head_email",
    "focal_email",
    "active",
    "successor",
)
GROUP_COLUMNS = ("code", "name", "aliases", "members", "concrete")
LISTS = {"aliases", "members"}
SHEETS = ("Cơ quan", "Nhóm")


def export_registry(session: Session, fmt: str) -> bytes:
    """The registry as a YAML document or an xlsx workbook."""
    data = registry_data(session, registry_province(session))
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    from openpyxl import Workbook

    book = Workbook()
    for sheet, columns, rows in (
        (book.active, AGENCY_COLUMNS, data["agencies"]),
        (book.create_sheet(), GROUP_COLUMNS, data["groups"]),
    ):
        sheet.title = SHEETS[0] if columns is AGENCY_COLUMNS else SHEETS[1]
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_cell(row.get(c), c) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value, column: str):
    if column in LISTS:
        return "; ".join(value or [])
    return value


def read_registry_file(data: bytes, filename: str) -> dict:
    """The YAML structure from an uploaded .yaml or .xlsx file, or InvalidInput saying why not."""
    try:
        if filename.lower().endswith((".yaml", ".yml")):
            parsed = yaml.safe_load(data.decode("utf-8")) or {}
            if not isinstance(parsed, dict):
                raise ValueError("không phải danh mục (thiếu «agencies»)")
            return parsed
        if filename.lower().endswith(".xlsx"):
            return _from_workbook(data)
    except (ValueError, KeyError, yaml.YAMLError, UnicodeError) as exc:
        raise InvalidInput("registry.bad_file", reason=str(exc)[:200]) from None
    raise InvalidInput("registry.bad_file", reason="chỉ nhận tệp .yaml hoặc .xlsx")


def _from_workbook(data: bytes) -> dict:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise ValueError(f"không mở được tệp Excel ({type(exc).__name__})") from None
    out: dict = {"agencies": [], "groups": []}
    for key, sheet_name in (("agencies", SHEETS[0]), ("groups", SHEETS[1])):
        if sheet_name not in book.sheetnames:
            continue
        rows = book[sheet_name].iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        for values in rows:
            row = {h: v for h, v in zip(header, values, strict=False) if h}
            if not any(v not in (None, "") for v in row.values()):
                continue
            for column in LISTS & row.keys():
                row[column] = [p.strip() for p in str(row[column] or "").split(";") if p.strip()]
            for column in ("active", "concrete"):
                if column in row and row[column] is not None and not isinstance(row[column], bool):
                    row[column] = str(row[column]).strip().lower() not in ("false", "0", "no", "không", "")
            out[key].append({k: v for k, v in row.items() if v is not None})
    return out


def import_registry(session: Session, actor: Actor, data: dict, today: date) -> Registry:
    """Check the whole file, then add and update its agencies and groups (admin, secretariat)."""
    require_role(actor, Role.admin, Role.secretariat, "system")
    data = {**data, "province": data.get("province") or registry_province(session)}
    try:
        registry = Registry.from_dict(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("registry.bad_file", reason=str(exc)[:200]) from None
    sync_registry(session, registry)
    set_authority(session, registry.province, today)
    after = {"agencies": len(registry.agencies), "groups": len(registry.groups), "on": today}
    record(session, actor, "registry.import", "registry", None, after=after)
    return registry
