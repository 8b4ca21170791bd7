"""Phone numbers and email addresses a plan gives for questions ('điện thoại 02253.842.445').

Plans write numbers in many ways ('0912 345 678', '(0233) 3.852.123', '+84 912 345 678'),
and the same text is full of dates, document numbers and amounts. A number counts as a
phone only when, separators aside, it has the length and prefix of a Vietnamese number (11
digits from 02 or 01, 10 digits from 0, or a 1800/1900 hotline); a slash, letter or digit
glued to either end ('12/5/2022', '4725/QĐ-BGDĐT', '05%') rules it out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_PHONE = re.compile(
    r"(?<![\w/.,+@-])"
    r"(?:(?:\(\+84\)|\+84)[ .-]?\d+|\(0\d{1,4}\) ?\d+|0\d+)"
    r"(?:[ .-]\d+)*"
    r"(?![\w/%@]|[.,-]\d)"
)
_HOTLINE = re.compile(r"(?<![\w/.,+@-])1[89]00[ .]?\d{4}(?:[ .]?\d{2})?(?![\w/%@]|[.,-]\d)")
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# "đ/c Hoàng Thị Kim Oanh": a person named by the plan, up to the first lower-case word
_PERSON = re.compile(r"(?:đ/c|đồng chí|ông|bà)\s+((?:[A-ZĐÀ-Ỹ][^\s,;:.()]*\s*){2,5})")


def _phone_key(written: str) -> str | None:
    """The number's digits as dialled inside Việt Nam, or None when it cannot be a phone."""
    digits = re.sub(r"\D", "", written)
    if written.lstrip("(").startswith("+84"):
        digits = "0" + digits[2:]
    mobile_or_old_landline = len(digits) == 10 and digits[1] != "0"
    landline = len(digits) == 11 and digits[1] in "12"
    return digits if mobile_or_old_landline or landline else None


def contact_details(text: str) -> list[str]:
    """The phone numbers and emails `text` gives, as written, in order, each once."""
    found: list[tuple[int, str, str]] = []
    for match in _PHONE.finditer(text):
        key = _phone_key(match.group())
        if key is not None:
            found.append((match.start(), key, match.group()))
    for match in _HOTLINE.finditer(text):
        found.append((match.start(), re.sub(r"\D", "", match.group()), match.group()))
    for match in _EMAIL.finditer(text):
        found.append((match.start(), match.group().lower(), match.group()))
    seen: set[str] = set()
    details: list[str] = []
    for _, key, written in sorted(found):
        if key not in seen:
            seen.add(key)
            details.append(written)
    return details


def gives_phone(text: str) -> bool:
    """Whether `text` gives a phone number or hotline, not only an email."""
    phones = (_phone_key(m.group()) for m in _PHONE.finditer(text))
    return any(phones) or _HOTLINE.search(text) is not None


def whom_to_contact(text: str, relevance: Callable[[str], int]) -> str:
    """Who to contact and how, from a contact paragraph: when it names several people, the
    one whose part of the text is most `relevance`-ant to the question ("nội dung về kinh
    phí liên hệ đ/c …"), else everyone's details."""
    people = list(_PERSON.finditer(text))
    if not people:
        return "; ".join(contact_details(text))
    starts = [0] + [
        max(text.rfind(". ", 0, m.start()), text.rfind("; ", 0, m.start())) + 2 for m in people[1:]
    ]
    parts = [
        (m.group(1).strip(), text[start:end])
        for m, start, end in zip(people, starts, [*starts[1:], len(text)], strict=True)
        if contact_details(text[start:end])
    ]
    if not parts:
        return "; ".join(contact_details(text))
    scores = [relevance(part) for _, part in parts]
    best = max(range(len(parts)), key=scores.__getitem__)
    if len(parts) > 1 and scores.count(scores[best]) > 1:
        return "; ".join(_person(name, part) for name, part in parts)
    return _person(*parts[best])


def _person(name: str, part: str) -> str:
    return f"{name} ({'; '.join(contact_details(part))})"
