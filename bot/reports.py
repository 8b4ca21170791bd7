"""`planbot report status | export`: the progress of a period, for other tools and for Excel."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from handlers.periods import Period
from handlers.status import Status, compute_status
from handlers.units import find_unit
from handlers.workbook import status_workbook


class ReportError(Exception):
    """A mistake in a report command, worded for the user (Vietnamese)."""


def load_status(sessions: sessionmaker[Session], period_code: str, unit: str | None) -> Status:
    try:
        period = Period.parse(period_code)
    except ValueError as error:
        raise ReportError(str(error)) from None
    with sessions() as session:
        root = find_unit(session, unit) if unit else None
        if unit and root is None:
            raise ReportError(f"không có đơn vị “{unit}” (xem: planbot units)")
        return compute_status(session, period, root)


def status_json(status: Status) -> dict[str, object]:
    missing = set(status.missing_units)
    return {
        "period": status.period.code,
        "scope": status.scope,
        "expected": status.expected_units,
        "reported": [unit for unit in status.expected_units if unit not in missing],
        "missing": status.missing_units,
        "targets": [
            {
                "item_id": t.item_id,
                "text": t.text,
                "plan": t.plan,
                "section": t.section,
                "target_value": t.target_value,
                "target_unit": t.target_unit,
                "expected": len(t.expected),
                "reported": [
                    {
                        "unit": v.unit,
                        "value": v.shown,
                        "number": v.number,
                        "reporter": v.reporter,
                        "at": v.at.isoformat(),
                    }
                    for v in t.reported
                ],
                "missing": t.missing,
                "min": t.minimum,
                "median": t.median,
                "max": t.maximum,
                "below_target": t.below,
            }
            for t in status.targets
        ],
    }


def export(status: Status, out: Path) -> str:
    try:
        out.write_bytes(status_workbook(status))
    except OSError as error:
        raise ReportError(f"không ghi được {out}: {error.strerror}") from None
    return f"Đã ghi {out} ({len(status.expected_units)} trường, {len(status.targets)} chỉ tiêu)."
