"""The heading block of a Vietnamese administrative plan: number, issuer, place, date, title,
and the signature block that closes its body.

Every plan opens the same way ('Số: 27 /KH-SGDĐT', 'Ninh Bình, ngày 19 tháng 9 năm 2025',
'KẾ HOẠCH', title lines), whatever the locality; blanks are common in drafts
('Số: /KH-UBND', 'ngày tháng 6 năm 2026') and are kept as blanks, not guessed. It closes the
same way too: the 'Nơi nhận:' list, the signer's position in capitals ('KT. GIÁM ĐỐC',
'PHÓ GIÁM ĐỐC') and the signer's name ('Phạm Quốc Hiệu').
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
_DELEGATION = re.compile(r"^(KT|TM|TL|TUQ|Q)\.\s*")
_POSITION = re.compile(r"giám đốc|chủ tịch|trưởng|bí thư|chánh|chủ nhiệm|\bphó\b")
_POSITION_BREAK = re.compile(r"\s+(?=(?:KT|TM|TL|TUQ|Q)\.|PHÓ\s)")
_RECIPIENT = re.compile(r"^[-+•–*]")
_SIGNED = re.compile(r"^[(\[].*[)\]]$|^(?:đã )?ký\b", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?:(?:PGS|GS|TS|ThS|BS|KS|NGƯT|NGND)\.\s*)+")
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?[aeiouy]+(?:ng|nh|ch|[cmnpt])?$"
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


def _issuing_body(lines: list[str]) -> str | None:
    """The issuer as its heading names it, when the number's code names no office
    ('87/KH-THCSQT'): the last line in capitals above the national motto or the number —
    the parent body comes first ('UBND XÃ TÂN PHÚ', then 'TRƯỜNG THCS QUANG TRUNG')."""
    bodies = []
    for line in lines:
        folded = fold(line)
        if folded.startswith(("cong hoa", "doc lap", "ke hoach")) or _NUMBER.match(line):
            break
        if line.isupper() and not any(char.isdigit() for char in line):
            bodies.append(line)
    return " ".join(_name_case(word) for word in bodies[-1].split()) if bodies else None


def _name_case(word: str) -> str:
    """'TRƯỜNG' → 'Trường'; acronyms ('THCS'), which no Vietnamese syllable spells, kept."""
    return word.capitalize() if _SYLLABLE.match(fold(word)) else word


def _is_position(line: str) -> bool:
    """A signature title line: capitals naming a position or a delegation ('KT. GIÁM ĐỐC')."""
    return (
        len(line) <= 80
        and line.isupper()
        and not any(char.isdigit() for char in line)
        and bool(_DELEGATION.match(line) or _POSITION.search(line.lower()))
    )


def _person(line: str) -> str | None:
    """The line as a person's name: two to five capitalised words, degrees ('TS.') dropped.

    Official documents print the signer's name in ordinary capitalisation, never in capitals.
    """
    name = _HONORIFIC.sub("", line)
    words = name.split()
    capitalised = all(
        word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower())
        for word in words
    )
    return name if capitalised and 2 <= len(words) <= 5 and len(name) <= 40 else None


def _position_case(line: str) -> str:
    """'KT. GIÁM ĐỐC' → 'KT. Giám đốc', 'PHÓ CHỦ TỊCH' → 'Phó Chủ tịch'; acronyms ('UBND',
    which no Vietnamese syllable spells) keep their capitals."""
    delegation = _DELEGATION.match(line)
    head = f"{delegation.group(1)}. " if delegation else ""
    rest = line[delegation.end() :] if delegation else line
    words = [w.lower() if _SYLLABLE.match(fold(w)) else w for w in rest.split()]
    capitals = 2 if words[:1] == ["phó"] else 1
    words[:capitals] = [word[0].upper() + word[1:] for word in words[:capitals]]
    return squash(head + " ".join(words))


def _signature(lines: list[str]) -> tuple[str, str] | None:
    """Name and position from the lines after 'Nơi nhận:': recipients are passed over (a
    table row may interleave them with the signature), then come the position lines, at
    most two marks such as '(Đã ký)', and the name."""
    positions: list[str] = []
    marks = 0
    for line in lines:
        if not line or _RECIPIENT.match(line):
            continue
        if _is_position(line):
            positions.extend(_POSITION_BREAK.split(line))
        elif positions:
            name = _person(line)
            if name is not None:
                return name, ", ".join(map(_position_case, positions))
            if not _SIGNED.match(line) or marks == 2:
                return None
            marks += 1
        elif fold(line).startswith("phu luc"):
            return None
    return None


def read_signer(full_text: str) -> tuple[str | None, str | None]:
    """Who signed the plan, as (name, position), or (None, None) without a signature block.

    Cells count as lines: a .docx usually sets recipients and signature side by side in a
    table row.
    """
    lines = [squash(line) for line in re.split(r"[\n\t]", full_text)]
    for start, line in enumerate(lines):
        if fold(line).startswith("noi nhan"):
            signer = _signature(lines[start + 1 : start + 60])
            if signer is not None:
                return signer
    return None, None


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
            if not any(char.isalnum() for char in text):
                continue  # the rule drawn under the title: "__________"
            title_lines.append(text)
            if len(title_lines) >= 3:
                break
    title = squash(" ".join(title_lines))
    school = _SCHOOL_YEAR.search(title)
    year = _YEAR.search(re.sub(r"(?i)năm học", "", title))
    signer_name, signer_title = read_signer(full_text)
    return Header(
        number=number,
        issuer=(_issuer(code, locality, full_text) if code else None)
        or _issuing_body(paragraphs[:12]),
        locality=locality,
        issued_on=issued_on,
        issued_text=issued_text,
        title=title,
        year=int(year.group(1)) if year else None,
        school_year=f"{school.group(1)}-{school.group(2)}" if school else None,
        signer_name=signer_name,
        signer_title=signer_title,
    )
