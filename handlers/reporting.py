"""/baocao: a principal reports the school's figures target by target, then confirms once.

The answers wait in the conversation state until confirmed, so a restart in the middle
loses nothing and an unconfirmed report stores nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.messages import Button
from handlers.people import Role
from handlers.periods import Period
from handlers.progress import (
    Control,
    Invalid,
    Value,
    current_values,
    due_period,
    hint,
    read_reply,
    record,
    targets_for,
)
from handlers.turn import Turn
from handlers.units import Unit, UnitKind
from knowledge.store import ItemRecord
from knowledge.text import fold, shorten

STEP = "report"
CONFIRM_STEP = "report_confirm"
_CONFIRM_WORDS = {"co", "ok", "gui", "xac nhan", "dong y", "xong"}
_CANCEL_WORDS = {"khong", "huy", "thoi"}


def start(turn: Turn, args: str) -> None:
    """/baocao [kỳ]: the period named, or the one due next."""
    person = turn.person
    assert person is not None
    unit = person.unit
    if person.role != Role.REPORTER or unit is None or unit.kind != UnitKind.TRUONG:
        turn.say(
            "Chỉ hiệu trưởng hoặc người báo cáo của trường mới báo cáo số liệu."
            + (" Xem tổng hợp bằng /tonghop." if person.role in (Role.STAFF, Role.ADMIN) else "")
        )
        return
    begin(turn, unit, args.strip() or None)


def begin(turn: Turn, unit: Unit, period_code: str | None) -> None:
    """Start the flow for `unit`; only its own principal or reporter may."""
    assert turn.person is not None
    if not turn.person.can_report_for(unit):
        turn.say("Bạn chỉ báo cáo được cho trường của mình.")
        return
    due = None
    if period_code is None:
        period, due = due_period(turn.session, unit, turn.today)
    else:
        try:
            period = Period.parse(period_code)
        except ValueError as error:
            turn.say(f"{str(error).capitalize()}.")
            return
    items = targets_for(turn.session, unit)
    if not items:
        turn.say("Trường mình chưa có chỉ tiêu nào cần báo cáo.")
        return
    when = f" (hạn {due:%d/%m/%Y})" if due else ""
    turn.say(
        f"Báo cáo {period.label}{when} – {unit.name}: {len(items)} chỉ tiêu.\n"
        "Trả lời từng câu; “bỏ qua” để qua câu, “sửa” để làm lại câu trước,"
        " “xong hết” để kết thúc sớm."
    )
    turn.wait_for(
        STEP, unit=unit.id, period=period.code, items=[i.id for i in items], at=0, answers={}
    )
    _ask(turn)


def _items(turn: Turn) -> list[ItemRecord]:
    ids = turn.state.data["items"]
    found = {
        i.id: i for i in turn.session.scalars(select(ItemRecord).where(ItemRecord.id.in_(ids)))
    }
    return [found[i] for i in ids if i in found]


def _ask(turn: Turn) -> None:
    data = turn.state.data
    items = _items(turn)
    at = data["at"]
    if at >= len(items):
        _summarise(turn)
        return
    item = items[at]
    unit = turn.session.get(Unit, data["unit"])
    assert unit is not None
    before = current_values(turn.session, unit, Period.parse(data["period"])).get(item.id)
    earlier = f" (đã báo: {before.shown})" if before else ""
    turn.say(
        f"{at + 1}/{len(items)}. Chỉ tiêu: {shorten(item.text, 200)}{earlier}\n"
        f"Trường mình hiện đạt bao nhiêu? {hint(item)}"
    )


def answer(turn: Turn, text: str) -> None:
    """One reply in the flow: a value, 'bỏ qua', 'sửa' or 'xong hết'."""
    data = dict(turn.state.data)
    turn.wait_for(STEP, **data)
    items = _items(turn)
    if data["at"] >= len(items):
        _summarise(turn)
        return
    item = items[data["at"]]
    reply = read_reply(text, item)
    answers = dict(data["answers"])
    if isinstance(reply, Invalid):
        turn.say(f"{reply.reason} {hint(item)}")
        _ask(turn)
        return
    if isinstance(reply, Control) and reply.action == "finish":
        _summarise(turn)
        return
    if isinstance(reply, Control) and reply.action == "back":
        if data["at"] == 0:
            turn.say("Chưa có câu nào trước đó.")
        else:
            data["at"] -= 1
            answers.pop(str(items[data["at"]].id), None)
    else:
        if isinstance(reply, Value):
            answers[str(item.id)] = reply.to_json()
        data["at"] += 1
    data["answers"] = answers
    turn.wait_for(STEP, **data)
    _ask(turn)


def _summarise(turn: Turn) -> None:
    data = turn.state.data
    answers = data["answers"]
    if not answers:
        turn.state.reset()
        turn.say("Bạn chưa trả lời chỉ tiêu nào nên chưa có gì để gửi. Gõ /baocao để bắt đầu lại.")
        return
    items = _items(turn)
    lines = [f"Tóm tắt báo cáo {Period.parse(data['period']).label}:"]
    for item in items:
        value = answers.get(str(item.id))
        if value is not None:
            lines.append(f"• {shorten(item.text, 70)}: {value['shown']}")
    skipped = len(items) - len(answers)
    if skipped:
        lines.append(f"({skipped} chỉ tiêu chưa trả lời)")
    lines.append("Gửi báo cáo này?")
    turn.wait_for(CONFIRM_STEP, **data)
    turn.say(
        "\n".join(lines),
        [
            [Button("Gửi báo cáo", "report:confirm")],
            [Button("Làm lại từ đầu", "report:restart"), Button("Hủy", "report:cancel")],
        ],
    )


def confirm_reply(turn: Turn, text: str) -> None:
    """Typed answer to the confirmation: yes, no, or the question again."""
    folded = " ".join(fold(text).split())
    turn.wait_for(CONFIRM_STEP, **turn.state.data)
    if folded in _CONFIRM_WORDS:
        button(turn, "confirm")
    elif folded in _CANCEL_WORDS:
        button(turn, "cancel")
    else:
        turn.say("Gõ “có” để gửi hoặc “không” để hủy.")
        _summarise(turn)


def button(turn: Turn, action: str) -> None:
    """The confirmation's buttons; pressed late, after the flow has ended, they do nothing."""
    if turn.state.step != CONFIRM_STEP:
        turn.say("Báo cáo này đã kết thúc. Gõ /baocao để báo cáo.")
        return
    data = turn.state.data
    if action == "restart":
        turn.wait_for(STEP, **{**data, "at": 0, "answers": {}})
        _ask(turn)
        return
    turn.state.reset()
    if action != "confirm":
        turn.say("Đã hủy, chưa có gì được lưu.")
        return
    unit = turn.session.get(Unit, data["unit"])
    assert unit is not None and turn.person is not None
    if not turn.person.can_report_for(unit):
        turn.say("Bạn chỉ báo cáo được cho trường của mình.")
        return
    period = Period.parse(data["period"])
    values = {int(k): Value.from_json(v) for k, v in data["answers"].items()}
    record(turn.session, unit, turn.person, period, values, turn.now)
    turn.say(
        f"Đã ghi nhận {len(values)} chỉ tiêu {period.label} của {unit.name}. Cảm ơn thầy/cô!\n"
        f"Cần sửa, gõ /baocao {period.code}."
    )
