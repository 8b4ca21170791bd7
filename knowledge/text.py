"""Vietnamese text keys: NFC for display, a folded key for matching.

Users type with or without diacritics, so every comparison goes through `fold`, which
strips combining marks (NFD) and maps đ/Đ to d/D; the standard library is enough.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Normalise to NFC, the form every stored and displayed text uses."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, mark-free, single-spaced key of `text` ('Đạt tối thiểu' → 'dat toi thieu')."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_aligned(text: str) -> str:
    """Like `fold` but keeps every character in place, so match spans index the original.

    Each precomposed Vietnamese letter folds to exactly one base letter, so regular
    expressions written in plain ASCII can run on this key and quote the NFC text.
    """
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", "d" if ch in "đĐ" else ch)[0]
        out.append(base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


def squash(text: str) -> str:
    """Collapse runs of white space into one space and trim."""
    return _SPACES.sub(" ", text).strip()
