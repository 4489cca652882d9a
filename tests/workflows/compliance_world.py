"""A small province for the compliance-engine tests: agencies, people, one recurring task, real files."""

import io
import threading
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import openpyxl
from fpdf import FPDF
from sqlalchemy import text
from sqlmodel import Session

from models import Agency, Checkpoint, Task
from tests.builders import add_agency, add_task, add_user, checkpoints_of
from workflows.checkpoints.evidence import MB, EvidenceStore
from workflows.kernel.actors import Actor

METHADONE = (
    "Định kỳ 06 tháng, 01 năm đánh giá kết quả chương trình điều trị nghiện các chất dạng "
    "thuốc phiện bằng thuốc thay thế (Methadone, Buprenorphine)."
)
SIX_MONTHS, YEAR = date(2023, 6, 14), date(2023, 12, 14)


@dataclass
class World:
    syt: Agency  # Sở Y tế: leads the task
    stp: Agency  # Sở Tư pháp: unrelated to it
    ldtbxh: Agency  # Sở LĐTBXH: supports it
    task: Task
    six_months: Checkpoint
    year: Checkpoint
    syt_focal: Actor
    syt_head: Actor
    stp_focal: Actor
    ldtbxh_focal: Actor
    secretariat: Actor
    leader: Actor
    admin: Actor
    store: EvidenceStore


def build_world(session: Session, root: Path) -> World:
    """Build and commit the world; evidence goes under `root`."""
    syt = add_agency(session, "Sở Y tế", code="syt")
    stp = add_agency(session, "Sở Tư pháp", code="stp")
    ldtbxh = add_agency(session, "Sở Lao động - Thương binh và Xã hội", code="sldtbxh")
    add_agency(session, "Công an tỉnh", code="ca")  # the secretariat's home; its users see all
    task = add_task(
        session, syt, [SIX_MONTHS, YEAR], supporting=(ldtbxh,), text=METHADONE, schedule_kind="recurring"
    )
    six, year = checkpoints_of(session, task)
    actors = {
        name: Actor.of(add_user(session, name, role, agency))
        for name, role, agency in [
            ("syt.dm", "focal", syt),
            ("syt.tt", "head", syt),
            ("stp.dm", "focal", stp),
            ("ldtbxh.dm", "focal", ldtbxh),
            ("ca.ptm", "secretariat", None),
            ("pct", "leader", None),
            ("admin", "admin", None),
        ]
    }
    session.commit()
    return World(
        syt,
        stp,
        ldtbxh,
        task,
        six,
        year,
        actors["syt.dm"],
        actors["syt.tt"],
        actors["stp.dm"],
        actors["ldtbxh.dm"],
        actors["ca.ptm"],
        actors["pct"],
        actors["admin"],
        EvidenceStore(root, 20 * MB),
    )


def pdf_bytes(text: str = "Báo cáo kết quả điều trị Methadone 6 tháng đầu năm 2023") -> bytes:
    """A real one-page PDF."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text.encode("ascii", "replace").decode())
    return bytes(pdf.output())


def docx_bytes() -> bytes:
    d = docx.Document()
    d.add_paragraph("Báo cáo 6 tháng")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Số bệnh nhân"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def odt_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def stored_files(store: EvidenceStore) -> list[Path]:
    """Every file under the store's root, temp files included."""
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


def wait_until_blocked(engine, thread: threading.Thread) -> None:
    """Until another backend waits on a lock (PostgreSQL), or a short while (SQLite: no such view)."""
    if engine.dialect.name != "postgresql":
        thread.join(0.3)
        return
    deadline = time.monotonic() + 60  # generous: CI machines are loaded
    with engine.connect() as conn:
        while time.monotonic() < deadline and thread.is_alive():
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
                    "'Lock' AND datname = current_database()"
                )
            ).scalar()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("the second writer never waited for the first one's lock")
