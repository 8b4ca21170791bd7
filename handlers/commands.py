"""The commands people type: Vietnamese names, accepted with or without diacritics,
underscores or a bot's @name, plus a few familiar aliases."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.text import fold


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    aliases: tuple[str, ...] = ()


COMMANDS = (
    Command("hoi", "Hỏi về kế hoạch: hạn, chỉ tiêu, đơn vị chủ trì…", ("ask",)),
    Command("hanchot", "Các hạn trong 30 ngày tới của đơn vị", ("deadline", "deadlines")),
    Command("chitieu", "Các chỉ tiêu áp dụng cho đơn vị", ("targets",)),
    Command("baocao", "Báo cáo số liệu tiến độ của trường", ("report",)),
    Command("tonghop", "Tổng hợp: đơn vị nào đã/chưa báo cáo", ("summary",)),
    Command("nhacnho", "Bật, tắt nhắc hạn báo cáo", ("reminders",)),
    Command("huy", "Hủy thao tác đang làm", ("cancel",)),
    Command("trogiup", "Hướng dẫn sử dụng", ("help", "huongdan")),
    Command("start", "Bắt đầu, nhập mã mời", ("batdau",)),
)

_BY_NAME = {key: c.name for c in COMMANDS for key in (c.name, *c.aliases)}


@dataclass(frozen=True)
class Typed:
    """A command as typed: its canonical name (None when unknown) and what follows it."""

    name: str | None
    word: str
    args: str


def parse_command(text: str) -> Typed | None:
    """'/Hạn_chót@planbot x' → Typed('hanchot', …, 'x'); None when the text is no command."""
    if not text.startswith("/"):
        return None
    word, _, args = text[1:].partition(" ")
    word = word.split("@", 1)[0]
    key = fold(word).replace("_", "")
    return Typed(_BY_NAME.get(key), word, args.strip())
