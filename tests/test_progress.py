"""Progress collection: reply forms, the /baocao flow, permissions, concurrency, staff views."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import UTC, datetime

import pytest
from conftest import Clock
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from test_conversation import Chat, registered

from handlers.conversation import Conversation
from handlers.messages import FileReply, ImageReply, TextReply
from handlers.people import Account, Role, enrol, find_person
from handlers.periods import Period
from handlers.progress import (
    Control,
    Invalid,
    Progress,
    ProgressChange,
    Value,
    read_reply,
    record,
    targets_for,
)
from handlers.status import compute_status
from handlers.units import find_unit
from knowledge.store import ItemRecord

PERCENT = ItemRecord(unit="%", value=100.0)
OUT_OF_FOUR = ItemRecord(unit="/4", value=4.0)
DONE = ItemRecord(unit=None, value=None)


@pytest.mark.parametrize(
    ("reply", "shown", "number"),
    [
        ("45", "45%", 45.0),
        ("45%", "45%", 45.0),
        ("45,5%", "45,5%", 45.5),
        ("18/40", "18/40", 45.0),
        ("18 trên 40", "18/40", 45.0),
        ("đạt 18/40 GV", "18/40", 45.0),
        ("Đạt 100 %", "100%", 100.0),
        ("0", "0%", 0.0),
    ],
)
def test_accepted_figures(reply: str, shown: str, number: float) -> None:
    assert read_reply(reply, PERCENT) == Value(
        "ratio" if "/" in shown else "percent", number, shown
    )


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("abc", "chưa hiểu"),
        ("150%", "quá 100%"),
        ("41/40", "tử số lớn hơn mẫu số"),
        ("-3", "không được âm"),
        ("", "chưa nhập"),
        ("   ", "chưa nhập"),
        ("4" * 5000, "dài quá"),
        ("3/0", "Mẫu số"),
        ("xong", "chưa hiểu"),
        ("45 45 45 45 45", "chưa hiểu"),
    ],
)
def test_rejected_figures(reply: str, reason: str) -> None:
    outcome = read_reply(reply, PERCENT)
    assert isinstance(outcome, Invalid)
    assert reason in outcome.reason


@pytest.mark.parametrize(
    ("reply", "action"),
    [("bỏ qua", "skip"), ("bo qua", "skip"), ("sửa", "back"), ("xong hết", "finish")],
)
def test_control_words(reply: str, action: str) -> None:
    assert read_reply(reply, PERCENT) == Control(action)
    assert read_reply(reply, DONE) == Control(action)


def test_done_targets_take_yes_or_no() -> None:
    for yes in ("xong", "rồi", "có", "Rồi!"):
        assert read_reply(yes, DONE) == Value("done", 100.0, "xong")
    assert read_reply("chưa", DONE) == Value("done", 0.0, "chưa")
    assert isinstance(read_reply("45%", DONE), Invalid)


def test_count_targets_stay_within_their_total() -> None:
    assert read_reply("3", OUT_OF_FOUR) == Value("count", 3.0, "3/4")
    assert read_reply("3/4", OUT_OF_FOUR) == Value("count", 3.0, "3/4")
    for wrong in ("5", "3/5", "75%"):
        assert isinstance(read_reply(wrong, OUT_OF_FOUR), Invalid)


def test_periods() -> None:
    assert Period.parse("2025-11").label == "tháng 11/2025"
    assert Period.parse("2025-Q4").label == "quý IV/2025"
    assert Period.parse("2025").code == "2025"
    assert Period.parse("2025-Q1").last_day.isoformat() == "2025-03-31"
    assert Period.parse("2024-02").last_day.isoformat() == "2024-02-29"
    for wrong in ("2025-13", "2025-Q5", "25", "Q4"):
        with pytest.raises(ValueError):
            Period.parse(wrong)


def stored(sessions: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with sessions() as session:
        rows = session.scalars(select(Progress).order_by(Progress.item_id))
        return [(row.unit.name, row.period, row.shown) for row in rows]


async def test_a_principal_reports_target_by_target(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    opening = await chat.text("/baocao")
    assert opening.startswith("Báo cáo tháng 11/2025 (hạn 20/11/2025) – Trường THCS Hoa Lư")
    assert "1/" in opening and "Trả lời dạng 45%, 18/40" in opening
    assert "Tỷ lệ không thể quá 100%" in await chat.text("150%")
    assert "2/" in await chat.text("45")
    assert "1/" in await chat.text("sửa")
    assert "2/" in await chat.text("18/40")
    assert "3/" in await chat.text("bỏ qua")
    assert "4/" in await chat.text("đạt 30 trên 40 GV")
    [summary] = await chat.send("xong hết")
    assert isinstance(summary, TextReply)
    assert "Tóm tắt báo cáo tháng 11/2025" in summary.text
    assert summary.text.count("•") == 2
    assert summary.choices[0].payload == "report:confirm"
    assert stored(sample_sessions) == []  # nothing until confirmed
    assert "Đã ghi nhận 2 chỉ tiêu tháng 11/2025" in await chat.text("1")
    assert [shown for _, _, shown in stored(sample_sessions)] == ["18/40", "30/40"]
    assert "Báo cáo này đã kết thúc" in await chat.text(payload="report:confirm")


async def test_a_report_can_be_corrected_with_history(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    for answers in (["45", "xong hết", "có"], ["50%", "xong hết", "có"]):
        await chat.text("/baocao 2025-Q4")
        for answer in answers:
            await chat.text(answer)
    assert stored(sample_sessions) == [("Trường THCS Hoa Lư", "2025-Q4", "50%")]
    with sample_sessions() as session:
        changes = session.scalars(select(ProgressChange).order_by(ProgressChange.id)).all()
        assert [(c.old, c.new, c.person.name) for c in changes] == [
            (None, "45%", "Cô Lan"),
            ("45%", "50%", "Cô Lan"),
        ]


async def test_cancelling_stores_nothing(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    await chat.text("/baocao")
    await chat.text("45")
    await chat.text("xong hết")
    assert "chưa có gì được lưu" in await chat.text(payload="report:cancel")
    await chat.text("/baocao")
    await chat.text("45")
    assert await chat.text("/huy") == "Đã hủy."
    assert stored(sample_sessions) == []


async def test_the_flow_survives_a_restart(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    await chat.text("/baocao 2025-11")
    await chat.text("45")
    restarted = Chat(Conversation(conversation.services))
    assert "3/" in await restarted.text("60")
    await restarted.text("xong hết")
    await restarted.text("có")
    assert [shown for *_, shown in stored(sample_sessions)] == ["45%", "60%"]


@pytest.mark.parametrize(
    ("unit", "role", "refusal"),
    [
        ("Trường THCS Hoa Lư", Role.TEACHER, "Chỉ hiệu trưởng hoặc người báo cáo"),
        ("UBND phường Hoa Lư", Role.STAFF, "Xem tổng hợp bằng /tonghop"),
    ],
)
async def test_who_cannot_report(
    conversation: Conversation,
    sample_sessions: sessionmaker[Session],
    unit: str,
    role: Role,
    refusal: str,
) -> None:
    chat = await registered(conversation, sample_sessions, unit, role)
    assert refusal in await chat.text("/baocao")
    assert stored(sample_sessions) == []


async def test_a_principal_cannot_confirm_for_another_school(
    conversation: Conversation, sample_sessions: sessionmaker[Session], clock: Clock
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    await chat.text("/baocao")
    await chat.text("45")
    await chat.text("xong hết")
    with sample_sessions.begin() as session:  # moved to another school meanwhile
        other = find_unit(session, "Trường THPT Ninh Bình")
        enrol(session, Account("telegram", "u1", "u1", "Cô Lan"), Role.REPORTER, other, clock.now)
    with sample_sessions.begin() as session:
        person = find_person(session, "telegram", "u1")
        school = find_unit(session, "Trường THCS Hoa Lư")
        assert person is not None and school is not None
        assert not person.can_report_for(school)
    assert "chỉ báo cáo được cho trường của mình" in await chat.text("có")
    assert stored(sample_sessions) == []


def test_two_reporters_confirming_at_once_lose_nothing(
    sample_sessions: sessionmaker[Session],
) -> None:
    now = datetime(2025, 11, 3, tzinfo=UTC)
    period = Period.parse("2025-11")
    with sample_sessions.begin() as session:
        school = find_unit(session, "Trường THCS Hoa Lư")
        assert school is not None
        items = [item.id for item in targets_for(session, school)[:3]]
        for number in (1, 2):
            account = Account("telegram", f"r{number}", f"r{number}", f"Người {number}")
            enrol(session, account, Role.REPORTER, school, now)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def confirm(number: int, figures: list[float]) -> None:
        try:
            with sample_sessions.begin() as session:
                school = find_unit(session, "Trường THCS Hoa Lư")
                person = find_person(session, "telegram", f"r{number}")
                assert school is not None and person is not None
                values = {
                    i: Value("percent", f, f"{f:g}%") for i, f in zip(items, figures, strict=True)
                }
                barrier.wait()
                record(session, school, person, period, values, now)
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=confirm, args=(1, [10.0, 20.0, 30.0])),
        threading.Thread(target=confirm, args=(2, [11.0, 21.0, 31.0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with sample_sessions() as session:
        assert session.scalar(select(func.count()).select_from(Progress)) == 3
        changes = session.scalars(select(ProgressChange)).all()
        assert sorted(c.new for c in changes) == ["10%", "11%", "20%", "21%", "30%", "31%"]
        current = {row.item_id: row.shown for row in session.scalars(select(Progress))}
        assert len({current[i][:1] for i in items}) == 3  # each the last confirmed of one


async def test_staff_summary_with_chart_and_workbook(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    principal = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    await principal.text("/baocao 2025-11")
    for answer in ("40", "18/40", "xong hết", "có"):
        await principal.text(answer)
    staff = await registered(conversation, sample_sessions, "UBND phường Hoa Lư", Role.STAFF, "u2")
    replies = await staff.send("/tonghop 2025-11")
    text, image, workbook = replies
    assert isinstance(text, TextReply)
    assert text.text.startswith("Tổng hợp tháng 11/2025 – UBND phường Hoa Lư: 1/3 trường")
    assert "Chưa báo cáo: Trường Mầm non Hoa Lư, Trường Tiểu học Hoa Lư." in text.text
    assert "dưới chỉ tiêu: Trường THCS Hoa Lư" in text.text
    assert "Trường THPT Ninh Bình" not in text.text  # outside the ward
    assert isinstance(image, ImageReply) and image.png.startswith(b"\x89PNG")
    assert isinstance(workbook, FileReply) and workbook.file_name == "tong-hop-2025-11.xlsx"
    book = load_workbook(io.BytesIO(workbook.content))
    assert "Tổng hợp" in book.sheetnames
    teacher = await registered(
        conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER, "u3"
    )
    assert "Chỉ chuyên viên" in await teacher.text("/tonghop")


def test_status_counts_expected_reported_and_missing(
    sample_sessions: sessionmaker[Session],
) -> None:
    now = datetime(2025, 11, 3, tzinfo=UTC)
    period = Period.parse("2025-Q4")
    with sample_sessions.begin() as session:
        school = find_unit(session, "Trường Tiểu học Hoa Lư")
        ward = find_unit(session, "UBND phường Hoa Lư")
        assert school is not None and ward is not None
        person = enrol(
            session, Account("telegram", "r", "r", "Thầy Nam"), Role.REPORTER, school, now
        )
        first = targets_for(session, school)[0]
        record(session, school, person, period, {first.id: Value("percent", 80.0, "80%")}, now)
        status = compute_status(session, period, ward)
    assert status.expected_units == [
        "Trường Mầm non Hoa Lư",
        "Trường THCS Hoa Lư",
        "Trường Tiểu học Hoa Lư",
    ]
    assert status.missing_units == ["Trường Mầm non Hoa Lư", "Trường THCS Hoa Lư"]
    [target] = [t for t in status.targets if t.item_id == first.id]
    assert [v.unit for v in target.reported] == ["Trường Tiểu học Hoa Lư"]
    assert target.median == 80.0
    assert target.below == ["Trường Tiểu học Hoa Lư"]
    assert "Trường Tiểu học Hoa Lư" not in target.missing


async def test_rapid_answers_in_the_flow_keep_their_order(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    await chat.text("/baocao 2025-11")
    await asyncio.gather(*(chat.text(answer) for answer in ("10", "20", "30", "xong hết", "có")))
    assert [shown for *_, shown in stored(sample_sessions)] == ["10%", "20%", "30%"]
