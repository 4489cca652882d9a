"""Fixtures for mail tests: a real SMTP server and settings pointing at it."""

import pytest

from tests.notifications.smtp_server import SmtpServer


@pytest.fixture
def smtp():
    with SmtpServer(refuse=("nobody@syt.test",)) as server:
        yield server


@pytest.fixture
def mail_settings(settings, smtp):
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_concurrency": 2,
            "base_url": "https://theodoi.sonla.example",
            "secretariat_emails": "thuongtruc@catinh.test",
            "leader_emails": "pct@ubnd.test",
        }
    )
