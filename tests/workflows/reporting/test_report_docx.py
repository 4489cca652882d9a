"""The Word report of 23/KH-UBND quarter II: read back with python-docx, opened by LibreOffice."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from workflows.checkpoints.evidence import EvidenceStore
from workflows.demo import DEMO_TODAY, seed_demo
from workflows.kernel.actors import Actor
from workflows.reporting.report_docx import quarterly_docx, quarterly_report
from workflows.reporting.rollups import agency_rollup

SECRETARIAT = Actor(user_id=None, role="secretariat", label="thuongtruc")


@pytest.fixture
def demo(session, tmp_path):
    summary = seed_demo(session, EvidenceStore(tmp_path / "evidence", 10_000_000))
    session.commit()
    report = quarterly_report(session, SECRETARIAT, summary.plan_id, 2023, 2, DEMO_TODAY)
    return summary, report, quarterly_docx(report)


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def _table(doc, *header: str):
    return next(t for t in doc.tables if tuple(c.text for c in t.rows[0].cells[: len(header)]) == header)


def test_the_report_reads_back_heading_agency_figures_and_overdue_list(session, demo):
    summary, report, data = demo
    doc = Document(io.BytesIO(data))
    heading = _rows(doc.tables[0])
    assert heading[0][0].startswith("UBND TỈNH SƠN LA")
    assert heading[0][1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert heading[1][0].startswith("Số:") and "/BC-UBND" in heading[1][0]
    assert heading[1][1].startswith("Sơn La, ngày") and heading[1][1].endswith("năm 2023")
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert (
        "Kết quả thực hiện Kế hoạch số 23/KH-UBND ngày 30/01/2023 của UBND tỉnh Sơn La quý II năm 2023"
        in texts
    )
    assert "IV. KIẾN NGHỊ, ĐỀ XUẤT" in texts
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, in twips
    assert doc.styles["Normal"].font.name == "Times New Roman"

    # per agency: the rollup's figures, row for row, and the totals
    rows = _rows(_table(doc, "STT", "Cơ quan", "Đến hạn"))[1:]
    rollup = agency_rollup(session, DEMO_TODAY, plan_id=summary.plan_id)
    expected = [
        [r.label, str(r.due), str(r.done), str(r.done_on_time), str(r.counts["overdue"])] for r in rollup
    ]
    assert [row[1:6] for row in rows[:-1]] == expected
    assert rows[-1][1:3] == ["Tổng cộng", str(sum(r.due for r in rollup))]

    # the overdue list (appendix): every overdue item, Sở Tư pháp's answer quoted
    overdue = _rows(_table(doc, "STT", "Cơ quan", "Nhiệm vụ", "Hạn"))[1:]
    assert len(overdue) == sum(r.counts["overdue"] for r in rollup) == len(report.overdue)
    explained = [row for row in overdue if row[1] == "Sở Tư pháp"]
    assert explained and all("Sở đang kiện toàn cán bộ đầu mối" in row[5] for row in explained)
    assert all("cam kết hoàn thành 15/07/2023" in row[5] for row in explained)

    # the indicators: Sở Y tế's accepted quarter I figure
    indicators = _rows(_table(doc, "STT", "Chỉ tiêu", "Chủ trì"))[1:]
    assert any(row[2] == "Sở Y tế" and row[4] == "60%" for row in indicators)


def test_libreoffice_opens_the_report(demo, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is needed: .ci/run installs libreoffice-writer"
    _summary, _report, data = demo
    (tmp_path / "bao-cao.docx").write_bytes(data)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(tmp_path / "bao-cao.docx")],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = PdfReader(Path(tmp_path / "bao-cao.pdf"))
    first = pdf.pages[0].extract_text()
    assert len(pdf.pages) > 3 and "BÁO CÁO" in first and "23/KH-UBND" in first
