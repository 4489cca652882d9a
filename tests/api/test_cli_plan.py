"""`plantrack plan parse` prints the structure; `plantrack plan import` stores it once."""
import json
from pathlib import Path

import pytest
import yaml

from api.cli import main
from models.config import get_settings

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
    assert data["plan"] == {"number": "23/KH-UBND", "issuer": "UBND tỉnh Sơn La", "issued_on": "2023-01-30",
                            "title": data["plan"]["title"]}
    assert {"sections", "tasks", "indicators", "unresolved"} <= data.keys()
    assert not (tmp_path / "nowhere").exists()
    get_settings.cache_clear()


def test_parse_yaml_equals_json(capsys):
    main(["plan", "parse", str(SEED)])
    as_json = json.loads(capsys.readouterr().out)
    main(["plan", "parse", str(SEED), "--format", "yaml"])
    assert yaml.safe_load(capsys.readouterr().out) == as_json


@pytest.mark.parametrize("content, message", [
    (b"", "empty"), (b"\x00\x01\x02binary", "binary"), ("Xin chào".encode("cp1258"), "UTF-8"),
    ("Một văn bản không phải kế hoạch.".encode(), "plan number"),
])
def test_a_file_that_is_not_a_plan_is_refused(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    assert main(["plan", "parse", str(bad)]) == 3
    assert message in capsys.readouterr().err


def test_import_twice_changes_nothing_the_second_time(cli_env, capsys):
    assert main(["plan", "import", str(SEED)]) == 0
    assert "đã tạo" in capsys.readouterr().out
    assert main(["plan", "import", str(SEED)]) == 0
    assert "không có thay đổi" in capsys.readouterr().out
