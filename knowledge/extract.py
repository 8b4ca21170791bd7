"""Turn a plan's blocks into citable targets, tasks, deadlines, reporting schedules and
contacts.

The walk follows the document's own structure: numbered headings (I., 1., 2.1., a)) give
every fact its section; the top heading's subject tells what kind of facts a section
holds (MỤC TIÊU → targets, TỔ CHỨC THỰC HIỆN → who does what and reports when); tables
under a PHỤ LỤC give tasks and targets with their lead units, deadlines and budgets.
Nothing here knows any particular plan: only the conventions of Vietnamese plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from knowledge.contacts import contact_details
from knowledge.dates import DateContext, find_deadlines, find_recurrences, parse_schedule
from knowledge.document import Block, Paragraph, Row
from knowledge.facts import Due, Item, ItemKind, Measure, PlanFacts, Section
from knowledge.header import date_context, read_header
from knowledge.measures import find_measures, school_levels
from knowledge.tables import YEAR_ROLE, Table, TableBuilder, TableRecord, looks_like_header
from knowledge.text import fold, squash

_ROMAN = re.compile(r"^([IVX]{1,4})\.\s+(\S.*)$")
_PART = re.compile(r"^PHẦN\s+([IVX]{1,4}|[A-ZĐ]|THỨ\s+\w+)\s*[.:\-–]\s+(\S.*)$", re.IGNORECASE)
_DOTTED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")
_ARABIC = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_LETTER = re.compile(r"^([a-zđ])\)\s+(\S.*)$")
_BULLET = re.compile(r"^[-+•–]\s*(\S.*)$")
_APPENDIX = re.compile(r"^phu luc\s*(\d+|[ivx]+\b)?\s*[.:]?\s*(.*)$")
_MONEY = re.compile(
    r"(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*(trieu|ty|nghin|ngan)\s*dong"
    r"|(\d{1,3}(?:\.\d{3}){2,})\s*(?:dong|d\b)"  # "2.557.000.000 đồng"
)
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
_TERMINAL = '.;:!?…"”)'
_CLOSING = re.compile(
    r"^(tren day la|chi tiet (theo|tai) phu luc)|yeu cau .{0,240}nghiem tuc trien khai"
    r"|de duoc huong dan"
)
_REPORTING = re.compile(r"bao cao|gui |cap nhat|so lieu|tong hop")
_ASSIGNED = re.compile(
    r"^(?:giao|đề nghị)\s+(.+?)\s+(?:chủ trì|phối hợp|tham mưu|thực hiện|triển khai|chỉ đạo)",
    re.IGNORECASE,
)
_PARTNER = re.compile(
    r"phối hợp (?:với|cùng)\s+(.+?)(?=\s+(?:tham mưu|thực hiện|triển khai|tổ chức|xây dựng|để"
    r"|trong|trình|thẩm định|cho ý kiến|bố trí|hướng dẫn|theo dõi)\b|[.;(]|$)",
    re.IGNORECASE,
)
_REPORT_TO = re.compile(
    r"(?:(?:báo cáo|gửi)[^.;]*?\bvề\s+|báo cáo\s+(?=(?:UBND|Ủy ban|Sở|Bộ)\s)|nơi nhận:\s*)(.+?)"
    r"(?=\s+(?:để|theo|trước|qua địa chỉ|hoặc|như sau|định kỳ|hằng|hàng|chậm nhất)\b|[.;,:]|$)"
    r"(\s*\(qua[^)]*\))?",
    re.IGNORECASE,
)
_HAS_MEASURE = re.compile(r"%|\d\s*(?:/|trong)\s*\d")
_MAY_BE_DATED = re.compile(r"\d|hoc ky")
_MAY_RECUR = re.compile(r"\b(?:hang|moi|lan|tuan|dinh ky)\b|nam\s*\(|thang (?:cuoi|dau|giua)")
_UNIT_START = re.compile(r"^(so|phong|truong|cac|ubnd|uy ban|trung tam|co so|don vi|van phong)\b")
# A task's details set on lines of their own under it: "- Chủ trì: Phòng Tổ chức cán bộ.",
# "- Thời hạn: trong tháng 3/2027.", "- Kinh phí: 865 triệu đồng".
_FIELD = re.compile(
    r"^(?:don vi |co quan )?(?:chu tri|phoi hop|thoi han|thoi gian|tien do|kinh phi|san pham"
    r"|ket qua dau ra|nguon kinh phi)\b[^:.;]{0,25}:"
)
_FIELD_LEAD = re.compile(r"(?:^|[.;]\s+)(?:đơn vị |cơ quan )?chủ trì[^:.;]{0,25}:\s*([^.;]+)", re.I)
_FIELD_PARTNERS = re.compile(r"(?:^|[.;]\s+)(?:đơn vị )?phối hợp\s*:\s*([^.;]+)", re.IGNORECASE)
# "…: Phòng Kế hoạch - Tài chính chủ trì", "(Văn phòng Sở chủ trì; …)", "do Phòng X chủ trì":
# a unit named as the lead where a sentence or clause starts.
_NAMED_LEAD = re.compile(
    r"(?:^|[:;.(]\s+|[(]|\bdo\s+)((?:các\s+)?(?:phòng|văn phòng|sở|ubnd|ủy ban|trường|trung tâm"
    r"|bộ phận|tổ|ban|cơ sở|đơn vị)\b[^.;:()]{0,80}?)\s+chủ trì\b",
    re.IGNORECASE,
)
# "Phòng GDĐT tổng hợp, báo cáo …": the unit opening a clause that sets a schedule.
_CLAUSE_UNIT = re.compile(
    r"^(?:[^:]{0,40}:\s*)?(.{3,80}?),?\s+(?:tổng hợp|báo cáo|gửi|nộp|thực hiện)\b", re.IGNORECASE
)
# Headings under "Tổ chức thực hiện" that name a topic, not the unit the section assigns.
_TOPIC_HEADING = re.compile(
    r"^(che do|bao cao|kinh phi|tien do|thoi gian|thong tin|kiem tra|khen thuong|dieu khoan"
    r"|hieu luc|lo trinh|phan cong|to chuc thuc hien)\b"
)
# "Các Phòng GDĐT, các trường THPT thực hiện chế độ báo cáo về Sở như sau:" — who the
# bullets after it are for.
_LEAD_IN = re.compile(
    r"^(.{3,150}?)\s+(?:thực hiện|gửi|nộp|báo cáo|có trách nhiệm|định kỳ)\b.*:$", re.IGNORECASE
)
_FUZZY_SAME = 88
_TOWARDS = re.compile(r"^đối với\s+(.+)$", re.IGNORECASE)
# A first row naming columns: short cells without figures ("Loại báo cáo|Thời hạn|Nơi nhận").
_LABELS = re.compile(r"(?:[^\d|]{1,40}\|)+[^\d|]{1,40}")


@dataclass
class _Para:
    """A paragraph of running text with where it stands in the document."""

    text: str
    section: str
    title: str
    zone: str
    actor: str | None
    destination: str | None = None  # where its lead-in sends reports, if it names no place


@dataclass
class _Heading:
    rank: int
    number: str
    title: str


@dataclass
class _Walker:
    """Reads the blocks in order, tracking the heading stack, appendix and open table."""

    ctx: DateContext
    stack: list[_Heading] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    paras: list[_Para] = field(default_factory=list)
    tables: list[tuple[Table, str, str, float]] = field(default_factory=list)
    appendix: str | None = None
    appendix_title: str = ""
    started: bool = False
    closed: bool = False
    joinable: bool = False
    builder: TableBuilder | None = None
    money_factor: float = 1.0
    lead_in: _Para | None = None
    in_rows: bool = False
    labels: tuple[str, ...] = ()
    fielded: bool = False

    def feed(self, block: Block) -> None:
        if isinstance(block, Row):
            self._row(block)
        elif not block.footnote:
            self._paragraph(block.text)

    # --- paragraphs ------------------------------------------------------------------------

    def _paragraph(self, text: str) -> None:
        self.in_rows = False
        folded = fold(text)
        appendix = _APPENDIX.match(folded) if len(text) < 400 else None
        if appendix:
            self._close_table()
            self._open_appendix(text, appendix)
            return
        if self.appendix is not None:
            self._close_table()
            self._appendix_note(text, folded)
            return
        if self.closed:
            return
        if folded.startswith("noi nhan"):
            self.closed = True
            return
        self._close_table()
        heading = self._heading(text)
        if heading is not None:
            self._push(heading)
            self.joinable = False
            self.lead_in = None
            if _heading_has_content(heading.rank, text):
                self._content(_strip_number(text))
                self._note_lead_in(_strip_number(text))
            return
        if not self.started:
            return
        bullet = _BULLET.match(text)
        line = bullet.group(1) if bullet else text
        if self.joinable and self.paras and _FIELD.match(fold(line)):
            self.paras[-1].text = f"{self.paras[-1].text.rstrip(' .;')}. {line}"
            self.fielded = True  # its last field needs no full stop to end the task
        elif bullet:
            self._content(line)
        elif (
            self.joinable
            and self.paras
            and not self.fielded
            and _continues(self.paras[-1].text, text)
        ):
            self.paras[-1].text = f"{self.paras[-1].text} {text}"
        else:
            self._content(text)
            self.lead_in = None
            self._note_lead_in(text)

    def _note_lead_in(self, text: str) -> None:
        """A sentence leading into bullets ("Các trường … báo cáo về Phòng GDĐT như sau:")
        gives them their sender and destination."""
        lead_in = _LEAD_IN.match(text) if self.zone == "organize" else None
        if lead_in and _UNIT_START.match(fold(lead_in.group(1))):
            self.lead_in = self.paras[-1]
            self.lead_in.actor = lead_in.group(1)

    def _heading(self, text: str) -> _Heading | None:
        patterns = ((_PART, 0), (_ROMAN, 0), (_DOTTED, -1), (_ARABIC, 1), (_LETTER, 4))
        for pattern, rank in patterns:
            m = pattern.match(text)
            if m:
                number = m.group(1)
                if rank == -1:
                    rank = min(number.count(".") + 1, 3)
                return _Heading(rank, number, _short_title(m.group(2)))
        return None

    def _push(self, heading: _Heading) -> None:
        if heading.rank == 0:
            self.started = True
        while self.stack and self.stack[-1].rank >= heading.rank:
            self.stack.pop()
        self.stack.append(heading)
        self.sections.append(Section(self.path, heading.number, heading.title, heading.rank))

    @property
    def path(self) -> str:
        roman = [h.number for h in self.stack if h.rank == 0]
        numeric = [h.number for h in self.stack if 1 <= h.rank <= 3]
        letter = [h.number for h in self.stack if h.rank == 4]
        return ".".join(roman[-1:] + numeric[-1:] + letter[-1:])

    @property
    def zone(self) -> str:
        top = fold(self.stack[0].title) if self.stack else ""
        titles = " ".join(fold(h.title) for h in self.stack[1:])
        if top.startswith("can cu") or top.startswith("doi tuong"):
            return "skip"
        if top.startswith("muc dich"):
            return "aims"
        if "muc tieu" in top or "chi tieu" in top:
            return "aims" if "chung" in titles else "goals"
        if "to chuc thuc hien" in top or "phan cong" in top:
            return "organize"
        if "kinh phi" in top:
            return "budget"
        return "tasks"

    @property
    def actor(self) -> str | None:
        """The unit a heading assigns what follows to: any heading under "Tổ chức thực hiện",
        and anywhere a heading "Đối với các trường"."""
        for heading in self.stack[1:]:
            if heading.rank in (1, 2, 3):
                towards = _TOWARDS.match(heading.title)
                if towards:
                    return _unit_name(towards.group(1))
                if self.zone == "organize":
                    return _unit_name(heading.title)
        return None

    def _content(self, text: str) -> None:
        title = " › ".join(h.title for h in self.stack)
        self.fielded = False
        para = _Para(text, self.path, title, self.zone, self.actor)
        if self.lead_in is not None:
            para.actor = self.lead_in.actor
            para.destination = _report_to(self.lead_in.text)
        self.paras.append(para)
        self.joinable = True

    # --- appendices and tables ---------------------------------------------------------------

    def _open_appendix(self, text: str, match: re.Match[str]) -> None:
        label = match.group(1)
        count = sum(1 for s in self.sections if s.level == -1) + 1
        self.appendix = f"Phụ lục {label.upper() if label else ''}".strip()
        if not label and count > 1:
            self.appendix = f"Phụ lục {count}"
        rest = squash(text[len(text) - len(match.group(2)) :]) if match.group(2) else ""
        self.appendix_title = _short_title(re.split(r"\(kèm theo|\(đính kèm", rest, flags=re.I)[0])
        self.sections.append(Section(self.appendix, label or "", self.appendix_title, -1))

    def _appendix_note(self, text: str, folded: str) -> None:
        if "don vi tinh" in folded:
            self.money_factor = _money_factor(folded)
        elif not self.appendix_title and not folded.startswith("("):
            self.appendix_title = _short_title(text)
            self.sections[-1] = Section(self.appendix or "", "", self.appendix_title, -1)

    def _row(self, row: Row) -> None:
        first, self.in_rows = not self.in_rows, True
        if looks_like_header(row.cells) and (
            self.builder is None or tuple(map(fold, row.cells)) != self.builder._header_key
        ):
            self._close_table()
            self.builder = TableBuilder(row.cells)
            return
        if self.builder is None:
            if first:
                self.labels = row.cells if _LABELS.fullmatch("|".join(row.cells)) else ()
                if self.labels:
                    return
            if self.started and not self.closed:
                self._content(self._labelled(row.cells))
            return
        self.builder.add(row.cells, row.after_break)

    def _labelled(self, cells: tuple[str, ...]) -> str:
        """A row of a table that is not a list of tasks ("Loại báo cáo | Thời hạn gửi | Nơi
        nhận") read as a sentence: "Báo cáo quý; Thời hạn gửi: …; Nơi nhận: …"."""
        if len(self.labels) != len(cells):
            return squash(" ".join(cells))
        pairs = list(zip(self.labels[1:], cells[1:], strict=True))
        if all(_HAS_MEASURE.search(cell) or not _filled(cell) for _, cell in pairs):
            # a target by school level ("| Chỉ tiêu | Tiểu học | THCS |"): each figure is a
            # goal of its own, named with its subject
            goals = [f"{cells[0]} — {label}: {cell}" for label, cell in pairs if _filled(cell)]
            return squash("; ".join(goals))
        named = [f"{label}: {cell}" for label, cell in pairs if cell]
        return squash("; ".join([cells[0], *named]))

    def _close_table(self) -> None:
        if self.builder is not None:
            base = self.appendix or self.path
            title = (
                self.appendix_title if self.appendix else self.stack[-1].title if self.stack else ""
            )
            self.tables.append((self.builder.table, base, title, self.money_factor))
            self.builder = None

    # --- items ---------------------------------------------------------------------------------

    def items(self) -> tuple[list[Item], float | None]:
        self._close_table()
        items: list[Item] = []
        for table, base, title, factor in self.tables:
            items.extend(_table_items(table, base, title, factor, self.ctx))
        budget: float | None = None
        for para in self.paras:
            if para.zone == "budget" and budget is None:
                budget = _money(fold(para.text))
            elif para.zone != "skip":
                items.extend(_paragraph_items(para, self.ctx))
            if contact_details(para.text):
                items.append(_contact(para))
        return _merge_targets(items), budget


def _heading_has_content(rank: int, text: str) -> bool:
    """Lettered items (a), b)) are sentences; a numbered heading only when it goes on past
    its name ('1. Kiện toàn tổ chức …: a) …' is a name, a 200-character sentence is not, nor
    is '1. Tổng kinh phí … là 1,88 tỷ đồng, gồm:')."""
    if rank == 4:
        return len(text) > 60 or text.rstrip()[-1:] in ".;:"
    _, colon, rest = text.partition(": ")
    sentence = text.rstrip()[-1:] in ".;" or bool(_MONEY.search(fold(text)))
    return rank >= 1 and (len(text) > 150 or sentence or (bool(colon) and len(rest.split()) >= 5))


def _strip_number(text: str) -> str:
    return re.sub(r"^(?:[IVX]{1,4}|\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\.?\s+", "", text)


def _short_title(text: str) -> str:
    """A heading's name: the words before its first colon or sentence end, at most ~80 chars."""
    head = re.split(r":\s|\.\s", squash(text).rstrip(":."), maxsplit=1)[0]
    return head if len(head) <= 90 else head[:80].rsplit(" ", 1)[0] + "…"


def _continues(previous: str, text: str) -> bool:
    """A paragraph cut by a page break or footnote goes on in lower case or mid-sentence."""
    first = text[0]
    return first.islower() or first in "(" or previous.rstrip()[-1:] not in _TERMINAL


def _unit_name(title: str) -> str | None:
    name = re.sub(r"^(?:đề nghị|giao)\s+", "", title, flags=re.IGNORECASE)
    if not name or _TOPIC_HEADING.match(fold(name)):
        return None
    return name[0].upper() + name[1:]


def _sentence_case(text: str) -> str:
    text = squash(text)
    return text[0] + text[1:].lower() if text.isupper() else text


def _split_units(text: str) -> list[str]:
    return [squash(part) for part in text.split(";") if squash(part).strip(" .,-")]


def _money_factor(folded: str) -> float:
    if "ty" in folded.split():
        return 1000.0
    if "trieu" in folded:
        return 1.0
    if "nghin" in folded or "ngan" in folded:
        return 0.001
    return 1e-6 if "dong" in folded else 1.0


def _parse_number(raw: str) -> float:
    return float(raw.replace(".", "").replace(",", "."))


def _money(folded: str) -> float | None:
    m = _MONEY.search(folded)
    if m is None:
        return None
    if m.group(3):
        return _parse_number(m.group(3)) / 1e6
    return _parse_number(m.group(1)) * _money_factor(m.group(2))


# "… kinh phí dự kiến 3,6 tỷ đồng từ nguồn …": the cost of the task a paragraph gives.
_TASK_COST = re.compile(r"\bkinh phi\b[^.;]{0,40}?(?=\d)")


def _task_budget(folded: str) -> float | None:
    cost = _TASK_COST.search(folded)
    return _money(folded[cost.end() :][:40]) if cost else None


def _table_items(
    table: Table, base: str, title: str, factor: float, ctx: DateContext
) -> list[Item]:
    budget_header = next(
        (h for h, r in zip(table.header, table.roles, strict=False) if r == "budget"), ""
    )
    if budget_header:
        factor = _money_factor(fold(budget_header)) if "dong" in fold(budget_header) else factor
    items: list[Item] = []
    for record in table.records:
        content = squash(record.get(table.content_role))
        if not content:
            continue
        source = record.parent or record
        label = ".".join(p for p in (record.group, record.number) if p)
        due, milestones = (
            parse_schedule(source.get("time"), ctx) if source.get("time") else (None, [])
        )
        implementers = squash(source.get("implementers"))
        budget_cell = fold(record.get("budget") or "")
        number = _NUMBER.search(budget_cell)
        # a cell may carry its own unit ("1,85 tỷ đồng") whatever the column says
        budget = _money(budget_cell) or (_parse_number(number.group()) * factor if number else None)
        if budget is None and not budget_header:  # a note cell: "Kinh phí: 120 triệu đồng"
            budget = _task_budget(fold(" ".join(record.columns.values())))
        kind: ItemKind = "target" if table.is_target_table else "task"
        goal, shown = _valued(table, record, content)
        item = Item(
            kind=kind,
            text=shown,
            section=f"{base}, TT {label}" if label else base,
            section_title=record.group_title or title,
            measures=find_measures(goal) if kind == "target" else [],
            lead=_record_lead(source, table.is_target_table),
            partners=_split_units(source.get("partners")),
            applies_to=school_levels(f"{content} {implementers}"),
            due=due,
            budget_million_vnd=budget,
            product=squash(source.get("product")) or None,
            reporter=implementers if table.is_target_table and implementers else None,
            report_to=_report_to(content),
            milestones=milestones,
            columns=record.columns,
        )
        yearly = _by_year(table, record, content) if kind == "target" else []
        items.extend(
            [
                replace(item, text=text, measures=find_measures(text), due=due)
                for text, due in yearly
            ]
            or [item]
        )
    return items


def _filled(cell: str) -> bool:
    """A cell that says something: not empty, not a dash for "none"."""
    return bool(cell.strip(" —-–"))


def _amount(cell: str, unit: str) -> str:
    """A figure with the unit its table gives apart: "88" and "%" → "88%"."""
    cell = squash(cell)
    bare = re.fullmatch(r"[\d.,/]+", cell) is not None
    return cell if not (bare and unit) else f"{cell}%" if unit == "%" else f"{cell} {unit}"


def _valued(table: Table, record: TableRecord, content: str) -> tuple[str, str]:
    """A target whose value stands in a column of its own: the goal with that value ('Tỷ lệ
    phòng học có Wi-Fi: 88%'), and the same shown with last year's result beside it."""
    unit = squash(record.get("unit"))
    planned = record.get("planned")
    if not planned:
        return content, content
    goal = f"{content}: {_amount(planned, unit)}"
    achieved = record.get("achieved")
    if not achieved:
        return goal, goal
    header = squash(table.header[table.roles.index("achieved")])
    return goal, f"{goal} ({header}: {_amount(achieved, unit)})"


def _by_year(table: Table, record: TableRecord, content: str) -> list[tuple[str, Due]]:
    """A target set year by year ("| Chỉ tiêu | Năm 2026 | Năm 2027 |"): one goal per year,
    due at that year's end."""
    unit = squash(record.get("unit"))
    goals = []
    for role in filter(None, table.roles):
        year = role[len(YEAR_ROLE) :] if role.startswith(YEAR_ROLE) else ""
        value = record.get(role) if year else ""
        if _filled(value):
            text = f"{content} — Năm {year}: {_amount(value, unit)}"
            goals.append((text, Due(date(int(year), 12, 31), f"Năm {year}", "year")))
    return goals


def _record_lead(record: TableRecord, is_target: bool) -> str | None:
    """The lead unit column, else the owning agency, else (in a task table) whoever carries
    it out, else the group row above it when that names a unit."""
    lead = squash(
        record.get("lead")
        or record.get("owner")
        or ("" if is_target else record.get("implementers"))
    )
    if lead:
        return lead
    if record.group_title and _UNIT_START.match(fold(record.group_title)):
        return _sentence_case(record.group_title)
    return None


def _goal_clauses(text: str) -> list[tuple[str, list[Measure]]]:
    """Sentences and ';'-parts that each set a goal, with their numbers; a part without a
    number belongs to the next one ('Tỷ lệ … đưa vào vận hành; được kiểm tra …: Đạt 100%')."""
    if not _HAS_MEASURE.search(text):
        return []
    parts = [squash(p) for p in re.split(r";\s*|(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])", text)]
    clauses: list[tuple[str, list[Measure]]] = []
    pending = ""
    for part in parts:
        measures = find_measures(part) if len(part) > 3 else []
        if not measures:
            pending = f"{pending}; {part}" if pending and len(part) > 3 else pending or part
            continue
        joined = f"{pending}; {part}" if pending and not part[0].isupper() else part
        clauses.append((joined, find_measures(joined) if joined != part else measures))
        pending = ""
    return clauses


def _paragraph_items(para: _Para, ctx: DateContext) -> list[Item]:
    text = squash(para.text)
    folded = fold(text)
    if len(text) < 20 or _CLOSING.search(folded):
        return []
    lead, partners = _assignment(text, para.actor)
    # a line of the budget section gives its amount: "Ngân sách phường: 2.220 triệu đồng"
    budget = _task_budget(folded) or (_money(folded) if para.zone == "budget" else None)
    reporting = bool(_REPORTING.search(folded))
    sent_to = (_report_to(text) or para.destination) if reporting else None

    def item(kind: ItemKind, **extra: Any) -> Item:
        return Item(
            kind=kind,
            text=text,
            section=para.section,
            section_title=para.title,
            lead=lead,
            partners=partners,
            budget_million_vnd=budget,
            **{"report_to": sent_to, **extra},
        )

    found: list[Item] = []
    for rule in find_recurrences(text) if _MAY_RECUR.search(folded) else []:
        found.append(
            item(
                "report" if reporting else "deadline",
                recurrence=rule,
                reporter=_clause_unit(text, str(rule["text"])) or para.actor,
                applies_to=school_levels(para.actor or ""),
            )
        )
    for due in find_deadlines(text, ctx) if _MAY_BE_DATED.search(folded) else []:
        found.append(item("deadline", due=due, applies_to=school_levels(para.actor or "")))
    for clause, measures in _goal_clauses(text):
        found.append(_target(clause, para, measures))
    if para.zone == "goals" and not any(i.kind == "target" for i in found):
        found.append(_target(text, para, []))
    if not found and para.zone not in ("goals", "aims"):
        found.append(item("task", applies_to=school_levels(text)))
    return found


def _clause_unit(text: str, wording: str) -> str | None:
    """The unit that opens the clause holding a schedule, when one sentence gives several
    ("các trường báo cáo trước ngày 15 …; Phòng GDĐT tổng hợp, báo cáo … tháng đầu quý sau")."""
    at = text.find(wording)
    if at < 0:
        return None
    clause = re.split(r"[;.]\s+", text[:at])[-1]
    m = _CLAUSE_UNIT.match(clause)
    return squash(m.group(1)) if m and _UNIT_START.match(fold(m.group(1))) else None


def _contact(para: _Para) -> Item:
    """A paragraph giving a phone or email, kept whole (closing words included) so the bot
    can say whom to call; it sets no target and no date."""
    return Item(
        kind="contact", text=squash(para.text), section=para.section, section_title=para.title
    )


def _target(clause: str, para: _Para, measures: list[Measure]) -> Item:
    return Item(
        kind="target",
        text=clause,
        section=para.section,
        section_title=para.title,
        measures=measures,
        applies_to=school_levels(clause),
    )


def _assignment(text: str, actor: str | None) -> tuple[str | None, list[str]]:
    """Who leads and who partners: 'Giao X chủ trì, phối hợp với Y …', '…: Phòng X chủ trì',
    or the section's unit."""
    assigned = _FIELD_LEAD.search(text) or _ASSIGNED.match(text) or _NAMED_LEAD.search(text)
    lead = squash(assigned.group(1)) if assigned else actor
    partners = [_short_unit(m.group(1)) for m in _PARTNER.finditer(text)]
    listed = _FIELD_PARTNERS.search(text)
    partners += _split_units(listed.group(1)) if listed else []
    return lead, [p for p in partners if p and p != lead]


def _short_unit(text: str) -> str:
    """A unit named inside a sentence, cut at a comma once it is clearly long enough."""
    words = re.sub(r"(?:[\s,]+(?:các|và|với))+$", "", squash(text)).strip(" ,").split()
    if len(words) <= 10:
        return " ".join(words)
    cut = " ".join(words[:10])
    shorter = cut.rsplit(",", 1)[0]
    return shorter if len(shorter.split()) >= 3 else cut


def _report_to(text: str) -> str | None:
    m = _REPORT_TO.search(text)
    if m is None:
        return None
    unit = squash(m.group(1)).strip(" ,.")
    if unit.count("(") > unit.count(")"):  # the parenthesis goes on past ';': keep all of it
        opened = m.start(1) + m.group(1).index("(")
        closing = text.find(")", opened)
        unit = squash(text[m.start(1) : closing + 1]) if closing > 0 else unit.split("(")[0]
    return squash(unit + (m.group(2) or "")).strip(" ,.")


def _same_target(a: Item, b: Item) -> bool:
    first_a, first_b = a.first_measure, b.first_measure
    if (first_a and first_a.value) != (first_b and first_b.value):
        return False
    if a.applies_to and b.applies_to and a.applies_to != b.applies_to:
        return False  # the same figure for primary and for lower secondary schools
    x, y = fold(a.text), fold(b.text)
    head = min(len(x), len(y), 90)
    if fuzz.ratio(x[:head], y[:head]) >= _FUZZY_SAME:
        return True
    # Word overlap counts only between statements of like length: a short target is not
    # the same as a long paragraph that happens to contain its words.
    comparable = min(len(x), len(y)) >= 0.6 * max(len(x), len(y))
    return comparable and fuzz.token_set_ratio(x, y) >= _FUZZY_SAME


def _merge_targets(items: list[Item]) -> list[Item]:
    """One target stated in the goals, again in the tasks and in an appendix table is one
    target: the table row (it has the lead unit and deadline) keeps the other citations."""
    targets = [i for i in items if i.kind == "target"]
    ordered = sorted(targets, key=lambda i: 0 if i.columns else 1)
    kept: list[Item] = []
    for target in ordered:
        twin = next((k for k in kept if _same_target(k, target)), None)
        if twin is None:
            kept.append(target)
        elif target.section not in twin.also_in and target.section != twin.section:
            twin.also_in.append(target.section)
    keep_ids = {id(k) for k in kept}
    return [i for i in items if i.kind != "target" or id(i) in keep_ids]


def plan_text(blocks: list[Block]) -> str:
    """The plan as plain text: paragraphs, and table rows with their cells tab-separated."""
    lines = [
        block.text if isinstance(block, Paragraph) else "\t".join(block.cells) for block in blocks
    ]
    return "\n".join(lines)


def extract_plan(blocks: list[Block]) -> PlanFacts:
    """Read one plan document's blocks into structured facts."""
    paragraphs = [b.text for b in blocks if isinstance(b, Paragraph) and not b.footnote]
    text = plan_text(blocks)
    header = read_header(paragraphs, text)
    walker = _Walker(date_context(header))
    for block in blocks:
        walker.feed(block)
    items, budget = walker.items()
    return PlanFacts(
        **vars(header), budget_million_vnd=budget, sections=walker.sections, items=items, text=text
    )
