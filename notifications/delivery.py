"""Outbox delivery over SMTP: claim small batches under a short, renewed lease; mark each mail at once.

A run loops over batches of `outbox_batch` rows: it claims them in one UPDATE … RETURNING (picked
by a MATERIALIZED CTE with FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers) and
commits the claim, so a concurrent run never gets the same row; resolves recipients and renders
what a row lacks; sends through `smtp_concurrency` workers, each keeping one SMTP connection for
many messages. The next batch is claimed while one is being sent.

A run holds its rows (`Ledger`) under one lease of `outbox_lease_s` and renews it — a heartbeat —
every third of the lease while it lives, so a run that dies frees its rows within one lease (a
minute), not after a long fixed one. A worker hands each outcome to the ledger as soon as the
server answered; the ledger commits them in groups: within MARK_DELAY_S of the answer, or at once
when a worker has MARK_GROUP outcomes not yet committed — that worker sends nothing more until they
are. A mark is one prepared UPDATE (outcome and what delivery rendered) for the whole group; on
PostgreSQL it commits without waiting for the disk (`mark`). One commit a mail was most of the
delivery's own cost at 10,000 digests.
Transient failures (connection refused, timeouts, 4xx) leave it `failed` with exponential
backoff; a permanent refusal (5xx for every recipient, message rejected with 5xx) or
MAX_ATTEMPTS failures make it `dead`.

The residual window: a run killed after the server accepted a mail and before its row was
committed leaves that row `sending`; a later run sends it again once the lease ran out. Per worker
at most MARK_GROUP mails are in that window (the one in hand included), each for at most
MARK_DELAY_S plus a commit, so a crash repeats at most MARK_GROUP × `smtp_concurrency` mails —
in practice the ones in flight — each with the same Message-ID (`notifications.message.message_id`)
as its first copy.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import aiosmtplib
from sqlalchemy import Update, and_, bindparam, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from models.config import Settings
from models.outbox import OutboxMessage
from models.types import utcnow
from notifications.message import build_message, envelope_sender
from notifications.render import BRAND, render
from workflows.kernel.recipients import resolve_recipients

LEASE = timedelta(seconds=60)  # of a bare `claim`; a run's lease is `outbox_lease_s`, renewed
MAX_ATTEMPTS = 10
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=6)
AUTH_CODES = {530, 534, 535, 538}  # 5xx that mean "our configuration", not "this message"
MARK_GROUP = 8  # outcomes a worker may have uncommitted; it waits for their commit before sending more
MARK_DELAY_S = 0.05  # an outcome is committed at the latest this long after the server answered

T = OutboxMessage.__table__
log = logging.getLogger("plantrack.delivery")


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
    recipients: list[str]
    template: str = ""
    context: dict[str, Any] | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    data: bytes | None = None  # the message as sent
    filled: dict[str, Any] | None = None  # recipients/subject/bodies computed at delivery
    outcome: str = ""  # sent | transient | permanent | lost (the lease ended: another run may hold it)
    error: str | None = None
    recorded: bool = False  # the outcome is committed (or the row is no longer this run's)

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
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    limit: int = 10_000,
    batch: int | None = None,
) -> DeliveryReport:
    """Send the due outbox rows (at most `limit`); the sync entry point for CLI and jobs."""
    return asyncio.run(deliver_pending_async(engine, settings, now=now, limit=limit, batch=batch))


async def deliver_pending_async(
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    limit: int = 10_000,
    batch: int | None = None,
) -> DeliveryReport:
    """As `deliver_pending`, inside a running event loop; `now` (default: the clock) starts the run's time."""
    batch = max(1, batch or settings.outbox_batch)
    clock = run_clock(now)
    stamp = clock()  # the Date of every message of the run
    ledger = Ledger(engine, settings, clock)
    heartbeat = asyncio.create_task(ledger.keep_alive())
    claimed = 0
    try:
        async with SmtpPool(settings) as pool:
            # while one batch goes out, the next is claimed, so the connections do not idle between batches
            fetching = asyncio.create_task(ledger.fetch(min(batch, limit)))
            try:
                while fetching is not None:
                    mails = await fetching
                    fetching = None
                    if not mails:
                        break
                    claimed += len(mails)
                    if claimed < limit and not pool.down:  # unreachable server: leave the rest for later
                        fetching = asyncio.create_task(ledger.fetch(min(batch, limit - claimed)))
                    await ledger.record(*(m for m in mails if m.outcome))  # no address: dead now
                    await pool.send_all([m for m in mails if not m.outcome], ledger, stamp)
                await ledger.settle()
            finally:
                if fetching is not None:  # stopped by an error with a batch claimed: release it for a retry
                    unsent = await fetching
                    for m in unsent:
                        m.outcome = m.outcome or "transient"
                        m.error = m.error or "delivery run stopped before sending"
                    await ledger.record(*unsent)
    finally:
        heartbeat.cancel()
    return ledger.report


def run_clock(now: datetime | None) -> Callable[[], datetime]:
    """The run's time: `now` (or the clock at the start) plus the time elapsed since."""
    start, t0 = now or utcnow(), time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - t0)


class Ledger:
    """The rows a run holds: claims them, renews their lease while the run lives, records outcomes.

    Every held row carries the same lease end (`until`), which also proves the row is still this
    run's: a renewal or a mark touches only rows `sending` with exactly that `locked_until`. Database
    work runs in a thread, one piece at a time (the lock), so a renewal never races a mark.
    """

    def __init__(self, engine: Engine, settings: Settings, clock: Callable[[], datetime]):
        self.engine, self.settings, self.clock = engine, settings, clock
        self.lease = timedelta(seconds=settings.outbox_lease_s)
        self.until: datetime | None = None
        self.held: set[int] = set()  # ids `sending` under `until`
        self.mails: dict[int, Mail] = {}
        self.report = DeliveryReport()
        self._lock = asyncio.Lock()
        self._due: list[Mail] = []
        self._timer: asyncio.TimerHandle | None = None  # the commit of what is due, MARK_DELAY_S after
        self._flushes: set[asyncio.Task] = set()
        self._error: BaseException | None = None  # a timed commit failed: the next `record` raises it

    def alive(self) -> bool:
        """True while the lease holds; past it another run may have claimed the rows."""
        return self.until is not None and self.clock() < self.until

    async def fetch(self, n: int) -> list[Mail]:
        """Claim up to `n` due rows (renewing the held ones in the same commit) and prepare them."""
        async with self._lock:
            rows = await asyncio.to_thread(self._extend, n)
        mails = await asyncio.to_thread(prepare, self.engine, self.settings, rows) if rows else []
        for m in mails:
            if m.id in self.held:
                self.mails[m.id] = m
            else:  # lost between the claim and now (the run stalled past its lease)
                m.outcome = "lost"
        return [m for m in mails if m.outcome != "lost"]

    async def keep_alive(self) -> None:
        """The heartbeat: renew the lease every third of it until cancelled."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                async with self._lock:
                    await asyncio.to_thread(self._extend, 0)
            except Exception:  # the database is away: workers stop once the lease ends (`alive`)
                log.warning("outbox lease renewal failed", exc_info=True)

    def note(self, mail: Mail) -> None:
        """Have this outcome committed with the next group, at the latest MARK_DELAY_S from now."""
        if mail.outcome == "lost":
            mail.recorded = True
            return
        self._due.append(mail)
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(MARK_DELAY_S, self._commit_due)

    def _commit_due(self) -> None:
        self._timer = None
        task = asyncio.create_task(self._timed_commit())
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _timed_commit(self) -> None:
        try:
            await self.record()
        except Exception as exc:  # raised again to the next worker that records (the run stops)
            self._error = self._error or exc

    async def record(self, *mails: Mail) -> None:
        """Commit these outcomes, together with any others waiting; returns once they are committed."""
        self._due += [m for m in mails if m.outcome != "lost"]
        async with self._lock:
            if self._error is not None:
                raise self._error
            due, self._due = self._due, []
            if due:  # else a run that held the lock meanwhile committed ours with its own
                self.report.add(await asyncio.to_thread(self._mark, due))
                for m in due:
                    m.recorded = True

    async def settle(self) -> None:
        """Commit whatever is still due (the end of a run); raises a timed commit's failure."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._flushes:
            await asyncio.gather(*self._flushes)
        await self.record()

    def _extend(self, n: int) -> list[dict[str, Any]]:
        now = self.clock()
        until = now + self.lease
        with self.engine.begin() as conn:
            kept = renew(conn, self.held, self.until, until) if self.held else set()
            rows = claim_rows(conn, now, n, until) if n else []
        for lost in self.held - kept:
            if (mail := self.mails.pop(lost, None)) is not None:
                mail.outcome = "lost"
        self.held = kept | {r["id"] for r in rows}
        self.until = until
        return rows

    def _mark(self, mails: list[Mail]) -> DeliveryReport:
        mine = [m for m in mails if m.id in self.held]
        report = mark(self.engine, mine, self.clock(), self.until)
        for m in mine:
            self.held.discard(m.id)
            self.mails.pop(m.id, None)
        return report


def _claimable(now: datetime):
    # 'sending' rows are claimable again only when their lease ran out (a crashed run).
    # the states written out in the SQL, so PostgreSQL's plans may use the partial ix_outbox_claimable
    states = bindparam("claimable", ["pending", "failed", "sending"], expanding=True, literal_execute=True)
    return and_(
        T.c.status.in_(states),
        T.c.next_attempt_at <= now,
        or_(T.c.locked_until.is_(None), T.c.locked_until < now),
    )


def claim(engine: Engine, now: datetime, n: int, lease: timedelta = LEASE) -> list[dict[str, Any]]:
    """Atomically mark up to `n` due rows `sending` under a lease and return them (committed)."""
    with engine.begin() as conn:
        return claim_rows(conn, now, n, now + lease)


def claim_rows(conn: Connection, now: datetime, n: int, until: datetime) -> list[dict[str, Any]]:
    """Mark up to `n` due rows `sending` until `until` and return them, in the caller's transaction."""
    pick = select(T.c.id).where(_claimable(now)).order_by(T.c.next_attempt_at, T.c.id).limit(n)
    if conn.dialect.name == "postgresql":
        # A CTE, not `id IN (subquery)`: PostgreSQL may rescan such a subquery for each outer row,
        # and with SKIP LOCKED every rescan yields further rows — the LIMIT would not hold.
        picked = pick.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
    else:
        picked = pick.cte("picked")
    # The outer condition is re-checked on the locked row, so a row claimed meanwhile is left out.
    stmt = (
        update(T)
        .where(T.c.id == picked.c.id, _claimable(now))
        .values(status="sending", locked_until=until)
        .returning(
            T.c.id,
            T.c.dedupe_key,
            T.c.template,
            T.c.context,
            T.c.audience,
            T.c.agency_id,
            T.c.recipients,
            T.c.subject,
            T.c.body_text,
            T.c.body_html,
            T.c.attempts,
        )
    )
    return sorted((dict(r) for r in conn.execute(stmt).mappings()), key=lambda r: r["id"])


def renew(conn: Connection, ids: set[int], until_was: datetime, until: datetime) -> set[int]:
    """Move the lease of rows still held under `until_was` to `until`; the ids still held."""
    stmt = (
        update(T)
        .where(T.c.id.in_(sorted(ids)), T.c.status == "sending", T.c.locked_until == until_was)
        .values(locked_until=until)
        .returning(T.c.id)
    )
    return set(conn.execute(stmt).scalars())


def prepare(engine: Engine, settings: Settings, rows: list[dict[str, Any]]) -> list[Mail]:
    """Mails for claimed rows, with recipients resolved (one query) where the row has none.

    Rendering and serialising wait for the sending worker (`Mail.compose`): done there, that CPU
    work overlaps the other connections' waits for the server.
    """
    need = [(r["audience"], r["agency_id"]) for r in rows if not r["recipients"]]
    resolved = {}
    if need:
        with Session(engine) as session:
            resolved = resolve_recipients(session, settings, need)
    mails = []
    for r in rows:
        mail = Mail(
            id=r["id"],
            dedupe_key=r["dedupe_key"],
            attempts=r["attempts"],
            recipients=[
                ascii_domain(a) for a in r["recipients"] or resolved.get((r["audience"], r["agency_id"]), [])
            ],
            template=r["template"],
            context=r["context"],  # claimed with the row: most rows are rendered here (digests too)
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


def mark(engine: Engine, mails: list[Mail], now: datetime, lease: datetime | None) -> DeliveryReport:
    """Record outcomes; only rows still `sending` under `lease` (this run's) are touched.

    One UPDATE (executemany) per shape of what delivery filled in: the outcome and the rendered
    subject/bodies (and resolved recipients) of a row are written by the same statement.
    """
    report = DeliveryReport()
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for m in mails:
        attempts = m.attempts + 1
        p = {
            "b_id": m.id,
            "b_lease": lease,
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
        filled = m.filled or {}
        p.update({f"f_{k}": v for k, v in filled.items()})
        shapes.setdefault(tuple(sorted(filled)), []).append(p)
    if not mails:
        return report
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # The commit returns once the server has the marks, without waiting for them to reach
            # disk: a deliverer killed loses none; only a crash of the database server itself may
            # forget the last fraction of a second of them, and those mails go out again (same
            # Message-ID). Waiting for the disk on every mark made delivery wait for the disk.
            conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
        for shape, params in shapes.items():
            conn.execute(_mark_statement(shape), params)
    return report


@lru_cache(maxsize=16)
def _mark_statement(filled: tuple[str, ...]) -> Update:
    """The outcome UPDATE writing also the `filled` columns; built once (a mark is one per mail or so)."""
    mine = and_(
        T.c.id == bindparam("b_id"), T.c.status == "sending", T.c.locked_until == bindparam("b_lease")
    )
    return (
        update(T)
        .where(mine)
        .values(
            status=bindparam("b_status"),
            attempts=bindparam("b_attempts"),
            last_error=bindparam("b_error"),
            sent_at=bindparam("b_sent_at"),
            next_attempt_at=bindparam("b_next"),
            locked_until=None,
            **{k: bindparam(f"f_{k}") for k in filled},
        )
    )


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

    async def send_all(self, mails: list[Mail], ledger: Ledger, now: datetime) -> None:
        """Compose, send and record each mail; never raises for a mail's own failure."""
        queue: asyncio.Queue[Mail] = asyncio.Queue()
        for m in mails:
            queue.put_nowait(m)
        workers = min(self.size, len(mails))
        await asyncio.gather(*(self._worker(i, queue, ledger, now) for i in range(workers)))

    async def _worker(self, slot: int, queue: "asyncio.Queue[Mail]", ledger: Ledger, now: datetime) -> None:
        unrecorded: list[Mail] = []  # this worker's outcomes not yet committed
        while not queue.empty():
            mail = queue.get_nowait()
            if mail.data is None and not (mail.outcome or self.down):
                mail.compose(self.settings, now)  # CPU work: before waiting for any commit
            unrecorded = [m for m in unrecorded if not m.recorded]
            if len(unrecorded) >= MARK_GROUP - 1:
                # this worker's group is committed before its next message (the residual window)
                await ledger.record()
                unrecorded = []
            if mail.outcome == "lost" or not ledger.alive():
                continue  # the row may be another run's by now: leave it to that run
            if self.down and not mail.outcome:
                mail.outcome, mail.error = "transient", self.down
            if not mail.outcome:
                await self._send(slot, mail)
            ledger.note(mail)
            unrecorded.append(mail)
        await ledger.record()

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
