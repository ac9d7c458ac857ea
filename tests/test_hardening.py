"""Hardening: any input, any tree, no crash, no lost finding, the same answer every time.

One test (or a few) per promise of the hardening issue; the property/fuzz tests are in
``test_hardening_fuzz.py``. The end-to-end tests run the ``vcx`` command as CI would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import jsonschema
import pytest
from project_files import write

from vcx import limits
from vcx.discover import SourceFile, discover
from vcx.limits import AnalysisTimeout, Limits, TooDeep, check_depth
from vcx.parse import parse, parser
from vcx.pipeline import extract_file, read_source

VCX = shutil.which("vcx")
CMD = [VCX] if VCX else [sys.executable, "-m", "vcx"]
DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent

TZ_CODE = "from datetime import datetime\nx = datetime.utcnow()\n"
NET_CODE = 'import requests\n\n\ndef get(url):\n    return requests.get(url)\n'
TS_NET_CODE = 'import axios from "axios";\n\nexport async function load(url: string) {\n  return axios.get(url);\n}\n'
CLEAN_CODE = "def add(a, b):\n    return a + b\n"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120,
        prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("NO_COLOR", "FORCE_COLOR", "VCX_DEBUG", "VCX_CACHE_DIR") and not k.startswith("VCX_TEST")}
    full_env.update(env or {})
    proc = subprocess.run([*(prefix or []), *CMD, *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=timeout,
                          stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    assert proc.returncode in (0, 1, 2), (proc.returncode, proc.stderr)
    return proc


def scan_json(cwd: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> dict:
    proc = run("scan", "--format", "json", *args, cwd=cwd, env=env, timeout=timeout)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def skipped(doc: dict) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in doc["skipped"]}


def finding_keys(doc: dict) -> set[tuple[str, int, str]]:
    return {(f["path"], f["start"]["line"], f["rule_id"]) for f in doc["findings"]}


def many_files(root: Path, n: int = 12) -> Path:
    """``n`` Python files with findings (so that a scan with --jobs 2 uses the process pool)."""
    files: dict[str, str | bytes] = {}
    for i in range(n):
        files[f"app/net_{i:02}.py"] = NET_CODE
        files[f"app/clock_{i:02}.py"] = TZ_CODE
    files["web/client.ts"] = TS_NET_CODE
    return write(root, files)


def source_file(path: Path, language: str = "python") -> SourceFile:
    return SourceFile(path=path, display=path.name, language=language, size=path.stat().st_size)


# ---------------------------------------------------------------------------------- limits


def test_python_work_is_interrupted_at_the_deadline() -> None:
    start = time.monotonic()
    with pytest.raises(AnalysisTimeout), limits.deadline(0.2):
        while True:
            pass
    assert time.monotonic() - start < 2
    # The alarm is off and the previous handler back: nothing fires later.
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)
    time.sleep(0.3)


def test_tree_sitter_parse_is_cancelled_at_the_deadline() -> None:
    source = b"value = compute(1, [2, 3], {'k': 4})\n" * 120_000  # ~4 MB: seconds of parsing
    start = time.monotonic()
    with pytest.raises(AnalysisTimeout), limits.deadline(0.05):
        parse(source, "python")
    assert time.monotonic() - start < 1.5
    # The cached parser still works afterwards, and gives a tree with its text (queries need it).
    tree = parse(b"x = 1\n", "python")
    assert tree.root_node.text == b"x = 1\n" and not tree.root_node.has_error
    with limits.deadline(30):
        tree = parse(b"y = 2\n", "python")
    assert tree.root_node.text == b"y = 2\n"
    assert parser("python") is parser("python")


def test_a_file_over_its_time_is_skipped_with_the_reason(tmp_path: Path) -> None:
    f = write(tmp_path, {"slow.py": NET_CODE}) / "slow.py"
    os.environ["VCX_TEST_HANG_ON"] = "slow"
    try:
        import vcx.pipeline as pipeline

        old, pipeline._TEST_HOOKS = pipeline._TEST_HOOKS, True
        start = time.monotonic()
        res = extract_file(source_file(f), None, Limits(timeout=0.3))
        pipeline._TEST_HOOKS = old
    finally:
        del os.environ["VCX_TEST_HANG_ON"]
    assert res == "analysis timed out after 0.3 s (per-file-timeout)"
    assert time.monotonic() - start < 3


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hanging_file_costs_its_limit_and_nothing_else(tmp_path: Path, jobs: str) -> None:
    many_files(tmp_path)
    write(tmp_path, {"app/slow_one.py": NET_CODE})
    start = time.monotonic()
    doc = scan_json(tmp_path, "--no-cache", "--jobs", jobs, "--timeout-per-file", "1",
                    env={"VCX_TEST_HANG_ON": "slow_one"})
    assert time.monotonic() - start < 30
    assert skipped(doc) == {"app/slow_one.py": "analysis timed out after 1 s (per-file-timeout)"}
    reference = scan_json(tmp_path, "--no-cache", "--jobs", jobs)
    assert finding_keys(doc) == {k for k in finding_keys(reference) if k[0] != "app/slow_one.py"}


def test_timeout_and_nesting_settings_are_validated(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": CLEAN_CODE})
    for bad in ("abc", "-1", "nan"):
        proc = run("scan", "--timeout-per-file", bad, cwd=tmp_path)
        assert proc.returncode == 2 and "per-file-timeout" in proc.stderr
    for bad in ("abc", "-5", "3"):
        proc = run("scan", "--max-nesting", bad, cwd=tmp_path)
        assert proc.returncode == 2 and "max-nesting" in proc.stderr
    write(tmp_path, {"vcx.toml": 'per-file-timeout = "30s"\nmax-nesting = 200\nfollow-symlinks = false\n'})
    assert run("scan", cwd=tmp_path).returncode == 0
    write(tmp_path, {"vcx.toml": "per-file-timeout = true\n"})
    proc = run("scan", cwd=tmp_path)
    assert proc.returncode == 2 and "per-file-timeout" in proc.stderr
    write(tmp_path, {"vcx.toml": 'follow-symlinks = "yes"\n'})
    proc = run("scan", cwd=tmp_path)
    assert proc.returncode == 2 and "follow-symlinks" in proc.stderr


DEEP = 100_000

DEEP_FILES: dict[str, bytes] = {  # one token a line: not mistaken for minified code
    "deep/brackets.py": b"x = " + b"[\n" * DEEP + b"]\n" * DEEP,
    "deep/calls.py": b"x = " + b"f(\n" * DEEP + b")\n" * DEEP,
    "deep/lambdas.py": b"x = (\n" + b"lambda:\n" * DEEP + b"1)\n",
    "deep/sum.py": b"x = (\n" + b"a +\n" * DEEP + b"a)\n",
    "deep/arrays.js": b"x = " + b"[\n" * DEEP + b"]\n" * DEEP,
    "deep/objects.js": b"g(" + b"{a:\n" * DEEP + b"1" + b"}\n" * DEEP + b");\n",
    "deep/arrows.js": b"x = " + b"() =>\n" * DEEP + b"1;\n",
    "deep/chain.js": b"x = a" + b".b()\n" * DEEP + b";\n",
    "deep/elseif.js": b"if (a) {}\n" + b"else if (a) {}\n" * (DEEP // 4),
    "deep/generics.ts": b"let x: " + b"A<\n" * DEEP + b"B" + b">\n" * DEEP + b";\n",
    "deep/jsx.tsx": b"const x = " + b"<a>\n" * (DEEP // 4) + b"</a>\n" * (DEEP // 4) + b";\n",
}


def test_deep_nesting_is_skipped_quickly(tmp_path: Path) -> None:
    write(tmp_path, DEEP_FILES)
    write(tmp_path, {"deep/ok.py": NET_CODE})
    start = time.monotonic()
    doc = scan_json(tmp_path, "--no-cache", "--max-file-size", "10MB", "--jobs", "2")
    elapsed = time.monotonic() - start
    reasons = skipped(doc)
    for name in DEEP_FILES:
        reason = reasons.get(name, "")
        # Either rejected for its depth or (shallow in tree-sitter's eyes) analysed in time.
        assert name not in reasons or reason.startswith("nested too deeply"), (name, reason)
    # 100k levels: refused by the bracket count before parsing, or by the tree's depth after.
    assert all(reasons[name] == "nested too deeply: syntax tree deeper than 500 levels (max-nesting)"
               or re.fullmatch(r"nested too deeply: brackets open 10000\d levels deep \(more than 50000; "
                               r"see max-nesting\)", reasons[name]) for name in DEEP_FILES), reasons
    assert ("deep/ok.py", 5, "ERR003") in finding_keys(doc)
    assert elapsed < 60


def test_check_depth_looks_at_few_nodes_on_ordinary_files() -> None:
    source = (REPO / "src" / "vcx" / "cli.py").read_bytes()
    tree = parse(source, "python")
    check_depth(tree.root_node, 500)  # no exception
    with pytest.raises(TooDeep):
        check_depth(tree.root_node, 5)
    check_depth(tree.root_node, 0)  # 0 = no limit


def test_large_and_generated_files_cost_at_most_their_limit(tmp_path: Path) -> None:
    bundle = b"var a=" + b"1+" * 25_000_000 + b"1;\n"  # 50 MB of minified script (one line)
    generated = b"".join(b"x%d = %d\n" % (i, i) for i in range(1_000_000))  # 1M lines
    write(tmp_path, {"static/app.js": bundle, "gen/table.py": generated, "app/net.py": NET_CODE})
    start = time.monotonic()
    doc = scan_json(tmp_path, "--no-cache")
    assert time.monotonic() - start < 20
    reasons = skipped(doc)
    assert reasons["static/app.js"].startswith(f"too large: {len(bundle)} bytes")
    assert reasons["gen/table.py"].startswith("too large")
    assert ("app/net.py", 5, "ERR003") in finding_keys(doc)
    # Over the size limit's head: minified detection reads only the start of the file.
    proc = run("scan", "--format", "json", "--no-cache", "--max-file-size", "100MB", "--timeout-per-file", "3",
               cwd=tmp_path, timeout=120)
    doc = json.loads(proc.stdout)
    reasons = skipped(doc)
    assert reasons["static/app.js"] == "minified or bundled code"
    assert "gen/table.py" not in reasons or reasons["gen/table.py"].startswith("analysis timed out")


def test_reading_a_file_never_blocks_or_overreads(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    assert read_source(SourceFile(fifo, "pipe.py", "python", 0)) == "not a regular file"
    gone = tmp_path / "gone.py"
    assert extract_file(SourceFile(gone, "gone.py", "python", 10)) == "vanished during the scan"
    big = write(tmp_path, {"big.py": "x = 1\n" * 1000}) / "big.py"
    assert read_source(source_file(big), max_bytes=100).startswith("too large")
    assert extract_file(source_file(tmp_path), None) == "not a regular file"  # a folder in its place
    # The command skips special files without reading them.
    write(tmp_path, {"ok.py": NET_CODE})
    doc = scan_json(tmp_path, "--no-cache", timeout=30)
    assert "pipe.py" not in skipped(doc) and ("ok.py", 5, "ERR003") in finding_keys(doc)
    proc = run("scan", "pipe.py", cwd=tmp_path, timeout=30)
    assert proc.returncode == 0 and "not a regular file or folder" in proc.stdout


def test_brackets_and_error_regions_that_would_stall_tree_sitter(tmp_path: Path) -> None:
    """A million nested brackets take tree-sitter seconds and a gigabyte to parse, and a flat
    run of unclosed brackets makes its queries quadratic (in C, past any deadline): both are
    refused before they cost that."""
    files = {"nest.py": b"x = " + b"[\n" * 1_000_000 + b"]\n" * 999_000,  # one a line: not "minified"
             "open.js": b"x = " + b"(\n" * 1_900_000,
             "open_few.js": b"x = " + b"{\n" * 40_000 + TS_NET_CODE.encode()}
    write(tmp_path, files)
    write(tmp_path, {"ok.py": NET_CODE})
    start = time.monotonic()
    doc = scan_json(tmp_path, "--no-cache", "-j", "2", "--max-file-size", "10MB", timeout=120)
    assert time.monotonic() - start < 30
    reasons = skipped(doc)
    assert reasons["nest.py"].startswith("nested too deeply: brackets open 1000000 levels deep")
    assert reasons["open.js"].startswith("nested too deeply: brackets open 1900000 levels deep")
    assert reasons["open_few.js"].startswith("too broken to analyse: a syntax-error region of 400")
    assert ("ok.py", 5, "ERR003") in finding_keys(doc)


def test_workers_have_a_memory_cap() -> None:
    import resource

    import vcx.pipeline as pipeline

    with ProcessPoolExecutor(1) as pool:
        soft = pool.submit(_capped_limit).result()
    assert soft == pipeline.WORKER_MEMORY_FLOOR
    pipeline._cap_worker_memory(Limits())  # vcx's own process is never capped
    assert resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY


def _capped_limit() -> int:
    import resource

    import vcx.pipeline as pipeline

    pipeline._cap_worker_memory(Limits())
    return resource.getrlimit(resource.RLIMIT_AS)[0]


# ------------------------------------------------------------------------------- crashes


def test_a_crashing_worker_loses_only_its_file(tmp_path: Path) -> None:
    many_files(tmp_path)
    reference = scan_json(tmp_path, "--no-cache", "--jobs", "2")
    write(tmp_path, {"app/crash_me.py": NET_CODE})
    doc = scan_json(tmp_path, "--no-cache", "--jobs", "2", env={"VCX_TEST_CRASH_ON": "crash_me"})
    assert skipped(doc) == {"app/crash_me.py": "analysis crashed (the worker process died); file skipped"}
    assert finding_keys(doc) == finding_keys(reference)
    assert doc["summary"]["files"] == reference["summary"]["files"]
    # With the cache on as well (workers then write the entries).
    doc = scan_json(tmp_path, "--cache-dir", str(tmp_path / "cache"), "--jobs", "2",
                    env={"VCX_TEST_CRASH_ON": "crash_me"})
    assert skipped(doc) == {"app/crash_me.py": "analysis crashed (the worker process died); file skipped"}
    assert finding_keys(doc) == finding_keys(reference)


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with open(task / "children") as fh:
            out += [int(c) for c in fh.read().split()]
    return out


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_workers_killed_mid_scan_lose_nothing_but_the_file_in_progress(tmp_path: Path) -> None:
    many_files(tmp_path, 10)
    reference = scan_json(tmp_path, "--no-cache", "--jobs", "2")
    write(tmp_path, {"app/slow_one.py": NET_CODE})
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCX_")}
    env["VCX_TEST_HANG_ON"] = "slow_one"
    proc = subprocess.Popen([*CMD, "scan", "--format", "json", "--no-cache", "--jobs", "2", "--timeout-per-file", "3"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.2)
            workers = _children(proc.pid)
        time.sleep(0.5)
        for pid in workers:  # as the OOM killer would
            os.kill(pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert workers, "no worker process seen"
    assert proc.returncode == 1 and "Traceback" not in err, err
    doc = json.loads(out)
    reasons = skipped(doc)
    assert set(reasons) <= {"app/slow_one.py"}, reasons
    assert finding_keys(doc) == finding_keys(reference)


def test_a_file_deleted_during_the_scan_is_reported_as_vanished(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCX_")}
    env["VCX_TEST_HANG_ON"] = "a_slow"
    for delay in (1.5, 3, 5):  # on a loaded machine vcx may take a while to reach a_slow.py
        write(tmp_path, {"a_slow.py": NET_CODE, "b_gone.py": NET_CODE, "c_ok.py": NET_CODE})
        proc = subprocess.Popen([*CMD, "scan", "--format", "json", "--no-cache", "--jobs", "1",
                                 "--timeout-per-file", str(delay + 3)],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)  # a_slow.py is being analysed (files go in path order with --jobs 1)
        (tmp_path / "b_gone.py").unlink()
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 1 and "Traceback" not in err, err
        doc = json.loads(out)
        if "b_gone.py" in skipped(doc):
            break
    assert skipped(doc) == {"a_slow.py": f"analysis timed out after {delay + 3:g} s (per-file-timeout)",
                            "b_gone.py": "vanished during the scan"}
    assert ("c_ok.py", 5, "ERR003") in finding_keys(doc)


def test_the_crash_hook_never_kills_vcx_itself(tmp_path: Path) -> None:
    write(tmp_path, {"crash_me.py": NET_CODE})
    doc = scan_json(tmp_path, "--no-cache", "--jobs", "1", env={"VCX_TEST_CRASH_ON": "crash_me"})
    assert ("crash_me.py", 5, "ERR003") in finding_keys(doc)


# ------------------------------------------------------------------------- partial trees


BROKEN_PY = """\
import requests

def ok(url):
    return requests.get(url)

def broken(url) ::: ]] requests.get(url) ((
    requests.get(url) ))) ]

def ok2(url):
    return requests.get(url)
"""

BROKEN_TS = """\
import axios from "axios";

export async function ok(url: string) {
  return axios.get(url);
}

export async function broken(url: string) {
  const x = axios.get(url) + + * / ;
  return x;
}

export async function ok2(url: string) {
  return axios.get(url);
}
"""

# tree-sitter-typescript 0.23 cannot parse a styled-components template with type
# arguments in .tsx (outline has 104 such files): it inserts a MISSING node.
STYLED_TSX = """\
import styled from "styled-components";
import axios from "axios";

export async function load(url: string) {
  return axios.get(url);
}

const Box = styled.div<{ active: boolean }>`
  color: ${(p) => (p.active ? "red" : "blue")};
`;

export const View = () => <Box active />;
"""


def test_rules_run_on_the_parts_that_parsed_and_never_inside_error_nodes(tmp_path: Path) -> None:
    write(tmp_path, {"svc/broken.py": BROKEN_PY, "svc/broken.ts": BROKEN_TS, "svc/styled.tsx": STYLED_TSX})
    doc = scan_json(tmp_path, "--no-cache", "--select", "ERR003")
    assert finding_keys(doc) == {
        ("svc/broken.py", 4, "ERR003"), ("svc/broken.py", 10, "ERR003"),
        ("svc/broken.ts", 4, "ERR003"), ("svc/broken.ts", 13, "ERR003"),
        ("svc/styled.tsx", 5, "ERR003"),
    }
    assert doc["skipped"] == []


def test_error_regions_are_all_kept(tmp_path: Path) -> None:
    from vcx.frontends import extract

    source = "import requests\n" + "def f(:\n    pass\n" * 3000 + "requests.get(u)\n"
    facts = extract(source.encode(), "python", "x.py")
    assert facts.has_errors
    covered = {line for lo, hi in facts.error_ranges for line in range(lo, hi + 1)}
    assert {2 + 2 * i for i in range(3000)} <= covered | {2 + 3 * i for i in range(3000)} or len(covered) >= 3000


# ------------------------------------------------------------------------------ symlinks


def test_symlink_loops_and_escapes(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"secret.py": NET_CODE})
    root = many_files(tmp_path / "proj", 2)
    (root / "app" / "loop").symlink_to(root / "app")  # a folder loop
    (root / "self").symlink_to(root / "self")  # a link to itself
    (root / "up").symlink_to(root)  # back to the root
    (root / "escape").symlink_to(outside)  # a folder outside
    (root / "app" / "escape.py").symlink_to(outside / "secret.py")  # a file outside
    (root / "app" / "alias.py").symlink_to(root / "app" / "net_00.py")  # a file inside
    (root / "dangling.py").symlink_to(root / "nowhere.py")
    for flags in ([], ["--follow-symlinks"]):
        start = time.monotonic()
        doc = scan_json(root, "--no-cache", *flags, timeout=60)
        assert time.monotonic() - start < 30
        paths = {f["path"] for f in doc["findings"]}
        assert not any("secret" in p or "escape" in p for p in paths)
        assert paths == {f"app/{k}_{i:02}.py" for k in ("net", "clock") for i in range(2)} | {"web/client.ts"}
        reasons = skipped(doc)
        if flags:
            assert reasons["app/escape.py"] == "symbolic link to outside the scanned folder (not followed)"
            assert reasons["escape"] == "symbolic link to outside the scanned folder (not followed)"
            assert reasons["dangling.py"] == "broken symbolic link or link loop"
            assert "app/alias.py" not in reasons  # followed, and the same file as net_00.py: once
        else:
            for link in ("app/escape.py", "app/alias.py", "dangling.py"):
                assert reasons[link] == "symbolic link (not followed; see follow-symlinks)"
        assert doc["summary"]["files"] == 5


def test_a_looping_path_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    proc = run("scan", "a.py", "--no-cache", cwd=tmp_path)
    assert proc.returncode in (0, 2)
    assert "internal error" not in proc.stderr


def test_a_very_deep_folder_tree(tmp_path: Path) -> None:
    folders = [tmp_path]
    for _ in range(1200):  # deeper than Python's recursion limit
        folders.append(folders[-1] / "d")
        os.mkdir(folders[-1])
    try:
        write(folders[-1], {"net.py": NET_CODE})
        write(tmp_path, {"top.py": NET_CODE})
        doc = scan_json(tmp_path, "--no-cache", timeout=60)
        assert ("top.py", 5, "ERR003") in finding_keys(doc)
        assert ("/".join(["d"] * 1200) + "/net.py", 5, "ERR003") in finding_keys(doc)
    finally:  # pytest's own clean-up (shutil.rmtree) recurses, and would fail on this tree
        (folders[-1] / "net.py").unlink(missing_ok=True)
        for folder in reversed(folders[1:]):
            os.rmdir(folder)


# --------------------------------------------------------------------------------- cache


def corrupt_every_entry(cache: Path) -> int:
    entries = sorted(p for p in cache.rglob("*.json") if p.is_file())
    damage = [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b"",  # empty
        lambda b: b"\x00\xff\xfe garbage \x00",  # not JSON, not UTF-8
        lambda b: b"[" * 100_000 + b"]" * 100_000,  # deeply nested JSON
        lambda b: b'{"key": "x", "version": "0.0.0", "facts": {}}',  # foreign version
        lambda b: b.replace(b'"version":"', b'"version":"9', 1).replace(b'"version": "', b'"version": "9', 1),
        lambda b: b"[1, 2, 3]",  # JSON of the wrong shape
        lambda b: b'{"key": null, "facts": [[[]]]}',
        lambda b: b.replace(b"[", b"{", 3),
        lambda b: b"null",
    ]
    for i, p in enumerate(entries):
        p.write_bytes(damage[i % len(damage)](p.read_bytes()))
    return len(entries)


def test_a_corrupted_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    proj = many_files(tmp_path / "proj", 6)
    cache = tmp_path / "cache"
    cold = run("scan", "--format", "json", "--cache-dir", str(cache), cwd=proj)
    assert corrupt_every_entry(cache) >= 13
    for _ in range(2):  # corrupted, then rebuilt
        warm = run("scan", "--format", "json", "--cache-dir", str(cache), cwd=proj)
        assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout), warm.stderr
    # Entries replaced by folders, and a cache folder that is a file.
    for p in list(cache.rglob("*.json"))[:5]:
        p.unlink()
        p.mkdir()
    again = run("scan", "--format", "json", "--cache-dir", str(cache), cwd=proj)
    assert (again.returncode, again.stdout) == (cold.returncode, cold.stdout), again.stderr


def test_an_unwritable_cache_degrades_to_no_cache_with_one_warning(tmp_path: Path) -> None:
    proj = many_files(tmp_path / "proj", 4)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    ref = run("scan", "--format", "json", "--no-cache", cwd=proj)
    proc = run("scan", "--format", "json", "--cache-dir", str(blocker / "cache"), cwd=proj)
    assert (proc.returncode, proc.stdout) == (ref.returncode, ref.stdout)
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "cache disabled" in warnings[0], proc.stderr


def test_a_cache_planted_in_the_scanned_tree_is_not_trusted(tmp_path: Path) -> None:
    """A repository can ship a .vcx_cache of its own: links, FIFOs and traversal keys in it
    must not make vcx block, read or write outside it, or delete files."""
    victim = write(tmp_path / "victim", {"keep.json": "{}", "notes.txt": "mine"})
    proj = many_files(tmp_path / "proj", 4)
    ref = run("scan", "--format", "json", "--no-cache", cwd=proj)
    cache = proj / ".vcx_cache"
    (cache / "facts").mkdir(parents=True)
    (cache / ".gitignore").symlink_to(victim / "created-by-vcx")  # dangling: would be created
    (cache / "index.json").write_text(json.dumps({
        "../../victim/keep": "/nonexistent/file.py", "0" * 64: "/nonexistent/other.py"}))
    first = run("scan", "--format", "json", cwd=proj)
    assert (first.returncode, first.stdout) == (ref.returncode, ref.stdout), first.stderr
    assert sorted(p.name for p in victim.iterdir()) == ["keep.json", "notes.txt"]  # nothing deleted or created
    # Every entry replaced: by a FIFO, by a link to a device and to a file outside.
    entries = sorted(cache.rglob("*.json"))
    assert entries
    for i, p in enumerate(entries):
        p.unlink()
        if i % 3 == 0:
            os.mkfifo(p)
        elif i % 3 == 1:
            p.symlink_to("/dev/zero")
        else:
            p.symlink_to(victim / "notes.txt")
    for results in cache.glob("results"):
        shutil.rmtree(results)
    (cache / "results").symlink_to(victim)
    start = time.monotonic()
    again = run("scan", "--format", "json", cwd=proj, timeout=60)
    assert time.monotonic() - start < 30
    assert (again.returncode, again.stdout) == (ref.returncode, ref.stdout), again.stderr
    assert sorted(p.name for p in victim.iterdir()) == ["keep.json", "notes.txt"]
    assert (victim / "notes.txt").read_text() == "mine" and (victim / "keep.json").read_text() == "{}"


def test_a_facts_folder_planted_as_a_link_is_not_written_through(tmp_path: Path) -> None:
    """Each folder of ``facts/`` (named by the first two hex digits of a key) is checked once
    per scan and per process before entries are written into it: a link planted in place of
    one must be refused, by the workers (``--jobs 2``) and by vcx's own process (``--jobs 1``)."""
    victim = write(tmp_path / "victim", {"notes.txt": "mine"})
    proj = many_files(tmp_path / "proj", 10)
    ref = run("scan", "--format", "json", "--no-cache", cwd=proj)
    for jobs in ("1", "2"):
        cache = tmp_path / f"cache-{jobs}"
        (cache / "facts").mkdir(parents=True)
        for i in range(256):
            (cache / "facts" / f"{i:02x}").symlink_to(victim)
        proc = run("scan", "--format", "json", "--jobs", jobs, "--cache-dir", str(cache), cwd=proj)
        assert (proc.returncode, proc.stdout) == (ref.returncode, ref.stdout), proc.stderr
        assert sorted(p.name for p in victim.iterdir()) == ["notes.txt"], jobs


def test_project_files_read_by_link_cannot_block_or_crash(tmp_path: Path) -> None:
    proj = write(tmp_path, {"web/client.ts": TS_NET_CODE, "tsconfig.json": "[" * 100_000 + "]" * 100_000,
                            "package.json": '{"dependencies": ' + "{" * 100_000 + "}" * 100_000 + "}"})
    os.mkfifo(proj / "web" / "package.json")
    os.mkfifo(proj / "jsconfig.json")
    for cache in ("--no-cache", "--cache-dir=" + str(tmp_path / "c")):
        doc = scan_json(proj, cache, timeout=60)
        assert ("web/client.ts", 4, "ERR003") in finding_keys(doc)


def test_a_pathological_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": CLEAN_CODE, "vcx.toml": "select = " + "[" * 100_000 + "]" * 100_000 + "\n"})
    proc = run("scan", cwd=tmp_path)
    assert proc.returncode == 2 and "invalid TOML" in proc.stderr and "internal error" not in proc.stderr


# --------------------------------------------------------------------------- determinism


def test_same_output_for_any_jobs_and_cold_or_warm_cache(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    shutil.copytree(REPO / "examples", proj / "examples")
    # Not under a folder named "fixtures": that would make them non-production, never analysed.
    shutil.copytree(REPO / "tests" / "fixtures", proj / "cases", ignore=shutil.ignore_patterns("*.pyc"))
    write(proj, {"broken/b.py": BROKEN_PY, "broken/b.ts": BROKEN_TS, "broken/s.tsx": STYLED_TSX,
                 "skip/bin.py": b"\x00\x01", "skip/latin.py": "x = 'caf\xe9'\n".encode("latin-1")})
    outputs: dict[str, set[str]] = {"json": set(), "sarif": set()}
    cache = tmp_path / "cache"
    runs = [("--no-cache", "-j", "1"), ("--no-cache", "-j", "2"), ("--no-cache", "-j", "3"),
            ("--cache-dir", str(cache), "-j", "2"),  # cold
            ("--cache-dir", str(cache), "-j", "1"),  # warm
            ("--cache-dir", str(cache), "-j", "3")]
    for fmt in outputs:
        for args in runs:
            proc = run("scan", ".", "--format", fmt, *args, cwd=proj)
            assert proc.returncode == 1
            outputs[fmt].add(proc.stdout)
        shutil.rmtree(cache)
    assert len(outputs["json"]) == 1 and len(outputs["sarif"]) == 1
    doc = json.loads(outputs["json"].pop())
    assert len(doc["findings"]) > 40 and doc["summary"]["files"] > 50  # the demo apps alone give ~45


# ------------------------------------------------------------ no execution, no network


HOSTILE_NAMES = [
    "$(touch PWNED_subst).py", "`touch PWNED_tick`.js", ";touch PWNED_semi;.ts", "-rf.py", "--help.py",
    "line\nbreak.py", "tab\there.js", "cr\rname.py", "..py", "...js", "%s%n%x.py", "::error::oops.py",
    "\x1b[31mred.py", "quote'\"both.py", "back\\slash.py", "sp ace.tsx", "emoji-\U0001f600.py",
    "amp&&touch PWNED_amp.py", "pipe|cat.py", "<redirect>.js",
]
HOSTILE_CONTENT = {
    ".py": "import os, subprocess\nos.system('touch PWNED_system')\nsubprocess.run(['touch', 'PWNED_run'])\n"
           "__import__('os').system('touch PWNED_import')\neval(\"open('PWNED_eval', 'w')\")\n"
           "import requests\nrequests.get('http://127.0.0.1:9/x')\n",
    ".js": "require('child_process').execSync('touch PWNED_js');\nfetch('http://127.0.0.1:9/');\n",
    ".ts": "import { execSync } from 'child_process';\nexecSync('touch PWNED_ts');\n",
    ".tsx": "const x = <div>{eval('1')}</div>;\n",
}

AUDIT_HOOK = textwrap.dedent('''
    import os, sys
    _LOG = os.environ["VCX_AUDIT_LOG"]
    _ROOT = os.environ["VCX_AUDIT_ROOT"]
    _FORBIDDEN = ("socket.", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                  "ctypes.dlopen", "urllib.Request", "http.client.connect", "ftplib.", "smtplib.",
                  "webbrowser.open")
    def _inside(path):
        try:
            path = os.fsdecode(path)
            if not os.path.isabs(path) and path.startswith("<"):
                return False  # <string>, <frozen ...>: not a file
            return os.path.realpath(path).startswith(_ROOT)
        except Exception:
            return False
    def _hook(event, args):
        bad = None
        if event.startswith(_FORBIDDEN):
            bad = event
        elif event in ("exec", "compile") and args:
            code = args[0]
            name = getattr(code, "co_filename", None) if event == "exec" else (args[1] if len(args) > 1 else None)
            if isinstance(name, (str, bytes)) and _inside(name):
                bad = f"{event} {name!r}"
        elif event == "import" and len(args) > 1 and args[1] and _inside(args[1]):
            bad = f"import {args[1]!r}"
        elif event == "open" and args and isinstance(args[0], (str, bytes)) and _inside(args[0]):
            mode = args[1] if len(args) > 1 else "r"
            flags = args[2] if len(args) > 2 else 0
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC)):
                bad = f"open for writing {args[0]!r}"
        if bad:
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write(bad + "\\n")
            if event.startswith("socket."):
                raise OSError("network is blocked in this test")
    sys.addaudithook(_hook)
''')


def hostile_tree(root: Path) -> list[str]:
    names = []
    for name in HOSTILE_NAMES:
        suffix = "." + name.rsplit(".", 1)[-1]
        try:
            write(root, {f"src/{name}": HOSTILE_CONTENT.get(suffix, "x = 1\n")})
        except OSError:  # a file system that refuses the name
            continue
        names.append(name)
    # A name that is not UTF-8, and traversal-looking folders (inside the tree).
    (root / "src").joinpath(os.fsdecode(b"bad-\xff\xfe.py")).write_text(HOSTILE_CONTENT[".py"])
    write(root, {"src/..../x.py": HOSTILE_CONTENT[".py"], "src/a/../../b/c.py": "x = 1\n"})
    # NUL bytes and traversals in import paths (past the 8 KB that the binary check reads).
    pad = b"// " + b"x" * 80 + b"\n"
    write(root, {
        "src/imports.js": pad * 120 + b'import x from "./a\x00b";\nimport y from "../../../../../../etc/passwd";\n'
                          b'const q = require("./\x00d");\nx(); y(); q();\n',
        "src/imports.py": pad.replace(b"//", b"#") * 120 + b"from .\x00m import y\n"
                          b"from ...................... import z\nimport requests\nrequests.get('\x00')\n",
        "tsconfig.json": b'{"compilerOptions": {"baseUrl": "\\u0000/../..", "paths": {"@/*": ["../../../*"]}}}',
        "package.json": b'{"dependencies": {"\\u0000": "1", "../../x": "2"}}',
    })
    return names


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_no_execution_no_network_no_writes_with_hostile_names(tmp_path: Path, jobs: str) -> None:
    root = tmp_path / "proj"
    names = hostile_tree(root)
    hook = tmp_path / "hook"
    write(hook, {"sitecustomize.py": AUDIT_HOOK})
    log = tmp_path / "audit.log"
    env = {"PYTHONPATH": os.pathsep.join([str(hook), *filter(None, [os.environ.get("PYTHONPATH")])]),
           "VCX_AUDIT_LOG": str(log), "VCX_AUDIT_ROOT": str(root.resolve()),
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    for fmt in ("json", "sarif", "text"):
        proc = run("scan", ".", "--no-cache", "--format", fmt, "--jobs", jobs, cwd=root, env=env)
        assert proc.returncode in (0, 1), proc.stderr
        if fmt == "json":
            doc = json.loads(proc.stdout)
            shown = {f["path"] for f in doc["findings"]} | set(skipped(doc))
            assert doc["summary"]["files"] + len(doc["skipped"]) >= len(names)
            assert any("\n" in p for p in shown) or "line\nbreak.py" not in names
        elif fmt == "sarif":
            schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
            errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.loads(proc.stdout)))
            assert not errors, errors[0].message
        else:
            assert "\x1b" not in proc.stdout and "\r" not in proc.stdout
            assert all(not line.startswith("break.py") for line in proc.stdout.splitlines())
    assert not log.exists() or log.read_text() == "", log.read_text()
    assert not list(tmp_path.rglob("PWNED*")) and not list(Path.cwd().glob("PWNED*"))
    # The hook does see what it must refuse (a check of the test itself).
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
                           env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "network is blocked" in probe.stderr
    log.unlink()


def test_scan_in_a_network_namespace_without_network(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("no unprivileged network namespaces here (unshare -rn)")
    many_files(tmp_path, 4)
    doc = json.loads(run("scan", "--format", "json", "--no-cache", "-j", "2", cwd=tmp_path,
                         prefix=[unshare, "-rn"]).stdout)
    assert ("app/net_00.py", 5, "ERR003") in finding_keys(doc)


def test_nothing_listens_or_connects_during_a_scan(tmp_path: Path) -> None:
    """A scan with the loopback port it could call closed: no connection attempt succeeds or
    hangs (the audit test above proves no attempt is made at all)."""
    many_files(tmp_path, 2)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        s.settimeout(0)
        port = s.getsockname()[1]
        write(tmp_path, {"app/call.py": f"import requests\nrequests.get('http://127.0.0.1:{port}/', timeout=1)\n"})
        run("scan", "--no-cache", cwd=tmp_path)
        with pytest.raises(BlockingIOError):
            s.accept()


def test_discover_sorts_whatever_the_names(tmp_path: Path) -> None:
    hostile_tree(tmp_path)
    found = discover([tmp_path], tmp_path, [], 2_000_000)
    shown = [f.display for f in found.files]
    assert shown == sorted(shown) and len(shown) == len(set(shown))
