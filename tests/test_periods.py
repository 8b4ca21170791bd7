"""Periods named in questions, relative ones across the turn of the year."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.periods import asked_frequencies, named_period, relative_period


@pytest.mark.parametrize(
    ("question", "today", "span"),
    [
        ("thang nay", date(2025, 12, 20), (date(2025, 12, 1), date(2025, 12, 31))),
        ("thang toi", date(2025, 12, 20), (date(2026, 1, 1), date(2026, 1, 31))),
        ("quy sau", date(2025, 11, 2), (date(2026, 1, 1), date(2026, 3, 31))),
        ("quy nay", date(2026, 2, 28), (date(2026, 1, 1), date(2026, 3, 31))),
        ("nam toi", date(2025, 6, 1), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_this_and_the_next_period(question: str, today: date, span: tuple[date, date]) -> None:
    period = relative_period(question, today)
    assert period is not None and (period.start, period.end) == span


def test_only_this_period_when_the_next_one_is_not_wanted() -> None:
    assert relative_period("bao cao quy toi", date(2026, 8, 15), next_too=False) is None
    assert relative_period("quy nay", date(2026, 8, 15), next_too=False) is not None


def test_a_named_quarter_and_its_frequency() -> None:
    period = named_period("bao cao quy iv/2025", date(2025, 1, 1))
    assert period is not None
    assert (period.label, period.end, period.freq) == (
        "quý IV/2025",
        date(2025, 12, 31),
        "quarterly",
    )
    assert named_period("nam hoc 2025", date(2025, 1, 1)) is None


def test_report_frequencies_asked() -> None:
    assert asked_frequencies("bao cao hang tuan nop thu may") == {"weekly"}
    assert asked_frequencies("bao cao nam hoc 2024-2025") == set()


def test_the_first_half_of_a_year_is_a_semiannual_period() -> None:
    period = named_period("bao cao 6 thang dau nam 2026", date(2025, 1, 1))
    assert period is not None
    assert (period.start, period.end, period.freq) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
        "semiannual",
    )


def test_the_report_of_a_named_year_is_not_the_annual_report() -> None:
    assert asked_frequencies("bao cao nam truoc ngay nao") == {"yearly"}
    assert asked_frequencies("bao cao nam 2026 han chot") == set()
