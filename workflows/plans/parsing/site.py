"""What a legal-document web site puts around the plan it shows, so that it is never read as the plan.

Texts copied from such sites carry, above the document, a banner ("Hệ thống pháp luật", "Đang tải
nội dung, vui lòng chờ giây lát..."), an attribute block ("Số hiệu: …", "Ngày ban hành: …") and a
summary ("Kế hoạch 45/KH-UBND năm 2026 triển khai …", "Nội dung toàn văn …"); below it, a footer
(the site's name, contact lines, copyright, a log-in prompt). Rules, over whole lines, case and
diacritics ignored:

- ``is_furniture``: a line that is the site's own — its name alone, a loading or log-in message,
  an attribute label with its value, a navigation word ("Tải văn bản", "Văn bản liên quan"), a
  copyright line. The header reader skips them; they name no issuer and no title.
- ``ends_document``: the site's name alone, a loading or log-in message or a copyright line, opening
  with a capital (a wrapped sentence's last line "hệ thống pháp luật." goes on), met after the body
  began ends the body, as "Nơi nhận:" does; so do two contact lines in a row
  ("Hotline: …" over "Email: …"; one alone may be the plan's own contact).
- The summary above the header is not recognised here: the header reader starts the document at
  its own issuer above the national motto (meta.py), so whatever stands above is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workflows.kernel.text import fold

_SITE_NAME = (
    r"(?:he\s+thong\s+phap\s+luat|thu\s+vien\s+phap\s+luat|luat\s*viet\s*nam"
    r"|co\s+so\s+du\s+lieu\s+quoc\s+gia\s+ve\s+(?:van\s+ban\s+)?phap\s+luat)(?:\s+viet\s+nam)?"
    r"(?:\s*[.]\s*(?:vn|com|net|org)(?:\.vn)?)?"
)
_ATTRIBUTE = (
    r"(?:so\s+hieu|loai\s+van\s+ban|noi\s+ban\s+hanh|co\s+quan\s+ban\s+hanh|nguoi\s+ky|ngay\s+ban\s+hanh"
    r"|ngay\s+hieu\s+luc|ngay\s+cong\s+bao|so\s+cong\s+bao|tinh\s+trang(?:\s+hieu\s+luc)?|linh\s+vuc"
    r"|ngay\s+het\s+hieu\s+luc|ngay\s+dang)\s*:.*"
)
_MESSAGES = (
    r"dang\s+tai\s+(?:noi\s+dung|van\s+ban|du\s+lieu).*|vui\s+long\s+(?:cho|doi)\b.*"
    r"|(?:ban\s+)?chua\s+dang\s+nhap.*|vi\s+chua\s+dang\s+nhap.*|dang\s+nhap(?:\s+de\s+.*)?|dang\s+ky(?:\s+thanh\s+vien)?"
)
_NAVIGATION = (
    r"(?:tai\s+(?:ve|van\s+ban(?:\s+goc)?|file)|in\s+van\s+ban|luu\s+van\s+ban|theo\s+doi\s+(?:van\s+ban|hieu\s+luc)"
    r"|van\s+ban\s+(?:goc|lien\s+quan|tieng\s+anh)|thuoc\s+tinh(?:\s+van\s+ban)?|luoc\s+do|muc\s+luc"
    r"|noi\s+dung\s+toan\s+van\b.*"
    r"|chia\s+se|bao\s+loi|gop\s+y|quay\s+lai|len\s+dau\s+trang|xem\s+them)"
)
_COPYRIGHT = r"(?:©|copyright\b).*"
_CONTACT = r"(?:hotline|email|e-mail|dien\s+thoai|dia\s+chi|website|fax)\s*:.*"

_FURNITURE = re.compile(rf"(?:{_SITE_NAME}|{_ATTRIBUTE}|{_MESSAGES}|{_NAVIGATION}|{_COPYRIGHT})[\s.!:]*")
_END = re.compile(rf"(?:{_SITE_NAME}|{_MESSAGES}|{_COPYRIGHT})[\s.!:]*")
_CONTACT_LINE = re.compile(rf"{_CONTACT}")
_MARKS = re.compile(r"^[\s*_#>|-]+|[\s*_|]+$")


def _key(line: str) -> str:
    return " ".join(fold(_MARKS.sub("", line)).split())


def is_furniture(line: str) -> bool:
    """Is the line the site's own (banner, attribute, message, navigation, copyright)?"""
    return bool(_FURNITURE.fullmatch(_key(line)))


def ends_document(line: str, following: Callable[[], str] = str) -> bool:
    """Does the line, met in the body, start the site's footer? (``following``: the next non-blank line.)"""
    bare = _MARKS.sub("", line)
    if not bare[:1].isupper() and not bare.startswith("©"):
        return False  # a footer line opens with a capital; "… hoàn thiện" | "hệ thống pháp luật." goes on
    key = _key(line)
    if _END.fullmatch(key):
        return True
    if not _CONTACT_LINE.fullmatch(key):
        return False
    after = _key(following())
    return bool(_CONTACT_LINE.fullmatch(after) or _END.fullmatch(after))
