"""Gazetteer of Vietnamese public bodies: ministries, the 34 provinces and their communes, the
standard provincial bodies of the post-2025 structure, and a generic Registry built from them.

Provinces and communes/wards come from the maintained ``vietnam-provinces`` package (version pinned
in pyproject.toml). Ministries and provincial bodies are the lists of the 2025 government structure
(Nghị quyết 176/2025/QH15 and Nghị định 150/2025/NĐ-CP), written here because no package carries them.

API: ``provinces()``, ``province(name)``, ``communes(province)``, ``ministries()``,
``provincial_bodies(province)``, ``registry_for(province)`` (a Registry for a province's plans, or
for a national plan when ``province`` is None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from workflows.agencies.registry import Registry
from workflows.kernel.text import normalize

MINISTRIES = (
    ("bo-quoc-phong", "Bộ Quốc phòng", ()),
    ("bo-cong-an", "Bộ Công an", ()),
    ("bo-ngoai-giao", "Bộ Ngoại giao", ()),
    ("bo-noi-vu", "Bộ Nội vụ", ()),
    ("bo-tu-phap", "Bộ Tư pháp", ()),
    ("bo-tai-chinh", "Bộ Tài chính", ()),
    ("bo-cong-thuong", "Bộ Công Thương", ()),
    ("bo-nong-nghiep-va-moi-truong", "Bộ Nông nghiệp và Môi trường", ()),
    ("bo-xay-dung", "Bộ Xây dựng", ()),
    ("bo-van-hoa-the-thao-va-du-lich", "Bộ Văn hóa, Thể thao và Du lịch", ("Bộ VHTTDL",)),
    ("bo-khoa-hoc-va-cong-nghe", "Bộ Khoa học và Công nghệ", ("Bộ KH&CN",)),
    ("bo-giao-duc-va-dao-tao", "Bộ Giáo dục và Đào tạo", ("Bộ GD&ĐT",)),
    ("bo-y-te", "Bộ Y tế", ()),
    ("bo-dan-toc-va-ton-giao", "Bộ Dân tộc và Tôn giáo", ()),
    ("ngan-hang-nha-nuoc", "Ngân hàng Nhà nước Việt Nam", ("Ngân hàng Nhà nước",)),
    ("thanh-tra-chinh-phu", "Thanh tra Chính phủ", ()),
    ("van-phong-chinh-phu", "Văn phòng Chính phủ", ()),
)
GOVERNMENT_AGENCIES = (
    ("dai-tieng-noi-viet-nam", "Đài Tiếng nói Việt Nam", ()),
    ("dai-truyen-hinh-viet-nam", "Đài Truyền hình Việt Nam", ()),
    ("thong-tan-xa-viet-nam", "Thông tấn xã Việt Nam", ()),
    ("vien-han-lam-khxh", "Viện Hàn lâm Khoa học xã hội Việt Nam", ()),
    ("vien-han-lam-khcn", "Viện Hàn lâm Khoa học và Công nghệ Việt Nam", ()),
    ("toa-an-nhan-dan-toi-cao", "Tòa án nhân dân tối cao", ()),
    ("vien-kiem-sat-nhan-dan-toi-cao", "Viện kiểm sát nhân dân tối cao", ()),
    ("kiem-toan-nha-nuoc", "Kiểm toán nhà nước", ()),
    ("uy-ban-trung-uong-mttq", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", ()),
)
# Provincial bodies: (code, name with {level} for "tỉnh"/"thành phố", kind, extra aliases).
PROVINCIAL_BODIES = (
    ("ubnd", "Ủy ban nhân dân {level}", "government", ("UBND {level}",)),
    ("van-phong-ubnd", "Văn phòng Ủy ban nhân dân {level}", "department", ("Văn phòng UBND {level}",)),
    ("so-noi-vu", "Sở Nội vụ", "department", ()),
    ("so-tu-phap", "Sở Tư pháp", "department", ()),
    ("so-tai-chinh", "Sở Tài chính", "department", ()),
    ("so-cong-thuong", "Sở Công Thương", "department", ()),
    ("so-nong-nghiep-va-moi-truong", "Sở Nông nghiệp và Môi trường", "department", ()),
    ("so-xay-dung", "Sở Xây dựng", "department", ()),
    ("so-khoa-hoc-va-cong-nghe", "Sở Khoa học và Công nghệ", "department", ("Sở KH&CN",)),
    ("so-giao-duc-va-dao-tao", "Sở Giáo dục và Đào tạo", "department", ("Sở GD&ĐT",)),
    ("so-y-te", "Sở Y tế", "department", ()),
    ("so-van-hoa-the-thao-va-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "department", ("Sở VHTTDL",)),
    ("so-van-hoa-va-the-thao", "Sở Văn hóa và Thể thao", "department", ()),
    ("so-du-lich", "Sở Du lịch", "department", ()),
    ("so-dan-toc-va-ton-giao", "Sở Dân tộc và Tôn giáo", "department", ()),
    ("so-ngoai-vu", "Sở Ngoại vụ", "department", ()),
    ("thanh-tra", "Thanh tra {level}", "department", ()),
    ("cong-an", "Công an {level}", "police", ()),
    ("bo-chi-huy-quan-su", "Bộ Chỉ huy Quân sự {level}", "military", ()),
    ("bo-chi-huy-bdbp", "Bộ Chỉ huy Bộ đội Biên phòng {level}", "military", ()),
    ("toa-an", "Tòa án nhân dân {level}", "court", ()),
    ("vien-kiem-sat", "Viện kiểm sát nhân dân {level}", "procuracy", ()),
    ("uy-ban-mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam {level}", "front", ("Ủy ban MTTQ Việt Nam {level}",)),
    ("lien-doan-lao-dong", "Liên đoàn Lao động {level}", "mass_org", ()),
    ("doan-thanh-nien", "{Level} đoàn", "mass_org", ("Đoàn Thanh niên Cộng sản Hồ Chí Minh {level}",)),
    ("hoi-lien-hiep-phu-nu", "Hội Liên hiệp Phụ nữ {level}", "mass_org", ()),
    ("hoi-nong-dan", "Hội Nông dân {level}", "mass_org", ()),
    ("hoi-cuu-chien-binh", "Hội Cựu chiến binh {level}", "mass_org", ()),
    ("bao-va-phat-thanh-truyen-hinh", "Báo và Phát thanh, Truyền hình {level}", "media", ()),
    ("bao-hiem-xa-hoi", "Bảo hiểm xã hội {level}", "department", ()),
    ("ban-quan-ly-khu-cong-nghiep", "Ban Quản lý các khu công nghiệp {level}", "department", ()),
)


@dataclass(frozen=True)
class Province:
    """One of the 34 provinces: name as the package writes it, and its level word."""

    name: str
    short: str
    level: str  # "tỉnh" | "thành phố"
    code: int


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """The 34 provinces and centrally-run cities (post-2025), from ``vietnam-provinces``."""
    import vietnam_provinces as vp

    out = []
    for p in vp.Province.iter_all():
        short = re.sub(r"^(Thành phố|Tỉnh)\s+", "", p.name)
        level = "thành phố" if p.name.startswith("Thành phố") else "tỉnh"
        out.append(Province(p.name, short, level, int(p.code)))
    return tuple(out)


def province(name: str) -> Province | None:
    """The province a name designates ("Hưng Yên", "tỉnh Hưng Yên", "TP Cần Thơ"), or None."""
    key = normalize(name)
    key = re.sub(r"^(uy ban nhan dan|ubnd)\s+", "", key)
    key = re.sub(r"^(thanh pho|tp|tinh)\s+", "", key)
    for p in provinces():
        if normalize(p.short) == key:
            return p
    return None


def issuer_province(issuer: str) -> Province | None:
    """The province an issuer line names ("UBND tỉnh Đồng Nai" → Đồng Nai), or None."""
    key = f" {normalize(issuer)} "
    for p in sorted(provinces(), key=lambda p: -len(p.short)):
        if f" {normalize(p.short)} " in key:
            return p
    return None


def communes(prov: Province | str) -> tuple[str, ...]:
    """Names of the communes and wards ("Phường Hoàn Kiếm", "Xã …") of a province."""
    import vietnam_provinces as vp

    p = prov if isinstance(prov, Province) else province(prov)
    if p is None:
        return ()
    return tuple(w.name for w in vp.Ward.iter_all() if int(w.province_code) == p.code)


def ministries() -> tuple[tuple[str, str], ...]:
    """(code, name) of the ministries and ministerial agencies, then the Government's agencies."""
    return tuple((c, n) for c, n, _ in MINISTRIES + GOVERNMENT_AGENCIES)


def provincial_bodies(prov: Province | str) -> tuple[tuple[str, str, str], ...]:
    """(code, name, kind) of the standard bodies of a province's government."""
    p = prov if isinstance(prov, Province) else province(prov)
    if p is None:
        return ()
    return tuple((code, _fill(name, p.level), kind) for code, name, kind, _ in PROVINCIAL_BODIES)


def _fill(template: str, level: str) -> str:
    """A body name for a province level ("tỉnh" or "thành phố")."""
    return template.replace("{level}", level).replace("{Level}", level.capitalize().split()[0])


@lru_cache(maxsize=64)
def registry_for(province_name: str | None) -> Registry:
    """A Registry of the bodies a plan of this province (or a national plan, for None) names."""
    p = province(province_name) if province_name else None
    agencies: list[dict] = []
    for code, name, aliases in MINISTRIES + GOVERNMENT_AGENCIES:
        agencies.append({"code": code, "name": name, "kind": "ministry", "aliases": list(aliases)})
    if p is not None:
        for code, name, kind, aliases in PROVINCIAL_BODIES:
            names = {_fill(a, p.level) for a in aliases}
            names |= {f"{_fill(name, p.level)} {p.short}"} if "{level}" in name else set()
            names |= {f"{name} {p.level} {p.short}"} if "{level}" not in name else set()
            agencies.append(
                {"code": code, "name": _fill(name, p.level), "kind": kind, "aliases": sorted(names)}
            )
    seen = {normalize(a["name"]) for a in agencies} | {normalize(x) for a in agencies for x in a["aliases"]}
    for other in provinces():
        if p is not None and other.code == p.code:
            continue
        label = f"UBND {other.level} {other.short}"
        # "Thành phố Hà Nội và các tỉnh …", "tỉnh Lâm Đồng đẩy nhanh …": a province addressed by name
        # is its people's committee.
        aliases = [f"Ủy ban nhân dân {other.level} {other.short}", f"{other.level} {other.short}"]
        if normalize(label) not in seen:
            agencies.append(
                {
                    "code": f"ubnd-{normalize(other.short).replace(' ', '-')}",
                    "name": label,
                    "kind": "province",
                    "aliases": aliases,
                }
            )
    return Registry.from_dict({"province": p.name if p else "", "agencies": agencies, "groups": []})
