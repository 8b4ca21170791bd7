"""The Vietnamese date grammar: one-off dates, periods, milestones and recurring schedules."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.dates import (
    DateContext,
    find_deadlines,
    find_recurrences,
    occurrences,
    parse_due,
    parse_schedule,
)

CTX = DateContext(year=2025, school_year=2025)


@pytest.mark.parametrize(
    ("text", "on", "precision", "before"),
    [
        ("Trước ngày 10/10/2025", date(2025, 10, 10), "day", True),
        ("Chậm nhất 15/10/2024", date(2024, 10, 15), "day", True),
        ("trước ngày 20/01/2025", date(2025, 1, 20), "day", True),
        ("25/12/2024", date(2024, 12, 25), "day", False),
        ("ngày 5 tháng 3 năm 2024", date(2024, 3, 5), "day", False),
        ("Tháng 12/2025", date(2025, 12, 31), "month", False),
        ("Tháng 2/2024", date(2024, 2, 29), "month", False),
        ("Trong tháng 9/2024", date(2024, 9, 30), "month", False),
        ("Chậm nhất trong tháng 9/2023", date(2023, 9, 30), "month", True),
        ("Quý III/2024", date(2024, 9, 30), "quarter", False),
        ("quý 1 năm 2026", date(2026, 3, 31), "quarter", False),
        ("Năm học 2025 – 2026", date(2026, 5, 31), "school_year", False),
        ("Học kỳ I", date(2026, 1, 31), "semester", False),
        ("học kỳ 2 năm học 2024-2025", date(2025, 5, 31), "semester", False),
        ("Năm 2026", date(2026, 12, 31), "year", False),
        ("Thường xuyên", None, "none", False),
        ("Theo kế hoạch chung của Bộ GDĐT", None, "none", False),
        ("Năm 2025 và các năm tiếp theo", None, "none", False),
    ],
)
def test_time_cells_normalise_to_the_periods_last_day(
    text: str, on: date | None, precision: str, before: bool
) -> None:
    due = parse_due(text, CTX)
    assert (due.on, due.precision, due.before, due.text) == (on, precision, before, text)


def test_document_references_are_not_deadlines() -> None:
    text = "đảm bảo năm học 2023 – 2024 theo Kế hoạch số 4205/KH-UBND ngày 12/5/2022 của UBND tỉnh"
    assert parse_due(text, CTX).on == date(2024, 5, 31)
    assert (
        find_deadlines("Thực hiện Kế hoạch số 19/KH-UBND ngày 08/08/2025 của UBND tỉnh", CTX) == []
    )


def test_deadlines_inside_sentences_keep_their_wording() -> None:
    found = find_deadlines("Rà soát số liệu gửi về Sở GDĐT trước ngày 20/10/2024.", CTX)
    assert [(d.on, d.text, d.before) for d in found] == [
        (date(2024, 10, 20), "trước ngày 20/10/2024", True)
    ]
    within = find_deadlines("Xây dựng kế hoạch trong tháng 9/2024", CTX)
    assert [(d.on, d.precision) for d in within] == [(date(2024, 9, 30), "month")]


def test_a_schedule_of_steps_is_due_when_it_says_it_completes() -> None:
    cell = (
        "- Quý II/2024: có văn bản hướng dẫn các trường\n- Tháng 9/2024: Upload các bài giảng\n"
        "- Quý II/2025: Hoàn thành"
    )
    due, steps = parse_schedule(cell, CTX)
    assert due.on == date(2025, 6, 30)
    assert [(s.due.on, s.text) for s in steps] == [
        (date(2024, 6, 30), "có văn bản hướng dẫn các trường"),
        (date(2024, 9, 30), "Upload các bài giảng"),
        (date(2025, 6, 30), "Hoàn thành"),
    ]


def test_a_schedule_without_completion_is_due_at_its_last_step() -> None:
    due, steps = parse_schedule("- Quý III/2024: chạy thử.  - Năm học 2025 – 2026: tuyển sinh", CTX)
    assert len(steps) == 2
    assert due.on == date(2026, 5, 31)


def _rules(text: str) -> list[tuple[object, ...]]:
    return [(r["freq"], r["rrule"], r["text"]) for r in find_recurrences(text)]


def test_monthly_quarterly_and_yearly_reports_in_one_sentence() -> None:
    text = (
        "Định kỳ hằng tháng (trước ngày 20), hằng quý (trước ngày 20 tháng cuối quý), "
        "và năm (trước ngày 10/12) báo cáo kết quả"
    )
    assert _rules(text) == [
        ("monthly", "FREQ=MONTHLY;BYMONTHDAY=20", "hằng tháng (trước ngày 20)"),
        (
            "quarterly",
            "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20",
            "hằng quý (trước ngày 20 tháng cuối quý)",
        ),
        ("yearly", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10", "năm (trước ngày 10/12)"),
    ]


@pytest.mark.parametrize(
    ("text", "freq", "rrule"),
    [
        (
            "hằng quý (*trước ngày 10 tháng cuối quý*)",
            "quarterly",
            "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=10",
        ),
        ("báo cáo trước ngày 25 hằng tháng", "monthly", "FREQ=MONTHLY;BYMONTHDAY=25"),
        (
            "Định kỳ hằng năm (tháng 11), gửi báo cáo",
            "yearly",
            "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=-1",
        ),
        ("cập nhật kết quả trước 15/6 hằng năm", "yearly", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15"),
        ("vào ngày 10 tháng 10 hàng năm", "yearly", "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=10"),
        (
            "rà quét tối thiểu 01 lần/6 tháng",
            "semiannual",
            "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
        ),
        ("6 tháng một lần báo cáo", "semiannual", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"),
        ("gửi báo cáo vào thứ Sáu hằng tuần", "weekly", "FREQ=WEEKLY;BYDAY=FR"),
        ("hằng tuần, thứ 2 tổng hợp", "weekly", "FREQ=WEEKLY;BYDAY=MO"),
        ("hàng quý báo cáo", "quarterly", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"),
        (
            "báo cáo định kỳ 6 tháng (trước ngày 15/6 và 15/12)",
            "semiannual",
            "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15",
        ),
        (
            "định kỳ 6 tháng (trước ngày 10/6/2027) và năm",
            "semiannual",
            "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=10",
        ),
        (
            "Phòng tổng hợp trước ngày 05 của tháng đầu quý sau",
            "quarterly",
            "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=5",
        ),
    ],
)
def test_recurrence_grammar(text: str, freq: str, rrule: str) -> None:
    [rule] = find_recurrences(text)
    assert (rule["freq"], rule["rrule"]) == (freq, rrule)


def test_no_recurrence_without_a_schedule() -> None:
    assert find_recurrences("Tổ chức hội nghị, tập huấn định kỳ hằng năm phổ biến kiến trúc") == []
    assert find_recurrences("Gửi báo cáo trước ngày 20/10/2024") == []


def test_occurrences_expand_inside_the_window() -> None:
    [quarterly] = find_recurrences("hằng quý (trước ngày 10 tháng cuối quý)")
    assert occurrences(quarterly, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 3, 10),
        date(2026, 6, 10),
        date(2026, 9, 10),
        date(2026, 12, 10),
    ]
    [november] = find_recurrences("hằng năm (tháng 11)")
    assert occurrences(november, date(2024, 1, 1), date(2025, 12, 31)) == [
        date(2024, 11, 30),
        date(2025, 11, 30),
    ]
    [weekly] = find_recurrences("thứ Sáu hằng tuần")
    assert occurrences(weekly, date(2026, 11, 23), date(2026, 11, 30)) == [date(2026, 11, 27)]
