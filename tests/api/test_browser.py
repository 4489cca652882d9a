"""A real browser (Debian's chromium through Playwright) on a real uvicorn serving the demo data.

Story: Sở Y tế's focal point finds the overdue 6-month methadone evaluation at the top of the
inbox and reports it with a PDF; the secretariat finds it in the review queue and accepts it; the
Sở Y tế row of the desk's matrix changes; a Sở Tư pháp focal point is refused the checkpoint.
"""

import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Agency, Checkpoint, Task
from models.config import Settings
from models.db import make_engine
from models.migrate import upgrade
from workflows.checkpoints.evidence import EvidenceStore
from workflows.demo import DEMO_PASSWORD, SYT, seed_demo

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TODAY = date(2023, 7, 1)

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_server(tmp_path):
    """uvicorn in a background thread on a free 127.0.0.1 port, serving a fresh demo database."""
    import uvicorn

    from api.app import create_app

    settings = Settings(data_dir=tmp_path / "data", secret_key="browser-test", scheduler_enabled=False)
    settings.data_dir.mkdir(parents=True)
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    with Session(engine, expire_on_commit=False) as s:
        seed_demo(s, EvidenceStore.from_settings(settings), TODAY)
        s.commit()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine, today=TODAY),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", engine
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def _methadone_checkpoint(engine) -> int:
    """Sở Y tế's 6-month checkpoint of the methadone/buprenorphine evaluation task."""
    with Session(engine) as s:
        syt = s.exec(select(Agency).where(Agency.code == SYT)).one()
        rows = s.exec(
            select(Checkpoint, Task)
            .join(Task, Task.id == Checkpoint.task_id)
            .where(Checkpoint.agency_id == syt.id, Checkpoint.due_date == date(2023, 6, 14))
        ).all()
    return next(cp.id for cp, task in rows if "Methadone" in task.text and "Định kỳ 06" in task.text)


def _pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, "Danh gia 6 thang chuong trinh dieu tri Methadone - So Y te Son La")
    pdf.output(str(path))
    return path


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.click("header form button")
    page.wait_for_url("**/login")


def _syt_total(page, agency_id: int) -> tuple[int, int]:
    """Done / due of the Sở Y tế row's total cell in the desk's matrix."""
    frac = page.locator(f'#matrix tr[data-agency-id="{agency_id}"] td[data-total] .frac').inner_text()
    done, due = frac.split("/")
    return int(done), int(due)


def test_methadone_report_story(demo_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, engine = demo_server
    checkpoint_id = _methadone_checkpoint(engine)
    with Session(engine) as s:
        syt_id = s.exec(select(Agency.id).where(Agency.code == SYT)).one()
    report = _pdf(tmp_path / "danh-gia-methadone-6-thang.pdf")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")

        # Sở Y tế's focal point: the overdue methadone evaluation heads the inbox
        _sign_in(page, base, "yte")
        expect(page).to_have_url(f"{base}/inbox")
        first = page.locator("#overdue li.item").first
        assert first.get_attribute("data-checkpoint-id") == str(checkpoint_id)
        expect(first).to_contain_text("Methadone")
        expect(first).to_contain_text("quá hạn 17 ngày")
        expect(first).to_contain_text("14/06/2023")
        first.locator("a.item-link").click()
        expect(page).to_have_url(f"{base}/checkpoints/{checkpoint_id}")
        page.fill("#note", "Đánh giá kết quả 6 tháng đầu năm chương trình điều trị Methadone, Buprenorphine.")
        page.set_input_files("#files", str(report))
        page.click("#submit button[type=submit]")
        expect(page.locator(".flash-success")).to_contain_text("Đã gửi báo cáo (1 minh chứng)")
        expect(page.locator("#history")).to_contain_text("danh-gia-methadone-6-thang.pdf")
        _sign_out(page)

        # the secretariat: the report is in the review queue; accepting it moves the matrix
        _sign_in(page, base, "thuongtruc")
        expect(page).to_have_url(f"{base}/desk")
        done_before, due_before = _syt_total(page, syt_id)
        queued = page.locator(f'#review-queue tr[data-checkpoint-id="{checkpoint_id}"]')
        expect(queued).to_contain_text("Sở Y tế")
        queued.locator("a", has_text="Thẩm định").click()
        with page.expect_download() as download:
            page.locator("#history a", has_text="danh-gia-methadone-6-thang.pdf").click()
        assert Path(download.value.path()).read_bytes() == report.read_bytes()
        page.click("#review button.good")
        expect(page.locator(".flash-success")).to_contain_text("Đã chấp nhận báo cáo.")
        expect(page.locator(".status-line")).to_contain_text("Hoàn thành quá hạn")
        page.goto(f"{base}/desk")
        assert _syt_total(page, syt_id) == (done_before + 1, due_before)
        expect(page.locator(f'#review-queue tr[data-checkpoint-id="{checkpoint_id}"]')).to_have_count(0)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "desk.png"), full_page=True)
        _sign_out(page)

        # Sở Tư pháp's focal point may not see Sở Y tế's checkpoint
        _sign_in(page, base, "tuphap")
        response = page.goto(f"{base}/checkpoints/{checkpoint_id}")
        assert response.status == 404
        expect(page.locator("h1")).to_contain_text("Không tìm thấy")
        browser.close()
