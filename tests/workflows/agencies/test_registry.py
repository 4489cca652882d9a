"""Agency registry: tolerant name matching, abbreviations, groups, successors, suggestions."""

import pytest

from workflows.agencies.registry import Registry, load_registry
from workflows.kernel.text import fold, normalize


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_normalize_ignores_case_diacritics_spacing_and_dashes():
    assert normalize("Sở  Lao động – Thương binh và\nXã hội") == "so lao dong thuong binh va xa hoi"
    assert normalize("ĐÀI PHÁT THANH") == normalize("dai phat thanh")
    assert normalize("Uỷ ban") == normalize("Ủy ban")
    assert normalize("Văn hoá") == normalize("Văn hóa")


def test_fold_keeps_offsets():
    text = "Đề nghị Uỷ ban MTTQ Việt Nam tỉnh – Sở Y tế"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("de nghi uy ban mttq viet nam tinh - so y te")


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("Sở Y tế", "Sở Y tế"),
        ("SỞ Y TẾ", "Sở Y tế"),
        ("so y te", "Sở Y tế"),
        ("Sở  Y   tế", "Sở Y tế"),
        ("Sở Y tế tỉnh Sơn La", "Sở Y tế"),
        ("Sở Lao động - Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở Lao động – Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("Sở Văn hoá - Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở Công thương", "Sở Công Thương"),
        ("BĐBP", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
        ("Bộ Chỉ huy BĐBP tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
        ("Bộ đội biên phòng", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
        ("Bộ CHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
        ("MTTQ", "Ủy ban MTTQ Việt Nam tỉnh"),
        ("Uỷ ban MTTQ Việt Nam tỉnh", "Ủy ban MTTQ Việt Nam tỉnh"),
        ("Hải quan", "Chi cục Hải quan"),
        ("Chi cục Hải quan trên địa bàn tỉnh", "Chi cục Hải quan"),
        ("Công an", "Công an tỉnh"),
        ("Viện Kiểm sát", "Viện Kiểm sát nhân dân tỉnh"),
        ("Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh", "Tỉnh đoàn"),
        ("Đài PT-TH tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
        ("Ngân hàng chính sách", "Ngân hàng Chính sách xã hội chi nhánh tỉnh"),
        ("huyện Mộc Châu", "UBND huyện Mộc Châu"),
        ("Thành phố Sơn La", "UBND thành phố Sơn La"),
    ],
)
def test_resolve_tolerates_spelling(registry, written, canonical):
    agency = registry.resolve(written)
    assert agency is not None, written
    assert agency.name == canonical


def test_resolve_unknown_and_groups_give_none(registry):
    assert registry.resolve("Sở Khoa học X") is None
    assert registry.resolve("UBND các huyện, thành phố") is None  # a group, not an agency
    assert registry.resolve("") is None


def test_every_agency_has_code_kind_and_demo_emails(registry):
    for agency in registry.agencies.values():
        assert agency.code.isascii() and " " not in agency.code
        assert agency.kind
        if agency.active:
            assert agency.head_email.endswith(".sonla.example")
            assert agency.focal_email.endswith(".sonla.example")


def test_district_group_has_the_twelve_units(registry):
    names = {a.name for a in registry.group("UBND các huyện, thành phố")}
    assert len(names) == 12
    assert "UBND thành phố Sơn La" in names
    for huyen in (
        "Quỳnh Nhai",
        "Thuận Châu",
        "Mường La",
        "Bắc Yên",
        "Phù Yên",
        "Mộc Châu",
        "Yên Châu",
        "Mai Sơn",
        "Sông Mã",
        "Sốp Cộp",
        "Vân Hồ",
    ):
        assert f"UBND huyện {huyen}" in names
    for alias in (
        "UBND các huyện thành phố",
        "UBND huyện, thành phố",
        "Ủy ban nhân dân các huyện, thành phố",
        "Uỷ ban nhân dân các huyện, thành phố",
    ):
        assert {a.name for a in registry.group(alias)} == names


def test_border_group_is_the_flagged_districts(registry):
    border = registry.group("UBND các huyện biên giới")
    assert border and all(a.kind == "district" and a.border for a in border)
    assert {a.code for a in border} == {a.code for a in registry.agencies.values() if a.border}
    assert "UBND huyện Sông Mã" in {a.name for a in border}


def test_mass_organisation_group(registry):
    names = [a.name for a in registry.group("các tổ chức đoàn thể chính trị - xã hội")]
    assert names == [
        "Ủy ban MTTQ Việt Nam tỉnh",
        "Liên đoàn Lao động tỉnh",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "Tỉnh đoàn",
        "Hội Cựu chiến binh tỉnh",
        "Hội Nông dân tỉnh",
    ]
    assert registry.group("các tổ chức chính trị - xã hội") == registry.group("đoàn thể chính trị - xã hội")


def test_departments_group_is_provincial_bodies(registry):
    members = registry.group("các sở, ban, ngành")
    kinds = {a.kind for a in members}
    assert "district" not in kinds and "mass_org" not in kinds
    assert {"Sở Y tế", "Công an tỉnh", "Sở Tư pháp"} <= {a.name for a in members}
    assert registry.group("Sở Y tế") is None


def test_merged_agency_resolves_to_successor(registry):
    old = registry.lookup("Sở Thể dục Thể thao")
    assert old is not None and not old.active
    assert registry.resolve("Sở Thể dục Thể thao").name == "Sở Văn hóa, Thể thao và Du lịch"


def test_from_dict_other_province_with_successor_and_group():
    reg = Registry.from_dict(
        {
            "province": "Điện Biên",
            "agencies": [
                {
                    "code": "so-a",
                    "name": "Sở Công nghệ A",
                    "kind": "department",
                    "active": False,
                    "successor": "so-b",
                },
                {
                    "code": "so-b",
                    "name": "Sở Khoa học và Công nghệ",
                    "kind": "department",
                    "aliases": ["Sở KH&CN"],
                },
                {"code": "h1", "name": "UBND huyện Mường Nhé", "kind": "district", "border": True},
                {"code": "h2", "name": "UBND huyện Tuần Giáo", "kind": "district"},
            ],
            "groups": [
                {"code": "g", "name": "UBND các huyện", "select": {"kind": "district"}},
                {
                    "code": "gb",
                    "name": "UBND các huyện biên giới",
                    "select": {"kind": "district", "border": True},
                },
                {"code": "gm", "name": "Khối khoa học", "members": ["so-a"]},
            ],
        }
    )
    assert reg.resolve("so cong nghe a").code == "so-b"
    assert reg.resolve("Sở KH&CN").code == "so-b"
    assert reg.resolve("Sở Khoa học và Công nghệ tỉnh Điện Biên").code == "so-b"
    assert [a.code for a in reg.group("UBND các huyện")] == ["h1", "h2"]
    assert [a.code for a in reg.group("UBND các huyện biên giới")] == ["h1"]
    assert [a.code for a in reg.group("Khối khoa học")] == ["so-b"]  # members follow successors


def test_from_dict_rejects_bad_data():
    with pytest.raises(ValueError, match="unknown successor"):
        Registry.from_dict({"agencies": [{"code": "a", "name": "A", "successor": "zz"}]})
    with pytest.raises(ValueError, match="used by both"):
        Registry.from_dict({"agencies": [{"code": "a", "name": "Sở A"}, {"code": "b", "name": "So A"}]})
    with pytest.raises(ValueError, match="unknown agencies"):
        Registry.from_dict({"agencies": [], "groups": [{"code": "g", "name": "G", "members": ["x"]}]})


def test_suggest_finds_closest_canonical_names(registry):
    assert registry.suggest("Sở Khoa học X")[0] == "Sở Khoa học và Công nghệ"
    assert registry.suggest("So y tê")[0] == "Sở Y tế"
    assert registry.suggest("Bộ đội biên phòng")[0] == "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"
    assert len(registry.suggest("Sở", n=2)) <= 2
    assert registry.suggest("zzzz qqqq") == []


def test_match_at_finds_names_inside_wrapped_text(registry):
    text = "- Công an tỉnh và Bộ Chỉ huy Bộ\nđội Biên phòng tỉnh chỉ đạo"
    folded = fold(text)
    end, entry = registry.match_at(folded, 2)
    assert entry.name == "Công an tỉnh" and text[2:end] == "Công an tỉnh"
    start = text.index("Bộ Chỉ")
    end, entry = registry.match_at(folded, start)
    assert entry.name == "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"
    assert text[end:].startswith(" chỉ đạo")
