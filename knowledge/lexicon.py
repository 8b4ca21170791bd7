"""Words of plan questions: abbreviations the documents use, question words, intents.

Everything here is in folded form (see `knowledge.text.fold`), because users type with or
without diacritics and matching happens on the folded key.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from knowledge.text import fold

# Abbreviations of Vietnamese education administration, expanded before indexing and search
# so "CĐS" in a question finds "chuyển đổi số" in a plan and the other way round.
ABBREVIATIONS = {
    "cds": "chuyen doi so",
    "cntt": "cong nghe thong tin",
    "gddt": "giao duc va dao tao",
    "gd&dt": "giao duc va dao tao",
    "gd": "giao duc",
    "kh": "ke hoach",
    "bc": "bao cao",
    "tp": "thanh pho",
    "cb": "can bo",
    "sgddt": "so giao duc va dao tao",
    "sgd": "so giao duc",
    "pgd": "phong giao duc",
    "pgddt": "phong giao duc va dao tao",
    "tthc": "thu tuc hanh chinh",
    "dvctt": "dich vu cong truc tuyen",
    "dvc": "dich vu cong",
    "csdl": "co so du lieu",
    "attt": "an toan thong tin",
    "cbql": "can bo quan ly",
    "cbgv": "can bo giao vien",
    "cbccvc": "can bo cong chuc vien chuc",
    "gv": "giao vien",
    "hs": "hoc sinh",
    "ht": "hieu truong",
    "mn": "mam non",
    "th": "tieu hoc",
    "thcs": "trung hoc co so",
    "thpt": "trung hoc pho thong",
    "gdtx": "giao duc thuong xuyen",
    "gdpt": "giao duc pho thong",
    "gdnn": "giao duc nghe nghiep",
    "csgd": "co so giao duc",
    "bgddt": "bo giao duc va dao tao",
    "ppdh": "phuong phap day hoc",
    "ktdg": "kiem tra danh gia",
    "ptdtbt": "pho thong dan toc ban tru",
    "ct": "chuong trinh",
    "khbd": "ke hoach bai day",
    "ttdt": "thong tin dien tu",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tk": "tai khoan",
    "ds": "danh sach",
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "kp": "kinh phi",
    "bn": "bao nhieu",
    "trc": "truoc",
    "hk": "hoc ky",
    "kq": "ket qua",
    "sd": "su dung",
    "hnay": "hom nay",
    "ctgdpt": "chuong trinh giao duc pho thong",
    "vhxh": "van hoa xa hoi",
    "vh-xh": "van hoa xa hoi",
    "phu huynh": "cha me hoc sinh",  # the plans' word for parents
}
_ABBREVIATION = re.compile(r"(?<![\w&])(" + "|".join(map(re.escape, ABBREVIATIONS)) + r")(?![\w&])")

# Words that shape a question but say nothing about its subject.
STOPWORDS = frozenset(
    """a ah cua va cac nhung la co cho trong ve theo duoc de voi tai o thi nay do mot nhu the
    nao gi nhieu khi ai dau nhi nhe vay oi ban minh em anh chi toi chung ta phai can nen
    se da dang roi chua khong ko k hay hoac ra vao len xuong tu den nua biet hoi xin giup lam
    sao u uh ne nha ak dc muon may gio hom mai qua luc bay ten nop gui ben chao het xem
    ad admin bot bon chung goi""".split()
)

INTENTS: dict[str, tuple[str, ...]] = {
    "deadline": (
        "han", "khi nao", "bao gio", "cham nhat", "truoc ngay", "ngay nao", "thoi han",
        "thoi gian", "luc nao", "hoan thanh", "het han", "deadline", "han chot", "xong", "xog",
        "bao lau", "may lan", "thang may", "thang nao", "ngay may", "quy may", "quy nao",
        "con may ngay", "may ngay nua", "con bao nhieu ngay",
    ),
    "target": (
        "chi tieu", "ty le", "ty trong", "muc tieu", "phan tram", "bao nhieu phan",
        "dat bao nhieu",
    ),
    "lead": (
        "chu tri", "phu trach", "don vi nao", "phong nao", "truong nao", "ai", "gui ve", "nop ve",
        "gui cho", "nop cho", "qua phong", "bao cao ve", "phoi hop", "cho ai",
        "gui dau", "nop dau", "ve dau", "tham muu", "tong hop", "chiu trach nhiem",
        "qua dau", "qua don vi nao",
    ),
    "count": ("bao nhieu", "so luong"),
    "budget": (
        "kinh phi", "bao nhieu tien", "ngan sach", "chi phi", "trieu dong", "von", "du toan",
        "ton bao nhieu", "het bao nhieu tien", "dau tu bao nhieu",
    ),
    "product": ("san pham", "ket qua dau ra", "nop gi", "bao cao gi"),
    "meta": (
        "so hieu", "so may", "ke hoach so", "ke hoach ten", "ban hanh ngay", "ngay ban hanh",
        "ai ban hanh", "don vi ban hanh", "ky ngay", "ten ke hoach", "ke hoach gi", "nam nao",
        "co quan nao ban hanh", "ban hanh khi nao", "ban hanh luc nao",
    ),
    "signer": ("ai ky", "nguoi ky", "ky ten", "ky ban hanh"),
    "contact": (
        "so dien thoai", "dien thoai", "lien he", "email", "mail", "hotline", "goi so",
        "goi cho ai", "goi ai",
    ),
    "person": ("ten gi", "ten la gi", "ho ten", "ho va ten", "ten nguoi"),
    "list": (
        "liet ke", "ke het", "ke ra", "danh sach cac", "nhung chi tieu", "cac chi tieu",
        "nhung han", "cac han", "cac moc", "nhung moc", "cac nhiem vu", "nhung nhiem vu",
        "tat ca",
    ),
    "upcoming": (
        "sap toi", "sap den", "thang nay", "tuan nay", "sap het", "gan toi", "tuan toi",
        "thang toi", "con han", "tuan sau", "thang sau", "lan toi", "ky toi", "quy nay", "gan nhat",
        "quy toi", "quy sau", "nam toi", "nam sau",
    ),
}  # fmt: skip


_AI = "trí tuệ nhân tạo"


def spell_out_ai(text: str) -> str:
    """'AI' in capitals is artificial intelligence, not the question word 'ai' (who)."""
    return re.sub(r"\bAI\b", _AI, text)


# Names of three or more syllables that mean one thing: a text holding only some of their
# syllables ("số" of "số liệu" for "chuyển đổi số") does not speak of them.
CONCEPTS = frozenset(
    tuple(name.split()) for name in [*ABBREVIATIONS.values(), fold(_AI)] if len(name.split()) >= 3
)


_SEMESTER = re.compile(r"(?<![\w&])hk\s*(ii|i|[12])(?!\w)")
# "học kỳ I" and "học kỳ 1", "quý IV" and "quý 4" are the same period: one spelling for both.
_NUMBERED = re.compile(r"\b(hoc ky|quy) (iv|iii|ii|i)\b")
# Loanwords written as one word or two ("ti vi" and "tivi"): one spelling for both.
_JOINED = re.compile(r"\b(?:ti vi|e[- ]mail|wi[- ]fi|web site|on[- ]line)\b")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def expand(folded: str) -> str:
    """Spell out the abbreviations of a folded text ('han bc cds' → '… chuyen doi so')."""
    folded = _JOINED.sub(lambda m: m.group(0).replace(" ", "").replace("-", ""), folded)
    folded = _SEMESTER.sub(r"hoc ky \1", folded)
    folded = _NUMBERED.sub(lambda m: f"{m.group(1)} {_ROMAN[m.group(2)]}", folded)
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], folded)


def intents(folded: str) -> set[str]:
    """The kinds of answer a question asks for; empty when it only names a subject."""
    found = {name for name, cues in INTENTS.items() if any(_has(folded, cue) for cue in cues)}
    return found | ({"target"} if "%" in folded else set())


def intent_words(folded: str, keep: Collection[str] = ()) -> str:
    """The question with its intent cues removed, leaving the subject words; the cues of the
    intents in `keep` stay, being the subject ("ai bố trí kinh phí")."""
    for cue in _LONGEST_FIRST:  # "hạn chót" goes whole, not as "hạn" leaving "chót"
        if _INTENT_OF[cue] not in keep:
            folded = _CUES[cue].sub(" ", folded)
    return folded


def _has(folded: str, cue: str) -> bool:
    return _CUES[cue].search(folded) is not None


def _cue_pattern(cue: str) -> re.Pattern[str]:
    """A cue as a whole-word pattern; a syllable ending in i or y matches both spellings
    ("ai kí" asks the same as "ai ký")."""
    syllables = (
        re.escape(word[:-1]) + "[iy]" if _FINAL_I_OR_Y.match(word) else re.escape(word)
        for word in cue.split()
    )
    return re.compile(r"(?<!\w)" + " ".join(syllables) + r"(?!\w)")


# The consonants before a syllable-final i/y, where "kĩ"/"kỹ", "tỉ"/"tỷ" are both written.
ONSET = r"(?:[bcdghklmnprstvx]|qu|th|tr|ch|ph|nh|kh|gi)"
_FINAL_I_OR_Y = re.compile(rf"^{ONSET}[iy]$")
_CUES = {cue: _cue_pattern(cue) for cues in INTENTS.values() for cue in cues}
# Words a question may use that the plans need not: never "repaired" into plan words.
QUESTION_WORDS = STOPWORDS | {word for cue in _CUES for word in cue.split()}
_INTENT_OF = {cue: name for name, cues in INTENTS.items() for cue in cues}
_LONGEST_FIRST = sorted(_INTENT_OF, key=len, reverse=True)
