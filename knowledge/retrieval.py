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

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.lexicon import ONSET, QUESTION_WORDS, STOPWORDS

_SYLLABLE = re.compile(r"[a-z0-9]+(?:[%/][a-z0-9]*)?")
_K1 = 1.2
_B = 0.9


# "tỉ lệ" and "tỷ lệ", "kĩ năng" and "kỹ năng" are both correct spellings: one key for both.
_FINAL_Y = re.compile(rf"^({ONSET}?)y$")


def syllables(folded: str) -> list[str]:
    words = _SYLLABLE.findall(folded)
    return [_FINAL_Y.sub(r"\1i", word) if word[-1] == "y" else word for word in words]


def terms(words: Sequence[str]) -> list[str]:
    """Index terms: content syllables and every adjacent pair of syllables."""
    singles = [w for w in words if w not in STOPWORDS]
    pairs = [f"{a}_{b}" for a, b in itertools.pairwise(words)]
    return singles + pairs


@dataclass(frozen=True)
class Match:
    """A document the query matched: its BM25 score, the summed weight of the query's
    content syllables it holds, and whether it holds any pair of adjacent syllables."""

    doc: int
    score: float
    covered: float
    paired: bool


@dataclass
class Bm25Index:
    """An inverted index of documents (each a list of terms) scored with BM25.

    After `freeze` each term's postings are numpy arrays of document ids and BM25 weights,
    so a question over thousands of plans is scored by array additions, not Python loops.
    """

    counts: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    lengths: list[int] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def add(self, words: Sequence[str]) -> int:
        doc = len(self.lengths)
        counts = Counter(terms(words))
        for term, count in counts.items():
            self.counts[term][doc] = count
        self.lengths.append(sum(counts.values()))
        return doc

    def freeze(self) -> None:
        """Turn the collected counts into weighted postings and prepare typo repair."""
        lengths = np.asarray(self.lengths, dtype=np.float32)
        average = float(lengths.mean()) if len(lengths) else 1.0
        norms = _K1 * (1 - _B + _B * lengths / max(1.0, average))
        for term, docs in self.counts.items():
            ids = np.fromiter(docs.keys(), dtype=np.int64, count=len(docs))
            tf = np.fromiter(docs.values(), dtype=np.float32, count=len(docs))
            self.postings[term] = (ids, self.idf(term) * tf * (_K1 + 1) / (tf + norms[ids]))
        self.counts.clear()
        words = {t for t in self.postings if "_" not in t} | QUESTION_WORDS
        self.vocabulary = sorted(w for w in words if len(w) >= 3)

    def idf(self, term: str) -> float:
        hits = self._hits(term)
        return math.log(1 + (len(self.lengths) - hits + 0.5) / (hits + 0.5))

    def bond(self, first: str, second: str) -> float:
        """How tightly two syllables make one word: the share of the documents using either
        that write them side by side (Dice's coefficient)."""
        pair, alone = self._hits(f"{first}_{second}"), self._hits(first) + self._hits(second)
        return 2 * pair / alone if alone else 0.0

    def _hits(self, term: str) -> int:
        found = self.postings.get(term)
        return len(found[0]) if found is not None else len(self.counts.get(term, ()))

    def holds(self, term: str, doc: int) -> bool:
        """Whether the document contains the term (postings are in document order)."""
        found = self.postings.get(term)
        if found is None:
            return False
        ids = found[0]
        at = int(ids.searchsorted(doc))
        return at < len(ids) and int(ids[at]) == doc

    def repair(self, words: list[str]) -> list[str]:
        """Replace syllables the plans never use by the closest one they do."""
        fixed = []
        for word in words:
            known = word in self.postings or _FINAL_Y.sub(r"\1i", word) in self.postings
            if known or len(word) < 3 or word in QUESTION_WORDS or not word.isalpha():
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
            swapped = self._transposed(word)
            if swapped:  # two letters typed the wrong way round: "tir", "coa"
                fixed.append(swapped)
                continue
            close = process.extract(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=75)
            # a slip of the finger rarely hits the first letter: "mừng" is not "ứng"
            fixed.append(next((c[0] for c in close if c[0][0] == word[0]), word))
        return fixed

    def _transposed(self, word: str) -> str | None:
        """The most used known word that `word` is with two neighbouring letters swapped."""
        known = []
        for at in range(len(word) - 1):
            swapped = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
            if swapped in QUESTION_WORDS:
                return swapped
            if swapped in self.postings:
                known.append((len(self.postings[swapped][0]), swapped))
        return max(known)[1] if known else None

    def search(
        self,
        query: list[str],
        weights: dict[str, float],
        allowed: np.ndarray | None = None,
        top: int = 400,
    ) -> list[Match]:
        """The `top` best documents for the query, among `allowed` ones (a boolean mask)."""
        size = len(self.lengths)
        score = np.zeros(size, dtype=np.float32)
        covered = np.zeros(size, dtype=np.float32)
        paired = np.zeros(size, dtype=bool)
        for term in set(terms(query)):
            found = self.postings.get(term)
            if found is None:
                continue
            ids, weight = found
            score[ids] += weight
            if "_" in term:
                paired[ids] = True
            elif term in weights:
                covered[ids] += weights[term]
        if allowed is not None:
            score[~allowed] = 0
        hits = np.flatnonzero(score)
        if len(hits) > top:
            hits = hits[np.argpartition(-score[hits], top)[:top]]
        return [
            Match(int(doc), float(score[doc]), float(covered[doc]), bool(paired[doc]))
            for doc in hits
        ]
