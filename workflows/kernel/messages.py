"""The one catalogue of refusal messages: code → (English, Vietnamese), both `str.format` templates.

The API answers in English (`detail`) with the `code` beside it; pages, forms and mail speak
Vietnamese. Parameter values that are words of the domain (a state, a kind of record, a role) are
translated through `WORDS_VI` when the Vietnamese text is rendered.
"""

from collections.abc import Mapping

STALE_VI = "Hồ sơ đã được người khác cập nhật, vui lòng tải lại trang."
FILE_KINDS_EN = "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), JPEG or PNG"
FILE_KINDS_VI = "PDF, Word (DOCX), Excel (XLSX), OpenDocument (ODT), JPEG hoặc PNG"
SAVE_AS_UTF8_VI = (
    "Các bảng mã cũ (TCVN3/ABC, VNI, Windows-1258) không nhận dạng chắc chắn được; "
    "vui lòng mở tệp và lưu lại dưới dạng UTF-8."
)

WORDS_VI: dict[str, dict[str, str]] = {
    "state": {
        "open": "đang mở",
        "submitted": "đã gửi, chờ thẩm định",
        "returned": "đã bị trả lại",
        "accepted": "đã được chấp nhận",
        "waived": "được miễn",
        "pending": "đang chờ",
        "approved": "đã được duyệt",
        "refused": "đã bị từ chối",
        "withdrawn": "đã rút",
        "answered": "đã trả lời",
        "published": "xuất bản",
        "discarded": "hủy",
        "archived": "lưu trữ",
    },
    "what": {
        "checkpoint": "mốc nhiệm vụ",
        "submission": "báo cáo",
        "evidence": "minh chứng",
        "evidence file": "tệp minh chứng",
        "extension request": "đề nghị gia hạn",
        "agency": "cơ quan",
        "plan": "kế hoạch",
        "plan draft": "bản nháp kế hoạch",
        "task": "nhiệm vụ",
        "user": "người dùng",
        "session": "phiên đăng nhập",
        "section": "mục",
        "page": "trang",
        "indicator": "chỉ tiêu",
        "indicator value": "số liệu chỉ tiêu",
        "explanation request": "yêu cầu giải trình",
        "explanation": "yêu cầu giải trình",
        "value": "số liệu chỉ tiêu",
    },
    "role": {
        "focal": "cán bộ đầu mối",
        "head": "thủ trưởng",
        "secretariat": "Thường trực",
        "leader": "lãnh đạo",
        "admin": "quản trị",
        "system": "hệ thống",
    },
}

# code: (English, Vietnamese)
CATALOGUE: dict[str, tuple[str, str]] = {
    # lookups and permissions
    "not_found": ("{what} {id} not found", "Không tìm thấy {what} (hoặc bạn không có quyền xem)."),
    "role.not_allowed": (
        "role {role!r} may not do this (needs {needs})",
        "Tài khoản của bạn không có quyền thực hiện thao tác này.",
    ),
    "figures.own_only": (
        "figures that mix agencies (sections, plans) are for the secretariat and leaders "
        "(PLANTRACK_PEER_FIGURES=own)",
        "Số liệu tổng hợp nhiều cơ quan (theo mục, theo kế hoạch) chỉ dành cho Thường trực và lãnh đạo.",
    ),
    "focal.not_lead": (
        "only a focal point of the responsible agency may do this",
        "Chỉ cán bộ đầu mối của đơn vị chủ trì mới được thực hiện thao tác này.",
    ),
    "account.no_agency": ("this account belongs to no agency", "Tài khoản này không thuộc cơ quan nào."),
    "agency.choose": ("choose an agency", "Vui lòng chọn cơ quan."),
    "plan.choose": ("choose a plan (plan_id)", "Vui lòng chọn kế hoạch (tham số plan_id)."),
    # plan review (drafts), life cycle, registry
    "draft.stale": ("the draft changed since the form was opened (version {seen})", STALE_VI),
    "draft.not_open": (
        "draft {id} is already {state}",
        "Bản nháp này đã được {state}; không thực hiện lại.",
    ),
    "draft.foreign_unconfirmed": (
        "the plan is issued by {issuer!r}, not by the registry's province {province}: confirm first",
        "Kế hoạch do «{issuer}» ban hành, không phải của tỉnh {province}: các cơ quan trong văn bản "
        "không phải cơ quan của tỉnh. Hãy xác nhận trước khi xuất bản.",
    ),
    "draft.unknown_task": ("no task {ref!r} in the draft", "Không có nhiệm vụ «{ref}» trong bản nháp."),
    "draft.unknown_passage": (
        "no unresolved passage {index} in the draft",
        "Không tìm thấy đoạn chưa xác định số {index} (bản nháp có thể đã thay đổi, hãy tải lại trang).",
    ),
    "draft.text_not_in_plan": (
        "the selected text is not in the plan",
        "Đoạn văn bản đã chọn không có trong kế hoạch (hãy chọn hoặc dán nguyên văn).",
    ),
    "draft.text_empty": ("select or paste the text of the task", "Vui lòng chọn hoặc dán nội dung nhiệm vụ."),
    "draft.unknown_agency": (
        "no agency named {name!r} in the registry",
        "Không có cơ quan «{name}» trong danh mục. Chọn cơ quan trong danh sách, "
        "hoặc đánh dấu «thêm cơ quan mới vào danh mục».",
    ),
    "draft.unknown_agency_close": (
        "no agency named {name!r} in the registry; closest: {closest}",
        "Không có cơ quan «{name}» trong danh mục. Có phải: {closest}? Hoặc đánh dấu «thêm cơ quan mới».",
    ),
    "draft.lead_missing": ("choose the lead agency", "Vui lòng chọn cơ quan chủ trì."),
    "draft.bad_kind": (
        "schedule kind {kind!r}: one of once, recurring, continuous",
        "Loại thời hạn không hợp lệ (một lần, định kỳ hoặc thường xuyên).",
    ),
    "draft.bad_date": (
        "{text!r} is not a date (dd/mm/yyyy)",
        "«{text}» không phải ngày hợp lệ (ngày/tháng/năm, ví dụ 15/03/2026).",
    ),
    "draft.date_outside_plan": (
        "{day} is outside the plan's years {first}-{last}",
        "Ngày {day} nằm ngoài thời gian thực hiện kế hoạch ({first}–{last}).",
    ),
    "draft.due_before_start": (
        "due date {day} is before the start {start}",
        "Ngày hạn {day} trước ngày bắt đầu {start}: hạn phải từ ngày bắt đầu trở đi.",
    ),
    "draft.start_after_reports": (
        "no reporting date of the plan falls on or after the start {start}: give the due dates",
        "Không có kỳ báo cáo nào của kế hoạch từ ngày bắt đầu {start}: vui lòng nhập ngày hạn.",
    ),
    "draft.dates_missing": (
        "a once or recurring task needs at least one date",
        "Nhiệm vụ một lần hoặc định kỳ cần ít nhất một ngày hạn.",
    ),
    "draft.split_point": (
        "the split must fall inside the task's text",
        "Điểm tách phải nằm bên trong nội dung nhiệm vụ (chọn đoạn văn bản của phần thứ hai).",
    ),
    "draft.merge_pair": (
        "merge needs two different tasks of the draft",
        "Cần chọn hai nhiệm vụ khác nhau của bản nháp để gộp.",
    ),
    "plan.not_active": (
        "plan {number} is {state}",
        "Kế hoạch {number} không còn hiệu lực ({state}); không thể thực hiện thao tác này.",
    ),
    "plan.reason_missing": ("give a reason", "Vui lòng nêu lý do."),
    "plan.bad_status": ("unknown plan action {action!r}", "Thao tác «{action}» không hợp lệ."),
    "registry.unknown_province": (
        "no province {name!r} among the 34 provinces",
        "Không có tỉnh, thành phố «{name}» trong 34 tỉnh, thành phố (sau sắp xếp 2025).",
    ),
    "registry.other_province": (
        "the database holds the registry of {province}; {wanted} needs its own database",
        "Cơ sở dữ liệu đang dùng danh mục của tỉnh {province}; tỉnh {wanted} cần một cơ sở dữ liệu riêng.",
    ),
    "registry.bad_file": (
        "the registry file cannot be read: {reason}",
        "Không đọc được tệp danh mục: {reason}",
    ),
    "registry.alias_taken": (
        "{alias!r} already names {other!r}",
        "Tên gọi «{alias}» đã dùng cho «{other}».",
    ),
    # lists
    "list.unknown_status": (
        "unknown status {unknown}; one of {allowed}",
        "Trạng thái «{unknown}» không hợp lệ.",
    ),
    "list.limit": ("limit must be between 1 and {max}", "Số dòng mỗi trang phải từ 1 đến {max}."),
    "list.offset": ("offset must not be negative", "Vị trí bắt đầu không được âm."),
    "list.due_range": (
        "due_from {due_from} is after due_to {due_to}",
        "Khoảng hạn không hợp lệ: từ ngày sau đến ngày.",
    ),
    "list.supporting_agency": (
        "name the supporting agency (agency_id)",
        "Vui lòng chọn đơn vị phối hợp.",
    ),
    # search
    "search.too_long": (
        "search text longer than {max} characters",
        "Nội dung tìm kiếm dài quá {max} ký tự.",
    ),
    "search.too_many_words": (
        "search with more than {max} words",
        "Nội dung tìm kiếm có quá {max} từ.",
    ),
    "search.unknown_plan": ("plan {id} not found", "Không tìm thấy kế hoạch số {id}."),
    "search.unknown_agency": ("agency {id} not found", "Không tìm thấy cơ quan số {id}."),
    "search.area_too_long": ("area (section ref) too long", "Mã lĩnh vực (mục) quá dài."),
    # checkpoints: versions and states
    "checkpoint.stale": (
        "checkpoint changed since you loaded it (version {expected}); reload and try again",
        STALE_VI,
    ),
    "checkpoint.stale_version": (
        "checkpoint changed since you loaded it (version {expected}; it is now at version {current}); "
        "reload and try again",
        STALE_VI,
    ),
    "form.version_broken": (
        "the form's version field is not a number",
        "Biểu mẫu bị hỏng (phiên bản hồ sơ không hợp lệ); vui lòng tải lại trang.",
    ),
    "form.date_invalid": (
        "{text!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)",
        "«{text}» không phải ngày hợp lệ (nhập theo dạng dd/mm/yyyy).",
    ),
    "form.today_invalid": ("today {text!r} is not a date (YYYY-MM-DD)", "«{text}» không phải ngày hợp lệ."),
    "schedule.invalid": (
        "the schedule of {job} is {text!r}: give a cron line (five fields) or a number of seconds",
        "Lịch chạy của {job} là «{text}»: cần một dòng cron (năm trường) hoặc một số giây.",
    ),
    # submissions
    "submission.note_too_long": (
        "the note is {n} characters long; the limit is {max}",
        "Nội dung dài {n} ký tự, vượt giới hạn {max} ký tự.",
    ),
    "submission.too_many_items": (
        "at most {max} files and links per submission",
        "Mỗi lần gửi được đính kèm tối đa {max} tệp và đường dẫn.",
    ),
    "submission.empty": (
        "write a progress note or attach at least one file or link",
        "Vui lòng nhập nội dung báo cáo hoặc đính kèm ít nhất một tệp hay một đường dẫn.",
    ),
    "submission.not_open": (
        "checkpoint {id} is {state}; only an open or returned checkpoint can be submitted",
        "Không thể gửi báo cáo: mốc này {state}. Chỉ gửi được khi mốc đang mở hoặc bị trả lại.",
    ),
    "submission.task_withdrawn": (
        "the task of checkpoint {id} was withdrawn from the plan",
        "Nhiệm vụ này đã được rút khỏi kế hoạch nên không nhận báo cáo.",
    ),
    "contribution.closed": (
        "checkpoint {id} is {state}; it takes no more contributions",
        "Mốc này {state}, không nhận thêm ý kiến phối hợp.",
    ),
    "contribution.not_focal": (
        "only a focal point of a supporting agency may add a contribution",
        "Chỉ cán bộ đầu mối của đơn vị phối hợp mới được gửi ý kiến phối hợp.",
    ),
    "contribution.is_lead": (
        "the lead agency submits a report; contributions are for supporting agencies",
        "Đơn vị chủ trì gửi báo cáo, không gửi ý kiến phối hợp.",
    ),
    "contribution.not_supporting": (
        "your agency does not support this task",
        "Đơn vị của bạn không phối hợp thực hiện nhiệm vụ này.",
    ),
    # evidence files and links
    "evidence.empty_file": ("{name!r} is empty", "Tệp «{name}» rỗng (0 byte)."),
    "evidence.too_large": (
        "{name!r}: file is {size}; the limit is {limit}",
        "Tệp «{name}» có dung lượng {size}, vượt giới hạn {limit}.",
    ),
    "evidence.old_office": (
        "{name!r} is an old Word/Excel 97-2003 file (.doc/.xls); save it as DOCX, XLSX or PDF",
        "Tệp «{name}» là tệp Word/Excel cũ (.doc/.xls); vui lòng lưu lại dưới dạng DOCX, XLSX hoặc PDF.",
    ),
    "evidence.foreign_zip": (
        "{name!r} is a ZIP archive that is not a DOCX, XLSX or ODT document",
        "Tệp «{name}» là tệp nén ZIP, không phải văn bản DOCX, XLSX hay ODT.",
    ),
    "evidence.program": (
        "{name!r} is a program, not a document",
        "Tệp «{name}» là chương trình máy tính, không phải văn bản.",
    ),
    "evidence.unknown_type": (
        "{name!r} is not a " + FILE_KINDS_EN + " file (judged by its content, not its name)",
        "Tệp «{name}» không phải tệp " + FILE_KINDS_VI + " (kiểm tra theo nội dung tệp, không theo tên tệp).",
    ),
    "evidence.bad_sha": (
        "an evidence file is named by 64 lowercase hex characters",
        "Mã tệp minh chứng không hợp lệ.",
    ),
    "evidence.withdraw_not_allowed": (
        "only the submitting agency's focal point or the secretariat may withdraw evidence",
        "Chỉ cán bộ đầu mối của đơn vị đã gửi hoặc Thường trực mới được rút minh chứng.",
    ),
    "evidence.withdraw_accepted": (
        "the submission was accepted; ask the secretariat to withdraw its evidence",
        "Báo cáo đã được chấp nhận; đề nghị Thường trực rút minh chứng này.",
    ),
    "evidence.already_withdrawn": (
        "evidence {id} is already withdrawn",
        "Minh chứng này đã được rút trước đó. " + STALE_VI,
    ),
    "evidence.is_link": (
        "evidence {id} is a link ({url}), not a stored file",
        "Minh chứng này là một đường dẫn, không phải tệp.",
    ),
    "evidence.file_missing": (
        "the file of evidence {id} is missing from the store",
        "Tệp của minh chứng này không còn trong kho lưu trữ; vui lòng báo quản trị hệ thống.",
    ),
    "link.empty": ("the link is empty", "Đường dẫn trống."),
    "link.too_long": (
        "the link is {n} characters long; the limit is {max}",
        "Đường dẫn dài {n} ký tự, vượt giới hạn {max} ký tự.",
    ),
    "link.spaces": (
        "the link {url!r} contains spaces or control characters",
        "Đường dẫn «{url}» chứa dấu cách hoặc ký tự điều khiển.",
    ),
    "link.scheme": (
        "only http(s) links are accepted, not {url!r}",
        "Chỉ chấp nhận đường dẫn http:// hoặc https://, không nhận «{url}».",
    ),
    "link.no_host": ("the link {url!r} has no host", "Đường dẫn «{url}» thiếu tên máy chủ."),
    # review
    "review.reason_missing": (
        "say why the report is returned (the reason is sent to the agency)",
        "Vui lòng nêu lý do trả lại (lý do được gửi tới đơn vị).",
    ),
    "review.reason_too_long": (
        "the reason is {n} characters long; the limit is {max}",
        "Lý do dài {n} ký tự, vượt giới hạn {max} ký tự.",
    ),
    "review.already_decided": (
        "submission {id} was already {state}; only a pending report can be reviewed",
        "Báo cáo này {state}; chỉ báo cáo đang chờ thẩm định mới được chấp nhận hoặc trả lại. " + STALE_VI,
    ),
    "review.contribution": (
        "contributions of supporting agencies are not reviewed",
        "Ý kiến phối hợp không cần thẩm định.",
    ),
    "review.decision_missing": (
        "choose accept or return",
        "Vui lòng chọn «Chấp nhận» hoặc «Trả lại».",
    ),
    # extensions
    "extension.reason_missing": ("give a reason for the extension", "Vui lòng nêu lý do xin gia hạn."),
    "extension.reason_too_long": (
        "the reason is {n} characters long; the limit is {max}",
        "Lý do dài {n} ký tự, vượt giới hạn {max} ký tự.",
    ),
    "extension.note_too_long": (
        "the note is {n} characters long; the limit is {max}",
        "Ghi chú dài {n} ký tự, vượt giới hạn {max} ký tự.",
    ),
    "extension.date_missing": ("choose the new due date", "Vui lòng chọn hạn mới đề nghị."),
    "extension.not_later": (
        "the new due date {new} must be after the current one ({current})",
        "Hạn mới {new} phải sau hạn hiện tại ({current}).",
    ),
    "extension.closed": (
        "checkpoint {id} is {state}; nothing to extend",
        "Mốc này {state}, không cần gia hạn.",
    ),
    "extension.pending": (
        "extension request {id} for this checkpoint is still pending",
        "Mốc này đã có một đề nghị gia hạn đang chờ Thường trực quyết định.",
    ),
    "extension.already_decided": (
        "extension request {id} was already {state}",
        "Đề nghị gia hạn này {state}. " + STALE_VI,
    ),
    "extension.decided_meanwhile": (
        "extension request {id} was decided by someone else meanwhile",
        STALE_VI,
    ),
    "extension.approve_closed": (
        "checkpoint {id} is {state}; refuse the request instead",
        "Mốc này {state}; không thể duyệt gia hạn, hãy từ chối đề nghị.",
    ),
    "extension.already_later": (
        "the checkpoint is already due {current}, not before the requested {new}",
        "Hạn hiện tại đã là {current}, không sớm hơn hạn đề nghị {new}.",
    ),
    "extension.decision_missing": (
        "choose approve or refuse",
        "Vui lòng chọn «Đồng ý gia hạn» hoặc «Không đồng ý».",
    ),
    # escalation ladder
    "ladder.not_a_list": (
        "a ladder is a non-empty list of {{rung, offset_days, audience}}",
        "Thang nhắc việc phải là danh sách các bậc {{rung, offset_days, audience}}.",
    ),
    "ladder.keys": (
        "rung {i}: expected exactly the keys rung, offset_days, audience",
        "Bậc thứ {i}: cần đúng các trường rung, offset_days, audience.",
    ),
    "ladder.rung_name": (
        "rung {i}: name {name!r} must be one of {allowed} (the rungs with mail templates)",
        "Bậc thứ {i}: tên «{name}» phải là một trong {allowed}.",
    ),
    "ladder.offset": (
        "rung {name!r}: offset_days {offset!r} must be a whole number of days within a year of the due date",
        "Bậc «{name}»: số ngày «{offset}» phải là số nguyên, trong vòng một năm quanh hạn.",
    ),
    "ladder.audience": (
        "rung {name!r}: audience {audience!r} must be one or more of {allowed} joined by ','",
        "Bậc «{name}»: người nhận «{audience}» phải là một hoặc nhiều trong {allowed}, ngăn bằng dấu phẩy.",
    ),
    "ladder.audience_width": (
        "rung {name!r}: audience {audience!r} is longer than {max} characters (the outbox column); "
        "name fewer roles",
        "Bậc «{name}»: danh sách người nhận dài quá {max} ký tự.",
    ),
    "ladder.duplicate": ("rung {name!r} appears twice", "Bậc «{name}» bị lặp."),
    "ladder.order": (
        "rung {name!r}: offset {offset} must be greater than the previous rung's ({previous})",
        "Bậc «{name}»: số ngày {offset} phải lớn hơn của bậc trước ({previous}).",
    ),
    "ladder.stored_invalid": (
        "plan {id} ({number}) has an invalid escalation ladder: {reason}",
        "Kế hoạch {number} có thang nhắc việc không hợp lệ: {reason}",
    ),
    "ladder.not_json": (
        "the ladder is not valid JSON: {reason}",
        "Thang nhắc việc không phải JSON hợp lệ: {reason}",
    ),
    # agencies
    "agency.merge_self": (
        "an agency cannot be merged into itself",
        "Không thể sáp nhập một cơ quan vào chính nó.",
    ),
    "agency.already_inactive": (
        "{name!r} is already inactive (successor {successor})",
        "Cơ quan «{name}» đã ngừng hoạt động (đã sáp nhập hoặc đổi tên).",
    ),
    "agency.successor_inactive": (
        "{name!r} is inactive; merge into its successor {successor}",
        "Cơ quan «{name}» đã ngừng hoạt động; hãy sáp nhập vào cơ quan kế thừa.",
    ),
    "agency.merge_clash": (
        "{name!r} already has checkpoints for the same task and due date as checkpoints {clashes}; "
        "resolve them before merging",
        "Cơ quan «{name}» đã có mốc trùng nhiệm vụ và hạn với các mốc {clashes}; "
        "cần xử lý trước khi sáp nhập.",
    ),
    "agency.name_empty": ("the new name is empty", "Tên mới đang để trống."),
    "agency.name_too_long": ("the new name is longer than 255 characters", "Tên mới dài quá 255 ký tự."),
    "agency.name_same": ("the agency is already called {name!r}", "Cơ quan đã mang tên «{name}»."),
    "agency.name_taken": ("agency {id} is already called {name!r}", "Đã có cơ quan khác mang tên «{name}»."),
    "agency.name_missing": ("give an agency name", "Vui lòng nhập tên cơ quan."),
    "agency.unknown": ("no agency named {name!r}", "Không có cơ quan «{name}» trong danh mục."),
    "agency.unknown_close": (
        "no agency named {name!r}; closest: {closest}",
        "Không có cơ quan «{name}» trong danh mục; tên gần nhất: {closest}.",
    ),
    "agency.ambiguous": (
        "{name!r} matches {n} agencies: {matches}; give the full name or code",
        "«{name}» khớp với {n} cơ quan: {matches}; vui lòng ghi đủ tên hoặc mã.",
    ),
    # users
    "user.username_invalid": (
        "username must be 3–80 letters, digits or . _ @ - (no spaces), "
        "starting and ending with a letter or digit",
        "Tên đăng nhập gồm 3–80 chữ, số hoặc . _ @ - (không có dấu cách), "
        "bắt đầu và kết thúc bằng chữ hoặc số.",
    ),
    "user.role_unknown": ("unknown role {role!r}; one of {allowed}", "Vai trò «{role}» không hợp lệ."),
    "user.needs_agency": (
        "a {role} user must belong to an agency (agency_id)",
        "Tài khoản {role} phải thuộc một cơ quan.",
    ),
    "user.agency_missing": ("agency {id} does not exist", "Cơ quan số {id} không tồn tại."),
    "user.agency_inactive": (
        "agency {name!r} is inactive (merged or renamed); use its successor {successor}",
        "Cơ quan «{name}» đã ngừng hoạt động (sáp nhập hoặc đổi tên); hãy chọn cơ quan kế thừa.",
    ),
    "user.no_agency_for_role": (
        "a {role} user sees every agency and must not be bound to one",
        "Tài khoản {role} xem được mọi cơ quan, không gắn với một cơ quan.",
    ),
    "user.email_invalid": ("{email!r} is not an email address", "«{email}» không phải địa chỉ thư điện tử."),
    "user.username_taken": (
        "username {username!r} is taken (case does not make a different name)",
        "Tên đăng nhập «{username}» đã có người dùng (chữ hoa, chữ thường được coi là như nhau).",
    ),
    "user.password_other": (
        "only an admin may set another user's password",
        "Chỉ quản trị mới được đặt mật khẩu cho người khác.",
    ),
    "user.password_wrong": ("the current password is wrong", "Mật khẩu hiện tại không đúng."),
    "user.deactivate_self": (
        "you cannot deactivate your own account",
        "Không thể tự khóa tài khoản của mình.",
    ),
    "user.already_inactive": ("user {username!r} is already inactive", "Tài khoản «{username}» đã bị khóa."),
    "user.password_short": (
        "the password needs at least {min} characters",
        "Mật khẩu cần ít nhất {min} ký tự.",
    ),
    "user.password_long": ("the password is longer than 200 characters", "Mật khẩu dài quá 200 ký tự."),
    # reports and exports
    "export.quarter_invalid": (
        "quarter {text!r} is not like 2023-Q2, Q2/2023 or 2",
        "Quý «{text}» không hợp lệ; ghi theo dạng 2023-Q2, Q2/2023 hoặc 2.",
    ),
    # plan documents (files that cannot be a plan)
    "document.empty": ("empty document", "Tệp kế hoạch rỗng, không có nội dung."),
    "document.too_large": (
        "file too large: {size} bytes, the limit is {max} bytes",
        "Tệp quá lớn: {size} byte, giới hạn {max} byte.",
    ),
    "document.legacy_doc": (
        "legacy Word 97-2003 (.doc) or other OLE2 Office file is not supported; save it as .docx",
        "Tệp Word 97-2003 (.doc) không được hỗ trợ; vui lòng mở bằng Word và lưu lại dưới dạng .docx.",
    ),
    "document.rtf": (
        "RTF documents are not supported; save the file as .docx",
        "Tệp RTF không được hỗ trợ; vui lòng lưu lại dưới dạng .docx.",
    ),
    "document.pdf_named": (
        "file is named .pdf but its content does not start with %PDF- (not a PDF)",
        "Tệp có đuôi .pdf nhưng nội dung không phải PDF.",
    ),
    "document.docx_named": (
        "file is named .docx but is not a ZIP archive, so it is not a Word .docx document",
        "Tệp có đuôi .docx nhưng không phải văn bản Word .docx.",
    ),
    "document.bad_bom": (
        "not {codec} text despite its byte-order mark: {reason}",
        "Tệp có dấu BOM của {codec} nhưng nội dung không đúng mã đó.",
    ),
    "document.nul_byte": (
        "binary content: NUL byte at offset {at} (not a text file, or UTF-16 without a byte-order mark)",
        "Tệp không phải văn bản (nội dung nhị phân).",
    ),
    "document.not_utf8": (
        "not UTF-8 text: invalid byte {byte} at offset {at}; old encodings (TCVN3/ABC, VNI, Windows-1258) "
        "cannot be told apart reliably: open the file and save it as UTF-8",
        "Tệp văn bản không ở mã UTF-8 (byte {byte} ở vị trí {at}). " + SAVE_AS_UTF8_VI,
    ),
    "document.controls": (
        "binary content: {controls} control characters in {length} characters (not a text file)",
        "Tệp không phải văn bản (nội dung nhị phân).",
    ),
    "document.markup": (
        "HTML/XML markup, not plain text; open it in Word and save it as .docx",
        "Tệp chứa mã HTML/XML, không phải văn bản thuần; vui lòng mở bằng Word và lưu lại dưới dạng .docx.",
    ),
    "document.bad_docx": (
        "damaged or unsupported Word document: {reason}",
        "Tệp Word bị hỏng hoặc không được hỗ trợ.",
    ),
    "document.bad_zip": ("damaged ZIP archive: {reason}", "Tệp nén bị hỏng."),
    "document.xlsx": (
        "ZIP archive is an Excel workbook (.xlsx), not a Word document (no word/document.xml)",
        "Tệp là bảng tính Excel (.xlsx), không phải văn bản Word.",
    ),
    "document.pptx": (
        "ZIP archive is a PowerPoint presentation (.pptx), not a Word document (no word/document.xml)",
        "Tệp là bản trình chiếu PowerPoint (.pptx), không phải văn bản Word.",
    ),
    "document.opendocument": (
        "ZIP archive is an OpenDocument {kind} file (.odt/.ods), not .docx; save it as .docx",
        "Tệp là văn bản OpenDocument (.odt/.ods); vui lòng lưu lại dưới dạng .docx.",
    ),
    "document.foreign_zip": (
        "ZIP archive is not a Word .docx document (no word/document.xml)",
        "Tệp nén không phải văn bản Word .docx.",
    ),
    "document.zip_bomb": (
        "Word document expands to {size} bytes, over the limit of {max}",
        "Tệp Word giải nén ra quá lớn, vượt giới hạn cho phép.",
    ),
    "document.pdf_no_text": (
        "PDF has no text layer (scanned?); OCR is not supported",
        "Tệp PDF không có lớp chữ (có thể là bản quét); hệ thống chưa hỗ trợ nhận dạng chữ (OCR).",
    ),
    "document.pdf_crypto": (
        "PDF needs a missing decryption library: {reason}",
        "Tệp PDF được mã hóa theo cách hệ thống chưa đọc được.",
    ),
    "document.pdf_damaged": ("damaged PDF: {reason}", "Tệp PDF bị hỏng."),
    "document.pdf_password": (
        "PDF is password-protected; remove the password and upload it again",
        "Tệp PDF có mật khẩu; vui lòng gỡ mật khẩu rồi tải lên lại.",
    ),
    "document.missing_file": (
        "choose a plan file (.txt, .docx or .pdf) to upload",
        "Vui lòng chọn tệp kế hoạch (.txt, .docx hoặc .pdf) để tải lên.",
    ),
    # plan texts the parser cannot read
    "plan.empty": ("plan text is empty", "Tệp không có nội dung kế hoạch."),
    "plan.no_sections": (
        "no sections found: expected headings such as 'I. MỤC TIÊU' or '1. …'",
        "Không tìm thấy các mục của kế hoạch (cần các đề mục như «I. MỤC TIÊU» hoặc «1. …»).",
    ),
    "plan.no_tasks": (
        "no task found: {sections} sections were read but none holds a duty (a '-' item or a paragraph"
        " outside the objectives)",
        "Không tìm thấy nhiệm vụ nào: đã đọc {sections} mục nhưng không mục nào có nội dung công việc"
        " (gạch đầu dòng hoặc đoạn văn ngoài phần mục tiêu, yêu cầu).",
    ),
    "plan.no_leads": (
        "no task found: {sections} sections and {duties} duties were read but no duty names an agency"
        " to carry it out (e.g. 'Sở Y tế chủ trì …', a heading '1. Sở Y tế', 'Cơ quan chủ trì: …')",
        "Không tìm thấy nhiệm vụ nào: đã đọc {sections} mục và {duties} nội dung công việc nhưng không"
        " nội dung nào nêu cơ quan thực hiện (ví dụ «Sở Y tế chủ trì …», đề mục «1. Sở Y tế»,"
        " «Cơ quan chủ trì: …»).",
    ),
    "plan.no_number": (
        "no plan number found: expected a header line like 'Số: 23/KH-UBND'",
        "Không tìm thấy số kế hoạch (cần dòng đầu văn bản dạng «Số: 23/KH-UBND»).",
    ),
    "plan.no_date": (
        "no date of issue found: expected 'ngày DD tháng MM năm YYYY' in the header",
        "Không tìm thấy ngày ban hành (cần dạng «ngày DD tháng MM năm YYYY» ở đầu văn bản).",
    ),
    "plan.bad_date": ("invalid date of issue {text!r}: {reason}", "Ngày ban hành «{text}» không hợp lệ."),
    "plan.preview_mismatch": (
        "the posted plan text differs from the previewed one; upload the file again",
        "Nội dung kế hoạch gửi lên không khớp với bản đã xem trước; vui lòng tải tệp lên lại.",
    ),
    # requests (HTTP layer)
    "request.invalid": ("{where}: {reason}", "Dữ liệu không hợp lệ ({where}): {reason}"),
    "request.value_invalid": ("invalid value: {reason}", "Giá trị không hợp lệ: {reason}"),
    "request.number_range": ("number out of range: {reason}", "Số vượt quá giới hạn cho phép."),
    "request.too_large": (
        "request body too large{size}: the limit is {max} bytes (~{max_mb} MB)",
        "Dữ liệu gửi lên quá lớn{size_vi}: giới hạn khoảng {max_mb} MB.",
    ),
    "request.content_length": ("invalid Content-Length header", "Yêu cầu không hợp lệ (Content-Length)."),
    "server.busy": (
        "the server is busy: try again in {seconds} s",
        "Hệ thống đang có nhiều người truy cập cùng lúc. Vui lòng thử lại sau {seconds} giây.",
    ),
    "server.db_busy": (
        "no database connection free: try again in {seconds} s",
        "Hệ thống đang quá tải. Vui lòng thử lại sau {seconds} giây.",
    ),
    "auth.required": ("not authenticated", "Vui lòng đăng nhập để tiếp tục."),
    "auth.bad_credentials": ("incorrect username or password", "Sai tên đăng nhập hoặc mật khẩu."),
    "auth.bad_token": ("invalid or expired bearer token", "Mã truy cập không hợp lệ hoặc đã hết hạn."),
    "auth.bad_body": (
        "send username and password (strings) as a form or a JSON object",
        "Vui lòng nhập tên đăng nhập và mật khẩu.",
    ),
    "auth.throttled": (
        "too many failed sign-ins; try again in {retry_after} s",
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {retry_after} giây.",
    ),
    "auth.otp_required": (
        "this account signs in with a second factor: send the 6-digit code (or a recovery code) as `otp`",
        "Tài khoản này cần mã xác thực hai bước: nhập mã 6 chữ số trên ứng dụng xác thực "
        "(hoặc một mã dự phòng).",
    ),
    "auth.otp_wrong": (
        "the code is wrong, expired or already used",
        "Mã xác thực không đúng, đã hết hạn hoặc đã được dùng. Vui lòng nhập mã mới trên ứng dụng.",
    ),
    "auth.otp_expired": (
        "the sign-in waited too long for its code; start again with the password",
        "Đã quá thời gian nhập mã xác thực. Vui lòng đăng nhập lại từ đầu.",
    ),
    "totp.already_on": (
        "two-step sign-in is already on for this account",
        "Tài khoản đã bật xác thực hai bước.",
    ),
    "totp.not_started": (
        "start the enrolment first (a new key is shown then)",
        "Vui lòng bắt đầu thiết lập xác thực hai bước trước (để nhận khóa mới).",
    ),
    "totp.not_on": ("two-step sign-in is not on for this account", "Tài khoản chưa bật xác thực hai bước."),
    "totp.code_wrong": (
        "the code does not match the key: check the phone's clock and type the current code",
        "Mã xác thực không khớp. Vui lòng kiểm tra giờ trên điện thoại và nhập mã đang hiển thị.",
    ),
    # notices (not refusals) of the two-step sign-in pages
    "totp.on_done": (
        "two-step sign-in is on; keep the recovery codes somewhere safe",
        "Đã bật xác thực hai bước. Hãy cất giữ các mã dự phòng ở nơi an toàn: mỗi mã chỉ dùng được một lần.",
    ),
    "totp.off_done": ("two-step sign-in is off", "Đã tắt xác thực hai bước."),
    "totp.reset_done": (
        "the user's second factor was removed",
        "Đã gỡ xác thực hai bước của tài khoản; người dùng đăng nhập bằng mật khẩu và có thể thiết lập lại.",
    ),
    "totp.started": (
        "scan the QR code or type the key in an authenticator app, then confirm with a code",
        "Quét mã QR (hoặc nhập khóa) bằng ứng dụng xác thực, rồi nhập mã 6 chữ số để xác nhận.",
    ),
    "auth.login_stale": (
        "the sign-in form expired (its security token is missing or wrong); sign in again",
        "Biểu mẫu đăng nhập đã hết hạn (thiếu hoặc sai mã bảo mật). Vui lòng nhập lại.",
    ),
    # notices (not refusals) of signing in and out and of the account page
    "auth.welcome": ("welcome, {name}", "Xin chào {name}."),
    "auth.signed_out": ("you are signed out", "Bạn đã đăng xuất."),
    "account.sign_in_ended": ("the sign-in was ended", "Đã kết thúc phiên đăng nhập."),
    "account.others_ended": ("{count} other sign-in(s) ended", "Đã kết thúc {count} phiên đăng nhập khác."),
    "account.password_changed": (
        "password changed; your other sign-ins were ended",
        "Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.",
    ),
    "auth.session_json": (
        "send the credentials of a cookie session as application/json",
        "Đăng nhập bằng phiên cần gửi dữ liệu dạng JSON.",
    ),
    "auth.cross_site": (
        "a sign-in from another site is refused",
        "Không chấp nhận đăng nhập gửi từ trang web khác.",
    ),
    "storage.full": (
        "the server's disk is full: nothing was stored; try again later or tell the administrator",
        "Máy chủ đã hết dung lượng lưu trữ nên chưa lưu được gì. Vui lòng thử lại sau "
        "hoặc báo quản trị hệ thống.",
    ),
    "request.too_deep": (
        "JSON nested {depth} levels deep; at most {max} are accepted",
        "Dữ liệu gửi lên lồng nhau quá sâu ({depth} cấp, tối đa {max}).",
    ),
    "text.control_chars": (
        "text contains control characters (such as NUL); only tab and line breaks are allowed",
        "Nội dung có ký tự điều khiển không hợp lệ (ví dụ NUL). Vui lòng nhập lại văn bản thường.",
    ),
    "csrf.missing": (
        "CSRF token missing: send the X-CSRF-Token header or a csrf_token form field",
        "Biểu mẫu thiếu mã bảo mật (CSRF). Vui lòng tải lại trang rồi thử lại.",
    ),
    "csrf.mismatch": (
        "CSRF token does not match this session; reload the page",
        "Mã bảo mật của biểu mẫu không khớp với phiên đăng nhập (có thể phiên đã hết hạn). "
        "Vui lòng tải lại trang rồi thử lại.",
    ),
    # indicators (chỉ tiêu)
    "indicator.not_reporter": (
        "only a focal point of the indicator's owner or a contributor may report its value",
        "Chỉ cán bộ đầu mối của đơn vị chủ trì hoặc phối hợp thực hiện chỉ tiêu mới được báo cáo số liệu.",
    ),
    "indicator.value_missing": ("enter the value reached", "Vui lòng nhập kết quả đạt được."),
    "indicator.value_not_number": (
        "{text!r} is not a number; this indicator's target is numeric",
        "«{text}» không phải là số. Chỉ tiêu này tính bằng số: vui lòng nhập một số (ví dụ 85 hoặc 7,5).",
    ),
    "indicator.value_not_yesno": (
        "{text!r} is not yes or no",
        "«{text}» không hợp lệ: chỉ tiêu này chỉ nhận «Đạt» hoặc «Chưa đạt».",
    ),
    "indicator.value_over_100": (
        "{text!r} is more than 100%",
        "«{text}» lớn hơn 100%: tỷ lệ phải từ 0 đến 100.",
    ),
    "indicator.value_too_large": (
        "{text!r} is larger than {max}",
        "«{text}» lớn hơn giới hạn {max}.",
    ),
    "indicator.period_invalid": (
        "no quarter {quarter} of {year}",
        "Kỳ báo cáo không hợp lệ (quý {quarter} năm {year}).",
    ),
    "indicator.period_future": (
        "{period} has not started",
        "Kỳ {period} chưa bắt đầu, chưa thể báo cáo số liệu.",
    ),
    "indicator.period_before_plan": (
        "{period} ends before the plan was issued",
        "Kỳ {period} kết thúc trước khi kế hoạch được ban hành.",
    ),
    "indicator.value_exists": (
        "a value for {period} is already {state}",
        "Số liệu kỳ {period} của đơn vị đã được gửi ({state}); không gửi trùng.",
    ),
    "indicator.already_decided": (
        "value {id} is already {state}",
        "Số liệu này đã được xử lý ({state}).",
    ),
    "indicator.owner_missing": (
        "choose the owner (lead agency) of the indicator",
        "Vui lòng chọn đơn vị chủ trì chỉ tiêu.",
    ),
    # follow-up: requests for explanation (giải trình), reminders (đôn đốc)
    "explanation.due_missing": ("choose the answer deadline", "Vui lòng chọn hạn trả lời giải trình."),
    "explanation.due_past": (
        "the answer deadline {date} is not after today",
        "Hạn trả lời {date} phải sau ngày hôm nay.",
    ),
    "explanation.due_far": (
        "the answer deadline is more than {days} days away",
        "Hạn trả lời không được quá {days} ngày kể từ hôm nay.",
    ),
    "explanation.item_not_overdue": (
        "checkpoint {id} is not an overdue item of this agency",
        "Nhiệm vụ đã chọn (mã {id}) không phải nhiệm vụ quá hạn của cơ quan này.",
    ),
    "explanation.nothing_overdue": (
        "the agency has no overdue item to explain",
        "Cơ quan này hiện không có nhiệm vụ quá hạn nào cần giải trình.",
    ),
    "explanation.not_focal": (
        "only a focal point of the agency asked may answer",
        "Chỉ cán bộ đầu mối của cơ quan được yêu cầu mới được trả lời giải trình.",
    ),
    "explanation.closed": (
        "the request is closed; it takes no more answers",
        "Yêu cầu giải trình đã kết thúc, không nhận thêm trả lời.",
    ),
    "explanation.awaiting_decision": (
        "the request is already answered and awaits a decision",
        "Yêu cầu này đã được trả lời và đang chờ xem xét; chỉ trả lời lại khi được yêu cầu giải trình lại.",
    ),
    "explanation.reason_missing": (
        "give the reason for the delay",
        "Vui lòng nêu lý do chậm thực hiện.",
    ),
    "explanation.new_date_past": (
        "the new commitment date {date} is not after today",
        "Ngày cam kết hoàn thành {date} phải sau ngày hôm nay.",
    ),
    "explanation.not_answered": (
        "the request is {state}; only an answered request can be accepted or asked again",
        "Chỉ xem xét được khi cơ quan đã trả lời (yêu cầu hiện {state}).",
    ),
    "explanation.not_asker": (
        "only the leader who asked, or the secretariat, decides on the answer",
        "Chỉ lãnh đạo đã yêu cầu hoặc Thường trực mới được xem xét trả lời này.",
    ),
    "explanation.reask_message_missing": (
        "say what is still missing",
        "Vui lòng nêu nội dung cần giải trình thêm.",
    ),
    "explanation.changed": (
        "the request was changed meanwhile",
        "Yêu cầu giải trình vừa được người khác cập nhật, vui lòng tải lại trang.",
    ),
    "reminder.no_items": ("choose at least one item", "Vui lòng chọn ít nhất một nhiệm vụ cần đôn đốc."),
    "reminder.item_not_owed": (
        "checkpoint {id} is not an item this agency still owes",
        "Nhiệm vụ đã chọn (mã {id}) không phải nhiệm vụ cơ quan này còn nợ.",
    ),
    "reminder.today": (
        "{agency} was already reminded on {date}",
        "{agency} đã được đôn đốc trong ngày {date}; mỗi ngày chỉ gửi một văn bản đôn đốc cho một cơ quan.",
    ),
}


def render(code: str, lang: str, params: Mapping[str, object]) -> str:
    """The message of `code` in `lang` with `params` filled in (KeyError for an unknown code)."""
    en, vi = CATALOGUE[code]
    if lang != "vi":
        return en.format(**params)
    return vi.format(**{k: _vi_word(k, v) for k, v in params.items()})


def _vi_word(key: str, value: object) -> object:
    words = WORDS_VI.get(key)
    return words.get(str(value), value) if words else value
