"""The review story in a real browser (Debian's chromium) on a real uvicorn, on Cần Thơ's own registry.

Kế hoạch 165/KH-UBND of Cần Thơ names no dates for most duties and gives the communes' duties to
"Ủy ban nhân dân xã, phường" as a whole. The secretariat imports it, gives three of those duties to
one ward, sets two deadlines, turns the unresolved passage into a task, deletes a false task and
publishes; the ward's focal point sees exactly those tasks. A revised text (one paragraph changed)
keeps every correction and flags the changed paragraph.
"""

import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Agency, Checkpoint, Plan, Task
from models.config import Settings
from models.db import make_engine
from models.migrate import upgrade
from tests.api.test_browser import ARGS, ARTIFACTS, CHROMIUM, _free_port
from tests.builders import PASSWORD, add_user
from workflows.agencies.setup import init_registry
from workflows.kernel.actors import SYSTEM

CANTHO = Path(__file__).resolve().parents[2] / "seed_plans" / "real" / "02_cantho_kh165_2025_dan_so.txt"
TODAY = date(2026, 1, 15)
WARD = "UBND phường Ninh Kiều"
LEADS = ("II.6.a", "II.6.b", "II.6.c")
FALSE_TASK = "III.2@uy-ban-mttq"

pytestmark = pytest.mark.browser


@pytest.fixture
def cantho_server(tmp_path):
    """uvicorn on a free port, serving a database set up with `registry init --province "Cần Thơ"`."""
    import uvicorn

    from api.app import create_app

    settings = Settings(data_dir=tmp_path / "data", secret_key="browser-review", scheduler_enabled=False)
    settings.data_dir.mkdir(parents=True)
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    with Session(engine) as s:
        init_registry(s, SYSTEM, "Cần Thơ", TODAY)
        s.flush()
        ward = s.exec(select(Agency).where(Agency.name == WARD)).one()
        add_user(s, "thuongtruc", "secretariat")
        add_user(s, "ninhkieu", "focal", ward)
        s.commit()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine, today=TODAY), host="127.0.0.1", port=port, log_level="warning"
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


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _task(page, ref: str):
    return page.locator(f'article[data-ref="{ref}"]')


def _edit(page, ref: str, action: str, **fields: str) -> None:
    """Open a task's «Sửa» panel, fill one correction form and send it."""
    task = _task(page, ref)
    if task.locator("details.edit").get_attribute("open") is None:
        task.locator("details.edit summary").click()
    form = task.locator(f'form:has(input[name="action"][value="{action}"])')
    for name, value in fields.items():
        field = form.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _upload(page, base: str, path: Path) -> None:
    page.goto(f"{base}/plans/import")
    page.set_input_files("#file", str(path))
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/plans/drafts/*")


def test_review_story_on_cantho_165(cantho_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, engine = cantho_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        _sign_in(page, base, "thuongtruc")
        _upload(page, base, CANTHO)
        expect(page.locator("h1")).to_contain_text("Xem xét: Kế hoạch 165/KH-UBND")
        expect(page.locator("#foreign")).to_have_count(0)  # Cần Thơ's plan on Cần Thơ's registry
        unresolved = int(page.locator("#n-unresolved").inner_text())
        assert unresolved >= 1
        with Session(engine) as s:
            assert s.exec(select(Checkpoint)).first() is None  # a draft reaches no inbox

        for ref in LEADS:  # three leads: the communes' duties go to one ward
            _edit(page, ref, "lead", lead=WARD)
            expect(page.locator(".flash-success")).to_contain_text(f"Đã đổi cơ quan chủ trì nhiệm vụ {ref}.")
            expect(_task(page, ref).locator(".lead-name")).to_have_text(WARD)
        _edit(page, "II.6.a", "schedule", kind="once", dates="30/06/2026")  # two deadlines
        _edit(page, "II.6.b", "schedule", kind="once", dates="31/12/2026", starts_on="01/07/2026")
        expect(_task(page, "II.6.b").locator(".due-dates")).to_contain_text("một lần: 31/12/2026")
        expect(_task(page, "II.6.b").locator(".starts-on")).to_have_text("bắt đầu từ 01/07/2026")
        ARTIFACTS.mkdir(exist_ok=True)
        _task(page, "II.6.b").screenshot(path=str(ARTIFACTS / "review-start.png"))
        # a date outside the plan's years is refused beside the form, with what was typed
        _edit(page, "II.6.c", "schedule", kind="once", dates="01/01/2040")
        expect(_task(page, "II.6.c").locator(".flash-error")).to_contain_text("nằm ngoài thời gian thực hiện")
        expect(_task(page, "II.6.c").locator('input[name="dates"]')).to_have_value("01/01/2040")

        passage = page.locator("#u-0")  # the unresolved passage becomes the ward's task
        passage.locator('input[name="lead"]').fill(WARD)
        passage.locator('select[name="kind"]').select_option("continuous")
        passage.locator("form.passage-task button[type=submit]").click()
        expect(page.locator(".flash-success")).to_contain_text("Đã giao việc từ đoạn chưa xác định")
        expect(page.locator("#n-unresolved")).to_have_text(str(unresolved - 1))
        made = page.locator(".flash-success").inner_text().rsplit("nhiệm vụ ", 1)[1].rstrip(".")

        _edit(page, FALSE_TASK, "delete")  # a false task
        expect(_task(page, FALSE_TASK)).to_have_count(0)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=False)
        page.click("#publish button[type=submit]")
        expect(page.locator(".flash-success")).to_contain_text("Đã xuất bản kế hoạch 165/KH-UBND")
        page.click("header form button")
        page.wait_for_url("**/login")

        # the ward's focal point sees exactly its four tasks
        _sign_in(page, base, "ninhkieu")
        expect(page).to_have_url(f"{base}/inbox")
        for details in page.locator("#later details, #awaiting-review details").all():
            details.evaluate("d => d.open = true")
        shown = {
            int(i)
            for i in page.locator("li.item").evaluate_all("els => els.map(e => e.dataset.checkpointId)")
        }
        with Session(engine) as s:
            refs = {s.get(Task, s.get(Checkpoint, i).task_id).ref for i in shown}
            ward = s.exec(select(Agency).where(Agency.name == WARD)).one()
            owed = set(s.exec(select(Task.ref).where(Task.lead_agency_id == ward.id)).all())
            plan = s.exec(select(Plan)).one()
            stored = {t.ref: t for t in s.exec(select(Task).where(Task.plan_id == plan.id))}
        assert owed == {*LEADS, made} and refs == owed
        assert stored["II.6.a"].due_dates == ["2026-06-30"] and stored["II.6.b"].due_dates == ["2026-12-31"]
        assert stored["II.6.b"].starts_on == date(2026, 7, 1)
        assert FALSE_TASK not in stored
        page.click("header form button")
        page.wait_for_url("**/login")

        # a revised text: II.6.b's paragraph changed; corrections kept, the paragraph flagged
        text = CANTHO.read_text(encoding="utf-8")
        old = stored["II.6.b"].text
        revised = tmp_path / "kh165-sua-doi.txt"
        revised.write_text(
            text.replace(old, old.replace("Ban hành", "Ban hành kịp thời", 1), 1), encoding="utf-8"
        )
        _sign_in(page, base, "thuongtruc")
        _upload(page, base, revised)
        for ref in LEADS:
            expect(_task(page, ref).locator(".lead-name")).to_have_text(WARD)
        expect(_task(page, FALSE_TASK)).to_have_count(0)
        expect(_task(page, made)).to_have_count(1)
        expect(_task(page, "II.6.b").locator(".flag")).to_have_text(
            "Đoạn văn bản đã thay đổi so với lúc sửa: xem lại chỗ đã sửa (chủ trì, thời hạn)."
        )
        expect(_task(page, "II.6.a").locator(".flag")).to_have_count(0)
        expect(page.locator("#diff")).to_contain_text("II.6.b (đã sửa — cần xem lại)")
        page.screenshot(path=str(ARTIFACTS / "review-revised.png"), full_page=False)
        browser.close()
