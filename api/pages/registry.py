"""/registry: the secretariat adds agencies and aliases, the admin renames and merges; the office
downloads the registry (.xlsx, .yaml) to complete it and uploads it back."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from api.pages.templating import Page, PageDep
from models.user import Role
from workflows.agencies.exchange import export_registry, import_registry, read_registry_file
from workflows.agencies.queries import REGISTRY_PAGE, registry_kinds, registry_list
from workflows.agencies.reorg import may_reorganise, merge_in_registry, rename_in_registry
from workflows.agencies.store import add_agency, authority, registry_province, set_aliases
from workflows.kernel.actors import require_role
from workflows.kernel.errors import DomainError, InvalidInput

router = APIRouter()


def _at(name: str) -> str:
    return f"/registry?q={quote(name)}"


REGISTRY_ROLES = (Role.secretariat, Role.admin)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(
    page: Page, kind: str = "", q: str = "", offset: int = 0, status: int = 200, error: str = ""
) -> Response:
    require_role(page.actor, *REGISTRY_ROLES)
    if offset < 0:
        raise InvalidInput("list.offset")
    rows, total = registry_list(page.session, kind or None, q, offset)
    return page.render(
        "registry.html",
        status_code=status,
        rows=rows,
        total=total,
        offset=offset,
        page_size=REGISTRY_PAGE,
        kinds=registry_kinds(page.session),
        kind=kind,
        q=q,
        province=registry_province(page.session),
        in_database=authority(page.session) is not None,
        may_reorganise=may_reorganise(page.actor),
        error=error,
    )


@router.get("/registry")
def registry_page(page: PageDep, kind: str = "", q: str = "", offset: int = 0) -> Response:
    return _page(page, kind, q, offset)


def _refused(page: Page, exc: DomainError) -> Response:
    page.session.rollback()
    return _page(page, status=exc.http_status, error=exc.message("vi"))


@router.post("/registry/agencies")
def add(
    page: PageDep, name: Annotated[str, Form()] = "", kind: Annotated[str, Form()] = "department"
) -> Response:
    try:
        agency = add_agency(page.session, page.actor, name, kind, page.today)
    except DomainError as exc:
        return _refused(page, exc)
    return page.redirect(_at(agency.name), f"Đã thêm «{agency.name}» vào danh mục.")


@router.post("/registry/agencies/{agency_id}/aliases")
def aliases(page: PageDep, agency_id: int, aliases: Annotated[str, Form()] = "") -> Response:
    try:
        agency = set_aliases(page.session, page.actor, agency_id, aliases.split(";"), page.today)
    except DomainError as exc:
        return _refused(page, exc)
    return page.redirect(_at(agency.name), f"Đã lưu tên gọi khác của «{agency.name}».")


@router.post("/registry/agencies/{agency_id}/rename")
def rename(page: PageDep, agency_id: int, name: Annotated[str, Form()] = "") -> Response:
    try:
        agency = rename_in_registry(page.session, page.actor, agency_id, name, page.today)
    except DomainError as exc:
        return _refused(page, exc)
    return page.redirect(_at(agency.name), f"Đã đổi tên thành «{agency.name}»; tên cũ giữ làm tên gọi khác.")


@router.post("/registry/agencies/{agency_id}/merge")
def merge(page: PageDep, agency_id: int, successor: Annotated[str, Form()] = "") -> Response:
    try:
        target, result = merge_in_registry(page.session, page.actor, agency_id, successor, page.today)
    except DomainError as exc:
        return _refused(page, exc)
    return page.redirect(
        _at(target.name),
        f"Đã sáp nhập vào «{target.name}»: chuyển {len(result.checkpoint_ids)} mốc còn mở, "
        f"{len(result.task_ids)} nhiệm vụ, {len(result.user_ids)} tài khoản.",
    )


def _download(page: Page, fmt: str) -> Response:
    require_role(page.actor, *REGISTRY_ROLES)
    media = XLSX if fmt == "xlsx" else "application/yaml"
    disposition = f'attachment; filename="danh-muc-co-quan.{fmt}"'
    return Response(
        export_registry(page.session, fmt), media_type=media, headers={"Content-Disposition": disposition}
    )


@router.get("/registry/export.xlsx")
def export_xlsx(page: PageDep) -> Response:
    return _download(page, "xlsx")


@router.get("/registry/export.yaml")
def export_yaml(page: PageDep) -> Response:
    return _download(page, "yaml")


@router.post("/registry/import")
def upload(page: PageDep, file: Annotated[UploadFile | None, File()] = None) -> Response:
    try:
        require_role(page.actor, *REGISTRY_ROLES)
        data = file.file.read(page.settings.max_upload_bytes + 1) if file is not None else b""
        if not data:
            raise InvalidInput("registry.bad_file", reason="chưa chọn tệp")
        registry = import_registry(
            page.session, page.actor, read_registry_file(data, file.filename or ""), page.today
        )
    except DomainError as exc:
        return _refused(page, exc)
    return page.redirect(
        "/registry", f"Đã nhập danh mục: {len(registry.agencies)} cơ quan, {len(registry.groups)} nhóm."
    )
