"""Import speed and memory of the plan knowledge base.

Prints the time to import each sample plan (read, extract, save, commit) into an empty
database and to re-import it unchanged, then the time to import 1,000 generated plans
(the samples with other localities, numbers and years, as separate documents), and the
process's peak memory. Run: `.venv/bin/python benchmarks/import_plans.py [--plans N]`.
"""

from __future__ import annotations

import argparse
import functools
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.app import import_file
from bot.db import make_engine, migrate, session_factory
from knowledge.document import read_blocks
from knowledge.extract import extract_plan

SAMPLES = Path(__file__).resolve().parent.parent / "knowledge" / "sample_plans"
LOCALITIES = (
    "Lào Cai", "Bắc Ninh", "Quảng Trị", "Cần Thơ", "Đắk Lắk", "Hà Giang", "Phú Yên",
    "Sóc Trăng", "Yên Bái", "Kon Tum", "Bến Tre", "Thái Bình", "Gia Lai", "Long An",
)  # fmt: skip


def fresh_store(directory: Path, name: str) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{directory / name}")
    migrate(engine)
    return session_factory(engine)


def import_one(sessions: sessionmaker[Session], path: Path) -> str:
    with sessions.begin() as session:
        return import_file(session, path).status


def _later_year(match: re.Match[str], shift: int) -> str:
    return f"năm {int(match.group(1)) + shift}"


def generated_plans(directory: Path, count: int) -> Iterator[Path]:
    """Sample plans rewritten for other places, numbers and years: new identities, same style."""
    samples = sorted(SAMPLES.glob("*.txt"))
    originals = {
        path: (path.read_text(encoding="utf-8"), extract_plan(read_blocks(path)).locality or "")
        for path in samples
    }
    for index in range(count):
        text, locality = originals[samples[index % len(samples)]]
        place = f"{LOCALITIES[index % len(LOCALITIES)]} {index // len(LOCALITIES) + 1}"
        text = text.replace(locality, place) if locality else text
        text = re.sub(r"Số:\s*\d*\s*/", f"Số: {100 + index}/", text, count=1)
        text = re.sub(r"năm (20\d\d)", functools.partial(_later_year, shift=index % 3), text)
        target = directory / f"plan-{index:04d}.txt"
        target.write_text(text, encoding="utf-8")
        yield target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=1000, help="generated plans to import")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"{'plan':<28}{'first import':>14}{'re-import':>12}")
        for path in sorted(SAMPLES.glob("*.txt")):
            firsts, agains = [], []
            for run in range(5):
                sessions = fresh_store(work, f"one-{path.stem}-{run}.db")
                start = time.perf_counter()
                import_one(sessions, path)
                firsts.append(time.perf_counter() - start)
                start = time.perf_counter()
                status = import_one(sessions, path)
                agains.append(time.perf_counter() - start)
                assert status == "unchanged", status
            first_ms = statistics.median(firsts) * 1000
            again_ms = statistics.median(agains) * 1000
            print(f"{path.name:<28}{first_ms:>11.1f} ms{again_ms:>9.1f} ms")
        documents = work / "generated"
        documents.mkdir()
        paths = list(generated_plans(documents, args.plans))
        sessions = fresh_store(work, "many.db")
        start = time.perf_counter()
        statuses = [import_one(sessions, path) for path in paths]
        elapsed = time.perf_counter() - start
        created = statuses.count("created")
        print(
            f"{len(paths)} generated plans: {elapsed:.1f} s "
            f"({elapsed / len(paths) * 1000:.1f} ms per plan, {created} distinct plans created)"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
