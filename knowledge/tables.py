"""Appendix tables as they really appear: headers repeated after page breaks, rows cut in
two by a page break, sub-rows (2.1, 2.2) whose side cells continue their parent's, and group
rows ('II. PHÒNG GIÁO DỤC VÀ ĐÀO TẠO') that name who does the rows below them.

The output is one `TableRecord` per logical row, with its cells named by role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.text import fold, squash

Role = str
# Checked in order: the first role whose words occur in a header cell wins.
_ROLE_WORDS: tuple[tuple[Role, tuple[str, ...]], ...] = (
    ("number", ("tt", "stt", "so tt")),
    ("partners", ("phoi hop",)),
    ("lead", ("don vi chu tri", "chu tri")),
    ("owner", ("co quan chu tri", "co quan quan ly")),
    ("implementers", ("to chuc trien khai", "don vi thuc hien", "don vi trien khai")),
    ("funding", ("nguon",)),
    ("budget", ("kinh phi",)),
    ("start", ("bat dau",)),  # "Thời gian thực hiện Bắt đầu": the end is the deadline
    ("time", ("thoi gian", "tien do", "thoi han", "han hoan thanh")),
    ("product", ("san pham", "ket qua dau ra")),
    ("target", ("chi tieu",)),
    ("content", ("nhiem vu", "noi dung", "du an", "ten")),
)
_ROMAN = re.compile(r"^[IVX]{1,4}\.?$")
_NUMBERED = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")


# A targets table may give each target's value in a column of its own, beside last year's
# result: "Thực hiện năm 2026 | Kế hoạch năm 2027", with the unit ("%", "trường") apart.
_PLANNED = re.compile(r"^(?:ke hoach|chi tieu|muc tieu|phan dau)\b.*\b(?:19|20)\d\d\b")
_ACHIEVED = re.compile(r"^(?:uoc\s+)?(?:thuc hien|ket qua|dat duoc)\b.*\b(?:19|20)\d\d\b")


_YEAR_COLUMN = re.compile(r"^(?:nam\s+)?((?:19|20)\d\d)$")
YEAR_ROLE = "year "  # "year 2028": a column of values for that year


def _role(header_cell: str) -> Role | None:
    folded = fold(header_cell)
    if folded in ("tt", "stt", "so tt"):
        return "number"
    if year := _YEAR_COLUMN.match(folded):
        return YEAR_ROLE + year.group(1)
    if folded in ("don vi tinh", "dvt"):
        return "unit"
    if _PLANNED.match(folded):
        return "planned"
    if _ACHIEVED.match(folded):
        return "achieved"
    if folded.startswith("co quan chu tri"):
        return "owner"
    for role, words in _ROLE_WORDS[1:]:
        if any(word in folded for word in words):
            return role
    return None


def looks_like_header(cells: tuple[str, ...]) -> bool:
    """A row naming its columns: a number column and a content/target column."""
    if not cells or _role(cells[0]) != "number":
        return False
    roles = {_role(cell) for cell in cells if cell}
    return "number" in roles and bool(roles & {"content", "target"})


@dataclass
class TableRecord:
    """One logical row of a plan table."""

    number: str
    cells: dict[Role, str]
    columns: dict[str, str]
    group: str = ""
    group_title: str = ""
    parent: TableRecord | None = None
    children: list[TableRecord] = field(default_factory=list)

    def get(self, role: Role) -> str:
        return self.cells.get(role, "")


@dataclass
class Table:
    """A table: its header, what each column means, and its logical rows."""

    header: tuple[str, ...]
    roles: list[Role | None]
    records: list[TableRecord] = field(default_factory=list)

    @property
    def is_target_table(self) -> bool:
        return "target" in self.roles

    @property
    def content_role(self) -> Role:
        return "target" if self.is_target_table else "content"


class TableBuilder:
    """Feeds rows one at a time, because page breaks and repeated headers interleave them."""

    def __init__(self, header: tuple[str, ...]) -> None:
        self.table = Table(header=header, roles=[_role(cell) for cell in header])
        self._header_key = tuple(fold(cell) for cell in header)
        self._group = ("", "")
        self._break_pending = False

    def add(self, cells: tuple[str, ...], after_break: bool) -> None:
        if tuple(fold(cell) for cell in cells) == self._header_key:
            self._break_pending = True
            return
        broken = after_break or self._break_pending
        self._break_pending = False
        number = cells[0].strip() if self.table.roles and self.table.roles[0] == "number" else ""
        named = self._name(cells)
        content = named.get(self.table.content_role, "")
        if _ROMAN.match(number) and not self._has_side_cells(named):
            self._group = (number.rstrip("."), squash(content))
            return
        last = self.table.records[-1] if self.table.records else None
        if last is not None and not number and (broken or _starts_lower(cells)):
            _append(last, named, cells, self.table.header)
            return
        record = TableRecord(
            number=number.rstrip("."),
            cells=named,
            columns=self._columns(cells),
            group=self._group[0],
            group_title=self._group[1],
        )
        parent = self._parent_of(record.number)
        if parent is not None and not record.get("lead"):
            side = {role: text for role, text in named.items() if role != self.table.content_role}
            _append(parent, side, (), self.table.header)
            record.cells = {self.table.content_role: content}
            record.parent = parent
            parent.children.append(record)
        self.table.records.append(record)

    def _name(self, cells: tuple[str, ...]) -> dict[Role, str]:
        named: dict[Role, str] = {}
        for role, cell in zip(self.table.roles, cells, strict=False):
            if role and cell.strip() and role not in named:
                named[role] = cell.strip()
        return named

    def _columns(self, cells: tuple[str, ...]) -> dict[str, str]:
        return {
            squash(head): cell.strip()
            for head, cell in zip(self.table.header, cells, strict=False)
            if head.strip() and cell.strip()
        }

    def _has_side_cells(self, named: dict[Role, str]) -> bool:
        return any(role not in ("number", self.table.content_role) for role in named)

    def _parent_of(self, number: str) -> TableRecord | None:
        if "." not in number:
            return None
        parent_number = number.rsplit(".", 1)[0]
        for record in reversed(self.table.records):
            if record.number == parent_number and record.group == self._group[0]:
                return record
        return None


def _starts_lower(cells: tuple[str, ...]) -> bool:
    first = next((cell.strip() for cell in cells if cell.strip()), "")
    return bool(first) and first[0].islower()


def _append(
    record: TableRecord, named: dict[Role, str], cells: tuple[str, ...], header: tuple[str, ...]
) -> None:
    """Glue the continuation of a row (cut by a page break) onto the row it continues."""
    for role, text in named.items():
        if role == "number":
            continue
        before = record.cells.get(role, "")
        record.cells[role] = f"{before}\n{text}" if before else text
    for head, cell in zip(header, cells, strict=False):
        if head.strip() and cell.strip():
            key = squash(head)
            before = record.columns.get(key, "")
            record.columns[key] = f"{before}\n{cell.strip()}" if before else cell.strip()
