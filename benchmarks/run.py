"""Measure vcx against the performance targets: cold, warm, warm after a 1 % change,
a parse-only pass and (optionally) Semgrep CE with equivalent rules, on whole code bases.

    python benchmarks/run.py PATH [PATH ...] [--vs-semgrep] [--jobs N] [--repeat N]
                             [--sizes] [--json] [--python PY] [--semgrep EXE]

Every measurement is a fresh subprocess, waited for with ``os.wait4``: its wall seconds,
CPU seconds (user + system of the process and of the worker processes it waited for) and
peak RSS (the largest single process, vcx or one of its workers). The parent also samples
the memory of the whole process tree (main + workers: the sum of
each process's proportional set size, PSS, so that pages a forked worker shares with its
parent count once) every 0.25 s.

Each PATH is copied once to ``<workdir>/bench-<name>`` (without ``.git`` and without a
``.vcx_cache``): every run reads the copy, the 1 % change is made there and undone after
each repeat, and the checkout itself is never modified. Per repeat, in this order:

1. parse-only: one process discovers the files as ``vcx scan`` would and tree-sitter
   parses each (read + decode + parse, nothing else);
2. vcx cold, ``--no-cache``;
3. vcx cold with an empty cache directory (it writes the cache);
4. vcx warm, nothing changed (same cache directory);
5. vcx warm after appending a comment line to 1 % of the files (chosen by a hash of their
   path, so the same files every time): an edit that changes no fact, whose last result
   vcx reuses;
6. vcx warm after appending a small function to the same files instead (after a warm run
   on the restored files): an edit that changes facts, which runs link and check in full;
7. with ``--vs-semgrep``: ``semgrep scan`` with ``benchmarks/peer-rules`` on exactly the
   files vcx scans (named on the command line, so no ignore file drops any of them).

``--sizes`` adds a linearity check: 25 %, 50 % and 100 % of the files (nested subsets,
copied to temporary folders), vcx cold ``--no-cache`` and parse-only on each, reported as
seconds per 100k lines.

vcx's modules are compiled to bytecode before the first run, as ``pip install`` does.

Record the 1-minute load average with every number: on a shared machine wall times vary
a lot, CPU seconds much less.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEER_RULES = HERE / "peer-rules"
COMMENT = {"python": b"\n# vcx benchmark: touched\n"}
JS_COMMENT = b"\n// vcx benchmark: touched\n"
# The "code" edit: a new function, so the file's facts change (vcx must link and check again).
CODE = {"python": b"\n\n\ndef vcx_benchmark_touched():\n    return 1\n"}
JS_CODE = b"\nfunction vcxBenchmarkTouched() { return 1; }\n"

TARGETS = {  # name -> (limit, description)
    "cold_vs_semgrep_wall": (0.2, "cold wall / Semgrep wall"),
    "cold_cpu_vs_parse_cpu": (2.5, "cold CPU / parse-only CPU"),
    "warm_vs_cold_wall": (0.1, "warm (no change) wall / cold wall"),
    "warm1_vs_cold_wall": (0.2, "warm after 1 % comment edit wall / cold"),
    "warm1_code_vs_cold_wall": (0.2, "warm after 1 % code edit wall / cold"),
    "peak_rss_gb": (1.0, "peak memory of the process tree (PSS), GB"),
}


# --------------------------------------------------------------------------- child: parse-only


def child_parse(root: str) -> dict[str, object]:
    """Discover the files ``vcx scan ROOT`` would analyse and tree-sitter parse each one."""
    t_start = time.process_time()
    from vcx import parse
    from vcx.config import load_config
    from vcx.discover import discover
    from vcx.paths import is_non_production, project_relative
    from vcx.pipeline import read_source

    target = Path(root)
    cwd = Path.cwd()
    config = load_config([target])
    found = discover([target], cwd, config.exclude_patterns, config.max_file_bytes, config.follow_symlinks,
                     exclude_base=config.root, default_excludes=config.default_excludes)
    t0, c0 = time.perf_counter(), time.process_time()
    lines = size = 0
    files: list[list[object]] = []
    failed = 0
    production_cpu = 0.0
    top = target.resolve()
    for sf in found.files:
        f0 = time.process_time()
        data = read_source(sf, config.max_file_bytes)
        if isinstance(data, str):
            failed += 1
            continue
        try:
            src = parse.decode(data, sf.language)
            parse.parse(src, sf.language)
        except Exception:
            failed += 1
            continue
        lines += src.count(b"\n") + (0 if src.endswith(b"\n") or not src else 1)
        size += len(src)
        # The files vcx analyses: tests, migrations and seeds are only counted (see vcx.paths).
        production = not is_non_production(project_relative(sf.display, cwd, top))
        if production:
            production_cpu += time.process_time() - f0
        files.append([sf.display, sf.language, production])
    return {
        "files": len(files), "lines": lines, "bytes": size, "unparsed": failed,
        "discover_skipped": len(found.skipped),
        "parse_wall": round(time.perf_counter() - t0, 3), "parse_cpu": round(time.process_time() - c0, 3),
        "parse_cpu_production": round(production_cpu, 3), "production_files": sum(1 for f in files if f[2]),
        "setup_cpu": round(c0 - t_start, 3), "file_list": files,
    }


# --------------------------------------------------------------------------- measuring a subprocess


def _rss_mb(ru_maxrss: int) -> float:
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _tree_rss_mb(pid: int) -> float:
    """Memory of the process tree: the sum of each process's PSS (shared pages, e.g. those a
    forked worker shares with its parent, are divided between the sharers), or of its RSS
    where PSS is not available."""
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for p in _descendants(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as fh:
                total += next(int(ln.split()[1]) for ln in fh if ln.startswith("Pss:")) * 1024
            continue
        except (OSError, StopIteration, ValueError):
            pass
        try:
            with open(f"/proc/{p}/statm", encoding="ascii") as fh:
                total += int(fh.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total / (1024 * 1024)


def run_measured(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run argv to completion; wall, CPU (self + waited-for children), peak RSS."""
    load = os.getloadavg()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        peak_tree = 0.0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.is_set():
                if os.path.exists("/proc/self/statm"):
                    peak_tree = max(peak_tree, _tree_rss_mb(proc.pid))
                done.wait(0.25)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "exit_code": proc.returncode,
            "wall": round(wall, 3),
            "cpu": round(usage.ru_utime + usage.ru_stime, 3),
            "user": round(usage.ru_utime, 3),
            "sys": round(usage.ru_stime, 3),
            "peak_rss_mb": round(_rss_mb(usage.ru_maxrss), 1),
            "peak_tree_rss_mb": round(max(peak_tree, _rss_mb(usage.ru_maxrss)), 1),
            "load_before": [round(x, 2) for x in load],
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace")[-3000:],
        }


# --------------------------------------------------------------------------- the measurements


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.python = args.python or sys.executable
        self.semgrep = args.semgrep or shutil.which("semgrep") or "/tmp/semgrep-venv/bin/semgrep"
        self.env = dict(os.environ, NO_COLOR="1", SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")

    def parse_only(self, tree: Path) -> dict[str, object]:
        res = run_measured([self.python, str(Path(__file__).resolve()), "--child-parse", "."], tree, self.env)
        if res["exit_code"] != 0:
            raise SystemExit(f"parse-only child failed in {tree}:\n{res['stderr']}")
        data = json.loads(str(res.pop("stdout")))
        res.update({k: v for k, v in data.items()})
        return res

    def _run_with_report(self, argv: list[str], tree: Path,
                         report: Path) -> tuple[dict[str, object], dict[str, Any]]:
        """Run a scanner that writes a JSON report to ``report``: its measurements and the report
        ({} when it wrote none or an invalid one); the report file is removed."""
        res = run_measured(argv, tree, self.env)
        res.pop("stdout")
        try:
            doc = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = {}
        finally:
            report.unlink(missing_ok=True)
        return res, doc if isinstance(doc, dict) else {}

    def vcx(self, tree: Path, cache_dir: Path | None) -> dict[str, object]:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            report = Path(fh.name)
        argv = [self.python, "-m", "vcx", "scan", ".", "--format", "json", "--stats", "-o", str(report),
                "--jobs", str(self.args.jobs)]
        argv += ["--cache-dir", str(cache_dir)] if cache_dir else ["--no-cache"]
        res, doc = self._run_with_report(argv, tree, report)
        if res["exit_code"] not in (0, 1) or not doc:
            res["error"] = f"vcx exited {res['exit_code']}"
            return res
        summary = doc.get("summary", {})
        stats = summary.get("stats", {})
        res.update(files=summary.get("files"), lines=summary.get("lines"), findings=len(doc.get("findings", [])),
                   skipped=len(doc.get("skipped", [])), cache_hits=stats.get("cache_hits"),
                   result_cached=stats.get("result_cached"), stages=stats.get("seconds", {}))
        return res

    def semgrep_run(self, tree: Path, files: list[str]) -> dict[str, object]:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            report = Path(fh.name)
        argv = [self.semgrep, "scan", "--config", str(PEER_RULES), "--metrics=off", "--jobs", str(self.args.jobs),
                "--json", "--quiet", "-o", str(report), "--no-git-ignore", "--max-target-bytes=0", *files]
        res, doc = self._run_with_report(argv, tree, report)
        if not doc:
            res["error"] = f"semgrep exited {res['exit_code']}"
            return res
        res.update(files=len(doc.get("paths", {}).get("scanned", [])), findings=len(doc.get("results", [])),
                   errors=len(doc.get("errors", [])),
                   error_kinds=sorted({str(e.get("type")) for e in doc.get("errors", [])})[:10])
        return res


def copy_tree(src: Path, dst: Path) -> None:
    """A working copy without VCS data or vcx caches (an empty .git marks the root, as in the checkout)."""
    if dst.exists():
        return
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(".git", ".vcx_cache"))
    if (src / ".git").exists():
        (dst / ".git").mkdir(exist_ok=True)


def _order(files: list[str]) -> list[str]:
    return sorted(files, key=lambda f: hashlib.sha1(f.encode("utf-8", "surrogateescape")).hexdigest())


def touch_files(tree: Path, files: list[list[object]], fraction: float, kind: str = "comment") -> dict[str, bytes]:
    """Append a comment line (``kind`` "comment") or a small function ("code") to as many
    files as ``fraction`` of all files, all of them files vcx analyses (a change to a test
    file, which vcx does not analyse, would cost it nothing: this is the demanding case);
    return their original contents."""
    lang = {str(f): str(lg) for f, lg, _ in files}
    analysed = [str(f) for f, _, production in files if production]
    chosen = _order(analysed)[:max(1, math.ceil(len(lang) * fraction))]
    saved: dict[str, bytes] = {}
    for rel in chosen:
        p = tree / rel
        saved[rel] = p.read_bytes()
        with open(p, "ab") as fh:
            if kind == "code":
                fh.write(CODE.get(lang[rel], JS_CODE))
            else:
                fh.write(COMMENT.get(lang[rel], JS_COMMENT))
    return saved


def restore(tree: Path, saved: dict[str, bytes]) -> None:
    for rel, data in saved.items():
        (tree / rel).write_bytes(data)


def _git_head(path: Path) -> str | None:
    proc = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def _med(runs: list[dict[str, object]], key: str) -> tuple[float | None, float | None]:
    vals = [float(r[key]) for r in runs if key in r and "error" not in r]  # type: ignore[arg-type]
    if not vals:
        return None, None
    return statistics.median(vals), min(vals)


def bench_tree(b: Bench, path: Path) -> dict[str, object]:
    args = b.args
    name = path.resolve().name
    work = Path(args.workdir)
    tree = work / f"bench-{name}"
    copy_tree(path, tree)
    cache = work / f"bench-{name}-cache"
    runs: dict[str, list[dict[str, object]]] = {k: [] for k in
                                                ("parse", "cold", "cold_cache", "warm", "warm1", "warm1_code",
                                                 "semgrep", "semgrep_prod")}
    files: list[list[object]] = []
    for rep in range(1, args.repeat + 1):
        p = b.parse_only(tree)
        files = p.pop("file_list")  # type: ignore[assignment]
        runs["parse"].append(p)
        _progress(name, rep, "parse-only", p)
        runs["cold"].append(b.vcx(tree, None))
        _progress(name, rep, "vcx cold --no-cache", runs["cold"][-1])
        shutil.rmtree(cache, ignore_errors=True)
        runs["cold_cache"].append(b.vcx(tree, cache))
        _progress(name, rep, "vcx cold, empty cache", runs["cold_cache"][-1])
        runs["warm"].append(b.vcx(tree, cache))
        _progress(name, rep, "vcx warm", runs["warm"][-1])
        for kind, key in (("comment", "warm1"), ("code", "warm1_code")):
            saved = touch_files(tree, files, 0.01, kind)
            try:
                r = b.vcx(tree, cache)
                r["touched"] = len(saved)
                runs[key].append(r)
                _progress(name, rep, f"vcx warm, {kind} added to {len(saved)} files", r)
            finally:
                restore(tree, saved)
            b.vcx(tree, cache)  # the restored files: the next edit starts from the same state
        if args.vs_semgrep:
            runs["semgrep"].append(b.semgrep_run(tree, [str(f) for f, _, _ in files]))
            _progress(name, rep, "semgrep", runs["semgrep"][-1])
            # The same rules with vcx's own exclusion: the files tests, migrations and seeds are not.
            runs["semgrep_prod"].append(b.semgrep_run(tree, [str(f) for f, _, prod in files if prod]))
            _progress(name, rep, "semgrep, analysed files only", runs["semgrep_prod"][-1])
    shutil.rmtree(cache, ignore_errors=True)
    out: dict[str, object] = {"path": str(path), "name": name, "commit": _git_head(path), "copy": str(tree),
                              "runs": runs}
    out["sizes"] = bench_sizes(b, name, tree, files) if args.sizes else None
    out["summary"] = summarize(runs)
    return out


def bench_sizes(b: Bench, name: str, tree: Path, files: list[list[object]]) -> list[dict[str, object]]:
    order = _order([str(f) for f, _, _ in files])
    rows = []
    base = Path(b.args.workdir) / f"bench-{name}-sizes"
    for pct in (25, 50, 100):
        sub = base / str(pct)
        if not sub.exists():
            for rel in order[:math.ceil(len(order) * pct / 100)]:
                (sub / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(tree / rel, sub / rel)
            (sub / ".git").mkdir(exist_ok=True)
        parse_runs, cold_runs = [], []
        for rep in range(1, b.args.repeat + 1):
            p = b.parse_only(sub)
            p.pop("file_list")
            parse_runs.append(p)
            cold_runs.append(b.vcx(sub, None))
            _progress(f"{name} {pct}%", rep, "vcx cold --no-cache", cold_runs[-1])
        lines = int(cold_runs[0].get("lines") or parse_runs[0]["lines"])  # type: ignore[arg-type]
        row: dict[str, object] = {"percent": pct, "files": cold_runs[0].get("files"), "lines": lines,
                                  "parse_runs": parse_runs, "cold_runs": cold_runs}
        for label, rs, key in (("cold_wall", cold_runs, "wall"), ("cold_cpu", cold_runs, "cpu"),
                               ("parse_cpu", parse_runs, "cpu")):
            med, lo = _med(rs, key)
            row[label] = med
            row[label + "_min"] = lo
            row[label + "_per_100k"] = round(med / lines * 100_000, 3) if med and lines else None
        row["load_before"] = [r["load_before"] for r in cold_runs]
        rows.append(row)
    return rows


def summarize(runs: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    s: dict[str, object] = {}
    for k, rs in runs.items():
        if not rs:
            continue
        for key in ("wall", "cpu", "peak_rss_mb", "peak_tree_rss_mb"):
            med, lo = _med(rs, key)
            s[f"{k}_{key}"] = med
            s[f"{k}_{key}_min"] = lo
    ratios: dict[str, float | None] = {}

    def ratio(a: str, c: str) -> float | None:
        x, y = s.get(a), s.get(c)
        return round(float(x) / float(y), 3) if x is not None and y else None  # type: ignore[arg-type]

    ratios["cold_vs_semgrep_wall"] = ratio("cold_wall", "semgrep_wall")
    ratios["cold_vs_semgrep_cpu"] = ratio("cold_cpu", "semgrep_cpu")
    ratios["cold_vs_semgrep_prod_wall"] = ratio("cold_wall", "semgrep_prod_wall")
    ratios["cold_cpu_vs_parse_cpu"] = ratio("cold_cpu", "parse_cpu")
    # Against a parse of the analysed files only (interpreter start-up and discovery included).
    parse_prod = [float(r["cpu"]) - float(r["parse_cpu"]) + float(r["parse_cpu_production"])  # type: ignore[arg-type]
                  for r in runs.get("parse", []) if "parse_cpu_production" in r]
    s["parse_prod_cpu"] = statistics.median(parse_prod) if parse_prod else None
    ratios["cold_cpu_vs_parse_prod_cpu"] = ratio("cold_cpu", "parse_prod_cpu")
    ratios["warm_vs_cold_wall"] = ratio("warm_wall", "cold_wall")
    ratios["warm_vs_cold_cpu"] = ratio("warm_cpu", "cold_cpu")
    ratios["warm1_vs_cold_wall"] = ratio("warm1_wall", "cold_wall")
    ratios["warm1_vs_cold_cpu"] = ratio("warm1_cpu", "cold_cpu")
    ratios["warm1_code_vs_cold_wall"] = ratio("warm1_code_wall", "cold_wall")
    ratios["warm1_code_vs_cold_cpu"] = ratio("warm1_code_cpu", "cold_cpu")
    peaks = [float(r["peak_tree_rss_mb"]) for k in ("cold", "cold_cache", "warm", "warm1", "warm1_code")  # type: ignore[arg-type]
             for r in runs.get(k, []) if "peak_tree_rss_mb" in r]
    ratios["peak_rss_gb"] = round(max(peaks) / 1024, 3) if peaks else None
    s["ratios"] = ratios
    s["targets"] = {k: (None if ratios.get(k) is None else ratios[k] <= lim)  # type: ignore[operator]
                    for k, (lim, _) in TARGETS.items()}
    return s


def _progress(name: str, rep: int, what: str, r: dict[str, object]) -> None:
    if "error" in r:
        msg = f"ERROR {r['error']}: {str(r.get('stderr', ''))[-500:]}"
    else:
        msg = (f"wall {r['wall']:.2f}s cpu {r['cpu']:.2f}s rss {r['peak_rss_mb']:.0f}/{r['peak_tree_rss_mb']:.0f} MB "
               f"load {r['load_before'][0]}")
    print(f"[{name} #{rep}] {what}: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- report


def compile_vcx(b: Bench) -> str:
    """Compile vcx's modules to bytecode first, as ``pip install`` does: a run that compiled
    them again each time (an editable install under ``PYTHONDONTWRITEBYTECODE=1``, as on the
    machines of the runs recorded before 2026-11-26 05:20) measures the compiler, not vcx."""
    code = "import vcx, os; print(os.path.dirname(vcx.__file__))"
    pkg = subprocess.run([b.python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run([b.python, "-m", "compileall", "-q", pkg], check=True)
    return f"compiled ({pkg}); PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}"


def versions(b: Bench) -> dict[str, object]:
    code = ("import json, importlib.metadata as m, platform\n"
            "out = {'python': platform.python_version()}\n"
            "for p in ('vcx', 'tree-sitter', 'tree-sitter-python', 'tree-sitter-javascript',"
            " 'tree-sitter-typescript', 'pathspec'):\n"
            "    try: out[p] = m.version(p)\n"
            "    except m.PackageNotFoundError: out[p] = None\n"
            "import vcx, vcx.cache; out['vcx_location'] = vcx.__file__; out['vcx_code_fingerprint'] = vcx.cache.CODE\n"
            "print(json.dumps(out))")
    v = json.loads(subprocess.run([b.python, "-c", code], capture_output=True, text=True, check=True).stdout)
    cpu = None
    mem = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    if b.args.vs_semgrep:
        sv = subprocess.run([b.semgrep, "--version"], capture_output=True, text=True, env=b.env).stdout.strip()
        v["semgrep"] = sv or None
    repo = subprocess.run(["git", "-C", str(HERE), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    v.update(cpus=os.cpu_count(), cpu_model=cpu, memory_gb=mem, platform=platform.platform(),
             repo_commit=repo.strip() or None, jobs=b.args.jobs, repeat=b.args.repeat)
    return v


def _f(x: object, nd: int = 2) -> str:
    return "-" if x is None else f"{float(x):.{nd}f}"  # type: ignore[arg-type]


def render(results: list[dict[str, object]], machine: dict[str, object]) -> str:
    lines = [f"machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB, "
             f"Python {machine['python']}, vcx {machine['vcx']} ({machine['vcx_code_fingerprint']}), "
             f"semgrep {machine.get('semgrep', '-')}, jobs {machine['jobs']}, repeat {machine['repeat']}"]
    labels = {"parse": "parse-only (1 process)", "cold": "vcx cold --no-cache", "cold_cache": "vcx cold, empty cache",
              "warm": "vcx warm, no change", "warm1": "vcx warm, 1 % comment", "warm1_code": "vcx warm, 1 % code",
              "semgrep": "semgrep CE",
              "semgrep_prod": "semgrep CE, analysed only"}
    for res in results:
        runs: dict[str, list[dict[str, object]]] = res["runs"]  # type: ignore[assignment]
        s: dict[str, object] = res["summary"]  # type: ignore[assignment]
        p0 = runs["parse"][0]
        lines.append("")
        lines.append(f"{res['name']} ({res['path']} @ {res['commit']}): {p0['files']:,} files, {p0['lines']:,} lines")
        lines.append(f"{'':26} {'wall med (min)':>16} {'CPU med (min)':>16} {'RSS max proc':>13} "
                     f"{'PSS tree':>9}  load before")
        for k, label in labels.items():
            if not runs.get(k):
                continue
            loads = ",".join(str(r["load_before"][0]) for r in runs[k])  # type: ignore[index]
            lines.append(f"{label:26} {_f(s[k + '_wall']):>7} ({_f(s[k + '_wall_min']):>6}) "
                         f"{_f(s[k + '_cpu']):>7} ({_f(s[k + '_cpu_min']):>6}) "
                         f"{_f(s[k + '_peak_rss_mb'], 0):>10} MB {_f(s[k + '_peak_tree_rss_mb'], 0):>6} MB  {loads}")
        extra = runs["cold"][0]
        if "error" not in extra:
            lines.append(f"  vcx: {extra['files']:,} files, {extra['lines']:,} lines, {extra['findings']} findings; "
                         f"stages (cold #1) " + " ".join(f"{k} {v:.2f}" for k, v in extra["stages"].items()))  # type: ignore[union-attr]
        if runs.get("semgrep") and "error" not in runs["semgrep"][0]:
            sg = runs["semgrep"][0]
            lines.append(f"  semgrep: {sg['files']:,} files scanned, {sg['findings']} findings, {sg['errors']} errors")
        ratios: dict[str, float | None] = s["ratios"]  # type: ignore[assignment]
        targets: dict[str, bool | None] = s["targets"]  # type: ignore[assignment]
        for k, (lim, desc) in TARGETS.items():
            met = targets.get(k)
            verdict = "n/a" if met is None else ("MET" if met else "NOT MET")
            lines.append(f"  {desc:42} {_f(ratios.get(k), 3):>7}  target <= {lim}  {verdict}")
        if s.get("parse_prod_cpu") is not None:
            lines.append(f"  parse-only CPU of the files vcx analyses (start-up and discovery included): "
                         f"{_f(s['parse_prod_cpu'])} s ({p0.get('production_files')} files)")
        for k in ("cold_vs_semgrep_cpu", "cold_vs_semgrep_prod_wall", "cold_cpu_vs_parse_prod_cpu",
                  "warm_vs_cold_cpu", "warm1_vs_cold_cpu", "warm1_code_vs_cold_cpu"):
            if ratios.get(k) is not None:
                lines.append(f"  {k.replace('_', ' '):42} {_f(ratios[k], 3):>7}  (for reference)")
        if res.get("sizes"):
            lines.append("  linearity (vcx cold --no-cache, median):")
            lines.append(f"  {'%':>5} {'files':>6} {'lines':>9} {'wall s':>7} {'CPU s':>7} {'wall/100k':>10} "
                         f"{'CPU/100k':>9} {'parse CPU/100k':>15}")
            for row in res["sizes"]:  # type: ignore[union-attr]
                lines.append(f"  {row['percent']:>5} {row['files']:>6} {row['lines']:>9,} {_f(row['cold_wall']):>7} "
                             f"{_f(row['cold_cpu']):>7} {_f(row['cold_wall_per_100k'], 3):>10} "
                             f"{_f(row['cold_cpu_per_100k'], 3):>9} {_f(row['parse_cpu_per_100k'], 3):>15}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", help="code bases to measure (never modified: a copy is used)")
    ap.add_argument("--vs-semgrep", action="store_true", help="also run Semgrep CE with benchmarks/peer-rules")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="vcx and semgrep --jobs (default: CPUs)")
    ap.add_argument("--repeat", type=int, default=1, help="repeats of every measurement (report median and min)")
    ap.add_argument("--sizes", action="store_true", help="linearity: 25/50/100 %% subsets of each tree")
    ap.add_argument("--json", action="store_true", help="print every run as JSON instead of the table")
    ap.add_argument("--save", default=None, help="also write every run as JSON to this file")
    ap.add_argument("--python", default=None, help="the Python that has vcx installed (default: this one)")
    ap.add_argument("--semgrep", default=None, help="the semgrep executable (default: on PATH)")
    ap.add_argument("--workdir", default=tempfile.gettempdir(), help="where the copies go (default: the temp dir)")
    ap.add_argument("--child-parse", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_parse:
        print(json.dumps(child_parse(args.paths[0])))
        return 0
    b = Bench(args)
    for p in args.paths:
        if not Path(p).is_dir():
            ap.error(f"not a directory: {p}")
    if args.vs_semgrep and not (shutil.which(b.semgrep) or Path(b.semgrep).exists()):
        ap.error(f"semgrep not found ({b.semgrep}); see benchmarks/README.md or pass --semgrep")
    machine = versions(b)
    machine["bytecode"] = compile_vcx(b)
    results = [bench_tree(b, Path(p)) for p in args.paths]
    doc = json.dumps({"machine": machine, "results": results}, indent=1)
    if args.save:
        Path(args.save).write_text(doc + "\n", encoding="utf-8")
    if args.json:
        print(doc)
    else:
        print(render(results, machine))
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(f"(benchmark parent: {own.ru_utime + own.ru_stime:.1f}s CPU)", file=sys.stderr)
    failed = any("error" in r for res in results for rs in res["runs"].values() for r in rs)  # type: ignore[union-attr]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
