"""Outbox delivery over SMTP: claim rows atomically, send over reused connections, then mark.

A run loops over batches: claim up to `batch` due rows in one UPDATE … RETURNING (picked by a
MATERIALIZED CTE with FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers) and commit
the claim, so a concurrent run never gets the same row; resolve recipients and render what the
row lacks; send through `smtp_concurrency` workers, each keeping one SMTP connection for many
messages; record each outcome. Claiming the next batch and marking the last run in threads while
a batch is being sent. A row is `sent` only after the server accepted it. Transient failures (connection
refused, timeouts, 4xx) leave it `failed` with exponential backoff; a permanent refusal (5xx for
every recipient, message rejected with 5xx) or MAX_ATTEMPTS failures make it `dead`.
A run that dies between sending and marking leaves rows `sending`; once their lease expires
they are claimed again (at-least-once: a mail may then go out twice, never zero times).
"""

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiosmtplib
from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.config import Settings
from models.outbox import OutboxMessage
from models.types import utcnow
from notifications.message import build_message, envelope_sender
from notifications.render import BRAND, render
from workflows.kernel.recipients import resolve_recipients

LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 10
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=6)
BATCH = 200
AUTH_CODES = {530, 534, 535, 538}  # 5xx that mean "our configuration", not "this message"

T = OutboxMessage.__table__


@dataclass(frozen=True)
class DeadMail:
    id: int
    dedupe_key: str
    recipients: list[str]
    error: str


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    dead_mail: list[DeadMail] = field(default_factory=list)

    def add(self, other: "DeliveryReport") -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.dead += other.dead
        self.dead_mail += other.dead_mail


@dataclass
class Mail:
    """A claimed row on its way: the message to send, or why it cannot be sent."""

    id: int
    dedupe_key: str
    attempts: int
    lease: datetime
    recipients: list[str]
    template: str = ""
    context: dict[str, Any] | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    data: bytes | None = None  # the message as sent
    filled: dict[str, Any] | None = None  # recipients/subject/bodies computed at delivery
    outcome: str = ""  # sent | transient | permanent
    error: str | None = None

    def compose(self, settings: Settings, now: datetime) -> None:
        """Render what the row lacks and serialise the message (or mark the mail permanently failed)."""
        if not (self.subject and self.text and self.html):
            try:
                rendered = render(self.template, {**base_context(settings), **(self.context or {})})
            except Exception as exc:  # a template/context mismatch will not fix itself on retry
                self.outcome, self.error = "permanent", f"không dựng được thư: {type(exc).__name__}: {exc}"
                return
            self.subject, self.text, self.html = rendered.subject, rendered.text, rendered.html
            self.filled = {
                **(self.filled or {}),
                "subject": self.subject,
                "body_text": self.text,
                "body_html": self.html,
            }
        try:
            self.data = build_message(
                settings, self.id, self.dedupe_key, self.recipients, self.subject, self.text, self.html, now
            )
        except Exception as exc:  # cannot happen with str inputs; if it does, retrying will not help
            self.outcome, self.error = "permanent", f"không dựng được thư: {type(exc).__name__}: {exc}"


def base_context(settings: Settings) -> dict[str, Any]:
    """What every template may use besides its own context."""
    return {"base_url": settings.base_url.rstrip("/"), "brand": BRAND}


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 5 min, 10, 20 … capped at 6 h."""
    return min(BACKOFF_FIRST * 2 ** max(0, attempts - 1), BACKOFF_MAX)


def deliver_pending(
    engine: Engine, settings: Settings, now: datetime | None = None, limit: int = 10_000, batch: int = BATCH
) -> DeliveryReport:
    """Send the due outbox rows (at most `limit`); the sync entry point for CLI and jobs."""
    return asyncio.run(deliver_pending_async(engine, settings, now=now, limit=limit, batch=batch))


async def deliver_pending_async(
    engine: Engine, settings: Settings, now: datetime | None = None, limit: int = 10_000, batch: int = BATCH
) -> DeliveryReport:
    """As `deliver_pending`, inside a running event loop."""
    now = now or utcnow()

    def fetch(n: int) -> list[Mail]:
        rows = claim(engine, now, n)
        return prepare(engine, settings, rows) if rows else []

    # Database work runs in threads, overlapping the sending: while one batch goes out, the next
    # is claimed and the previous one marked, so the connections do not idle between batches.
    report, claimed, marks = DeliveryReport(), 0, []
    async with SmtpPool(settings) as pool:
        fetching = asyncio.create_task(asyncio.to_thread(fetch, min(batch, limit)))
        try:
            while fetching is not None:
                mails = await fetching
                fetching = None
                if not mails:
                    break
                claimed += len(mails)
                if claimed < limit and not pool.down:  # unreachable server: leave the rest for later
                    fetching = asyncio.create_task(asyncio.to_thread(fetch, min(batch, limit - claimed)))
                await pool.send_all([m for m in mails if m.outcome == ""], now)
                marks.append(asyncio.create_task(asyncio.to_thread(mark, engine, mails, now)))
        finally:
            if fetching is not None:  # stopped by an error with a batch claimed: release it for a retry
                unsent = await fetching
                for m in unsent:
                    m.outcome = m.outcome or "transient"
                    m.error = m.error or "delivery run stopped before sending"
                marks.append(asyncio.create_task(asyncio.to_thread(mark, engine, unsent, now)))
            for task in marks:
                report.add(await task)
    return report


def _claimable(now: datetime):
    # 'sending' rows are claimable again only when their lease ran out (a crashed run).
    return and_(
        T.c.status.in_(("pending", "failed", "sending")),
        T.c.next_attempt_at <= now,
        or_(T.c.locked_until.is_(None), T.c.locked_until < now),
    )


def claim(engine: Engine, now: datetime, n: int, lease: timedelta = LEASE) -> list[dict[str, Any]]:
    """Atomically mark up to `n` due rows `sending` under a lease and return them (committed)."""
    pick = select(T.c.id).where(_claimable(now)).order_by(T.c.next_attempt_at, T.c.id).limit(n)
    if engine.dialect.name == "postgresql":
        # A CTE, not `id IN (subquery)`: PostgreSQL may rescan such a subquery for each outer row,
        # and with SKIP LOCKED every rescan yields further rows — the LIMIT would not hold.
        picked = pick.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
    else:
        picked = pick.cte("picked")
    # The outer condition is re-checked on the locked row, so a row claimed meanwhile is left out.
    stmt = (
        update(T)
        .where(T.c.id == picked.c.id, _claimable(now))
        .values(status="sending", locked_until=now + lease)
        .returning(
            T.c.id,
            T.c.dedupe_key,
            T.c.template,
            T.c.audience,
            T.c.agency_id,
            T.c.recipients,
            T.c.subject,
            T.c.body_text,
            T.c.body_html,
            T.c.attempts,
            T.c.locked_until,
        )
    )
    with engine.begin() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    return sorted(rows, key=lambda r: r["id"])


def prepare(engine: Engine, settings: Settings, rows: list[dict[str, Any]]) -> list[Mail]:
    """Mails for claimed rows, with recipients resolved (one query) where the row has none.

    Rendering and serialising wait for the sending worker (`Mail.compose`): done there, that CPU
    work overlaps the other connections' waits for the server.
    """
    need = [(r["audience"], r["agency_id"]) for r in rows if not r["recipients"]]
    # contexts are only needed to render rows queued without bodies (digests carry theirs)
    unrendered = [r["id"] for r in rows if not (r["subject"] and r["body_text"] and r["body_html"])]
    resolved, contexts = {}, {}
    if need or unrendered:
        with Session(engine) as session:
            if need:
                resolved = resolve_recipients(session, settings, need)
            if unrendered:
                found = session.execute(select(T.c.id, T.c.context).where(T.c.id.in_(unrendered)))
                contexts = dict(found.all())
    mails = []
    for r in rows:
        mail = Mail(
            id=r["id"],
            dedupe_key=r["dedupe_key"],
            attempts=r["attempts"],
            lease=r["locked_until"],
            recipients=[
                ascii_domain(a) for a in r["recipients"] or resolved.get((r["audience"], r["agency_id"]), [])
            ],
            template=r["template"],
            context=contexts.get(r["id"]),
            subject=r["subject"],
            text=r["body_text"],
            html=r["body_html"],
        )
        if not r["recipients"]:
            mail.filled = {"recipients": mail.recipients}
        if not mail.recipients:
            mail.outcome, mail.error = "permanent", f"không có địa chỉ nhận (audience={r['audience']})"
        mails.append(mail)
    return mails


def ascii_domain(address: str) -> str:
    """'a@sở-y-tế.vn' → 'a@xn--….vn': an internationalised domain needs no SMTPUTF8 once encoded."""
    local, at, domain = address.strip().rpartition("@")
    if not at or domain.isascii():
        return address.strip()
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address.strip()  # left for the server to refuse, which makes the row dead


def mark(engine: Engine, mails: list[Mail], now: datetime) -> DeliveryReport:
    """Record outcomes; only rows still under this run's lease are touched."""
    report = DeliveryReport()
    params = []
    for m in mails:
        attempts = m.attempts + 1
        p = {
            "b_id": m.id,
            "b_lease": m.lease,
            "b_attempts": attempts,
            "b_error": m.error,
            "b_sent_at": None,
            "b_next": now,
        }
        if m.outcome == "sent":
            p["b_status"], p["b_sent_at"] = "sent", now
            report.sent += 1
        elif m.outcome == "permanent" or attempts >= MAX_ATTEMPTS:
            p["b_status"] = "dead"
            report.dead += 1
            report.dead_mail.append(DeadMail(m.id, m.dedupe_key, m.recipients, m.error or ""))
        else:
            p["b_status"], p["b_next"] = "failed", now + backoff(attempts)
            m.error = m.error or "không rõ lỗi"
            p["b_error"] = m.error
            report.failed += 1
        params.append(p)
    mine = and_(
        T.c.id == bindparam("b_id"), T.c.status == "sending", T.c.locked_until == bindparam("b_lease")
    )
    outcome = (
        update(T)
        .where(mine)
        .values(
            status=bindparam("b_status"),
            attempts=bindparam("b_attempts"),
            last_error=bindparam("b_error"),
            sent_at=bindparam("b_sent_at"),
            next_attempt_at=bindparam("b_next"),
            locked_until=None,
        )
    )
    filled = [
        {"b_id": m.id, "b_lease": m.lease, **{f"f_{k}": v for k, v in m.filled.items()}}
        for m in mails
        if m.filled
    ]
    with engine.begin() as conn:
        for keys in {tuple(sorted(f)) for f in filled}:  # one executemany per shape
            cols = {k[2:]: bindparam(k) for k in keys if k.startswith("f_")}
            same = [f for f in filled if tuple(sorted(f)) == keys]
            conn.execute(update(T).where(mine).values(**cols), same)
        if params:
            conn.execute(outcome, params)
    return report


class SmtpPool:
    """`smtp_concurrency` workers, each with one SMTP connection reused for many messages."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.size = max(1, settings.smtp_concurrency)
        self.clients: list[aiosmtplib.SMTP | None] = [None] * self.size
        self.down: str | None = None  # set when connecting fails: the rest of the run skips the server
        self.sender = envelope_sender(settings)

    async def __aenter__(self) -> "SmtpPool":
        return self

    async def __aexit__(self, *exc) -> None:
        for i, client in enumerate(self.clients):
            if client is not None:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()
                self.clients[i] = None

    async def send_all(self, mails: list[Mail], now: datetime) -> None:
        """Compose and send each mail, setting its outcome; never raises for a mail's own failure."""
        queue: asyncio.Queue[Mail] = asyncio.Queue()
        for m in mails:
            queue.put_nowait(m)
        await asyncio.gather(*(self._worker(i, queue, now) for i in range(min(self.size, len(mails)))))

    async def _worker(self, slot: int, queue: "asyncio.Queue[Mail]", now: datetime) -> None:
        while not queue.empty():
            mail = queue.get_nowait()
            if self.down:
                mail.outcome, mail.error = "transient", self.down
                continue
            if mail.data is None:
                mail.compose(self.settings, now)
                if mail.outcome:
                    continue
            await self._send(slot, mail)

    async def _client(self, slot: int) -> aiosmtplib.SMTP:
        client = self.clients[slot]
        if client is None or not client.is_connected:
            s = self.settings
            client = aiosmtplib.SMTP(
                hostname=s.smtp_host,
                port=s.smtp_port,
                use_tls=s.smtp_use_tls,
                start_tls=s.smtp_starttls and not s.smtp_use_tls,
                timeout=s.smtp_timeout_s,
                username=s.smtp_username or None,
                password=s.smtp_password or None,
            )
            await client.connect()
            self.clients[slot] = client
        return client

    def _drop(self, slot: int) -> None:
        client = self.clients[slot]
        if client is not None:
            client.close()
        self.clients[slot] = None

    async def _send(self, slot: int, mail: Mail) -> None:
        reused = self.clients[slot] is not None
        for _ in range(2):  # a reused connection may have been closed by the server while idle
            if self.down:
                mail.outcome, mail.error = "transient", self.down
                return
            try:
                client = await self._client(slot)
            except (aiosmtplib.SMTPException, OSError) as exc:
                self._drop(slot)
                self.down = (
                    f"không kết nối được máy chủ thư {self.settings.smtp_host}:"
                    f"{self.settings.smtp_port}: {_describe(exc)}"
                )
                mail.outcome, mail.error = "transient", self.down
                return
            try:
                errors, _ = await client.sendmail(self.sender, mail.recipients, mail.data)
            except aiosmtplib.SMTPNotSupported as exc:  # e.g. a non-ASCII address, no SMTPUTF8
                mail.outcome, mail.error = "permanent", _describe(exc)
                return
            except aiosmtplib.SMTPRecipientsRefused as exc:
                refused = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
                permanent = all(500 <= r.code < 600 for r in exc.recipients)
                mail.outcome, mail.error = ("permanent" if permanent else "transient"), refused
                return
            except aiosmtplib.SMTPResponseException as exc:
                # aiosmtplib sent RSET after the refusal: the connection stays usable
                permanent = (
                    500 <= exc.code < 600
                    and exc.code not in AUTH_CODES
                    and not isinstance(exc, (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPHeloError))
                )
                mail.outcome, mail.error = ("permanent" if permanent else "transient"), _describe(exc)
                if not permanent:
                    self._drop(slot)
                return
            except (aiosmtplib.SMTPException, OSError) as exc:
                self._drop(slot)
                if reused:
                    reused = False
                    continue
                mail.outcome, mail.error = "transient", _describe(exc)
                return
            except UnicodeError as exc:  # a non-ASCII local part; retrying will not help
                self._drop(slot)
                mail.outcome, mail.error = "permanent", f"địa chỉ không gửi được: {_describe(exc)}"
                return
            except Exception as exc:  # whatever else: never stop the run for one mail
                self._drop(slot)
                mail.outcome, mail.error = "transient", _describe(exc)
                return
            mail.outcome = "sent"
            if errors:  # accepted for the others; note who was refused
                mail.error = "một số địa chỉ bị từ chối: " + "; ".join(
                    f"{addr}: {resp.code} {resp.message}" for addr, resp in errors.items()
                )
            return


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{code} {message}" if code else f"{type(exc).__name__}: {message}"
