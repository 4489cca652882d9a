"""The message bytes: headers parse back with the standard library to what was written."""

import email
from email import policy

import pytest

from notifications.message import encoded_words

SUBJECTS = [
    "[Sơn La – PCMT] Tổng hợp tuần 27/2023: UBND xã Chiềng Khoong – 3 nhiệm vụ quá hạn, 1 bị trả lại",
    "Plain ASCII subject",
    "x" * 120,
    "ề" * 70,  # three UTF-8 bytes a character: words never split one
    "=?utf-8?b?not-a-word?=",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_subject_round_trips_and_folds_within_78_characters(subject):
    header = "Subject: " + encoded_words(subject)
    assert all(len(line) <= 78 for line in header.split("\r\n")) and header.isascii()
    msg = email.message_from_bytes((header + "\r\n\r\nbody").encode("ascii"), policy=policy.default)
    assert msg["Subject"] == subject
