"""`plantrack summary check|rebuild` on a migrated database."""

from datetime import date

import pytest
from sqlmodel import Session, func, select

from models import AgencyDay, AgencySummary
from models.config import get_settings
from models.db import make_engine
from models.migrate import upgrade
from tests.api.test_engine_command import plantrack
from tests.builders import add_agency, add_task


@pytest.fixture
def cli_db(monkeypatch, tmp_path, empty_db_url):
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    with Session(engine) as s:
        add_task(s, add_agency(s, "Sở Y tế", code="syt"), [date(2023, 3, 14), date(2023, 6, 14)])
        s.commit()
    monkeypatch.setenv("PLANTRACK_DATABASE_URL", empty_db_url)
    monkeypatch.setenv("PLANTRACK_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()
    engine.dispose()


def test_check_passes_then_finds_drift_that_rebuild_repairs(cli_db, capsys):
    assert plantrack("summary", "check") == 0
    assert "equals a full recomputation" in capsys.readouterr().out
    with Session(cli_db) as s:  # written around the rules: the summary no longer agrees
        s.execute(AgencySummary.__table__.update().values(n=AgencySummary.n + 3))
        s.commit()
    assert plantrack("summary", "check") == 1
    assert "agencysummary: 2 rows differ" in capsys.readouterr().out
    assert plantrack("summary", "rebuild") == 0
    assert "agencysummary 2 rows" in capsys.readouterr().out
    assert plantrack("summary", "check") == 0
    with Session(cli_db) as s:
        assert s.execute(select(func.sum(AgencySummary.n))).scalar_one() == 2


def test_roll_holds_the_figures_of_today_and_tomorrow(cli_db, capsys):
    assert plantrack("summary", "roll", "--today", "2023-03-15") == 0
    assert "2023-03-15, 2023-03-16" in capsys.readouterr().out
    with Session(cli_db) as s:
        (overdue,) = s.execute(
            select(AgencyDay.overdue).where(AgencyDay.day == date(2023, 3, 15))
        ).one()  # due the 14th, open: overdue from the 15th
        assert overdue == 1
    assert plantrack("summary", "check") == 0
