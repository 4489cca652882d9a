"""`plantrack sweep` and `plantrack status` end to end on a migrated database."""

import json
import logging
from datetime import date

import pytest
from sqlmodel import Session, func, select

from models import Escalation
from models.config import get_settings
from models.db import make_engine
from models.migrate import upgrade
from tests.builders import add_agency, add_plan, add_task, changed, checkpoints_of


def plantrack(*argv: str) -> int:
    import api.commands  # noqa: F401  (first: a command module may import api.cli)
    from api.cli import main

    return main(list(argv))


@pytest.fixture
def cli_db(monkeypatch, tmp_path, empty_db_url):
    """A migrated database with two agencies, and PLANTRACK_* pointing at it."""
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    with Session(engine) as s:
        syt = add_agency(s, "Sở Y tế", code="syt", aliases=["SYT"])
        cat = add_agency(s, "Công an tỉnh", code="cat")
        add_agency(s, "Sở Tư pháp", code="stp")
        plan = add_plan(s)
        done, late = checkpoints_of(
            s, add_task(s, syt, [date(2023, 3, 14), date(2023, 6, 14)], schedule_kind="recurring")
        )
        changed(s, done, state="accepted", submitted_on=date(2023, 3, 10))
        add_task(s, cat, [date(2023, 6, 28)])
        s.commit()
        ids = {"syt": syt.id, "cat": cat.id, "plan": plan.id, "late": late.id}
    monkeypatch.setenv("PLANTRACK_DATABASE_URL", empty_db_url)
    monkeypatch.setenv("PLANTRACK_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield engine, ids
    get_settings.cache_clear()
    engine.dispose()


def test_sweep_prints_what_fired_and_a_rerun_fires_nothing(cli_db, capsys):
    engine, _ = cli_db
    assert plantrack("sweep", "--today", "2023-06-21") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "reminder (Nhắc hạn): 1",
        "overdue (Quá hạn): 0",
        "secretariat (Chuyển Thường trực): 1",
        "leader (Báo cáo lãnh đạo): 0",
        "Tổng: 2 cảnh báo mới ngày 21/06/2023",
    ]
    assert plantrack("sweep", "--today", "2023-06-21") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Tổng: 0 cảnh báo mới ngày 21/06/2023"
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Escalation)).one() == 2


def test_status_table_has_vietnamese_headings(cli_db, capsys):
    assert plantrack("status", "--today", "2023-06-21") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Tình hình thực hiện ngày 21/06/2023"
    assert lines[1].split("  ")[0] == "Cơ quan"
    assert "Tỷ lệ hoàn thành" in lines[1] and "Quá hạn lâu nhất" in lines[1]
    syt = next(line for line in lines if line.startswith("Sở Y tế"))
    assert syt.split()[3:9] == ["2", "2", "1", "1", "1", "0"]  # total, due, done, on time, overdue, submitted
    assert "50,0%" in syt and syt.endswith("ngày") and "7 ngày" in syt
    assert any(line.startswith("Kế hoạch 1/KH-TEST") for line in lines)


def test_status_json_for_one_agency_matched_without_diacritics(cli_db, capsys):
    _, ids = cli_db
    assert plantrack("status", "--agency", "so y te", "--today", "2023-06-21", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plans"] == [] and [a["key"] for a in data["agencies"]] == [ids["syt"]]
    syt = data["agencies"][0]
    assert (syt["due"], syt["done"], syt["completion_pct"], syt["on_time_pct"]) == (2, 1, 50.0, 50.0)
    assert syt["oldest_overdue"] == {"checkpoint_id": ids["late"], "due_date": "2023-06-14", "days_late": 7}
    assert plantrack("status", "--agency", "SYT", "--format", "json", "--plan", str(ids["plan"])) == 0
    assert [a["key"] for a in json.loads(capsys.readouterr().out)["agencies"]] == [ids["syt"]]


def test_status_refuses_unknown_agency_or_plan(cli_db, capsys):
    assert plantrack("status", "--agency", "Sở Y tê xyz") == 2
    assert "no agency named 'Sở Y tê xyz'; closest: Sở Y tế" in capsys.readouterr().err
    assert plantrack("status", "--agency", "Sở") == 2
    assert "matches 2 agencies: Sở Tư pháp, Sở Y tế" in capsys.readouterr().err
    assert plantrack("status", "--plan", "999") == 2
    assert "no plan with id 999" in capsys.readouterr().err


def test_the_jobs_summary_goes_to_stderr_at_the_configured_level(cli_db, capsys, monkeypatch):
    assert plantrack("sweep", "--today", "2023-06-21") == 0
    logged = capsys.readouterr().err
    assert "INFO plantrack.jobs" in logged and "escalation sweep 2023-06-21: 2 fired" in logged
    monkeypatch.setenv("PLANTRACK_LOG_LEVEL", "warning")
    get_settings.cache_clear()
    logging.getLogger("plantrack").handlers.clear()  # a fresh process would configure it anew
    assert plantrack("sweep", "--today", "2023-06-22") == 0
    assert "plantrack.jobs" not in capsys.readouterr().err
    logger = logging.getLogger("plantrack")
    logger.handlers.clear()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
