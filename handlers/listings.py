"""/hanchot and /chitieu: what is due soon and which targets apply, for the asker's unit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.turn import Turn
from knowledge.store import ItemRecord, PlanRecord, deadlines
from knowledge.text import shorten

WINDOW_DAYS = 30
MAX_LINES = 12


def _dmy(day: object) -> str:
    return f"{day:%d/%m/%Y}"


def _more(total: int, shown: int, hint: str) -> list[str]:
    return [f"… và {total - shown} mục khác. {hint}"] if total > shown else []


def upcoming(turn: Turn, _args: str) -> None:
    """Deadlines and reporting dates of the unit's plans in the next 30 days."""
    person, today = turn.person, turn.today
    plan_ids = person.plan_ids() if person else None
    if plan_ids == []:
        turn.say("Đơn vị của bạn chưa gắn với kế hoạch nào. Hãy báo quản trị viên.")
        return
    end = today + timedelta(days=WINDOW_DAYS)
    found = deadlines(turn.session, today, end, plan_ids)
    unit = person.unit if person else None
    if unit is not None and found:
        query = select(ItemRecord.id, ItemRecord.applies_to).where(
            ItemRecord.id.in_({entry.item_id for entry in found})
        )
        levels: dict[int, list[str]] = dict(turn.session.execute(query).all())
        found = [entry for entry in found if unit.follows(levels.get(entry.item_id, []))]
    window = f"từ {_dmy(today)} đến {_dmy(end)}"
    if not found:
        turn.say(f"Không có hạn nào {window}.")
        return
    lines = [f"Các hạn {window}:"]
    for entry in found[:MAX_LINES]:
        left = (entry.due - today).days
        when = "hôm nay" if left == 0 else f"còn {left} ngày"
        lines.append(
            f"• {_dmy(entry.due)} ({when}): {shorten(entry.text, 110)}"
            f" — {entry.plan}, mục {entry.section}"
        )
    lines += _more(len(found), MAX_LINES, "Hỏi cụ thể bằng /hoi.")
    turn.say("\n".join(lines))


def targets(turn: Turn, _args: str) -> None:
    """The targets of the unit's plans that concern its school level."""
    person = turn.person
    plan_ids = person.plan_ids() if person else None
    query = select(ItemRecord).join(PlanRecord).where(ItemRecord.kind == "target")
    if plan_ids is not None:
        query = query.where(ItemRecord.plan_id.in_(plan_ids))
    items = list(turn.session.scalars(query.order_by(PlanRecord.id, ItemRecord.position)))
    unit = person.unit if person else None
    if unit is not None:
        items = [item for item in items if unit.follows(item.applies_to)]
    if not items:
        turn.say("Chưa có chỉ tiêu nào áp dụng cho đơn vị của bạn.")
        return
    lines: list[str] = []
    plan_name = None
    for item in items[:MAX_LINES]:
        if item.plan.display_name != plan_name:
            plan_name = item.plan.display_name
            lines.append(f"Chỉ tiêu – {plan_name}:")
        lines.append(f"• {shorten(item.text, 130)} (mục {item.section})")
    lines += _more(len(items), MAX_LINES, "Hỏi cụ thể, ví dụ: /hoi chỉ tiêu chữ ký số.")
    turn.say("\n".join(lines))
