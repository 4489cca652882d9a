"""GET /api/v1/search/checkpoints: words without diacritics, filters, pages, refusals with codes."""

from datetime import date, timedelta

from sqlmodel import Session

from tests.builders import add_plan, add_task

Q = "/api/v1/search/checkpoints"


def test_unaccented_words_find_the_task_of_the_agency(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        other = add_plan(s, "5/KH-UBND", issued_on=date(2024, 2, 1))
        add_task(s, world.cat, [date(2024, 6, 14)], text="Đánh giá điều trị Methadone.", plan=other)
        s.commit()
    h = world.headers("secretariat")
    body = client.get(Q, params={"q": "y te"}, headers=h).json()
    assert body["total"] == 4 and {i["agency_name"] for i in body["items"]} == {"Sở Y tế"}
    found = client.get(Q, params={"q": "METHADONE danh gia"}, headers=h).json()["items"]
    assert [(i["agency_name"], i["plan_number"]) for i in found] == [("Công an tỉnh", "5/KH-UBND")]
    page = client.get(Q, params={"limit": 2, "offset": 4}, headers=h).json()
    assert page["total"] == 5 and len(page["items"]) == 1
    only_first = client.get(Q, params={"plan_id": world.task.plan_id, "quarter": "2023-Q3"}, headers=h).json()
    assert [i["due_date"] for i in only_first["items"]] == ["2023-09-14"]
    overdue = client.get(Q, params={"overdue": "true"}, headers=h).json()["items"]
    assert [i["status"] for i in overdue] == ["overdue", "overdue"]  # Q1 and Q2 of Sở Y tế on 01/07


def test_another_agency_finds_nothing_of_sy_te(client, world):
    assert client.get(Q, params={"q": "y te"}, headers=world.headers("focal_cat")).json()["total"] == 0
    assert client.get(Q, params={"q": "y te"}, headers=world.headers("focal_syt")).json()["total"] == 4


def test_bad_filters_are_refused_with_a_code(client, world):
    h = world.headers("secretariat")
    r = client.get(Q, params={"plan_id": 9999}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "search.unknown_plan"
    r = client.get(Q, params={"quarter": "Q7"}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "export.quarter_invalid"
    assert client.get(Q, params={"status": "late"}, headers=h).status_code == 422
    assert client.get(Q, params={"q": "x" * 201}, headers=h).status_code == 422
    assert client.get(Q, params={"plan_id": 2**40}, headers=h).status_code == 422


def test_a_broad_search_says_its_count_is_capped(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        daily = [date(2023, 1, 1) + timedelta(days=n) for n in range(1005)]
        add_task(s, world.syt, daily, text="Giao ban hằng ngày.", schedule_kind="recurring")
        add_task(s, world.cat, [date(2024, 6, 14)], text="Đánh giá điều trị Methadone.")
        s.commit()
    h = world.headers("secretariat")
    broad = client.get(Q, params={"q": "giao ban"}, headers=h).json()
    assert (broad["total"], broad["total_capped"], len(broad["items"])) == (1000, True, 50)
    dates = [i["due_date"] for i in broad["items"]]
    assert dates == sorted(dates) and dates[0] == "2023-01-01"
    end = client.get(Q, params={"q": "giao ban", "offset": 1000, "limit": 50}, headers=h).json()
    assert (end["total"], end["total_capped"], len(end["items"])) == (1005, False, 5)
    narrow = client.get(Q, params={"q": "methadone"}, headers=h).json()
    assert (narrow["total"], narrow["total_capped"], len(narrow["items"])) == (1, False, 1)
