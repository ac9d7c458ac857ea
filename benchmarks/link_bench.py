"""Link-stage cost: seconds of link() and of the function summaries against the number of
functions and calls of each tree given (CPU seconds, best of 3; the facts are extracted first
and are not timed).

Usage: python benchmarks/link_bench.py PATH [PATH...]
"""

from __future__ import annotations

import pathlib
import sys
import time

from vcx import pipeline
from vcx.discover import discover
from vcx.link import link
from vcx.summaries import summaries


def measure(root: pathlib.Path) -> str:
    found = discover([root], root, [], 2_000_000)
    modules = {}
    for sf in found.files:
        facts = pipeline.extract_file(sf)
        if not isinstance(facts, str):
            modules[sf.display] = facts
    functions = sum(len(m.functions) for m in modules.values())
    calls = sum(len(m.calls) for m in modules.values())
    best_link = best_summaries = float("inf")
    for _ in range(3):
        t = time.process_time()
        project = link(modules, root, root)
        best_link = min(best_link, time.process_time() - t)
        t = time.process_time()
        summaries(project)
        best_summaries = min(best_summaries, time.process_time() - t)
    per = 100_000 * (best_link + best_summaries) / max(calls, 1)
    return (f"{root}: files {len(modules)} functions {functions} calls {calls} link {best_link:.3f}s "
            f"summaries {best_summaries:.3f}s per 100k calls {per:.3f}s")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(measure(pathlib.Path(arg)))
