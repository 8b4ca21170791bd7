"""The heading block of a Vietnamese administrative plan: number, issuer, place, date, title.

Every plan opens the same way ('Số: 27 /KH-SGDĐT', 'Ninh Bình, ngày 19 tháng 9 năm 2025',
'KẾ HOẠCH', title lines), whatever the locality; blanks are common in drafts
('Số: /KH-UBND', 'ngày tháng 6 năm 2026') and are kept as blanks, not guessed.
"""

from __future__ import annotations

import re

from knowledge.dates import DateContext
from knowledge.facts import Header
from knowledge.text import fold, squash

_NUMBER = re.compile(r"^s[oố]\s*:?\s*(\d*)\s*/\s*([\w&.\-Đđ]+)", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,]{2,40}),\s*(?P<when>ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?"
    r"\s*năm\s*(?P<y>\d{4}))",
    re.IGNORECASE,
)
_TITLE_STOP = re.compile(r"^[ivx]+\.\s|^(can cu|thuc hien|theo)\b.*\bso\s+\d")
_SCHOOL_YEAR = re.compile(r"năm học\s*(\d{4})\s*[-–—]\s*(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)
_BODIES = {
    "sgddt": "Sở GDĐT",
    "sgd&dt": "Sở GDĐT",
    "pgddt": "Phòng GDĐT",
    "pgd&dt": "Phòng GDĐT",
    "ubnd": "UBND",
}
_UBND_LEVEL = (
    r"(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+"
    r"(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+"
)


def date_context(header: Header) -> DateContext:
    """The year and school year that bare dates in the plan ('Học kỳ I', '15/03') refer to."""
    issued_year = int(header.issued_on[:4]) if header.issued_on else None
    first = int(header.school_year[:4]) if header.school_year else None
    if first is None and issued_year is not None and header.issued_on:
        issued_month = int(header.issued_on[5:7]) if len(header.issued_on) >= 7 else 9
        first = issued_year if issued_month >= 8 else issued_year - 1
    return DateContext(year=header.year or issued_year, school_year=first)


def _issuer(code: str, locality: str | None, text: str) -> str | None:
    body = _BODIES.get(fold(code.split("-")[-1]))
    if body is None:
        return None
    if body == "UBND" and locality:
        level = re.search(_UBND_LEVEL + re.escape(locality), text, re.IGNORECASE)
        if level:
            return f"UBND {level.group(1).lower()} {locality}"
    return f"{body} {locality}" if locality else body


def read_header(paragraphs: list[str], full_text: str) -> Header:
    """Read the heading block from the plan's first paragraphs."""
    number = code = locality = issued_on = issued_text = None
    title_lines: list[str] = []
    in_title = False
    for index, text in enumerate(paragraphs[:40]):
        folded = fold(text)
        if number is None and code is None and (m := _NUMBER.match(text)):
            number = f"{m.group(1)}/{m.group(2)}" if m.group(1) else None
            code = m.group(2)
        elif locality is None and (m := _PLACE_DATE.match(text)):
            locality = squash(m.group("place"))
            issued_text = squash(m.group("when"))
            parts = [m.group("y"), m.group("m"), m.group("d") if m.group("m") else None]
            issued_on = "-".join(f"{int(p):02d}" if len(p) < 4 else p for p in parts if p)
        elif folded.startswith("ke hoach") and not title_lines and len(text) < 200:
            rest = squash(text[len("KẾ HOẠCH") :])
            title_lines = [rest] if rest else []
            in_title = True
        elif in_title:
            if _TITLE_STOP.match(folded) or len(text) > 160 or index > 12:
                break
            title_lines.append(text)
            if len(title_lines) >= 3:
                break
    title = squash(" ".join(title_lines))
    school = _SCHOOL_YEAR.search(title)
    year = _YEAR.search(re.sub(r"(?i)năm học", "", title))
    return Header(
        number=number,
        issuer=_issuer(code, locality, full_text) if code else None,
        locality=locality,
        issued_on=issued_on,
        issued_text=issued_text,
        title=title,
        year=int(year.group(1)) if year else None,
        school_year=f"{school.group(1)}-{school.group(2)}" if school else None,
    )
