"""One outbox row as an RFC 5322 message: multipart/alternative, UTF-8 headers."""
import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from models.config import Settings


def envelope_sender(settings: Settings) -> str:
    """The bare address of `mail_from` ('Ban Chỉ đạo … <bcd@x>' → 'bcd@x')."""
    return parseaddr(settings.mail_from)[1] or settings.mail_from


def message_id(outbox_id: int, dedupe_key: str, sender: str) -> str:
    """Stable across retries, so a receiving system can drop a copy it already has."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:16]
    domain = sender.rpartition("@")[2] or "plantrack.invalid"
    return f"<plantrack.{outbox_id}.{digest}@{domain}>"


def build_message(settings: Settings, outbox_id: int, dedupe_key: str, recipients: list[str],
                  subject: str, text: str, html: str, date: datetime) -> EmailMessage:
    """Text and HTML alternatives; the email package encodes Vietnamese headers (RFC 2047)."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id(outbox_id, dedupe_key, envelope_sender(settings))
    msg["X-Plantrack-Outbox"] = dedupe_key
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: keeps vacation replies away
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg
