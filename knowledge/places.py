"""Vietnamese provinces and large cities, so a question about a place no plan covers is
recognised however it is typed ("tỉnh sóc trăng", "Quảng Ninh", "da nang").

Plans name their own locality, but a question may name any place in the country; knowing
the country's places lets the engine say "the plans do not cover Sóc Trăng" instead of
answering with another province's plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from knowledge.text import fold, nfc

PLACES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh",
    "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ",
    "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng",
    "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi",
    "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Hồ Chí Minh", "Sài Gòn",
    "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
    "Đà Lạt", "Nha Trang", "Vũng Tàu", "Hạ Long", "Quy Nhơn", "Buôn Ma Thuột", "Phan Thiết",
    "Pleiku", "Mỹ Tho", "Rạch Giá", "Long Xuyên", "Cam Ranh", "Biên Hòa", "Thủ Đức",
    "Thủ Dầu Một", "Hội An", "Sa Pa", "Móng Cái", "Đồng Hới", "Tuy Hòa", "Phan Rang",
)  # fmt: skip


def _key(name: str) -> str:
    return fold(name.replace("-", " "))


class PlaceNames:
    """Finds the places of `PLACES` a text names.

    A name of two or more syllables is found with or without diacritics; a one-syllable name
    ("Huế") only as written with its diacritics, since its bare form is a common syllable.
    Typed without diacritics, a name whose edge syllable pairs with its neighbour into a
    phrase the plans use ("bao cao bang" is "báo cáo bằng", not Cao Bằng) is not a place.
    """

    def __init__(self, names: Iterable[str] = PLACES) -> None:
        self.by_key = {_key(name): name for name in names}
        keys = sorted(self.by_key, key=len, reverse=True)
        self._folded = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, keys)) + r")(?!\w)")

    @staticmethod
    def key(name: str) -> str:
        return _key(name)

    def named(self, text: str, used_pair: Callable[[str, str], bool]) -> list[str]:
        """The places `text` names, as written in `PLACES`; `used_pair` tells whether two
        syllables make a phrase the plans use."""
        text = nfc(text)
        folded = fold(text.replace("-", " "))
        exact = text.lower()
        found = []
        for match in self._folded.finditer(folded):
            name = self.by_key[match.group(1)]
            if " " not in match.group(1):
                if re.search(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", exact):
                    found.append(name)
                continue
            words = match.group(1).split()
            before = folded[: match.start()].split()[-1:]
            after = folded[match.end() :].split()[:1]
            typed_bare = name.lower() not in exact
            if typed_bare and (
                (before and used_pair(before[0], words[0]))
                or (after and used_pair(words[-1], after[0]))
            ):
                continue
            found.append(name)
        return found

    def mentioned(self, text: str) -> list[str]:
        """The places `text` names, as folded keys, once per mention."""
        return [match.group(1) for match in self._folded.finditer(fold(text.replace("-", " ")))]
