"""The /tonghop chart and workbook, made from hand-built statuses: Vietnamese text renders,
empty periods still give a picture, and the workbook holds the right cells."""

from __future__ import annotations

import io
import statistics
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from matplotlib.image import imread
from openpyxl import load_workbook

from handlers.charts import MAX_BARS, progress_chart
from handlers.periods import Period
from handlers.status import Change, ReportedValue, Status, TargetStatus, target_label
from handlers.workbook import FIRST_UNIT_ROW, HEADER_ROW, status_workbook

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QUARTER = Period.parse("2025-Q4")
SCOPE = "UBND phường Hoa Lư"
MAM_NON, TIEU_HOC, THCS, DONG_THANH = (
    "Trường Mầm non Hoa Lư",
    "Trường Tiểu học Hoa Lư",
    "Trường THCS Hoa Lư",
    "Trường Tiểu học Đông Thành",
)
UNITS = [MAM_NON, TIEU_HOC, THCS, DONG_THANH]
MORNING = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội


def target(
    item_id: int,
    text: str,
    goal: float | None,
    unit: str | None,
    expected: list[str],
    reported: list[tuple[str, str, float]],
) -> TargetStatus:
    values = [
        ReportedValue(name, shown, number, "Cô Hằng", MORNING + timedelta(hours=hour))
        for hour, (name, shown, number) in enumerate(reported)
    ]
    numbers = [v.number for v in values if v.number is not None]
    floor = goal if goal is not None else 100.0
    return TargetStatus(
        item_id=item_id,
        text=text,
        plan="Kế hoạch chuyển đổi số 2025",
        section="II",
        target_value=goal,
        target_unit=unit,
        expected=expected,
        reported=values,
        missing=[name for name in expected if name not in {v.unit for v in values}],
        minimum=min(numbers) if numbers else None,
        median=statistics.median(numbers) if numbers else None,
        maximum=max(numbers) if numbers else None,
        below=[v.unit for v in values if v.number is not None and v.number < floor],
    )


SIGNATURES = target(
    1,
    "b) Cung cấp chữ ký số cá nhân cho 100% cán bộ, giáo viên phục vụ chuyển đổi số",
    100.0,
    "%",
    UNITS,
    [(MAM_NON, "45%", 45.0), (TIEU_HOC, "18/40", 45.0), (THCS, "100%", 100.0)],
)
MODULES = target(
    2,
    "- Sử dụng đủ 4/4 phân hệ phần mềm quản lý trường học",
    4.0,
    "/4",
    [TIEU_HOC, THCS, DONG_THANH],
    [(TIEU_HOC, "3/4", 3.0), (DONG_THANH, "4/4", 4.0)],
)
PLAN = target(
    3,
    "Xây dựng kế hoạch ứng dụng công nghệ thông tin năm học 2025–2026",
    None,
    None,
    UNITS,
    [(MAM_NON, "xong", 100.0), (THCS, "chưa", 0.0)],
)
HISTORY = [
    Change(MAM_NON, SIGNATURES.text, None, "40%", "Cô Hằng", MORNING),
    Change(MAM_NON, SIGNATURES.text, "40%", "45%", "Thầy Nam", MORNING + timedelta(days=1)),
]


def status(targets: list[TargetStatus], history: list[Change] | None = None) -> Status:
    reporting = {v.unit for t in targets for v in t.reported}
    return Status(
        period=QUARTER,
        scope=SCOPE,
        targets=targets,
        expected_units=UNITS,
        missing_units=[name for name in UNITS if name not in reporting],
        history=history or [],
    )


FULL = status([SIGNATURES, MODULES, PLAN], HISTORY)


def render(value: Status) -> bytes:
    """The chart, failing when matplotlib warns that the font lacks a glyph."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = progress_chart(value)
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    return png


def pixels(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    height, width, _ = imread(io.BytesIO(png), format="png").shape
    return width, height


def test_chart_is_a_phone_sized_png_without_missing_glyphs() -> None:
    width, height = pixels(render(FULL))
    assert width == 1000 and 300 < height < 1000


def test_chart_renders_every_vietnamese_letter() -> None:
    lower = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
    letters = status([SIGNATURES])
    render(Status(QUARTER, f"{lower} {lower.upper()}", letters.targets, UNITS, []))


def test_charts_can_be_drawn_from_several_threads() -> None:
    with ThreadPoolExecutor(4) as pool:
        pictures = list(pool.map(progress_chart, [FULL] * 8))
    assert set(pictures) == {progress_chart(FULL)}


def test_glyph_check_would_catch_a_letter_the_font_lacks() -> None:
    odd = target(9, "Chỉ tiêu 漢字", 100.0, "%", UNITS, [(MAM_NON, "50%", 50.0)])
    with pytest.raises(AssertionError, match="Glyph"):
        render(status([odd]))


@pytest.mark.parametrize(
    "targets",
    [
        pytest.param([], id="no targets"),
        pytest.param(
            [
                target(1, SIGNATURES.text, 100.0, "%", UNITS, []),
                target(3, PLAN.text, None, None, UNITS, []),
            ],
            id="nothing reported",
        ),
    ],
)
def test_empty_periods_still_give_a_chart(targets: list[TargetStatus]) -> None:
    width, height = pixels(render(status(targets)))
    assert width == 1000 and height > 200


def test_chart_height_grows_then_stops_at_the_cap() -> None:
    def many(count: int) -> Status:
        return status(
            [
                target(i, f"Chỉ tiêu số {i}", 100.0, "%", UNITS, [(THCS, "50%", 50.0)])
                for i in range(count)
            ]
        )

    small, large, capped = (pixels(render(many(n)))[1] for n in (3, MAX_BARS, MAX_BARS + 10))
    assert small < large
    assert capped - large < 100  # only the "… và 10 chỉ tiêu khác" line is added


def test_target_labels_drop_list_markers_and_footnotes_and_cut_at_a_word() -> None:
    assert target_label("b) Rà soát<sup>5</sup> chữ ký số", 45) == "Rà soát chữ ký số"
    assert target_label("- Đảm bảo 100% giáo viên có chữ ký số", 20) == "Đảm bảo 100% giáo…"
    assert target_label("x" * 80, 45) == "x" * 44 + "…"


def open_book(value: Status) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(status_workbook(value)))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_workbook_has_the_three_sheets_with_titles_and_headers() -> None:
    sheets = open_book(FULL)
    assert list(sheets) == ["Tổng hợp", "Báo cáo chi tiết", "Lịch sử sửa"]
    summary = sheets["Tổng hợp"]
    assert summary[0][0] == f"Tổng hợp tiến độ quý IV/2025 – {SCOPE}"
    assert summary[HEADER_ROW - 1] == [
        "Đơn vị",
        "Cung cấp chữ ký số cá nhân cho 100%… (≥100%)",
        "Sử dụng đủ 4/4 phân hệ phần mềm quản… (4/4)",
        "Xây dựng kế hoạch ứng dụng công nghệ… (hoàn thành)",
    ]
    assert summary[HEADER_ROW][1] == SIGNATURES.text  # the full wording under the header
    assert "Nội dung" in str(summary[HEADER_ROW][0])
    assert sheets["Báo cáo chi tiết"][HEADER_ROW - 1] == [
        "Đơn vị",
        "Chỉ tiêu",
        "Giá trị",
        "Người báo cáo",
        "Thời gian",
    ]


def test_summary_cells_show_values_blanks_and_not_applicable() -> None:
    summary = open_book(FULL)["Tổng hợp"]
    rows = {
        row[0]: row[1:] for row in summary[FIRST_UNIT_ROW - 1 : FIRST_UNIT_ROW - 1 + len(UNITS)]
    }
    assert list(rows) == UNITS
    assert rows[MAM_NON] == ["45%", "—", "xong"]  # MODULES does not apply to kindergartens
    assert rows[TIEU_HOC] == ["18/40", "3/4", None]  # PLAN not reported yet
    assert rows[THCS] == ["100%", None, "chưa"]
    assert rows[DONG_THANH] == [None, "4/4", None]


def test_summary_statistics_are_numbers() -> None:
    summary = open_book(FULL)["Tổng hợp"]
    stats = {row[0]: row[1:] for row in summary[FIRST_UNIT_ROW + len(UNITS) :] if row[0]}
    assert stats == {
        "Đã báo cáo": [3, 2, 2],
        "Thiếu": [1, 1, 2],
        "Thấp nhất": [45, 3, 0],
        "Trung vị": [45, 3.5, 50],
        "Cao nhất": [100, 4, 100],
    }
    assert all(isinstance(v, int | float) for row in stats.values() for v in row)


def test_stats_keep_their_unit_in_the_number_format() -> None:
    book = load_workbook(io.BytesIO(status_workbook(FULL)))
    median = book["Tổng hợp"].cell(FIRST_UNIT_ROW + len(UNITS) + 4, 2)
    assert median.value == 45 and median.number_format == 'General"%"'
    assert book["Tổng hợp"].cell(FIRST_UNIT_ROW + len(UNITS) + 4, 3).number_format == 'General"/4"'


def test_report_rows_use_local_time() -> None:
    reports = open_book(FULL)["Báo cáo chi tiết"][HEADER_ROW:]
    assert len(reports) == sum(len(t.reported) for t in FULL.targets) == 7
    first = reports[0]
    assert first[:4] == [MAM_NON, target_label(SIGNATURES.text, 90), "45%", "Cô Hằng"]
    assert first[4] == datetime(2025, 11, 3, 9, 0)  # 02:00 UTC, naive local time
    book = load_workbook(io.BytesIO(status_workbook(FULL)))
    assert book["Báo cáo chi tiết"].cell(HEADER_ROW + 1, 5).number_format == "dd/mm/yyyy hh:mm"


def test_history_rows() -> None:
    history = open_book(FULL)["Lịch sử sửa"]
    assert history[HEADER_ROW - 1] == [
        "Đơn vị",
        "Chỉ tiêu",
        "Giá trị cũ",
        "Giá trị mới",
        "Người sửa",
        "Thời gian",
    ]
    wording = target_label(SIGNATURES.text, 90)
    assert history[HEADER_ROW:] == [
        [MAM_NON, wording, None, "40%", "Cô Hằng", datetime(2025, 11, 3, 9, 0)],
        [MAM_NON, wording, "40%", "45%", "Thầy Nam", datetime(2025, 11, 4, 9, 0)],
    ]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    sly = Change(MAM_NON, '=HYPERLINK("http://x")', None, "1%", "=1+1\x07", MORNING)
    book = load_workbook(io.BytesIO(status_workbook(status([SIGNATURES], [sly]))))
    row = [cell for cell in book["Lịch sử sửa"][HEADER_ROW + 1]]
    assert row[1].value == '=HYPERLINK("http://x")' and row[1].data_type == "s"
    assert row[4].value == "=1+1" and row[4].data_type == "s"


def test_workbook_without_targets_or_reports() -> None:
    sheets = open_book(status([]))
    assert [len(sheets[name]) for name in ("Báo cáo chi tiết", "Lịch sử sửa")] == [2, 2]
    assert [row[0] for row in sheets["Tổng hợp"][FIRST_UNIT_ROW - 1 :] if row[0]][
        : len(UNITS)
    ] == UNITS
