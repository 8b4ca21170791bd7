"""The conversation core, played message by message on the sample plans and units."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import Clock
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers.conversation import SORRY, TOO_LONG, Conversation
from handlers.guide import NOT_REGISTERED, TEXT_ONLY
from handlers.invites import MAX_FAILURES, create_invite, revoke_invite
from handlers.messages import Attachment, Incoming, Reply, TextReply
from handlers.people import Person, ReminderChoice, Role, find_person, parse_role
from handlers.state import ConversationState
from handlers.units import find_unit
from knowledge.store import list_plans

DA_LAT = Path(__file__).parent / "data" / "da-lat-2025-2026.md"


def said(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies if isinstance(reply, TextReply))


class Chat:
    """One chat account talking to the core."""

    def __init__(self, conversation: Conversation, user_id: str = "u1") -> None:
        self.conversation = conversation
        self.user_id = user_id

    async def send(self, text: str = "", **extra: object) -> list[Reply]:
        message = Incoming("telegram", self.user_id, self.user_id, text, "Cô Lan", **extra)  # type: ignore[arg-type]
        return await self.conversation.handle(message)

    async def text(self, text: str = "", **extra: object) -> str:
        return said(await self.send(text, **extra))


def invite_code(
    sessions: sessionmaker[Session], unit: str, role: Role, now: datetime, **options: int
) -> str:
    with sessions.begin() as session:
        found = find_unit(session, unit)
        assert found is not None
        return create_invite(session, found, role, now, **options)[1]


async def registered(
    conversation: Conversation,
    sessions: sessionmaker[Session],
    unit: str,
    role: Role,
    user_id: str = "u1",
) -> Chat:
    chat = Chat(conversation, user_id)
    code = invite_code(sessions, unit, role, conversation.services.clock())
    assert "Đăng ký xong" in await chat.text(f"/start {code}")
    return chat


def person(sessions: sessionmaker[Session], user_id: str = "u1") -> Person | None:
    with sessions() as session:
        return find_person(session, "telegram", user_id)


async def test_a_stranger_is_told_how_to_register(conversation: Conversation) -> None:
    chat = Chat(conversation)
    assert await chat.text("hạn báo cáo quý 4?") == NOT_REGISTERED
    assert await chat.text("/hanchot") == NOT_REGISTERED
    assert "mã mời" in await chat.text("/start")


async def test_start_with_a_code_registers_once(
    conversation: Conversation, sample_sessions: sessionmaker[Session], clock: Clock
) -> None:
    code = invite_code(sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER, clock.now)
    first = await Chat(conversation, "u1").text(f"/start {code.lower()}")
    assert "hiệu trưởng / người báo cáo của Trường THCS Hoa Lư" in first
    registered_person = person(sample_sessions, "u1")
    assert registered_person is not None
    assert registered_person.role == Role.REPORTER
    assert "đã được dùng hết" in await Chat(conversation, "u2").text(f"/start {code}")
    assert person(sample_sessions, "u2") is None


async def test_a_bare_code_registers_too(
    conversation: Conversation, sample_sessions: sessionmaker[Session], clock: Clock
) -> None:
    code = invite_code(sample_sessions, "Trường Tiểu học Lê Chân", Role.TEACHER, clock.now)
    assert "giáo viên của Trường Tiểu học Lê Chân" in await Chat(conversation).text(code)


async def test_expired_and_revoked_codes_are_refused(
    conversation: Conversation, sample_sessions: sessionmaker[Session], clock: Clock
) -> None:
    expiring = invite_code(sample_sessions, "Trường THCS Lê Chân", Role.TEACHER, clock.now, days=1)
    revoked = invite_code(sample_sessions, "Trường THCS Lê Chân", Role.TEACHER, clock.now)
    with sample_sessions.begin() as session:
        assert revoke_invite(session, revoked, clock.now) is not None
    clock.now += timedelta(days=1, seconds=1)
    assert "hết hạn" in await Chat(conversation).text(f"/start {expiring}")
    assert "thu hồi" in await Chat(conversation).text(f"/start {revoked}")
    assert person(sample_sessions) is None


async def test_guessing_codes_locks_the_account_out(
    conversation: Conversation, sample_sessions: sessionmaker[Session], clock: Clock
) -> None:
    chat = Chat(conversation)
    for attempt in range(MAX_FAILURES):
        assert "không đúng" in await chat.text(f"/start WRONGCODE{attempt}")
    good = invite_code(sample_sessions, "Trường THCS Lê Chân", Role.TEACHER, clock.now)
    assert "quá nhiều lần" in await chat.text(f"/start {good}")
    assert person(sample_sessions) is None
    clock.now += timedelta(minutes=16)
    assert "Đăng ký xong" in await chat.text(f"/start {good}")


async def test_questions_are_answered_within_the_askers_plan(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    ninh_binh = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    tam_chuc = await registered(
        conversation, sample_sessions, "Trường THCS Tam Chúc", Role.TEACHER, "u2"
    )
    answer = await ninh_binh.text("han bao cao quy 4?")
    assert answer.startswith("Hạn báo cáo quý IV/2025: 20/12/2025")
    assert "Nguồn: Ninh Bình" in answer
    other = await tam_chuc.text("hạn báo cáo quý 4?")
    assert "Nguồn: Tam Chúc" in other
    assert "Ninh Bình" not in other
    named = await tam_chuc.text("/hoi hạn báo cáo quý 4 ở Ninh Bình?")
    assert "Nguồn: Ninh Bình" in named


async def test_a_waiting_question_survives_a_restart(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    assert "Bạn muốn hỏi gì" in await chat.text("/hoi")
    restarted = Chat(Conversation(conversation.services))
    assert "Nguồn: Ninh Bình" in await restarted.text("ai chủ trì kho học liệu số dùng chung")
    assert "Không có thao tác" in await restarted.text("/huy")


async def test_cancel_drops_the_pending_step(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    await chat.text("/hoi")
    assert await chat.text("/huy") == "Đã hủy."
    with sample_sessions() as session:
        state = session.get(ConversationState, ("telegram", "u1"))
        assert state is not None
        assert state.step is None


async def test_unknown_commands_get_help_and_change_nothing(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    await chat.text("/hoi")
    reply = await chat.text("/xyz")
    assert reply.startswith("Không có lệnh /xyz.")
    assert "/hanchot" in reply
    assert "Nguồn:" in await chat.text("hạn báo cáo hằng tháng")  # still the pending question


async def test_accented_and_underscored_commands(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    assert "Chỉ tiêu – Ninh Bình" in await chat.text("/chỉtiêu")
    assert "Các hạn từ 03/11/2025 đến 03/12/2025" in await chat.text("/han_chot@planbot")


async def test_upcoming_deadlines_of_the_unit(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Tam Chúc", Role.TEACHER)
    assert "Không có hạn nào" in await chat.text("/hanchot")  # Tam Chúc starts in 2026
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER, "u2")
    listing = await chat.text("/hanchot")
    assert "20/11/2025 (còn 17 ngày)" in listing
    assert "Ninh Bình – 27/KH-SGDĐT, mục V.3" in listing


async def test_targets_follow_the_school_level(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    kindergarten = await registered(
        conversation, sample_sessions, "Trường Mầm non Tam Chúc", Role.TEACHER
    )
    secondary = await registered(
        conversation, sample_sessions, "Trường THCS Tam Chúc", Role.TEACHER, "u2"
    )
    young, older = await kindergarten.text("/chitieu"), await secondary.text("/chitieu")
    assert "Chỉ tiêu – Tam Chúc" in young
    assert young != older


async def test_buttons_work_by_press_and_by_digit(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    [menu] = await chat.send("/nhacnho")
    assert isinstance(menu, TextReply)
    assert [b.payload for b in menu.choices] == ["remind:all", "remind:last", "remind:off"]
    assert "tắt nhắc nhở" in await chat.text("3")
    found = person(sample_sessions)
    assert found is not None
    assert found.reminders == ReminderChoice.OFF
    assert "chỉ nhắc lần cuối" in await chat.text(payload="remind:last")
    assert "Nút này đã cũ" in await chat.text(payload="gone:1")


async def test_a_digit_without_choices_is_not_a_question(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    assert "chưa tìm thấy" in await chat.text("1")


async def test_suggestions_become_buttons(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    [reply] = await chat.send("wifi cho học sinh")
    assert isinstance(reply, TextReply)
    assert reply.text.startswith("Mình chưa tìm thấy")
    assert len(reply.choices) == 3
    assert all(b.payload.startswith("item:") for b in reply.choices)
    assert "Nguồn:" in await chat.text("1")


async def test_greetings_and_unsupported_messages(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    assert (await chat.text("Xin chào")).startswith("Chào bạn!")
    assert (await chat.text("cam on nhe")).startswith("Không có gì")
    assert await chat.text(unsupported="sticker") == TEXT_ONLY


async def test_an_oversized_message_changes_nothing(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    await chat.text("/hoi")
    assert await chat.text("a" * 5000) == TOO_LONG
    with sample_sessions() as session:
        state = session.get(ConversationState, ("telegram", "u1"))
        assert state is not None
        assert state.step == "question"


async def test_a_failure_is_apologised_for_and_rolled_back(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)

    def broken(turn: object, _args: str) -> None:
        chat_state = turn.state  # type: ignore[attr-defined]
        chat_state.step = "question"
        raise RuntimeError("boom")

    conversation.commands["hanchot"] = broken
    assert await chat.text("/hanchot") == SORRY
    with sample_sessions() as session:
        state = session.get(ConversationState, ("telegram", "u1"))
        assert state is not None
        assert state.step is None


async def test_one_users_rapid_messages_keep_their_order(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    chat = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
    menu, choice, again = await asyncio.gather(
        chat.text("/nhacnho"), chat.text("3"), chat.text("/nhacnho")
    )
    assert "nhắc đủ (7, 3, 1 ngày trước và đúng hạn)" in menu
    assert choice == "Đã lưu: tắt nhắc nhở."
    assert "hiện đang: tắt nhắc nhở" in again


def upload(path: Path, name: str | None = None) -> Attachment:
    content = path.read_bytes()

    async def download() -> bytes:
        return content

    return Attachment(name or path.name, len(content), download)


async def test_an_admin_uploads_a_plan_and_it_is_answerable(
    conversation: Conversation, sample_sessions: sessionmaker[Session]
) -> None:
    admin = await registered(conversation, sample_sessions, "Sở GDĐT Ninh Bình", Role.ADMIN)
    reply = await admin.text(attachment=upload(DA_LAT))
    assert reply.startswith("Đã nạp kế hoạch Đà Lạt")
    with sample_sessions() as session:
        assert len(list_plans(session)) == 6
    assert "Nguồn: Đà Lạt" in await admin.text("Đà Lạt: hạn cấp tài khoản học bạ số lớp 1?")


async def test_uploads_that_are_refused_change_nothing(
    conversation: Conversation, sample_sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    teacher = await registered(conversation, sample_sessions, "Trường THCS Hoa Lư", Role.TEACHER)
    assert "Chỉ quản trị viên" in await teacher.text(attachment=upload(DA_LAT))
    admin = await registered(conversation, sample_sessions, "Sở GDĐT Ninh Bình", Role.ADMIN, "u2")
    assert "Chỉ nhận tệp" in await admin.text(attachment=upload(DA_LAT, "plan.pdf"))
    binary = tmp_path / "plan.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    assert "Không nạp được “plan.txt”" in await admin.text(attachment=upload(binary))
    with sample_sessions() as session:
        assert len(list_plans(session)) == 5


def test_who_may_report_and_who_sees_what(sample_sessions: sessionmaker[Session]) -> None:
    with sample_sessions.begin() as session:
        units = {
            name: find_unit(session, name)
            for name in (
                "Trường THCS Hoa Lư",
                "Trường THPT Ninh Bình",
                "UBND phường Hoa Lư",
                "Trường THCS Tam Chúc",
            )
        }
        school, other_school, ward, elsewhere = units.values()
        assert school and other_school and ward and elsewhere
        principal = Person(role=Role.REPORTER, unit=school, unit_id=school.id)
        teacher = Person(role=Role.TEACHER, unit=school, unit_id=school.id)
        staff = Person(role=Role.STAFF, unit=ward, unit_id=ward.id)
        assert principal.can_report_for(school)
        assert not principal.can_report_for(other_school)
        assert not teacher.can_report_for(school)
        assert not staff.can_report_for(school)
        assert staff.sees(session, school)
        assert not staff.sees(session, other_school)
        assert not staff.sees(session, elsewhere)
        assert [u.name for u in staff.visible_schools(session)] == [
            "Trường Mầm non Hoa Lư",
            "Trường THCS Hoa Lư",
            "Trường Tiểu học Hoa Lư",
        ]
        assert not principal.sees(session, other_school)
        session.expunge_all()
    with sample_sessions() as session:
        assert session.scalar(select(Person.id)) is None


@pytest.mark.parametrize("role", ["hiệu trưởng", "hieu_truong", "reporter", "nguoi bao cao"])
def test_role_names(role: str) -> None:
    assert parse_role(role) == Role.REPORTER
