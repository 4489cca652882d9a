"""`plantrack digest preview|send` and `plantrack outbox deliver` end to end: real database, real SMTP."""

import pytest
from sqlmodel import Session, select

from models import Agency
from models.config import get_settings
from models.db import make_engine
from models.migrate import upgrade
from tests.notifications.digest_world import build_digest_world
from tests.notifications.smtp_server import SmtpServer


def plantrack(*argv: str) -> int:
    import api.commands  # noqa: F401  (first: a command module may import api.cli)
    from api.cli import main

    return main(list(argv))


@pytest.fixture
def smtp():
    with SmtpServer(refuse=("nobody@sgddt.test",)) as server:
        yield server


@pytest.fixture
def cli_env(monkeypatch, tmp_path, empty_db_url, smtp):
    """A migrated database holding the digest world, and PLANTRACK_* pointing at it and at the SMTP server."""
    upgrade(empty_db_url)
    engine = make_engine(empty_db_url)
    with Session(engine) as session:
        world = build_digest_world(session)
        world.sgddt.head_email = "nobody@sgddt.test"  # the server refuses it: 550
        session.commit()
    for name, value in {
        "DATABASE_URL": empty_db_url,
        "DATA_DIR": str(tmp_path / "data"),
        "SMTP_PORT": str(smtp.port),
        "BASE_URL": "https://theodoi.sonla.example",
        "SECRETARIAT_EMAILS": "thuongtruc@catinh.test",
    }.items():
        monkeypatch.setenv(f"PLANTRACK_{name}", value)
    get_settings.cache_clear()
    yield world
    get_settings.cache_clear()
    engine.dispose()


def test_preview_writes_the_html_and_text(cli_env, tmp_path, capsys):
    out = tmp_path / "xem" / "syt.html"
    assert (
        plantrack("digest", "preview", "--agency", "SỞ Y TẾ", "--today", "2023-07-05", "--out", str(out)) == 0
    )
    printed = capsys.readouterr().out
    assert "subject: [Sơn La – PCMT] Tổng hợp tuần 27/2023: Sở Y tế – 2 nhiệm vụ quá hạn" in printed
    assert "to: head@syt.test, giam.doc@syt.test" in printed and f"text: {out.with_suffix('.txt')}" in printed
    html, text = out.read_text(encoding="utf-8"), out.with_suffix(".txt").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Sở Y tế" in html and "quá hạn" in text
    assert "Phạm vi: tất cả kế hoạch đang thực hiện (1): 23/KH-UBND." in text


def test_preview_of_one_plan(cli_env, tmp_path, capsys):
    out = tmp_path / "syt.html"
    args = ("digest", "preview", "--agency", "Sở Y tế", "--today", "2023-07-05", "--out", str(out))
    assert plantrack(*args, "--plan", "23/KH-UBND") == 0
    assert "Phạm vi: Kế hoạch 23/KH-UBND." in out.with_suffix(".txt").read_text(encoding="utf-8")
    assert plantrack(*args, "--plan", "404/KH-X") == 2


def test_preview_refuses_an_ambiguous_or_unknown_agency(cli_env, tmp_path, capsys):
    assert plantrack("digest", "preview", "--agency", "Sở", "--out", str(tmp_path / "x.html")) == 2
    assert "matches 3 agencies: Sở Giáo dục và Đào tạo, Sở Tư pháp, Sở Y tế" in capsys.readouterr().err
    assert plantrack("digest", "preview", "--agency", "Sở Nội vụ", "--out", str(tmp_path / "x.html")) == 2
    assert "no agency named 'Sở Nội vụ'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_send_then_deliver_reports_sent_and_dead_addresses(cli_env, smtp, capsys):
    assert plantrack("digest", "send", "--today", "2023-07-05") == 0
    assert "queued 3 head digest(s) for week 27/2023 and 1 secretariat digest(s)" in capsys.readouterr().out
    assert plantrack("outbox", "deliver") == 0
    printed = capsys.readouterr().out
    assert "sent: 3  failed (will retry): 0  dead: 1" in printed
    assert "nobody@sgddt.test: 550" in printed
    assert len(smtp.received) == 3
    assert plantrack("digest", "send", "--today", "2023-07-06") == 0  # same week: only the daily one
    assert "queued 0 head digest(s) for week 27/2023 and 1 secretariat digest(s)" in capsys.readouterr().out


def test_send_of_one_plan_is_a_mail_of_its_own(cli_env, smtp, capsys):
    assert plantrack("digest", "send", "--today", "2023-07-05", "--plan", "23/KH-UBND") == 0
    printed = capsys.readouterr().out
    assert "and 1 secretariat digest(s) for 05/07/2023 of plan 23/KH-UBND" in printed
    assert "queued 3 head digest(s) for week 27/2023" in printed
    assert plantrack("digest", "send", "--today", "2023-07-05", "--plan", "23/KH-UBND") == 0  # once a week
    assert "queued 0 head digest(s) for week 27/2023 and 0 secretariat digest(s)" in capsys.readouterr().out
    assert plantrack("digest", "send", "--today", "2023-07-05") == 0  # the mail over every plan still goes
    assert "queued 3 head digest(s) for week 27/2023 and 1 secretariat digest(s)" in capsys.readouterr().out
    assert plantrack("digest", "send", "--plan", "404/KH-X") == 2
    assert "404/KH-X" in capsys.readouterr().err
    assert plantrack("outbox", "deliver") == 0
    texts = [m.message.get_body(("plain",)).get_content() for m in smtp.received]
    plan_keys = [
        m.message["X-Plantrack-Outbox"] for m in smtp.received if ":plan-" in m.message["X-Plantrack-Outbox"]
    ]
    assert (
        len(plan_keys) == 3 and len(smtp.received) == 6
    )  # each send: 2 heads (one address refused) + secretariat
    assert sum("Phạm vi: Kế hoạch 23/KH-UBND." in t for t in texts) == 3
    assert sum("Phạm vi: tất cả kế hoạch đang thực hiện (1): 23/KH-UBND." in t for t in texts) == 3


def test_dead_mail_is_listed_and_requeued_to_the_corrected_address(cli_env, smtp, capsys, empty_db_url):
    assert plantrack("digest", "send", "--today", "2023-07-05") == 0
    assert plantrack("outbox", "deliver") == 0
    capsys.readouterr()
    assert plantrack("outbox", "dead") == 0
    listed = capsys.readouterr().out
    assert "digest:head:" in listed and "nobody@sgddt.test" in listed and "1 dead" in listed
    engine = make_engine(empty_db_url)
    with Session(engine) as session:  # the registry gets the right address
        agency = session.exec(select(Agency).where(Agency.code == "sgddt")).one()
        agency.head_email = "giam.doc@sgddt.test"
        session.commit()
    engine.dispose()
    assert plantrack("outbox", "requeue", "--readdress", "999") == 0  # no such dead mail
    assert "requeued: 0" in capsys.readouterr().out
    assert plantrack("outbox", "requeue", "--readdress") == 0
    assert "requeued: 1" in capsys.readouterr().out
    assert plantrack("outbox", "deliver") == 0
    assert "sent: 1  failed (will retry): 0  dead: 0" in capsys.readouterr().out
    assert smtp.received[-1].rcpt_tos == ("giam.doc@sgddt.test",)
