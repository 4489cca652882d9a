"""Vietnamese error pages (the app's error mapping calls `render_error` for every non-API path)."""

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from api.deps import identify
from api.pages.templating import render
from models.agency import Agency
from models.user import User

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa đăng nhập",
    403: "Không có quyền truy cập",
    404: "Không tìm thấy trang",
    405: "Thao tác không được hỗ trợ",
    409: "Hồ sơ đã thay đổi",
    413: "Tệp quá lớn",
    422: "Dữ liệu không hợp lệ",
    500: "Lỗi hệ thống",
    503: "Hệ thống đang bận",
}
DEFAULT_MESSAGES = {
    401: "Vui lòng đăng nhập để tiếp tục.",
    403: "Tài khoản của bạn không có quyền xem hoặc thực hiện thao tác này.",
    404: "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc bạn không có quyền xem.",
    405: "Đường dẫn này không hỗ trợ thao tác vừa gửi.",
    500: "Đã có lỗi ngoài ý muốn. Vui lòng thử lại sau hoặc báo cho quản trị hệ thống.",
}


def _signed_in(request: Request) -> tuple[User | None, str | None]:
    """The signed-in user and agency name for the layout's header (None when anonymous)."""
    try:
        with Session(request.app.state.engine) as session:
            found = identify(request, session)
            if found is None:
                return None, None
            user = found.user
            agency = session.get(Agency, user.agency_id) if user.agency_id else None
            session.expunge_all()
            return user, agency.name if agency else None
    except Exception:  # noqa: BLE001 - an error page must render even when the database is down
        return None, None


def render_error(request: Request, status: int, message: str | None) -> HTMLResponse:
    """An error page in Vietnamese: a title for the status and the precise reason (from the catalogue)."""
    detail = message or DEFAULT_MESSAGES.get(status, TITLES.get(status, "Có lỗi xảy ra") + ".")
    # an overloaded server answers without asking the database who is signed in
    user, agency_name = (None, None) if status == 503 else _signed_in(request)
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": TITLES.get(status, "Có lỗi xảy ra"),
            "message": detail,
            "role": user.role if user else None,
        },
        status=status,
        user=user,
        agency_name=agency_name,
    )
