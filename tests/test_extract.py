"""Extraction pins real facts of the five sample plans and of a plan never seen before."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from knowledge.contacts import contact_details, gives_phone, whom_to_contact
from knowledge.document import read_blocks, text_to_blocks
from knowledge.extract import extract_plan
from knowledge.facts import Item, PlanFacts
from knowledge.text import fold

SAMPLES = Path(__file__).resolve().parent.parent / "knowledge" / "sample_plans"
UNSEEN = Path(__file__).resolve().parent / "data" / "da-lat-2025-2026.md"


@cache
def plan(name: str) -> PlanFacts:
    path = UNSEEN if name == "unseen" else SAMPLES / f"{name}.txt"
    return extract_plan(read_blocks(path))


def unseen_with(closing: str) -> PlanFacts:
    """The unseen plan with `closing` added before its 'Nơi nhận:' list."""
    text = UNSEEN.read_text(encoding="utf-8").replace("Nơi nhận:", f"{closing}\n\nNơi nhận:")
    return extract_plan(text_to_blocks(text))


def items(facts: PlanFacts, kind: str, section_prefix: str = "") -> list[Item]:
    return [i for i in facts.items if i.kind == kind and i.section.startswith(section_prefix)]


def item_with(facts: PlanFacts, kind: str, words: str) -> Item:
    found = [i for i in facts.items if i.kind == kind and words in i.text]
    assert found, f"no {kind} containing {words!r}"
    return found[0]


def rules(facts: PlanFacts) -> list[tuple[object, ...]]:
    return [
        (i.recurrence["freq"], i.recurrence.get("day"), i.recurrence.get("month"))
        for i in facts.items
        if i.recurrence
    ]


@pytest.mark.parametrize(
    ("name", "number", "issuer", "locality", "issued_on", "title_words"),
    [
        (
            "ninh-binh-2025",
            "27/KH-SGDĐT",
            "Sở GDĐT Ninh Bình",
            "Ninh Bình",
            "2025-09-19",
            "năm 2025",
        ),
        (
            "hai-phong-2024-2025",
            "1115/KH-SGDĐT",
            "Sở GDĐT Hải Phòng",
            "Hải Phòng",
            "2024-09-09",
            "năm học 2024-2025",
        ),
        (
            "nha-trang-2024",
            "1669/KH-UBND",
            "UBND thành phố Nha Trang",
            "Nha Trang",
            "2024-03-05",
            "thành phố Nha Trang",
        ),
        ("tam-chuc-2026", None, "UBND phường Tam Chúc", "Tam Chúc", "2026-06", "phường Tam Chúc"),
        ("tuyen-hoa-2024", None, "Phòng GDĐT Tuyên Hoá", "Tuyên Hoá", "2024", "Tuyên Hoá năm 2024"),
        (
            "unseen",
            "45/KH-PGD&ĐT",
            "Phòng GDĐT Đà Lạt",
            "Đà Lạt",
            "2025-10-03",
            "năm học 2025 – 2026",
        ),
    ],
)
def test_metadata_comes_from_the_heading_block(
    name: str, number: str | None, issuer: str, locality: str, issued_on: str, title_words: str
) -> None:
    facts = plan(name)
    assert (facts.number, facts.issuer, facts.locality, facts.issued_on) == (
        number,
        issuer,
        locality,
        issued_on,
    )
    assert title_words in facts.title
    assert not facts.title.startswith(("Căn cứ", "Thực hiện Kế hoạch"))


def test_a_heading_block_laid_out_in_two_columns() -> None:
    """Text saved from a two-column heading keeps both columns on one line."""
    body = UNSEEN.read_text(encoding="utf-8").split("KẾ HOẠCH", 1)[1]
    heading = (
        "ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "  XÃ NGHI LỘC                         Độc lập - Tự do - Hạnh phúc\n\n"
        "Số: 318/KH-UBND                     Nghi Lộc, ngày 24 tháng 9 năm 2025\n\nKẾ HOẠCH"
    )
    text = heading + body + "\nỦy ban nhân dân xã Nghi Lộc ban hành Kế hoạch."
    facts = extract_plan(text_to_blocks(text))
    assert (facts.number, facts.issuer, facts.locality, facts.issued_on) == (
        "318/KH-UBND",
        "UBND xã Nghi Lộc",
        "Nghi Lộc",
        "2025-09-24",
    )


def school_plan(body_extra: str = "") -> str:
    """The unseen plan issued by a school: a number whose code names no office."""
    body = UNSEEN.read_text(encoding="utf-8").split("KẾ HOẠCH", 1)[1]
    heading = (
        "UBND XÃ TÂN PHÚ\nTRƯỜNG THCS QUANG TRUNG\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n\nSố: 87/KH-THCSQT\n\nTân Phú, ngày 18 tháng 9 năm 2026\n\n"
        "KẾ HOẠCH"
    )
    return heading + body + body_extra


def test_a_school_is_the_issuer_its_heading_names() -> None:
    facts = extract_plan(text_to_blocks(school_plan()))
    assert (facts.number, facts.issuer, facts.locality) == (
        "87/KH-THCSQT",
        "Trường THCS Quang Trung",
        "Tân Phú",
    )
    under_the_department = school_plan().replace("UBND XÃ TÂN PHÚ", "SỞ GD&ĐT ĐỒNG NAI")
    ruled = under_the_department.replace("KẾ HOẠCH\n", "KẾ HOẠCH\n__________\n", 1)
    facts = extract_plan(text_to_blocks(ruled))
    assert facts.issuer == "Trường THCS Quang Trung" and "_" not in facts.title


def test_a_task_with_its_lead_deadline_and_cost_on_lines_under_it() -> None:
    """'PHẦN C.' opens a part; the labelled lines under a task belong to that task."""
    facts = unseen_with(
        "PHẦN C. NHIỆM VỤ BỔ SUNG\n\n1.1.1. Xây dựng quy chế khai thác CSDL ngành.\n"
        "- Chủ trì: Phòng Kế hoạch - Tài chính.\n- Phối hợp: Văn phòng Sở.\n"
        "- Thời hạn: trong tháng 3/2027.\n- Kinh phí: 120 triệu đồng."
    )
    task = item_with(facts, "deadline", "Xây dựng quy chế khai thác")
    assert task.section == "C.1.1.1"
    assert (task.lead, task.partners) == ("Phòng Kế hoạch - Tài chính", ["Văn phòng Sở"])
    assert task.due is not None and task.due.on == date(2027, 3, 31)
    assert task.budget_million_vnd == 120


def test_a_sentence_saying_where_reports_go_gives_the_route() -> None:
    sentence = (
        "Báo cáo được thực hiện trên Hệ thống báo cáo trực tuyến, gửi về Sở GDĐT (qua Phòng"
        " Khảo thí); không gửi bản giấy."
    )
    facts = unseen_with(f"### V. CHẾ ĐỘ BÁO CÁO\n\n{sentence}")
    route = item_with(facts, "task", "Hệ thống báo cáo trực tuyến")
    assert route.report_to == "Sở GDĐT (qua Phòng Khảo thí)"


def test_reports_under_a_heading_for_the_schools_are_the_schools() -> None:
    facts = unseen_with(
        "### V. CHẾ ĐỘ BÁO CÁO\n\n1. Đối với các trường\n\n"
        "- Báo cáo quý: định kỳ hằng quý, trước ngày 12 của tháng cuối quý."
    )
    quarterly = item_with(facts, "report", "trước ngày 12 của tháng cuối quý")
    assert (quarterly.lead, quarterly.reporter) == ("Các trường", "Các trường")


def test_a_schedule_table_without_numbers_reads_its_rows_with_their_labels() -> None:
    facts = unseen_with(
        "### V. CHẾ ĐỘ BÁO CÁO\n\n| Loại báo cáo | Thời hạn gửi | Nơi nhận |\n|---|---|---|\n"
        "| Báo cáo quý | trước ngày 18 của tháng cuối quý | UBND phường (qua Phòng Văn hóa) |"
    )
    quarterly = item_with(facts, "report", "Báo cáo quý")
    assert quarterly.text.startswith("Báo cáo quý; Thời hạn gửi: trước ngày 18")
    assert quarterly.report_to == "UBND phường (qua Phòng Văn hóa)"
    assert quarterly.recurrence is not None and quarterly.recurrence["freq"] == "quarterly"


def test_each_line_of_the_budget_section_gives_its_amount() -> None:
    facts = unseen_with(
        "### IV. KINH PHÍ\n\nTổng kinh phí: 2.518 triệu đồng, gồm:\n\n"
        "- Ngân sách phường: 2.220 triệu đồng;"
    )
    assert item_with(facts, "task", "Ngân sách phường").budget_million_vnd == 2220


def test_targets_by_school_level_are_one_target_per_level() -> None:
    facts = unseen_with(
        "| Chỉ tiêu | Mầm non | Tiểu học | THCS |\n|---|---|---|---|\n"
        "| Tỷ lệ HS có học bạ số | — | 100% | 100% |\n"
        "| Tỷ lệ GV ứng dụng AI | ≥ 20% | ≥ 40% | 55% |"
    )
    record = [i for i in facts.items if i.kind == "target" and "học bạ số" in i.text]
    assert [(i.text, i.applies_to) for i in record] == [
        ("Tỷ lệ HS có học bạ số — Tiểu học: 100%", ["tieu_hoc"]),
        ("Tỷ lệ HS có học bạ số — THCS: 100%", ["thcs"]),
    ]
    ai = item_with(facts, "target", "Tỷ lệ GV ứng dụng AI — THCS")
    assert [m.value for m in ai.measures] == [55]


def test_a_target_set_year_by_year_is_one_target_per_year() -> None:
    facts = unseen_with(
        "STT\tChỉ tiêu\tNăm 2026\tNăm 2027\tNăm 2030\n1\tTỷ lệ GV có chữ ký số\t83%\t91%\t100%"
    )
    yearly = [i for i in facts.items if "Tỷ lệ GV có chữ ký số" in i.text]
    assert [(i.text, i.due and i.due.on) for i in yearly] == [
        ("Tỷ lệ GV có chữ ký số — Năm 2026: 83%", date(2026, 12, 31)),
        ("Tỷ lệ GV có chữ ký số — Năm 2027: 91%", date(2027, 12, 31)),
        ("Tỷ lệ GV có chữ ký số — Năm 2030: 100%", date(2030, 12, 31)),
    ]


def test_a_task_table_with_a_start_and_an_end_is_due_at_the_end() -> None:
    facts = unseen_with(
        "| STT | Nội dung nhiệm vụ | Thời gian Bắt đầu | Thời gian Hoàn thành |\n"
        "|---|---|---|---|\n| 1 | Kéo cáp quang cho 64 điểm trường lẻ | 01/2027 | 30/6/2027 |"
    )
    task = item_with(facts, "task", "Kéo cáp quang")
    assert task.due is not None and task.due.on == date(2027, 6, 30)


def test_a_tasks_cost_in_its_note_cell() -> None:
    facts = unseen_with(
        "| TT | Nội dung công việc | Thời gian | Ghi chú |\n|---|---|---|---|\n"
        "| 1 | Mua sắm 72 bộ máy tính | Quý I/2027 | Kinh phí: 1.080 triệu đồng |"
    )
    assert item_with(facts, "task", "Mua sắm 72 bộ").budget_million_vnd == 1080


def test_a_task_after_another_tasks_details_starts_afresh() -> None:
    """The last detail line of a task ends it even without a full stop."""
    facts = unseen_with(
        "### V. NHIỆM VỤ BỔ SUNG\n\nNhiệm vụ 1: Kiện toàn Ban Chỉ đạo.\n"
        "- Đơn vị chủ trì: Văn phòng Sở\n- Thời gian hoàn thành: chậm nhất ngày 05/10/2026\n\n"
        "Nhiệm vụ 2: Ban hành Bộ tiêu chí chấm điểm.\n"
        "- Đơn vị chủ trì: Phòng Quản lý chất lượng\n- Thời gian hoàn thành: trong tháng 10/2026"
    )
    second = item_with(facts, "deadline", "Nhiệm vụ 2")
    assert "Nhiệm vụ 1" not in second.text
    assert second.lead == "Phòng Quản lý chất lượng"
    assert second.due is not None and second.due.on == date(2026, 10, 31)


def test_a_targets_table_with_last_years_result_beside_the_target() -> None:
    facts = unseen_with(
        "| STT | Chỉ tiêu | Đơn vị tính | Thực hiện năm 2026 | Kế hoạch năm 2027 |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Tỷ lệ phòng học có Wi-Fi | % | 74 | 88 |\n"
        "| 2 | Số trường đạt mức 3 | trường | 146 | 230 |"
    )
    wifi = item_with(facts, "target", "Tỷ lệ phòng học có Wi-Fi")
    assert [m.value for m in wifi.measures] == [88]
    assert wifi.text == "Tỷ lệ phòng học có Wi-Fi: 88% (Thực hiện năm 2026: 74%)"
    level = item_with(facts, "target", "Số trường đạt mức 3")
    assert level.text == "Số trường đạt mức 3: 230 trường (Thực hiện năm 2026: 146 trường)"


def test_a_total_stated_in_a_numbered_line_is_the_plans_budget() -> None:
    facts = unseen_with(
        "### IV. KINH PHÍ THỰC HIỆN\n\n1. Tổng kinh phí dự kiến là 1,88 tỷ đồng, gồm:\n\n"
        "a) Ngân sách xã: 1.321.000.000 đồng;\n\nb) Nguồn xã hội hóa: 559 triệu đồng.\n\n"
    )
    assert facts.budget_million_vnd == 1880


def test_a_pipe_table_without_outer_bars_and_a_cell_with_its_own_unit() -> None:
    facts = unseen_with(
        "### V. BẢNG PHÂN CÔNG NHIỆM VỤ\n\nĐơn vị tính kinh phí: triệu đồng\n\n"
        "TT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian hoàn thành | Kinh phí\n"
        "1 | Rà soát an toàn thông tin cho các trường | Văn phòng HĐND và UBND xã"
        " | Các trường | Trong tháng 01/2026 | 45\n"
        "2 | Xây dựng kho học liệu số của xã | Phòng Văn hóa - Xã hội | Các trường"
        " | Quý III/2026 | 1,85 tỷ đồng",
    )
    rows = [i for i in facts.items if i.section.startswith("V, TT")]
    assert [(r.lead, r.due and r.due.on, r.budget_million_vnd) for r in rows] == [
        ("Văn phòng HĐND và UBND xã", date(2026, 1, 31), 45),
        ("Phòng Văn hóa - Xã hội", date(2026, 9, 30), 1850),
    ]


def test_blank_day_and_month_keep_the_wording() -> None:
    assert plan("tam-chuc-2026").issued_text == "ngày tháng 6 năm 2026"
    assert plan("tuyen-hoa-2024").issued_text == "ngày tháng năm 2024"


@pytest.mark.parametrize(
    ("name", "signer_name", "signer_title"),
    [
        ("hai-phong-2024-2025", "Phạm Quốc Hiệu", "KT. Giám đốc, Phó Giám đốc"),
        ("ninh-binh-2025", "Nguyễn Tiên Dũng", "Giám đốc"),
        ("nha-trang-2024", "Nguyễn Sỹ Khánh", "Chủ tịch"),
        ("tam-chuc-2026", "Lê Thành Giao", "TM. Ủy ban nhân dân, KT. Chủ tịch, Phó Chủ tịch"),
        ("tuyen-hoa-2024", "Hồ Trung Tuyên", "KT. Trưởng phòng, Phó Trưởng phòng"),
        ("unseen", "Trần Văn An", "Trưởng phòng"),
    ],
)
def test_the_signature_block_names_who_signed(
    name: str, signer_name: str, signer_title: str
) -> None:
    facts = plan(name)
    assert (facts.signer_name, facts.signer_title) == (signer_name, signer_title)


def test_a_plan_without_a_signature_block_has_no_signer() -> None:
    text = UNSEEN.read_text(encoding="utf-8").replace("TRƯỞNG PHÒNG\n\nTrần Văn An\n", "")
    facts = extract_plan(text_to_blocks(text))
    assert (facts.signer_name, facts.signer_title) == (None, None)


def test_a_signature_set_beside_the_recipients_in_a_table() -> None:
    text = UNSEEN.read_text(encoding="utf-8").replace(
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTRƯỞNG PHÒNG\n\nTrần Văn An\n",
        "Nơi nhận:\tKT. TRƯỞNG PHÒNG\n- Như trên;\tPHÓ TRƯỞNG PHÒNG\n"
        "- Lưu: VT.\t(Đã ký)\n\tThS. Lê Thị Hoa\n",
    )
    facts = extract_plan(text_to_blocks(text))
    assert (facts.signer_name, facts.signer_title) == (
        "Lê Thị Hoa",
        "KT. Trưởng phòng, Phó Trưởng phòng",
    )


def test_ninh_binh_has_the_eleven_targets_of_its_first_appendix() -> None:
    facts = plan("ninh-binh-2025")
    targets = items(facts, "target", "Phụ lục 1,")
    assert [t.section for t in targets] == [f"Phụ lục 1, TT {n}" for n in range(1, 12)]
    dues = {t.section.rsplit(" ", 1)[1]: (t.due.on if t.due else None) for t in targets}
    assert dues["1"] == date(2025, 10, 10)
    assert dues["3"] == dues["4"] == dues["5"] == date(2025, 12, 31)
    assert dues["10"] == date(2025, 11, 30)
    assert (
        dues["2"] is None and targets[1].due is not None and targets[1].due.text == "Thường xuyên"
    )
    assert targets[8].due is not None and targets[8].due.text == "Theo kế hoạch chung của Bộ GDĐT"
    assert targets[9].lead == "Phòng Tài chính"
    assert targets[4].lead == "Phòng GDTrH, GDNN&GDTX"
    first = targets[0].first_measure
    assert first is not None and (first.value, first.unit) == (100.0, "%")


def test_rows_cut_by_a_page_break_are_glued_back() -> None:
    facts = plan("ninh-binh-2025")
    fourth = item_with(facts, "target", "90% đội ngũ")
    assert "có hiểu biết về chuyển đổi số, kiến thức và kỹ năng số" in fourth.text
    assert [m.value for m in fourth.measures] == [90.0, 80.0]
    hoc_ba = item_with(facts, "target", "triển khai học bạ số")
    assert "UBND các xã phường" in (hoc_ba.reporter or "")
    kho = item_with(facts, "task", "Kho học liệu số dùng chung toàn ngành")
    assert kho.lead == "Phòng Công tác học sinh, sinh viên"
    assert kho.partners == ["Phòng GDMN, GDTH, GDTrH, GDNN&GDTX, QLCL"]


def test_body_targets_repeating_an_appendix_row_are_one_target() -> None:
    facts = plan("ninh-binh-2025")
    lan = [t for t in items(facts, "target") if "mạng nội bộ (LAN)" in t.text]
    assert len(lan) == 1
    assert lan[0].section == "Phụ lục 1, TT 3" and "I.2.2" in lan[0].also_in
    signature = item_with(facts, "target", "chữ ký số")
    assert signature.section == "I.2.5"
    assert signature.first_measure is not None
    assert (signature.first_measure.value, signature.first_measure.qualifier) == (50.0, "trên")


def test_ninh_binh_reports_monthly_quarterly_and_yearly() -> None:
    facts = plan("ninh-binh-2025")
    assert rules(facts) == [("monthly", 20, None), ("quarterly", 20, None), ("yearly", 10, 12)]
    quarterly = items(facts, "report")[1]
    assert quarterly.recurrence is not None and quarterly.recurrence["month_of_quarter"] == 3
    assert quarterly.reporter == "Các cơ sở giáo dục trong tỉnh"
    assert (quarterly.report_to or "").startswith("đơn vị quản lý trực tiếp")
    assert quarterly.section == "V.3"


def test_hai_phong_district_offices_send_it_figures_by_20_october() -> None:
    facts = plan("hai-phong-2024-2025")
    row = next(
        t for t in items(facts, "task", "Phụ lục") if t.text.startswith("Rà soát, tổng hợp số liệu")
    )
    assert row.section == "Phụ lục, TT II.3"
    assert row.lead == "Phòng giáo dục và đào tạo"
    assert row.due is not None and (row.due.on, row.due.text) == (
        date(2024, 10, 20),
        "Chậm nhất 20/10/2024",
    )
    body = [
        d
        for d in items(facts, "deadline", "V.2")
        if d.due is not None and d.due.on == date(2024, 10, 20)
    ]
    assert body and body[0].lead == "Các phòng Giáo dục và Đào tạo quận, huyện"


def test_an_appendix_row_says_where_its_report_goes() -> None:
    rows = [
        (i.section, i.report_to)
        for i in items(plan("hai-phong-2024-2025"), "task", "Phụ lục")
        if "Công bố mức độ CDS của các đơn vị" in i.text
    ]
    assert ("Phụ lục, TT I", "Bộ GDĐT") in rows
    assert ("Phụ lục, TT II.5", "Sở GDĐT") in rows


def test_hai_phong_appendix_groups_rows_under_their_units() -> None:
    facts = plan("hai-phong-2024-2025")
    rows = items(facts, "task", "Phụ lục")
    assert len(rows) == 14
    assert {r.lead for r in rows} == {
        "Sở giáo dục và đào tạo",
        "Phòng giáo dục và đào tạo",
        "Các cơ sở giáo dục",
    }
    first = rows[0]
    assert first.due is not None and first.due.on == date(2023, 9, 30)
    continued = next(r for r in rows if r.section == "Phụ lục, TT III.2")
    assert "CĐS và công tác thống kê giáo dục" in continued.text
    assert plan("hai-phong-2024-2025").school_year == "2024-2025"


def test_nha_trang_appendix_budgets_add_up_to_the_stated_total() -> None:
    facts = plan("nha-trang-2024")
    budgets = [t.budget_million_vnd for t in items(facts, "task", "Phụ lục")]
    assert sum(b for b in budgets if b is not None) == pytest.approx(7048.0)
    assert facts.budget_million_vnd == pytest.approx(7048.0)
    kho = item_with(facts, "task", "Xây dựng kho học liệu")
    assert kho.budget_million_vnd == pytest.approx(1184.0)
    assert kho.lead == "Phòng GDĐT"
    assert kho.due is not None and kho.due.on == date(2025, 6, 30)
    assert [m.due.on for m in kho.milestones] == [
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2025, 6, 30),
    ]


def test_nha_trang_sub_rows_inherit_and_continue_their_parent() -> None:
    facts = plan("nha-trang-2024")
    portal = item_with(facts, "task", "Mở rộng, nâng cấp hệ thống")
    assert portal.due is not None and portal.due.on == date(2025, 3, 31)
    sub = item_with(facts, "task", "Hỗ trợ đa nền tảng")
    assert sub.section == "Phụ lục, TT 5.2"
    assert sub.due == portal.due and sub.budget_million_vnd is None


def test_nha_trang_schedules() -> None:
    facts = plan("nha-trang-2024")
    assert ("yearly", None, 11) in rules(facts)
    assert ("semiannual", None, None) in rules(facts)
    yearly = items(facts, "report")[0]
    assert yearly.report_to == "Phòng GDĐT"
    school_plan = [d for d in items(facts, "deadline") if d.due and d.due.on == date(2024, 3, 15)]
    assert school_plan and school_plan[0].lead == "Các đơn vị trường học"


def test_tam_chuc_targets_and_quarterly_reports() -> None:
    facts = plan("tam-chuc-2026")
    assert rules(facts) == [("quarterly", 10, None), ("yearly", 5, 12)]
    report = items(facts, "report")[0]
    assert report.report_to == "UBND phường (qua phòng Văn hoá - Xã hội)"
    four = item_with(facts, "target", "4/4 trường")
    assert four.first_measure is not None
    assert (four.first_measure.value, four.first_measure.unit) == (4.0, "/4")
    assert four.applies_to == ["tieu_hoc", "thcs"]
    training = item_with(facts, "target", "65% học sinh")
    assert [(m.value, m.qualifier) for m in training.measures] == [
        (100.0, None),
        (65.0, "tối thiểu"),
    ]
    assert len(items(facts, "target", "I.2")) >= 25


def test_tuyen_hoa_targets_survive_a_page_break_mid_sentence() -> None:
    facts = plan("tuyen-hoa-2024")
    online = item_with(facts, "target", "hồ sơ trực tuyến phát sinh")
    assert online.first_measure is not None
    assert (online.first_measure.value, online.first_measure.qualifier) == (70.0, "tối thiểu")
    assert rules(facts) == [("yearly", 15, 6)]
    assert len(items(facts, "target")) >= 15


def test_a_plan_never_seen_before_in_another_layout() -> None:
    facts = plan("unseen")
    targets = items(facts, "target")
    assert [
        (t.first_measure.value, t.first_measure.unit, t.first_measure.qualifier)
        for t in targets
        if t.first_measure
    ] == [
        (85.0, "%", "không dưới"),
        (12.0, "/15", None),
        (60.0, "%", "tối thiểu"),
    ]
    assert [t.applies_to for t in targets] == [["tieu_hoc"], ["thcs"], ["mam_non"]]
    deadline = items(facts, "deadline")[0]
    assert deadline.due is not None and deadline.due.on == date(2025, 11, 30)
    semester = items(facts, "deadline")[1]
    assert semester.due is not None and semester.due.on == date(2026, 5, 31)
    assert rules(facts) == [("monthly", 25, None), ("quarterly", 15, None), ("weekly", None, None)]
    assert items(facts, "report")[0].report_to == "Phòng GDĐT"
    rows = items(facts, "task", "Phụ lục")
    assert [(r.lead, r.budget_million_vnd) for r in rows] == [
        ("Trường THCS Lê Lợi", 150.0),
        ("Phòng GDĐT", 25.5),
        ("Các trường THCS", None),
    ]
    assert rows[0].partners == ["Phòng Tài chính", "Kho bạc"]
    assert rows[2].due is not None and rows[2].due.on == date(2026, 1, 31)


@pytest.mark.parametrize(
    "name",
    ["ninh-binh-2025", "hai-phong-2024-2025", "nha-trang-2024", "tam-chuc-2026", "tuyen-hoa-2024"],
)
def test_every_item_is_citable(name: str) -> None:
    facts = plan(name)
    paths = {s.path for s in facts.sections}
    for item in facts.items:
        assert item.section.split(",")[0] in paths, item.section
        assert item.text.strip()


def test_extraction_reads_the_text_not_the_file_name(tmp_path: Path) -> None:
    text = (SAMPLES / "tam-chuc-2026.txt").read_text(encoding="utf-8")
    renamed = tmp_path / "khong-ten.txt"
    renamed.write_text(text.replace("Tam Chúc", "Hòa Bình"), encoding="utf-8")
    facts = extract_plan(read_blocks(renamed))
    assert facts.locality == "Hòa Bình" and facts.issuer == "UBND phường Hòa Bình"
    assert facts.identity != plan("tam-chuc-2026").identity
    assert extract_plan(text_to_blocks(text)).identity == plan("tam-chuc-2026").identity


@pytest.mark.parametrize(
    ("text", "details"),
    [
        (
            "điện thoại 02253.842.445, email: [vanphongsgd@haiphong.edu.vn]"
            "(mailto:vanphongsgd@haiphong.edu.vn) để được hướng dẫn kịp thời./.",
            ["02253.842.445", "vanphongsgd@haiphong.edu.vn"],
        ),
        ("Liên hệ đ/c Hoa (0912 345 678) hoặc 0912345678.", ["0912 345 678"]),
        ("ĐT: (0233) 3.852.123; Fax: 0233.3852124", ["(0233) 3.852.123", "0233.3852124"]),
        ("gọi +84 912 345 678 hoặc 024 3869 4795", ["+84 912 345 678", "024 3869 4795"]),
        ("Email: Phong.GDDT@quangbinh.edu.vn.", ["Phong.GDDT@quangbinh.edu.vn"]),
        ("Tổng đài hỗ trợ 1900 4740, ĐT:0912-345-678.", ["1900 4740", "0912-345-678"]),
    ],
)
def test_contact_details_are_phones_and_emails_as_written(text: str, details: list[str]) -> None:
    assert contact_details(text) == details


@pytest.mark.parametrize(
    "text",
    [
        "Ban hành ngày 12/5/2022, báo cáo trước ngày 30/01/2025.",
        "Theo Quyết định 4725/QĐ-BGDĐT và Kế hoạch Số: 27/KH-SGDĐT.",
        "Kinh phí 1.184 triệu đồng (1.184.000.000 đồng), 0,5 triệu mỗi lớp.",
        "Tỷ lệ đạt 100%, tối thiểu 05% mỗi năm, từ 01.01.2025 đến 31.12.2025.",
        "Kênh https://www.youtube.com/@igiaoduc của ngành.",
    ],
)
def test_dates_numbers_money_and_percentages_are_not_contacts(text: str) -> None:
    assert contact_details(text) == []


def test_a_paragraph_gives_a_phone_only_with_a_real_number() -> None:
    assert gives_phone("Bà Trần Thị Thu, điện thoại: 0912.486.357")
    assert not gives_phone("gửi bản mềm qua email vhxh.nghiloc@nghean.gov.vn")
    assert not gives_phone("theo Quyết định 4725/QĐ-BGDĐT ngày 30/12/2022, 1.321.000.000 đồng")


def test_hai_phong_closing_paragraph_is_a_contact() -> None:
    [contact] = items(plan("hai-phong-2024-2025"), "contact")
    assert "02253.842.445" in contact.text and "vanphongsgd@haiphong.edu.vn" in contact.text
    assert contact.text.startswith("Sở GDĐT yêu cầu") and contact.section == "V.3"
    assert (contact.due, contact.recurrence, contact.milestones, contact.measures) == (
        None,
        None,
        [],
        [],
    )


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("hai-phong-2024-2025", 1),
        ("ninh-binh-2025", 0),
        ("nha-trang-2024", 0),
        ("tam-chuc-2026", 0),
        ("tuyen-hoa-2024", 0),
        ("unseen", 0),
    ],
)
def test_only_paragraphs_giving_a_phone_or_email_are_contacts(name: str, count: int) -> None:
    contacts = items(plan(name), "contact")
    assert len(contacts) == count
    assert all(contact_details(c.text) for c in contacts)


def test_a_contact_comes_with_the_other_items_of_its_paragraph_but_not_from_recipients() -> None:
    text = UNSEEN.read_text(encoding="utf-8")
    text = text.replace(
        "trước ngày 25 hằng tháng;",
        "trước ngày 25 hằng tháng (điện thoại 0263.3822.456);",
    ).replace("- Lưu: VT.", "- Lưu: VT, đ/c Hoa (0912.345.678).")
    facts = extract_plan(text_to_blocks(text))
    [contact] = items(facts, "contact")
    assert contact_details(contact.text) == ["0263.3822.456"]
    same = [i for i in facts.items if i.text == contact.text and i.kind != "contact"]
    assert [i.kind for i in same] == ["report", "report"]


def test_a_report_due_on_a_day_of_the_last_month_of_each_quarter_recurs_quarterly() -> None:
    """'Báo cáo quý: trước ngày 18 của tháng cuối quý' names no 'hằng quý' yet repeats."""
    text = UNSEEN.read_text(encoding="utf-8").replace(
        "- Gửi danh sách giáo viên cốt cán",
        "- Báo cáo quý: trước ngày 18 của tháng cuối quý;\n- Gửi danh sách giáo viên cốt cán",
    )
    reports = [
        i for i in extract_plan(text_to_blocks(text)).items if i.text.startswith("Báo cáo quý")
    ]
    assert [r.recurrence["rrule"] for r in reports if r.recurrence] == [
        "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=18"
    ]


def test_bullets_after_a_lead_in_report_for_the_units_it_names() -> None:
    """A heading naming a topic ('Chế độ báo cáo') is nobody's unit; the sentence leading
    into the bullets says who reports and where to."""
    facts = unseen_with(
        "2. Chế độ báo cáo\n\nCác trường THCS, Trung tâm GDNN-GDTX thực hiện chế độ báo cáo"
        " về Phòng GDĐT (qua bộ phận CNTT) như sau:\n"
        "+ Báo cáo tiến độ hằng tháng: trước ngày 18 hằng tháng;\n"
        "+ Báo cáo sơ kết 6 tháng đầu năm 2026: trước ngày 16/6/2026.",
    )
    monthly = item_with(facts, "report", "Báo cáo tiến độ hằng tháng: trước ngày 18")
    assert monthly.reporter == "Các trường THCS, Trung tâm GDNN-GDTX"
    assert monthly.report_to == "Phòng GDĐT (qua bộ phận CNTT)"
    review = [i for i in facts.items if i.text.startswith("Báo cáo sơ kết 6 tháng")]
    assert [(i.kind, i.due and i.due.on, i.lead) for i in review] == [
        ("deadline", date(2026, 6, 16), "Các trường THCS, Trung tâm GDNN-GDTX")
    ]
    assert all(i.lead != "Chế độ báo cáo" for i in facts.items)


def test_a_lettered_lead_in_and_a_report_made_to_the_province() -> None:
    facts = unseen_with(
        "### V. TỔ CHỨC THỰC HIỆN\n\n1. Chế độ báo cáo\n\n"
        "a) UBND các xã, phường báo cáo về Phòng GDĐT (qua bộ phận CNTT) như sau:\n"
        "- Báo cáo định kỳ hằng quý (trước ngày 18 của tháng cuối quý);\n\n"
        "b) Phòng GDĐT tổng hợp, báo cáo UBND huyện định kỳ hằng quý trước ngày 22 của"
        " tháng cuối quý.",
    )
    quarterly = item_with(facts, "report", "Báo cáo định kỳ hằng quý (trước ngày 18")
    assert (quarterly.reporter, quarterly.report_to) == (
        "UBND các xã, phường",
        "Phòng GDĐT (qua bộ phận CNTT)",
    )
    assert item_with(facts, "report", "báo cáo UBND huyện").report_to == "UBND huyện"


def test_a_total_budget_written_in_dong_is_read_in_millions() -> None:
    facts = unseen_with(
        "### IV. KINH PHÍ\n\nTổng kinh phí dự kiến: 2.557.000.000 đồng, trong đó ngân sách"
        " huyện: 1.711 triệu đồng.",
    )
    assert facts.budget_million_vnd == 2557


@pytest.mark.parametrize(
    ("bullet", "lead", "budget"),
    [
        (
            "Nâng cấp mạng LAN cho 12 trường THCS: Phòng Kế hoạch - Tài chính chủ trì, phối hợp"
            " các trường; hoàn thành Quý II/2026, kinh phí 1,5 tỷ đồng.",
            "Phòng Kế hoạch - Tài chính",
            1500,
        ),
        (
            "Tổ Tổng hợp - CNTT chủ trì tập huấn chữ ký số trước ngày 30/3/2026; kinh phí dự kiến"
            " 36 triệu đồng từ nguồn chi sự nghiệp giáo dục.",
            "Tổ Tổng hợp - CNTT",
            36,
        ),
        (
            "Số hóa hồ sơ học sinh trong tháng 4/2026 (Văn phòng Sở chủ trì; các trường phối"
            " hợp), kinh phí 85.500 nghìn đồng.",
            "Văn phòng Sở",
            85.5,
        ),
        (
            "Triển khai học bạ số cấp THCS do Tổ Giáo dục Trung học cơ sở chủ trì, xong trước"
            " ngày 15/5/2026.",
            "Tổ Giáo dục Trung học cơ sở",
            None,
        ),
    ],
)
def test_a_task_paragraph_names_its_lead_and_cost(
    bullet: str, lead: str, budget: float | None
) -> None:
    task = item_with(unseen_with(f"### V. NHIỆM VỤ BỔ SUNG\n\n- {bullet}"), "deadline", bullet[:30])
    assert (task.lead, task.budget_million_vnd) == (lead, budget)


def test_a_report_due_in_the_quarter_after_and_who_sends_each_report() -> None:
    """'các trường … trước ngày 15 của tháng cuối quý; Phòng GDĐT tổng hợp … trước ngày 05
    của tháng đầu quý sau': two schedules, each with its own sender."""
    text = UNSEEN.read_text(encoding="utf-8").replace(
        "- Gửi danh sách giáo viên cốt cán",
        "- Báo cáo quý: các trường báo cáo trước ngày 15 của tháng cuối quý; Phòng GDĐT"
        " tổng hợp, báo cáo UBND thành phố trước ngày 05 của tháng đầu quý sau.\n"
        "- Gửi danh sách giáo viên cốt cán",
    )
    reports = [i for i in extract_plan(text_to_blocks(text)).items if "tổng hợp, báo cáo" in i.text]
    assert [(r.reporter, r.recurrence) for r in reports] == [
        ("các trường", {
            "freq": "quarterly", "rrule": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15",
            "text": "trước ngày 15 của tháng cuối quý", "before": True, "day": 15,
            "month_of_quarter": 3,
        }),
        ("Phòng GDĐT", {
            "freq": "quarterly", "rrule": "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=5",
            "text": "trước ngày 05 của tháng đầu quý sau", "before": True, "day": 5,
            "month_of_quarter": 1, "after_period": True,
        }),
    ]  # fmt: skip


_TWO_PEOPLE = (
    "Các đơn vị liên hệ Phòng GDĐT qua đ/c Nguyễn Văn An, chuyên viên; điện thoại: 0914.627.305;"
    " email: an.pgd@example.edu.vn. Các nội dung về kinh phí, mua sắm thiết bị liên hệ đ/c Lê"
    " Thị Bình, kế toán; điện thoại: 0262.3521.468."
)


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ({"kinh", "phi"}, "Lê Thị Bình (0262.3521.468)"),
        ({"an"}, "Nguyễn Văn An (0914.627.305; an.pgd@example.edu.vn)"),
        (set(), "Nguyễn Văn An (0914.627.305; an.pgd@example.edu.vn); Lê Thị Bình (0262.3521.468)"),
    ],
)
def test_whom_to_contact_is_the_person_the_question_is_about(asked: set[str], answer: str) -> None:
    def relevance(part: str) -> int:
        return len(asked & set(fold(part).replace(",", " ").split()))

    assert whom_to_contact(_TWO_PEOPLE, relevance) == answer
