"""`plantrack registry init|export|import`: any province sets up its registry; plans land on its agencies."""

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from sqlmodel import Session, func, select

from api.cli import main
from models import Agency, Checkpoint, RegistryAuthority, Task
from models.config import get_settings
from models.db import make_engine

REAL = Path(__file__).parents[2] / "seed_plans" / "real"
BACNINH = REAL / "06_bacninh_kh141_2025_can_bo_xay_dung_phap_luat.txt"


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("PLANTRACK_DATABASE_URL", settings.db_url)
    monkeypatch.setenv("PLANTRACK_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    yield make_engine(settings.db_url)
    get_settings.cache_clear()


def test_init_another_province_then_its_plan_lands_on_its_agencies(cli_env, capsys):
    assert main(["registry", "init", "--province", "Bắc Ninh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Danh mục Bắc Ninh:") and "xã, phường" in out
    with Session(cli_env) as s:
        assert s.exec(select(RegistryAuthority.authority)).one() == "UBND tỉnh Bắc Ninh"
        communes = s.exec(select(func.count()).select_from(Agency).where(Agency.kind == "commune")).one()
        assert communes > 90
    # the province's own plan is not foreign: it publishes without a confirmation
    assert main(["plan", "import", str(BACNINH), "--publish"]) == 0
    assert "đã tạo" in capsys.readouterr().out
    with Session(cli_env) as s:
        leads = s.exec(select(Agency).where(Agency.id.in_(select(Task.lead_agency_id)))).all()
        registered = [a for a in leads if a.registered]
        assert {"Sở Tư pháp", "Sở Nội vụ"} <= {a.name for a in registered}
        assert all(a.province == "Bắc Ninh" for a in registered)
        assert s.exec(select(func.count()).select_from(Checkpoint)).one() > 0
    # another province's plan is foreign here
    assert main(["plan", "import", str(REAL / "01_dongnai_kh182_2025_ma_tuy.txt"), "--publish"]) == 4
    assert "không phải của tỉnh Bắc Ninh" in capsys.readouterr().err


def test_export_then_import_completes_the_registry(cli_env, capsys, tmp_path):
    assert main(["registry", "init", "--province", "Hưng Yên"]) == 0
    book_path, yaml_path = tmp_path / "danh-muc.xlsx", tmp_path / "danh-muc.yaml"
    assert main(["registry", "export", str(book_path)]) == 0
    assert main(["registry", "export", str(yaml_path)]) == 0
    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    assert data["province"] == "Hưng Yên" and any(a["name"] == "Sở Y tế" for a in data["agencies"])
    book = load_workbook(book_path)
    sheet = book["Cơ quan"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("name")].value == "Sở Y tế":
            row[header.index("focal_email")].value = "daumoi@syt.hungyen.example"
            row[header.index("aliases")].value = "SYT; Sở Y tế Hưng Yên"
    book.save(book_path)
    capsys.readouterr()
    assert main(["registry", "import", str(book_path)]) == 0
    with Session(cli_env) as s:
        syt = s.exec(select(Agency).where(Agency.name == "Sở Y tế")).one()
        assert syt.focal_email == "daumoi@syt.hungyen.example" and syt.aliases == ["SYT", "Sở Y tế Hưng Yên"]


def test_bad_registry_input_is_refused_and_changes_nothing(cli_env, capsys, tmp_path):
    assert main(["registry", "init", "--province", "Hà Tây"]) == 4
    assert "Không có tỉnh, thành phố «Hà Tây»" in capsys.readouterr().err
    assert main(["registry", "init", "--province", "Hưng Yên"]) == 0
    assert main(["registry", "init", "--province", "Bắc Ninh"]) == 4
    assert "đang dùng danh mục của tỉnh Hưng Yên" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("agencies:\n  - {code: a, name: Sở A}\n  - {code: b, name: Sở A}\n", encoding="utf-8")
    with Session(cli_env) as s:
        before = s.exec(select(func.count()).select_from(Agency)).one()
    assert main(["registry", "import", str(bad)]) == 4
    assert "Không đọc được tệp danh mục" in capsys.readouterr().err
    with Session(cli_env) as s:
        assert s.exec(select(func.count()).select_from(Agency)).one() == before
