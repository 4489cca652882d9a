"""`plantrack plan parse` prints the structure; `plantrack plan import` stores it once."""

import json
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, func, select

from api.cli import main
from models import Checkpoint, PlanDraft
from models.config import get_settings
from models.db import make_engine
from tests.workflows.builders_documents import NO_LEADS, NO_TASKS, seed_lines, seed_plan_docx, text_pdf

SEED = Path(__file__).parents[2] / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("PLANTRACK_DATABASE_URL", settings.db_url)
    monkeypatch.setenv("PLANTRACK_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_parse_prints_the_json_contract_without_a_database(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANTRACK_DATA_DIR", str(tmp_path / "nowhere"))
    get_settings.cache_clear()
    assert main(["plan", "parse", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"] == {
        "number": "23/KH-UBND",
        "issuer": "UBND tỉnh Sơn La",
        "issued_on": "2023-01-30",
        "title": data["plan"]["title"],
    }
    assert {"sections", "tasks", "indicators", "unresolved"} <= data.keys()
    assert not (tmp_path / "nowhere").exists()
    get_settings.cache_clear()


def test_parse_yaml_equals_json(capsys):
    main(["plan", "parse", str(SEED)])
    as_json = json.loads(capsys.readouterr().out)
    main(["plan", "parse", str(SEED), "--format", "yaml"])
    assert yaml.safe_load(capsys.readouterr().out) == as_json


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        ("Xin chào".encode("cp1258"), "UTF-8"),
        ("Một văn bản không phải kế hoạch.".encode(), "no date of issue"),
        (NO_TASKS.encode(), "no task found: 2 sections were read but none holds a duty"),
        (NO_LEADS.encode(), "no task found: 2 sections and 2 duties were read but no duty names an agency"),
    ],
)
def test_a_file_that_is_not_a_plan_is_refused(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    assert main(["plan", "parse", str(bad)]) == 3
    assert message in capsys.readouterr().err


def test_import_twice_changes_nothing_the_second_time(cli_env, capsys):
    assert main(["plan", "import", str(SEED), "--publish"]) == 0
    assert "đã tạo" in capsys.readouterr().out
    assert main(["plan", "import", str(SEED), "--publish"]) == 0
    assert "không có thay đổi" in capsys.readouterr().out


def test_import_stores_a_draft_that_publish_publishes_once(cli_env, capsys, settings):
    assert main(["plan", "import", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "bản nháp 1 chờ xem xét" in out and "plantrack plan publish 1" in out
    engine = make_engine(settings.db_url)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Checkpoint)).one() == 0
        assert s.get(PlanDraft, 1).state == "open"
    assert main(["plan", "publish", "1"]) == 0
    assert "đã tạo" in capsys.readouterr().out
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Checkpoint)).one() > 1000
    assert main(["plan", "publish", "1"]) == 4
    assert "đã được xuất bản" in capsys.readouterr().err


def test_a_plan_of_another_province_publishes_only_when_confirmed(cli_env, capsys):
    cantho = SEED.parent / "real" / "02_cantho_kh165_2025_dan_so.txt"
    assert main(["plan", "import", str(cantho), "--publish"]) == 4
    assert "--confirm-foreign" in capsys.readouterr().err
    assert main(["plan", "import", str(cantho), "--publish", "--confirm-foreign"]) == 0
    assert "đã tạo" in capsys.readouterr().out


def _parse_file(path: Path, capsys) -> dict:
    assert main(["plan", "parse", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


def test_word_and_pdf_versions_of_the_seed_parse_like_the_text(tmp_path, capsys):
    as_text = _parse_file(SEED, capsys)
    lines = seed_lines()
    docx_file = tmp_path / "ke-hoach-23.docx"
    docx_file.write_bytes(seed_plan_docx(table_at=lines.index("Nơi nhận:")))
    pdf_file = tmp_path / "ke-hoach-23.pdf"
    pdf_file.write_bytes(text_pdf(lines))

    as_word, as_pdf = _parse_file(docx_file, capsys), _parse_file(pdf_file, capsys)

    def duties(data):
        return sorted(
            (t["ref"], t["lead"], tuple(t["schedule"]["due_dates"]))
            for t in data["tasks"]
            if not t["ref"].startswith("PL")
        )

    assert as_word["plan"] == as_pdf["plan"] == as_text["plan"]
    assert duties(as_word) == duties(as_text) == duties(as_pdf)
    appendix = {t["ref"]: t for t in as_word["tasks"] if t["ref"].startswith("PL")}
    methadone = [t for t in appendix.values() if "Methadone" in t["text"]]
    assert methadone and methadone[0]["lead"] == "Sở Y tế"
    assert methadone[0]["schedule"]["due_dates"] == ["2023-06-14", "2023-12-14"]


def test_withdraw_from_the_command_line(cli_env, capsys, settings):
    assert main(["plan", "import", str(SEED), "--publish"]) == 0
    capsys.readouterr()
    assert main(["plan", "withdraw", "23/KH-UBND", "--reason", ""]) == 4
    assert "Vui lòng nêu lý do." in capsys.readouterr().err
    assert main(["plan", "withdraw", "23/KH-UBND", "--reason", "Thay bằng kế hoạch mới"]) == 0
    out = capsys.readouterr().out
    assert "Kế hoạch 23/KH-UBND (id 1) đã rút: miễn" in out and "Thay bằng kế hoạch mới" in out
    with Session(make_engine(settings.db_url)) as s:
        open_left = s.exec(
            select(func.count()).select_from(Checkpoint).where(Checkpoint.state != "waived")
        ).one()
    assert open_left == 0
    assert main(["plan", "archive", "23/KH-UBND", "--reason", "Kết thúc"]) == 4
    assert "không còn hiệu lực" in capsys.readouterr().err
