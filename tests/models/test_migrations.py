"""The Alembic migrations build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel

from models import Agency, Section
from models.db import make_engine
from models.migrate import MIGRATIONS, upgrade
from models.search import include_name
from workflows.plans.search import matching_tasks


def test_upgrade_head_matches_models(empty_db_url):
    url = empty_db_url
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": include_name}), SQLModel.metadata
        )
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert {"plan", "task", "checkpoint", "outboxmessage", "auditevent"} <= tables


SEARCH_INDEX = "a91c4e2d7b3f"


def test_search_index_migration_indexes_the_tasks_already_there(empty_db_url):
    url = empty_db_url
    before = ScriptDirectory(str(MIGRATIONS)).get_revision(SEARCH_INDEX).down_revision
    upgrade(url, before)
    engine = make_engine(url)
    with Session(engine) as session:
        agency = Agency(code="syt", name="Sở Y tế")
        session.add(agency)
        # the plan row as that revision's schema has it (later migrations add columns to the model)
        session.execute(
            text(
                "INSERT INTO plan (number, issuer, issued_on, title, source_sha256, source_text, imported_at)"
                " VALUES ('23/KH-UBND', 'UBND tỉnh Sơn La', '2023-01-30', 'KH', :sha, '', :at)"
            ),
            {"sha": "0" * 64, "at": "2023-01-30 00:00:00"},
        )
        session.flush()
        plan_id = session.execute(text("SELECT id FROM plan")).scalar_one()
        section = Section(plan_id=plan_id, ref="II.1", title="Y tế")
        session.add(section)
        session.flush()
        session.execute(  # the task row as that revision has it (later ones add starts_on)
            text(
                "INSERT INTO task (plan_id, section_id, ref, title, text, span_start, span_end,"
                " schedule_kind, schedule_phrase, lead_agency_id, due_dates, withdrawn, position)"
                " VALUES (:plan, :section, 'II.1.a', 'Đánh giá', 'Đánh giá chương trình Methadone.',"
                " 0, 10, 'once', '', :lead, '[]', false, 0)"
            ),
            {"plan": plan_id, "section": section.id, "lead": agency.id},
        )
        session.commit()
    upgrade(url)
    with Session(engine) as session:
        assert session.execute(matching_tasks(session, ["y", "te", "methadone"])).scalars().all() == [1]
    engine.dispose()
