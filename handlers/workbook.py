"""The workbook staff get with /tonghop, so offices can file, filter and forward the figures.

Every sheet has a title in row 1 and its table header in row 2 (`HEADER_ROW`). "Tổng hợp" has
the full target wording in row 3, one row per unit from row 4 (`FIRST_UNIT_ROW`), then a blank
row and the per-target statistics ("Đã báo cáo", "Thiếu", "Thấp nhất", "Trung vị", "Cao
nhất"), whose figures are numbers on the target's own scale (percent, count out of N, or 100/0
for done/not done, shown with a "%"). "Báo cáo chi tiết" and "Lịch sử sửa" have one row per
report or change from row 3, with local times as plain Excel dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from handlers.status import Status, TargetStatus, plain, target_label
from knowledge.text import vn_number

SUMMARY, REPORTS, HISTORY = "Tổng hợp", "Báo cáo chi tiết", "Lịch sử sửa"
HEADER_ROW, FIRST_UNIT_ROW = 2, 4
NOT_APPLICABLE = "—"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER_WIDTH, TEXT_WIDTH = 40, 90
DATE_FORMAT = "dd/mm/yyyy hh:mm"
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BELOW_FILL = PatternFill("solid", fgColor="FCE4D6")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center")

_Cell = str | int | float | datetime | None


def _goal(target: TargetStatus) -> str:
    if target.target_unit == "%" and target.target_value is not None:
        return f"≥{vn_number(target.target_value)}%"
    if target.target_value is not None and target.target_unit:
        return f"{vn_number(target.target_value)}{target.target_unit}"
    return "hoàn thành"


def _format(target: TargetStatus) -> str:
    """Shows stored numbers with their unit ('45%', '3/4') while they stay numbers."""
    unit = target.target_unit or "%"
    return f'General"{unit}"' if re.fullmatch(r"%|/\d+", unit) else "General"


def _local(moment: datetime, zone: tzinfo) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def _append(sheet: Worksheet, values: Sequence[_Cell]) -> None:
    """Adds a row; names typed by users stay text even when they look like formulas."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row] if values else ():
        if cell.data_type == "f":
            cell.data_type = "s"
        if isinstance(cell.value, datetime):
            cell.number_format = DATE_FORMAT


def _table(sheet: Worksheet, title: str, headers: list[str], widths: list[int]) -> None:
    _append(sheet, [title])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    _append(sheet, headers)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        header = sheet.cell(HEADER_ROW, column)
        header.font, header.fill, header.alignment = _BOLD, _HEADER_FILL, _WRAP


def _summary(sheet: Worksheet, status: Status, title: str) -> None:
    targets = status.targets
    headers = [f"{target_label(t.text, HEADER_WIDTH)} ({_goal(t)})" for t in targets]
    unit_width = max([len(u) for u in status.expected_units] + [18])
    _table(sheet, title, ["Đơn vị", *headers], [min(unit_width + 2, 45)] + [22] * len(targets))
    _append(sheet, ["Nội dung chỉ tiêu", *(plain(t.text) for t in targets)])
    for cell in sheet[FIRST_UNIT_ROW - 1]:
        cell.alignment = _WRAP
        cell.font = Font(italic=True, size=9)
    shown = [{v.unit: v.shown for v in t.reported} for t in targets]
    for unit in status.expected_units:
        row = [
            NOT_APPLICABLE if unit not in t.expected else values.get(unit)
            for t, values in zip(targets, shown, strict=True)
        ]
        _append(sheet, [unit, *row])
        for column, target in enumerate(targets, start=2):
            cell = sheet.cell(sheet.max_row, column)
            cell.alignment = _CENTER
            if unit in target.below:
                cell.fill = _BELOW_FILL
    _append(sheet, [])
    _statistics(sheet, targets)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)


def _statistics(sheet: Worksheet, targets: list[TargetStatus]) -> None:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    rows: list[tuple[str, list[_Cell]]] = [
        ("Đã báo cáo", [len(t.reported) for t in targets]),
        ("Thiếu", [len(t.missing) for t in targets]),
        ("Thấp nhất", [rounded(t.minimum) for t in targets]),
        ("Trung vị", [rounded(t.median) for t in targets]),
        ("Cao nhất", [rounded(t.maximum) for t in targets]),
    ]
    for label, values in rows:
        _append(sheet, [label, *values])
        sheet.cell(sheet.max_row, 1).font = _BOLD
        if label in ("Đã báo cáo", "Thiếu"):
            continue
        for column, target in enumerate(targets, start=2):
            sheet.cell(sheet.max_row, column).number_format = _format(target)


def status_workbook(status: Status, zone: tzinfo = LOCAL) -> bytes:
    """An .xlsx with the sheets "Tổng hợp", "Báo cáo chi tiết" and "Lịch sử sửa"; times are
    shown in `zone`."""
    where = f"{status.period.label} – {status.scope}"
    book = Workbook()
    _summary(book.active, status, f"Tổng hợp tiến độ {where}")
    book.active.title = SUMMARY
    reports = book.create_sheet(REPORTS)
    columns = ["Đơn vị", "Chỉ tiêu", "Giá trị", "Người báo cáo", "Thời gian"]
    _table(reports, f"Báo cáo chi tiết {where}", columns, [32, 60, 12, 24, 17])
    for target in status.targets:
        text = target_label(target.text, TEXT_WIDTH)
        for value in target.reported:
            at = _local(value.at, zone)
            _append(reports, [value.unit, text, value.shown, value.reporter, at])
    history = book.create_sheet(HISTORY)
    columns = ["Đơn vị", "Chỉ tiêu", "Giá trị cũ", "Giá trị mới", "Người sửa", "Thời gian"]
    _table(history, f"Lịch sử sửa {where}", columns, [32, 60, 12, 12, 24, 17])
    for change in status.history:
        text = target_label(change.target, TEXT_WIDTH)
        at = _local(change.at, zone)
        _append(history, [change.unit, text, change.old, change.new, change.reporter, at])
    for sheet in (reports, history):
        sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
        sheet.auto_filter.ref = (
            f"A{HEADER_ROW}:{get_column_letter(sheet.max_column)}{sheet.max_row}"
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
