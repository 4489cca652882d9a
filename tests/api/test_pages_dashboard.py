"""The leader's dashboard over time: the scope's trend, each area's and a chosen agency's, each chart
with its figures as a table, drawn without an inline style (the Content-Security-Policy blocks them)."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlmodel import Session

from tests.api.test_pages import sign_in
from workflows.checkpoints import review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor


class _Table(HTMLParser):
    """The text of each cell of the table with a given id, row by row."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.rows and self.rows[-1]:
            self.rows[-1][-1] = " ".join((self.rows[-1][-1] + " " + data).split())


def table(page: str, table_id: str) -> list[list[str]]:
    parser = _Table(table_id)
    parser.feed(page)
    return parser.rows[1:]  # without the header row


@pytest.fixture
def q1_done_in_q2(world, engine, settings):
    """Sở Y tế's 14/03 report, sent on 10/03 and accepted only on 05/04."""
    with Session(engine) as s:
        sub = submissions.submit_report(
            s,
            Actor.of(world.users["focal_syt"]),
            world.checkpoints[0].id,
            "Báo cáo quý I",
            [("bao-cao.pdf", b"%PDF-1.4\n%test\n")],
            [],
            date(2023, 3, 10),
            EvidenceStore.from_settings(settings),
        )
        review.accept_submission(s, Actor.of(world.users["secretariat"]), sub.id, date(2023, 4, 5))
        s.commit()


def test_the_dashboard_draws_the_trend_of_the_plan_and_of_each_area(client, world, q1_done_in_q2):
    sign_in(client, "leader")
    page = client.get("/dashboard").text
    assert table(page, "trend-data") == [
        ["Quý I/2023", "1", "0", "0%", "0%"],  # accepted on 05/04: not done at the end of quarter I
        ["Quý II/2023", "2", "1", "50%", "50%"],
        ["Quý III/2023 (đến 01/07/2023)", "2", "1", "50%", "50%"],
    ]
    assert 'id="area-trends"' in page and page.count('<figure class="chart" data-area="II.1"><svg') == 1
    assert table(page, "area-trend-data") == [
        ["II.1 Nhiệm vụ", "0% / 0% 0/1 mốc", "50% / 50% 1/2 mốc", "50% / 50% 1/2 mốc"]
    ]
    assert 'role="img" aria-label="Tỷ lệ hoàn thành và đúng hạn theo quý"' in page
    assert not re.search(r"<style|\sstyle=", page)  # nothing the Content-Security-Policy would block


def test_the_dashboard_draws_a_chosen_agencys_trend(client, world, q1_done_in_q2):
    sign_in(client, "leader")
    page = client.get("/dashboard").text
    assert 'id="agency-trend"' in page and 'id="agency-trend-data"' not in page  # none chosen yet
    assert f'<option value="{world.syt.id}">Sở Y tế</option>' in page
    chosen = client.get("/dashboard", params={"agency_id": world.syt.id}).text
    assert f'<option value="{world.syt.id}" selected>Sở Y tế</option>' in chosen
    assert table(chosen, "agency-trend-data")[1] == ["Quý II/2023", "2", "1", "50%", "50%"]
    assert 'aria-label="Sở Y tế: tiến độ theo quý"' in chosen
    assert f'name="agency_id" value="{world.syt.id}"' in chosen  # the plan picker keeps the agency
    idle = client.get("/dashboard", params={"agency_id": world.cat.id}).text  # owes nothing
    assert [r[1:] for r in table(idle, "agency-trend-data")] == [["0", "0", "—", "—"]] * 3
    for wrong in ("999999", "abc"):
        r = client.get("/dashboard", params={"agency_id": wrong})
        assert r.status_code == 404 and "Không tìm thấy" in r.text


def test_the_agency_page_draws_its_own_trend_with_its_figures(client, world, q1_done_in_q2):
    sign_in(client, "head_syt")
    page = client.get(f"/agencies/{world.syt.id}").text
    assert 'aria-label="Sở Y tế: tiến độ theo quý"' in page
    assert table(page, "agency-trend-data")[0] == ["Quý I/2023", "1", "0", "0%", "0%"]
    assert not re.search(r"<style|\sstyle=", page)
