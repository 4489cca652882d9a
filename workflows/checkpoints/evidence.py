"""Evidence files and links: checked by content, stored content-addressed and atomically, never deleted."""

import errno
import hashlib
import io
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import func, update
from sqlmodel import Session

from models.submission import Evidence, Submission, SubmissionStatus
from models.user import Role
from workflows.checkpoints.queries import get_checkpoint
from workflows.kernel import audit
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StorageFull

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", ODT: ".odt", JPEG: ".jpg", PNG: ".png"}
MB = 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")
TEMP_PREFIX = ".tmp-"
MAX_LINK = 2000


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: safe display name, sniffed type, size and hash."""

    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def sniff_type(data: bytes) -> str | None:
    """The MIME type judged from the bytes (never the name), or None when not an accepted kind."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    # only the central directory and the tiny `mimetype` member are read: no decompression bombs
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names:
                with zf.open("mimetype") as member:
                    if member.read(100).strip() == ODT.encode():
                        return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, NotImplementedError):
        return None
    return None


def _refusal(data: bytes) -> str:
    """The code saying why a file is refused, as precisely as its first bytes allow."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "evidence.old_office"
    if data.startswith(b"PK\x03\x04"):
        return "evidence.foreign_zip"
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF"):
        return "evidence.program"
    return "evidence.unknown_type"


def safe_filename(name: str | None, content_type: str | None = None) -> str:
    """A display name without path components, control or bidi characters (never used as a path).

    With a sniffed `content_type` the name ends in that type's extension, whatever the upload
    said: a PDF named `bao-cao.hta` is offered back as `bao-cao.pdf`, never as a program.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    # category C: controls, and format characters such as U+202E (right-to-left override)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".").strip()
    ext = EXTENSIONS.get(content_type or "")
    if ext is not None:
        stem, dot, _old = name.rpartition(".")
        name = (stem if dot else name).rstrip(". ")
    if not name:
        name = "tep-dinh-kem"
    if ext is not None:
        return name[: 255 - len(ext)] + ext
    if len(name) > 255:
        stem, dot, old = name.rpartition(".")
        name = (stem[: 254 - len(old)] + dot + old) if dot and len(old) <= 10 else name[:255]
    return name


def check_link(url: str) -> str:
    """An http(s) URL with a host, stripped; anything else → InvalidInput."""
    url = (url or "").strip()
    if not url:
        raise InvalidInput("link.empty")
    if len(url) > MAX_LINK:
        raise InvalidInput("link.too_long", n=len(url), max=MAX_LINK)
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in url):
        raise InvalidInput("link.spaces", url=url[:80])
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidInput("link.scheme", url=url[:80])
    if not parts.hostname:
        raise InvalidInput("link.no_host", url=url[:80])
    return url


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB" if n % MB else f"{n // MB} MB"


class EvidenceStore:
    """Files under `<root>/<sha[:2]>/<sha>`: written to a temp file, fsynced, renamed into place."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    @classmethod
    def from_settings(cls, settings) -> "EvidenceStore":
        return cls(settings.evidence_dir, settings.max_upload_bytes)

    def check_file(self, name: str, data: bytes) -> CheckedFile:
        """Refuse empty, oversized or unaccepted files; nothing is written."""
        shown = safe_filename(name)
        if not data:
            raise InvalidInput("evidence.empty_file", name=shown)
        if len(data) > self.max_bytes:
            raise InvalidInput(
                "evidence.too_large", name=shown, size=_mb(len(data)), limit=_mb(self.max_bytes)
            )
        content_type = sniff_type(data)
        if content_type is None:
            raise InvalidInput(_refusal(data), name=shown)
        return CheckedFile(
            safe_filename(name, content_type), content_type, len(data), hashlib.sha256(data).hexdigest(), data
        )

    def path_of(self, sha: str) -> Path:
        """Where a file lives; the hash is validated so it can never walk out of the root."""
        if not isinstance(sha, str) or not SHA256.fullmatch(sha):
            raise InvalidInput("evidence.bad_sha")
        return self.root / sha[:2] / sha

    def put(self, data: bytes) -> str:
        """Store bytes and return their sha256; an identical stored file is reused."""
        return self._put(data)[0]

    def put_all(self, datas: list[bytes]) -> list[str]:
        """Store several files, all or none: when the disk fills up, the ones just written go too."""
        written: list[Path] = []
        shas = []
        try:
            for data in datas:
                sha, created = self._put(data)
                shas.append(sha)
                if created:
                    written.append(self.path_of(sha))
        except StorageFull:
            for path in written:  # no row will ever refer to them: the request rolls back
                with suppress(FileNotFoundError):
                    path.unlink()
            raise
        return shas

    def _put(self, data: bytes) -> tuple[str, bool]:
        """(sha256, whether a new file was written)."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.path_of(sha)
        if path.is_file() and path.stat().st_size == len(data):
            os.utime(path)  # restart the orphan sweep's grace period: a row is about to refer to it
            return sha, False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._write(path, data)
            _fsync_dir(path.parent)  # the rename itself must survive a power cut
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull("storage.full") from exc  # the half-written temp file is gone
            raise
        return sha, True

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write to a temp file beside `path`, fsync, rename into place; the temp file never stays."""
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def open_evidence(self, sha: str) -> BinaryIO:
        """Open a stored file for reading (NotFound when missing)."""
        path = self.path_of(sha)
        try:
            return path.open("rb")
        except FileNotFoundError:
            raise NotFound("not_found", what="evidence file", id=sha) from None

    def exists(self, sha: str) -> bool:
        return self.path_of(sha).is_file()

    def remove_temp_files(self, older_than_s: float = 60.0) -> int:
        """Delete half-written temp files (a writer died between write and rename); at start-up.

        Only those untouched for a minute: another worker may be writing one right now.
        """
        if not self.root.is_dir():
            return 0
        removed, cutoff = 0, time.time() - older_than_s
        for tmp in self.root.glob(f"??/{TEMP_PREFIX}*"):
            with suppress(FileNotFoundError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def attach(
    session: Session, store: EvidenceStore, submission: Submission, files: list[CheckedFile], links: list[str]
) -> list[Evidence]:
    """Write the files (before the rows commit), then add one Evidence row per file and link."""
    rows = []
    store.put_all([f.data for f in files])
    for f in files:
        rows.append(
            Evidence(
                submission_id=submission.id,
                kind="file",
                sha256=f.sha256,
                size=f.size,
                content_type=f.content_type,
                filename=f.filename,
            )
        )
    rows += [Evidence(submission_id=submission.id, kind="link", url=url, filename="") for url in links]
    session.add_all(rows)
    session.flush()
    return rows


def withdraw_evidence(session: Session, actor: Actor, evidence_id: int, today: date) -> Evidence:
    """Mark evidence withdrawn (it stays stored and listed): the submitting agency's focal point
    while the submission is not accepted, or the secretariat/admin at any time."""
    ev = session.get(Evidence, evidence_id)
    if ev is None:
        raise NotFound("not_found", what="evidence", id=evidence_id)
    sub = session.get(Submission, ev.submission_id)
    cp = get_checkpoint(session, actor, sub.checkpoint_id, ("evidence", evidence_id))
    if actor.role not in (Role.secretariat, Role.admin):
        if actor.role != Role.focal or actor.agency_id != sub.agency_id:
            raise PermissionDenied("evidence.withdraw_not_allowed")
        if sub.status == SubmissionStatus.accepted:
            raise Conflict("evidence.withdraw_accepted")
    # guarded: two withdrawals racing leave one event
    done = session.execute(
        update(Evidence)
        .where(Evidence.id == ev.id, Evidence.withdrawn_at.is_(None))
        .values(withdrawn_at=func.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Conflict("evidence.already_withdrawn", id=evidence_id)
    session.refresh(ev)
    audit.record(
        session,
        actor,
        "evidence.withdraw",
        "checkpoint",
        cp.id,
        {"evidence_id": ev.id, "withdrawn_at": None},
        {
            "evidence_id": ev.id,
            "submission_id": sub.id,
            "withdrawn_at": ev.withdrawn_at,
            "withdrawn_on": today,
            "filename": ev.filename or ev.url,
        },
    )
    return ev
