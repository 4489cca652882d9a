"""A real browser on the demo's dashboard: the charts draw in colour under the Content-Security-Policy
(no inline style the policy blocks), one small chart per area, and every chart fits an A4 page in print."""

import pytest
from sqlmodel import Session, select

from models import Agency
from tests.api.test_browser import ARGS, ARTIFACTS, CHROMIUM, _sign_in, demo_server  # noqa: F401
from workflows.demo import SYT

pytestmark = pytest.mark.browser
A4_PRINTABLE_PX = round((210 - 2 * 12) / 25.4 * 96)  # the print stylesheet's A4 margins, at 96 px an inch


def test_the_dashboards_trends_draw_under_the_policy_and_print_on_a4(demo_server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base, engine = demo_server
    with Session(engine) as s:
        syt = s.exec(select(Agency).where(Agency.code == SYT)).one().id
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        _sign_in(page, base, "lanhdao")
        page.goto(f"{base}/dashboard?agency_id={syt}")
        expect(page.locator("#agency-trend-data")).to_contain_text("Quý II/2023")
        assert blocked == []

        # the lines are drawn in their colours (a blocked style would leave them black or unstroked)
        line = page.locator('#charts svg path[stroke="#1d4ed8"]').first
        assert line.evaluate("e => getComputedStyle(e).stroke") == "rgb(29, 78, 216)"
        done = page.locator('#charts svg path[fill="#15803d"]').first  # the status chart: done on time
        assert done.evaluate("e => getComputedStyle(e).fill") == "rgb(21, 128, 61)"
        areas = page.locator("#area-trend-data tbody tr").count()
        assert areas > 5 and page.locator("#area-trends figure.chart svg").count() == areas
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#area-trends").screenshot(path=str(ARTIFACTS / "dashboard-area-trends.png"))

        # in print, on an A4 page's width, every chart fits
        page.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1100})
        page.emulate_media(media="print")
        widths = page.locator("figure.chart svg").evaluate_all(
            "es => es.map(e => e.getBoundingClientRect().right)"
        )
        assert widths and max(widths) <= A4_PRINTABLE_PX
        page.pdf(path=str(ARTIFACTS / "dashboard.pdf"), format="A4")
        browser.close()
