"""A checkpoint has one status wherever it is shown: API, checkpoint page, agency page, figures."""

from datetime import date

from sqlmodel import Session

from models import Task
from tests.api.conftest import TODAY
from tests.api.test_pages import login
from workflows.checkpoints import review, submissions
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor
from workflows.plans.importing import withdraw_task
from workflows.reporting.rollups import agency_rollup

PDF = b"%PDF-1.4\n%test\n"


def _accept_then_withdraw(world, engine, settings):
    """Q1 of Sở Y tế's task accepted on time, then the task withdrawn from the plan."""
    q1 = world.checkpoints[0]
    with Session(engine, expire_on_commit=False) as s:
        sub = submissions.submit_report(
            s,
            Actor.of(world.users["focal_syt"]),
            q1.id,
            "Quý I",
            [("q1.pdf", PDF)],
            [],
            date(2023, 3, 10),
            EvidenceStore.from_settings(settings),
        )
        review.accept_submission(s, Actor.of(world.users["secretariat"]), sub.id, date(2023, 3, 12))
        withdraw_task(s, s.get(Task, world.task.id))
        s.commit()
    return q1.id


def _status_line(page: str) -> str:
    return page.split('<div class="status-line">', 1)[1].split("</div>", 1)[0]


def test_accepted_checkpoint_of_a_withdrawn_task_is_done_everywhere(client, world, engine, settings):
    q1 = _accept_then_withdraw(world, engine, settings)
    q2 = world.checkpoints[1].id  # open when the task was withdrawn: waived
    api = client.get(f"/api/v1/checkpoints/{q1}", headers=world.headers("secretariat")).json()
    assert api["status"] == "done_on_time"
    assert client.get(f"/api/v1/checkpoints/{q2}", headers=world.headers("secretariat")).json()["status"] == (
        "waived"
    )
    login(client, "secretariat")
    assert "Hoàn thành đúng hạn" in _status_line(client.get(f"/checkpoints/{q1}").text)
    assert "Miễn thực hiện" in _status_line(client.get(f"/checkpoints/{q2}").text)
    agency_page = client.get(f"/agencies/{world.syt.id}").text
    assert "Hoàn thành đúng hạn" in agency_page
    with Session(engine) as s:
        (figures,) = agency_rollup(s, TODAY, agency_ids=[world.syt.id])
    assert figures.counts["done_on_time"] == 1 and figures.counts["waived"] == 3
    assert (figures.done, figures.due, figures.completion_pct) == (1, 1, 100.0)
