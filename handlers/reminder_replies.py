"""Answering a reminder where it arrived: its buttons ("Báo cáo ngay", "Nhắc lại ngày mai",
"Đã gửi"), or a reply with the figures, which starts the report for the reminder's period
with those figures as the first answers."""

from __future__ import annotations

import re

from sqlalchemy import select

from handlers import questions, reporting
from handlers.periods import Period
from handlers.progress import mark_submitted
from handlers.turn import Turn
from scheduler import outbox
from scheduler.outbox import Reminder

_PARTS = re.compile(r"[;\n]+")
_DIGIT = re.compile(r"\d")


def _own(turn: Turn, reminder_id: str | int) -> Reminder | None:
    """The person's own reminder with this id, or None after saying why."""
    reminder = turn.session.get(Reminder, int(reminder_id)) if str(reminder_id).isdigit() else None
    if reminder is None or turn.person is None or reminder.person_id != turn.person.id:
        turn.say("Lời nhắc này không còn hiệu lực. Gõ /baocao để báo cáo.")
        return None
    return reminder


def button(turn: Turn, rest: str) -> None:
    """rem:now:<id>, rem:later:<id>, rem:done:<id>."""
    action, _, reminder_id = rest.partition(":")
    reminder = _own(turn, reminder_id)
    if reminder is None:
        return
    period = Period.parse(reminder.period)
    if action == "now":
        reporting.begin(turn, reminder.unit, reminder.period)
    elif action == "later":
        at = outbox.snooze(turn.session, reminder, turn.services.policy, turn.today)
        local = at.astimezone(turn.services.zone)
        turn.say(f"Được, mình sẽ nhắc lại lúc {local:%H:%M} ngày {local:%d/%m}.")
    elif action == "done":
        assert turn.person is not None
        if not turn.person.can_report_for(reminder.unit):
            turn.say("Bạn chỉ báo cáo được cho trường của mình.")
            return
        mark_submitted(turn.session, reminder.unit, turn.person, period, turn.now)
        turn.say(
            f"Đã ghi nhận {reminder.unit.name} đã gửi báo cáo {period.label}."
            " Kỳ này mình không nhắc nữa."
        )
    else:
        turn.say("Nút này đã cũ. Gõ /trogiup để xem các lệnh.")


def replied(turn: Turn, text: str) -> bool:
    """A reply (quoting the message) to one of the person's reminders, with figures in it."""
    if turn.message.reply_to is None or turn.person is None or not _DIGIT.search(text):
        return False
    reminder = turn.session.scalar(
        select(Reminder).where(
            Reminder.person_id == turn.person.id,
            Reminder.message_id == turn.message.reply_to,
            Reminder.kind == outbox.REMIND,
        )
    )
    if reminder is None:
        return False
    _report_with(turn, reminder, text)
    return True


def answer(turn: Turn, text: str) -> None:
    """The first message after a reminder: figures start the report, anything else is a
    question as usual."""
    reminder_id = turn.state.data.get("reminder")
    reminder = turn.session.get(Reminder, reminder_id) if isinstance(reminder_id, int) else None
    turn.state.reset()
    if reminder is None or turn.person is None or reminder.person_id != turn.person.id:
        questions.answer(turn, text)
    elif _DIGIT.search(text):
        _report_with(turn, reminder, text)
    else:
        questions.answer(turn, text)


def _report_with(turn: Turn, reminder: Reminder, text: str) -> None:
    """Start the report for the reminder's period and take each line (or part between
    semicolons) as the answer to the next target; only the last question stays on screen."""
    reporting.begin(turn, reminder.unit, reminder.period)
    if turn.state.step != reporting.STEP:
        return
    intro = turn.replies[:1]
    for part in (part.strip() for part in _PARTS.split(text)):
        if not part or turn.state.step != reporting.STEP:
            continue
        turn.replies.clear()
        turn.state.step = None
        reporting.answer(turn, part)
    turn.replies[:0] = intro
