"""Many plans, many years: desk, dashboard, agency page and exports filter by plan and say which."""

import csv
import html
import io
from datetime import date

import pytest
from sqlmodel import Session, select

from models import Task
from tests.api.test_pages import sign_in
from tests.api.test_pages_dashboard import table as table_rows
from tests.builders import add_plan, add_task, checkpoints_of

ALL_ACTIVE = "tất cả kế hoạch đang thực hiện"


@pytest.fixture
def two_plans(world, engine):
    """A second plan (2024) with an overdue task of Sở Y tế next to the first plan's."""
    with Session(engine, expire_on_commit=False) as s:
        later = add_plan(s, "8/KH-UBND", issued_on=date(2023, 3, 1))
        add_task(s, world.syt, [date(2023, 5, 15)], text="Kiểm tra cơ sở cai nghiện tự nguyện.", plan=later)
        s.commit()
    return later


def test_desk_opens_on_every_active_plan_and_says_so(client, world, two_plans):
    sign_in(client, "secretariat")
    page = client.get("/desk").text
    assert ALL_ACTIVE in page and "Tất cả kế hoạch đang thực hiện (2)" in page
    assert "Kế hoạch 8/KH-UBND" in page and "Kế hoạch 1/KH-TEST" in page  # the overdue items of both
    assert 'id="plans-section"' in page and 'id="matrix"' not in page  # a matrix is of one plan
    one = client.get("/desk", params={"plan_id": two_plans.id}).text
    assert "Đang xem kế hoạch: <strong>8/KH-UBND</strong>" in one and "Kế hoạch 1/KH-TEST" not in one
    assert 'id="matrix"' in one
    assert client.get("/desk", params={"plan_id": "999"}).status_code == 404


def test_dashboard_covers_every_active_plan_by_default(client, world, two_plans):
    sign_in(client, "leader")
    page = client.get("/dashboard").text
    assert ALL_ACTIVE in page and "Theo kế hoạch" in page
    assert "8/KH-UBND" in page and "1/KH-TEST" in page and "Theo lĩnh vực" not in page
    one = client.get("/dashboard", params={"plan_id": two_plans.id}).text
    assert "Theo lĩnh vực" in one and "Đang xem kế hoạch: <strong>8/KH-UBND</strong>" in one


def test_agency_page_has_a_plan_column_and_filter(client, world, two_plans):
    sign_in(client, "focal_syt")
    page = client.get(f"/agencies/{world.syt.id}").text
    assert ALL_ACTIVE in page and "<td>8/KH-UBND</td>" in page and "<td>1/KH-TEST</td>" in page
    only = client.get(f"/agencies/{world.syt.id}", params={"plan_id": two_plans.id}).text
    assert "<td>8/KH-UBND</td>" in only and "<td>1/KH-TEST</td>" not in only
    overdue = client.get(f"/agencies/{world.syt.id}", params={"status": "overdue"}).text
    assert overdue.count("<td>8/KH-UBND</td>") == 1 and overdue.count("<td>1/KH-TEST</td>") == 2


def test_export_of_every_active_plan_has_a_plan_column(client, world, two_plans):
    sign_in(client, "leader")
    form = client.get("/exports").text
    assert "Tất cả kế hoạch đang thực hiện (2)" in form and 'value="2023-Q2" selected' in form
    r = client.get("/exports/quarterly.csv", params={"plan_id": "", "quarter": "2023-Q2"})
    assert r.status_code == 200 and "tat-ca-ke-hoach-2023-Q2" in r.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0][-1] == "Kế hoạch" and {row[-1] for row in table[1:]} == {"1/KH-TEST", "8/KH-UBND"}
    docx = client.get("/exports/quarterly.docx", params={"plan_id": "", "quarter": "2023-Q2"})
    assert docx.status_code == 422  # a báo cáo is of one plan


def end(engine, world, plan, status: str, reason: str) -> None:
    """The secretariat withdraws or archives `plan` on 01/06/2023."""
    from workflows.kernel.actors import Actor
    from workflows.plans.lifecycle import end_plan

    with Session(engine) as s:
        end_plan(s, Actor.of(world.users["secretariat"]), plan.id, status, reason, date(2023, 6, 1))
        s.commit()


def test_a_withdrawn_plan_leaves_the_default_lists_but_stays_reachable(client, world, two_plans, engine):
    end(engine, world, two_plans, "withdrawn", "Thay thế")
    sign_in(client, "secretariat")
    page = client.get("/desk").text
    assert "Tất cả kế hoạch đang thực hiện (1)" in page and "Kế hoạch 8/KH-UBND" not in page
    assert client.get("/desk", params={"plan_id": two_plans.id}).status_code == 200  # history stays


def test_every_page_names_the_registrys_own_authority(client, world, engine):
    from models import RegistryAuthority

    assert "UBND tỉnh Sơn La" in client.get("/login").text  # the demo registry's province
    with Session(engine) as s:
        s.add(RegistryAuthority(province="Bắc Ninh", authority="UBND tỉnh Bắc Ninh"))
        s.commit()
    client.app.state.authority_cache = None  # another process ran `registry init`; the cache expires
    sign_in(client, "secretariat")
    page = client.get("/desk").text
    assert "UBND tỉnh Bắc Ninh" in page and "Sơn La" not in page
    assert "của UBND tỉnh Bắc Ninh" in client.get("/login").text


def test_the_plans_list_says_which_plan_was_withdrawn(client, world, two_plans, engine):
    end(engine, world, two_plans, "archived", "Đã kết thúc")
    sign_in(client, "leader")
    page = client.get("/plans").text
    later = page[page.index("Kế hoạch 8/KH-UBND") :]
    assert "Đã lưu trữ" in later[: later.index("</h2>")]
    first = page[page.index("Kế hoạch 1/KH-TEST") :]
    assert "plan-status" not in first[: first.index("</h2>")]


def test_digest_page_has_a_plan_filter_and_the_digest_names_each_items_plan(client, world, two_plans):
    sign_in(client, "secretariat")
    page = client.get(f"/desk/digest/{world.syt.id}")
    assert page.status_code == 200 and 'name="plan_id"' in page.text and ALL_ACTIVE in page.text
    mail = html.unescape(page.text)
    assert "Phạm vi: tất cả kế hoạch đang thực hiện (2): 8/KH-UBND, 1/KH-TEST." in mail
    assert "- [8/KH-UBND] II.1" in mail and "- [1/KH-TEST] II.1" in mail
    one = html.unescape(client.get(f"/desk/digest/{world.syt.id}", params={"plan_id": two_plans.id}).text)
    assert "Phạm vi: Kế hoạch 8/KH-UBND." in one and "[1/KH-TEST]" not in one and "[8/KH-UBND]" not in one
    assert "Kiểm tra cơ sở cai nghiện tự nguyện." in one
    assert client.get(f"/desk/digest/{world.syt.id}", params={"plan_id": "999"}).status_code == 404
    sign_in(client, "head_syt")  # a head reads their own digest over the plan they choose
    own = html.unescape(client.get(f"/desk/digest/{world.syt.id}", params={"plan_id": two_plans.id}).text)
    assert "Phạm vi: Kế hoạch 8/KH-UBND." in own


def test_accepted_work_of_a_withdrawn_plan_leaves_every_all_plans_figure(
    client, world, two_plans, engine, settings
):
    """The 8/KH-UBND item is done (accepted), then the plan is withdrawn: the dashboard, the desk and the
    agency page over every active plan count only the plans in force (1/KH-TEST and 9/KH-UBND)."""
    from workflows.checkpoints import review, submissions
    from workflows.checkpoints.evidence import EvidenceStore
    from workflows.kernel.actors import Actor
    from workflows.plans.lifecycle import end_plan

    with Session(engine) as s:
        third = add_plan(s, "9/KH-UBND", issued_on=date(2023, 4, 1))
        add_task(s, world.cat, [date(2023, 6, 20)], plan=third)
        (cp,) = checkpoints_of(s, s.exec(select(Task).where(Task.plan_id == two_plans.id)).one())
        focal, sec = Actor.of(world.users["focal_syt"]), Actor.of(world.users["secretariat"])
        pdf = [("bao-cao.pdf", b"%PDF-1.4\n%test\n")]
        sub = submissions.submit_report(
            s, focal, cp.id, "Đã kiểm tra", pdf, [], date(2023, 5, 10), EvidenceStore.from_settings(settings)
        )
        review.accept_submission(s, sec, sub.id, date(2023, 5, 12))
        end_plan(s, sec, two_plans.id, "withdrawn", "Thay thế", date(2023, 6, 1))
        s.commit()

    sign_in(client, "leader")
    page = client.get("/dashboard").text
    assert "Tất cả kế hoạch đang thực hiện (2)" in page
    plans = page[page.index("Theo kế hoạch") :]
    assert "1/KH-TEST" in plans and "9/KH-UBND" in plans and "8/KH-UBND" not in plans
    assert '<span class="big">3</span> mốc đã đến hạn' in page  # 14/03 and 14/06 of Sở Y tế, 20/06 of CA
    ranking = page[page.index('class="list ranking"') :]
    syt = ranking[ranking.index(f'href="/agencies/{world.syt.id}"') :]
    due_done = '<td class="num">2</td><td class="num">0</td>'  # not 3 and 1 with the withdrawn plan's
    assert syt.startswith(f'href="/agencies/{world.syt.id}">Sở Y tế</a></td>\n        {due_done}')
    assert [r[1:3] for r in table_rows(page, "trend-data")][-1] == ["3", "0"]

    sign_in(client, "secretariat")
    desk = client.get("/desk").text
    section = desk[desk.index('id="plans-section"') :]
    assert "1/KH-TEST" in section and "9/KH-UBND" in section and "8/KH-UBND" not in section

    sign_in(client, "focal_syt")
    agency = client.get(f"/agencies/{world.syt.id}").text
    assert "0/2 mốc đến hạn" in agency  # the withdrawn plan's done item no longer counts
    chosen = client.get(f"/agencies/{world.syt.id}", params={"plan_id": two_plans.id}).text
    assert "1/1 mốc đến hạn" in chosen  # chosen by name, the withdrawn plan shows its history


def test_the_desks_extension_requests_name_their_plan_where_plans_mix(client, world, two_plans, engine):
    from workflows.checkpoints import extensions
    from workflows.kernel.actors import Actor

    with Session(engine) as s:
        (later,) = checkpoints_of(s, s.exec(select(Task).where(Task.plan_id == two_plans.id)).one())
        focal = Actor.of(world.users["focal_syt"])
        for cp, until in ((world.checkpoints[2], date(2023, 10, 31)), (later, date(2023, 7, 31))):
            extensions.request_extension(s, focal, cp.id, until, "Chờ số liệu", date(2023, 7, 1))
        s.commit()
    sign_in(client, "secretariat")
    rows = table_rows(client.get("/desk").text, "extension-list")
    assert {(r[1], r[2]) for r in rows} == {
        ("1/KH-TEST", "Hạn 14/09/2023 — mục II.1"),
        ("8/KH-UBND", "Hạn 15/05/2023 — mục II.1"),
    }
    one = client.get("/desk", params={"plan_id": two_plans.id}).text
    head = one[one.index('id="extension-list"') :]
    assert '<th scope="col">Kế hoạch</th>' not in head[: head.index("</thead>")]  # one plan: said above
    assert [r[0] for r in table_rows(one, "extension-list")] == ["Sở Y tế focal_syt"]


def test_the_desks_escalations_follow_the_plan_filter_and_name_their_plan(client, world, two_plans, engine):
    from workflows.escalation.sweep import escalate_overdue

    with Session(engine) as s:
        fired = escalate_overdue(s, date(2023, 7, 1))
        s.commit()
    assert fired  # both plans have overdue work past the first rung
    sign_in(client, "secretariat")
    section = client.get("/desk").text.split('id="escalations"')[1].split("</section>")[0]
    assert "[8/KH-UBND]" in section and "[1/KH-TEST]" in section
    one = client.get("/desk", params={"plan_id": two_plans.id}).text
    section = one.split('id="escalations"')[1].split("</section>")[0]
    assert "Sở Y tế" in section and "[1/KH-TEST]" not in section and "[8/KH-UBND]" not in section


def test_the_plan_page_says_when_a_duty_starts_later_than_the_plan(client, world, engine):
    from models import Task

    with Session(engine) as s:
        task = s.get(Task, world.task.id)
        task.starts_on = date(2023, 4, 1)
        s.add(task)
        s.commit()
    sign_in(client, "secretariat")
    page = client.get(f"/plans/{world.task.plan_id}").text
    assert "bắt đầu từ 01/04/2023" in page
