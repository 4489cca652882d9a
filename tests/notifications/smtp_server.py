"""A real SMTP server (aiosmtpd) on 127.0.0.1 collecting what it receives."""

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on (Controller(port=0) fails its own readiness check)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    tls: bool = False  # the session was encrypted (STARTTLS or implicit TLS)
    login: str | None = None  # the authenticated user, if any


class Collector:
    """aiosmtpd handler: keeps every accepted envelope; refuses listed recipients with 550.

    With `hold_after`, the messages after that many are kept but not answered until `release()`:
    the sender waits for its 250 as it would for a hung server (a crash can be staged then).
    """

    def __init__(self, refuse: tuple[str, ...] = (), hold_after: int | None = None):
        self.refuse = {a.lower() for a in refuse}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self.hold_after = hold_after
        self.released = threading.Event()

    def release(self) -> None:
        """Answer the held messages and hold no more."""
        self.released.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        login = session.auth_data.login.decode() if session.authenticated and session.auth_data else None
        with self._lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    tuple(envelope.rcpt_tos),
                    msg,
                    tls=session.ssl is not None or _implicit_tls(server),
                    login=login,
                )
            )
            held = self.hold_after is not None and len(self.received) > self.hold_after
        if held:
            await asyncio.get_running_loop().run_in_executor(None, self.released.wait)
        return "250 Message accepted for delivery"

    def keys(self) -> list[str]:
        """The outbox dedupe key of every message received, in arrival order."""
        return [r.message["X-Plantrack-Outbox"] for r in self.received]


def _implicit_tls(server) -> bool:
    transport = getattr(server, "transport", None)
    return transport is not None and transport.get_extra_info("ssl_object") is not None


class SmtpServer:
    """`with SmtpServer() as smtp:` a server on a free port; extra keywords go to aiosmtpd's Controller
    (tls_context/require_starttls, ssl_context for implicit TLS, auth_required/authenticator)."""

    def __init__(
        self,
        port: int | None = None,
        refuse: tuple[str, ...] = (),
        hold_after: int | None = None,
        **controller_kwargs,
    ):
        self.port = port or free_port()
        self.handler = Collector(refuse, hold_after)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **controller_kwargs)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.release()  # a held handler would keep the server from stopping
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        return self.handler.received
