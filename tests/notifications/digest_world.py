"""A fixed province on 05/07/2023 (ISO week 27) for the digest tests and golden files.

Sở Y tế (syt): overdue since 14/06 (methadone, 6 months), overdue since yesterday, due in 9 days,
returned with a reason, awaiting review, an extension approved this week, one done on time.
Công an tỉnh (ca): overdue 7 and 35 days (escalated to the secretariat today / the leader earlier).
Sở Giáo dục và Đào tạo (sgddt): overdue 21 days, done late, a pending extension request.
Sở Tư pháp (stp): everything done on time — nothing to report.
UBND huyện Mộc Châu (mocchau): overdue, but no head address — no head digest.
Indicators (chỉ tiêu): Sở Y tế owns "12 xã" with 3 accepted for quarter II (at risk) and a "100%"
one with nothing reported yet; Công an tỉnh owns one whose deadline (31/03) passed unmet (missed).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from models import (
    Agency,
    Checkpoint,
    Escalation,
    ExtensionRequest,
    IndicatorValue,
    Review,
    Submission,
    Task,
)
from tests.builders import add_agency, add_indicator, add_plan, add_task, add_user, changed, checkpoints_of

TODAY = date(2023, 7, 5)
METHADONE = (
    "Định kỳ 06 tháng, 01 năm đánh giá kết quả chương trình điều trị nghiện các chất dạng thuốc "
    "phiện bằng thuốc thay thế (Methadone, Buprenorphine); báo cáo kết quả về Ban Chỉ đạo tỉnh "
    "(qua Công an tỉnh - Phòng Tham mưu) để tổng hợp, báo cáo UBND tỉnh theo quy định."
)


@dataclass
class DigestWorld:
    syt: Agency
    ca: Agency
    sgddt: Agency
    stp: Agency
    mocchau: Agency
    syt_overdue: Checkpoint
    syt_new_overdue: Checkpoint
    syt_due_soon: Checkpoint
    syt_returned: Checkpoint
    syt_submitted: Checkpoint
    syt_extended: Checkpoint


def _task(
    session: Session, lead: Agency, due: list[date], ref: str, text: str, phrase: str, kind: str = "once"
) -> tuple[Task, list[Checkpoint]]:
    task = add_task(
        session, lead, due, ref=ref, text=text, schedule_kind=kind, plan=add_plan(session, "23/KH-UBND")
    )
    task.schedule_phrase = phrase
    return task, checkpoints_of(session, task)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def build_digest_world(session: Session) -> DigestWorld:
    """Build and commit the world (ids are stable: a fresh database per test)."""
    syt = add_agency(session, "Sở Y tế", code="syt")
    ca = add_agency(session, "Công an tỉnh", code="ca")
    sgddt = add_agency(session, "Sở Giáo dục và Đào tạo", code="sgddt")
    stp = add_agency(session, "Sở Tư pháp", code="stp")
    mocchau = add_agency(session, "UBND huyện Mộc Châu", code="mocchau", kind="district")
    mocchau.head_email = None
    syt_focal = add_user(session, "syt.dm", "focal", syt, email="dau.moi@syt.test")
    add_user(session, "syt.gd", "head", syt, email="giam.doc@syt.test")
    sgddt_focal = add_user(session, "sgddt.dm", "focal", sgddt)
    ptm = add_user(session, "ca.ptm", "secretariat", None, email="ptm@catinh.test")

    _, (overdue, year) = _task(
        session,
        syt,
        [date(2023, 6, 14), date(2023, 12, 14)],
        "II.4.2",
        METHADONE,
        "Định kỳ 06 tháng, 01 năm",
        kind="recurring",
    )
    _, (new_overdue,) = _task(
        session,
        syt,
        [date(2023, 7, 4)],
        "II.3.1",
        "Rà soát, thống kê người nghiện ma túy, người sử dụng trái phép chất ma túy "
        "đang điều trị tại cơ sở y tế trên địa bàn tỉnh.",
        "trước ngày 05/7/2023",
    )
    _, (due_soon,) = _task(
        session,
        syt,
        [date(2023, 7, 14)],
        "II.3.2",
        "Tổ chức xét nghiệm chất ma túy cho học sinh, sinh viên theo đề nghị của ngành "
        "giáo dục; hướng dẫn các cơ sở y tế <b>không</b> kê đơn sai quy định.",
        "trước ngày 15/7/2023",
    )
    _, (returned,) = _task(
        session,
        syt,
        [date(2023, 7, 31)],
        "II.3.3",
        "Kiểm tra việc quản lý thuốc gây nghiện, thuốc hướng thần tại các cơ sở khám bệnh, chữa bệnh.",
        "trong tháng 7/2023",
    )
    _, (submitted,) = _task(
        session,
        syt,
        [date(2023, 6, 30)],
        "II.3.4",
        "Báo cáo sơ kết 6 tháng công tác cai nghiện ma túy tự nguyện tại gia đình và cộng đồng.",
        "6 tháng đầu năm",
    )
    _, (extended,) = _task(
        session,
        syt,
        [date(2023, 6, 20)],
        "II.3.5",
        "Tập huấn nghiệp vụ điều trị nghiện cho cán bộ y tế tuyến huyện.",
        "trước ngày 21/6/2023",
    )
    _, (done,) = _task(
        session,
        syt,
        [date(2023, 3, 14)],
        "II.1.1",
        "Xây dựng kế hoạch thực hiện của ngành y tế.",
        "trước ngày 15/3/2023",
    )
    _, (ca_35, ca_7) = _task(
        session,
        ca,
        [date(2023, 5, 31), date(2023, 6, 28)],
        "II.5.1",
        "Đấu tranh, triệt phá các đường dây mua bán, vận chuyển trái phép chất ma túy qua biên giới.",
        "Định kỳ hằng tháng",
        kind="recurring",
    )
    _, (sg_done, sg_overdue) = _task(
        session,
        sgddt,
        [date(2023, 6, 14), date(2023, 3, 14)],
        "II.2.3",
        "Lồng ghép nội dung phòng, chống ma túy vào chương trình giáo dục ngoại khóa.",
        "Định kỳ 03 tháng",
        kind="recurring",
    )
    _, (sg_pending,) = _task(
        session,
        sgddt,
        [date(2023, 7, 10)],
        "II.2.4",
        "Tổ chức tuyên truyền trong dịp hè cho học sinh.",
        "trước ngày 11/7/2023",
    )
    _, (stp_done,) = _task(
        session,
        stp,
        [date(2023, 6, 14)],
        "II.2.5",
        "Phổ biến, giáo dục pháp luật về phòng, chống ma túy.",
        "Định kỳ 06 tháng",
    )
    _task(
        session,
        mocchau,
        [date(2023, 6, 30)],
        "II.6.1",
        "Tổ chức phát hiện, triệt xóa diện tích trồng cây có chứa chất ma túy.",
        "trước ngày 01/7/2023",
    )
    del year, ca_35

    def accept(cp: Checkpoint, on: date) -> None:
        changed(session, cp, state="accepted", submitted_on=on, accepted_on=on)

    accept(done, date(2023, 3, 10))
    accept(sg_done, date(2023, 3, 20))
    accept(stp_done, date(2023, 6, 12))
    changed(session, submitted, state="submitted", submitted_on=date(2023, 6, 28))
    changed(session, returned, state="returned")
    sub = Submission(
        checkpoint_id=submitted.id,
        agency_id=syt.id,
        author_id=syt_focal.id,
        note="Báo cáo sơ kết 6 tháng",
        submitted_on=date(2023, 6, 28),
        submitted_at=_at(date(2023, 6, 28)),
    )
    back = Submission(
        checkpoint_id=returned.id,
        agency_id=syt.id,
        author_id=syt_focal.id,
        status="returned",
        note="Báo cáo kiểm tra",
        submitted_on=date(2023, 7, 1),
        submitted_at=_at(date(2023, 7, 1)),
    )
    session.add_all([sub, back])
    session.flush()
    session.add(
        Review(
            submission_id=back.id,
            reviewer_id=ptm.id,
            decision="return",
            reason="Thiếu danh sách cơ sở đã kiểm tra & kết quả xử lý vi phạm.",
            reviewed_on=date(2023, 7, 3),
            reviewed_at=_at(date(2023, 7, 3)),
        )
    )
    changed(session, extended, due_date=date(2023, 7, 15))
    session.add(
        ExtensionRequest(
            checkpoint_id=extended.id,
            requested_by=syt_focal.id,
            previous_due=date(2023, 6, 20),
            requested_due=date(2023, 7, 15),
            reason="Chờ kinh phí tập huấn được phân bổ.",
            status="approved",
            decided_by=ptm.id,
            decision_note="Đồng ý, không gia hạn thêm.",
            requested_at=_at(date(2023, 6, 19)),
            decided_at=_at(date(2023, 7, 3)),
        )
    )
    session.add(
        ExtensionRequest(
            checkpoint_id=sg_pending.id,
            requested_by=sgddt_focal.id,
            previous_due=date(2023, 7, 10),
            requested_due=date(2023, 8, 31),
            reason="Học sinh nghỉ hè, đề nghị tổ chức vào đầu năm học mới.",
            requested_at=_at(date(2023, 7, 4)),
        )
    )
    session.add_all(
        [
            Escalation(
                checkpoint_id=new_overdue.id, rung="overdue", due_date=new_overdue.due_date, fired_on=TODAY
            ),
            Escalation(checkpoint_id=ca_7.id, rung="secretariat", due_date=ca_7.due_date, fired_on=TODAY),
            Escalation(
                checkpoint_id=sg_overdue.id,
                rung="secretariat",
                due_date=sg_overdue.due_date,
                fired_on=date(2023, 6, 21),
            ),  # an earlier day: not in today's digest
        ]
    )
    plan = add_plan(session, "23/KH-UBND")
    communes = add_indicator(session, plan, owner=syt)
    add_indicator(
        session,
        plan,
        "100%",
        "",
        owner=syt,
        text="100% cơ sở điều trị methadone được kiểm tra trong năm 2023.",
    )
    add_indicator(
        session,
        plan,
        "100%",
        "",
        owner=ca,
        due_date=date(2023, 3, 31),
        text="100% các vụ việc được điều tra, xử lý xong trong quý I/2023.",
    )
    session.add(
        IndicatorValue(
            indicator_id=communes.id,
            agency_id=syt.id,
            author_id=syt_focal.id,
            period_label="Quý II/2023",
            period_end=date(2023, 6, 30),
            value=3,
            status="accepted",
            reported_on=date(2023, 7, 1),
        )
    )
    session.commit()
    return DigestWorld(
        syt, ca, sgddt, stp, mocchau, overdue, new_overdue, due_soon, returned, submitted, extended
    )
