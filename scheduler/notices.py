"""What a reminder says, worked out when it is sent: days left, what the school still owes,
or, for staff, which schools are late."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.messages import Button, TextReply
from handlers.periods import Period
from handlers.progress import ReportState, report_state
from handlers.status import plain
from handlers.units import Unit, subtree_ids
from knowledge.text import shorten
from scheduler.due_dates import DueDate
from scheduler.outbox import DIGEST, Reminder
from scheduler.policy import OVERDUE

MAX_MISSING = 3
MAX_UNITS = 15


def _source(reminder: Reminder) -> str:
    item = reminder.item
    return f"Theo {item.plan.display_name}, mục {item.section}."


def _when(due: date, today: date) -> str:
    days = (due - today).days
    if days > 0:
        return f"hạn {due:%d/%m/%Y} (còn {days} ngày)"
    if days == 0:
        return f"hạn {due:%d/%m/%Y} (hôm nay là hạn cuối)"
    return f"hạn {due:%d/%m/%Y} (đã quá {-days} ngày)"


def buttons(reminder: Reminder, can_report: bool) -> list[list[Button]]:
    first = [Button("Báo cáo ngay", f"rem:now:{reminder.id}")] if can_report else []
    later = (
        []
        if reminder.offset == OVERDUE
        else [Button("Nhắc lại ngày mai", f"rem:later:{reminder.id}")]
    )
    return [row for row in (first, [*later, Button("Đã gửi", f"rem:done:{reminder.id}")]) if row]


class States:
    """Report states read once per unit and period while a batch of reminders is written:
    many principals of one school share them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[tuple[int, str], ReportState] = {}

    def of(self, unit: Unit, period: Period) -> ReportState:
        key = (unit.id, period.code)
        if key not in self._found:
            self._found[key] = report_state(self.session, unit, period)
        return self._found[key]


def render(states: States, reminder: Reminder, today: date) -> TextReply | None:
    """The message, or None when there is nothing left to remind of (or it is no longer
    wanted)."""
    if not reminder.still_wanted:
        return None
    if reminder.kind == DIGEST:
        return _digest(states, reminder, today)
    unit, period = reminder.unit, Period.parse(reminder.period)
    state = states.of(unit, period)
    if state.complete:
        return None
    overdue = reminder.offset == OVERDUE or reminder.due_on < today
    title = "⚠️ Quá hạn báo cáo" if overdue else "⏰ Nhắc hạn báo cáo"
    lines = [
        f"{title} {period.label}",
        f"{unit.name}: {_when(reminder.due_on, today)}.",
        f"Nội dung: {shorten(plain(reminder.item.text), 160)}",
        _source(reminder),
    ]
    targets, missing = state.targets, state.missing
    if missing:
        names = "; ".join(shorten(plain(item.text), 60) for item in missing[:MAX_MISSING])
        more = (
            f" và {len(missing) - MAX_MISSING} chỉ tiêu khác" if len(missing) > MAX_MISSING else ""
        )
        lines.append(f"Còn thiếu {len(missing)}/{len(targets)} chỉ tiêu: {names}{more}.")
        lines.append("Trả lời tin này bằng số liệu (vd 45%, 18/40) hoặc chọn:")
    return TextReply("\n".join(lines), tuple(map(tuple, buttons(reminder, bool(missing)))))


def late_units(states: States, reminder: Reminder) -> list[tuple[Unit, str]]:
    """The schools under the staff member's unit that owe this report and have not sent it,
    each with what is missing."""
    period = Period.parse(reminder.period)
    session = states.session
    owing = session.scalars(
        select(Unit)
        .join(DueDate, DueDate.unit_id == Unit.id)
        .where(
            DueDate.item_id == reminder.item_id,
            DueDate.period == reminder.period,
            Unit.id.in_(subtree_ids(session, reminder.unit_id)),
        )
        .order_by(Unit.name)
    )
    late: list[tuple[Unit, str]] = []
    for unit in owing:
        state = states.of(unit, period)
        if state.complete:
            continue
        missing, targets = state.missing, state.targets
        partly = targets and len(missing) < len(targets)
        late.append((unit, f"thiếu {len(missing)} chỉ tiêu" if partly else "chưa báo cáo"))
    return late


def _digest(states: States, reminder: Reminder, today: date) -> TextReply | None:
    late = late_units(states, reminder)
    if not late:
        return None
    period = Period.parse(reminder.period)
    lines = [
        f"📋 Quá hạn báo cáo {period.label} – {_when(reminder.due_on, today)}.",
        f"{len(late)} trường chưa báo cáo đủ:",
        *(f"• {unit.name} ({what})" for unit, what in late[:MAX_UNITS]),
    ]
    if len(late) > MAX_UNITS:
        lines.append(f"… và {len(late) - MAX_UNITS} trường khác.")
    lines += [_source(reminder), f"Xem chi tiết: /tonghop {period.code}"]
    return TextReply("\n".join(lines))
