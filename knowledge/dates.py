"""Vietnamese date grammar of plan documents.

Plans write deadlines as one-off dates ("trước ngày 20/01/2025", "Chậm nhất 15/10/2024"),
periods ("Tháng 12/2025", "Quý III/2024", "Năm học 2025 – 2026", "Học kỳ I") and
recurring schedules ("hằng quý (trước ngày 20 tháng cuối quý)", "trước 15/6 hằng năm").
General date libraries read "trước" as "ago" and know no quarters, so this module holds a
small grammar of its own. Patterns run on the aligned folded key (`fold_aligned`), so they
are plain ASCII and their spans quote the original text.

A period normalises to its last day. A school year ends on 31 May of its second year and
semester I on 31 January (the ministry's yearly calendar closes them by then).
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.rrule import rrulestr

from knowledge.facts import Due, Milestone, Precision
from knowledge.text import fold_aligned, squash

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DASH = r"\s*[-–—]\s*"

_DAY = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/])")
_DAY_WORDS = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam|-)\s*(\d{4})")
_QUARTER = re.compile(r"quy\s+(iv|iii|ii|i|[1-4])\b\s*(?:/|nam|-)\s*(\d{4})")
_SEMESTER = re.compile(
    r"hoc\s+ky\s+(ii|i|1|2)\b(?:\s*(?:,|cua)?\s*nam\s+hoc\s+(\d{4})" + _DASH + r"(\d{4}))?"
)
_SCHOOL_YEAR = re.compile(r"nam\s+hoc\s+(\d{4})" + _DASH + r"(\d{4})")
_YEAR = re.compile(r"(?<![\w/])nam\s+(\d{4})(?![\d/-])")
_BARE_YEAR = re.compile(r"^\W*(\d{4})\W*$")
_DOC_REF = re.compile(r"\d+[\w./&-]*/[\w./&-]+\s+ngay\s*$")
_BEFORE = re.compile(
    r"(truoc|cham nhat|han chot|han|khong muon hon|den het|hoan thanh)\s*(ngay|trong|vao)?\s*$"
)
_WITHIN = re.compile(r"(trong|vao|cuoi)\s*$")
_ONGOING = re.compile(r"cac nam tiep theo|thuong xuyen|hang ngay|lien tuc")
_MILESTONE_SPLIT = re.compile(r"(?:^|\n|\s)[-+•]\s+(?=(?:quy|thang|nam|ngay|hoc ky|truoc|\d))")


@dataclass(frozen=True)
class DateContext:
    """What a bare 'Học kỳ I' or '15/03' refers to: the plan's own year and school year."""

    year: int | None = None
    school_year: int | None = None


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    on: date
    precision: Precision


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _scan(folded: str, ctx: DateContext) -> list[_Hit]:
    """Every date expression of the text, in order, longest first where they overlap."""
    hits: list[_Hit] = []

    def add(match: re.Match[str], on: date | None, precision: Precision) -> None:
        if on is not None:
            hits.append(_Hit(match.start(), match.end(), on, precision))

    for m in _SEMESTER.finditer(folded):
        first = int(m.group(2)) if m.group(2) else ctx.school_year
        if first is not None:
            second_half = m.group(1) in ("ii", "2")
            add(m, date(first + 1, 5, 31) if second_half else date(first + 1, 1, 31), "semester")
    for m in _SCHOOL_YEAR.finditer(folded):
        add(m, date(int(m.group(2)), 5, 31), "school_year")
    for m in _DAY_WORDS.finditer(folded):
        add(m, _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1))), "day")
    for m in _DAY.finditer(folded):
        if not _DOC_REF.search(folded[max(0, m.start() - 60) : m.start()]):
            add(m, _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1))), "day")
    for m in _MONTH.finditer(folded):
        month = int(m.group(1))
        add(m, _last_day(int(m.group(2)), month) if 1 <= month <= 12 else None, "month")
    for m in _QUARTER.finditer(folded):
        quarter = _ROMAN.get(m.group(1)) or int(m.group(1))
        add(m, _last_day(int(m.group(2)), quarter * 3), "quarter")
    for m in _YEAR.finditer(folded):
        add(m, date(int(m.group(1)), 12, 31), "year")
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[_Hit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return [h for h in kept if not _DOC_REF.search(folded[max(0, h.start - 60) : h.start])]


def _is_before(folded: str, start: int) -> bool:
    return bool(_BEFORE.search(folded[max(0, start - 30) : start]))


def parse_due(text: str, ctx: DateContext) -> Due:
    """Read a whole time cell ('Trước ngày 10/10/2025', 'Thường xuyên', 'Quý IV/2024')."""
    wording = squash(text)
    folded = fold_aligned(wording)
    if _ONGOING.search(folded):
        return Due(None, wording, "none")
    hits = _scan(folded, ctx)
    if not hits:
        bare = _BARE_YEAR.match(folded)
        if bare:
            return Due(date(int(bare.group(1)), 12, 31), wording, "year")
        return Due(None, wording, "none")
    first = hits[0]
    return Due(first.on, wording, first.precision, _is_before(folded, first.start))


def parse_schedule(text: str, ctx: DateContext) -> tuple[Due, list[Milestone]]:
    """A time cell that may list dated steps ('- Quý III/2024: …  - Quý I/2025: Hoàn thành').

    The task's due date is the step that says it completes ("Hoàn thành"), else the last.
    """
    cuts = [m.start() for m in _MILESTONE_SPLIT.finditer(fold_aligned(text))]
    bounds = zip([0, *cuts], [*cuts, len(text)], strict=True)
    pieces = [text[a:b].strip(" -+•\n") for a, b in bounds if text[a:b].strip(" -+•\n")]
    milestones: list[Milestone] = []
    for piece in pieces:
        head, sep, tail = piece.partition(":")
        if not sep:
            continue
        due = parse_due(head, ctx)
        if due.on is not None and len(head) < 60:
            milestones.append(Milestone(due, squash(tail) or squash(head)))
    if len(milestones) < 2 and not (milestones and len(pieces) > 1):
        return parse_due(text, ctx), []
    finishing = [m for m in milestones if "hoan thanh" in fold_aligned(m.text)]
    chosen = (finishing or milestones)[-1].due
    return Due(chosen.on, squash(text), chosen.precision, chosen.before), milestones


def find_deadlines(text: str, ctx: DateContext) -> list[Due]:
    """Deadlines stated inside a sentence: a date or period preceded by 'trước', 'chậm nhất',
    'trong' …; document references ('Kế hoạch số 19/KH-UBND ngày 08/8/2025') are not deadlines."""
    folded = fold_aligned(text)
    found: list[Due] = []
    for hit in _scan(folded, ctx):
        window = folded[max(0, hit.start - 30) : hit.start]
        before = _BEFORE.search(window)
        within = _WITHIN.search(window)
        if not (before or (within and hit.precision != "day")):
            continue
        marker = before or within
        assert marker is not None
        start = hit.start - (len(window) - marker.start())
        found.append(Due(hit.on, squash(text[start : hit.end]), hit.precision, bool(before)))
    return found


# --- recurring schedules -------------------------------------------------------------------

_DETAIL_DAY = (
    r"\W{0,3}(?:\(|,)?\s*(?:truoc|vao|cham nhat|tu)?\s*(?:ngay\s*)?(\d{1,2})\b(?!\s*[/.]\s*\d)"
)
_MONTHLY = re.compile(r"(?:hang|moi)\s+thang\b(?!\s+(?:cuoi|dau|giua))")
_MONTHLY_DAY = re.compile(_DETAIL_DAY + r"(?!\s+thang)")
_MONTHLY_BEFORE = re.compile(r"(?:truoc|vao)\s+ngay\s+(\d{1,2})\s+(?:hang|moi)\s+thang\b")
_QUARTERLY = re.compile(r"(?:hang|moi)\s+quy\b|(?<=\()\s*quy\b")
_QUARTER_DAY = re.compile(
    r"\W{0,3}(?:\(|,)?\s*(?:truoc|vao|cham nhat)?\s*(?:ngay\s*)?(\d{1,2})\s+(?:cua\s+)?"
    r"thang\s+(cuoi|dau|giua|thu\s+[123])\s+(?:cua\s+)?quy(\s+(?:sau|tiep theo|ke tiep))?"
)
_QUARTER_DAY_ANYWHERE = re.compile(
    r"(?:truoc|vao|cham nhat)\s+(?:ngay\s*)?(\d{1,2})\s+(?:cua\s+)?"
    r"thang\s+(cuoi|dau|giua)\s+(?:cua\s+)?quy(\s+(?:sau|tiep theo|ke tiep))?"
)
_YEARLY = re.compile(r"(?:hang|moi)\s+nam\b|\bnam(?=\s*\(\s*(?:truoc|vao|cham))")
_YEAR_DAY = re.compile(
    r"\W{0,3}(?:\(|,)?\s*(?:truoc|vao|cham nhat)?\s*(?:ngay\s*)?"
    r"(\d{1,2})\s*(?:/|-|\s+thang\s+)\s*(\d{1,2})\b(?!\s*(?:/|nam)\s*\d)"
)
_YEAR_MONTH = re.compile(r"\W{0,3}(?:\(|,)?\s*(?:vao|trong)?\s*thang\s+(\d{1,2})\b(?!\s*/\s*\d)")
_DAY_BEFORE_YEARLY = re.compile(
    r"(?:(?:truoc|vao|cham nhat)\s+)?(?:ngay\s+)?(\d{1,2})\s*(?:/|\s+thang\s+)(\d{1,2})"
    r"\s+(?:hang|moi)\s+nam\b"
)
_MONTH_BEFORE_YEARLY = re.compile(r"(?:vao\s+|trong\s+)?thang\s+(\d{1,2})\s+(?:hang|moi)\s+nam\b")
_SEMIANNUAL = re.compile(
    r"0?1\s+lan\s*/\s*0?6\s+thang|0?6\s+thang\s*/\s*(?:0?1\s+)?lan|0?6\s+thang\s+(?:mot|1)\s+lan"
    r"|(?:hang|moi|dinh ky)\s+0?6\s+thang"
)
# "định kỳ 6 tháng (trước ngày 15/6 và 15/12)": the two days of the year it falls due
_HALF_YEAR_DAYS = re.compile(
    r"\W{0,3}\(?\s*(?:truoc|vao|cham nhat)?\s*(?:ngay\s*)?(\d{1,2})/(\d{1,2})\s*(?:va|,)\s*"
    r"(?:ngay\s*)?(\d{1,2})/(\d{1,2})\)?"
)
# "định kỳ 6 tháng (trước ngày 10/6/2027)": one day given, the same day of the other half
_HALF_YEAR_DAY = re.compile(
    r"\W{0,3}\(\s*(?:truoc|vao|cham nhat)?\s*(?:ngay\s*)?(\d{1,2})/(\d{1,2})(?:/\d{4})?\s*\)"
)
_WEEKDAY = r"(thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s+nhat)"
_WEEKLY = re.compile(
    r"(?:vao\s+)?" + _WEEKDAY + r"\s+(?:hang|moi)\s+tuan"
    r"|(?:hang|moi)\s+tuan\W{0,3}(?:vao\s+)?(?:ngay\s+)?" + _WEEKDAY
)


def _weekday(word: str) -> int:
    word = word.split()[-1]
    if word == "nhat":
        return 6
    return int(word) - 2 if word.isdigit() else _WEEKDAYS[word]


def _rule(
    freq: str, rrule: str, text: str, before: bool, **fields: int | None
) -> dict[str, object]:
    wording = squash(text.replace("*", ""))
    if wording.count("(") > wording.count(")"):
        wording += ")"
    return {"freq": freq, "rrule": rrule, "text": wording, "before": before, **fields}


def find_recurrences(text: str) -> list[dict[str, object]]:
    """Recurring schedules in a sentence, as JSON-ready rules with an RFC 5545 `rrule`.

    'hằng tháng (trước ngày 20)' → monthly day 20; 'hằng quý (trước ngày 20 tháng cuối quý)' →
    day 20 of March/June/September/December; 'năm (trước ngày 10/12)' and 'trước 15/6 hằng
    năm' → yearly; 'hằng năm (tháng 11)' → last day of November; '01 lần/6 tháng' → end of
    June and December; 'thứ Sáu hằng tuần' → weekly on Friday.
    """
    folded = fold_aligned(text)
    rules: list[tuple[int, dict[str, object]]] = []
    taken: list[tuple[int, int]] = []

    def claim(start: int, end: int) -> bool:
        if any(start < e and s < end for s, e in taken):
            return False
        taken.append((start, end))
        return True

    def before_at(pos: int) -> bool:
        return "truoc" in folded[pos : pos + 20] or "cham nhat" in folded[pos : pos + 20]

    for m in _QUARTERLY.finditer(folded):
        detail = _QUARTER_DAY.match(folded, m.end())
        end = detail.end() if detail else m.end()
        if detail and claim(m.start(), end):
            wording = text[m.start() : end]
            day, which, after = int(detail.group(1)), detail.group(2), bool(detail.group(3))
            rule = _quarter_rule(day, which, wording, before_at(m.end()), after)
            rules.append((m.start(), rule))
        elif not detail and claim(m.start(), m.end()):
            rrule = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
            rules.append((m.start(), _rule("quarterly", rrule, text[m.start() : m.end()], False)))
    for m in _QUARTER_DAY_ANYWHERE.finditer(folded):
        if claim(m.start(), m.end()):
            wording = text[m.start() : m.end()]
            rule = _quarter_rule(int(m.group(1)), m.group(2), wording, True, bool(m.group(3)))
            rules.append((m.start(), rule))
    for m in _MONTHLY_BEFORE.finditer(folded):
        if claim(m.start(), m.end()):
            day = int(m.group(1))
            rrule = f"FREQ=MONTHLY;BYMONTHDAY={day}"
            rules.append(
                (m.start(), _rule("monthly", rrule, text[m.start() : m.end()], True, day=day))
            )
    for m in _MONTHLY.finditer(folded):
        detail = _MONTHLY_DAY.match(folded, m.end())
        end = detail.end() if detail else m.end()
        if not claim(m.start(), end):
            continue
        month_day = int(detail.group(1)) if detail else None
        rrule = f"FREQ=MONTHLY;BYMONTHDAY={month_day or -1}"
        rule = _rule("monthly", rrule, text[m.start() : end], before_at(m.end()), day=month_day)
        rules.append((m.start(), rule))
    for m in _DAY_BEFORE_YEARLY.finditer(folded):
        if claim(m.start(), m.end()):
            day, month = int(m.group(1)), int(m.group(2))
            rules.append(
                (m.start(), _yearly(day, month, text[m.start() : m.end()], before_at(m.start())))
            )
    for m in _MONTH_BEFORE_YEARLY.finditer(folded):
        if claim(m.start(), m.end()):
            rules.append(
                (m.start(), _yearly(None, int(m.group(1)), text[m.start() : m.end()], False))
            )
    for m in _YEARLY.finditer(folded):
        day_detail = _YEAR_DAY.match(folded, m.end())
        month_detail = None if day_detail else _YEAR_MONTH.match(folded, m.end())
        detail = day_detail or month_detail
        if detail is None or not claim(m.start(), detail.end()):
            continue
        wording = text[m.start() : detail.end()]
        if day_detail:
            day, month = int(day_detail.group(1)), int(day_detail.group(2))
            rules.append((m.start(), _yearly(day, month, wording, before_at(m.end()))))
        else:
            rules.append((m.start(), _yearly(None, int(detail.group(1)), wording, False)))
    for m in _SEMIANNUAL.finditer(folded):
        days = _HALF_YEAR_DAYS.match(folded, m.end())
        if days and days.group(1) != days.group(3):
            days = None  # two different days do not make one rule
        one = None if days else _HALF_YEAR_DAY.match(folded, m.end())
        end = days.end() if days else one.end() if one else m.end()
        if claim(m.start(), end):
            by = (
                f"{_months(days)};BYMONTHDAY={days.group(1)}"
                if days
                else f"{_both_halves(int(one.group(2)))};BYMONTHDAY={int(one.group(1))}"
                if one
                else "6,12;BYMONTHDAY=-1"
            )
            wording = text[m.start() : end]
            rules.append(
                (
                    m.start(),
                    _rule("semiannual", f"FREQ=YEARLY;BYMONTH={by}", wording, bool(days or one)),
                )
            )
    for m in _WEEKLY.finditer(folded):
        if claim(m.start(), m.end()):
            weekday = _weekday(m.group(1) or m.group(2))
            rrule = f"FREQ=WEEKLY;BYDAY={_RRULE_DAYS[weekday]}"
            rule = _rule("weekly", rrule, text[m.start() : m.end()], False, weekday=weekday)
            rules.append((m.start(), rule))
    detailed = {rule["freq"] for _, rule in rules if rule.get("day")}
    ordered = sorted(rules, key=lambda pair: pair[0])
    return [r for _, r in ordered if r.get("day") or r["freq"] not in detailed or r.get("month")]


def _both_halves(month: int) -> str:
    """The month a half-yearly report is due in each half: 6 → "6,12", 1 → "1,7"."""
    return ",".join(str(m) for m in sorted({month, (month + 5) % 12 + 1}))


def _months(days: re.Match[str]) -> str:
    return ",".join(sorted({str(int(days.group(2))), str(int(days.group(4)))}, key=int))


def _quarter_rule(
    day: int, which: str, text: str, before: bool, after: bool = False
) -> dict[str, object]:
    """A quarterly report; `after`: it is due in the quarter after the one it reports on
    ("trước ngày 05 của tháng đầu quý sau")."""
    month_of_quarter = {"dau": 1, "giua": 2, "cuoi": 3}.get(which) or int(which.split()[-1])
    months = ",".join(str(q * 3 - 3 + month_of_quarter) for q in range(1, 5))
    rrule = f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={day}"
    extra = {"after_period": True} if after else {}
    return _rule(
        "quarterly", rrule, text, before, day=day, month_of_quarter=month_of_quarter, **extra
    )


def _yearly(day: int | None, month: int, text: str, before: bool) -> dict[str, object]:
    rrule = f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day if day else -1}"
    return _rule("yearly", rrule, text, before, day=day, month=month)


def occurrences(rule: dict[str, object], start: date, end: date) -> list[date]:
    """The concrete dates of a recurring rule inside [start, end]."""
    return list(_expanded(str(rule["rrule"]), start, end))


@functools.lru_cache(maxsize=4096)
def _expanded(rrule: str, start: date, end: date) -> tuple[date, ...]:
    """Few distinct rules serve many items and questions: expand each window once."""
    dtstart = datetime(start.year, start.month, start.day)
    recurrence = rrulestr(rrule, dtstart=dtstart)
    stop = datetime(end.year, end.month, end.day, 23, 59)
    return tuple(moment.date() for moment in recurrence.between(dtstart, stop, inc=True))
