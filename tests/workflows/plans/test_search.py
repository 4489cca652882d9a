"""Search: unaccented words find tasks on both databases; filters, pages; the index follows changes."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from models import Agency, Checkpoint, Task
from tests.builders import add_agency, add_plan, add_task
from tests.workflows.compliance_world import build_world
from workflows.agencies.registry import load_registry
from workflows.agencies.reorg import merge_agency, rename_agency
from workflows.kernel.actors import SYSTEM
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.plans.importing import import_plan
from workflows.plans.parser import parse_plan
from workflows.plans.search import COUNT_CAP, Search, parse_search, search_checkpoints

SEED = Path(__file__).parents[3] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"
TODAY = date(2023, 7, 1)


@pytest.fixture
def w(session, tmp_path):
    world = build_world(session, tmp_path / "evidence")
    world.dbd = add_agency(session, "UBND huyện Điện Biên Đông", code="dbd", kind="district")
    world.other_plan = add_plan(session, "9/KH-UBND", issued_on=date(2024, 1, 15))
    world.school = add_task(
        session,
        world.dbd,
        [date(2024, 3, 14), date(2024, 9, 14)],
        text="Tuyên truyền phòng, chống ma túy trong trường học.",
        schedule_kind="recurring",
        plan=world.other_plan,
    )
    session.commit()
    return world


def found(session, actor, text="", **fields) -> list[tuple[str, str]]:
    listing = search_checkpoints(session, actor, TODAY, Search(text=text, **fields), limit=100)
    assert listing.total == len(listing.items)
    return [(i.agency_name, i.period_label or i.due_date.isoformat()) for i in listing.items]


def agencies_found(session, actor, text="", **fields) -> set[str]:
    return {name for name, _ in found(session, actor, text, **fields)}


def test_words_without_diacritics_or_case_find_the_task(session, w):
    assert agencies_found(session, w.secretariat, "y te") == {"Sở Y tế"}
    assert agencies_found(session, w.secretariat, "METHADONE") == {"Sở Y tế"}
    assert agencies_found(session, w.secretariat, "thuoc thay the") == {"Sở Y tế"}
    assert agencies_found(session, w.secretariat, "ma tuy truong hoc") == {"UBND huyện Điện Biên Đông"}


def test_d_with_stroke_is_folded_both_ways(session, w):
    assert agencies_found(session, w.secretariat, "dien bien dong") == {"UBND huyện Điện Biên Đông"}
    assert agencies_found(session, w.secretariat, "ĐIỆN BIÊN") == {"UBND huyện Điện Biên Đông"}


def test_words_are_word_prefixes_and_all_must_match(session, w):
    assert agencies_found(session, w.secretariat, "methad") == {"Sở Y tế"}
    assert agencies_found(session, w.secretariat, "methadone truong") == set()
    assert agencies_found(session, w.secretariat, "adone") == set()  # not inside a word


def test_supporting_agency_and_ref_are_searched(session, w):
    # Sở LĐTBXH supports the methadone task: its name finds the lead's checkpoints
    assert agencies_found(session, w.secretariat, "lao dong thuong binh") == {"Sở Y tế"}
    ref = w.school.ref  # "II.1-1"
    assert agencies_found(session, w.secretariat, ref) >= {"UBND huyện Điện Biên Đông"}
    assert agencies_found(session, w.secretariat, "9/KH-UBND") == {"UBND huyện Điện Biên Đông"}


def test_no_words_lists_everything_in_active_plans(session, w):
    assert agencies_found(session, w.secretariat) == {"Sở Y tế", "UBND huyện Điện Biên Đông"}


def test_filters_plan_area_agency_status_quarter_overdue(session, w):
    assert agencies_found(session, w.secretariat, plan_ids=(w.task.plan_id,)) == {"Sở Y tế"}
    assert agencies_found(session, w.secretariat, plan_ids=(w.other_plan.id,)) == {
        "UBND huyện Điện Biên Đông"
    }
    assert agencies_found(session, w.secretariat, agency_id=w.dbd.id) == {"UBND huyện Điện Biên Đông"}
    # on 01/07/2023 the 6-month methadone evaluation (due 14/06) is the only overdue checkpoint
    overdue = [("Sở Y tế", w.six_months.period_label)]
    assert found(session, w.secretariat, overdue=True) == overdue
    assert found(session, w.secretariat, statuses=("overdue",)) == overdue
    assert found(session, w.secretariat, statuses=("overdue", "done_on_time"), agency_id=w.dbd.id) == []
    # a quarter holds the checkpoints originally due in it
    assert found(session, w.secretariat, quarter=(2023, 2)) == overdue
    (march,) = found(session, w.secretariat, quarter=(2024, 1))
    assert march[0] == "UBND huyện Điện Biên Đông"
    assert found(session, w.secretariat, quarter=(2023, 1)) == []
    # the builders put every task in section II.1
    assert agencies_found(session, w.secretariat, area="II") == {"Sở Y tế", "UBND huyện Điện Biên Đông"}
    assert agencies_found(session, w.secretariat, area="II.1") == agencies_found(
        session, w.secretariat, area="II"
    )
    assert agencies_found(session, w.secretariat, area="II.2") == set()
    assert agencies_found(session, w.secretariat, area="I") == set()  # not a prefix of "II"


def test_pages_count_every_match(session, w):
    first = search_checkpoints(session, w.secretariat, TODAY, Search(), limit=3, offset=0)
    rest = search_checkpoints(session, w.secretariat, TODAY, Search(), limit=3, offset=3)
    assert first.total == rest.total == 4
    assert len(first.items) == 3 and len(rest.items) == 1
    assert {i.checkpoint_id for i in first.items}.isdisjoint(i.checkpoint_id for i in rest.items)


def daily_meetings(session, w, days: int) -> None:
    """One task with a checkpoint a day from 01/01/2023: more matches than a search counts."""
    start = date(2023, 1, 1)
    add_task(session, w.dbd, [start + timedelta(days=n) for n in range(days)], text="Giao ban hằng ngày.")
    session.commit()


def first_by_due_date(session, words_task_text: str, n: int) -> list[int]:
    """The ids a search's page must hold, ordered here in Python (due date, then id)."""
    rows = session.exec(
        select(Checkpoint.id, Checkpoint.due_date).join(Task).where(Task.text == words_task_text)
    ).all()
    return [i for i, _ in sorted(rows, key=lambda r: (r[1], r[0]))][:n]


def test_a_broad_search_counts_to_the_cap_and_says_more_match(session, w):
    daily_meetings(session, w, COUNT_CAP + 10)
    first = search_checkpoints(session, w.secretariat, TODAY, Search(text="giao ban"), limit=50)
    assert (first.total, first.capped) == (COUNT_CAP, True)
    # read off the due-date index, the page is still the 50 earliest matches
    assert [i.checkpoint_id for i in first.items] == first_by_due_date(session, "Giao ban hằng ngày.", 50)
    # the last page is counted to its end: the exact number, not capped
    last = search_checkpoints(session, w.secretariat, TODAY, Search(text="giao ban"), limit=50, offset=1000)
    assert (last.total, last.capped, len(last.items)) == (COUNT_CAP + 10, False, 10)
    assert {i.checkpoint_id for i in last.items}.isdisjoint(i.checkpoint_id for i in first.items)
    # no words: every checkpoint of the active plans, also capped, earliest first
    everything = search_checkpoints(session, w.secretariat, TODAY, Search(), limit=5)
    assert everything.capped and [i.due_date for i in everything.items] == sorted(
        i.due_date for i in everything.items
    )


def test_a_narrow_search_is_counted_exactly(session, w):
    daily_meetings(session, w, COUNT_CAP + 10)
    listing = search_checkpoints(session, w.secretariat, TODAY, Search(text="methadone"), limit=50)
    assert not listing.capped and listing.total == len(listing.items) == 2


def test_an_agency_finds_only_what_it_may_see(session, w):
    assert agencies_found(session, w.stp_focal, "methadone") == set()
    assert agencies_found(session, w.ldtbxh_focal, "methadone") == {"Sở Y tế"}  # it supports the task
    with pytest.raises(NotFound):
        search_checkpoints(session, w.stp_focal, TODAY, Search(agency_id=w.syt.id))


def test_bad_input_is_refused_with_a_code(session, w):
    with pytest.raises(InvalidInput) as too_long:
        parse_search(session, TODAY, text="y te " * 50)
    assert too_long.value.code == "search.too_long"
    with pytest.raises(InvalidInput) as unknown:
        parse_search(session, TODAY, plan_ids=[9999])
    assert unknown.value.code == "search.unknown_plan"
    with pytest.raises(InvalidInput) as status:
        parse_search(session, TODAY, statuses=["late-ish"])
    assert status.value.code == "list.unknown_status"
    with pytest.raises(InvalidInput):
        search_checkpoints(session, w.secretariat, TODAY, Search(), limit=0)
    with pytest.raises(InvalidInput) as quarter:
        parse_search(session, TODAY, quarter="Q5")
    assert quarter.value.code == "export.quarter_invalid"
    parsed = parse_search(session, TODAY, text="  y tế ", area="II.1.", quarter="Q2", statuses=["overdue"])
    assert (parsed.text, parsed.area, parsed.quarter, parsed.statuses) == (
        "y tế",
        "II.1",
        (2023, 2),
        ("overdue",),
    )


def test_merge_and_rename_move_the_words_with_the_agency(session, w):
    snv = add_agency(session, "Sở Nội vụ", code="snv")
    session.commit()
    merge_agency(session, w.admin, w.dbd.id, snv.id, TODAY)
    session.commit()
    assert agencies_found(session, w.secretariat, "truong hoc") == {"Sở Nội vụ"}
    assert agencies_found(session, w.secretariat, "noi vu truong hoc") == {"Sở Nội vụ"}
    # the merged agency's name still finds the tasks it handed over
    assert agencies_found(session, w.secretariat, "dien bien dong truong hoc") == {"Sở Nội vụ"}
    rename_agency(session, w.admin, w.syt.id, "Sở Y tế và Dân số", TODAY)
    session.commit()
    assert agencies_found(session, w.secretariat, "dan so methadone") == {"Sở Y tế và Dân số"}


def test_ubnd_finds_the_written_out_name_and_back(session, w):
    plan = add_plan(session, "7/KH-BCĐ", issued_on=date(2023, 3, 1))  # no "UBND" in its number
    for name, code in (
        ("Ủy ban nhân dân xã Tân Lập", "tan-lap"),
        ("Uỷ ban nhân dân xã Chiềng Mung", "c-mung"),
    ):
        commune = add_agency(session, name, code=code, kind="commune")
        add_task(session, commune, [date(2023, 9, 14)], text="Rà soát hộ nghèo.", plan=plan)
    session.commit()
    assert agencies_found(session, w.secretariat, "uy ban nhan dan huyen dien bien") == {
        "UBND huyện Điện Biên Đông"
    }
    assert agencies_found(session, w.secretariat, "ubnd xa tan lap") == {"Ủy ban nhân dân xã Tân Lập"}
    assert agencies_found(session, w.secretariat, "ubnd chieng mung") == {"Uỷ ban nhân dân xã Chiềng Mung"}
    assert agencies_found(session, w.secretariat, "ubnd ho ngheo") == {
        "Ủy ban nhân dân xã Tân Lập",
        "Uỷ ban nhân dân xã Chiềng Mung",
    }


def test_imported_plan_is_found_and_a_revision_replaces_its_words(session):
    registry = load_registry()
    text = SEED.read_text(encoding="utf-8")
    import_plan(session, SYSTEM, parse_plan(text, registry), text, registry, TODAY)
    session.commit()
    evaluation = found(session, SYSTEM, "methadone danh gia")
    assert evaluation and {name for name, _ in evaluation} == {"Sở Y tế"}
    revised = text.replace("Methadone", "Metadon")
    assert revised != text
    import_plan(session, SYSTEM, parse_plan(revised, registry), revised, registry, TODAY)
    session.commit()
    assert found(session, SYSTEM, "methadone") == []
    assert {name for name, _ in found(session, SYSTEM, "metadon danh gia")} == {"Sở Y tế"}
    yte = session.exec(select(Agency).where(Agency.name == "Sở Y tế")).one()
    assert agencies_found(session, SYSTEM, "y te", agency_id=yte.id) == {"Sở Y tế"}
