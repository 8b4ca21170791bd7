"""Answers plan questions from the knowledge base, citing plan and section.

A question is folded (no diacritics, abbreviations spelled out), scoped to the plans it
names, read for what it asks (a deadline, a target, who leads, a budget, what is coming up)
and matched against the plans' items with BM25. The answer is composed from the best item's
structured fields — the fact first, then where it comes from. Below a confidence threshold
the engine says it does not know and suggests close items instead of guessing.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.contacts import gives_phone, whom_to_contact
from knowledge.dates import DateContext, find_deadlines, occurrences
from knowledge.lexicon import (
    ABBREVIATIONS,
    CONCEPTS,
    STOPWORDS,
    expand,
    intent_words,
    intents,
    spell_out_ai,
)
from knowledge.measures import school_levels
from knowledge.periods import (
    Period,
    asked_frequencies,
    asks_next_report,
    named_period,
    recurs_as,
    relative_period,
    without_periods,
)
from knowledge.places import PlaceNames
from knowledge.retrieval import Bm25Index, syllables, terms
from knowledge.store import ItemRecord, PlanRecord, item_dates
from knowledge.text import fold, nfc, shorten, vn_number

MAX_QUESTION = 500
MAX_ANSWER = 600
CONFIDENT = 0.57  # share of the question's subject (by idf weight) an item must contain
CONFIDENT_TOPIC = 0.75  # the same when the question asks nothing in particular
TYPED = 0.5  # share of the subject (by idf weight) that must be plan words as typed
UPCOMING_DAYS = 30
MAX_LINES = 10  # items in one listing
LIST_LINE = 75  # the least room a listed item gets, in characters
_RESPELL = 88  # rapidfuzz ratio from which two words are a plan's locality mistyped
_PLACE_NAMES = PlaceNames()
RIVAL = 0.95  # a second item's share of the best score from which the two are a tie
RERANKED = 400  # best-scoring documents weighed for what the question asks
BOUND = 0.03  # Dice of two syllables from which the plans use them as one word ("học phí")
_HOW_LONG = re.compile(r"\bbao lau\b|\b(?:trong|mat|sau) (?:may|bao nhieu) (?:ngay|gio)\b")
# How long a unit has, as the plans say it: "trong vòng 24 giờ", "03 ngày làm việc".
_DURATION = re.compile(
    r"(?:trong (?:vòng|thời hạn) |chậm nhất (?:trong vòng |sau )?)?\d+ (?:giờ|ngày(?: làm việc)?)"
    r"(?: kể từ [^.;,]{3,40})?",
    re.IGNORECASE,
)
_SOURCE_NAMED = re.compile(  # a source of funds: "ngân sách tỉnh", "nguồn xã hội hóa"
    r"\bngan sach (?:tinh|huyen|xa|phuong|thanh pho|trung uong|nha nuoc)\b|\bnguon \w+"
)
_NUMBER_ASKED = re.compile(r"\bso (?:hieu|may|bao nhieu)\b")
_PLAN_NUMBER = re.compile(r"^(?:cho \w+ hoi )?ke hoach\b.*\bso (?:bao nhieu|may)\W*$")
_YEAR_NAMED = re.compile(r"\bnam (?:hoc )?((?:19|20)\d\d)\b")
_SCHOOL_KIND = re.compile(  # what a school's name starts with: "trường thcs", "trường mn"
    r"^truong\s+(?:(?:mam non|mau giao|tieu hoc|trung hoc co so|trung hoc pho thong|pho thong"
    r"|thcs|thpt|th|mn|ptdtbt|ptdtnt|pt|lien cap)\b\s*(?:va\s+|&\s*)?)*"
)
_PLACE = re.compile(
    r"(?<!co )\b(?:so giao duc(?: va dao tao)?|uy ban nhan dan|thanh pho|huyen|phuong|thi xa"
    r"|(?:o|tai|cua) tinh)(?: (?:thanh pho|tinh|huyen|phuong|thi xa|xa))* (?!cac\b)([a-z]+ [a-z]+)"
)
_DAY_MONTH = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])")
# "tối thiểu 600 học liệu": a number of things a plan sets, not a date or a percentage
_COUNTED = re.compile(r"\b(?:toi thieu|it nhat|dat|tren|khong duoi)\s+\d[\d.]*\s+[a-z]")
_A_YEAR = re.compile(r"(?:19|20)\d\d")
_PRODUCED_PLAN = re.compile(r"\b(?:gui|nop|xay dung|ban hanh|lap|trinh|hoan thien) ke hoach\b")
_QUESTION_PHRASES = re.compile(
    r"\b(?:bao nhieu|bao lau|the nao|la gi|o dau|ra sao|du kien|chu y|luu y|quan tam"
    r"|it nhat|toi thieu|toi da|nhieu nhat|phai dat|dat duoc)\b"
)
# Asking the bot to do something ("gửi giúp em báo cáo") rather than asking about the plans.
_REQUEST = re.compile(
    r"\b(?:gui|nop|dat|lam|viet|soan|dien|nhap|goi|nhan tin|in)"
    r" (?:giup|ho|dum|gium)(?: (?:em|minh|toi|anh|chi|con))?\b"
    r"|\b(?:giup|ho|dum|gium) (?:em|minh|toi|anh|chi|con) (?:gui|nop|dat|lam|viet|soan|dien|nhap)\b"
    r"|^(?:dich|soan|viet|lam|tao|lap|ve|sua|tom tat|gui|nop|dat|dien|nhap|goi|in|chuyen|tinh)\b"
    r"(?!.*\b(?:nao|dau|gi|bao nhieu|khi|ai|sao)\b).*\b(?:giup|ho|dum|gium)\b"
)
CANNOT_DO = "Mình chỉ trả lời câu hỏi về các kế hoạch, chưa làm thay việc này được."
NOT_FOUND = "Mình chưa tìm thấy thông tin này trong các kế hoạch đã nạp."
SUGGEST = "Có phải bạn muốn hỏi về:"


@dataclass(frozen=True)
class Source:
    plan: str
    section: str
    quote: str


@dataclass(frozen=True)
class Suggestion:
    """A close item offered when the engine does not know: chat shows it as a button."""

    item_id: int
    label: str


@dataclass(frozen=True)
class Answer:
    """What the engine says, and whether it found anything ('answered')."""

    answered: bool
    text: str
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "answered": self.answered,
            "answer": self.text,
            "sources": [vars(s) for s in self.sources],
        }


@dataclass(frozen=True)
class _Doc:
    item: ItemRecord
    plan: PlanRecord


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class AnswerEngine:
    """Holds an index of every item of the loaded plans; `ask` answers one question."""

    def __init__(self, plans: Sequence[PlanRecord]) -> None:
        self.plans = list(plans)
        self.index = Bm25Index()
        self.docs: list[_Doc] = []
        self.plan_docs: dict[int, set[int]] = defaultdict(set)
        for plan in self.plans:
            for item in plan.items:
                schedule = (item.recurrence or {}).get("text", "")
                units = " ".join(filter(None, [item.lead, item.reporter, item.report_to]))
                words = f"{item.text} {item.section_title} {schedule} {item.due_text or ''} {units}"
                words = f"{words} {' '.join(item.partners)} {item.product or ''}"
                folded = expand(fold(spell_out_ai(words)))
                self.plan_docs[plan.id].add(self.index.add(syllables(folded)))
                self.docs.append(_Doc(item, plan))
        self.index.freeze()
        self._folded = [fold(d.item.text) for d in self.docs]
        self._counted = [bool(_COUNTED.search(text)) for text in self._folded]
        self._said: dict[int, list[str]] = {}
        self._actors = [
            _actor(expand(fold(d.item.lead or d.item.reporter or ""))) for d in self.docs
        ]
        self.dated = [
            d for d in self.docs if d.item.due_on or d.item.recurrence or d.item.milestones
        ]
        self._plans_by_key: dict[str, set[int]] = defaultdict(set)
        for plan in self.plans:
            for key in self._plan_keys(plan):
                self._plans_by_key[key].add(plan.id)
        keys = sorted(self._plans_by_key, key=len, reverse=True)
        self._place_pattern = re.compile(
            r"(?<![\w/])(" + "|".join(map(re.escape, keys)) + r")(?![\w/])" if keys else r"(?!)"
        )
        named_as = {
            p.id: syllables(expand(fold(" ".join(filter(None, [p.issuer, p.title])))))
            for p in self.plans
        }
        self._plan_words = {plan: set(words) | _GENERIC for plan, words in named_as.items()}
        self._title_pairs = {plan: set(itertools.pairwise(w)) for plan, w in named_as.items()}
        self._spelled_keys = [key for key in keys if " " in key and len(key) >= 7]
        named = {
            plan.id: Counter(
                place for item in plan.items for place in _PLACE_NAMES.mentioned(item.text)
            )
            for plan in self.plans
        }
        self._covered_places = {  # "Sở GDĐT Đồng Nai", which a school's plan answers to
            place for p in self.plans for place in _PLACE_NAMES.mentioned(f"{p.locality} {p.text}")
        }
        self._province = {
            plan.id: place
            for plan in self.plans
            if (place := _main_place(named[plan.id], plan.locality))
        }

    @staticmethod
    def _plan_keys(plan: PlanRecord) -> list[str]:
        keys = []
        if plan.locality:
            locality = fold(plan.locality)
            initials = "".join(word[0] for word in locality.split())  # "NT" for Nha Trang
            keys += [locality] + ([initials] if initials not in ABBREVIATIONS else [])  # "TH"
        if plan.number:
            number = fold(plan.number).split("-")[0]
            digits = number.split("/")[0]
            keys += [number, f"kh {digits}", f"ke hoach {digits}", f"ke hoach so {digits}"]
            keys += [digits] if len(digits) >= 3 else []
        issuer = fold(plan.issuer or "")
        if issuer and not (plan.locality and issuer.endswith(fold(plan.locality))):
            keys += [issuer, _SCHOOL_KIND.sub("", issuer)]  # "Trường THCS Quang Trung"
        return keys

    def _unknown_name(self, question: str) -> str | None:
        """A place of the country or a proper name the question uses ('Sóc Trăng',
        'Trường Lê Văn Tám') that no plan mentions: asking about it is asking about something
        the knowledge base does not hold."""
        for place in _PLACE_NAMES.named(question, self._used_pair):
            if _PLACE_NAMES.key(place) not in self._covered_places:
                return place
        for name in _capitalised_names(question):
            for part in self._place_pattern.split(self._respell_places(fold(name)))[::2]:
                words = syllables(part)
                pairs = itertools.pairwise(words)
                if len(words) >= 2 and any(not self._used_pair(a, b) for a, b in pairs):
                    return name
        return None

    def _used_pair(self, first: str, second: str) -> bool:
        return f"{first}_{second}" in self.index.postings

    def _unknown_place(self, folded: str) -> str | None:
        """A place named after its kind of office ('so gddt ha noi') that no plan is about."""
        for match in _PLACE.finditer(expand(folded)):
            place = match.group(1)
            first, second = syllables(place)  # "định kỳ" is indexed as "dinh ki"
            if first in STOPWORDS or second in STOPWORDS or place in self._plans_by_key:
                continue
            if first in self._covered_places:  # a place of one syllable: "Sở GDĐT Huế trước …"
                continue
            kind = match.group(0)[: match.start(1) - match.start(0)].split()[-1]
            if f"{kind}_{first}" in self.index.postings:
                continue  # a word, not a place: "phương án trước", "thành phố"
            if syllables(intent_words(place)) != [first, second]:
                continue  # "gửi UBND phường hạn ngày nào": question words, not a place
            if f"{first}_{second}" not in self.index.postings:
                return place
        return None

    def _scope(
        self, folded: str, plan: str | None, home: Collection[int]
    ) -> tuple[set[int] | None, str]:
        """The plans a question names (by locality, its initials or number), else the
        asker's `home` plans, and the question without the plan names."""
        folded = self._respell_places(folded)
        chosen: set[int] = set()
        if plan:
            wanted = fold(plan)
            chosen = {
                p.id
                for p in self.plans
                if any(wanted in fold(v or "") for v in (p.locality, p.number, p.title, p.issuer))
            } or {p.id for p in self.plans if self._province.get(p.id) == wanted}
        for match in self._place_pattern.finditer(folded):
            chosen |= self._plans_by_key[match.group(1)]
        folded = self._place_pattern.sub(" ", folded)
        if not chosen and not plan:
            chosen = {p.id for p in self.plans if p.id in home}
        return (chosen or None), folded

    def _respell_places(self, folded: str) -> str:
        """Plan localities typed with a slip ('ninh bihn') spelled as the plan spells them."""
        words = folded.split()
        for at in range(len(words) - 1):
            pair = f"{words[at]} {words[at + 1]}"
            if all(word in self.index.postings for word in words[at : at + 2]):
                continue
            close = process.extractOne(
                pair, self._spelled_keys, scorer=fuzz.ratio, score_cutoff=_RESPELL
            )
            if close and len(close[0].split()) == 2:
                words[at : at + 2] = close[0].split()
        return " ".join(words)

    def ask(
        self, question: str, today: date, plan: str | None = None, home: Collection[int] = ()
    ) -> Answer:
        """Answer `question` as of `today`; `plan` names the plan to search, `home` holds the
        asker's own plans, searched when the question names none."""
        question = spell_out_ai(nfc(question)[:MAX_QUESTION])
        folded = fold(question)
        if _REQUEST.search(folded):
            return Answer(False, CANNOT_DO)
        scope, rest = self._scope(folded, plan, home)
        if plan and scope is None:
            return Answer(False, f"Không tìm thấy kế hoạch «{plan}».")
        unknown = self._unknown_name(question) or self._unknown_place(rest)
        if unknown:
            return Answer(False, f"Các kế hoạch đã nạp không nói về «{unknown}».")
        scoped = [p for p in self.plans if scope is not None and p.id in scope]
        other_year = _other_year(rest, scoped)
        if other_year:  # "kinh phí CĐS … năm 2028" of the 2027 plan
            names = ", ".join(p.display_name for p in scoped[:2])
            return Answer(False, f"Kế hoạch đã nạp ({names}) không nói về năm {other_year}.")
        folded = " ".join(self.index.repair(re.sub(r"[,;:!?()]", " ", folded).split()))
        wanted = intents(expand(folded)) | ({"meta"} if _PLAN_NUMBER.search(folded) else set())
        wanted |= {"duration"} if _HOW_LONG.search(folded) else set()  # "báo trong bao lâu"
        about_plan = wanted & {"meta", "signer"} and not wanted & {"upcoming", "contact"}
        if about_plan and scope is not None:
            if _NUMBER_ASKED.search(folded) and not any(p.number for p in scoped):
                return Answer(False, "Kế hoạch để trống số hiệu («Số: /…»), chưa có số.")
            return _about(scoped, "signer" in wanted)
        arranging = {"lead", "budget"} <= wanted and "count" not in wanted  # "ai bố trí kinh phí"
        kept = {"budget"} if arranging else set()
        wanted -= kept
        # "hạn ngày nào, gửi qua email nào": the date from its item, the email from the plan's
        # contact paragraph
        contact_too = {"contact", "deadline"} <= wanted
        wanted -= {"contact"} if contact_too else set()
        # "quý 2" of a plan not yet in force is its own year's second quarter
        period = named_period(rest, max([today, *(_in_force(p) for p in scoped[:1])]))
        # "ngân sách tỉnh bố trí bao nhiêu": the source is what is asked about, not just money
        said = kept | ({"budget"} if _SOURCE_NAMED.search(folded) else set())
        subject = _QUESTION_PHRASES.sub(" ", intent_words(expand(rest), keep=said))
        subject = _DAY_MONTH.sub(" ", subject)  # "hôm nay 2/12 rồi": today, not the subject
        if period is not None:
            subject = without_periods(subject)
        typed = syllables(subject)
        repaired = self.index.repair(typed)
        if repaired != typed:  # a mistyped cue ("chu tir") is a cue once repaired
            repaired = syllables(intent_words(" ".join(repaired), keep=said))
        words = syllables(_QUESTION_PHRASES.sub(" ", " ".join(repaired)))
        content = [w for w in words if w not in STOPWORDS]
        specific = [w for w in content if w not in _GENERIC and not w.isdigit()]
        if "upcoming" in wanted:  # "sắp tới có hạn gì" lists; "báo cáo tiến độ sắp tới" answers
            if not set(specific) - _ROUTINE:
                return self._upcoming(scope, today, folded, "lead" in wanted)
            wanted = (wanted - {"upcoming"}) | {"deadline"}
            period = period or relative_period(folded, today, next_too=False)
        one_plan = scope is not None and len(scope) == 1
        if "list" in wanted and one_plan and self._names_plan_only(specific, scope):
            return self._whole_plan(next(iter(scope or ())), wanted, today)  # "kể hết … KH 45"
        if not any(word.isalpha() for word in content):  # "1", "?", only filler words
            return Answer(False, NOT_FOUND)
        allowed = None if scope is None else self._mask(scope)
        plan_contact = (  # "muốn hỏi về kế hoạch CĐS xã X thì liên hệ ai"
            self._plan_contact(next(iter(scope or ())), content)
            if wanted & {"contact", "budget", "deadline"} == {"contact"} and one_plan
            else None
        )
        if plan_contact is not None and self._names_plan_only(specific, scope):
            return self._compose([plan_contact], wanted, None, today, set(content))
        if "budget" in wanted and "lead" not in wanted and self._names_plan_only(specific, scope):
            plans = [p for p in self.plans if scope is None or p.id in scope]
            if not specific or any(p.budget_million_vnd is not None for p in plans):
                return _totals(plans)  # else a table's "Tổng cộng" row may hold it
        asked = asked_frequencies(expand(folded))
        ranked = [  # "báo cáo quý" is answered by a quarterly report or not at all
            entry
            for entry in self._rank(words, content, allowed, wanted, period, _duties(folded))
            if recurs_as(entry[2].item, asked)
        ]
        if "contact" in wanted:  # a plan's few contact paragraphs: the one naming most wins
            ranked.sort(key=lambda entry: (-round(entry[1], 2), -entry[0]))
        floor = CONFIDENT if wanted or period or scope else CONFIDENT_TOPIC
        if (
            plan_contact is not None
            and (not ranked or ranked[0][1] < floor)
            and self._names_plan_only(specific, scope, besides=2)
        ):  # "email hỗ trợ CĐS của Sở X": no contact paragraph names the help asked about
            # (a word or two), so the plan's own contact is the one to ask
            return self._compose([plan_contact], wanted, None, today, set(content))
        bare = not (wanted or period) and len(set(specific)) <= 2  # "học bạ", "camera"
        foreign = not wanted and self._typed_share(typed) < TYPED  # "bóng đá ở Nha Trang"
        if not ranked or ranked[0][1] < floor or bare or foreign:
            return self._not_found(ranked)
        if "list" in wanted:
            close = [doc for _, coverage, doc in ranked if coverage >= floor]
            return _listing(close, wanted, today)
        chosen = _best(ranked, floor, wanted, period, scope)
        if period and wanted == {"deadline"} and not any(_due_in(d.item, period) for d in chosen):
            return self._not_found(ranked)  # "sơ kết 6 tháng" where the plan sets none
        answer = self._compose(chosen, wanted, period, today, set(content) | set(terms(words)))
        if len(chosen) > 1:
            return answer
        asked_too = wanted | ({"contact"} if contact_too else set())
        missing = [kind for kind in _SECOND_FACTS if kind in asked_too]
        missing = [kind for kind in missing if not _supplies(chosen[0].item, kind)]
        return (
            self._with_fact(answer, chosen[0], missing[0], words, content, today)
            if missing
            else answer
        )

    def _with_fact(
        self,
        answer: Answer,
        doc: _Doc,
        kind: str,
        words: list[str],
        content: list[str],
        today: date,
    ) -> Answer:
        """The answer with a second asked-for fact its item lacks ("chỉ tiêu bao nhiêu %, ai
        chủ trì", "hạn ngày nào, gửi qua email nào"), from the same plan's item that best fits
        the question and holds it."""
        ranked = self._rank(words, content, self._mask({doc.plan.id}), {kind}, None)
        close = [
            other
            for _, coverage, other in ranked
            if _supplies(other.item, kind) and (kind == "contact" or coverage >= CONFIDENT)
        ]
        if not close:
            return answer
        other = close[0].item
        line = _fact_line(other, kind, today, set(content))
        first, rest = answer.text.split("\n", 1)
        source = Source(doc.plan.display_name, other.section, shorten(other.text, 200))
        text = shorten(f"{first}\n{line}\n{rest}", MAX_ANSWER)
        return Answer(True, text, (*answer.sources, source))

    def _mask(self, plans: set[int]) -> np.ndarray:
        """Which indexed items belong to `plans`."""
        allowed = np.zeros(len(self.docs), dtype=bool)
        for plan_id in plans:
            allowed[list(self.plan_docs[plan_id])] = True
        return allowed

    def _names_plan_only(
        self, specific: list[str], scope: set[int] | None, besides: int = 0
    ) -> bool:
        """Whether the question's subject is only the plan itself ("kinh phí kế hoạch CĐS
        ngành GD Hà Tĩnh"), not anything in it, but for at most `besides` other syllables."""
        subject = set(_CARRYING_OUT.sub(" ", " ".join(specific)).split())
        if not subject:
            return True
        return scope is not None and all(
            len(subject - self._plan_words[p]) <= besides for p in scope
        )

    def _plan_contact(self, plan_id: int, words: list[str]) -> _Doc | None:
        """Whom the plan asks to call about it: the contact paragraph naming most of the
        question's words ("anh Khải"), else the first one giving a phone number."""
        contacts = [
            n for n in sorted(self.plan_docs[plan_id]) if self.docs[n].item.kind == "contact"
        ]
        if not contacts:
            return None

        def fit(n: int) -> tuple[int, bool]:
            named = sum(self.index.holds(word, n) for word in set(words))
            return named, gives_phone(self.docs[n].item.text)

        return self.docs[max(contacts, key=fit)]

    def _whole_plan(self, plan_id: int, wanted: set[str], today: date) -> Answer:
        """Every item of one plan of the kind a listing asks for, in the plan's order."""
        docs = [self.docs[n] for n in sorted(self.plan_docs[plan_id])]
        kinds = wanted & {"target", "deadline", "budget", "lead"}
        return _listing(
            [d for d in docs if all(_fit(d.item, {k}, None) > 1 for k in kinds)], wanted, today
        )

    def _typed_share(self, typed: list[str]) -> float:
        """How much of the question's subject (by idf weight) the plans use as it was typed.
        Typo repair maps any unknown word to a near one, so a question whose words all had to
        be guessed ("bóng đá" → "bằng") is about something the plans do not cover."""
        words = {w for w in typed if w.isalpha() and w not in STOPWORDS}
        weights = {w: self.index.idf(w) for w in words}
        known = sum(
            weight
            for w, weight in weights.items()
            if w in self.index.postings or len(self.index.repair([w])) == 2
        )
        return known / sum(weights.values()) if weights else 1.0

    def _rank(
        self,
        words: list[str],
        content: list[str],
        allowed: np.ndarray | None,
        wanted: set[str],
        period: Period | None,
        duties: Sequence[re.Pattern[str]] = (),
    ) -> list[tuple[float, float, _Doc]]:
        """Items by how well they fit, with the share of the question's subject each holds.
        `duties` are the duties a "who" question names ("ai chủ trì tham mưu … tổng hợp"):
        an item saying them ("Giao Phòng X chủ trì … tham mưu … tổng hợp") is about that."""
        if not content:
            return []
        # a year picks the plan or the period (both weighed elsewhere), not the item
        weights = {  # nor does a bare count ("đợt 1" for "1 tháng", "mức 3")
            w: self.index.idf(w) for w in set(content) if not (_A_YEAR.fullmatch(w) or w.isdigit())
        }
        if not weights:
            return []
        total = sum(weights.values())
        # Words naming the plan ("kế hoạch CĐS ngành GD"), unless the plan asked about is one to
        # be written ("gửi kế hoạch CĐS"): the plan's title holds them for every item.
        said = " ".join(words)
        pairs = [] if _PRODUCED_PLAN.search(said) else list(itertools.pairwise(words))
        titled: dict[int, set[str]] = {}
        actor = _actor(said)
        levels = set(school_levels(said))
        few = len(set(weights) - _GENERIC) < 3
        compounds = _compounds_in(words, weights, self.index)
        ranked = []
        for match in self.index.search(words, weights, allowed, RERANKED):
            doc = self.docs[match.doc]
            if not _for_levels(doc.item, levels):
                continue  # "học bạ số THPT" is not answered by the THCS target
            fit = _fit(doc.item, wanted, period, self._counted[match.doc])
            fit *= 1 + 0.15 * sum(bool(duty.search(self._folded[match.doc])) for duty in duties)
            if actor and (lead := self._actors[match.doc]):  # "các trường nộp…", not the Phòng
                fit *= 1.3 if lead == actor else 0.85
            # words matched one by one, none beside its neighbour, are chance unless all of
            # three or more specific words match ("mạng LAN, IPv6")
            scattered = not match.paired and (few or match.covered < 0.9 * total)
            if fit == 0 or (len(weights) >= 2 and scattered):
                continue
            if doc.plan.id not in titled:
                named = self._title_pairs[doc.plan.id]
                titled[doc.plan.id] = {w for p in pairs if p in named for w in p if w in weights}
            by_title = sum(
                weights[word]
                for word in titled[doc.plan.id]
                if not self.index.holds(word, match.doc)
            )
            partial = sum(  # syllables of a compound the item does not write whole
                weights.get(word, 0.0)
                for pairs, own in compounds
                if not set(pairs) <= self._title_pairs[doc.plan.id]
                and not self._writes(match.doc, pairs)
                for word in own
                if self.index.holds(word, match.doc)
            )
            coverage = (match.covered + by_title - partial) / total
            if period and (doc.item.recurrence or {}).get("freq") == period.freq:
                coverage = max(coverage, min(1.0, 2 * coverage))
            ranked.append((match.score * fit * (0.5 + coverage), coverage, doc))
        ranked.sort(key=lambda entry: -entry[0])
        return ranked

    def _writes(self, doc: int, pairs: list[tuple[str, str]]) -> bool:
        """Whether an item writes a compound of the question: side by side, in the other order
        ("bảo đảm" for "đảm bảo"), or, for two syllables, a short gloss apart ("mạng nội bộ
        (LAN)" for "mạng LAN")."""
        if all(
            self.index.holds(f"{a}_{b}", doc) or self.index.holds(f"{b}_{a}", doc) for a, b in pairs
        ):
            return True
        if len(pairs) > 1:
            return False
        ((first, second),) = pairs
        if not (self.index.holds(first, doc) and self.index.holds(second, doc)):
            return False
        if doc not in self._said:  # a few items per question, each split into syllables once
            self._said[doc] = syllables(self._folded[doc])
        said = self._said[doc]
        return any(second in said[at + 1 : at + 4] for at, w in enumerate(said) if w == first)

    def _not_found(self, ranked: list[tuple[float, float, _Doc]]) -> Answer:
        suggestions: dict[str, Suggestion] = {}
        for _, _, doc in ranked:
            hint = f"{shorten(doc.item.text, 70)} ({doc.plan.locality})"
            suggestions.setdefault(hint, Suggestion(doc.item.id, hint))
            if len(suggestions) == 3:
                break
        if not suggestions:
            return Answer(False, NOT_FOUND)
        lines = "\n".join(f"{n}. {hint}" for n, hint in enumerate(suggestions, 1))
        text = f"{NOT_FOUND}\n{SUGGEST}\n{lines}"
        return Answer(False, text, suggestions=tuple(suggestions.values()))

    def about_item(self, item_id: int, today: date) -> Answer:
        """The fact of one item (a suggestion the user picked), cited like any answer."""
        docs = [doc for doc in self.docs if doc.item.id == item_id]
        if not docs:
            return Answer(False, NOT_FOUND)
        return self._compose(docs[:1], set(), None, today, set())

    def _compose(
        self,
        docs: list[_Doc],
        wanted: set[str],
        period: Period | None,
        today: date,
        asked: set[str],
    ) -> Answer:
        blocks = []
        for doc in docs:
            fact = _fact(doc.item, wanted, period, max(today, _in_force(doc.plan)), asked)
            place = doc.plan.locality or doc.plan.title
            cite = f"Nguồn: {doc.plan.display_name}, {_section(doc.item.section)}."
            several_plans = len({d.plan.id for d in docs}) > 1
            head = f"• {place}: " if several_plans else "• " if len(docs) > 1 else ""
            room = (MAX_ANSWER - 10) // len(docs) - len(cite) - 1
            blocks.append(f"{shorten(head + fact, room)}\n{cite}")
        text = "\n\n".join(blocks)
        sources = tuple(
            Source(d.plan.display_name, d.item.section, shorten(d.item.text, 200)) for d in docs
        )
        return Answer(True, text, sources)

    def _upcoming(
        self, scope: set[int] | None, today: date, folded: str, where_to: bool = False
    ) -> Answer:
        """What falls due in the window the question names; with `where_to` ("gửi về đâu"),
        where each report goes."""
        first = today
        if "tuan sau" in folded or "tuan toi" in folded:
            end = today + timedelta(days=13 - today.weekday())
        elif "tuan nay" in folded:
            end = today + timedelta(days=6 - today.weekday())
        elif this := relative_period(folded, today):
            # "quý tới có hạn gì" is next quarter; "báo cáo quý tới" may fall in this one
            first = today if asks_next_report(folded) else max(today, this.start)
            end = this.end
        else:
            end = today + timedelta(days=UPCOMING_DAYS)
        asked = asked_frequencies(expand(folded))
        levels = set(school_levels(folded))  # "trường THPT bọn em": not the primary schools'
        found: dict[tuple[date, str], _Doc] = {}
        said_on: dict[date, list[str]] = defaultdict(list)  # folded lines found per day
        for doc in self.dated:
            if scope is not None and doc.plan.id not in scope:
                continue
            if not _for_levels(doc.item, levels):
                continue
            if not recurs_as(doc.item, asked):
                continue  # "báo cáo quý này": the quarterly reports only
            for due, text in _dates_of(doc.item, first, end) if first <= end else []:
                line = f"{doc.plan.locality}: {text}"
                folded_line = fold(line)
                if not any(fuzz.token_set_ratio(s, folded_line) > 90 for s in said_on[due]):
                    found[(due, line)] = doc  # a task and its appendix row once
                    said_on[due].append(folded_line)
        window = f"từ {_dmy(first)} đến {_dmy(end)}"
        if not found:
            return Answer(True, f"Không có hạn nào {window}.")
        entries = sorted(found.items(), key=lambda pair: pair[0][0])[:5]
        lines = [
            f"• {_dmy(due)}: {shorten(text, 90)}"
            + (f" → {doc.item.report_to}" if where_to and doc.item.report_to else "")
            for (due, text), doc in entries
        ]
        sources = tuple(
            Source(d.plan.display_name, d.item.section, shorten(d.item.text, 200))
            for _, d in entries
        )
        return Answer(True, shorten(f"Các hạn {window}:\n" + "\n".join(lines), MAX_ANSWER), sources)


# "kinh phí thực hiện / triển khai kế hoạch": carrying out the plan is still the plan.
_CARRYING_OUT = re.compile(r"\b(?:thuc hien|trien khai|du kien)\b")
_GENERIC = frozenset("tong ke hoach chuyen doi so nganh giao duc va dao tao nam".split())
# Words of "what is due soon" questions that name no particular task or report.
_ROUTINE = frozenset(
    "bao cao nhiem vu viec cong can lam moc cuoi dau truong phong don vi ngay"
    " mam non tieu hoc trung co so pho thong"  # the asker's own school
    " xa phuong quan huyen uy ban nhan dan".split()  # and where it reports
)


# Who acts, by the first unit a text names: the schools, the Phòng (GDĐT, or Văn hóa - Xã hội
# of a xã) or the Sở.
_ACTORS = re.compile(
    r"\b(?:(truong|co so giao duc|don vi truong hoc)|(phong giao duc|phong van hoa)"
    r"|(so giao duc|van phong so))\b"
)

_ACTOR_KINDS = ("school", "office", "department")


def _actor(folded: str) -> str | None:
    m = _ACTORS.search(folded)
    if m is None:
        return None
    return next(kind for kind, found in zip(_ACTOR_KINDS, m.groups(), strict=True) if found)


# Facts a question may ask beside its first one, and whether an item holds each.
_SECOND_FACTS = ("target", "lead", "budget", "deadline", "contact")


def _supplies(item: ItemRecord, kind: str) -> bool:
    if kind == "target":
        return bool(item.measures)
    if kind == "lead":
        return bool(item.lead or item.report_to)
    if kind == "budget":
        return item.budget_million_vnd is not None
    if kind == "deadline":
        return bool(item.due_on or item.recurrence or item.milestones)
    return item.kind == "contact"


def _due_in(item: ItemRecord, period: Period) -> bool:
    """Whether the item gives a deadline for the asked period: a one-off date, or a
    schedule falling due for it."""
    if item.recurrence:
        return bool(occurrences(item.recurrence, *_reporting_window(item.recurrence, period)))
    return _supplies(item, "deadline")


def _fact_line(item: ItemRecord, kind: str, today: date, asked: set[str]) -> str:
    """The line of an answer that states one kind of fact of `item`."""
    if kind == "target":
        return f"Chỉ tiêu: {_measures(item, asked)}."
    if kind == "lead":
        return _who(item)
    if kind == "budget":
        return f"Kinh phí: {vn_number(item.budget_million_vnd or 0)} triệu đồng."
    if kind == "deadline":
        return _due(item, today) or ""
    return f"Liên hệ: {_contact_line(item.text, asked)}."


def _who(item: ItemRecord) -> str:
    """Who leads, partners and receives the report, as one line."""
    who = []
    if item.lead:
        who.append(f"Chủ trì: {item.lead}")
    if item.partners:
        who.append(f"phối hợp: {'; '.join(item.partners)}")
    if item.report_to:
        who.append(f"gửi về: {item.report_to}")
    return ", ".join(who) + "." if who else ""


def _for_levels(item: ItemRecord, levels: set[str]) -> bool:
    """Whether the item can concern schools of the asked `levels` (any, when none asked)."""
    return not (levels and item.applies_to and not levels & set(item.applies_to))


def _main_place(named: Counter[str], locality: str | None) -> str | None:
    """The place a plan names most often besides its own locality: the province it is in."""
    others = [(count, place) for place, count in named.items() if place != fold(locality or "")]
    return max(others)[1] if others else None


def _best(
    ranked: list[tuple[float, float, _Doc]],
    floor: float,
    wanted: set[str],
    period: Period | None,
    scope: set[int] | None,
) -> list[_Doc]:
    """The items an answer is made of: the best one, and close ones that belong with it —
    the best of each plan when several plans match, close targets of the same plan."""
    best_score = ranked[0][0]
    chosen: list[_Doc] = []
    seen_plans: set[int] = set()
    single_plan = scope is not None and len(scope) == 1
    freq = period.freq if period else None
    for score, coverage, doc in ranked:
        if chosen and _rival_deadline(chosen[0], doc, score / best_score, wanted):
            chosen.append(doc)
            continue
        if freq and not single_plan and (doc.item.recurrence or {}).get("freq") == freq:
            if doc.plan.id not in seen_plans and len(chosen) < 3:
                seen_plans.add(doc.plan.id)
                chosen.append(doc)
            continue
        share = 0.4 if "target" in wanted else 0.6
        if coverage < floor or score < share * best_score or len(chosen) == 3:
            break
        if single_plan:  # one plan: its close targets together when the best is a target
            if chosen and not (chosen[0].item.kind == doc.item.kind == "target"):
                continue
        elif doc.plan.id in seen_plans:  # several plans: the best item of each
            continue
        seen_plans.add(doc.plan.id)
        chosen.append(doc)
    return chosen


# What a unit is asked to do in a "who" question, as the plans word the assignment.
_DUTIES = tuple(
    re.compile(rf"\b{duty}\b")
    for duty in ("chu tri", "phu trach", "tham muu", "tong hop", "phoi hop", "chiu trach nhiem")
)


def _duties(folded: str) -> list[re.Pattern[str]]:
    return [duty for duty in _DUTIES if duty.search(folded)]


def _compounds_in(
    words: list[str], weights: dict[str, float], index: Bm25Index
) -> list[tuple[list[tuple[str, str]], set[str]]]:
    """The question's words of several syllables, each as its adjacent-syllable pairs and
    those of its syllables the question uses nowhere else ("trực tuyến" of "DVCTT" also
    stands alone in "thanh toán trực tuyến"). They are the named concepts ("trí tuệ nhân
    tạo"), then pairs the plans write side by side ("học phí"), the most tightly bound first
    so that no syllable is in two ("báo cáo | quý", not "báo | cáo quý")."""
    spans: list[tuple[int, int]] = []
    for concept in CONCEPTS:
        size = len(concept)
        spans += [(at, size) for at in range(len(words)) if tuple(words[at : at + size]) == concept]
    taken = {at + n for at, size in spans for n in range(size)}
    bonds = [
        (index.bond(words[at], words[at + 1]), at)
        for at in range(len(words) - 1)
        if words[at] in weights and words[at + 1] in weights
    ]
    for strength, at in sorted(bonds, key=lambda bond: (-bond[0], bond[1])):
        if strength >= BOUND and not {at, at + 1} & taken:
            spans.append((at, 2))
            taken |= {at, at + 1}
    found = []
    for at, size in spans:
        inside = range(at, at + size)
        elsewhere = {w for n, w in enumerate(words) if n not in inside}
        compound = words[at : at + size]
        found.append((list(itertools.pairwise(compound)), set(compound) - elsewhere))
    return found


def _rival_deadline(best: _Doc, doc: _Doc, closeness: float, wanted: set[str]) -> bool:
    """Whether `doc` ties with the best item on a deadline question yet gives another date:
    the plan itself says the same thing twice ("số liệu … gửi về Sở trước 20/10" and "sơ
    kết HK1, số liệu … gửi về Sở trước 20/01"), so the answer shows both."""
    return (
        "deadline" in wanted
        and closeness >= RIVAL
        and doc.plan.id == best.plan.id
        and doc.item.kind == best.item.kind
        and doc.item.due_on is not None
        and best.item.due_on is not None
        and doc.item.due_on != best.item.due_on
    )


def _listing(docs: list[_Doc], wanted: set[str], today: date) -> Answer:
    """A list question's answer: one short line per item, the asked-for fact first."""
    if "target" in wanted and any(d.item.kind == "target" for d in docs):
        docs = [d for d in docs if d.item.kind == "target"]
    lines: dict[str, tuple[_Doc, str]] = {}
    for doc in docs:
        line = _list_line(doc.item, wanted, today)
        lines.setdefault(fold(line), (doc, line))
        if len(lines) == MAX_LINES:
            break
    if not lines:
        return Answer(False, NOT_FOUND)
    cite_room = 160
    listed = list(lines.values())[: (MAX_ANSWER - cite_room) // LIST_LINE]
    if "deadline" in wanted:
        listed.sort(key=lambda entry: entry[0].item.due_on or date.max)
    chosen = [doc for doc, _ in listed]
    places: dict[str, list[str]] = defaultdict(list)
    for doc in chosen:
        section = _section(doc.item.section)
        if section not in places[doc.plan.display_name]:
            places[doc.plan.display_name].append(section)
    cite = "Nguồn: " + "; ".join(f"{name}, {', '.join(s[:4])}" for name, s in places.items())
    cite = shorten(cite, cite_room) + "."
    several = len(places) > 1
    room = (MAX_ANSWER - len(cite) - 2) // len(chosen) - 1
    body = "\n".join(
        shorten(f"• {(d.plan.locality + ': ') if several and d.plan.locality else ''}{line}", room)
        for d, line in listed
    )
    sources = tuple(
        Source(d.plan.display_name, d.item.section, shorten(d.item.text, 200)) for d in chosen
    )
    return Answer(True, shorten(f"{body}\n{cite}", MAX_ANSWER), sources)


def _list_line(item: ItemRecord, wanted: set[str], today: date) -> str:
    text = shorten(item.text, 90)
    if "budget" in wanted and item.budget_million_vnd is not None:
        return f"{vn_number(item.budget_million_vnd)} triệu – {text}"
    if "lead" in wanted and item.lead:
        partners = f" (phối hợp: {'; '.join(item.partners)})" if item.partners else ""
        return f"{item.lead}{partners} – {text}"
    if "deadline" in wanted or ("target" not in wanted and item.due_on):
        if item.recurrence:
            return f"{text} ({item.recurrence.get('text', '')})"
        if item.due_on:
            return f"{_dmy(item.due_on)} – {text}"
    if item.kind == "target" and item.measures:
        return _measures(item, set())
    return text


def _totals(plans: list[PlanRecord]) -> Answer:
    """A plan's whole budget, as its text states it."""
    with_budget = [p for p in plans if p.budget_million_vnd is not None]
    if not with_budget:
        return Answer(False, "Các kế hoạch đã nạp không ghi tổng kinh phí.")
    lines = [
        f"Tổng kinh phí: {vn_number(p.budget_million_vnd or 0)} triệu đồng ({p.display_name})."
        for p in with_budget[:3]
    ]
    sources = tuple(Source(p.display_name, "", p.title) for p in with_budget[:3])
    return Answer(True, "\n".join(lines), sources)


def _capitalised_names(question: str) -> list[str]:
    """Runs of two or more capitalised words after the first word ('… của Đà Nẵng')."""
    words = re.findall(r"[^\W\d_]+|\S", question)
    names, run = [], []
    for position, word in enumerate(words):
        if position > 0 and word[:1].isupper() and word[1:].islower():
            run.append(word)
            continue
        if len(run) >= 2:
            names.append(" ".join(run))
        run = []
    if len(run) >= 2:
        names.append(" ".join(run))
    return names


def _other_year(folded: str, plans: list[PlanRecord]) -> str | None:
    """A year the question names ("năm 2028", "năm học 2026-2027") that the plans asked
    about never mention: they say nothing about that year."""
    years: list[str] = _YEAR_NAMED.findall(folded) if plans else []
    return next((y for y in years if not any(y in plan.text for plan in plans)), None)


def _about(plans: list[PlanRecord], signer_first: bool) -> Answer:
    """The plans' own identity: number, issuer, date, title and who signed it."""
    lines = []
    for plan in plans[:3]:
        signed = f"Người ký: {plan.signer_name} ({plan.signer_title})." if plan.signer_name else ""
        if signer_first:
            lines.append(signed or "Kế hoạch không ghi người ký.")
        number = f"số {plan.number}" if plan.number else "(chưa ghi số)"
        issued_on = plan.issued_on or ""
        issued = (
            f", ban hành ngày {_dmy(date.fromisoformat(issued_on))}"
            if len(issued_on) == 10
            else f", {plan.issued_text}"
            if plan.issued_text
            else ""
        )
        lines.append(f"Kế hoạch {number} của {plan.issuer or plan.locality}{issued}: {plan.title}.")
        if signed and not signer_first:
            lines.append(signed)
    sources = tuple(Source(p.display_name, "", p.title) for p in plans[:3])
    return Answer(True, shorten("\n".join(lines), MAX_ANSWER), sources)


def _section(section: str) -> str:
    return section if section.lower().startswith("phụ lục") else f"mục {section}"


def _fit(item: ItemRecord, wanted: set[str], period: Period | None, counted: bool = False) -> float:
    """How well an item can answer what is asked: 0 cannot, 1 neutral, more is better.
    `counted`: its text sets a number of things ("tối thiểu 600 học liệu")."""
    fit = 1.0
    if "budget" in wanted:
        if item.budget_million_vnd is None and "lead" not in wanted:
            return 0.0
        fit *= 2 if item.budget_million_vnd is not None else 1
    numberless = not (item.measures or item.budget_million_vnd is not None or counted)
    asks_other = wanted & {"deadline", "budget", "lead", "meta", "contact"}
    if "count" in wanted and numberless and not asks_other:
        return 0.0  # "bao nhiêu trường" is not answered by a text without a number
    if "count" in wanted and "budget" not in wanted and counted:
        fit *= 1.5  # "tối thiểu 600 học liệu"
    if wanted & {"contact", "person"} and item.kind != "contact":
        return 0.0  # phones, emails and names of people are only in contact paragraphs
    if "product" in wanted:
        fit *= 2 if item.product else 0.5
    if "deadline" in wanted:
        if "duration" in wanted and _DURATION.search(item.text):
            return fit * 2  # "báo cáo ngay, chậm nhất trong vòng 24 giờ"
        if not (item.due_on or item.recurrence or item.milestones or item.due_text):
            return 0.0
        fit *= 2 if (item.due_on or item.recurrence or item.milestones) else 1
        fit *= 1.2 if (item.recurrence or {}).get("before") else 1  # "trước ngày 25 hằng tháng"
    if "target" in wanted:
        fit *= 2 if item.kind == "target" else 0.5
    if "lead" in wanted:
        fit *= 2 if (item.lead or item.report_to) else 0.5
    if period is not None:  # a report of that frequency, or a deadline inside the period
        matches = (item.recurrence or {}).get("freq") == period.freq
        inside = item.due_on is not None and period.start <= item.due_on <= period.end
        fit *= 3 if matches else 2 if inside else 0.7 if period.kind != "year" else 1
    return fit


def _measures(item: ItemRecord, asked: set[str]) -> str:
    """The target's numbers, those whose subject holds most of the question's words first
    ("cấp THPT" → the THPT figure of a target set per school level); after the first, a
    subject is cut to what sets it apart ("…ở cấp THCS")."""
    said = [set(terms(syllables(expand(fold(m.get("subject") or ""))))) for m in item.measures]
    shared = set.intersection(*said) if said else set()
    order = sorted(range(len(said)), key=lambda n: -len(asked & (said[n] - shared)))
    measures = [item.measures[n] for n in order]
    parts: list[str] = []
    for m in measures:
        unit = m["unit"]
        number = (
            f"{vn_number(m['value'])}{unit}"
            if unit.startswith(("%", "/"))
            else vn_number(m["value"])
        )
        amount = " ".join(p for p in (m.get("qualifier"), number) if p)
        subject = m.get("subject") or ""
        if parts:
            before = (measures[len(parts) - 1].get("subject") or "").split()
            pairs = zip(before, subject.split(), strict=False)
            same = sum(1 for _ in itertools.takewhile(lambda pair: pair[0] == pair[1], pairs))
            if subject.split() == before:
                subject = ""
            elif same >= 4:
                subject = "… " + " ".join(subject.split()[same:])
        parts.append(f"{amount} — {subject}" if subject else amount)
    return "; ".join(parts)


def _due(item: ItemRecord, today: date) -> str | None:
    """The date first, then the plan's own wording, then any dated steps."""
    if item.recurrence:
        rule = str(item.recurrence.get("text", ""))
        upcoming = occurrences(item.recurrence, today, today + timedelta(days=400))
        nxt = f"; lần tới: {_dmy(upcoming[0])}" if upcoming else ""
        return f"Định kỳ {rule}{nxt}."
    steps = [
        f"{_dmy(date.fromisoformat(m['due']['on']))} – {shorten(m['text'], 90)}"
        for m in item.milestones
        if (m.get("due") or {}).get("on")
    ]
    if steps:
        done = f"Hoàn thành: {_dmy(item.due_on)}. " if item.due_on else ""
        return f"{done}Các mốc: " + "; ".join(steps) + "."
    if item.due_on is not None:
        wording = item.due_text or ""
        said = f" ({shorten(wording, 60)})" if _states_more(wording) else ""
        stated = [
            f"Trong nội dung: {due.text} ({_dmy(due.on)})."
            for due in find_deadlines(item.text, DateContext())
            if due.on and due.on != item.due_on and due.precision == "day"
        ]
        return " ".join([f"Hạn: {_dmy(item.due_on)}{said}.", *stated[:1]])
    if item.due_text:
        return f"Thời gian: {shorten(item.due_text, 80)}."
    return None


def _states_more(wording: str) -> bool:
    """Whether the plan's wording of a deadline says more than its bare date."""
    return bool(wording) and not re.fullmatch(r"[\d/.\s-]+", wording)


def _passage(text: str, asked: set[str], width: int = 160) -> str:
    """The part of a long text that holds most of what was asked, not just its opening."""
    if len(text) <= width:
        return text
    parts = [p.strip() for p in re.split(r"(?<=[.;:])\s+|\n", text) if p.strip()]

    def hits(part: str) -> int:
        return len(asked & set(syllables(expand(fold(part)))))

    best = max(range(len(parts)), key=lambda n: (hits(parts[n]), -n)) if parts else 0
    if not parts or best == 0:
        return shorten(text, width)
    return "…" + shorten(" ".join(parts[best:]), width - 1)


def _in_force(plan: PlanRecord) -> date:
    """When a plan's schedules start, for a plan asked about ahead of time ("báo cáo năm"
    of the 2027 plan is due in December 2027, not this December)."""
    return plan.in_force_from or date.min


def _fact(
    item: ItemRecord, wanted: set[str], period: Period | None, today: date, asked: set[str]
) -> str:
    """The answer's first lines: the asked-for fact, then what the item is about."""
    lines: list[str] = []
    if item.kind == "contact":
        lines.append(_fact_line(item, "contact", today, asked))
    if period is not None and item.recurrence:
        dates = occurrences(item.recurrence, *_reporting_window(item.recurrence, period))
        if dates:
            rule = item.recurrence.get("text", "")
            lines.append(f"Hạn báo cáo {period.label}: {_dmy(dates[0])} ({rule}).")
    if "product" in wanted and item.product:
        lines.append(f"Sản phẩm: {item.product}.")
    if "budget" in wanted and item.budget_million_vnd is not None:
        lines.append(_fact_line(item, "budget", today, asked))
    if ("target" in wanted or item.kind == "target") and item.measures:
        lines.append(_fact_line(item, "target", today, asked))
    if ("lead" in wanted or not wanted) and (who := _who(item)):
        lines.append(who)
    due = _due(item, today)
    within = _DURATION.search(item.text) if "duration" in wanted else None
    due = f"Thời hạn: {within.group(0)}." if within else due
    if (
        due
        and not (period is not None and item.recurrence)
        and (
            "deadline" in wanted
            or not wanted
            or item.kind in ("report", "deadline")
            or "lead" in wanted
        )
    ):
        lines.insert(0 if "deadline" in wanted else len(lines), due)
    lines.append(f"Nội dung: {_passage(item.text, asked)}")
    return "\n".join(lines)


def _contact_line(text: str, asked: set[str]) -> str:
    return whom_to_contact(text, lambda part: len(asked & set(syllables(expand(fold(part))))))


def _reporting_window(rule: dict[str, object], period: Period) -> tuple[date, date]:
    """When the report for `period` falls due: within it, or in the next quarter for a
    report due "trong tháng đầu quý sau"."""
    if rule.get("after_period"):
        return period.end + timedelta(days=1), period.end + timedelta(days=92)
    return period.start, period.end


def _dates_of(item: ItemRecord, start: date, end: date) -> list[tuple[date, str]]:
    """The item's dates in the window, each with the line that names it in a list."""
    found = []
    for day, kind, label in item_dates(item, start, end):
        if kind == "due":
            found.append((day, item.text))
        elif kind == "milestone":
            found.append((day, f"{label} – {shorten(item.text, 60)}"))
        elif item.kind == "report":
            found.append((day, f"Báo cáo {label}"))
        else:
            found.append((day, f"{label}: {shorten(item.text, 60)}"))
    return found
