"""Import speed and memory of the plan knowledge base.

Prints the time to import each sample plan (read, extract, save, commit) into an empty
database and to re-import it unchanged, then the time to import 1,000 generated plans
(the samples with other localities, numbers and years, as separate documents), and the
process's peak memory. Run: `.venv/bin/python -m benchmarks.import_plans [--plans N]`.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import SAMPLES, fresh_store, generated_plans, import_one


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
