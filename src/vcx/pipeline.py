"""The scan, stage by stage: discover -> parse + extract -> link -> check -> filter.

A scan's result is stored in the cache before the filters that depend on more than the
files and the settings (the baseline file, ``--diff REF``) and the severity floor: those
run on every scan (``filter.narrow``), on a reused result as on a fresh one.

Each stage is timed for ``--stats``. Reporting is left to the caller (``vcx.report``).
"""

from __future__ import annotations

import gc
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vcx import workers
from vcx.cache import FactsCache, dumps, entry_key, frame_key, result_key
from vcx.config import Config
from vcx.discover import SourceFile, discover, display_path
from vcx.facts import ModuleFacts
from vcx.findings import Finding, assign_fingerprints
from vcx.limits import AnalysisTimeout, Limits, TooBroken, TooDeep, deadline, describe_timeout
from vcx.manifests import ProjectFiles, recording
from vcx.manifests import unchanged as project_files_unchanged
from vcx.parse import Undecodable
from vcx.paths import is_non_production_file, reset_caches

if TYPE_CHECKING:
    from vcx.rules import Rule

# The front ends, link, rules and filters are imported where they are first needed: a warm
# scan whose stored result is reused never loads them (a fifth of its time on a big tree).

_TEST_HOOKS = bool(os.environ.get("VCX_TEST_CRASH_ON") or os.environ.get("VCX_TEST_HANG_ON"))


@dataclass
class Stats:
    files: int = 0
    lines: int = 0
    skipped: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0
    result_cached: bool = False  # nothing changed since the last scan: its result was reused
    # Tests, migrations, seeds (``paths.is_non_production_file``): found but not analysed.
    non_production: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"files": self.files, "lines": self.lines, "skipped": self.skipped,
                "non_production": self.non_production,
                "cache_hits": self.cache_hits, "result_cached": self.result_cached,
                "seconds": {k: round(v, 4) for k, v in self.seconds.items()}}


@dataclass
class ScanResult:
    findings: list[Finding]
    skipped: list[tuple[str, str]]
    stats: Stats
    suppressed: int = 0
    warnings: list[str] = field(default_factory=list)
    # Set by the filters after the result cache (filter.narrow), never stored: the findings the
    # baseline hid, its entries that matched nothing, and the findings outside ``--diff REF``.
    baselined: int | None = None  # None: no baseline in use
    baseline_stale: int = 0
    diff_ref: str | None = None
    outside_diff: int = 0


def read_source(sf: SourceFile, max_bytes: int = 0) -> bytes | str:
    """The bytes of a discovered file, or the reason they cannot be read.

    Never blocks (a file replaced by a FIFO or a device since discovery is refused) and
    never reads more than ``max_bytes`` (0 = no limit): a file may grow after discovery.
    """
    try:
        fd = os.open(sf.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return "vanished during the scan"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return "not a regular file"
        if max_bytes and st.st_size > max_bytes:
            return f"too large: {st.st_size} bytes (limit {max_bytes}; see max-file-size)"
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if max_bytes and total > max_bytes:
                return f"too large: grew past {max_bytes} bytes during the scan (see max-file-size)"
        return b"".join(chunks)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    finally:
        os.close(fd)


def _fault_for_tests(sf: SourceFile) -> None:
    """Test hooks, inert unless their environment variable is set (see tests/test_hardening_*).

    ``VCX_TEST_CRASH_ON=<text>``: a worker process dies of a segmentation fault (as in a
    native crash in a parser) on the file whose path contains <text>. ``VCX_TEST_HANG_ON=<text>``: the analysis of
    that file sleeps until its per-file timeout stops it.
    """
    crash = os.environ.get("VCX_TEST_CRASH_ON")
    if crash and crash in sf.display:
        import multiprocessing

        if multiprocessing.parent_process() is not None:  # only ever a worker, never vcx itself
            import signal

            os.kill(os.getpid(), signal.SIGSEGV)  # what a crash in a native parser looks like
    hang = os.environ.get("VCX_TEST_HANG_ON")
    if hang and hang in sf.display:
        time.sleep(3600)


_memory_capped: int | None = None  # the process id whose memory was capped
WORKER_MEMORY_FLOOR = 4 << 30  # bytes of address space a worker may use at least
MEMORY_PER_SOURCE_BYTE = 400  # tree-sitter trees and facts of a pathological file: ~300 bytes a byte


def _cap_worker_memory(limits: Limits) -> None:
    """In a worker process, bound the address space, so that a pathological file ends in a
    MemoryError (or, in native code, the worker's death) and a skipped file, never in the
    machine running out of memory. Never applied to vcx's own process."""
    global _memory_capped
    _memory_capped = os.getpid()
    # A worker has multiprocessing loaded; vcx's own process need not load it to know it is none.
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is None or multiprocessing.parent_process() is None:
        return
    try:
        import resource

        cap = max(WORKER_MEMORY_FLOOR, MEMORY_PER_SOURCE_BYTE * (limits.max_file_bytes or 0))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft == resource.RLIM_INFINITY or soft > cap:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError):  # not on this platform
        pass


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:199] + "…"


def extract_file(sf: SourceFile, data: bytes | None = None, limits: Limits | None = None) -> ModuleFacts | str:
    """Facts of one file, or the reason it was skipped. Never raises (but KeyboardInterrupt).

    The reading, decoding, parsing and extraction of the file run under ``limits``: its
    size, its time (``per-file-timeout``) and the depth of its syntax tree (``max-nesting``).
    """
    limits = limits or Limits()
    if _memory_capped != os.getpid():
        _cap_worker_memory(limits)
    if data is None:
        got = read_source(sf, limits.max_file_bytes)
        if isinstance(got, str):
            return got
        data = got
    try:
        with deadline(limits.timeout):
            if _TEST_HOOKS:
                _fault_for_tests(sf)
            from vcx.frontends import extract

            return extract(data, sf.language, sf.display, limits)
    except AnalysisTimeout:
        return describe_timeout(limits.timeout)
    except (TooDeep, TooBroken, Undecodable) as exc:
        return str(exc)
    except RecursionError:
        return "nested too deeply: Python recursion limit reached while analysing"
    except MemoryError:
        return "out of memory while analysing"
    except Exception as exc:  # a front-end bug must cost one file, not the scan
        return f"internal error while analysing: {type(exc).__name__}: {_one_line(exc)}"


@dataclass
class ScanOptions:
    """How to run a scan (not what to report): parallelism and the facts cache."""

    jobs: int = 0  # 0 = one per core
    cache_dir: Path | None = None  # None = no cache


def _content_keys(files: list[SourceFile], cache: FactsCache, results: dict[str, ModuleFacts | str],
                  max_bytes: int = 0) -> tuple[dict[str, str], dict[str, bytes]]:
    """Key every file by its content (for the caches): read it once, unless its size,
    modification time and inode are those the last scan recorded with its key."""
    keys: dict[str, str] = {}
    datas: dict[str, bytes] = {}
    known = cache.stat_keys()
    for sf in files:
        rec = known.get(sf.display)
        if rec is not None and sf.mtime_ns and rec[:3] == (sf.size, sf.mtime_ns, sf.inode) and \
                (not max_bytes or sf.size <= max_bytes):
            keys[sf.display] = rec[3]
            continue
        data = read_source(sf, max_bytes)
        if isinstance(data, str):
            results[sf.display] = data
            continue
        keys[sf.display] = entry_key(data, sf.display, sf.language)
        datas[sf.display] = data
    return keys, datas


def _extract_all(files: list[SourceFile], options: ScanOptions, stats: Stats, skipped: list[tuple[str, str]],
                 cache: FactsCache | None, keys: dict[str, str], datas: dict[str, bytes],
                 unreadable: dict[str, ModuleFacts | str], limits: Limits | None = None,
                 extracted: dict[str, ModuleFacts] | None = None) -> dict[str, ModuleFacts]:
    """Facts of ``files``, from ``extracted`` (facts this scan has already extracted), the
    cache or the workers; files that could not be read (``unreadable``, display path ->
    reason) or analysed go to ``skipped``."""
    pending: list[workers.Job] = []
    results: dict[str, ModuleFacts | str] = {}
    cached: list[SourceFile] = []  # entries to load while the workers extract the rest
    for sf in files:
        if extracted and sf.display in extracted:
            results[sf.display] = extracted[sf.display]
            continue
        if sf.display in unreadable:
            results[sf.display] = unreadable[sf.display]
            continue
        if cache is not None and sf.display in keys:
            key = keys[sf.display]
            if cache.enabled and cache.has(key):
                cached.append(sf)
                continue
            pending.append(_job(sf, cache, key, datas, limits))
        else:
            pending.append(workers.Job(sf, limits=limits))

    def collect(display: str, res: ModuleFacts | str) -> None:
        results[display] = res

    missed: list[workers.Job] = []

    def load_cached() -> None:
        for sf in cached:
            hit = cache.get(keys[sf.display]) if cache is not None else None
            if hit is not None:
                results[sf.display] = hit
            else:  # damaged or foreign: extracted after all
                missed.append(_job(sf, cache, keys[sf.display], datas, limits))

    jobs = options.jobs or workers.default_jobs()
    workers.run(pending, jobs, collect, meanwhile=load_cached)
    if missed:
        workers.run(missed, jobs, collect)
    modules: dict[str, ModuleFacts] = {}
    for display in sorted(results):
        res = results[display]
        if isinstance(res, str):
            skipped.append((display, res))
        else:
            modules[display] = res
            stats.lines += res.lines
    if cache is not None:
        stats.cache_hits = cache.hits
    return modules


def _job(sf: SourceFile, cache: FactsCache | None, key: str, datas: dict[str, bytes],
         limits: Limits | None) -> workers.Job:
    """A file to extract whose facts go into the cache under ``key``."""
    if cache is None or not cache.enabled:
        return workers.Job(sf, datas.get(sf.display), limits=limits)
    cache.used.add(key)
    return workers.Job(sf, datas.get(sf.display), key, cache.dir, limits)


def _extract_imported_helpers(modules: dict[str, ModuleFacts], every_file: list[SourceFile],
                              production: list[SourceFile], root: Path, root_display: str, options: ScanOptions,
                              stats: Stats, skipped: list[tuple[str, str]], cache: FactsCache | None,
                              keys: dict[str, str], results: dict[str, ModuleFacts | str],
                              limits: Limits | None) -> dict[str, str]:
    """Analyse the non-production files that production code imports (and what they import
    in turn), adding them to ``modules``; return their content keys (for the result cache)."""
    from vcx.link import ImportedFiles

    chosen = {sf.display for sf in production}
    left = {sf.display: sf for sf in every_file if sf.display not in chosen}
    if not left:
        return {}
    imported = ImportedFiles({sf.display: sf.language for sf in every_file}, root, root_display)
    importers = modules
    helper_keys: dict[str, str] = {}
    while importers and left:
        reached = imported.reached(importers, set(left))
        if not reached:
            break
        batch = [left.pop(d) for d in sorted(reached)]
        new_keys: dict[str, str] = {}
        new_datas: dict[str, bytes] = {}
        if cache is not None:
            new_keys, new_datas = _content_keys(batch, cache, results, limits.max_file_bytes if limits else 0)
            keys.update(new_keys)
            helper_keys.update(new_keys)
        before = set(modules)
        modules.update(_extract_all(batch, options, stats, skipped, cache, keys, new_datas, results, limits))
        importers = {d: modules[d] for d in modules if d not in before}
    stats.non_production = len(left)
    return helper_keys


def _find_test_support(modules: dict[str, ModuleFacts], every_file: list[SourceFile], production: list[SourceFile],
                       root: Path, root_display: str, cwd: Path, options: ScanOptions, cache: FactsCache | None,
                       keys: dict[str, str], helper_keys: dict[str, str], limits: Limits | None) -> set[str]:
    """The production modules that are test support (``vcx.link.test_support``): in a folder named
    for it, imported by tests and by no production module. Only when there are such candidates
    are the tests that name their folder read and analysed (and not linked); every test then
    joins ``helper_keys``, so that a stored result is reused only while the tests are unchanged
    (an edit may add or remove an import of a candidate)."""
    from vcx.link import ImportedFiles, test_support
    from vcx.paths import project_relative, test_support_folder

    analysed = {sf.display for sf in production}
    candidates: dict[str, str] = {}  # display -> the folder name that makes it a candidate
    for display in analysed:
        if display in modules:
            folder = test_support_folder(project_relative(display, cwd, root))
            if folder is not None:
                candidates[display] = folder
    if not candidates:
        return set()
    imported = ImportedFiles({sf.display: sf.language for sf in every_file}, root, root_display)
    prod = {d: modules[d] for d in analysed if d in modules}
    importers = {d: m for d, m in prod.items() if d not in candidates}
    left = set(candidates) - imported.reached(importers, set(candidates))
    if not left:
        return set()
    # The tests (unanalysed, or helpers production code imports) that may import a candidate: an
    # import names its folder (`dispatch.plugins.dispatch_test.conference`, `../fakes/stripe`).
    names = {candidates[d].encode("utf-8", "surrogateescape") for d in left}
    tests = [sf for sf in every_file if sf.display not in analysed and sf.display not in modules]
    max_bytes = limits.max_file_bytes if limits else 0
    results: dict[str, ModuleFacts | str] = {}
    test_keys: dict[str, str] = {}
    chosen: list[SourceFile] = []
    datas: dict[str, bytes] = {}
    for sf in tests:
        data = read_source(sf, max_bytes)
        if isinstance(data, str):
            continue
        test_keys[sf.display] = entry_key(data, sf.display, sf.language)
        if any(n in data for n in names):
            chosen.append(sf)
            datas[sf.display] = data
    helper_keys.update(test_keys)
    keys.update(test_keys)
    importing = {d: m for d, m in modules.items() if d not in analysed}  # helpers: tests too
    if chosen:
        importing.update(_extract_all(chosen, options, Stats(), [], cache, keys, datas, results, limits))
    return test_support(imported, prod, left, importing)


def _stored_result(cache: FactsCache, results_key: str, every_file: list[SourceFile], files: list[SourceFile],
                   keys: dict[str, str], read_some: bool, limits: Limits, stats: Stats) -> ScanResult | None:
    """The stored result of an earlier scan with the same inputs, with this scan's stats."""
    stored = cache.get_results(results_key)
    if stored is None or not _unchanged(stored[1], every_file, limits) or not project_files_unchanged(stored[2]):
        return None
    hit = stored[0]
    if read_some:  # some files were read (changed, or too recent to trust): remember their keys
        cache.put_stat_keys({sf.display: (sf.size, sf.mtime_ns, sf.inode, keys[sf.display])
                             for sf in files if sf.display in keys and sf.mtime_ns})
    stats.seconds["extract"] = 0.0  # measured by the caller; here for the order of --stats
    for stage in ("link", "check", "filter"):
        stats.seconds[stage] = 0.0  # not run: the stored result is reused
    stats.result_cached = True
    stats.files, stats.lines, stats.cache_hits = hit.stats.files, hit.stats.lines, len(keys)
    stats.non_production = hit.stats.non_production
    stats.skipped = len(hit.skipped)
    hit.stats = stats
    return hit


def _reuse_last_result(cache: FactsCache, frame: str, keys: dict[str, str], files: list[SourceFile],
                       every_file: list[SourceFile], options: ScanOptions, stats: Stats, datas: dict[str, bytes],
                       limits: Limits, extracted: dict[str, ModuleFacts]
                       ) -> tuple[ScanResult, dict[str, str], ProjectFiles] | None:
    """The last scan's result (and its helpers' content keys), when the files that changed
    since changed nothing vcx reads: their facts are those of the last scan, positions
    included (a comment edited, text added after the last statement). Only the changed files
    are extracted, and only their findings' source lines and fingerprints are renewed.

    Any other edit runs the whole scan (with the facts extracted here, left in ``extracted``):
    findings depend on the callers and callees of what changed, and their messages name
    lines elsewhere."""
    last = cache.last_result()
    if last is None:
        return None
    last_frame, last_key, last_keys = last
    if last_frame != frame or last_keys.keys() != keys.keys():
        return None
    changed = [sf for sf in files if keys[sf.display] != last_keys[sf.display]]
    if not changed or len(changed) > max(REUSE_MAX_CHANGED, len(files) // 20):
        return None  # many changed files: the chance that none changed a fact is small
    before: dict[str, dict[str, object]] = {}
    for sf in changed:
        facts = cache.raw_facts(last_keys[sf.display])
        # Whether a "vcx: ignore" applies depends on the text of its line, not in the facts.
        if facts is None or facts.get("suppressions"):
            return None
        before[sf.display] = facts
    stored = cache.get_results(last_key)
    if stored is None or not _unchanged(stored[1], every_file, limits) or not project_files_unchanged(stored[2]):
        return None
    result, helper_keys, project_files = stored
    # Nothing else is loaded meanwhile: on a machine whose cores all run workers, loading the
    # other files' facts in case the whole scan follows slowed the workers more than it saved.
    skipped: list[tuple[str, str]] = []
    modules = _extract_all(changed, options, Stats(), skipped, cache, keys, datas, {}, limits)
    extracted.update(modules)
    if skipped:
        return None
    lines = result.stats.lines
    for display, old in before.items():
        new = json.loads(dumps(modules[display]))
        if any(new[k] != old.get(k) for k in new if k != "lines") or new.keys() != old.keys():
            return None
        lines += modules[display].lines - int(old["lines"])  # type: ignore[call-overload]
    touched = set(before)
    _attach_source_lines([f for f in result.findings if f.path in touched], changed)
    assign_fingerprints(result.findings)
    stats.seconds["extract"] = 0.0  # measured by the caller; here for the order of --stats
    for stage in ("link", "check", "filter"):
        stats.seconds[stage] = 0.0  # not run: the last result is reused
    stats.result_cached = True
    stats.files, stats.lines = result.stats.files, lines
    stats.cache_hits = len(keys) + len(helper_keys) - len(changed)
    stats.non_production = result.stats.non_production
    stats.skipped = len(result.skipped)
    result.stats = stats
    return result, helper_keys, project_files


REUSE_MAX_CHANGED = 20  # files, or 5 % of them: more changed files and the scan runs in full


def _unchanged(helper_keys: dict[str, str], every_file: list[SourceFile], limits: Limits) -> bool:
    """Whether the non-production helpers an earlier scan analysed still have the content it saw."""
    by_display = {sf.display: sf for sf in every_file}
    for display, key in helper_keys.items():
        sf = by_display.get(display)
        data = read_source(sf, limits.max_file_bytes) if sf is not None else ""
        if isinstance(data, str) or entry_key(data, sf.display, sf.language) != key:  # type: ignore[union-attr]
            return False
    return True


def selected_rules(config: Config) -> list[Rule]:
    from vcx.rules import all_rules

    return [r() for r in all_rules() if config.rule_enabled(r)]


def scan(paths: list[Path], config: Config, cwd: Path | None = None,
         options: ScanOptions | None = None) -> ScanResult:
    """Scan ``paths``. vcx's own process runs the scan with the cyclic garbage collector off:
    it holds millions of facts (rebuilt from the workers' results or the cache) that contain
    no reference cycles, and every collection walked them again for nothing: a fifth of this
    process's CPU on outline. Extracting 1,843 files in this process (``--jobs 1``) and
    checking them leaves about 8,000 objects in cycles, collected once the scan is over; the
    workers collect as usual (``workers.tune_gc``)."""
    cwd = cwd or Path.cwd()
    # The baseline and the changed lines come first: a bad file or revision fails fast.
    recorded = changes = None
    if config.baseline is not None:
        from vcx import baseline

        recorded = baseline.load(config.baseline, config.baseline_origin or "--baseline")
    if config.diff_ref is not None:
        from vcx.gitdiff import changes as changed_lines

        changes = changed_lines(config.diff_ref, paths)
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = _scan(paths, config, cwd, options)
        # After the result cache, on a stored result as on a fresh one.
        from vcx.filter import narrow

        t0 = time.perf_counter()
        narrow(result, config, paths, cwd, recorded, changes)
        result.stats.seconds["filter"] = result.stats.seconds.get("filter", 0.0) + time.perf_counter() - t0
        return result
    finally:
        if collecting:
            gc.enable()


def _scan(paths: list[Path], config: Config, cwd: Path | None = None,
          options: ScanOptions | None = None) -> ScanResult:
    cwd = cwd or Path.cwd()
    stats = Stats()
    t0 = time.perf_counter()
    root = paths[0].resolve() if paths else cwd
    if root.is_file():
        root = root.parent

    judged: dict[str, bool] = {}
    reset_caches()  # the package.json files paths.py read for an earlier scan may have changed

    def non_production(display: str) -> bool:
        hit = judged.get(display)
        if hit is None:
            hit = judged[display] = is_non_production_file(display, cwd, root)
        return hit

    found = discover(paths, cwd, config.exclude_patterns, config.max_file_bytes, config.follow_symlinks,
                     exclude_base=config.root, default_excludes=config.default_excludes,
                     counted_only=non_production)
    stats.seconds["discover"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    options = options or ScanOptions()
    limits = config.limits
    skipped = list(found.skipped)
    # Tests, migrations and seeds get no findings and their calls count as no caller of
    # production code (RULES.md), so they are not read, parsed or linked at all: on a
    # test-heavy tree (saleor: 76 % of the lines) this is most of the scan's work saved.
    files = [sf for sf in found.files if not non_production(sf.display)]
    stats.non_production = len(found.files) - len(files)
    cache: FactsCache | None = None
    keys: dict[str, str] = {}
    datas: dict[str, bytes] = {}
    early: dict[str, ModuleFacts | str] = {}
    results_key = frame = ""
    analysed_keys: dict[str, str] = {}
    extracted: dict[str, ModuleFacts] = {}
    if options.cache_dir is not None:
        cache = FactsCache(options.cache_dir)
        cache.prepare()
        keys, datas = _content_keys(files, cache, early, limits.max_file_bytes)
        if cache.enabled:
            unanalysed = sorted(sf.display for sf in found.files if sf.display not in keys and sf.display not in early)
            # The rules that run follow from the settings (in the key) and vcx's code (in STAMP).
            frame = frame_key(found.skipped, early, config, root, unanalysed, found.manifests)
            results_key = result_key(frame, keys)
            analysed_keys = dict(keys)
            hit = _stored_result(cache, results_key, found.files, files, keys, bool(datas), limits, stats)
            if hit is None:
                reused = _reuse_last_result(cache, frame, keys, files, found.files, options, stats, datas, limits,
                                            extracted)
                if reused is not None:
                    hit, helper_keys, project_files = reused
                    keys.update(helper_keys)
                    _remember(cache, hit, results_key, frame, analysed_keys, helper_keys, found.files, keys,
                              project_files)
            if hit is not None:  # nothing that decides the result changed since the last scan
                stats.seconds["extract"] = time.perf_counter() - t0
                return hit
    modules = _extract_all(files, options, stats, skipped, cache, keys, datas, early, limits, extracted)
    # Which module an import reaches depends on tsconfig and package.json files: a stored result
    # holds only while those link read (or looked for) are as they were.
    with recording(found.folders, found.manifest_paths) as project_files:
        root_display = display_path(root, cwd or Path.cwd())
        helpers = _extract_imported_helpers(modules, found.files, files, root, root_display,
                                            options, stats, skipped, cache, keys, early, limits)
        datas.clear()
        # Test support in a production folder: analysed, but counted and treated as test code.
        support = _find_test_support(modules, found.files, files, root, root_display, cwd, options, cache, keys,
                                     helpers, limits)
        stats.seconds["extract"] = time.perf_counter() - t0
        stats.files = len(modules) - len(support)
        stats.lines -= sum(modules[d].lines for d in support)
        stats.non_production += len(support)

        from vcx.filter import apply_filters
        from vcx.link import link

        rules = selected_rules(config)
        t0 = time.perf_counter()
        project = link(modules, root, cwd, support)
        stats.seconds["link"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        findings: list[Finding] = []
        for rule in rules:
            if not any(m.language in _langs(rule) for m in modules.values()):
                continue
            findings.extend(rule.check(project))
        stats.seconds["check"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        kept, suppressed = apply_filters(findings, project, config, cwd, floor=False)  # floor: narrow
        _attach_source_lines(kept, found.files)
        assign_fingerprints(kept)
        kept.sort(key=Finding.sort_key)
        stats.seconds["filter"] = time.perf_counter() - t0
        skipped.sort()
        stats.skipped = len(skipped)
        warnings: list[str] = []
        result = ScanResult(findings=kept, skipped=skipped, stats=stats, suppressed=suppressed, warnings=warnings)
        if cache is not None:
            if cache.warning:
                warnings.append(cache.warning)
            else:
                _remember(cache, result, results_key, frame, analysed_keys, helpers, found.files, keys,
                          project_files)
        return result


def _remember(cache: FactsCache, result: ScanResult, results_key: str, frame: str, analysed_keys: dict[str, str],
              helpers: dict[str, str], every_file: list[SourceFile], keys: dict[str, str],
              project_files: ProjectFiles) -> None:
    """Store a scan's result and what the next scan needs to recognise unchanged files;
    prune the entries of files that changed or are gone."""
    if results_key:
        cache.put_results(results_key, result, helpers, frame, analysed_keys, project_files)
    by_display = {sf.display: sf for sf in every_file if sf.display in keys}
    cache.prune({os.path.abspath(by_display[d].path): k for d, k in keys.items() if d in by_display})
    cache.put_stat_keys({d: (sf.size, sf.mtime_ns, sf.inode, keys[d]) for d, sf in by_display.items()
                         if sf.mtime_ns})


def _langs(rule: Rule) -> tuple[str, ...]:
    langs = rule.languages
    return (*langs, "tsx") if "typescript" in langs else langs


def _attach_source_lines(findings: list[Finding], files: list[SourceFile]) -> None:
    by_path = {sf.display: sf.path for sf in files}
    cache: dict[str, list[str]] = {}
    for f in findings:
        if f.path not in cache:
            try:
                with open(by_path[f.path], encoding="utf-8", errors="replace") as fh:
                    cache[f.path] = fh.read().splitlines()
            except (OSError, KeyError):
                cache[f.path] = []
        lines = cache[f.path]
        f.source_line = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
