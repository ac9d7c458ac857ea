"""Parse + extract in a process pool.

Files are sent in size-balanced batches (largest first, each batch about the same number
of bytes), results come back as picklable :class:`ModuleFacts` and are merged in path
order, so the output does not depend on ``--jobs``. A worker that dies (a native crash in
a parser) costs only its files: they are retried one by one in a fresh pool, and the one
that kills its worker again is reported as skipped.
"""

from __future__ import annotations

import gc
import marshal
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vcx.discover import SourceFile
from vcx.facts import ModuleFacts
from vcx.limits import Limits

if TYPE_CHECKING:
    from concurrent.futures import Future

Result = tuple[str, "ModuleFacts | str"]


@dataclass(slots=True)
class Job:
    file: SourceFile
    data: bytes | None = None  # content already read by the caller (cache lookup)
    cache_key: str | None = None  # where the worker stores the facts, when the cache is on
    cache_dir: Path | None = None
    limits: Limits | None = None  # per-file time and nesting limits (None = the defaults)


def tune_gc() -> None:
    """Run the cyclic garbage collector far less often than Python's default (as mypy does).

    Extraction allocates millions of small objects that plain reference counting frees (the
    facts hold no cycles); with the default thresholds the collector walks every live object
    again and again, which cost 10-15 % of a scan. Workers call this too (they may be
    spawned rather than forked)."""
    gc.set_threshold(200_000, 30, 30)
    gc.enable()  # forked from vcx's own process, which scans with the collector off (pipeline.scan)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_batch(batch: list[Job]) -> list[tuple[str, bytes | str]]:
    """Worker side: facts go back to the parent as marshalled plain lists (between our own
    processes; several times cheaper to send and rebuild than pickled dataclasses or JSON),
    and into the cache as JSON, written here, in parallel."""
    from vcx.cache import dumps_encoded, encode, write_entry
    from vcx.pipeline import extract_file

    out: list[tuple[str, bytes | str]] = []
    for job in batch:
        res = extract_file(job.file, job.data, job.limits)
        if isinstance(res, str):
            out.append((job.file.display, res))
            continue
        encoded = encode(res)
        if job.cache_dir is not None and job.cache_key is not None:
            write_entry(job.cache_dir, job.cache_key, dumps_encoded(encoded))
        out.append((job.file.display, marshal.dumps(encoded)))
    return out


def _run_local(batch: list[Job]) -> list[Result]:
    from vcx.cache import dumps, write_entry
    from vcx.pipeline import extract_file

    out: list[Result] = []
    for job in batch:
        res = extract_file(job.file, job.data, job.limits)
        if not isinstance(res, str) and job.cache_dir is not None and job.cache_key is not None:
            write_entry(job.cache_dir, job.cache_key, dumps(res))
        out.append((job.file.display, res))
    return out


def batches(jobs: list[Job], workers: int) -> list[list[Job]]:
    """Size-balanced batches: several per worker so that slow files do not leave cores idle."""
    if not jobs:
        return []
    count = min(len(jobs), max(workers * 4, 1))
    buckets: list[list[Job]] = [[] for _ in range(count)]
    sizes = [0] * count
    for job in sorted(jobs, key=lambda j: (-j.file.size, j.file.display)):
        i = sizes.index(min(sizes))
        buckets[i].append(job)
        sizes[i] += job.file.size + 2000  # a fixed cost per file as well as its bytes
    return [b for b in buckets if b]


def run(jobs: list[Job], workers: int, on_result: Callable[[str, ModuleFacts | str], None],
        meanwhile: Callable[[], None] | None = None) -> None:
    """Extract every job, calling ``on_result(display, facts_or_reason)`` for each file.
    ``meanwhile`` is vcx's own work (loading cached facts), done while the workers run."""
    if workers <= 1 or len(jobs) < 8:
        if meanwhile is not None:
            meanwhile()
        for display, res in _run_local(jobs):
            on_result(display, res)
        return
    failed: list[Job] = []
    _prepare_for_fork({j.file.language for j in jobs})
    _pool_map(batches(jobs, workers), workers, on_result, failed, meanwhile)
    if failed:
        _retry_one_at_a_time(sorted(failed, key=lambda j: j.file.display), on_result)


def _prepare_for_fork(languages: set[str]) -> None:
    """When workers are forked, build the front ends' parsers and queries once, here, rather
    than once in every worker (about 50 ms of CPU per worker for the JS grammars)."""
    import multiprocessing

    method = multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]
    if method == "fork":
        from vcx.frontends import prepare

        prepare(languages)


def _retry_one_at_a_time(jobs: list[Job], on_result: Callable[[str, ModuleFacts | str], None]) -> None:
    """The files of a broken pool, one at a time in one worker, so that a crashing file takes
    nothing else with it: the file in flight when the worker dies is the one that killed it.
    The worker is replaced only after a crash (not once per file: a crash in a batch of 500
    files must not cost 500 process starts)."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from vcx.cache import decode

    i = 0
    while i < len(jobs):
        with ProcessPoolExecutor(max_workers=1, initializer=tune_gc) as pool:
            while i < len(jobs):
                job = jobs[i]
                i += 1
                try:
                    for display, res in pool.submit(_run_batch, [job]).result():
                        on_result(display, res if isinstance(res, str) else decode(marshal.loads(res)))
                except BrokenProcessPool:
                    on_result(job.file.display, "analysis crashed (the worker process died); file skipped")
                    break  # a new worker for the rest
                except Exception as exc:
                    on_result(job.file.display, f"internal error while analysing: {type(exc).__name__}")


def _pool_map(work: Iterable[list[Job]], workers: int, on_result: Callable[[str, ModuleFacts | str], None],
              failed: list[Job], meanwhile: Callable[[], None] | None = None) -> None:
    from concurrent.futures import ProcessPoolExecutor  # not loaded by scans that need no worker
    from concurrent.futures.process import BrokenProcessPool

    work = list(work)
    with ProcessPoolExecutor(max_workers=workers, initializer=tune_gc) as pool:
        futures: list[tuple[Future[list[tuple[str, bytes | str]]], list[Job]]] = []
        try:
            for batch in work:
                futures.append((pool.submit(_run_batch, batch), batch))
        except BrokenProcessPool:
            submitted = {id(b) for _, b in futures}
            failed.extend(j for b in work if id(b) not in submitted for j in b)
        if meanwhile is not None:
            meanwhile()
        from vcx.cache import decode

        for fut, batch in futures:
            try:
                for display, res in fut.result():
                    on_result(display, res if isinstance(res, str) else decode(marshal.loads(res)))
            except BrokenProcessPool:
                failed.extend(batch)
            except Exception as exc:
                for job in batch:
                    on_result(job.file.display, f"internal error while analysing: {type(exc).__name__}")
