"""Jinja2 environment, Vietnamese formatting filters, flash messages and the page context."""

import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup, escape
from sqlmodel import Session

from api.deps import CurrentUser, SessionDep, SettingsDep, TodayDep
from api.schemas import MAX_ID
from api.security import csrf_token_for
from models.agency import Agency
from models.config import Settings
from models.user import Role, User
from workflows.agencies.store import authority_name
from workflows.checkpoints.status import STATUS_LABELS_VI, Status
from workflows.kernel.actors import Actor
from workflows.kernel.clock import VN
from workflows.kernel.errors import NotFound
from workflows.kernel.text import excerpt

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
FLASH_COOKIE = "plantrack_flash"
ROLE_LABELS = {
    Role.focal: "Cán bộ đầu mối",
    Role.head: "Thủ trưởng đơn vị",
    Role.secretariat: "Thường trực Ban Chỉ đạo",
    Role.leader: "Lãnh đạo tỉnh",
    Role.admin: "Quản trị hệ thống",
}
STATUS_CLASSES = {
    Status.not_due: "muted",
    Status.in_progress_on_time: "info",
    Status.overdue: "bad",
    Status.submitted: "wait",
    Status.done_on_time: "good",
    Status.done_late: "fair",
    Status.returned: "bad",
    Status.waived: "muted",
}
GOOD, FAIR = 80.0, 50.0  # the desk's colour thresholds (percent)


def vn_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (timestamps shown in Vietnam's time zone)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(VN).date()
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(VN).strftime("%d/%m/%Y %H:%M")


UNRESOLVED_REASONS = {
    "unknown agency": "tên cơ quan không có trong danh mục",
    "no lead agency named": "không nêu cơ quan chủ trì",
    "co-lead not in registry": "cơ quan đồng chủ trì không có trong danh mục",
    "table row has a different number of cells than its header": "dòng bảng có số ô khác dòng tiêu đề",
}


def section_of(task_ref: str) -> str:
    """The section part of a task ref ('II.1.2-b3', 'III.2@so-y-te' → 'II.1.2', 'III.2') for display."""
    return re.split(r"[-@]", task_ref or "", maxsplit=1)[0]


def number(value: int) -> str:
    """An integer the Vietnamese way: 1.000, 14.035."""
    return f"{value:,}".replace(",", ".")


def pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%".replace(".", ",")


def grade(value: float | None) -> str:
    """good ≥ 80, fair ≥ 50, poor below, none when nothing is due."""
    if value is None:
        return "none"
    return "good" if value >= GOOD else "fair" if value >= FAIR else "poor"


GRADE_LABELS = {"good": "tốt", "fair": "trung bình", "poor": "thấp", "none": "chưa đến hạn"}


def filesize(n: int | None) -> str:
    if not n:
        return ""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def status_badge(status: str) -> Markup:
    s = Status(status)
    return Markup('<span class="badge badge-{}">{}</span>').format(STATUS_CLASSES[s], STATUS_LABELS_VI[s])


def _env() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.auto_reload = False  # templates change with a deploy (a restart), not while serving: no stat per page
    env.filters.update(
        d=vn_date,
        dt=vn_datetime,
        excerpt=excerpt,
        pct=pct,
        number=number,
        grade=grade,
        grade_label=lambda v: GRADE_LABELS[grade(v)],
        filesize=filesize,
        badge=status_badge,
        section_of=section_of,
        status_label=lambda s: STATUS_LABELS_VI[Status(s)],
        reason_vi=lambda r: UNRESOLVED_REASONS.get(r, r),
    )
    env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        STATUS_LABELS=STATUS_LABELS_VI,
        matrix_view=matrix_view,
    )
    return templates


def _flash_serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret_key, salt="plantrack-flash")


def read_flashes(request: Request) -> list[tuple[str, str]]:
    """Messages left by the previous POST (success/error), shown once."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        return [(str(k), str(m)) for k, m in _flash_serializer(request).loads(raw)][:5]
    except (BadSignature, TypeError, ValueError):
        return []


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing off-site becomes `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


def redirect(
    request: Request, url: str, message: str | None = None, kind: str = "success"
) -> RedirectResponse:
    """POST-redirect-GET with an optional flash message."""
    response = RedirectResponse(url, status_code=303)
    if message:
        response.set_cookie(
            FLASH_COOKIE,
            _flash_serializer(request).dumps([[kind, message]]),
            httponly=True,
            samesite="lax",
            path="/",
            max_age=120,
        )
    return response


AUTHORITY_TTL_S = 60.0  # `registry init` runs in another process: re-read now and then


def serving_authority(request: Request, read: bool = True) -> str:
    """The authority named in every page's header, cached on the app for a minute.

    `read=False` (an overloaded server's 503) answers from the cache without asking the database.
    """
    state = request.app.state
    cached = getattr(state, "authority_cache", None)
    if cached and (not read or time.monotonic() - cached[0] < AUTHORITY_TTL_S):
        return cached[1]
    if not read:
        return ""
    try:
        with Session(state.engine) as session:
            name = authority_name(session)
    except Exception:  # noqa: BLE001 - the header must render even when the database is down
        return cached[1] if cached else ""
    state.authority_cache = (time.monotonic(), name)
    return name


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status: int = 200,
    user: User | None = None,
    agency_name: str | None = None,
) -> HTMLResponse:
    """Render a page with the layout's values (user, CSRF token, flashes) filled in."""
    flashes = read_flashes(request)
    ctx = {
        "request": request,
        "user": user,
        "agency_name": agency_name,
        "csrf_token": csrf_token_for(request),
        "flashes": flashes,
        "authority": serving_authority(request, read=status != 503),
        **context,
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    if flashes:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


@dataclass(frozen=True)
class MatrixColumn:
    key: str
    title: str
    refs: tuple[str, ...]


def matrix_columns(matrix) -> list[MatrixColumn]:
    """The plan's areas II.1 … II.9 one column each; the other parts (I, III) one column per part."""
    columns: list[MatrixColumn] = []
    merged: dict[str, list[str]] = {}
    for ref, title in matrix.areas:
        part = ref.split(".")[0]
        if part == "II":
            columns.append(MatrixColumn(ref, title, (ref,)))
        else:
            if part not in merged:
                merged[part] = []
                columns.append(MatrixColumn(part, "", ()))
            merged[part].append(ref)
    return [
        MatrixColumn(c.key, c.title or f"Mục {c.key}: {', '.join(merged[c.key])}", tuple(merged[c.key]))
        if not c.refs
        else c
        for c in columns
    ]


def matrix_cell(matrix, agency_id: int, column: MatrixColumn):
    """The figures of one column for one agency, summed over the column's areas (None: no checkpoint)."""
    from workflows.reporting.rollups import Rollup

    cells = [c for ref in column.refs if (c := matrix.cell(agency_id, ref)) is not None]
    if len(cells) <= 1:
        return cells[0] if cells else None
    total = Rollup(key=(agency_id, column.key), label=column.key)
    for c in cells:
        total.total += c.total
        total.due += c.due
        total.done += c.done
        total.done_on_time += c.done_on_time
        for status, n in c.counts.items():
            total.counts[status] += n
    return total


@dataclass(frozen=True)
class CellView:
    """One matrix cell, formatted once in Python (a macro per cell is slow for 48 × 13 cells)."""

    area: str
    done: int
    due: int
    completion: str
    grade: str
    grade_label: str
    on_time: str
    on_time_grade: str
    on_time_label: str

    def html(self, total: bool = False) -> Markup:
        """The <td>: fraction, completion and on-time share, colour classes plus words for screen readers.

        Plain f-strings: every value is a number, a fixed word or an escaped ref, and Markup.format
        cost 20 ms for the 600 cells of a province.
        """
        where = ' data-total="completion"' if total else f' data-area="{escape(self.area)}"'
        g, og = self.grade, self.on_time_grade
        return Markup(
            f'<td class="cell cell-{g}{" total" if total else ""}"{where}>'
            f'<span class="frac">{self.done}/{self.due}</span>'
            f'<span class="pct pct-{g}" title="Hoàn thành: {self.completion} ({self.grade_label})">'
            f'{self.completion}<span class="sr"> ({self.grade_label})</span></span>'
            f'<span class="ontime">đúng hạn <span class="pct pct-{og}" '
            f'title="Đúng hạn: {self.on_time} ({self.on_time_label})">{self.on_time}'
            f'<span class="sr"> ({self.on_time_label})</span></span></span></td>'
        )


EMPTY_CELL = Markup('<td class="cell cell-empty"><span class="sr">không có nhiệm vụ</span></td>')


@dataclass(frozen=True)
class MatrixRow:
    agency_id: int
    name: str
    cells: list[CellView | None]
    total: CellView | None

    def html(self) -> Markup:
        """The row's cells after the agency name (one string: 13 macro calls a row were the page's cost)."""
        cells = Markup("").join(c.html() if c else EMPTY_CELL for c in self.cells)
        return cells + (
            self.total.html(total=True) if self.total else Markup('<td class="cell cell-empty"></td>')
        )


def _cell_view(area: str, r) -> CellView | None:
    if r is None:
        return None
    return CellView(
        area,
        r.done,
        r.due,
        pct(r.completion_pct),
        grade(r.completion_pct),
        GRADE_LABELS[grade(r.completion_pct)],
        pct(r.on_time_pct),
        grade(r.on_time_pct),
        GRADE_LABELS[grade(r.on_time_pct)],
    )


def matrix_view(matrix, totals: dict) -> tuple[list[MatrixColumn], list[MatrixRow]]:
    """Columns and formatted rows of the agency × area matrix, with each agency's total."""
    columns = matrix_columns(matrix)
    rows = [
        MatrixRow(
            agency_id,
            name,
            [_cell_view(c.key, matrix_cell(matrix, agency_id, c)) for c in columns],
            _cell_view("total", totals.get(agency_id)),
        )
        for agency_id, name in matrix.agencies
    ]
    return columns, rows


@dataclass
class Page:
    """What every signed-in page needs: request, session, user, actor, today, settings."""

    request: Request
    session: Session
    user: User
    today: date
    settings: Settings

    @property
    def actor(self) -> Actor:
        return Actor.of(self.user)

    @property
    def agency_name(self) -> str | None:
        if self.user.agency_id is None:
            return None
        known = getattr(self.request.state, "agency_name", None)  # read with the sign-in (api.deps)
        if known is not None:
            return known
        agency = self.session.get(Agency, self.user.agency_id)
        return agency.name if agency else None

    def render(self, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        agency_name = self.agency_name
        self.done_reading()
        return render(
            self.request,
            name,
            {"today": self.today, "role": self.user.role, **context},
            status=status_code,
            user=self.user,
            agency_name=agency_name,
        )

    def done_reading(self) -> None:
        """A GET has read what it shows: end its transaction so rendering holds no connection.

        The session keeps what it loaded (expire_on_commit=False); a POST re-showing a form keeps
        its transaction, which the boundary rolls back.
        """
        if self.request.method in ("GET", "HEAD"):
            self.session.commit()

    def redirect(self, url: str, message: str | None = None, kind: str = "success") -> RedirectResponse:
        return redirect(self.request, url, message, kind)


def get_page(
    request: Request, session: SessionDep, user: CurrentUser, today: TodayDep, settings: SettingsDep
) -> Page:
    _check_ids(request)
    return Page(request, session, user, today, settings)


def _check_ids(request: Request) -> None:
    """An id beyond the database's integer range names no record: 404, not a database error."""
    for key, value in [*request.path_params.items(), *request.query_params.items()]:
        if key.endswith("_id") and str(value).isdigit() and int(value) > MAX_ID:
            what = {"request": "extension request"}.get(key[:-3], key[:-3])
            raise NotFound("not_found", what=what, id=value)


PageDep = Annotated[Page, Depends(get_page)]


templates = _env()


@dataclass(frozen=True)
class Pager:
    """Where one page of a list sits in it, with links to its neighbours (same filters)."""

    total: int
    first: int  # 1-based number of the first row shown (0 when none)
    last: int
    prev_url: str | None
    next_url: str | None
    capped: bool = False  # more than `total` match (a search counts no further): "hơn 1.000"


def pager(
    request: Request, total: int, limit: int, offset: int, key: str = "offset", capped: bool = False
) -> Pager:
    """The pager of a list shown `limit` rows from `offset`; links keep every other query parameter."""

    def url(to: int) -> str:
        moved = request.url.include_query_params(**{key: to})
        return f"{moved.path}?{moved.query}"

    prev_url = url(max(0, offset - limit)) if offset > 0 else None
    next_url = url(offset + limit) if offset + limit < total or capped else None
    shown = min(limit, max(0, total - offset))
    return Pager(total, offset + 1 if shown else 0, offset + shown, prev_url, next_url, capped)


@dataclass(frozen=True)
class PlanFilter:
    """A list page's plan filter: every plan (for the picker), the active ones, the one chosen."""

    plans: list
    active: list
    chosen: Any = None  # a Plan, or None: every active plan

    @property
    def plan_id(self) -> int | None:
        return self.chosen.id if self.chosen is not None else None

    @property
    def single(self) -> Any:
        """The one plan the lists cover: the chosen one, or the only active plan (else None)."""
        if self.chosen is not None:
            return self.chosen
        return self.active[0] if len(self.active) == 1 else None

    @property
    def plan_ids(self) -> Any:
        """The plans the page covers (`plans_in_scope`: the chosen one, else every active plan)."""
        from workflows.plans.queries import plans_in_scope

        return plans_in_scope(self.plan_id)

    @property
    def chosen_list(self) -> list:
        return [self.chosen] if self.chosen is not None else []


def plan_filter(session: Session, plan_id: str | int | None, plans: list | None = None) -> PlanFilter:
    """Read `?plan_id=` ("" or absent: every active plan) among `plans` (default: every plan, read now);
    an unknown plan is not found."""
    from workflows.plans.queries import ACTIVE, plans_newest_first

    plans = plans_newest_first(session) if plans is None else plans
    text = str(plan_id or "").strip()
    chosen = None
    if text:
        chosen = next((p for p in plans if text.isdigit() and p.id == int(text)), None)
        if chosen is None:
            raise NotFound("not_found", what="plan", id=text)
    # the active ones, newest first as `plans` are (workflows.plans.queries.active_plans: status active)
    return PlanFilter(plans, [p for p in plans if p.status == ACTIVE], chosen)
