"""/nhacnho: each person chooses all reminders, only the last one, or none."""

from __future__ import annotations

from handlers.messages import Button
from handlers.people import ReminderChoice
from handlers.turn import Turn
from knowledge.text import fold
from scheduler.policy import ReminderPolicy


def _names(policy: ReminderPolicy) -> dict[ReminderChoice, str]:
    before = ", ".join(str(day) for day in policy.days_before if day > 0)
    every = f"{before} ngày trước và đúng hạn" if before else "đúng ngày hạn"
    return {
        ReminderChoice.ALL: f"nhắc đủ ({every})",
        ReminderChoice.LAST: "chỉ nhắc lần cuối (đúng ngày hạn)",
        ReminderChoice.OFF: "tắt nhắc nhở",
    }


_TYPED = {
    "bat": ReminderChoice.ALL,
    "du": ReminderChoice.ALL,
    "cuoi": ReminderChoice.LAST,
    "lan cuoi": ReminderChoice.LAST,
    "tat": ReminderChoice.OFF,
}


def reminders(turn: Turn, args: str) -> None:
    """Without arguments: show the setting and offer the choices; `/nhacnho tắt` sets it."""
    if args:
        choice = _TYPED.get(" ".join(fold(args).split()))
        if choice is None:
            turn.say("Dùng: /nhacnho bật, /nhacnho cuối hoặc /nhacnho tắt.")
            return
        choose(turn, choice.value)
        return
    assert turn.person is not None
    names = _names(turn.services.policy)
    current = names[ReminderChoice(turn.person.reminders)]
    buttons = [
        [Button(name.capitalize(), f"remind:{choice.value}")] for choice, name in names.items()
    ]
    turn.say(f"Nhắc hạn báo cáo hiện đang: {current}. Chọn:", buttons)


def choose(turn: Turn, value: str) -> None:
    if turn.person is None or value not in set(ReminderChoice):
        turn.say("Lựa chọn không hợp lệ. Gõ /nhacnho để chọn lại.")
        return
    turn.person.reminders = value
    turn.say(f"Đã lưu: {_names(turn.services.policy)[ReminderChoice(value)]}.")
