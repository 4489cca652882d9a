"""A plan's own escalation ladder: shown and set through the API and the CLI, refused when bad."""

import json

from sqlmodel import Session

from api.cli import main
from models import Plan
from tests.api.test_cli_admin import cli_env  # noqa: F401  (fixture)
from tests.builders import add_plan


def test_api_sets_shows_and_resets_a_plan_ladder(client, world, engine):
    plan_id = world.task.plan_id
    url = f"/api/v1/plans/{plan_id}/ladder"
    assert client.get(url, headers=world.headers("focal_syt")).json()["default"] is True
    rungs = [
        {"rung": "overdue", "offset_days": 3, "audience": "focal,head"},
        {"rung": "leader", "offset_days": 15, "audience": "leader"},
    ]
    r = client.put(url, json={"rungs": rungs}, headers=world.headers("secretariat"))
    assert r.status_code == 200 and r.json() == {"plan_id": plan_id, "default": False, "rungs": rungs}
    with Session(engine) as s:
        assert s.get(Plan, plan_id).ladder == rungs
    bad = client.put(
        url,
        json={"rungs": [{"rung": "nhac", "offset_days": 1, "audience": "focal"}]},
        headers=world.headers("admin"),
    )
    assert bad.status_code == 422 and bad.json()["code"] == "ladder.rung_name"
    assert client.get(url, headers=world.headers("leader")).json()["rungs"] == rungs  # unchanged
    assert client.put(url, json={"rungs": None}, headers=world.headers("admin")).json()["default"] is True


def test_cli_sets_and_shows_a_plan_ladder(cli_env, session, tmp_path, capsys):  # noqa: F811
    plan = add_plan(session, number="7/KH-UBND")
    session.commit()
    ladder = tmp_path / "ladder.json"
    ladder.write_text(json.dumps([{"rung": "overdue", "offset_days": 2, "audience": "focal"}]))
    assert main(["plan", "ladder", str(plan.id), "--set", str(ladder)]) == 0
    assert "overdue      hạn +2 ngày → focal" in capsys.readouterr().out
    session.expire_all()
    assert session.get(Plan, plan.id).ladder == [{"rung": "overdue", "offset_days": 2, "audience": "focal"}]
    ladder.write_text("[]")
    assert main(["plan", "ladder", plan.number, "--set", str(ladder)]) == 2
    assert "a ladder is a non-empty list" in capsys.readouterr().err
    assert main(["plan", "ladder", plan.number, "--reset"]) == 0
    assert "mặc định" in capsys.readouterr().out
