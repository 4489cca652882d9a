"""The message catalogue: every refusal has a code, an English and a Vietnamese text with the same details."""

import re
import string
from pathlib import Path

import pytest

from workflows.kernel.errors import Conflict, InvalidInput, NotFound
from workflows.kernel.messages import CATALOGUE, render

ROOT = Path(__file__).resolve().parents[3]
# a refusal raised or built anywhere: SomeError("code", …)
RAISED = re.compile(
    r"\b(?:NotFound|PermissionDenied|Conflict|InvalidInput|TooLarge|PlanFormatError|PlanDocumentError|"
    r"NotAuthenticated|CsrfFailed|DomainError)\(\s*\"([^\"]+)\""
)

# a notice or refusal shown by its code: render("code", "vi", …) / render_message("code", "en", …)
SHOWN = re.compile(r"\b(?:render|render_message|_says)\(\s*\"([\w.]+)\"(?:\s*,\s*\"(?:vi|en)\"|\))")


def _fields(template: str) -> set[str]:
    return {name.split("!")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_both_languages_name_only_known_details(code):
    en, vi = CATALOGUE[code]
    assert en and vi, code
    # Vietnamese may leave a technical detail out, never invent one English lacks
    assert _fields(vi) <= _fields(en) | {"size_vi"}, code


def test_every_code_the_code_raises_is_in_the_catalogue():
    used = set()
    for folder in ("workflows", "api", "notifications", "models"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            used |= set(RAISED.findall(text)) | set(SHOWN.findall(text))
    assert used, "the scan found no refusal at all"
    assert sorted(used - set(CATALOGUE)) == []


def test_a_refusal_renders_its_details_in_both_languages():
    exc = Conflict("submission.not_open", id=7, state="accepted")
    assert str(exc) == "checkpoint 7 is accepted; only an open or returned checkpoint can be submitted"
    assert exc.message("vi") == (
        "Không thể gửi báo cáo: mốc này đã được chấp nhận. Chỉ gửi được khi mốc đang mở hoặc bị trả lại."
    )
    assert exc.http_status == 409 and exc.code == "submission.not_open"


def test_words_of_the_domain_are_translated():
    assert NotFound("not_found", what="extension request", id=3).message("vi") == (
        "Không tìm thấy đề nghị gia hạn (hoặc bạn không có quyền xem)."
    )
    assert render("not_found", "en", {"what": "plan", "id": 9}) == "plan 9 not found"


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        InvalidInput("no.such.code")
