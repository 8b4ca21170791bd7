"""Phone numbers and email addresses a plan gives for questions ('điện thoại 02253.842.445').

Plans write numbers in many ways ('0912 345 678', '(0233) 3.852.123', '+84 912 345 678'),
and the same text is full of dates, document numbers and amounts. A number counts as a
phone only when, separators aside, it has the length and prefix of a Vietnamese number (11
digits from 02 or 01, 10 digits from 0, or a 1800/1900 hotline); a slash, letter or digit
glued to either end ('12/5/2022', '4725/QĐ-BGDĐT', '05%') rules it out.
"""

from __future__ import annotations

import re

_PHONE = re.compile(
    r"(?<![\w/.,+@-])"
    r"(?:(?:\(\+84\)|\+84)[ .-]?\d+|\(0\d{1,4}\) ?\d+|0\d+)"
    r"(?:[ .-]\d+)*"
    r"(?![\w/%@]|[.,-]\d)"
)
_HOTLINE = re.compile(r"(?<![\w/.,+@-])1[89]00[ .]?\d{4}(?:[ .]?\d{2})?(?![\w/%@]|[.,-]\d)")
_EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


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
