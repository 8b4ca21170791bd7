"""Plans for benchmarks: the samples, and generated plans in the same style.

Generated plans are the sample documents rewritten for other localities, numbers and years,
so they are new plans to the importer (new identities) written the way real plans are.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, migrate, session_factory
from knowledge.document import read_blocks
from knowledge.extract import extract_plan
from knowledge.importer import import_file

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
