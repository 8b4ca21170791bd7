"""The answering engine on the five sample plans, and the written evaluation set."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from bot.db import make_engine, migrate, session_factory
from knowledge.answer import CANNOT_DO, MAX_ANSWER, Answer, AnswerEngine
from knowledge.importer import import_file
from knowledge.store import list_plans
from knowledge.text import fold

SAMPLES = Path(__file__).resolve().parent.parent / "knowledge" / "sample_plans"
EVAL = Path(__file__).resolve().parent / "eval" / "questions.jsonl"
DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2025, 10, 5)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> AnswerEngine:
    return engine_over(tmp_path_factory.mktemp("answers"), *sorted(SAMPLES.glob("*.txt")))


def says(answer: Answer, *facts: str) -> bool:
    """Every fact appears in the answer, compared without diacritics or case."""
    text = fold(answer.text)
    return all(fold(fact) in text for fact in facts)


def test_budget_of_a_task_with_its_source(engine: AnswerEngine) -> None:
    answer = engine.ask("Kinh phí xây dựng kho học liệu ở Nha Trang?", TODAY)
    assert answer.answered
    assert answer.text.startswith("Kinh phí: 1.184 triệu đồng")
    assert says(answer, "Nha Trang", "Phụ lục, TT 7")
    assert [s.section for s in answer.sources] == ["Phụ lục, TT 7"]


def test_the_same_question_without_diacritics(engine: AnswerEngine) -> None:
    accented = engine.ask("Ai chủ trì kho học liệu số dùng chung ở Ninh Bình?", TODAY)
    plain = engine.ask("ai chu tri kho hoc lieu so dung chung ninh binh", TODAY)
    assert accented.answered and plain.answered
    assert accented.text == plain.text
    assert says(plain, "Chủ trì: Phòng Công tác học sinh, sinh viên")


def test_a_reporting_date_is_computed_for_the_period_asked(engine: AnswerEngine) -> None:
    answer = engine.ask("Báo cáo quý I/2026 ở Tam Chúc hạn ngày nào?", TODAY)
    assert answer.text.startswith("Hạn báo cáo quý I/2026: 10/03/2026")
    monthly = engine.ask("han bao cao thang 11/2025 ninh binh", TODAY)
    assert says(monthly, "20/11/2025")


def test_typos_and_abbreviations(engine: AnswerEngine) -> None:
    answer = engine.ask("kinh phi kho hoc leiu nha trang", TODAY)
    assert says(answer, "1.184 triệu")
    signature = engine.ask("chỉ tiêu chữ ký số của GV ở tam chuc", TODAY)
    assert says(signature, "100%")


def test_upcoming_deadlines_relative_to_today(engine: AnswerEngine) -> None:
    answer = engine.ask("sap toi co han gi khong", TODAY)
    assert answer.answered
    assert says(answer, "10/10/2025", "20/10/2025")
    assert "04/11/2025" in answer.text


def test_out_of_scope_questions_are_not_answered(engine: AnswerEngine) -> None:
    for question in ("Mấy giờ rồi?", "kết quả bóng đá hôm qua", "Kế hoạch của Đà Nẵng có gì?"):
        answer = engine.ask(question, TODAY)
        assert not answer.answered, question
        assert "chưa tìm thấy" in answer.text or "không nói về" in answer.text
        assert not re.search(r"\d{2}/\d{2}/\d{4}", answer.text)


def test_a_budget_the_plan_does_not_give_is_not_invented(engine: AnswerEngine) -> None:
    answer = engine.ask("kinh phí tập huấn chuyển đổi số ở Ninh Bình bao nhiêu", TODAY)
    assert not answer.answered
    assert "triệu" not in answer.text


def test_answers_are_short_and_cite_their_plan(engine: AnswerEngine) -> None:
    answer = engine.ask("chỉ tiêu học bạ số", TODAY)
    assert answer.answered
    assert len(answer.text) <= MAX_ANSWER
    assert answer.text.count("Nguồn:") == len(answer.sources) >= 2


def _evaluation() -> list[dict[str, object]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def _score(engine: AnswerEngine) -> tuple[float, list[str], list[str]]:
    """Accuracy on the evaluation set, the ids answered wrongly, and the out-of-scope ids
    that got an answer anyway."""
    cases = _evaluation()
    assert len(cases) >= 150
    wrong, leaked = [], []
    for case in cases:
        today = date.fromisoformat(str(case["today"])) if case.get("today") else TODAY
        plan = str(case["plan"]) if case.get("plan") else None
        answer = engine.ask(str(case["question"]), today, plan)
        expected = [str(fact) for fact in case["expect"]]  # type: ignore[attr-defined]
        if not case["answerable"]:
            right = not answer.answered
            if answer.answered:
                leaked.append(str(case["id"]))
        else:
            right = answer.answered and says(answer, *expected)
        if not right:
            wrong.append(str(case["id"]))
    return 1 - len(wrong) / len(cases), wrong, leaked


def test_evaluation_set_accuracy(engine: AnswerEngine) -> None:
    """At least 90% of the written questions answered right; no out-of-scope one answered."""
    accuracy, wrong, leaked = _score(engine)
    assert not leaked, leaked
    assert accuracy >= 0.9, (accuracy, wrong)


@pytest.mark.parametrize(
    "question",
    ["camera hành trình", "bóng đá", "lich thi dau bong da o Ninh Binh", "ban co biet hat khong"],
)
def test_words_the_plans_never_use_are_not_repaired_into_an_answer(
    engine: AnswerEngine, question: str
) -> None:
    answer = engine.ask(question, date(2025, 11, 3))
    assert not answer.answered and answer.text.startswith("Mình chưa tìm thấy")


def test_a_typo_in_a_real_question_is_still_repaired(engine: AnswerEngine) -> None:
    answer = engine.ask("kinh phi kho hoc leiu so nha trang", date(2025, 11, 3))
    assert answer.answered and "triệu" in answer.text


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("kế hoạch cđs ngành giáo dục tỉnh sóc trăng năm 2025 có những chỉ tiêu gì", "Sóc Trăng"),
        ("Quảng Ninh năm 2024 kế hoạch chuyển đổi số ngành giáo dục có gì", "Quảng Ninh"),
        ("Huế tổ chức hội thi GV dạy giỏi ứng dụng CNTT khi nào?", "Huế"),
        ("so gd da nang han bao cao quy 4", "Đà Nẵng"),
    ],
)
def test_a_place_no_plan_covers_is_named_in_the_refusal(
    engine: AnswerEngine, question: str, place: str
) -> None:
    answer = engine.ask(question, TODAY)
    assert not answer.answered
    assert answer.text == f"Các kế hoạch đã nạp không nói về «{place}»."


def test_a_place_name_inside_ordinary_words_is_not_a_place(engine: AnswerEngine) -> None:
    """'báo cáo bằng' typed bare reads 'cao bang', which is not the province Cao Bằng."""
    answer = engine.ask("truong o ninh binh bao cao bang van ban gui ve dau", TODAY)
    assert "Cao Bằng" not in answer.text
    assert "Cao Bằng" in engine.ask("Sở GD Cao Bằng báo cáo bằng văn bản gửi về đâu", TODAY).text


def test_an_abbreviation_is_not_taken_for_a_plans_initials(engine: AnswerEngine) -> None:
    """'TH' is tiểu học, not Tuyên Hoá's initials."""
    answer = engine.ask("chỉ tiêu học bạ số cho HS trường TH là bao nhiêu", TODAY)
    assert {source.plan.split(" – ")[0] for source in answer.sources} - {"Tuyên Hoá"}


def test_a_mistyped_locality_is_not_taken_for_an_unknown_place(engine: AnswerEngine) -> None:
    question = "Phòng GD quận huyện ở Hải Phòg gửi số liệu CĐS về Sở trước ngày nào?"
    assert says(engine.ask(question, TODAY), "20/10/2024")


def test_a_mistyped_locality_still_scopes_the_question(engine: AnswerEngine) -> None:
    answer = engine.ask("van bang so o so gd ninh bihn ai chu tri", TODAY)
    assert answer.answered
    assert says(answer, "Phòng Công tác học sinh, sinh viên", "Ninh Bình")


def test_shorthand_for_semester_and_before(engine: AnswerEngine) -> None:
    answer = engine.ask("so gddt hp gui bao cao so ket hk1 ve bo trc ngay nao", TODAY)
    assert answer.answered and says(answer, "30/01/2025")


def test_a_date_the_task_text_states_is_given_beside_the_time_column(
    engine: AnswerEngine,
) -> None:
    """The appendix's time column says 25/05/2025; the task itself says 'trước ngày 31/5/2025'."""
    answer = engine.ask(
        "Sở GDĐT HP gửi báo cáo mức CĐS các đơn vị lên Bộ hạn chót ngày nào?", TODAY
    )
    assert answer.answered and says(answer, "25/05/2025", "31/05/2025")


def test_an_upcoming_question_about_one_report_gives_its_next_date(
    engine: AnswerEngine,
) -> None:
    this_quarter = engine.ask(
        "bao cao quy nay cua truong o tam chuc han ngay nao", date(2026, 8, 3)
    )
    assert this_quarter.answered and says(this_quarter, "10/09/2026")
    next_one = engine.ask(
        "Tuyên Hoá cập nhật kết quả đánh giá mức độ CĐS lên CSDL ngành hạn sắp tới là ngày nào?",
        date(2024, 5, 1),
    )
    assert next_one.answered and says(next_one, "15/06/2024")


@pytest.mark.parametrize(
    "question",
    [
        "thoi tiet nha trang cuoi tuan nay co mua ko",
        "đặt lịch họp tổ chuyên môn chiều thứ 6 tuần sau giúp mình nhé",
        "tổng số trường học ở Nha Trang là bao nhiêu trường",
        "học bạ",
        "hieu truong truong tieu hoc o nha trang ten gi vay",
        "so dien thoai phong gd tuyen hoa",
    ],
)
def test_questions_the_plans_cannot_answer_get_no_answer(
    engine: AnswerEngine, question: str
) -> None:
    assert not engine.ask(question, TODAY).answered


def test_who_arranges_funding_is_a_question_about_who(engine: AnswerEngine) -> None:
    answer = engine.ask("nguon von cho du an cntt nganh gd nha trang ai tham muu bo tri", TODAY)
    assert answer.answered and says(answer, "Phòng Tài Chính - Kế hoạch")
    assert not answer.text.startswith("Kinh phí")


def test_a_list_question_lists_the_plans_items(engine: AnswerEngine) -> None:
    answer = engine.ask("liệt kê các chỉ tiêu của kế hoạch 27 Ninh Bình", TODAY)
    lines = answer.text.splitlines()
    assert answer.answered and len(lines) >= 4 and all(line.startswith("• ") for line in lines[:-1])
    assert lines[-1].startswith("Nguồn: Ninh Bình – 27/KH-SGDĐT")
    assert all("%" in line or "/" in line for line in lines[:-1])
    assert len(answer.text) <= MAX_ANSWER


def test_a_list_of_deadlines_is_in_date_order(engine: AnswerEngine) -> None:
    answer = engine.ask("năm học 2024-2025 phòng GD Hải Phòng có những hạn nào", TODAY)
    dates = [
        date(int(y), int(m), int(d))
        for d, m, y in re.findall(r"^• (\d\d)/(\d\d)/(\d{4})", answer.text, re.MULTILINE)
    ]
    assert len(dates) >= 3 and dates == sorted(dates)


def test_a_phone_question_gets_the_contact_the_plan_gives(engine: AnswerEngine) -> None:
    answer = engine.ask("sdt van phong so gddt hai phong de hoi ve ke hoach cds", TODAY)
    assert answer.answered
    assert answer.text.startswith("Liên hệ: 02253.842.445; vanphongsgd@haiphong.edu.vn.")
    assert says(answer, "Hải Phòng")


def test_whom_to_call_is_the_plans_contact_unless_another_unit_is_asked_for(
    engine: AnswerEngine,
) -> None:
    call = engine.ask("Hải Phòng có vướng mắc về kế hoạch CĐS thì gọi số nào?", TODAY)
    assert says(call, "02253.842.445")
    assert says(engine.ask("Hải Phòng vướng mắc kế hoạch CĐS gọi sđt nào ạ", TODAY), "02253")
    assert says(engine.ask("email hỗ trợ CĐS của sở gd hải phòng", TODAY), "vanphongsgd@")
    other = "sdt phong van hoa thong tin nha trang de hoi ve an toan thong tin"
    assert not engine.ask(other, TODAY).answered


def test_who_signed_the_plan(engine: AnswerEngine) -> None:
    answer = engine.ask("kh cds 2024 nganh gd tuyen hoa do ai ky vay", TODAY)
    assert answer.answered
    assert answer.text.startswith("Người ký: Hồ Trung Tuyên (KT. Trưởng phòng, Phó Trưởng phòng).")


def test_a_request_to_do_something_is_declined(engine: AnswerEngine) -> None:
    answer = engine.ask("gửi giúp em báo cáo tháng này lên phòng gd với", TODAY)
    assert not answer.answered and "chưa làm thay" in answer.text


def test_a_report_of_a_frequency_the_plan_lacks_is_not_answered(engine: AnswerEngine) -> None:
    """Nha Trang has yearly reports only: 'báo cáo quý' there has no answer."""
    assert not engine.ask("nha trang bao cao quy ve phong gd han ngay nao", TODAY).answered


def test_this_quarters_reports_are_listed_for_this_quarter(engine: AnswerEngine) -> None:
    answer = engine.ask("giúp mình xem hạn báo cáo quý này ở ninh bình", TODAY)
    assert answer.answered
    assert answer.text.startswith("Các hạn từ 05/10/2025 đến 31/12/2025:")
    assert says(answer, "20/12/2025") and "hằng tháng" not in answer.text


def test_roman_and_arabic_semesters_are_the_same(engine: AnswerEngine) -> None:
    roman = engine.ask("Sở GDĐT Hải Phòng sơ kết học kỳ I gửi Bộ trước ngày nào", TODAY)
    arabic = engine.ask("Sở GDĐT Hải Phòng sơ kết học kỳ 1 gửi Bộ trước ngày nào", TODAY)
    assert roman.text == arabic.text and says(roman, "30/01/2025")


def test_two_deadlines_the_plan_words_alike_are_both_given(engine: AnswerEngine) -> None:
    """Hải Phòng sends 'số liệu … về Sở' by 20/10 and, with the semester review, by 20/01."""
    question = "hai phong: phong gd gui so lieu ung dung cntt, cds ve so truoc ngay nao"
    answer = engine.ask(question, TODAY)
    assert says(answer, "20/10/2024", "20/01/2025")
    review = engine.ask("phòng GD Hải Phòng sơ kết học kỳ 1 gửi số liệu về Sở hạn nào", TODAY)
    assert says(review, "20/01/2025") and "20/10/2024" not in review.text


def test_a_plan_is_chosen_by_the_province_it_belongs_to(engine: AnswerEngine) -> None:
    answer = engine.ask(
        "cập nhật kết quả đánh giá mức độ CĐS lên CSDL ngành hạn ngày nào",
        date(2024, 3, 1),
        plan="quang binh",
    )
    assert answer.answered and says(answer, "Tuyên Hoá", "15/06/2024")


def test_how_much_and_who_together_get_both(engine: AnswerEngine) -> None:
    answer = engine.ask("kho học liệu ở Nha Trang kinh phí bao nhiêu, đơn vị nào chủ trì", TODAY)
    assert answer.answered and says(answer, "1.184 triệu", "Chủ trì: Phòng GDĐT")


def test_words_naming_the_plan_need_not_be_repeated_by_the_item(engine: AnswerEngine) -> None:
    """'kế hoạch CĐS ngành GD' is the plan's title, which every item of it falls under."""
    question = "email hỏi về kế hoạch ứng dụng cntt chuyển đổi số của sở gd hải phòng"
    assert says(engine.ask(question, TODAY), "vanphongsgd@haiphong.edu.vn")


def test_a_plan_the_schools_must_write_is_not_the_plan_asked_about(engine: AnswerEngine) -> None:
    assert not engine.ask(
        "tuyen hoa han truong gui ke hoach cds ve phong la ngay nao", TODAY
    ).answered


def test_i_and_y_spellings_ask_the_same(engine: AnswerEngine) -> None:
    answer = engine.ask("ai kí kế hoạch cđs ngành gd Tuyên Hóa 2024", TODAY)
    assert says(answer, "Người ký: Hồ Trung Tuyên")


def test_letters_typed_the_wrong_way_round_are_repaired(engine: AnswerEngine) -> None:
    answer = engine.ask("ai chu tir kho hoc lieu so dung chung ninh binh", TODAY)
    assert says(answer, "Chủ trì: Phòng Công tác học sinh, sinh viên")
    assert not engine.ask("hai phong bao coa thang gui truoc ngay nao", TODAY).answered


def test_the_total_budget_of_a_plan_named_by_its_title(engine: AnswerEngine) -> None:
    answer = engine.ask("kinh phí kế hoạch cđs của ubnd tp nha trang tổng là bao nhêiu", TODAY)
    assert answer.text.startswith("Tổng kinh phí: 7.048 triệu đồng")


def test_next_quarter_and_the_next_quarterly_report(engine: AnswerEngine) -> None:
    """'quý tới có hạn gì' is the next quarter; 'báo cáo quý tới' is the next report."""
    mid_august = date(2026, 8, 15)
    next_quarter = engine.ask("quý tới tam chúc có hạn gì", mid_august)
    assert says(next_quarter, "01/10/2026 đến 31/12/2026", "10/12/2026")
    assert not says(next_quarter, "10/09/2026")
    next_report = engine.ask("tam chúc báo cáo quý tới hạn ngày nào", mid_august)
    assert next_report.text.index("10/09/2026") < next_report.text.index("10/12/2026")


def test_an_upcoming_question_with_filler_words_lists_the_week(engine: AnswerEngine) -> None:
    answer = engine.ask("tam chuc tuan nay co han gi ko ad", date(2026, 9, 7))
    assert says(answer, "07/09/2026 đến 13/09/2026", "10/09/2026")


def test_a_request_is_declined_even_when_its_verb_comes_first(engine: AnswerEngine) -> None:
    request = engine.ask("dịch kế hoạch cđs của tam chúc sang tiếng anh giúp tôi", TODAY)
    assert request.text == CANNOT_DO
    question = engine.ask("gửi báo cáo quý về đâu giúp em với, tam chúc", TODAY)
    assert says(question, "phòng Văn hoá - Xã hội")


def test_the_figure_the_question_asks_about_comes_first(engine: AnswerEngine) -> None:
    question = "tam chúc tối thiểu bao nhiêu % học sinh được tập huấn dạy học trên nền tảng số"
    answer = engine.ask(question, TODAY)
    assert answer.text.startswith("Chỉ tiêu: tối thiểu 65% — học sinh phổ thông")


def engine_over(tmp_path: Path, *plans: Path) -> AnswerEngine:
    """An engine over the given plan files only."""
    db = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    migrate(db)
    sessions = session_factory(db)
    with sessions.begin() as session:
        for plan in plans:
            import_file(session, plan)
    with sessions() as session:
        return AnswerEngine(list_plans(session))


def da_lat_engine(tmp_path: Path, old: str = "", new: str = "") -> AnswerEngine:
    """An engine over the Đà Lạt test plan, with one passage rewritten if asked."""
    plan = tmp_path / "da-lat.md"
    text = (DATA / "da-lat-2025-2026.md").read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new), encoding="utf-8")
    return engine_over(tmp_path, plan)


def test_the_email_of_a_monthly_report_answers_where_to_send_it(tmp_path: Path) -> None:
    engine = da_lat_engine(
        tmp_path, "trước ngày 25 hằng tháng;", "trước ngày 25 hằng tháng qua baocao@dalat.edu.vn;"
    )
    answer = engine.ask("Báo cáo tháng gửi Phòng GD Đà Lạt qua email nào ạ?", TODAY)
    assert answer.text.startswith("Liên hệ: baocao@dalat.edu.vn")


def test_a_schools_plan_is_found_by_the_schools_name(tmp_path: Path) -> None:
    engine = da_lat_engine(
        tmp_path,
        "UBND THÀNH PHỐ ĐÀ LẠT\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 45/KH-PGD&ĐT",
        "UBND THÀNH PHỐ ĐÀ LẠT\nTRƯỜNG THCS QUANG TRUNG\n\nSố: 45/KH-THCSQT",
    )
    number = engine.ask("kế hoạch CĐS của trường THCS Quang Trung số mấy", TODAY)
    assert says(number, "45/KH-THCSQT", "Trường THCS Quang Trung")
    scoped = engine.ask("báo cáo tháng hạn ngày nào", TODAY, plan="quang trung")
    assert scoped.answered and says(scoped, "25")


def test_a_province_the_plan_names_only_in_its_preamble_is_still_its_own(
    tmp_path: Path,
) -> None:
    engine = da_lat_engine(tmp_path)
    answer = engine.ask("Lâm Đồng: báo cáo tháng gửi Phòng GD Đà Lạt trước ngày mấy?", TODAY)
    assert says(answer, "25")


def test_a_word_after_an_office_kind_is_not_always_a_place(engine: AnswerEngine) -> None:
    """'phương án trước ngày …' is a plan of action, not a ward called 'An Trước'."""
    answer = engine.ask("nha trang trình phương án trước ngày nào", TODAY)
    assert "không nói về" not in answer.text


def test_a_place_of_one_syllable_before_other_words_is_a_place(tmp_path: Path) -> None:
    engine = da_lat_engine(tmp_path, "tỉnh Lâm Đồng", "thành phố Huế")
    answer = engine.ask("báo cáo tháng của Phòng GD Đà Lạt, Sở GDĐT Huế trước ngày mấy", TODAY)
    assert says(answer, "25")


def test_a_plan_for_next_year_lists_its_preparations_but_not_its_reports_yet(
    tmp_path: Path,
) -> None:
    """A 2026 plan issued in October 2025: the account task due 30/11/2025 is coming up;
    its monthly reports start in 2026."""
    engine = da_lat_engine(tmp_path, "năm học 2025 – 2026", "năm 2026")
    answer = engine.ask("sắp tới có hạn gì", date(2025, 11, 3), plan="đà lạt")
    assert "30/11/2025" in answer.text and "25/11/2025" not in answer.text
    question = "báo cáo tiến độ hằng tháng gửi phòng gd đà lạt lần tới hạn ngày nào"
    monthly = engine.ask(question, TODAY)
    assert says(monthly, "lần tới: 25/01/2026")


def test_a_target_of_one_year_among_several(tmp_path: Path) -> None:
    engine = da_lat_engine(
        tmp_path,
        "### II. NHIỆM VỤ",
        "| STT | Chỉ tiêu | Năm 2026 | Năm 2028 |\n|---|---|---|---|\n"
        "| 1 | Tỷ lệ GV có chứng thư chữ ký số | 83% | 96% |\n\n### II. NHIỆM VỤ",
    )
    answer = engine.ask("Đà Lạt năm 2028 tỷ lệ GV có chữ ký số phải đạt bao nhiêu", TODAY)
    assert answer.text.lstrip("• ").startswith("Chỉ tiêu: 96%")


def test_how_long_a_unit_has_is_the_time_the_plan_gives(tmp_path: Path) -> None:
    engine = da_lat_engine(
        tmp_path,
        "- Gửi danh sách giáo viên cốt cán",
        "- Khi xảy ra sự cố mất an toàn thông tin, báo cáo Phòng GDĐT chậm nhất trong vòng"
        " 24 giờ kể từ khi phát hiện.\n- Gửi danh sách giáo viên cốt cán",
    )
    answer = engine.ask("đà lạt: trường bị sự cố mất ATTT thì phải báo trong bao lâu", TODAY)
    assert answer.text.startswith("Thời hạn: chậm nhất trong vòng 24 giờ kể từ khi phát hiện")


def test_a_source_of_funds_is_answered_with_its_own_amount(tmp_path: Path) -> None:
    """Of a province's two plans, the one giving the provincial budget's share answers;
    "ngân sách tỉnh" is the subject asked about, not only a word for money."""
    engine = engine_over(tmp_path, DATA / "lai-chau-2027.docx", DATA / "lai-chau-ubnd-2027.txt")
    answer = engine.ask("ngan sach tinh bo tri bao nhieu cho ke hoach CDS Lai Chau 2027", TODAY)
    assert says(answer, "11.200 triệu")


def test_a_quarterly_report_due_in_the_next_quarter(tmp_path: Path) -> None:
    engine = da_lat_engine(
        tmp_path,
        "báo cáo quý chậm nhất ngày 15 của tháng cuối quý.",
        "báo cáo quý: các trường báo cáo trước ngày 15 của tháng cuối quý; Phòng GDĐT tổng hợp,"
        " báo cáo UBND thành phố trước ngày 05 của tháng đầu quý sau.",
    )
    office = engine.ask("phòng gd đà lạt gửi báo cáo quý I/2026 lên ubnd hạn ngày nào", TODAY)
    assert office.text.startswith("Hạn báo cáo quý I/2026: 05/04/2026")
    schools = engine.ask("báo cáo quý I/2026 của các trường ở đà lạt hạn ngày nào", TODAY)
    assert schools.text.startswith("Hạn báo cáo quý I/2026: 15/03/2026")


def test_a_deadline_and_where_to_write_in_one_question(engine: AnswerEngine) -> None:
    question = (
        "phòng gd quận huyện ở hải phòng kiện toàn bộ phận phụ trách cntt chậm nhất ngày nào,"
        " gửi qua email nào"
    )
    answer = engine.ask(question, TODAY)
    assert answer.text.startswith("Hạn: 15/10/2024")
    assert says(answer, "Liên hệ: 02253.842.445; vanphongsgd@haiphong.edu.vn")


def test_every_word_matching_apart_still_finds_the_item(engine: AnswerEngine) -> None:
    """'mạng LAN … chuyển sang IPv6' shares no word pair with the plan's wording."""
    answer = engine.ask("mang LAN chuyen sang IPv6 o ninh binh phai hoan thanh khi nao", TODAY)
    assert answer.text.startswith("Hạn: 31/12/2025")


def test_a_weekly_report_the_plan_does_not_set_is_not_answered(engine: AnswerEngine) -> None:
    assert not engine.ask("ninh bình có báo cáo hằng tuần không, nộp thứ mấy", TODAY).answered


def test_the_schools_item_when_the_schools_ask(engine: AnswerEngine) -> None:
    """The Sở and the schools both hold a 'sơ kết học kỳ 1'; 'của trường' picks the schools'."""
    answer = engine.ask("han so ket hoc ky 1 cua truong", TODAY, plan="hai phong")
    assert answer.text.startswith("Hạn: 20/01/2025")


def test_more_office_shorthand(engine: AnswerEngine) -> None:
    question = "HP yêu cầu bao nhiêu % CSGD thực hiện đủ các phân hệ phần mềm quản lý trường học?"
    assert engine.ask(question, TODAY).text.startswith("Chỉ tiêu: 100% — cơ sở giáo dục")


def test_a_target_for_other_school_levels_does_not_answer(engine: AnswerEngine) -> None:
    thpt = "Tam Chúc chỉ tiêu học bạ số cho học sinh THPT là bao nhiêu %"
    assert not engine.ask(thpt, TODAY).answered
    answer = engine.ask(thpt.replace("THPT", "THCS"), TODAY)
    assert answer.text.startswith("Chỉ tiêu: 100% — học sinh tại các trường tiểu học và THCS")


def test_a_concept_is_matched_whole_not_by_its_syllables(engine: AnswerEngine) -> None:
    """'AI' (trí tuệ nhân tạo) is not found in 'nhân viên' and 'đào tạo'; 'trực tuyến' of
    'DVCTT' still counts where the question also uses it alone."""
    assert not engine.ask(
        "tuyen hoa ty le gv ung dung AI trong day hoc toi thieu bn", TODAY
    ).answered
    both = engine.ask("tỷ lệ hồ sơ trực tuyến mỗi dvctt, thanh toán trực tuyến ở tuyên hóa", TODAY)
    assert says(both, "70%", "50%")


def test_a_word_of_two_syllables_is_not_found_in_two_other_words(engine: AnswerEngine) -> None:
    """'sơ kết' is not 'số liệu … kết quả': Ninh Bình schedules no semester review, Hải Phòng
    does, and the plans write 'bảo đảm' and 'mạng nội bộ (LAN)' for 'đảm bảo', 'mạng LAN'."""
    assert not engine.ask("ninh binh bao cao so ket hoc ky I han ngay nao", TODAY).answered
    semester = engine.ask("hải phòng sơ kết học kỳ I gửi số liệu về sở trước ngày nào", TODAY)
    assert says(semester, "20/01/2025")
    assert says(engine.ask("ninh binh mang LAN, IPv6 han khi nao", TODAY), "31/12/2025")


def test_the_next_report_of_a_plan_not_yet_in_force_is_in_its_own_year(
    engine: AnswerEngine,
) -> None:
    """Tam Chúc's plan is for 2026: asked in October 2025, its yearly report is next due on
    05/12/2026, not 05/12/2025."""
    answer = engine.ask("tam chuc bao cao nam truoc ngay nao", TODAY)
    assert says(answer, "lần tới: 05/12/2026")


def test_what_a_plan_does_not_say_about_itself_is_not_made_up(engine: AnswerEngine) -> None:
    """Tam Chúc's number is left blank; Ninh Bình's plan is for 2025, not 2027."""
    blank = engine.ask("Kế hoạch CĐS phường Tam Chúc năm 2026 số bao nhiêu?", TODAY)
    assert not blank.answered and "để trống số hiệu" in blank.text
    later = engine.ask("chỉ tiêu CĐS của Ninh Bình năm 2027 là gì", TODAY)
    assert not later.answered and "năm 2027" in later.text
    same_year = "Tuyên Hóa năm 2024 chỉ tiêu tỷ lệ hồ sơ trực tuyến mỗi DVCTT"
    assert engine.ask(same_year, TODAY).answered


def test_a_quarter_without_its_year_is_in_the_plans_year(engine: AnswerEngine) -> None:
    answer = engine.ask("tam chuc bao cao quy 2 han ngay nao", TODAY)
    assert answer.text.startswith("Hạn báo cáo quý II/2026: 10/06/2026")


def test_who_is_asked_for_the_duties_the_plan_assigns(engine: AnswerEngine) -> None:
    """'chủ trì tham mưu … tổng hợp báo cáo' is what the plan gives the unit leading it."""
    question = (
        "Ai chủ trì tham mưu triển khai kế hoạch CĐS Ninh Bình và tổng hợp báo cáo UBND tỉnh?"
    )
    assert says(engine.ask(question, TODAY), "Chủ trì: Phòng Công tác học sinh, sinh viên")


def test_carrying_out_the_plan_is_still_the_plan(engine: AnswerEngine) -> None:
    answer = engine.ask("Tổng kinh phí thực hiện kế hoạch chuyển đổi số của Nha Trang", TODAY)
    assert answer.text.startswith("Tổng kinh phí: 7.048 triệu đồng")


def test_a_schedule_word_after_ubnd_tinh_is_not_a_place(engine: AnswerEngine) -> None:
    answer = engine.ask("Ninh Bình báo cáo UBND tỉnh định kỳ hằng quý trước ngày nào", TODAY)
    assert answer.answered and says(answer, "hằng quý", "20")


def test_whom_to_call_about_a_plan_is_its_contact(engine: AnswerEngine) -> None:
    answer = engine.ask("muốn hỏi về kế hoạch CĐS hải phòng thì liên hệ ai", TODAY)
    assert answer.text.startswith("Liên hệ: 02253.842.445")


def test_three_rare_words_found_apart_still_match(engine: AnswerEngine) -> None:
    assert says(
        engine.ask("mang LAN, IPv6 o ninh binh han hoan thanh khi nao", TODAY), "31/12/2025"
    )


def test_a_report_for_a_period_the_plan_does_not_schedule(engine: AnswerEngine) -> None:
    """Ninh Bình reports monthly, quarterly and yearly: no half-year report to date."""
    assert not engine.ask(
        "Ninh Bình hạn nộp báo cáo sơ kết 6 tháng đầu năm về CĐS?", TODAY
    ).answered
    assert says(engine.ask("Ninh Bình hạn nộp báo cáo quý IV/2025 về CĐS?", TODAY), "20/12/2025")


def test_a_bare_number_is_not_what_a_question_is_about(engine: AnswerEngine) -> None:
    question = "nha trang thuong bao nhieu tien cho truong dat muc chuyen doi so 3?"
    assert not engine.ask(question, TODAY).answered


def test_a_two_word_cue_is_taken_whole(engine: AnswerEngine) -> None:
    """'hạn chót' is a deadline cue; 'chót' left behind would be a subject word."""
    answer = engine.ask("nâng cấp cổng TTĐT các trường ở Nha Trang xong hạn chót", TODAY)
    assert answer.text.startswith("Hoàn thành: 31/03/2025")


def test_loanwords_written_apart_or_joined(engine: AnswerEngine) -> None:
    joined = engine.ask("tuyên hóa đầu tư máy chiếu, bảng tương tác, smart tivi", TODAY)
    apart = engine.ask("tuyên hóa đầu tư máy chiếu, bảng tương tác, smart ti vi", TODAY)
    assert joined.answered and joined.text == apart.text


def test_a_second_fact_asked_comes_from_the_item_that_holds_it(tmp_path: Path) -> None:
    """The target gives the figure, the task carrying it out gives who leads."""
    engine = da_lat_engine(
        tmp_path,
        "2. Tổ chức hội thi giáo viên dạy giỏi ứng dụng CNTT trong học kỳ II.",
        "2. Giao Tổ Tiểu học chủ trì triển khai sổ điểm điện tử cho giáo viên tiểu học.",
    )
    answer = engine.ask(
        "tỷ lệ gv tiểu học dùng sổ điểm điện tử ở đà lạt bao nhiêu %, ai chủ trì", TODAY
    )
    assert answer.text.startswith("Chỉ tiêu: không dưới 85%")
    assert says(answer, "Chủ trì: Tổ Tiểu học")


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("sgd ninh binh bc nam han ngay nao", "10/12/2025"),
        (
            "ninh binh bao nhieu % hs trung hoc duoc trang bi ky nang so, phong nao theo doi",
            "Chủ trì: Phòng GDTrH, GDNN&GDTX",
        ),
        ("có vướng mắc về kế hoạch cntt của sở gd hải phòng thì gửi mail về đâu", "vanphongsgd@"),
        (
            "tỷ lệ học liệu CTGDPT được số hoá ở tam chúc tối thiểu bn, phấn đấu bn %",
            "phấn đấu 50%",
        ),
    ],
)
def test_shorthand_and_question_words_are_read_as_meant(
    engine: AnswerEngine, question: str, fact: str
) -> None:
    """'SGD' is the Sở, 'phòng nào' asks who; 'mail' is not repaired into 'mai', 'bn' is
    'bao nhiêu', 'CTGDPT' the general education programme."""
    assert says(engine.ask(question, TODAY), fact)


def test_a_word_is_not_repaired_by_changing_its_first_letter(engine: AnswerEngine) -> None:
    """'mừng' typed without its mark is not 'ứng' ('ứng dụng')."""
    assert not engine.ask(
        "hội thi văn nghệ chào mừng 20/11 ở tam chúc kinh phí bao nhiêu", TODAY
    ).answered


def test_whats_due_soon_says_where_each_report_goes(engine: AnswerEngine) -> None:
    question = "mình ở trường TH Tam Chúc, sắp tới hạn nộp bc năm là ngày nào, gửi về đâu"
    answer = engine.ask(question, date(2026, 11, 20))
    assert says(answer, "05/12/2026", "→ UBND phường (qua phòng Văn hoá - Xã hội)")


def test_how_many_is_answered_by_a_count_the_plan_sets(tmp_path: Path) -> None:
    """'tối thiểu 600 học liệu' is a number to answer 'bao nhiêu học liệu' with."""
    engine = da_lat_engine(
        tmp_path,
        "+ 12/15 trường THCS",
        "+ Kho học liệu số dùng chung của thành phố đạt tối thiểu 600 học liệu.\n"
        "+ 12/15 trường THCS",
    )
    answer = engine.ask("kho hoc lieu so dung chung da lat toi thieu bao nhieu hoc lieu", TODAY)
    assert says(answer, "600 học liệu")


def test_this_quarters_report_asked_in_shorthand(engine: AnswerEngine) -> None:
    """'bc quý' is 'báo cáo quý': the monthly report due this quarter is not listed."""
    answer = engine.ask("bc quý này ninh bình hạn ngày nào", date(2025, 11, 3))
    assert says(answer, "20/12/2025")
    assert not says(answer, "20/11/2025")
