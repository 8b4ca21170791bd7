"""Plan files → blocks: the real sample plans, every accepted encoding, every refusal."""

from __future__ import annotations

import codecs
import io
import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from knowledge.document import (
    MAX_BYTES,
    Block,
    DocumentError,
    Paragraph,
    Row,
    decode_text,
    docx_to_blocks,
    read_blocks,
    text_to_blocks,
)

SAMPLES = Path(__file__).resolve().parents[1] / "knowledge" / "sample_plans"
NINH_BINH = SAMPLES / "ninh-binh-2025.txt"


def rows(blocks: list[Block]) -> list[Row]:
    return [block for block in blocks if isinstance(block, Row)]


def texts(blocks: list[Block]) -> list[str]:
    return [block.text for block in blocks if isinstance(block, Paragraph)]


# ---------------------------------------------------------------- sample plans


def test_ninh_binh_appendix_rows_keep_five_columns_and_page_breaks() -> None:
    table = rows(read_blocks(NINH_BINH))
    assert table[0] == Row(
        (
            "TT",
            "Chỉ tiêu",
            "Đơn vị chủ trì theo dõi, hướng dẫn, đôn đốc, kiểm tra và tổng hợp kết quả thực hiện",
            "Đơn vị tổ chức triển khai và báo cáo kết quả thực hiện",
            "Thời gian hoàn thành",
        )
    )
    assert all(len(row.cells) == 5 for row in table)

    index = next(i for i, row in enumerate(table) if row.cells[1].startswith("số, kiến thức"))
    continued = table[index]
    assert continued.cells[0] == ""
    assert continued.cells[2:] == ("", "", "")
    assert continued.after_break
    assert table[index - 1].cells[0] == "4"
    assert not table[index - 1].after_break
    assert table[index + 1].cells[0] == "5"
    assert not table[index + 1].after_break

    assert Row(("", "", "", "phường; Các cơ sở giáo dục phổ thông", ""), True) in table
    second_header = next(row for row in table[1:] if row.cells[0] == "TT")
    assert second_header.cells[1] == "Nhiệm vụ"
    assert second_header.after_break


def test_ninh_binh_lines_are_not_joined() -> None:
    paragraphs = texts(read_blocks(NINH_BINH))
    assert "KẾ HOẠCH" in paragraphs
    assert "Chuyển đổi số ngành Giáo dục và Đào tạo năm 2025" in paragraphs
    assert "thiết, thường xuyên phải thay đổi mật khẩu sử dụng." in paragraphs


def test_hai_phong_html_cells_and_decoration() -> None:
    blocks = read_blocks(SAMPLES / "hai-phong-2024-2025.txt")
    table = rows(blocks)
    assert table[0] == Row(("TT", "Nội dung thực hiện", "Thời gian thực hiện", "Sản phẩm"))
    assert table[1] == Row(("I.", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "", ""))
    repeated_header = [row for row in table[1:] if row.cells[0] == "TT"]
    assert len(repeated_header) == 2
    assert all(row.after_break for row in repeated_header)

    paragraphs = texts(blocks)
    assert "II. ĐỐI TƯỢNG ÁP DỤNG" in paragraphs
    assert "Nơi nhận:" in paragraphs
    signature = paragraphs.index("KT. GIÁM ĐỐC")  # bold spans two lines: "**KT. …  \nPHÓ …**"
    assert paragraphs[signature + 1] == "PHÓ GIÁM ĐỐC"
    assert paragraphs[paragraphs.index("Phạm Quốc Hiệu") + 1].startswith(
        "Phụ lục NHIỆM VỤ TRIỂN KHAI NHIỆM VỤ"
    )
    assert any(
        "email: vanphongsgd@haiphong.edu.vn để được hướng dẫn" in text for text in paragraphs
    )
    assert any("định hướng đến năm 2030” và Đề án “Phát triển" in text for text in paragraphs)


def test_nha_trang_list_items_in_a_cell_become_lines() -> None:
    blocks = read_blocks(SAMPLES / "nha-trang-2024.txt")
    row = next(row for row in rows(blocks) if row.cells[0] == "4")
    lines = row.cells[1].split("\n")
    assert lines[0] == (
        "Đầu tư mua sắm các thiết bị CNTT và các trang thiết bị khác có liên quan "
        "(cấp phòng và các trường trực thuộc):"
    )
    assert lines[1] == "- Máy tính: 03 cái/phòng; 02 cái/trường."
    assert lines[2] == "- Hệ thống lưu trữ, thiết bị mạng: tùy tình hình khảo sát thực tế."
    assert lines[-1] == "Tùy tình hình thực tế tại đơn vị mà có bổ sung nâng cấp phù hợp."
    assert len(lines) == 8
    assert [line[:2] for line in row.cells[8].split("\n")] == ["- ", "- "]
    assert len(row.cells) == 9

    paragraphs = texts(blocks)
    assert "II. MỤC TIÊU" in paragraphs
    assert "1.1. Ngày Chuyển đổi số" in paragraphs
    assert paragraphs[:4] == [
        "Số: 1669/KH-UBND",
        "Nha Trang, ngày 05 tháng 3 năm 2024",
        "KẾ HOẠCH",
        "Chuyển đổi số năm 2024 của ngành Giáo dục và Đào tạo",
    ]
    assert any("Cổng dữ liệu quốc gia (data.gov.vn);" in text for text in paragraphs)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_no_markup_survives_in_any_sample(path: Path) -> None:
    blocks = read_blocks(path)
    pieces = texts(blocks) + [cell for row in rows(blocks) for cell in row.cells]
    for piece in pieces:
        for markup in ("**", "<b>", "<sup>", "<li>", "](", "<http", "##"):
            assert markup not in piece
        assert unicodedata.is_normalized("NFC", piece)
    assert all("\n" not in text and "  " not in text for text in texts(blocks))


def test_footnotes_in_both_forms() -> None:
    ninh_binh = read_blocks(NINH_BINH)
    assert (
        Paragraph("Tại mục 2.6 của Kế hoạch 19/KH-UBND ngày 08/8/2025", footnote=True) in ninh_binh
    )
    hai_phong = read_blocks(SAMPLES / "hai-phong-2024-2025.txt")
    notes = [block.text for block in hai_phong if isinstance(block, Paragraph) and block.footnote]
    assert len(notes) == 12
    assert notes[0].startswith("Quyết định số 131/QĐ-TTg ngày 25/01/2022")
    assert notes[2] == "https://igiaoduc.vn hoặc https://www.youtube.com/@igiaoduc"


# ---------------------------------------------------------------- text format rules


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("## **II. MỤC TIÊU**", "II. MỤC TIÊU"),
        ("##### ***1.1. Ngày Chuyển đổi số***", "1.1. Ngày Chuyển đổi số"),
        ("**KẾ HOẠCH**  ", "KẾ HOẠCH"),
        ("**Phụ lục****DANH MỤC**", "Phụ lục DANH MỤC"),
        ("trước ngày **15/03/2024**.", "trước ngày 15/03/2024."),
        ("hồ sơ (*trừ hồ sơ mật*);", "hồ sơ (trừ hồ sơ mật);"),
        ("__Ghi chú__ và _nhấn mạnh_", "Ghi chú và nhấn mạnh"),
        ("Số: ____/KH-UBND", "Số: ____/KH-UBND"),
        ("chỉ tiêu (*) bắt buộc", "chỉ tiêu (*) bắt buộc"),
        ("ký tự \\* và \\_ giữ lại", "ký tự * và _ giữ lại"),
        (
            "xem [Cổng](https://dx.gov.vn) hoặc <https://t63.mic.gov.vn>",
            "xem Cổng hoặc https://t63.mic.gov.vn",
        ),
        ("Gửi <Tên đơn vị> trước 5/10", "Gửi <Tên đơn vị> trước 5/10"),
        ("tỷ lệ <b>đạt</b> &lt;50% &amp; hơn", "tỷ lệ đạt <50% & hơn"),
        ("năm 2030<sup>12</sup> và m<sup>a</sup>", "năm 2030 và ma"),
        ("1. Mục   tiêu\u00a0chung", "1. Mục tiêu chung"),
        ("+ Quản lý hồ sơ; 100% / năm", "+ Quản lý hồ sơ; 100% / năm"),
    ],
)
def test_paragraph_cleaning(line: str, expected: str) -> None:
    assert text_to_blocks(line) == [Paragraph(expected)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("<sup>3</sup> Thông tư số 09/2021/TT-BGDĐT", "Thông tư số 09/2021/TT-BGDĐT"),
        ("² Quyết định số 4725/QĐ-BGDĐT", "Quyết định số 4725/QĐ-BGDĐT"),
        ("[^1]: Nghị định số 13/2023/NĐ-CP", "Nghị định số 13/2023/NĐ-CP"),
    ],
)
def test_footnote_paragraphs(line: str, expected: str) -> None:
    assert text_to_blocks(line) == [Paragraph(expected, footnote=True)]


def test_rules_and_empty_lines_are_dropped_but_break_tables() -> None:
    text = "A\tB\n---\n\tb2\n**\n\n<p></p>\nC\tD\n\t\t\nE\tF"
    assert text_to_blocks(text) == [
        Row(("A", "B")),
        Row(("", "b2"), after_break=True),
        Row(("C", "D"), after_break=True),
        Row(("E", "F")),
    ]


def test_first_row_after_paragraphs_is_not_a_break() -> None:
    assert text_to_blocks("Tiêu đề\n\nTT\tNội dung") == [
        Paragraph("Tiêu đề"),
        Row(("TT", "Nội dung")),
    ]


def test_tab_row_keeps_empty_cells() -> None:
    (row,) = text_to_blocks("\tsố, kiến thức ...\t\t\t")
    assert row == Row(("", "số, kiến thức ...", "", "", ""))


def test_list_items_without_dash_get_one() -> None:
    cell = "<p>Gồm:</p><ul><li><b>Máy tính</b>;</li><li>+ Máy in</li><li>- Máy quét</li></ul>"
    assert text_to_blocks(f"1\t{cell}") == [Row(("1", "Gồm:\n- Máy tính;\n+ Máy in\n- Máy quét"))]


def test_pipe_table_parses_like_tab_table() -> None:
    pipes = (
        "| TT | Nội dung | Thời hạn |\n"
        "|---|:--:|---:|\n"
        "| 1 | **Ban hành** kế hoạch | 30/9/2025 |\n"
        "|  | tiếp theo \\| ghi chú |  |\n"
        "\n"
        "| 2 | Báo cáo<br>định kỳ | Hằng quý |"
    )
    tabs = (
        "TT\tNội dung\tThời hạn\n"
        "1\t**Ban hành** kế hoạch\t30/9/2025\n"
        "\ttiếp theo | ghi chú\t\n"
        "\n"
        "2\tBáo cáo<br>định kỳ\tHằng quý"
    )
    assert text_to_blocks(pipes) == text_to_blocks(tabs)
    assert text_to_blocks(pipes) == [
        Row(("TT", "Nội dung", "Thời hạn")),
        Row(("1", "Ban hành kế hoạch", "30/9/2025")),
        Row(("", "tiếp theo | ghi chú", "")),
        Row(("2", "Báo cáo\nđịnh kỳ", "Hằng quý"), after_break=True),
    ]


def test_nfd_text_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Kế hoạch\tĐơn vị chủ trì\nMục tiêu cụ thể")
    assert text_to_blocks(nfd) == [
        Row(("Kế hoạch", "Đơn vị chủ trì")),
        Paragraph("Mục tiêu cụ thể"),
    ]


# ---------------------------------------------------------------- encodings


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: codecs.BOM_UTF8 + t.encode(),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
        _crlf,
        lambda t: t.replace("\n", "\r").encode(),
        lambda t: unicodedata.normalize("NFD", t).encode(),
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "crlf", "cr", "nfd"],
)
def test_every_unicode_form_gives_the_same_blocks(
    tmp_path: Path, encode: Callable[[str], bytes]
) -> None:
    text = NINH_BINH.read_text(encoding="utf-8")
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(encode(text))
    assert read_blocks(path) == read_blocks(NINH_BINH)


def test_decode_text_normalises_line_ends_and_form() -> None:
    data = unicodedata.normalize("NFD", "Kế hoạch\r\nnăm 2025\rhết").encode()
    assert decode_text(data) == "Kế hoạch\nnăm 2025\nhết"


def _cp1258(text: str) -> bytes:
    """cp1258 keeps the tone mark apart from the letter: 'ế' → 'ê' + U+0301."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_legacy_encoding_is_refused_with_advice() -> None:
    data = _cp1258(NINH_BINH.read_text(encoding="utf-8")[:3000])
    with pytest.raises(DocumentError) as caught:
        decode_text(data)
    message = str(caught.value)
    assert message.startswith("Tệp dùng bảng mã cũ (")
    assert "cp1258" in message
    assert "Unicode (UTF-8)" in message


def test_binary_is_refused() -> None:
    data = random.Random(7).randbytes(4096)
    assert b"\x00" in data
    with pytest.raises(DocumentError, match="không phải văn bản"):
        decode_text(data)


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "rong.txt"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=r"^Tệp rỗng"):
        read_blocks(path)


def test_large_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lon.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)

    def no_reading(self: Path) -> bytes:
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(DocumentError, match=r"^Tệp quá lớn \(5,1 MB\), tối đa 5 MB\.$"):
        read_blocks(path)


def test_large_bytes_are_refused() -> None:
    with pytest.raises(DocumentError, match="quá lớn"):
        decode_text(b"a" * (MAX_BYTES + 1))
    with pytest.raises(DocumentError, match="quá lớn"):
        docx_to_blocks(b"a" * (MAX_BYTES + 1))


@pytest.mark.parametrize("name", ["ke-hoach.pdf", "ke-hoach.doc", "bang.xlsx", "ke-hoach"])
def test_unsupported_extension_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("KẾ HOẠCH", encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        read_blocks(path)
    message = str(caught.value)
    assert (path.suffix or "không có phần mở rộng") in message
    assert ".docx, .txt hoặc .md" in message


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "KE-HOACH.MD"
    path.write_text("# **I. MỤC TIÊU**", encoding="utf-8")
    assert read_blocks(path) == [Paragraph("I. MỤC TIÊU")]


# ---------------------------------------------------------------- docx


def _save(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_round_trip(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("I. MỤC TIÊU", level=1)
    document.add_paragraph("Thực hiện   Kế hoạch số 27/KH-SGDĐT")
    table = document.add_table(rows=3, cols=3)
    for column, text in enumerate(["TT", "Nội dung", "Thời hạn"]):
        table.cell(0, column).text = text
    table.cell(1, 0).merge(table.cell(1, 2)).text = "I. SỞ GIÁO DỤC"
    table.cell(2, 0).text = "1"
    table.cell(2, 1).text = "Ban hành kế hoạch"
    table.cell(2, 1).add_paragraph("")
    table.cell(2, 1).add_paragraph("Gửi   các trường")
    table.cell(2, 2).text = "Tháng 9/2025"
    document.add_paragraph("")
    document.add_paragraph(unicodedata.normalize("NFD", "Nơi nhận:"))
    path = tmp_path / "ke-hoach.DOCX"
    path.write_bytes(_save(document))

    assert read_blocks(path) == [
        Paragraph("I. MỤC TIÊU"),
        Paragraph("Thực hiện Kế hoạch số 27/KH-SGDĐT"),
        Row(("TT", "Nội dung", "Thời hạn")),
        Row(("I. SỞ GIÁO DỤC",)),
        Row(("1", "Ban hành kế hoạch\nGửi các trường", "Tháng 9/2025")),
        Paragraph("Nơi nhận:"),
    ]


def test_docx_vertical_merge_is_blank_below_and_tables_break() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "UBND phường"
    table.cell(0, 1).text = "Quý I"
    table.cell(1, 1).text = "Quý II"
    document.add_paragraph("")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "Bảng hai"
    assert docx_to_blocks(_save(document)) == [
        Row(("UBND phường", "Quý I")),
        Row(("", "Quý II")),
        Row(("Bảng hai",), after_break=True),
    ]


def test_docx_heading_and_signature_tables_are_read_as_lines() -> None:
    """Word plans set the issuer beside the national motto, and the recipients beside the
    signature, in borderless tables: those are lines of text, a data table stays rows."""
    document = docx.Document()
    heading = document.add_table(rows=1, cols=2)
    heading.cell(0, 0).text = "UBND TỈNH VĨNH LONG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 2318/KH-SGDĐT"
    heading.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nVĩnh Long, ngày 22 tháng 9"
    document.add_paragraph("KẾ HOẠCH")
    data = document.add_table(rows=1, cols=2)
    data.cell(0, 0).text = "Loại báo cáo"
    data.cell(0, 1).text = "Nơi nhận"
    closing = document.add_table(rows=1, cols=2)
    closing.cell(0, 0).text = "Nơi nhận:\n- Như trên;"
    closing.cell(0, 1).text = "GIÁM ĐỐC"
    assert docx_to_blocks(_save(document)) == [
        Paragraph("UBND TỈNH VĨNH LONG"),
        Paragraph("SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
        Paragraph("Số: 2318/KH-SGDĐT"),
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        Paragraph("Vĩnh Long, ngày 22 tháng 9"),
        Paragraph("KẾ HOẠCH"),
        Row(("Loại báo cáo", "Nơi nhận")),
        Paragraph("Nơi nhận:"),
        Paragraph("- Như trên;"),
        Paragraph("GIÁM ĐỐC"),
    ]


def test_docx_numbers_shown_by_word_styles_are_read_as_typed() -> None:
    """Headings in Heading styles and items in list styles carry no typed number: they read
    as a plan typed by hand numbers them; a typed number is kept as it is."""
    document = docx.Document()
    document.add_paragraph("MỤC ĐÍCH, YÊU CẦU", style="Heading 1")
    document.add_paragraph("Mục đích", style="Heading 2")
    document.add_paragraph("Nâng cao năng lực số", style="List Bullet")
    document.add_paragraph("II. NHIỆM VỤ", style="Heading 1")
    document.add_paragraph("Hạ tầng", style="Heading 2")
    document.add_paragraph("Lắp wifi cho 36 phòng học", style="List Number")
    document.add_paragraph("03 phòng máy tính", style="List Number")
    assert texts(docx_to_blocks(_save(document))) == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Nâng cao năng lực số",
        "II. NHIỆM VỤ",
        "1. Hạ tầng",
        "a) Lắp wifi cho 36 phòng học",
        "b) 03 phòng máy tính",
    ]


def test_docx_a_two_row_header_is_one_row_column_by_column() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "STT"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Nội dung nhiệm vụ"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Thời gian thực hiện"
    table.cell(1, 2).text = "Bắt đầu"
    table.cell(1, 3).text = "Hoàn thành"
    for column, text in enumerate(["1", "Kéo cáp quang", "01/2027", "30/6/2027"]):
        table.cell(2, column).text = text
    assert docx_to_blocks(_save(document)) == [
        Row(
            (
                "STT",
                "Nội dung nhiệm vụ",
                "Thời gian thực hiện Bắt đầu",
                "Thời gian thực hiện Hoàn thành",
            )
        ),
        Row(("1", "Kéo cáp quang", "01/2027", "30/6/2027")),
    ]


_FOOTNOTES = (
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
    '<w:r><w:t xml:space="preserve"> Quyết định số </w:t></w:r><w:r><w:t>4725/QĐ-BGDĐT</w:t></w:r>'
    "</w:p></w:footnote></w:footnotes>"
)


def test_docx_footnotes_come_last_and_references_vanish() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("theo hướng dẫn của Bộ GDĐT")
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    paragraph.add_run()._r.append(reference)
    document.add_paragraph("Đoạn sau.")
    part = Part(
        PackURI("/word/footnotes.xml"),
        CONTENT_TYPE.WML_FOOTNOTES,
        _FOOTNOTES.encode(),
        document.part.package,
    )
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    assert docx_to_blocks(_save(document)) == [
        Paragraph("theo hướng dẫn của Bộ GDĐT"),
        Paragraph("Đoạn sau."),
        Paragraph("Quyết định số 4725/QĐ-BGDĐT", footnote=True),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        "KẾ HOẠCH".encode(),
        b"",
    ],
    ids=["broken-zip", "text", "empty"],
)
def test_corrupt_docx_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=r"^Tệp \.docx bị hỏng hoặc không đọc được"):
        read_blocks(path)


def test_truncated_docx_is_refused() -> None:
    data = _save(docx.Document())
    with pytest.raises(DocumentError, match="bị hỏng"):
        docx_to_blocks(data[: len(data) // 2])
