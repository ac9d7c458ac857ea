"""Time and measure vcx scans of whole code bases.

    python benchmarks/bench.py PATH [PATH ...] [--repeat N] [--jobs N] [--cli] [--json]

Each measurement runs in a fresh Python process, so imports, caches and peak memory of
one run do not leak into the next. By default the child process calls
``vcx.pipeline.scan()`` in-process and reports the pipeline's own stage timings; with
``--cli`` it runs the ``vcx scan --format json`` command instead and reads what the JSON
report offers (stage timings only when the command supports ``--stats``).

Peak memory is the maximum resident set size from ``getrusage``: of the scanning
process itself ("main") and of the largest of its worker processes ("workers", when the
pipeline uses a process pool).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

STAGES = ("discover", "extract", "link", "check", "filter")


def _rss_mb(ru_maxrss: int) -> float:
    # Linux reports kilobytes, macOS bytes.
    return ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else ru_maxrss / 1024


def _reason_kind(reason: str) -> str:
    """Group skip reasons: 'too large: 2500000 bytes (...)' -> 'too large'."""
    return reason.split(":", 1)[0].strip()


# --------------------------------------------------------------------------- child side


def child_inprocess(path: str, jobs: int | None, cache_dir: str | None) -> dict[str, object]:
    """Scan PATH in this process; called in a fresh interpreter by the parent."""
    t_import = time.perf_counter()
    from vcx import __version__, pipeline
    from vcx.config import load_config

    import_seconds = time.perf_counter() - t_import
    target = Path(path)
    config = load_config([target])
    kwargs: dict[str, object] = {"cwd": target.resolve().parent}
    params = inspect.signature(pipeline.scan).parameters
    options_cls = getattr(pipeline, "ScanOptions", None)
    if "options" in params and options_cls is not None:
        opts: dict[str, object] = {}
        if jobs is not None:
            opts["jobs"] = jobs
        opts["cache_dir"] = Path(cache_dir) if cache_dir else None
        kwargs["options"] = options_cls(**opts)
    t0 = time.perf_counter()
    result = pipeline.scan([target], config, **kwargs)
    wall = time.perf_counter() - t0
    stats = result.stats
    return {
        "mode": "in-process",
        "vcx_version": __version__,
        "files": stats.files,
        "lines": stats.lines,
        "wall_seconds": round(wall, 3),
        "import_seconds": round(import_seconds, 3),
        "stage_seconds": {k: round(v, 3) for k, v in stats.seconds.items()},
        "cache_hits": getattr(stats, "cache_hits", 0),
        "findings": len(result.findings),
        "findings_by_rule": dict(sorted(Counter(f.rule_id for f in result.findings).items())),
        "suppressed": result.suppressed,
        "skipped": len(result.skipped),
        "skipped_by_reason": dict(sorted(Counter(_reason_kind(r) for _, r in result.skipped).items())),
        "skipped_files": [[p, r] for p, r in result.skipped],
        "peak_rss_mb": round(_rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss), 1),
        "peak_rss_workers_mb": round(_rss_mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss), 1),
    }


# --------------------------------------------------------------------------- parent side


def _vcx_command() -> list[str]:
    exe = shutil.which("vcx")
    return [exe] if exe else [sys.executable, "-m", "vcx"]


def _cli_supports(flag: str) -> bool:
    proc = subprocess.run([*_vcx_command(), "scan", "--help"], capture_output=True, text=True)
    return flag in proc.stdout


def _run_child(argv: list[str]) -> tuple[int, str, str, float, float, float]:
    """Run argv; return (exit code, stdout, stderr, wall seconds, peak RSS MB, CPU seconds).

    CPU seconds are user + system time of the child and of the processes it waited for
    (its workers): unlike wall time, they hardly change when other work shares the machine.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"), wall, _rss_mb(usage.ru_maxrss),
                usage.ru_utime + usage.ru_stime)


def measure_inprocess(path: str, jobs: int | None, cache_dir: str | None) -> dict[str, object]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", path]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    if cache_dir:
        argv += ["--cache-dir", cache_dir]
    code, out, err, wall, rss, cpu = _run_child(argv)
    if code != 0:
        return {"path": path, "error": f"child exited {code}", "stderr": err[-4000:]}
    res = json.loads(out)
    res["process_seconds"] = round(wall, 3)
    res["cpu_seconds"] = round(cpu, 2)
    res["peak_rss_process_mb"] = round(rss, 1)
    if err.strip():
        res["stderr"] = err[-4000:]
    return res


def measure_cli(path: str, jobs: int | None, stats_flag: bool) -> dict[str, object]:
    argv = [*_vcx_command(), "scan", path, "--format", "json"]
    if stats_flag:
        argv.append("--stats")
    if _cli_supports("--no-cache"):
        argv.append("--no-cache")  # a cold scan, like the in-process default
    if jobs is not None and _cli_supports("--jobs"):
        argv += ["--jobs", str(jobs)]
    code, out, err, wall, rss, cpu = _run_child(argv)
    if code not in (0, 1):
        return {"path": path, "error": f"vcx exited {code}", "stderr": err[-4000:]}
    doc = json.loads(out)
    summary = doc.get("summary", {})
    stats = doc.get("stats") or summary.get("stats") or {}
    seconds = stats.get("seconds") or summary.get("seconds") or {}
    skipped = doc.get("skipped", [])
    findings = doc.get("findings", [])
    res: dict[str, object] = {
        "mode": "cli",
        "vcx_version": doc.get("tool", {}).get("version"),
        "files": summary.get("files", stats.get("files")),
        "lines": summary.get("lines", stats.get("lines")),
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 2),
        "stage_seconds": seconds,
        "findings": len(findings),
        "findings_by_rule": dict(sorted(Counter(f["rule_id"] for f in findings).items())),
        "skipped": len(skipped),
        "skipped_by_reason": dict(sorted(Counter(_reason_kind(s["reason"]) for s in skipped).items())),
        "skipped_files": [[s["path"], s["reason"]] for s in skipped],
        "peak_rss_process_mb": round(rss, 1),
        "exit_code": code,
    }
    if err.strip():
        res["stderr"] = err[-4000:]
    return res


def machine() -> dict[str, object]:
    mem_gb = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    version = subprocess.run([*_vcx_command(), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "vcx": version,
    }


def _git_head(path: str) -> str | None:
    proc = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def _fmt(res: dict[str, object]) -> str:
    if "error" in res:
        return f"{res['path']}: ERROR {res['error']}\n{res.get('stderr', '')}"
    stages = res.get("stage_seconds") or {}
    stage_txt = "  ".join(f"{k} {stages[k]:.2f}s" for k in (*STAGES, *sorted(set(stages) - set(STAGES)))
                          if k in stages) or "(not reported)"
    rss = res.get("peak_rss_mb", res.get("peak_rss_process_mb"))
    rss_txt = f"{rss} MB"
    if res.get("peak_rss_workers_mb"):
        rss_txt += f" (largest worker {res['peak_rss_workers_mb']} MB)"
    rules = ", ".join(f"{k} {v}" for k, v in res["findings_by_rule"].items()) or "-"
    reasons = ", ".join(f"{k} {v}" for k, v in res["skipped_by_reason"].items()) or "-"
    lines = res["lines"] or 0
    rate = f"{lines / res['wall_seconds']:,.0f} lines/s" if res["wall_seconds"] else ""
    return "\n".join([
        f"{res['path']}  (run {res.get('run', 1)}, {res['mode']}, load average {res.get('load_avg_before')})",
        f"  files {res['files']:,}  lines {lines:,}  wall {res['wall_seconds']:.2f}s  {rate}"
        f"  CPU {res.get('cpu_seconds', 0):.1f}s",
        f"  stages   {stage_txt}",
        f"  findings {res['findings']}  ({rules})",
        f"  skipped  {res['skipped']}  ({reasons})",
        f"  peak RSS {rss_txt}",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", help="directories to scan")
    ap.add_argument("--repeat", type=int, default=1, help="measurements per path (default 1)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes, when the pipeline supports it")
    ap.add_argument("--cache-dir", default=None, help="facts cache folder (default: no cache, a cold scan)")
    ap.add_argument("--cli", action="store_true", help="measure the `vcx scan` command instead of scan()")
    ap.add_argument("--json", action="store_true", help="print machine-readable results")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(child_inprocess(args.paths[0], args.jobs, args.cache_dir)))
        return 0

    stats_flag = args.cli and _cli_supports("--stats")
    results = []
    for path in args.paths:
        if not Path(path).is_dir():
            ap.error(f"not a directory: {path}")
        for run in range(1, args.repeat + 1):
            load = os.getloadavg()[0]
            if args.cli:
                res = measure_cli(path, args.jobs, stats_flag)
            else:
                res = measure_inprocess(path, args.jobs, args.cache_dir)
            res.update(path=path, run=run, commit=_git_head(path), load_avg_before=round(load, 2))
            results.append(res)
            if not args.json:
                print(_fmt(res), flush=True)
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, indent=2))
    else:
        m = machine()
        print(f"machine: {m['cpus']} CPUs, {m['memory_gb']} GB, Python {m['python']}, {m['vcx']}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
