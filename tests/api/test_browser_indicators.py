"""A real browser on the demo: Sở Y tế reports an indicator value, the secretariat accepts it, and the
leader's dashboard and the Word report show the new progress."""

import io

import pytest
from docx import Document
from sqlmodel import Session, select

from models import Agency, Indicator
from tests.api.test_browser import ARGS, ARTIFACTS, CHROMIUM, _sign_in, _sign_out, demo_server  # noqa: F401
from workflows.demo import SYT

pytestmark = pytest.mark.browser


def _syt_indicator(engine) -> tuple[int, int, int]:
    """The indicator Sở Y tế owns in the demo (addicts on record), its agency and plan."""
    with Session(engine) as s:
        syt = s.exec(select(Agency).where(Agency.code == SYT)).one()
        ind = s.exec(select(Indicator).where(Indicator.owner_agency_id == syt.id)).one()
        return ind.id, syt.id, ind.plan_id


def test_an_indicator_value_reported_accepted_and_shown(demo_server):  # noqa: F811  (the fixture)
    from playwright.sync_api import expect, sync_playwright

    base, engine = demo_server
    indicator_id, syt_id, plan_id = _syt_indicator(engine)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")

        # Sở Y tế's focal point finds the indicator on the agency page and reports quarter II
        _sign_in(page, base, "yte")
        page.goto(f"{base}/agencies/{syt_id}")
        page.locator(f'#indicators tr[data-indicator-id="{indicator_id}"] a').click()
        expect(page).to_have_url(f"{base}/indicators/{indicator_id}")
        expect(page.locator("#progress .value")).to_contain_text("60%")
        page.select_option("#period", "2023-2")
        page.fill("#value", "tám mươi lăm")
        page.fill("#note", "Đã lập hồ sơ quản lý 85% người nghiện.")
        page.click("#report button[type=submit]")
        expect(page.locator("#form-error")).to_contain_text("«tám mươi lăm» không phải là số")
        expect(page.locator("#note")).to_have_value("Đã lập hồ sơ quản lý 85% người nghiện.")
        page.fill("#value", "85")
        page.click("#report button[type=submit]")
        expect(page.locator(".flash-success")).to_contain_text("Đã gửi số liệu Quý II/2023")
        expect(page.locator("#values")).to_contain_text("Chờ thẩm định")
        _sign_out(page)

        # the secretariat sees it on the desk and accepts it
        _sign_in(page, base, "thuongtruc")
        page.locator("#indicator-values a").first.click()
        expect(page).to_have_url(f"{base}/indicators/{indicator_id}")
        page.locator("#values button.good").click()
        expect(page.locator(".flash-success")).to_contain_text("Đã chấp nhận số liệu")
        expect(page.locator("#progress .progress-pct")).to_have_text("85%")
        _sign_out(page)

        # the leader's dashboard shows the new progress; the quarter II Word report too
        _sign_in(page, base, "lanhdao")
        row = page.locator(f'#indicators tr[data-indicator-id="{indicator_id}"]')
        expect(row).to_contain_text("85%")
        expect(row).to_contain_text("Quý II/2023")
        expect(page.locator("#charts svg")).to_have_count(3)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        report = page.request.get(f"{base}/exports/quarterly.docx?plan_id={plan_id}&quarter=2023-Q2")
        assert report.ok
        doc = Document(io.BytesIO(report.body()))
        table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
        rows = [[c.text for c in r.cells] for r in table.rows[1:]]
        assert any(r[2] == "Sở Y tế" and r[4] == "85%" for r in rows)
        browser.close()
