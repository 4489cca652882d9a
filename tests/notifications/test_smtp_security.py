"""STARTTLS, implicit TLS and login against a real aiosmtpd with a self-signed certificate."""

import datetime as dt
import ipaddress
import ssl

import pytest
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlmodel import select

from models import OutboxMessage
from notifications.delivery import deliver_pending
from tests.notifications.smtp_server import SmtpServer
from workflows.kernel.outbox import enqueue

CONTEXT = {
    "checkpoint_id": 1,
    "agency_name": "Sở Y tế",
    "task_ref": "II.3",
    "task_title": "Điều trị",
    "period_label": "",
    "due_date": "2023-06-14",
    "reason": "Đạt yêu cầu",
}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (cert file, server SSL context)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    return cert_file, server


def _only(login: bytes, password: bytes):
    def authenticator(server, session, envelope, mechanism, auth_data):
        # handled=False: aiosmtpd answers a failure with 535 itself
        ok = (auth_data.login, auth_data.password) == (login, password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return authenticator


@pytest.fixture
def trusted(monkeypatch, certificate):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the client trusts our test CA
    return certificate[1]


def test_starttls_and_login(engine, session, settings, trusted):
    enqueue(session, "k", "notice_accepted", CONTEXT, recipients=["a@syt.test"])
    session.commit()
    with SmtpServer(
        tls_context=trusted,
        require_starttls=True,
        auth_required=True,
        authenticator=_only(b"bcd", b"mat-khau-dung"),
    ) as smtp:
        cfg = settings.model_copy(
            update={
                "smtp_port": smtp.port,
                "smtp_starttls": True,
                "smtp_username": "bcd",
                "smtp_password": "mat-khau-sai",
            }
        )
        refused = deliver_pending(engine, cfg)
        row = session.exec(select(OutboxMessage)).one()
        assert (refused.sent, refused.failed) == (0, 1) and "535" in row.last_error  # wrong password: retried
        ok = deliver_pending(
            engine, cfg.model_copy(update={"smtp_password": "mat-khau-dung"}), now=row.next_attempt_at
        )
        received = list(smtp.received)
    assert ok.sent == 1 and [(r.tls, r.login) for r in received] == [(True, "bcd")]


def test_implicit_tls(engine, session, settings, trusted):
    enqueue(session, "k", "notice_accepted", CONTEXT, recipients=["a@syt.test"])
    session.commit()
    with SmtpServer(ssl_context=trusted) as smtp:
        cfg = settings.model_copy(update={"smtp_port": smtp.port, "smtp_timeout_s": 1})
        plain = deliver_pending(engine, cfg)  # a plain client gets no greeting from a TLS port
        report = deliver_pending(
            engine,
            cfg.model_copy(update={"smtp_use_tls": True}),
            now=session.exec(select(OutboxMessage.next_attempt_at)).one(),
        )
        received = list(smtp.received)
    assert (plain.sent, plain.failed) == (0, 1)
    assert report.sent == 1 and [r.tls for r in received] == [True]
    assert received[0].message["Subject"].startswith("[Sơn La – PCMT] Báo cáo đã được chấp nhận: Sở Y tế")
