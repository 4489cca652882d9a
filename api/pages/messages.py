"""Vietnamese wording of the rules' refusals (the rules speak precise English; the pages speak Vietnamese).

Each known message is matched by a pattern and reworded with the same precise details (file
name, sizes, dates). An unknown message keeps its English detail after a Vietnamese lead-in,
so nothing precise is ever lost.
"""

import re

from workflows.kernel.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied

STALE = "Hồ sơ đã được người khác cập nhật, vui lòng tải lại trang"
STATE_VI = {
    "open": "đang mở",
    "submitted": "đã gửi, chờ thẩm định",
    "returned": "đã bị trả lại",
    "accepted": "đã được chấp nhận",
    "waived": "được miễn",
    "pending": "đang chờ",
    "approved": "đã được duyệt",
    "refused": "đã bị từ chối",
    "withdrawn": "đã rút",
}
FILE_KIND_VI = "PDF, Word (DOCX), Excel (XLSX), OpenDocument (ODT), JPEG hoặc PNG"

_PATTERNS: list[tuple[str, str]] = [
    # stale forms (optimistic locking)
    (r"checkpoint changed since you loaded it.*", STALE + "."),
    (r".* was decided by someone else meanwhile", STALE + "."),
    # submissions
    (
        r"the note is (?P<n>\d+) characters long; the limit is (?P<m>\d+)",
        "Nội dung dài {n} ký tự, vượt giới hạn {m} ký tự.",
    ),
    (
        r"at most (?P<m>\d+) files and links per submission",
        "Mỗi lần gửi được đính kèm tối đa {m} tệp và đường dẫn.",
    ),
    (
        r"write a progress note or attach at least one file or link",
        "Vui lòng nhập nội dung báo cáo hoặc đính kèm ít nhất một tệp hay một đường dẫn.",
    ),
    (
        r"checkpoint \d+ is (?P<state>\w+); only an open or returned checkpoint can be submitted",
        "Không thể gửi báo cáo: mốc này {state}. Chỉ gửi được khi mốc đang mở hoặc bị trả lại.",
    ),
    (
        r"the task of checkpoint \d+ was withdrawn from the plan",
        "Nhiệm vụ này đã được rút khỏi kế hoạch nên không nhận báo cáo.",
    ),
    (
        r"checkpoint \d+ is (?P<state>\w+); it takes no more contributions",
        "Mốc này {state}, không nhận thêm ý kiến phối hợp.",
    ),
    (
        r"only a focal point of a supporting agency may add a contribution",
        "Chỉ cán bộ đầu mối của đơn vị phối hợp mới được gửi ý kiến phối hợp.",
    ),
    (
        r"the lead agency submits a report; contributions are for supporting agencies",
        "Đơn vị chủ trì gửi báo cáo, không gửi ý kiến phối hợp.",
    ),
    (r"your agency does not support this task", "Đơn vị của bạn không phối hợp thực hiện nhiệm vụ này."),
    # evidence files and links
    (r"'(?P<name>.*)' is empty", "Tệp «{name}» rỗng (0 byte)."),
    (
        r"'(?P<name>.*)': file is (?P<size>[\d.]+ MB); the limit is (?P<limit>[\d.]+ MB)",
        "Tệp «{name}» có dung lượng {size}, vượt giới hạn {limit}.",
    ),
    (
        r"'(?P<name>.*)' is an old Word/Excel 97-2003 file.*",
        "Tệp «{name}» là tệp Word/Excel cũ (.doc/.xls); vui lòng lưu lại dưới dạng DOCX, XLSX hoặc PDF.",
    ),
    (
        r"'(?P<name>.*)' is a ZIP archive that is not a DOCX, XLSX or ODT document",
        "Tệp «{name}» là tệp nén ZIP, không phải văn bản DOCX, XLSX hay ODT.",
    ),
    (
        r"'(?P<name>.*)' is a program, not a document",
        "Tệp «{name}» là chương trình máy tính, không phải văn bản.",
    ),
    (
        r"'(?P<name>.*)' is not a .* file \(judged by its content, not its name\)",
        "Tệp «{name}» không phải tệp " + FILE_KIND_VI + " (kiểm tra theo nội dung tệp, không theo tên tệp).",
    ),
    (r"the link is empty", "Đường dẫn trống."),
    (
        r"the link is (?P<n>\d+) characters long; the limit is (?P<m>\d+)",
        "Đường dẫn dài {n} ký tự, vượt giới hạn {m} ký tự.",
    ),
    (
        r"the link '(?P<url>.*)' contains spaces or control characters",
        "Đường dẫn «{url}» chứa dấu cách hoặc ký tự điều khiển.",
    ),
    (
        r"only http\(s\) links are accepted, not '(?P<url>.*)'",
        "Chỉ chấp nhận đường dẫn http:// hoặc https://, không nhận «{url}».",
    ),
    (r"the link '(?P<url>.*)' has no host", "Đường dẫn «{url}» thiếu tên máy chủ."),
    # review
    (r"say why the report is returned.*", "Vui lòng nêu lý do trả lại (lý do được gửi tới đơn vị)."),
    (
        r"the reason is (?P<n>\d+) characters long; the limit is (?P<m>\d+)",
        "Lý do dài {n} ký tự, vượt giới hạn {m} ký tự.",
    ),
    (
        r"submission \d+ was already (?P<state>\w+); only a pending report can be reviewed",
        "Báo cáo này {state}; chỉ báo cáo đang chờ thẩm định mới được chấp nhận hoặc trả lại. " + STALE + ".",
    ),
    (r"contributions of supporting agencies are not reviewed", "Ý kiến phối hợp không cần thẩm định."),
    # extensions
    (r"give a reason for the extension", "Vui lòng nêu lý do xin gia hạn."),
    (
        r"the new due date (?P<new>[\d/]+) must be after the current one \((?P<cur>[\d/]+)\)",
        "Hạn mới {new} phải sau hạn hiện tại ({cur}).",
    ),
    (r"checkpoint \d+ is (?P<state>\w+); nothing to extend", "Mốc này {state}, không cần gia hạn."),
    (
        r"extension request \d+ for this checkpoint is still pending",
        "Mốc này đã có một đề nghị gia hạn đang chờ Thường trực quyết định.",
    ),
    (r"extension request \d+ was already (?P<state>\w+)", "Đề nghị gia hạn này {state}. " + STALE + "."),
    (
        r"checkpoint \d+ is (?P<state>\w+); refuse the request instead",
        "Mốc này {state}; không thể duyệt gia hạn, hãy từ chối đề nghị.",
    ),
    (
        r"the checkpoint is already due (?P<cur>[\d/]+), not before the requested (?P<new>[\d/]+)",
        "Hạn hiện tại đã là {cur}, không sớm hơn hạn đề nghị {new}.",
    ),
    # permissions and lookups
    (
        r"only a focal point of the responsible agency may do this",
        "Chỉ cán bộ đầu mối của đơn vị chủ trì mới được thực hiện thao tác này.",
    ),
    (
        r"only the submitting agency's focal point or the secretariat may withdraw evidence",
        "Chỉ cán bộ đầu mối của đơn vị đã gửi hoặc Thường trực mới được rút minh chứng.",
    ),
    (r"role '(?P<role>\w+)' may not do this.*", "Tài khoản của bạn không có quyền thực hiện thao tác này."),
    (
        r"(?P<what>checkpoint|submission|evidence|extension request|agency|plan|user)"
        r"( file)? [\w-]* ?not found",
        "Không tìm thấy {what} (hoặc bạn không có quyền xem).",
    ),
    # CSRF and sessions
    (r"CSRF token missing.*", "Biểu mẫu thiếu mã bảo mật (CSRF). Vui lòng tải lại trang rồi thử lại."),
    (
        r"CSRF token does not match this session.*",
        "Mã bảo mật của biểu mẫu không khớp với phiên đăng nhập (có thể phiên đã hết hạn). "
        "Vui lòng tải lại trang rồi thử lại.",
    ),
    # plan documents
    (r"empty document", "Tệp kế hoạch rỗng, không có nội dung."),
    (
        r"file too large: (?P<n>\d+) bytes, the limit is (?P<m>\d+) bytes",
        "Tệp quá lớn: {n} byte, giới hạn {m} byte.",
    ),
    (
        r"legacy Word 97-2003 \(\.doc\).*",
        "Tệp Word 97-2003 (.doc) không được hỗ trợ; vui lòng mở bằng Word và lưu lại dưới dạng .docx.",
    ),
    (r"RTF documents are not supported.*", "Tệp RTF không được hỗ trợ; vui lòng lưu lại dưới dạng .docx."),
    (
        r"file is named \.pdf but its content does not start with %PDF-.*",
        "Tệp có đuôi .pdf nhưng nội dung không phải PDF.",
    ),
    (
        r"file is named \.docx but is not a ZIP archive.*",
        "Tệp có đuôi .docx nhưng không phải văn bản Word .docx.",
    ),
    (
        r"not UTF-8 text: invalid byte (?P<byte>0x[0-9a-f]+) at offset (?P<at>\d+).*",
        "Tệp văn bản không ở mã UTF-8 (byte {byte} ở vị trí {at}). Các bảng mã cũ (TCVN3/ABC, VNI, "
        "Windows-1258) không nhận dạng chắc chắn được; vui lòng mở tệp và lưu lại dưới dạng UTF-8.",
    ),
    (r"binary content.*", "Tệp không phải văn bản (nội dung nhị phân)."),
    (
        r"HTML/XML markup, not plain text.*",
        "Tệp chứa mã HTML/XML, không phải văn bản thuần; vui lòng mở bằng Word và lưu lại dưới dạng .docx.",
    ),
    (r"damaged or unsupported Word document.*", "Tệp Word bị hỏng hoặc không được hỗ trợ."),
    (r"damaged ZIP archive.*", "Tệp nén bị hỏng."),
    (r"ZIP archive is an Excel workbook.*", "Tệp là bảng tính Excel (.xlsx), không phải văn bản Word."),
    (
        r"ZIP archive is a PowerPoint presentation.*",
        "Tệp là bản trình chiếu PowerPoint (.pptx), không phải văn bản Word.",
    ),
    (
        r"ZIP archive is an OpenDocument.*",
        "Tệp là văn bản OpenDocument (.odt/.ods); vui lòng lưu lại dưới dạng .docx.",
    ),
    (r"ZIP archive is not a Word \.docx document.*", "Tệp nén không phải văn bản Word .docx."),
    (r"Word document expands to .*", "Tệp Word giải nén ra quá lớn, vượt giới hạn cho phép."),
    (
        r"PDF has no text layer.*",
        "Tệp PDF không có lớp chữ (có thể là bản quét); hệ thống chưa hỗ trợ nhận dạng chữ (OCR).",
    ),
    (r"PDF is password-protected.*", "Tệp PDF có mật khẩu; vui lòng gỡ mật khẩu rồi tải lên lại."),
    (r"damaged PDF.*", "Tệp PDF bị hỏng."),
    # plan parser
    (r"plan text is empty", "Tệp không có nội dung kế hoạch."),
    (
        r"no sections found.*",
        "Không tìm thấy các mục của kế hoạch (cần các đề mục như «I. MỤC TIÊU» hoặc «1. …»).",
    ),
    (r"no plan number found.*", "Không tìm thấy số kế hoạch (cần dòng đầu văn bản dạng «Số: 23/KH-UBND»)."),
    (
        r"no date of issue found.*",
        "Không tìm thấy ngày ban hành (cần dạng «ngày DD tháng MM năm YYYY» ở đầu văn bản).",
    ),
    (r"invalid date of issue '(?P<d>.*)'.*", "Ngày ban hành «{d}» không hợp lệ."),
]
_COMPILED = [(re.compile(p, re.DOTALL), vi) for p, vi in _PATTERNS]
WHAT_VI = {
    "checkpoint": "mốc nhiệm vụ",
    "submission": "báo cáo",
    "evidence": "minh chứng",
    "extension request": "đề nghị gia hạn",
    "agency": "cơ quan",
    "plan": "kế hoạch",
    "user": "người dùng",
}
LEAD_INS = {
    NotFound: "Không tìm thấy",
    PermissionDenied: "Không có quyền",
    Conflict: "Không thực hiện được",
    InvalidInput: "Dữ liệu không hợp lệ",
}


class FormError(InvalidInput):
    """Bad form input found by a page itself; its message is already in Vietnamese."""


def vi(message: str) -> str | None:
    """The Vietnamese wording of a known English message, or None."""
    message = (message or "").strip()
    for pattern, template in _COMPILED:
        m = pattern.fullmatch(message)
        if m:
            values = {k: _word(k, v) for k, v in m.groupdict().items()}
            return template.format(**values)
    return None


def _word(key: str, value: str | None) -> str:
    if value is None:
        return ""
    if key == "state":
        return STATE_VI.get(value, value)
    if key == "what":
        return WHAT_VI.get(value, value)
    return value


def vi_error(exc: DomainError | Exception) -> str:
    """A precise Vietnamese message for a refusal, keeping unknown English detail verbatim."""
    text = str(exc)
    if isinstance(exc, FormError):
        return text
    known = vi(text)
    if known:
        return known
    lead = next((v for k, v in LEAD_INS.items() if isinstance(exc, k)), "Có lỗi")
    return f"{lead}: {text}"
