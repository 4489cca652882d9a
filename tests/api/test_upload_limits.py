"""Uploads that cannot be stored: over the size limit without JavaScript (413, the note kept), a full
disk (507, nothing written), control characters in multipart text fields (422)."""

import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.app import create_app
from models import Submission
from tests.api.conftest import TODAY
from tests.api.test_workflow import pdf_bytes

NOTE = "Đã tổ chức 3 lớp tập huấn cho 120 học viên; số liệu chi tiết gửi kèm."


def _submissions(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Submission)).one()


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_oversized_form_comes_back_with_the_typed_note(settings, engine, world):
    small = settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(small, engine, today=TODAY)) as client:
        big = pdf_bytes() + b"0" * (3 * 1024 * 1024)
        r = client.post(
            f"/checkpoints/{world.checkpoints[1].id}/submit",
            headers=world.headers("focal_syt"),
            data={"note": NOTE, "links": "https://sonla.gov.vn/bao-cao"},
            files=[("files", ("bao-cao.pdf", big, "application/pdf"))],
        )
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert "Dữ liệu gửi lên quá lớn" in r.text and "giới hạn khoảng 2 MB" in r.text
    assert f">{NOTE}</textarea>" in r.text and ">https://sonla.gov.vn/bao-cao</textarea>" in r.text
    assert "Vui lòng chọn lại tệp đính kèm" in r.text  # the file itself cannot be kept
    assert _submissions(engine) == 0 and _files_under(small.evidence_dir) == []


def test_a_form_far_over_the_limit_is_cut_off_unread(settings, engine, world):
    small = settings.model_copy(update={"max_upload_mb": 1})
    with TestClient(create_app(small, engine, today=TODAY)) as client:
        huge = b"%PDF-" + b"0" * (12 * 1024 * 1024)  # past four times the limit: not read to the end
        r = client.post(
            f"/checkpoints/{world.checkpoints[1].id}/submit",
            headers=world.headers("focal_syt"),
            data={"note": NOTE},
            files=[("files", ("lon.pdf", huge, "application/pdf"))],
        )
    assert r.status_code == 413 and "Dữ liệu gửi lên quá lớn" in r.text and NOTE not in r.text


@pytest.fixture
def full_disk(tmp_path):
    """A 256 KiB file system mounted as the evidence directory (a real ENOSPC, not a simulated one)."""
    root = tmp_path / "tiny"
    root.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(root)], check=True)
    try:
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=True)


def _on_disk(settings, root: Path):
    settings = settings.model_copy(update={"data_dir": root / "data"})
    assert settings.evidence_dir.parent == root / "data"
    return settings


def test_a_full_disk_answers_507_and_keeps_nothing(settings, engine, world, full_disk):
    tiny = _on_disk(settings, full_disk)
    first, second = pdf_bytes("Phu luc 1") + b"1" * 40_000, pdf_bytes("Phu luc 2") + b"2" * 400_000
    with TestClient(create_app(tiny, engine, today=TODAY)) as client:
        r = client.post(
            f"/api/v1/checkpoints/{world.checkpoints[1].id}/submissions",
            headers=world.headers("focal_syt"),
            data={"note": NOTE},
            files=[
                ("files", ("a.pdf", first, "application/pdf")),
                ("files", ("b.pdf", second, "application/pdf")),
            ],
        )
        assert r.status_code == 507 and r.json()["code"] == "storage.full"
        # the first file fitted and was written, then removed with the half-written second one
        assert _files_under(tiny.evidence_dir) == [] and _submissions(engine) == 0
        page = client.post(
            f"/checkpoints/{world.checkpoints[1].id}/submit",
            headers=world.headers("focal_syt"),
            data={"note": NOTE},
            files=[("files", ("b.pdf", second, "application/pdf"))],
        )
        assert page.status_code == 507 and "Máy chủ đã hết dung lượng lưu trữ" in page.text
        assert f">{NOTE}</textarea>" in page.text
    assert _files_under(tiny.evidence_dir) == [] and _submissions(engine) == 0


def test_control_characters_in_multipart_text_fields_are_refused(client, world, engine):
    url = f"/api/v1/checkpoints/{world.checkpoints[1].id}/submissions"
    h = world.headers("focal_syt")
    pdf = ("files", ("a.pdf", pdf_bytes(), "application/pdf"))
    r = client.post(url, headers=h, data={"note": "Báo cáo\x00 quý II"}, files=[pdf])
    assert r.status_code == 422 and r.json()["code"] == "text.control_chars"
    page = client.post(
        f"/checkpoints/{world.checkpoints[1].id}/submit", headers=h, data={"note": "x\x1by"}, files=[pdf]
    )
    assert page.status_code == 422 and "ký tự điều khiển" in page.text
    assert _submissions(engine) == 0
    ok = client.post(url, headers=h, data={"note": "Dòng 1\r\nDòng 2\tcột"}, files=[pdf])
    assert ok.status_code == 201, ok.text  # line breaks and tabs are text
