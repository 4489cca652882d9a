"""The registry in the database: alias edits and registry files keep the search index in step."""

from datetime import date

import pytest

from models import Plan
from tests.builders import add_agency, add_task
from tests.workflows.compliance_world import build_world
from workflows.agencies.registry import Registry
from workflows.agencies.store import set_aliases, sync_registry
from workflows.kernel.errors import Conflict
from workflows.plans.search import Search, search_checkpoints

TODAY = date(2023, 7, 1)


@pytest.fixture
def w(session, tmp_path):
    return build_world(session, tmp_path / "evidence")


def agencies_found(session, actor, text: str) -> set[str]:
    listing = search_checkpoints(session, actor, TODAY, Search(text=text), limit=100)
    return {i.agency_name for i in listing.items}


def test_an_alias_finds_the_agency_s_tasks_and_an_edit_replaces_it(session, w):
    set_aliases(session, w.secretariat, w.syt.id, ["SYT", "Sở Y tế tỉnh Điện Biên"], TODAY)
    session.commit()
    assert agencies_found(session, w.secretariat, "syt") == {"Sở Y tế"}
    assert agencies_found(session, w.secretariat, "dien bien methadone") == {"Sở Y tế"}
    set_aliases(session, w.secretariat, w.syt.id, ["Sở YT"], TODAY)
    session.commit()
    assert agencies_found(session, w.secretariat, "syt") == set()
    assert agencies_found(session, w.secretariat, "dien bien") == set()
    assert agencies_found(session, w.secretariat, "so yt") == {"Sở Y tế"}


def test_a_supporting_agency_s_alias_finds_the_task(session, w):
    set_aliases(session, w.secretariat, w.ldtbxh.id, ["SLĐTBXH-ĐB"], TODAY)
    session.commit()
    assert agencies_found(session, w.secretariat, "sldtbxh db") == {
        "Sở Y tế"
    }  # it supports the methadone task


def test_a_refused_alias_changes_nothing_in_the_index(session, w):
    set_aliases(session, w.secretariat, w.syt.id, ["SYT"], TODAY)
    session.commit()
    with pytest.raises(Conflict):
        set_aliases(session, w.secretariat, w.stp.id, ["SYT"], TODAY)
    session.rollback()
    assert agencies_found(session, w.secretariat, "syt") == {"Sở Y tế"}


def test_a_registry_file_s_aliases_and_names_reach_the_index(session, w):
    other = add_agency(session, "UBND huyện Mường Nhé", code="muong-nhe", kind="district")
    add_task(
        session, other, [date(2023, 9, 14)], text="Rà soát hộ nghèo.", plan=session.get(Plan, w.task.plan_id)
    )
    session.commit()
    registry = Registry.from_dict(
        {
            "province": "Điện Biên",
            "agencies": [
                {"code": "syt", "name": "Sở Y tế", "aliases": ["SYT ĐB"]},
                {"code": "muong-nhe", "name": "UBND huyện Mường Nhé", "kind": "district", "aliases": ["MN"]},
            ],
        }
    )
    sync_registry(session, registry)
    session.commit()
    assert agencies_found(session, w.secretariat, "syt db") == {"Sở Y tế"}
    assert agencies_found(session, w.secretariat, "mn ho ngheo") == {"UBND huyện Mường Nhé"}
