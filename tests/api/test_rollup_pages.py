"""Agency rollups page through the responsible agencies by name, computing one page at a time."""

from datetime import date

from sqlmodel import Session

from tests.api.conftest import TODAY
from tests.builders import add_agency, add_plan, add_task
from workflows.reporting.rollups import agency_rollup


def test_pages_follow_the_whole_rollup(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        other = add_plan(s, number="2/KH-TEST")
        for name in ("Sở Tư pháp", "Sở Nội vụ", "Ban Dân tộc", "Tỉnh đoàn"):
            add_task(s, add_agency(s, name), [date(2023, 5, 31)], plan=other)
        add_agency(s, "Sở không có việc")  # owns no checkpoint: in no page, not in the total
        s.commit()
        whole = [(r.key, r.counts["overdue"]) for r in agency_rollup(s, TODAY)]
    h = world.headers("secretariat")
    seen = []
    for offset in range(0, 6, 2):
        body = client.get("/api/v1/rollups/agencies", params={"limit": 2, "offset": offset}, headers=h).json()
        assert body["total"] == 5 and len(body["items"]) == min(2, 5 - offset)
        seen += [(i["key"], i["counts"]["overdue"]) for i in body["items"]]
    assert seen == whole and len(whole) == 5  # same agencies, same order (by name), same figures
    params = {"plan_id": world.task.plan_id}
    one_plan = client.get("/api/v1/rollups/agencies", params=params, headers=h).json()
    assert one_plan["total"] == 1 and one_plan["items"][0]["key"] == world.syt.id
