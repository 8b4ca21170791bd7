"""Vietnamese text keys: NFC for display, a folded key for matching.

Users type with or without diacritics, so every comparison goes through `fold`, which
strips combining marks (NFD) and maps đ/Đ to d/D; the standard library is enough.
"""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """Normalise to NFC, the form every stored and displayed text uses."""
    return unicodedata.normalize("NFC", text)


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character, so folding runs in C."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = unicodedata.normalize("NFD", "d" if char in "đĐ" else char)[0].lower()
        folded = base if len(base) == 1 else char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_aligned(text: str) -> str:
    """Lower-case, mark-free key that keeps every character in place.

    Each precomposed Vietnamese letter folds to exactly one base letter, so regular
    expressions written in plain ASCII can run on this key and quote the NFC text.
    """
    return text.translate(_FOLD_TABLE)


def fold(text: str) -> str:
    """Lower-case, mark-free, single-spaced key of `text` ('Đạt tối thiểu' → 'dat toi thieu')."""
    return squash(fold_aligned(text))


def squash(text: str) -> str:
    """Collapse runs of white space into one space and trim."""
    return " ".join(text.split())


def shorten(text: str, width: int) -> str:
    """Cut at a word boundary with an ellipsis, keeping line breaks (read on phones)."""
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:…") + "…"


def vn_number(value: float, decimals: int = 2) -> str:
    """A number as Vietnamese readers write it: '7.048', '45,5'."""
    whole = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return whole.replace(",", "_").replace(".", ",").replace("_", ".")
