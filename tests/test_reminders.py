"""Reminders: when they go out (monthly, quarterly, one-off; quiet hours; personal choices),
that they stop once a school has reported, and that they can be answered where they arrive.

Messages go through the real Telegram channel to the fake Bot API; buttons and replies come
back through the conversation core, as a user's taps and replies would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from conftest import Clock
from fake_telegram import FakeTelegram
from fake_zalo import FakeZalo
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_conversation import Chat, registered, said

from bot.media import MediaStore
from bot.telegram import TelegramChannel
from bot.zalo import ZaloChannel, ZaloClient
from handlers.conversation import Conversation
from handlers.messages import Incoming, TextReply
from handlers.people import Account, Person, Role, enrol, find_person
from handlers.periods import Period
from handlers.progress import Progress, Value, record, targets_for
from handlers.turn import Services
from handlers.units import find_unit, import_units
from knowledge.live import LiveEngine
from scheduler import due_dates, outbox
from scheduler.jobs import JOB_ID, ReminderJobs
from scheduler.outbox import Reminder
from scheduler.policy import ReminderPolicy
from scheduler.sender import ReminderSender, Retry
from scheduler.throttle import Limits

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = ReminderPolicy()
HOA_LU = "Trường THCS Hoa Lư"


def local(year: int, month: int, day: int, hour: int = 7, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


class StandIn:
    async def handle(self, message: Incoming) -> list[TextReply]:
        return []


@dataclass
class Bench:
    """A sender wired to the fake Bot API, with the conversation core for the replies."""

    telegram: FakeTelegram
    sender: ReminderSender
    sessions: sessionmaker[Session]
    conversation: Conversation
    clock: Clock

    async def tick(self, moment: datetime) -> list[str]:
        """Run the sender at `moment`; the texts delivered by that run."""
        self.clock.now = moment.astimezone(UTC)
        before = len(self.telegram.texts)
        await self.sender.send_due(moment.astimezone(UTC))
        return self.telegram.texts[before:]

    def rows(self, **where: object) -> list[Reminder]:
        with self.sessions() as session:
            query = select(Reminder).filter_by(**where).order_by(Reminder.id)
            return list(session.scalars(query))


def unpaced(
    sessions: sessionmaker[Session], channel: TelegramChannel | ZaloChannel
) -> ReminderSender:
    """A sender for one channel with no pace to wait for and quick retries."""
    return ReminderSender(
        sessions,
        {channel.name: channel},
        POLICY,
        {channel.name: Limits(1000.0, 0.0)},
        only_sender=True,
        retry=Retry(attempts=3, first_delay=0.01),
    )


@pytest.fixture
async def bench(
    sample_sessions: sessionmaker[Session], conversation: Conversation, clock: Clock
) -> AsyncIterator[Bench]:
    async with FakeTelegram() as telegram:
        channel = TelegramChannel(
            telegram.token,
            StandIn(),
            base_url=telegram.base_url,
            file_base_url=telegram.file_base_url,
        )
        await channel.connect()
        sender = unpaced(sample_sessions, channel)
        yield Bench(telegram, sender, sample_sessions, conversation, clock)
        await channel.stop()


async def principal(bench: Bench, unit: str = HOA_LU, user_id: str = "101") -> Chat:
    return await registered(bench.conversation, bench.sessions, unit, Role.REPORTER, user_id)


def planned(
    sessions: sessionmaker[Session], first: date, last: date, policy: ReminderPolicy = POLICY
) -> list[outbox.Planned]:
    with sessions.begin() as session:
        start = datetime.combine(first, time.min, ZONE)
        end = datetime.combine(last, time.max, ZONE)
        return outbox.plan(session, policy, start, end)


def report_everything(sessions: sessionmaker[Session], user_id: str, period: Period) -> None:
    with sessions.begin() as session:
        person = find_person(session, "telegram", user_id)
        assert person is not None and person.unit is not None
        values = {
            item.id: Value("percent", 50.0, "50%") for item in targets_for(session, person.unit)
        }
        record(session, person.unit, person, period, values, datetime.now(UTC))


async def test_monthly_reminders_at_half_past_seven_then_overdue(bench: Bench) -> None:
    await principal(bench)
    sent = await bench.tick(local(2025, 11, 13, 7, 29))
    assert sent == []
    sent = await bench.tick(local(2025, 11, 13))
    assert len(sent) == 1 and "tháng 11/2025" in sent[0] and "còn 7 ngày" in sent[0]
    assert "20/11/2025" in sent[0] and "Ninh Bình – 27/KH-SGDĐT, mục V.3" in sent[0]
    assert await bench.tick(local(2025, 11, 13, 15)) == []  # once per offset
    assert "còn 3 ngày" in (await bench.tick(local(2025, 11, 17)))[0]
    assert "còn 1 ngày" in (await bench.tick(local(2025, 11, 19)))[0]
    assert "hôm nay là hạn cuối" in (await bench.tick(local(2025, 11, 20)))[0]
    overdue = await bench.tick(local(2025, 11, 21))
    assert len(overdue) == 1 and "Quá hạn" in overdue[0] and "đã quá 1 ngày" in overdue[0]
    assert await bench.tick(local(2025, 11, 22)) == []
    assert [row.offset for row in bench.rows(period="2025-11")] == [7, 3, 1, 0, -1]
    assert all(row.status == outbox.SENT and row.message_id for row in bench.rows())


async def test_quarterly_and_one_off_due_dates(bench: Bench) -> None:
    await principal(bench, "Trường THCS Tam Chúc", "102")
    await principal(bench, "Trường THCS Lê Chân", "103")
    quarterly = [
        (entry.send_at.astimezone(ZONE), entry.period.code)
        for entry in planned(bench.sessions, date(2026, 3, 1), date(2026, 6, 30))
    ]
    assert quarterly == [  # the plan is in force from 06/2026: nothing for March
        (local(2026, 6, 3), "2026-Q2"),
        (local(2026, 6, 7), "2026-Q2"),
        (local(2026, 6, 9), "2026-Q2"),
        (local(2026, 6, 10), "2026-Q2"),
        (local(2026, 6, 11), "2026-Q2"),
    ]
    one_off = planned(bench.sessions, date(2025, 5, 1), date(2025, 5, 31))
    assert {(e.due, e.period.code) for e in one_off} == {(date(2025, 5, 25), "2025-05")}
    sent = await bench.tick(local(2025, 5, 22))
    assert len(sent) == 1 and "25/05/2025" in sent[0] and "Hải Phòng" in sent[0]


async def test_quiet_hours_and_a_late_start_send_only_the_latest(bench: Bench) -> None:
    await principal(bench)
    evening = ReminderPolicy(at=time(22, 0))
    times = {
        e.send_at.astimezone(ZONE)
        for e in planned(bench.sessions, date(2025, 11, 13), date(2025, 11, 13), evening)
    }
    assert times == {local(2025, 11, 13, 7, 0)}  # 22:00 is in the night: 07:00 that day
    assert await bench.tick(local(2025, 11, 17, 22, 30)) == []  # quiet: nothing goes out
    sent = await bench.tick(local(2025, 11, 18, 7, 0))
    assert len(sent) == 1 and "còn 2 ngày" in sent[0]  # the 3-day one, not the missed 7-day one
    assert [row.offset for row in bench.rows()] == [3]


async def test_personal_choice_last_only_or_off(bench: Bench) -> None:
    chat = await principal(bench)
    await chat.send(payload="remind:last")
    offsets = [e.offset for e in planned(bench.sessions, date(2025, 11, 1), date(2025, 11, 30))]
    assert offsets == [0, -1]
    await chat.send("/nhacnho tắt")
    assert planned(bench.sessions, date(2025, 11, 1), date(2025, 11, 30)) == []


async def test_a_school_that_reported_gets_no_more(bench: Bench) -> None:
    await principal(bench)
    assert len(await bench.tick(local(2025, 11, 13))) == 1
    with bench.sessions.begin() as session:
        unit = find_unit(session, HOA_LU)
        assert unit is not None
        first = targets_for(session, unit)[0]
        total = len(targets_for(session, unit))
        someone = session.scalars(select(Person)).one()
        value = {first.id: Value("percent", 10.0, "10%")}
        record(session, unit, someone, Period(2025, "month", 11), value, datetime.now(UTC))
    partly = await bench.tick(local(2025, 11, 17))
    assert f"Còn thiếu {total - 1}/{total} chỉ tiêu" in partly[0]
    report_everything(bench.sessions, "101", Period(2025, "month", 11))
    assert await bench.tick(local(2025, 11, 19)) == []
    assert await bench.tick(local(2025, 11, 21)) == []
    assert [row.offset for row in bench.rows(period="2025-11")] == [7, 3]


async def test_buttons_report_now_snooze_and_already_sent(bench: Bench) -> None:
    chat = await principal(bench)
    await bench.tick(local(2025, 12, 13))  # month 2025-12 and quarter 2025-Q4, both due 20/12
    quarter = bench.rows(period="2025-Q4")[0]
    month = bench.rows(period="2025-12")[0]
    markup = bench.telegram.calls("sendMessage")[-1].params["reply_markup"]
    labels = [button["text"] for row in markup["inline_keyboard"] for button in row]
    assert labels == ["Báo cáo ngay", "Nhắc lại ngày mai", "Đã gửi"]

    started = await chat.text(payload=f"rem:now:{quarter.id}")
    assert "Báo cáo quý IV/2025" in started and "1/" in started
    await chat.send("/huy")

    assert "07:30 ngày 14/12" in await chat.text(payload=f"rem:later:{month.id}")
    again = await bench.tick(local(2025, 12, 14))
    assert len(again) == 1 and "tháng 12/2025" in again[0] and "còn 6 ngày" in again[0]

    assert "không nhắc nữa" in await chat.text(payload=f"rem:done:{quarter.id}")
    sent = await bench.tick(local(2025, 12, 17))
    assert len(sent) == 1 and "tháng 12/2025" in sent[0]  # the quarter is left alone

    stranger = await principal(bench, "Trường THCS Lê Chân", "104")
    assert "không còn hiệu lực" in await stranger.text(payload=f"rem:done:{month.id}")


async def test_a_reply_with_figures_reports_for_the_reminders_period(bench: Bench) -> None:
    chat = await principal(bench)
    await bench.tick(local(2025, 12, 13))
    quarter = bench.rows(period="2025-Q4")[0]
    assert quarter.message_id is not None
    answer = await chat.text("45%", reply_to=quarter.message_id)
    assert "Báo cáo quý IV/2025" in answer and "2/" in answer
    while "Gửi báo cáo này?" not in answer:
        answer = await chat.text("bỏ qua")
    assert "Đã ghi nhận 1 chỉ tiêu quý IV/2025" in await chat.text("có")
    with bench.sessions() as session:
        rows = session.scalars(select(Progress)).all()
        assert [(row.period, row.shown) for row in rows] == [("2025-Q4", "45%")]


async def test_the_message_after_a_reminder_can_carry_the_figures(bench: Bench) -> None:
    chat = await principal(bench)
    await bench.tick(local(2025, 11, 13))
    answer = await chat.text("30%; 40%")
    assert "Báo cáo tháng 11/2025" in answer and "3/" in answer  # two answered, third asked
    await chat.send("/huy")
    await bench.tick(local(2025, 11, 17))
    answer = await chat.text("hạn báo cáo hằng tháng ở Ninh Bình?")
    assert "ngày 20" in answer and "Báo cáo tháng" not in answer  # a question stays a question


async def test_a_digit_presses_the_reminders_numbered_choice(bench: Bench) -> None:
    chat = await principal(bench)
    await bench.tick(local(2025, 11, 13))
    assert "07:30 ngày 14/11" in await chat.text("2")  # 1 Báo cáo ngay, 2 Nhắc lại, 3 Đã gửi


async def test_staff_get_one_digest_of_the_late_schools(bench: Bench) -> None:
    await principal(bench)
    await principal(bench, "Trường Tiểu học Hoa Lư", "104")
    await registered(bench.conversation, bench.sessions, "UBND phường Hoa Lư", Role.STAFF, "201")
    await registered(
        bench.conversation, bench.sessions, "Phòng GDĐT quận Lê Chân", Role.STAFF, "202"
    )
    report_everything(bench.sessions, "104", Period(2025, "month", 11))
    await bench.tick(local(2025, 11, 20))
    sent = await bench.tick(local(2025, 11, 21))
    digests = [text for text in sent if text.startswith("📋")]
    assert len(digests) == 1
    assert "Trường THCS Hoa Lư (chưa báo cáo)" in digests[0]
    assert "Trường Mầm non Hoa Lư" in digests[0] and "Tiểu học Hoa Lư" not in digests[0]
    with bench.sessions() as session:
        query = select(Person.user_id).join(Reminder).where(Reminder.kind == outbox.DIGEST)
        assert session.scalars(query).all() == ["201"]
    assert await bench.tick(local(2025, 11, 22)) == []


async def test_due_dates_follow_changes_to_the_units(
    sample_sessions: sessionmaker[Session],
) -> None:
    with sample_sessions.begin() as session:
        before = due_dates.due_between(session, date(2025, 11, 1), date(2025, 11, 30))
        import_units(
            session,
            "name,kind,level,parent,plan\nTrường THCS Ninh Nhất,truong,thcs,UBND phường Hoa Lư,\n",
        )
        after = due_dates.due_between(session, date(2025, 11, 1), date(2025, 11, 30))
        new = find_unit(session, "Trường THCS Ninh Nhất")
        assert new is not None
    assert len(after) == len(before) + 1
    assert [(d.due, d.period.code) for d in after if d.unit_id == new.id] == [
        (date(2025, 11, 20), "2025-11")
    ]


async def test_on_zalo_the_buttons_are_numbered_and_a_429_is_waited_out(
    sample_sessions: sessionmaker[Session], conversation: Conversation, clock: Clock
) -> None:
    with sample_sessions.begin() as session:
        enrol(
            session,
            Account("zalo", "z1", "z1", "Cô Hoa"),
            Role.REPORTER,
            find_unit(session, HOA_LU),
            clock(),
        )
    async with FakeZalo() as zalo:
        channel = ZaloChannel(
            ZaloClient(zalo.base_url, zalo.token),
            StandIn(),
            secret="zalo-secret-123",
            media=MediaStore(),
            public_url=None,
        )
        sender = unpaced(sample_sessions, channel)
        zalo.fail("sendMessage", status=429, retry_after=0.2)
        outcome = await sender.send_due(local(2025, 11, 13).astimezone(UTC))
        await channel.stop()
    assert (outcome.sent, outcome.rate_limited) == (1, 1)
    [text] = zalo.texts
    assert "tháng 11/2025" in text
    assert "1. Báo cáo ngay\n2. Nhắc lại ngày mai\n3. Đã gửi" in text
    clock.now = local(2025, 11, 13, 8).astimezone(UTC)
    replies = await conversation.handle(Incoming("zalo", "z1", "z1", "3"))
    assert "không nhắc nữa" in said(replies)


async def test_turning_reminders_off_skips_those_already_queued(bench: Bench) -> None:
    chat = await principal(bench)
    with bench.sessions.begin() as session:
        outbox.create_due(session, POLICY, local(2025, 11, 13).astimezone(UTC))
    await chat.send("/nhacnho tắt")
    assert await bench.tick(local(2025, 11, 13, 8)) == []
    assert [row.status for row in bench.rows()] == [outbox.SKIPPED]


class CountingSender:
    def __init__(self) -> None:
        self.runs = 0

    async def send_due(self) -> None:
        self.runs += 1
        raise RuntimeError("database away")


async def test_the_tick_runs_at_start_survives_errors_and_is_scheduled_once() -> None:
    sender = CountingSender()
    jobs = ReminderJobs(sender, tick_seconds=1, zone=ZONE)  # type: ignore[arg-type]
    jobs.start()
    try:
        await asyncio.sleep(1.5)
        assert sender.runs == 2  # at once, then a second later, despite the error
        assert [job.id for job in jobs._scheduler.get_jobs()] == [JOB_ID]
    finally:
        await jobs.stop()
    runs = sender.runs
    await asyncio.sleep(1.2)
    assert sender.runs == runs


async def test_the_reminder_menu_names_the_configured_days(
    sample_sessions: sessionmaker[Session], clock: Clock
) -> None:
    services = Services(
        sample_sessions,
        LiveEngine(sample_sessions),
        ZONE,
        clock,
        ReminderPolicy(days_before=(5, 2, 0)),
    )
    chat = await registered(Conversation(services), sample_sessions, HOA_LU, Role.REPORTER, "101")
    assert "nhắc đủ (5, 2 ngày trước và đúng hạn)" in await chat.text("/nhacnho")


async def test_a_batch_with_nothing_left_to_say_does_not_end_the_run(bench: Bench) -> None:
    await principal(bench, HOA_LU, "101")
    await principal(bench, HOA_LU, "102")
    await principal(bench, "Trường Tiểu học Hoa Lư", "103")
    with bench.sessions.begin() as session:
        outbox.create_due(session, POLICY, local(2025, 11, 13).astimezone(UTC))
    report_everything(bench.sessions, "101", Period(2025, "month", 11))
    bench.sender.batch = 1
    sent = await bench.tick(local(2025, 11, 13, 8))
    assert len(sent) == 1 and "Trường Tiểu học Hoa Lư" in sent[0]
    assert [row.status for row in bench.rows()] == [outbox.SKIPPED, outbox.SKIPPED, outbox.SENT]
