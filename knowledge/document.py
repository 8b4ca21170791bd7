"""Plan files → neutral blocks: paragraphs and table rows, in document order.

Plans arrive as text exported from Word/PDF (carrying markdown and HTML decoration), as
markdown with pipe tables, or as .docx. Everything downstream reads one shape — clean NFC
text, lines never joined (the extractor decides that) — and every refusal is a
`DocumentError` whose message the bot can show to the user as is.
"""

from __future__ import annotations

import codecs
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeAlias
from xml.etree import ElementTree

import docx
from charset_normalizer import from_bytes
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.table import Table, _Cell

from knowledge.text import fold, nfc, squash

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Paragraph:
    """One line of running text; `footnote` marks a footnote body, which is not plan content."""

    text: str
    footnote: bool = False


@dataclass(frozen=True)
class Row:
    """One table row; `after_break` tells a row continued across a page from a fresh one."""

    cells: tuple[str, ...]
    after_break: bool = False


Block: TypeAlias = Paragraph | Row


class DocumentError(ValueError):
    """Raised with a short, clear Vietnamese message for the user (str(err) is shown as is)."""


_NOT_TEXT = "Tệp không phải văn bản (có thể là tệp nhị phân hoặc bị hỏng)."
_EMPTY = "Tệp rỗng, không có nội dung."
_BAD_DOCX = "Tệp .docx bị hỏng hoặc không đọc được. Hãy mở bằng Word, lưu lại rồi gửi lại."


def read_blocks(path: Path) -> list[Block]:
    """Read a plan file; the suffix picks the parser, the size is checked before reading."""
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".md", ".docx"):
        kind = suffix or "không có phần mở rộng"
        raise DocumentError(
            f"Chưa hỗ trợ loại tệp này ({kind}). Chỉ nhận tệp .docx, .txt hoặc .md."
        )
    _check_size(path.stat().st_size)
    data = path.read_bytes()
    if suffix == ".docx":
        return docx_to_blocks(data)
    return text_to_blocks(decode_text(data))


def _check_size(size: int) -> None:
    if size > MAX_BYTES:
        megabytes = f"{math.ceil(size * 10 / 1024 / 1024) / 10:.1f}".replace(".", ",")
        raise DocumentError(f"Tệp quá lớn ({megabytes} MB), tối đa {MAX_BYTES >> 20} MB.")


# ---------------------------------------------------------------- encodings

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Bytes of a text plan → NFC text with LF line ends; only Unicode text is accepted."""
    _check_size(len(data))
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        encoding = _bomless_utf16(data)
        if encoding is None:
            raise DocumentError(_NOT_TEXT)
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError:
        raise (_legacy_encoding(data) if encoding is None else DocumentError(_NOT_TEXT)) from None
    if "\x00" in text:
        raise DocumentError(_NOT_TEXT)
    if not text.strip():
        raise DocumentError(_EMPTY)
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 saved without a BOM shows as NULs in every other byte (ASCII's high byte)."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    enough = len(data) // 8
    if odd > enough and even * 10 <= odd:
        return "utf-16-le"
    if even > enough and odd * 10 <= even:
        return "utf-16-be"
    return None


def _legacy_encoding(data: bytes) -> DocumentError:
    """Old Vietnamese code pages (cp1258, TCVN3, VNI) are refused, naming the likely one."""
    match = from_bytes(data).best()
    if match is None:  # no code page reads it as text either
        return DocumentError(_NOT_TEXT)
    return DocumentError(
        f"Tệp dùng bảng mã cũ ({match.encoding}), không phải Unicode. "
        "Hãy mở bằng Word và lưu lại dạng Unicode (UTF-8) rồi gửi lại."
    )


# ---------------------------------------------------------------- text format


class _Builder:
    """Collects blocks; a row after anything but a row is marked `after_break`."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._rows_seen = False
        self._gap = False

    def row(self, cells: tuple[str, ...]) -> None:
        if any(cells):
            self.blocks.append(Row(cells, after_break=self._gap))
            self._rows_seen, self._gap = True, False

    def other(self, paragraph: Paragraph | None) -> None:
        self._gap = self._rows_seen
        if paragraph is not None:
            self.blocks.append(paragraph)


def text_to_blocks(text: str) -> list[Block]:
    """Parse plan text: tab or pipe lines are table rows, every other line one paragraph."""
    builder = _Builder()
    for line in text.splitlines():
        cells = _row_cells(line)
        if cells is not None:
            builder.row(cells)
            continue
        # a heading block laid out in two columns ("Số: 318/KH-UBND      Nghi Lộc, ngày …")
        for part in _COLUMN_GAP.split(line.strip()):
            builder.other(_paragraph(part))
    return builder.blocks


_COLUMN_GAP = re.compile(r"\s{5,}")


_PIPE = re.compile(r"(?<!\\)\|")
_PIPE_RULE = re.compile(r"\s*:?-+:?\s*")


def _row_cells(line: str) -> tuple[str, ...] | None:
    """Cells of a tab or pipe row (() for a markdown rule line), None for other lines."""
    stripped = line.strip()
    if stripped.startswith("|"):
        inner = stripped[1:]
        if inner.endswith("|") and not inner.endswith("\\|"):
            inner = inner[:-1]
        pieces = _PIPE.split(inner)
        if all(_PIPE_RULE.fullmatch(piece) for piece in pieces):
            return ()
    elif "\t" in line:
        pieces = line.split("\t")
    elif stripped.count(" | ") >= 2:  # a pipe table typed without the outer bars
        pieces = _PIPE.split(stripped)
    else:
        return None
    return tuple("\n".join(_lines(_clean(piece))) for piece in pieces)


_RULE = re.compile(r"([-*_=])(\s*\1){2,}")
_FOOTNOTE_MARK = re.compile(r"(?:<sup>\s*\d+\s*</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\[\^[^\]\s]+\]:)\s*", re.I)


def _paragraph(line: str) -> Paragraph | None:
    stripped = line.strip()
    if _RULE.fullmatch(stripped):
        return None
    mark = _FOOTNOTE_MARK.match(stripped)
    text = " ".join(_lines(_clean(stripped[mark.end() :] if mark else stripped)))
    return Paragraph(text, footnote=mark is not None) if text else None


def _lines(text: str) -> list[str]:
    return [line for line in map(squash, text.splitlines()) if line]


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
_LINK = re.compile(r"!?\[([^\]]{0,300})\](?:\([^)\s]*(?:\s+\"[^\"]*\")?\)|\{[^}]*\})")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+|mailto:[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>")
# Spans are bounded (300 characters) so a hostile line cannot make matching quadratic.
_EMPHASIS = re.compile(
    r"(?<!\\)(\*{1,3})(?=[^\s*)])(.{1,300}?)(?<=[^\s*(\\])\1"
    r"|(?<![\w\\])(_{1,3})(?=[^\s_)])(.{1,300}?)(?<=[^\s_(\\])\3(?!\w)"
)
_STRAY_STARS = re.compile(r"(?<!\\)\*{2,}|^\*(?=[^\s*])|(?<=[^\s*\\])\*$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|\\$")
_NO_SPACE_BEFORE = ".,;:!?)]}”’…/"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff\xad"))
_MARKUP = re.compile(r"[#\[<*_\\&]")


def _clean(text: str) -> str:
    """Markdown and HTML decoration removed; block structure kept as lines."""
    if not _MARKUP.search(text):  # most lines of a plan are plain sentences
        return nfc(text.translate(_INVISIBLE))
    text = _HEADING.sub("", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    while True:
        text, count = _EMPHASIS.subn(_unemphasise, text)
        if not count:
            break
    text = _STRAY_STARS.sub("", text)  # emphasis whose other half is on another line
    text = _html_to_text(text)
    text = _ESCAPE.sub(r"\1", text)
    return nfc(text.translate(_INVISIBLE))


def _unemphasise(match: re.Match[str]) -> str:
    """The emphasised words; adjacent runs ('**Phụ lục****NHIỆM VỤ**') keep a space between."""
    after = match.string[match.end() : match.end() + 1]
    glue = after and not after.isspace() and after not in _NO_SPACE_BEFORE
    return (match.group(2) or match.group(4)) + (" " if glue else "")


_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "hr"}
_BLOCK_TAGS |= {"blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE_TAGS = {"a", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "span"}
_INLINE_TAGS |= {"font", "small", "mark", "code", "sub", "sup", "tbody", "thead", "img"}
_TAGS = _BLOCK_TAGS | _INLINE_TAGS


def _html_to_text(text: str) -> str:
    if "<" not in text and "&" not in text:
        return text
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


class _HtmlText(HTMLParser):
    """Text of an HTML fragment: block tags become line breaks, list items '- ' lines.

    Only known tags are markup; anything else in angle brackets ('<Tên đơn vị>') is text.
    A superscript without letters is a footnote reference and is dropped.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._bullet = False
        self._sup: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self.handle_data(self.get_starttag_text() or "")
        elif tag == "sup":
            self._sup = []
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            self._bullet = self._bullet or tag == "li"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "sup":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _TAGS:
            self.handle_data(f"</{tag}>")
        elif tag == "sup" and self._sup is not None:
            sup, self._sup = "".join(self._sup), None
            if any(ch.isalpha() for ch in sup):
                self.handle_data(sup)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            self._bullet = self._bullet and tag != "li"

    def handle_data(self, data: str) -> None:
        if self._sup is not None:
            self._sup.append(data)
            return
        if self._bullet and data.strip():
            self._bullet = False
            if not data.lstrip().startswith(("-", "+")):
                self.parts.append("- ")
        self.parts.append(data)

    def close(self) -> None:
        super().close()
        self.parts.extend(self._sup or ())  # an unclosed <sup> must not swallow the text


# ---------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_blocks(data: bytes) -> list[Block]:
    """Read a .docx: body paragraphs and tables in document order, then the footnotes."""
    _check_size(len(data))
    builder = _Builder()
    numbering = _StyleNumbering()
    try:
        document = docx.Document(io.BytesIO(data))
        for item in document.iter_inner_content():
            if isinstance(item, Table) and _lays_out_page(item):
                for line in _docx_lines(item):
                    builder.other(Paragraph(line))
            elif isinstance(item, Table):
                for cells in _docx_rows(item):
                    builder.row(cells)
            else:
                text = _plain(item.text)
                style = item.style.name if item.style is not None else ""
                shown = numbering.label(style or "", text) + text if text else ""
                builder.other(Paragraph(shown) if shown else None)
        footnotes = _docx_footnotes(document)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, SyntaxError) as err:
        raise DocumentError(_BAD_DOCX) from err
    return builder.blocks + footnotes


_DIGIT = re.compile(r"\d")
_HEADING_STYLE = re.compile(r"^heading ([1-3])$", re.IGNORECASE)
_TYPED_NUMBER = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.|[a-zđ]\)|[-+•–])\s", re.IGNORECASE)
_ROMAN_DIGITS = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN_DIGITS:
        while number >= value:
            out, number = out + letters, number - value
    return out


class _StyleNumbering:
    """The numbers Word shows but does not store in the text: headings in the Heading 1-3
    styles read as "I.", "1.", "1.1.", numbered lists as "a)", bulleted lists as "-", the
    way a plan typed by hand numbers them."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0, 0]  # heading 1, 2, 3, numbered list item

    def label(self, style: str, text: str) -> str:
        heading = _HEADING_STYLE.match(style)
        typed = _TYPED_NUMBER.match(text) is not None
        if heading:
            level = int(heading.group(1)) - 1
            self.counts[level] += 1
            self.counts[level + 1 :] = [0] * (3 - level)
            if typed:
                return ""
            if level == 0:
                return f"{_roman(self.counts[0])}. "
            return ".".join(str(n) for n in self.counts[1 : level + 1]) + ". "
        if typed:
            return ""
        if style.lower().startswith("list number"):
            self.counts[3] += 1
            return f"{chr(ord('a') + (self.counts[3] - 1) % 26)}) "
        return "- " if style.lower().startswith("list bullet") else ""


# Word plans set their heading block (issuer | national motto) and their closing block
# (recipients | signature) side by side in borderless tables; they are text, not data.
_PAGE_LAYOUT = re.compile(r"\bcong hoa xa hoi chu nghia\b|^noi nhan\s*:")


def _lays_out_page(table: Table) -> bool:
    return any(_PAGE_LAYOUT.search(fold(cell)) for cells in _docx_rows(table) for cell in cells)


def _docx_lines(table: Table) -> Iterator[str]:
    """A layout table's lines, row by row and cell by cell, as a text export gives them."""
    for cells in _docx_rows(table):
        for cell in cells:
            yield from cell.splitlines()


def _docx_rows(table: Table) -> Iterator[tuple[str, ...]]:
    """Rows with merged cells once, like a text export.

    python-docx repeats a merged cell for every grid column and row it spans: a repeat
    within the row is skipped, a repeat from the row above (vertical merge) is left blank.
    A two-row header is one row, column by column ("Thời gian thực hiện Hoàn thành").
    """
    above: list[_Cell] = []
    grids = [list(row.cells) for row in table.rows]
    skip = False
    for grid, under in zip(grids, [*grids[1:], []], strict=True):
        if skip:
            skip = False
            continue
        if _splits_header(grid, under):
            skip, above = True, under
            yield tuple(
                squash(f"{_cell_text(top)} {'' if low._tc is top._tc else _cell_text(low)}")
                for top, low in zip(grid, under, strict=True)
            )
            continue
        cells: list[str] = []
        for index, cell in enumerate(grid):
            if index and cell._tc is grid[index - 1]._tc:
                continue
            merged_down = index < len(above) and cell._tc is above[index]._tc
            cells.append("" if merged_down else _cell_text(cell))
        above = grid
        yield tuple(cells)


def _splits_header(grid: list[_Cell], under: list[_Cell]) -> bool:
    """Whether `under` is the second row of a two-row header: the row above has a cell
    spanning several columns, which `under` names one by one, while the header's other
    cells run down into it."""
    if len(under) != len(grid) or not grid:
        return False
    pairs = list(zip(grid, under, strict=True))
    spans = any(cell._tc is grid[at - 1]._tc for at, cell in enumerate(grid) if at)
    runs_down = any(low._tc is top._tc for top, low in pairs)
    names = [_cell_text(low) for top, low in pairs if low._tc is not top._tc]
    return spans and runs_down and all(n and len(n) <= 30 and not _DIGIT.search(n) for n in names)


def _cell_text(cell: _Cell) -> str:
    lines = (_plain(line) for paragraph in cell.paragraphs for line in paragraph.text.split("\n"))
    return "\n".join(line for line in lines if line)


def _docx_footnotes(document: Document) -> list[Paragraph]:
    """Footnote bodies live in their own part, which python-docx does not expose."""
    for rel in document.part.rels.values():
        if rel.reltype == RELATIONSHIP_TYPE.FOOTNOTES and not rel.is_external:
            root = ElementTree.fromstring(rel.target_part.blob)
            notes = (
                n for n in root.iter(f"{_W}footnote") if n.get(f"{_W}type", "normal") == "normal"
            )
            texts = (_plain(" ".join(map(_xml_text, note.iter(f"{_W}p")))) for note in notes)
            return [Paragraph(text, footnote=True) for text in texts if text]
    return []


def _xml_text(paragraph: ElementTree.Element) -> str:
    return "".join(run.text or "" for run in paragraph.iter(f"{_W}t"))


def _plain(text: str) -> str:
    return squash(nfc(text.translate(_INVISIBLE)))
