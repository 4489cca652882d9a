"""Evidence: type by content, size limit, content-addressed atomic storage, safe names, links, withdrawal."""

import os
from datetime import date

import pytest
from sqlmodel import select

from models import AuditEvent, Evidence
from tests.workflows.compliance_world import (
    JPEG,
    build_world,
    docx_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    stored_files,
    xlsx_bytes,
)
from workflows.checkpoints.evidence import (
    DOCX,
    MB,
    ODT,
    PDF,
    PNG,
    TEMP_PREFIX,
    XLSX,
    EvidenceStore,
    check_link,
    safe_filename,
    sniff_type,
    withdraw_evidence,
)
from workflows.checkpoints.review import accept_submission
from workflows.checkpoints.submissions import submit_report
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied

TODAY = date(2023, 6, 10)


def test_type_is_judged_by_the_bytes():
    assert sniff_type(pdf_bytes()) == PDF
    assert sniff_type(docx_bytes()) == DOCX
    assert sniff_type(xlsx_bytes()) == XLSX
    assert sniff_type(odt_bytes()) == ODT
    assert sniff_type(png_bytes()) == PNG
    assert sniff_type(JPEG) == "image/jpeg"
    assert sniff_type(b"MZ\x90\x00 program") is None
    assert sniff_type(b"PK\x03\x04 not really a zip") is None
    assert sniff_type(b"") is None


def test_refusals_name_the_file_and_the_reason(tmp_path):
    store = EvidenceStore(tmp_path, 20 * MB)
    with pytest.raises(InvalidInput, match=r"'baocao.pdf' is a program"):
        store.check_file("baocao.pdf", b"MZ\x90\x00" + b"\x00" * 100)  # an .exe renamed .pdf
    with pytest.raises(InvalidInput, match=r"97-2003 file \(\.doc/\.xls\); save it as DOCX"):
        store.check_file("baocao.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(InvalidInput, match="ZIP archive that is not a DOCX"):
        store.check_file("x.docx", _zip_with("readme.txt"))
    with pytest.raises(InvalidInput, match="'ghi chu.txt' is not a PDF, Word"):
        store.check_file("ghi chu.txt", "Báo cáo".encode())
    with pytest.raises(InvalidInput, match="'rong.pdf' is empty"):
        store.check_file("rong.pdf", b"")
    # a real PDF under a misleading name is a PDF
    assert store.check_file("anh.exe", pdf_bytes()).content_type == PDF
    assert not tmp_path.joinpath("evidence").exists() and stored_files(store) == []


def test_size_limit_message(tmp_path):
    store = EvidenceStore(tmp_path, 20 * MB)
    big = b"%PDF-" + b"0" * (int(25.3 * MB) - 5)
    with pytest.raises(InvalidInput, match=r"'to.pdf': file is 25.3 MB; the limit is 20 MB"):
        store.check_file("to.pdf", big)
    exactly = b"%PDF-" + b"0" * (20 * MB - 5)
    assert store.check_file("vua.pdf", exactly).size == 20 * MB


def _zip_with(name: str) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, "x")
    return buf.getvalue()


def test_store_is_content_addressed_atomic_and_reuses_identical_files(tmp_path):
    store = EvidenceStore(tmp_path / "ev", 20 * MB)
    data = pdf_bytes()
    sha = store.put(data)
    path = tmp_path / "ev" / sha[:2] / sha
    assert path.read_bytes() == data
    inode = path.stat().st_ino
    old = path.stat().st_mtime - 7200
    os.utime(path, (old, old))
    assert store.put(data) == sha
    assert path.stat().st_ino == inode  # reused, not rewritten
    assert path.stat().st_mtime > old  # touched: the orphan sweep's grace period restarts
    assert stored_files(store) == [path]  # no temp file left behind
    with store.open_evidence(sha) as f:
        assert f.read() == data


def test_failed_write_leaves_no_temp_file(tmp_path):
    store = EvidenceStore(tmp_path, 20 * MB)
    data = pdf_bytes("blocked")
    sha = store.check_file("b.pdf", data).sha256
    store.path_of(sha).mkdir(parents=True)  # a directory where the file should go: rename fails
    with pytest.raises(OSError):
        store.put(data)
    assert list(store.path_of(sha).parent.iterdir()) == [store.path_of(sha)]
    assert stored_files(store) == []


def test_open_evidence_never_leaves_the_root(tmp_path):
    store = EvidenceStore(tmp_path, MB)
    for bad in ["../../etc/passwd", "A" * 64, "ab/" + "0" * 61, "0" * 63]:
        with pytest.raises(InvalidInput, match="64 lowercase hex"):
            store.open_evidence(bad)
    with pytest.raises(NotFound):
        store.open_evidence("0" * 64)


def test_display_names_are_sanitised():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\lan\\Báo cáo 6 tháng.pdf") == "Báo cáo 6 tháng.pdf"
    nfd = "Ba\u0301o ca\u0301o.pdf"
    assert safe_filename(nfd) == "Báo cáo.pdf"
    assert safe_filename("bad\x00name\n.pdf") == "badname.pdf"
    assert safe_filename("..", PDF) == "tep-dinh-kem.pdf"
    long = safe_filename("a" * 300 + ".docx")
    assert len(long) == 255 and long.endswith(".docx")
    assert len(safe_filename("a" * 300 + ".hta", PDF)) == 255


def test_the_stored_type_decides_the_extension_not_the_upload():
    for uploaded in ("bao-cao.hta", "bao-cao.html", "bao-cao.bat", "bao-cao", "bao-cao.pdf"):
        assert safe_filename(uploaded, PDF) == "bao-cao.pdf", uploaded
    assert safe_filename("ảnh.exe", PNG) == "ảnh.png"
    # U+202E (right-to-left override) made "bao-cao<RLO>fdp.exe" look like "bao-caoexe.pdf"
    assert safe_filename("bao-cao\u202efdp.exe", PDF) == "bao-caofdp.pdf"
    assert safe_filename("a\u2066b\u2069c\u200f.pdf", PDF) == "abc.pdf"  # isolates and marks too


def test_half_written_temp_files_are_removed_at_start_up(tmp_path):
    store = EvidenceStore(tmp_path / "ev", 10 * MB)
    sha = store.put(b"%PDF-1.4 kept")
    stale = store.root / sha[:2] / (TEMP_PREFIX + "dead-writer")
    stale.write_bytes(b"x" * 1024)
    os.utime(stale, (1, 1))  # untouched for ages
    fresh = store.root / sha[:2] / (TEMP_PREFIX + "writing-now")
    fresh.write_bytes(b"y")
    assert store.remove_temp_files() == 1
    assert not stale.exists() and fresh.exists() and store.exists(sha)


def test_only_http_links():
    assert check_link(" https://sonla.gov.vn/bao-cao?id=1 ") == "https://sonla.gov.vn/bao-cao?id=1"
    assert check_link("http://10.0.0.1/x") == "http://10.0.0.1/x"
    for bad, why in [
        ("javascript:alert(1)", "only http"),
        ("ftp://x.vn/a", "only http"),
        ("file:///etc/passwd", "only http"),
        ("http://", "no host"),
        ("https://a.vn/có dấu cách", "spaces"),
        ("", "empty"),
    ]:
        with pytest.raises(InvalidInput, match=why):
            check_link(bad)


@pytest.fixture
def submitted(session, tmp_path):
    w = build_world(session, tmp_path / "evidence")
    sub = submit_report(
        session,
        w.syt_focal,
        w.six_months.id,
        "Báo cáo 6 tháng",
        [("bc.pdf", pdf_bytes())],
        ["https://syt.sonla.gov.vn/bc"],
        TODAY,
        w.store,
    )
    session.commit()
    ev = session.exec(select(Evidence).where(Evidence.submission_id == sub.id, Evidence.kind == "file")).one()
    return w, sub, ev


def test_focal_point_withdraws_evidence_it_stays_stored(session, submitted):
    w, sub, ev = submitted
    with pytest.raises(NotFound, match=f"^evidence {ev.id} not found$"):  # as if it did not exist
        withdraw_evidence(session, w.stp_focal, ev.id, TODAY)
    with pytest.raises(NotFound, match="^evidence 999 not found$"):
        withdraw_evidence(session, w.stp_focal, 999, TODAY)
    for outsider in (w.syt_head, w.ldtbxh_focal, w.leader):
        with pytest.raises(PermissionDenied):
            withdraw_evidence(session, outsider, ev.id, TODAY)
    session.rollback()
    withdraw_evidence(session, w.syt_focal, ev.id, TODAY)
    session.commit()
    session.refresh(ev)
    assert ev.withdrawn_at is not None and ev.withdrawn_at.tzinfo is not None
    assert w.store.exists(ev.sha256)  # never deleted
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.withdraw")).one()
    assert (event.actor_label, event.entity_type, event.entity_id) == (
        "syt.dm",
        "checkpoint",
        w.six_months.id,
    )
    assert event.before["withdrawn_at"] is None and event.after["evidence_id"] == ev.id
    with pytest.raises(Conflict, match="already withdrawn"):
        withdraw_evidence(session, w.syt_focal, ev.id, TODAY)


def test_accepted_evidence_is_withdrawn_only_by_the_secretariat(session, submitted):
    w, sub, ev = submitted
    accept_submission(session, w.secretariat, sub.id, TODAY)
    session.commit()
    with pytest.raises(Conflict, match="accepted"):
        withdraw_evidence(session, w.syt_focal, ev.id, TODAY)
    assert withdraw_evidence(session, w.secretariat, ev.id, TODAY).withdrawn_at is not None
