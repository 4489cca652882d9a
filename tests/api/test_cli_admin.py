"""Administration commands: user creation, agency merge and rename, orphan sweep."""

import os
from datetime import date

import pytest
from sqlmodel import select

from api.cli import main
from models import Agency, Checkpoint, User
from models.config import get_settings
from tests.builders import add_agency, add_task
from workflows.checkpoints.evidence import EvidenceStore


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("PLANTRACK_DATABASE_URL", settings.db_url)
    monkeypatch.setenv("PLANTRACK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PLANTRACK_NEW_PASSWORD", "mat-khau-du-dai")
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_user_create_binds_a_focal_point_to_its_agency(cli_env, session, capsys):
    add_agency(session, "Sở Y tế", code="so-y-te", aliases=["SYT"])
    session.commit()
    assert main(["user", "create", "yte2", "--role", "focal", "--agency", "so y te"]) == 0
    user = session.exec(select(User).where(User.username == "yte2")).one()
    assert user.role == "focal" and user.password_hash.startswith("$argon2")
    assert main(["user", "create", "yte2", "--role", "focal", "--agency", "Sở Y tế"]) == 2
    assert "taken" in capsys.readouterr().err


def test_agency_merge_moves_open_checkpoints(cli_env, session, capsys):
    old = add_agency(session, "Sở Lao động - Thương binh và Xã hội", code="so-ldtbxh")
    new = add_agency(session, "Sở Nội vụ", code="so-noi-vu")
    task = add_task(session, old, [date(2023, 9, 14)])
    session.commit()
    assert main(["agency", "merge", "so-ldtbxh", "Sở Nội vụ", "--today", "2023-07-01"]) == 0
    assert "1 mốc" in capsys.readouterr().out
    session.expire_all()
    assert session.exec(select(Checkpoint).where(Checkpoint.task_id == task.id)).one().agency_id == new.id
    assert not session.get(Agency, old.id).active
    assert main(["agency", "merge", "so-ldtbxh", "Sở Nội vụ"]) == 2  # already merged: refused


def test_agency_rename_keeps_the_old_name_as_alias(cli_env, session):
    agency = add_agency(session, "Sở Thông tin và Truyền thông", code="so-tttt")
    session.commit()
    assert main(["agency", "rename", "so-tttt", "Sở Khoa học và Công nghệ"]) == 0
    session.expire_all()
    renamed = session.get(Agency, agency.id)
    assert renamed.name == "Sở Khoa học và Công nghệ" and "Sở Thông tin và Truyền thông" in renamed.aliases


def test_unknown_agency_names_the_closest(cli_env, session, capsys):
    add_agency(session, "Sở Y tế", code="so-y-te")
    session.commit()
    assert main(["agency", "rename", "Sở Y tê xyz", "Tên mới"]) == 2
    assert "Sở Y tế" in capsys.readouterr().err


def test_sweep_orphans_removes_unreferenced_files(cli_env, capsys):
    store = EvidenceStore.from_settings(cli_env)
    sha = store.put(b"%PDF-1.4 orphan")
    path = store.path_of(sha)
    os.utime(path, (0, 0))  # older than the grace period
    assert main(["evidence", "sweep-orphans"]) == 0
    assert "removed 1" in capsys.readouterr().out and not path.exists()


def test_user_reset_2fa_removes_a_lost_factor(cli_env, session, capsys):
    from datetime import UTC, datetime

    import pyotp

    from tests.builders import add_user
    from workflows.kernel.actors import Actor
    from workflows.people import totp

    now = datetime(2023, 7, 1, 2, 0, tzinfo=UTC)
    admin = add_user(session, "quantri", "admin")
    factor = totp.start_enrolment(session, Actor.of(admin), now)
    totp.confirm_enrolment(session, Actor.of(admin), pyotp.TOTP(factor.secret).at(now), now)
    session.commit()
    assert main(["user", "reset-2fa", "QUANTRI"]) == 0  # the only admin lost the phone: the CLI helps
    assert "second factor removed" in capsys.readouterr().out
    session.expire_all()
    assert not totp.requires_code(session, session.get(User, admin.id))
    assert main(["user", "reset-2fa", "ai-do"]) == 2
