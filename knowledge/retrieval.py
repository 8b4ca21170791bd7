"""BM25 over folded syllables and syllable pairs, with typo repair against the vocabulary.

Vietnamese words are runs of syllables ("học liệu số"), so pairs of adjacent syllables carry
much of the meaning; single syllables keep recall. Unknown query syllables are mapped to the
closest known one with rapidfuzz, which repairs typos like "leiu" → "lieu".
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from knowledge.lexicon import STOPWORDS

_SYLLABLE = re.compile(r"[a-z0-9]+(?:[%/][a-z0-9]*)?")
_K1 = 1.4
_B = 0.6


# "tỉ lệ" and "tỷ lệ", "kĩ năng" and "kỹ năng" are both correct spellings: one key for both.
_FINAL_Y = re.compile(r"^((?:[bcdghklmnprstvx]|qu|th|tr|ch|ph|nh|kh|gi)?)y$")


def syllables(folded: str) -> list[str]:
    return [_FINAL_Y.sub(r"\1i", word) for word in _SYLLABLE.findall(folded)]


def terms(words: Sequence[str]) -> list[str]:
    """Index terms: content syllables and every adjacent pair of syllables."""
    singles = [w for w in words if w not in STOPWORDS]
    pairs = [f"{a}_{b}" for a, b in itertools.pairwise(words)]
    return singles + pairs


@dataclass
class Bm25Index:
    """An inverted index of documents (each a list of terms) scored with BM25."""

    postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    lengths: list[int] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)

    def add(self, words: Sequence[str]) -> int:
        doc = len(self.lengths)
        counts = Counter(terms(words))
        for term, count in counts.items():
            self.postings[term].append((doc, count))
        self.lengths.append(sum(counts.values()))
        return doc

    def freeze(self) -> None:
        """Prepare typo repair once all documents are in."""
        self.vocabulary = sorted(t for t in self.postings if "_" not in t and len(t) >= 3)
        self._average = sum(self.lengths) / max(1, len(self.lengths))

    def idf(self, term: str) -> float:
        hits = len(self.postings.get(term, ()))
        return math.log(1 + (len(self.lengths) - hits + 0.5) / (hits + 0.5))

    def repair(self, words: list[str]) -> list[str]:
        """Replace syllables the plans never use by the closest one they do."""
        fixed = []
        for word in words:
            if word in self.postings or len(word) < 3 or word in STOPWORDS or not word.isalpha():
                fixed.append(word)
                continue
            halves = next(
                (
                    [word[:cut], word[cut:]]
                    for cut in range(2, len(word) - 1)
                    if word[:cut] in self.postings and word[cut:] in self.postings
                ),
                None,
            )
            if halves:  # two syllables typed without the space: "kiemtra"
                fixed.extend(halves)
                continue
            best = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=75)
            fixed.append(best[0] if best else word)
        return fixed

    def scores(
        self, query: list[str], allowed: set[int] | None = None
    ) -> dict[int, tuple[float, set[str]]]:
        """BM25 score of every matching document, with the query terms it contains."""
        totals: dict[int, float] = defaultdict(float)
        matched: dict[int, set[str]] = defaultdict(set)
        for term in set(terms(query)):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for doc, count in postings:
                if allowed is not None and doc not in allowed:
                    continue
                norm = count + _K1 * (1 - _B + _B * self.lengths[doc] / self._average)
                totals[doc] += idf * count * (_K1 + 1) / norm
                matched[doc].add(term)
        return {doc: (score, matched[doc]) for doc, score in totals.items()}
