"""Accuracy and latency of the answering engine against a plain passage search.

On the evaluation set (tests/eval/questions.jsonl) prints, side by side, the accuracy and
p50/p95 answer time of the engine and of a baseline that returns the best-matching raw plan
line (BM25 over folded syllables, the same retrieval without any understanding); then the
engine's p95 with 1,000 generated plans loaded. Both are measured in-process.
Run: `.venv/bin/python -m benchmarks.answer_questions [--plans N]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.corpus import SAMPLES, fresh_store, generated_plans, import_one
from knowledge.answer import AnswerEngine
from knowledge.lexicon import expand
from knowledge.retrieval import Bm25Index, syllables
from knowledge.store import list_plans
from knowledge.text import fold

EVAL = Path(__file__).resolve().parent.parent / "tests" / "eval" / "questions.jsonl"
TODAY = date(2025, 10, 5)
Responder = Callable[[dict[str, object]], tuple[bool, str]]


class PassageSearch:
    """The baseline: the raw plan line most like the question, or nothing below a floor."""

    def __init__(self, texts: list[tuple[str, str]]) -> None:
        self.lines: list[str] = []
        self.index = Bm25Index()
        for place, text in texts:
            for line in text.splitlines():
                if len(line.strip()) > 20:
                    self.index.add(syllables(expand(fold(f"{place} {line}"))))
                    self.lines.append(f"{place}: {line.strip()}")
        self.index.freeze()

    def respond(self, case: dict[str, object]) -> tuple[bool, str]:
        words = syllables(expand(fold(str(case["question"]))))
        matches = self.index.search(words, {}, top=1)
        if not matches:
            return False, ""
        return True, self.lines[matches[0].doc]


def evaluate(respond: Responder, cases: list[dict[str, object]]) -> tuple[float, list[float]]:
    right, times = 0, []
    for case in cases:
        start = time.perf_counter()
        answered, text = respond(case)
        times.append((time.perf_counter() - start) * 1000)
        expected = [fold(str(fact)) for fact in case["expect"]]  # type: ignore[attr-defined]
        if case["answerable"]:
            right += answered and all(fact in fold(text) for fact in expected)
        else:
            right += not answered
    return right / len(cases), times


def engine_responder(engine: AnswerEngine) -> Responder:
    def respond(case: dict[str, object]) -> tuple[bool, str]:
        today = date.fromisoformat(str(case["today"])) if case.get("today") else TODAY
        plan = str(case["plan"]) if case.get("plan") else None
        answer = engine.ask(str(case["question"]), today, plan)
        return answer.answered, answer.text

    return respond


def percentile(times: list[float], share: float) -> float:
    return statistics.quantiles(times, n=100)[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=1000, help="generated plans for the load run")
    parser.add_argument("--questions", type=Path, default=EVAL, help="evaluation set (JSONL)")
    parser.add_argument("--extra-plan", type=Path, action="append", default=[], help="also load")
    args = parser.parse_args()
    text = args.questions.read_text(encoding="utf-8")
    cases = [json.loads(line) for line in text.splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sessions = fresh_store(work, "samples.db")
        for path in [*sorted(SAMPLES.glob("*.txt")), *args.extra_plan]:
            import_one(sessions, path)
        with sessions() as session:
            plans = list_plans(session)
            engine = AnswerEngine(plans)
            baseline = PassageSearch([(p.locality or "", p.text) for p in plans])
            rows = [
                ("engine", *evaluate(engine_responder(engine), cases)),
                ("passage search", *evaluate(baseline.respond, cases)),
            ]
        print(f"{len(cases)} questions ({args.questions.name}), {5 + len(args.extra_plan)} plans")
        print(f"{'':<16}{'accuracy':>10}{'p50':>10}{'p95':>10}")
        for name, accuracy, times in rows:
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            print(f"{name:<16}{accuracy:>9.1%}{p50:>8.2f}ms{p95:>8.2f}ms")
        documents = work / "generated"
        documents.mkdir()
        many = fresh_store(work, "many.db")
        for path in generated_plans(documents, args.plans):
            import_one(many, path)
        for path in sorted(SAMPLES.glob("*.txt")):
            import_one(many, path)
        with many() as session:
            start = time.perf_counter()
            big = AnswerEngine(list_plans(session))
            built = time.perf_counter() - start
            accuracy, times = evaluate(engine_responder(big), cases)
        print(
            f"engine with {args.plans} more plans: p50 {statistics.median(times):.2f} ms, "
            f"p95 {percentile(times, 0.95):.2f} ms (index built in {built:.1f} s)"
        )


if __name__ == "__main__":
    main()
