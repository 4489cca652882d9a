"""The /search page: words without diacritics, filters in the query string, pages, plan column, errors."""

import html
import re
from datetime import date, timedelta

from sqlmodel import Session

from tests.api.test_pages import login
from tests.builders import add_plan, add_task


def test_search_page_finds_by_unaccented_words_and_shows_the_plan(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        other = add_plan(s, "5/KH-UBND", issued_on=date(2024, 2, 1))
        add_task(s, world.cat, [date(2024, 6, 14)], text="Đánh giá điều trị Methadone.", plan=other)
        s.commit()
    login(client, "secretariat")
    page = client.get("/search", params={"q": "methadone"})
    assert page.status_code == 200
    assert "5/KH-UBND" in page.text and "Công an tỉnh" in page.text
    assert "1–1 trong 1 mốc" in page.text and "tất cả kế hoạch đang thực hiện" in page.text
    by_agency = client.get("/search", params={"q": "y te"})
    assert "1–4 trong 4 mốc" in by_agency.text and "Sở Y tế" in by_agency.text
    chosen = client.get("/search", params={"plan_id": world.task.plan_id})
    assert (
        "Đang xem kế hoạch: <strong>1/KH-TEST</strong>" in chosen.text and "5/KH-UBND</a>" not in chosen.text
    )


def test_search_page_pages_keep_the_filters(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        weekly = [date(2023, 1, 2) + timedelta(days=7 * n) for n in range(50)]
        add_task(s, world.syt, weekly, text="Giao ban tuần về y tế học đường.", schedule_kind="recurring")
        s.commit()
    login(client, "secretariat")
    first = client.get("/search", params={"q": "y te"})
    assert "1–50 trong 54 mốc" in first.text
    (link,) = set(re.findall(r'href="(/search\?[^"]*offset=50[^"]*)"', first.text))
    assert "q=y+te" in link
    second = client.get(html.unescape(link))
    assert (
        "51–54 trong 54 mốc" in second.text
        and "Trang trước" in second.text
        and "Trang sau" not in second.text
    )


def test_bad_filters_show_a_vietnamese_message_and_the_typed_values(client, world):
    login(client, "secretariat")
    page = client.get("/search", params={"q": "y te", "quarter": "Q7"})
    assert page.status_code == 422
    assert "Quý «Q7» không hợp lệ" in page.text and 'value="y te"' in page.text
    page = client.get("/search", params={"plan_id": "abc"})
    assert page.status_code == 422 and "Không tìm thấy kế hoạch số abc" in page.text


def test_an_agency_user_searches_only_its_own(client, world):
    login(client, "focal_cat")
    page = client.get("/search", params={"q": "y te"})
    assert page.status_code == 200 and "Không tìm thấy mốc nào phù hợp" in page.text
    assert 'name="agency_id"' not in page.text


def test_a_broad_search_says_more_than_a_thousand(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        daily = [date(2023, 1, 1) + timedelta(days=n) for n in range(1005)]
        add_task(s, world.syt, daily, text="Giao ban hằng ngày.", schedule_kind="recurring")
        s.commit()
    login(client, "secretariat")
    page = client.get("/search", params={"q": "giao ban"})
    assert "1–50 trong hơn 1.000 mốc" in page.text and "Trang sau" in page.text
    near_end = client.get("/search", params={"q": "giao ban", "offset": "950"})
    assert "951–1.000 trong hơn 1.000 mốc" in near_end.text and "Trang sau" in near_end.text
    last = client.get("/search", params={"q": "giao ban", "offset": "1000"})
    assert "1.001–1.005 trong 1.005 mốc" in last.text and "Trang sau" not in last.text
