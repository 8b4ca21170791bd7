"""/tonghop: for staff, who reported and who is missing in their subtree, with a chart and
a workbook."""

from __future__ import annotations

from handlers.charts import progress_chart
from handlers.people import Role
from handlers.periods import Period
from handlers.progress import due_period
from handlers.status import Status, TargetStatus, compute_status
from handlers.turn import Turn
from handlers.workbook import status_workbook
from knowledge.text import shorten, vn_number

MAX_TARGETS = 8
MAX_NAMES = 6


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" và {len(names) - MAX_NAMES} đơn vị khác" if len(names) > MAX_NAMES else "")


def _figure(value: float | None, target: TargetStatus) -> str:
    if value is None:
        return "–"
    text = vn_number(value, 1)
    return f"{text}%" if target.target_unit == "%" else text


def summary_text(status: Status) -> str:
    """The phone-sized summary: coverage, missing units, then each target's figures."""
    expected, missing = status.expected_units, status.missing_units
    lines = [
        f"Tổng hợp {status.period.label} – {status.scope}: "
        f"{len(expected) - len(missing)}/{len(expected)} trường đã báo cáo."
    ]
    if missing:
        lines.append(f"Chưa báo cáo: {_names(missing)}.")
    for target in status.targets[:MAX_TARGETS]:
        line = f"• {shorten(target.text, 70)}: {len(target.reported)}/{len(target.expected)} trường"
        if target.reported:
            line += (
                f"; thấp nhất {_figure(target.minimum, target)},"
                f" trung vị {_figure(target.median, target)},"
                f" cao nhất {_figure(target.maximum, target)}"
            )
        if target.below:
            line += f"; dưới chỉ tiêu: {_names(target.below)}"
        lines.append(line)
    if len(status.targets) > MAX_TARGETS:
        lines.append(f"… và {len(status.targets) - MAX_TARGETS} chỉ tiêu khác (xem tệp Excel).")
    return "\n".join(lines)


def show(turn: Turn, args: str) -> None:
    """/tonghop [kỳ] for staff and admins, over the units under their own."""
    person = turn.person
    assert person is not None
    if person.role not in (Role.STAFF, Role.ADMIN):
        turn.say("Chỉ chuyên viên và quản trị viên xem được tổng hợp.")
        return
    root = person.unit
    if args.strip():
        try:
            period = Period.parse(args)
        except ValueError as error:
            turn.say(f"{str(error).capitalize()}.")
            return
    elif root is not None:
        period = due_period(turn.session, root, turn.today)[0]
    else:
        period = Period(turn.today.year, "year")
    status = compute_status(turn.session, period, root)
    if not status.expected_units:
        turn.say("Không có trường nào thuộc phạm vi của bạn cần báo cáo.")
        return
    turn.say(summary_text(status))
    turn.image(progress_chart(status), f"Tiến độ {period.label}")
    turn.file(
        status_workbook(status, turn.services.zone),
        f"tong-hop-{period.code}.xlsx",
        f"Tổng hợp {period.label}",
    )
