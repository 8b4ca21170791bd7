"""The numbers a target asks for, and the school levels it concerns.

'100% đội ngũ nhà giáo và tối thiểu 65% học sinh phổ thông được tập huấn' holds two
measures of one target; 'Tỷ lệ … : Đạt tối thiểu 80%' names its subject before the number;
'4/4 trường' and '3 trong 4 phương thức' are ratios. Levels (mầm non, tiểu học, THCS, THPT,
GDTX) decide later which schools are asked about which target.
"""

from __future__ import annotations

import re

from knowledge.facts import Measure
from knowledge.text import fold_aligned, squash

_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d{1,2})?)\s*%")
_RATIO = re.compile(r"(?<![\d/.])(\d{1,3})\s*(?:/|\s+trong\s+(?:so\s+)?)(\d{1,4})(?![\d/])")
_NOT_RATIO_BEFORE = re.compile(r"(ngay|truoc|sau|den|thang|quy|so|nam|lan|luc)\s*$")
# Ordered strongest first: the bound decides how a reported value compares to the target.
_QUALIFIERS = (
    ("khong duoi", "không dưới"),
    ("toi thieu", "tối thiểu"),
    ("it nhat", "ít nhất"),
    ("tren", "trên"),
    ("toi da", "tối đa"),
    ("duoi", "dưới"),
    ("phan dau", "phấn đấu"),
    ("trung binh", "trung bình"),
    ("dat", "đạt"),
)
_QUALIFIER_WINDOW = 28
_SUBJECT_STOP = re.compile(r"[;:]|\.\s|\bva\s+(?=(?:toi thieu|tren|khong duoi|dat)?\s*\d)")


def _qualifier(folded_before: str, folded_after: str) -> str | None:
    window = folded_before[-_QUALIFIER_WINDOW:]
    if re.match(r"\s*tro len", folded_after):
        return "tối thiểu"
    for key, label in _QUALIFIERS:
        if re.search(r"\b" + key + r"\b", window):
            return label
    return None


def _number(raw: str) -> float:
    return float(raw.replace(",", "."))


def find_measures(text: str) -> list[Measure]:
    """Every percentage and ratio the sentence sets as a goal, with its qualifier and subject."""
    folded = fold_aligned(text)
    spans: list[tuple[int, int, float, str, float | None]] = []
    for m in _PERCENT.finditer(folded):
        spans.append((m.start(), m.end(), _number(m.group(1)), "%", None))
    for m in _RATIO.finditer(folded):
        num, den = int(m.group(1)), int(m.group(2))
        before = folded[max(0, m.start() - 12) : m.start()]
        if den > 0 and num <= den and not _NOT_RATIO_BEFORE.search(before):
            spans.append((m.start(), m.end(), float(num), f"/{den}", float(den)))
    spans.sort()
    measures: list[Measure] = []
    lead = ""
    for index, (start, end, value, unit, denominator) in enumerate(spans):
        previous_end = spans[index - 1][1] if index else 0
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        subject = _subject(text, folded, previous_end, start, end, next_start)
        if index == 0:
            lead = _TRAILING.sub("", squash(text[:start])).strip(" ,.;:-")
        if re.match(r"(?i)(ở|tại)\s", subject) and len(lead.split()) >= 2:
            subject = f"{lead} {subject}"
        elif not subject and measures:
            subject = measures[-1].subject
        measures.append(
            Measure(
                value=value,
                unit=unit,
                qualifier=_qualifier(folded[previous_end:start], folded[end : end + 10]),
                subject=subject,
                denominator=denominator,
            )
        )
    return measures


_QUALIFIER_WORDS = (
    r"(?:không dưới|tối thiểu|ít nhất|trên|đạt tới|đạt|phấn đấu|phần đầu|phân đầu"
    r"|trung bình|từ|và|tại|trở lên)"
)
_TRAILING = re.compile(r"(?i)(?:[\s:,]+|\b" + _QUALIFIER_WORDS + r"\b)+$")
_LEADING = re.compile(r"(?i)^(?:[\s:,]+|\b" + _QUALIFIER_WORDS + r"\b)+")


def _subject(text: str, folded: str, prev_end: int, start: int, end: int, next_start: int) -> str:
    """What the number counts: the words after it, or before it when it closes the clause."""
    after = folded[end:next_start]
    stop = _SUBJECT_STOP.search(after)
    after_text = squash(text[end : end + (stop.start() if stop else len(after))])
    after_text = _TRAILING.sub("", _LEADING.sub("", after_text)).strip(" ,.;:")
    if len(after_text.split()) >= 2 and not re.match(r"\s*[,;.:]", after):
        return after_text
    before = text[prev_end:start]
    folded_before = fold_aligned(before)
    cut = max(folded_before.rfind(";"), folded_before.rfind(". "))
    before = before[cut + 1 :] if cut >= 0 else before
    return _TRAILING.sub("", _LEADING.sub("", squash(before))).strip(" ,.;:-")


_LEVEL_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"mam non|\bmn\b", ("mam_non",)),
    (r"tieu hoc|\bth\b(?!\s*&)|\bth&thcs\b", ("tieu_hoc",)),
    (r"trung hoc co so|\bthcs\b", ("thcs",)),
    (r"trung hoc pho thong|\bthpt\b", ("thpt",)),
    (r"trung hoc(?!\s+(?:co so|pho thong))", ("thcs", "thpt")),
    (r"(?:co so giao duc|truong|hoc sinh|cap|bac)\s+pho thong", ("tieu_hoc", "thcs", "thpt")),
    (r"giao duc thuong xuyen|\bgdtx\b", ("gdtx",)),
)
LEVEL_ORDER = ("mam_non", "tieu_hoc", "thcs", "thpt", "gdtx")


def school_levels(text: str) -> list[str]:
    """School levels a text names ('các trường tiểu học, THCS' → tieu_hoc, thcs); [] means any.

    'từ cấp THCS trở lên' also takes every level above the one named.
    """
    folded = fold_aligned(text)
    found: set[str] = set()
    for pattern, levels in _LEVEL_PATTERNS:
        if re.search(pattern, folded):
            found.update(levels)
    ranked = [LEVEL_ORDER.index(level) for level in found if level != "gdtx"]
    if ranked and re.search(r"tro len", folded):
        found.update(LEVEL_ORDER[min(ranked) : 4])
    elif len(ranked) >= 2 and re.search(r"\btu\b.*\bden\b", folded):
        found.update(LEVEL_ORDER[min(ranked) : max(ranked) + 1])
    return [level for level in LEVEL_ORDER if level in found]
