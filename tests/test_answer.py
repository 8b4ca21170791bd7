"""The answering engine on the five sample plans, and the written evaluation set."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.db import make_engine, migrate, session_factory
from knowledge.answer import MAX_ANSWER, Answer, AnswerEngine
from knowledge.importer import import_file
from knowledge.store import list_plans
from knowledge.text import fold

SAMPLES = Path(__file__).resolve().parent.parent / "knowledge" / "sample_plans"
EVAL = Path(__file__).resolve().parent / "eval" / "questions.jsonl"
TODAY = date(2025, 10, 5)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnswerEngine]:
    database = tmp_path_factory.mktemp("answers") / "plans.db"
    db = make_engine(f"sqlite:///{database}")
    migrate(db)
    sessions = session_factory(db)
    with sessions.begin() as session:
        for path in sorted(SAMPLES.glob("*.txt")):
            import_file(session, path)
    session: Session
    with sessions() as session:
        yield AnswerEngine(list_plans(session))


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
    "question", ["camera hành trình", "bóng đá", "lich thi dau bong da o Ninh Binh", "ban co biet hat khong"]
)
def test_words_the_plans_never_use_are_not_repaired_into_an_answer(
    engine: AnswerEngine, question: str
) -> None:
    answer = engine.ask(question, date(2025, 11, 3))
    assert not answer.answered and answer.text.startswith("Mình chưa tìm thấy")


def test_a_typo_in_a_real_question_is_still_repaired(engine: AnswerEngine) -> None:
    answer = engine.ask("kinh phi kho hoc leiu so nha trang", date(2025, 11, 3))
    assert answer.answered and "triệu" in answer.text
