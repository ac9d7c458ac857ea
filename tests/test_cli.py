"""End-to-end tests: the installed ``vcx`` command, run as a user would, on small projects.

Tests that need a finding use two rules on Python code:

* TZ001 naive-datetime (medium) on ``x = datetime.utcnow()``
* ERR003 missing-timeout (high; ERR001 high too) on ``requests.get(url)`` without a timeout

They fail (not skip) while those rules are missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from project_files import write

VCX = shutil.which("vcx")
CMD = [VCX] if VCX else [sys.executable, "-m", "vcx"]
DATA = Path(__file__).parent / "data"

TZ_CODE = "from datetime import datetime\nx = datetime.utcnow()\n"
NET_CODE = 'import requests\nrequests.get("https://example.com/x")\n'
CLEAN_CODE = "def add(a, b):\n    return a + b\n"
HEADLINE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+)  (?P<rule>[A-Z]+\d+)  (?P<msg>.+)$")
ANSI = "\x1b["


def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
        timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("NO_COLOR", "FORCE_COLOR", "VCX_DEBUG", "CLICOLOR_FORCE")}
    full_env.update(env or {})
    proc = subprocess.run([*CMD, *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return proc


def scan_json(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[dict, int]:
    proc = run("scan", "--format", "json", *args, cwd=cwd, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc.returncode


def rule_ids(doc: dict) -> set[str]:
    return {f["rule_id"] for f in doc["findings"]}


def headlines(stdout: str) -> list[re.Match[str]]:
    return [m for line in stdout.splitlines() if (m := HEADLINE.match(line))]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with one TZ001 finding (medium) and ERR001/ERR003 findings (high)."""
    return write(tmp_path, {"app/clock.py": TZ_CODE, "app/net.py": NET_CODE, "app/util.py": CLEAN_CODE})


# ------------------------------------------------------------------------------------ basics


def test_version_and_help(tmp_path: Path) -> None:
    proc = run("--version", cwd=tmp_path)
    assert proc.returncode == 0 and "vcx" in proc.stdout
    proc = run("scan", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    for flag in ("--format", "--output", "--select", "--ignore", "--severity", "--fail-on", "--no-cache",
                 "--config", "--quiet", "--stats", "--max-file-size"):
        assert flag in proc.stdout


def test_clean_project_exits_0(tmp_path: Path) -> None:
    write(tmp_path, {"util.py": CLEAN_CODE})
    proc = run("scan", cwd=tmp_path)
    assert proc.returncode == 0
    assert "No findings in 1 file." in proc.stdout
    doc, rc = scan_json(tmp_path)
    assert rc == 0 and doc["findings"] == [] and doc["summary"]["files"] == 1


def test_default_path_is_current_folder(project: Path) -> None:
    doc, rc = scan_json(project / "app")
    assert rc == 1
    assert {f["path"] for f in doc["findings"]} == {"clock.py", "net.py"}


# ------------------------------------------------------------------------------------ text


def test_text_format(project: Path) -> None:
    """Needs TZ001 and ERR003."""
    proc = run("scan", "--no-cache", cwd=project)
    assert proc.returncode == 1
    assert ANSI not in proc.stdout  # not a terminal
    heads = headlines(proc.stdout)
    found = {(m["path"], m["line"], m["rule"]) for m in heads}
    assert ("app/clock.py", "2", "TZ001") in found
    assert ("app/net.py", "2", "ERR003") in found
    # Sorted by path, line, column, rule.
    keys = [(m["path"], int(m["line"]), int(m["col"]), m["rule"]) for m in heads]
    assert keys == sorted(keys)

    lines = proc.stdout.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("app/clock.py:2:") and "TZ001" in line)
    m = HEADLINE.match(lines[i])
    assert m is not None
    col = int(m["col"])
    # The code frame: one line of context before, the line, the marker, then the fix.
    assert re.match(r"^\s+1 \| from datetime import datetime$", lines[i + 1])
    assert re.match(r"^\s+2 \| x = datetime\.utcnow\(\)$", lines[i + 2])
    marker = lines[i + 3]
    bar = marker.index("|")
    assert lines[i + 2].index("|") == bar
    caret_start = marker.index("^")
    assert caret_start - (bar + 2) == col - 1
    assert set(marker[caret_start:].rstrip()) == {"^"}
    assert lines[i + 4].startswith("  fix: ")
    assert lines[i + 5] == ""
    # The summary: per severity, per category.
    assert re.search(r"^Found \d+ findings in 2 files: \d+ high, 1 medium$", proc.stdout, re.M)
    assert re.search(r"^  error-handling\s+\d+", proc.stdout, re.M)
    assert re.search(r"^  timezone\s+1\s", proc.stdout, re.M)


def test_quiet_prints_only_findings(project: Path) -> None:
    """Needs TZ001."""
    proc = run("scan", "--quiet", "--select", "TZ", cwd=project)
    assert proc.returncode == 1
    assert "Found" not in proc.stdout and "Scanned" not in proc.stdout
    assert [m["rule"] for m in headlines(proc.stdout)] == ["TZ001"]
    assert proc.stderr == ""


def test_colour_forced_and_no_color(project: Path) -> None:
    """Needs TZ001."""
    plain = run("scan", "--select", "TZ", cwd=project)
    assert ANSI not in plain.stdout
    forced = run("scan", "--select", "TZ", cwd=project, env={"FORCE_COLOR": "1"})
    assert ANSI in forced.stdout
    # Colour changes styles only: without escapes the text is the same.
    assert re.sub(r"\x1b\[[0-9;]*m", "", forced.stdout) == plain.stdout
    for value in ("1", "true"):
        off = run("scan", "--select", "TZ", cwd=project, env={"FORCE_COLOR": "1", "NO_COLOR": value})
        assert ANSI not in off.stdout and off.stdout == plain.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(project: Path) -> None:
    """Needs TZ001. stdout is a real (pseudo-)terminal here."""
    import pty

    def on_tty(extra_env: dict[str, str]) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        env.update(extra_env, TERM="xterm-256color", COLUMNS="120")
        master, slave = pty.openpty()
        try:
            proc = subprocess.Popen([*CMD, "scan", "--select", "TZ"], cwd=project, env=env, stdout=slave,
                                    stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            os.close(slave)
            chunks = []
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
            proc.wait(timeout=60)
            assert proc.returncode == 1
        finally:
            os.close(master)
        return b"".join(chunks).decode("utf-8", "replace")

    assert ANSI in on_tty({})
    assert ANSI not in on_tty({"NO_COLOR": "1"})


def test_output_file_is_never_coloured(project: Path) -> None:
    """Needs TZ001."""
    out = project / "reports" / "vcx.txt"
    proc = run("scan", "--select", "TZ", "--output", str(out), cwd=project, env={"FORCE_COLOR": "1"})
    assert proc.returncode == 1
    assert proc.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert ANSI not in text
    assert [m["rule"] for m in headlines(text)] == ["TZ001"]


# ------------------------------------------------------------------------------------ json


def test_json_format(project: Path) -> None:
    """Needs TZ001 and ERR003."""
    doc, rc = scan_json(project)
    assert rc == 1
    assert doc["tool"]["name"] == "vcx" and doc["tool"]["version"]
    assert {"TZ001", "ERR003"} <= rule_ids(doc)
    for f in doc["findings"]:
        assert set(f) == {"rule_id", "rule", "category", "severity", "path", "start", "end", "message",
                          "fix", "fingerprint"}
        assert f["severity"] in ("high", "medium", "low")
        assert f["start"]["line"] >= 1 and f["start"]["column"] >= 1
        assert (f["end"]["line"], f["end"]["column"]) >= (f["start"]["line"], f["start"]["column"])
        assert "\\" not in f["path"] and not f["path"].startswith(("/", "./"))
        assert f["message"] and f["fix"] and f["fingerprint"]
    tz = next(f for f in doc["findings"] if f["rule_id"] == "TZ001")
    assert tz == {**tz, "rule": "naive-datetime", "category": "timezone", "severity": "medium",
                  "path": "app/clock.py", "start": {"line": 2, "column": 5}}
    keys = [(f["path"], f["start"]["line"], f["start"]["column"], f["rule_id"]) for f in doc["findings"]]
    assert keys == sorted(keys)
    s = doc["summary"]
    assert s["files"] == 3 and s["findings"] == len(doc["findings"]) and s["skipped"] == 0
    assert s["by_category"]["timezone"] == 1 and s["by_severity"]["medium"] == 1
    assert "stats" not in s
    assert doc["skipped"] == []


def test_json_paths_relative_to_working_directory(project: Path) -> None:
    """Needs TZ001."""
    doc, _ = scan_json(project, "app/clock.py")
    assert [f["path"] for f in doc["findings"]] == ["app/clock.py"]
    doc, _ = scan_json(project / "app", "--select", "TZ", "../app")
    assert [f["path"] for f in doc["findings"]] == ["clock.py"]


def test_fingerprint_survives_edits_above(project: Path) -> None:
    """Needs TZ001."""
    before, _ = scan_json(project, "--select", "TZ001")
    clock = project / "app" / "clock.py"
    clock.write_text("# a comment\nimport os\n\n" + TZ_CODE, encoding="utf-8")
    after, _ = scan_json(project, "--select", "TZ001")
    assert after["findings"][0]["start"]["line"] == 5
    assert after["findings"][0]["fingerprint"] == before["findings"][0]["fingerprint"]


def test_stats(project: Path) -> None:
    proc = run("scan", "--stats", cwd=project)
    assert proc.returncode in (0, 1)
    assert "vcx stats: 3 files" in proc.stderr
    for stage in ("discover", "extract", "link", "check", "filter", "total"):
        assert re.search(rf"^  {stage}\s+[\d.]+ ms$", proc.stderr, re.M), proc.stderr
    doc, _ = scan_json(project, "--stats")
    stats = doc["summary"]["stats"]
    assert stats["files"] == 3 and stats["lines"] >= 6
    assert set(stats["seconds"]) >= {"discover", "extract", "link", "check", "filter"}
    plain = run("scan", cwd=project)
    assert "vcx stats" not in plain.stderr


# ------------------------------------------------------------------------------------ sarif


def test_sarif_is_valid_and_complete(project: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(project, {"bin.py": b"\x00\x01\x02 binary"})
    proc = run("scan", "--format", "sarif", cwd=project)
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    driver = run0["tool"]["driver"]
    assert driver["name"] == "vcx" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert r["name"] and r["shortDescription"]["text"] and r["fullDescription"]["text"]
        assert r["help"]["text"] and r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert r["properties"]["category"] in r["properties"]["tags"]
    tz_rule = rules[ids.index("TZ001")]
    assert tz_rule["name"] == "naive-datetime" and tz_rule["defaultConfiguration"]["level"] == "warning"
    assert rules[ids.index("ERR003")]["defaultConfiguration"]["level"] == "error"
    results = run0["results"]
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith("/")
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        assert res["partialFingerprints"]["vcx/v1"]
    tz = next(r for r in results if r["ruleId"] == "TZ001")
    assert tz["level"] == "warning"
    assert tz["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/clock.py"
    assert tz["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert next(r for r in results if r["ruleId"] == "ERR003")["level"] == "error"
    inv = run0["invocations"][0]
    assert inv["executionSuccessful"] is True
    notes = inv["toolExecutionNotifications"]
    assert any("bin.py" in n["message"]["text"] and "binary file" in n["message"]["text"] for n in notes)
    # The JSON fingerprints and SARIF ones agree.
    doc_json, _ = scan_json(project)
    assert {f["fingerprint"] for f in doc_json["findings"]} == \
        {r["partialFingerprints"]["vcx/v1"] for r in results}


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    write(tmp_path, {"util.py": CLEAN_CODE})
    out = tmp_path / "out.sarif"
    proc = run("scan", "--format", "sarif", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""
    doc = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(doc)
    assert doc["runs"][0]["results"] == []


# ------------------------------------------------------------------------------------ selection


def test_select_and_ignore(project: Path) -> None:
    """Needs TZ001, ERR001 and ERR003."""
    doc, _ = scan_json(project, "--select", "TZ")
    assert rule_ids(doc) == {"TZ001"}
    doc, _ = scan_json(project, "--select", "timezone")
    assert rule_ids(doc) == {"TZ001"}
    doc, _ = scan_json(project, "--select", "ERR003,TZ001")
    assert rule_ids(doc) == {"ERR003", "TZ001"}
    doc, _ = scan_json(project, "--select", "ERR003", "--select", "naive-datetime")
    assert rule_ids(doc) == {"ERR003", "TZ001"}
    doc, _ = scan_json(project, "--ignore", "ERR")
    assert rule_ids(doc) == {"TZ001"}
    doc, _ = scan_json(project, "--ignore", "TZ,ERR001")
    assert "TZ001" not in rule_ids(doc) and "ERR001" not in rule_ids(doc) and "ERR003" in rule_ids(doc)
    doc, rc = scan_json(project, "--select", "ERR", "--ignore", "error-handling")
    assert doc["findings"] == [] and rc == 0


@pytest.mark.parametrize(("flag", "value"), [("--select", "NOPE"), ("--ignore", "ERR003,BOGUS9"),
                                           ("--select", "time-zone")])
def test_unknown_selector_is_a_usage_error(tmp_path: Path, flag: str, value: str) -> None:
    write(tmp_path, {"util.py": CLEAN_CODE})
    proc = run("scan", flag, value, cwd=tmp_path)
    assert proc.returncode == 2
    assert "vcx: error:" in proc.stderr and "unknown rule or category" in proc.stderr
    assert flag in proc.stderr
    assert proc.stdout == ""


def test_severity_floor_and_fail_on(project: Path) -> None:
    """Needs TZ001 (medium) and ERR003 (high)."""
    doc, rc = scan_json(project, "--severity", "high")
    assert rc == 1 and "TZ001" not in rule_ids(doc) and "ERR003" in rule_ids(doc)
    assert all(f["severity"] == "high" for f in doc["findings"])
    # Only medium findings: exit 1 by default (fail-on low), 0 with --fail-on high.
    assert run("scan", "--select", "TZ", cwd=project).returncode == 1
    assert run("scan", "--select", "TZ", "--fail-on", "medium", cwd=project).returncode == 1
    assert run("scan", "--select", "TZ", "--fail-on", "high", cwd=project).returncode == 0
    assert run("scan", "--select", "ERR003", "--fail-on", "high", cwd=project).returncode == 1
    # Hidden findings do not fail the run.
    assert run("scan", "--select", "TZ", "--severity", "high", cwd=project).returncode == 0
    proc = run("scan", "--fail-on", "critical", cwd=project)
    assert proc.returncode == 2


# ------------------------------------------------------------------------------------ suppressions


def test_inline_suppressions(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(tmp_path, {
        "same_line.py": 'import requests\nrequests.get("https://example.com/x")  # vcx: ignore[ERR003]\n',
        "line_above.py": 'import requests\n# vcx: ignore[ERR003, ERR001]\nrequests.get("https://example.com/x")\n',
        "bare.py": 'import requests\nrequests.get("https://example.com/x")  # vcx: ignore\n',
        "other_rule.py": 'import requests\nrequests.get("https://example.com/x")  # vcx: ignore[TZ001]\n',
        "tz.py": "from datetime import datetime\nx = datetime.utcnow()  # vcx: ignore[TZ001]\n"
                 "y = datetime.utcnow()\n",
        "far.py": "from datetime import datetime\n# vcx: ignore[TZ001]\n\nx = datetime.utcnow()\n",
    })
    doc, _ = scan_json(tmp_path)
    by_file: dict[str, set[str]] = {}
    for f in doc["findings"]:
        by_file.setdefault(f["path"], set()).add(f"{f['rule_id']}@{f['start']['line']}")
    assert "ERR003@2" not in by_file.get("same_line.py", set())
    assert "ERR001@2" in by_file["same_line.py"]  # only the named rule is suppressed
    assert "line_above.py" not in by_file
    assert "bare.py" not in by_file
    assert {"ERR003@2", "ERR001@2"} <= by_file["other_rule.py"]
    assert by_file["tz.py"] == {"TZ001@3"}
    assert by_file["far.py"] == {"TZ001@4"}  # two lines above is too far
    assert doc["summary"]["suppressed"] >= 5


def test_js_suppression_comment(tmp_path: Path) -> None:
    """Needs the JavaScript front end and ERR003 on fetch without a signal."""
    write(tmp_path, {
        "a.js": 'fetch("https://example.com/x");  // vcx: ignore[ERR003]\n'
                'fetch("https://example.com/y");\n',
    })
    doc, _ = scan_json(tmp_path, "--select", "ERR003")
    assert doc["skipped"] == []
    assert [(f["rule_id"], f["start"]["line"]) for f in doc["findings"]] == [("ERR003", 2)]


# ------------------------------------------------------------------------------------ bad input


def test_missing_path(tmp_path: Path) -> None:
    proc = run("scan", "does-not-exist", cwd=tmp_path)
    assert proc.returncode == 2
    assert "vcx: error: path does not exist: does-not-exist" in proc.stderr


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = run("scan", "empty", cwd=tmp_path)
    assert proc.returncode == 0
    assert "no files to scan" in proc.stdout
    doc, rc = scan_json(tmp_path, "empty")
    assert rc == 0 and doc["findings"] == [] and doc["summary"]["files"] == 0
    assert run("scan", "-q", "empty", cwd=tmp_path).stdout == ""


def test_tests_migrations_and_seeds_are_counted_not_analysed(tmp_path: Path) -> None:
    """Needs TZ001. Non-production code gets no findings, so vcx does not analyse it at all:
    a file there that could not even be parsed is not reported as skipped."""
    write(tmp_path, {
        "app/jobs.py": TZ_CODE,
        "app/tests/test_jobs.py": TZ_CODE + NET_CODE,
        "app/migrations/0001_initial.py": TZ_CODE,
        "test_settings.py": "def broken(:\n" * 3,
        "web/api.spec.ts": "const d = new Date(); d.getHours();\n",
        "app/tests/blob.py": bytes(range(256)),  # not even opened: no "binary file" skip
    })
    doc, rc = scan_json(tmp_path)
    assert rc == 1
    assert [(f["path"], f["rule_id"]) for f in doc["findings"]] == [("app/jobs.py", "TZ001")]
    assert doc["summary"]["files"] == 1 and doc["summary"]["non_production"] == 5
    assert doc["skipped"] == []
    proc = run("scan", cwd=tmp_path)
    assert "Scanned 1 file (3 lines); 5 test, migration or seed files not analysed." in proc.stdout
    # Scanned on its own, a tests folder is the project: its files are judged from there.
    doc, _ = scan_json(tmp_path / "app" / "tests")
    assert doc["summary"]["files"] == 0 and doc["summary"]["non_production"] == 1
    assert doc["skipped"] == [{"path": "blob.py", "reason": "binary file"}]  # production, seen from there
    assert "1 test, migration or seed file not analysed" in run("scan", cwd=tmp_path / "app" / "tests").stdout


def test_binary_and_undecodable_files_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, {
        "x.py": bytes(range(256)) * 4,
        "latin.py": "name = 'caf\xe9'\n".encode("latin-1"),
        # A PEP 263 declaration is honoured, as Python does.
        "declared.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"),
        "ok.py": CLEAN_CODE,
    })
    doc, rc = scan_json(tmp_path)
    assert rc == 0
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert reasons["x.py"] == "binary file"
    assert reasons["latin.py"].startswith("undecodable")
    assert doc["summary"]["files"] == 2 and doc["summary"]["skipped"] == 2
    proc = run("scan", cwd=tmp_path)
    assert proc.returncode == 0
    assert "Skipped 2 files:" in proc.stdout
    assert "  x.py: binary file" in proc.stdout


def test_syntax_errors_do_not_stop_the_scan(tmp_path: Path) -> None:
    """Needs TZ001."""
    write(tmp_path, {"broken.py": "from datetime import datetime\n\ndef f(:\n    pass\n\n\n"
                                  "x = datetime.utcnow()\n"})
    doc, rc = scan_json(tmp_path)
    assert rc == 1
    assert doc["skipped"] == []
    assert [(f["rule_id"], f["start"]["line"]) for f in doc["findings"]] == [("TZ001", 7)]


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Needs TZ001."""
    name = os.path.join(os.fsencode(tmp_path), b"caf\xe9.py")
    with open(name, "wb") as fh:
        fh.write(TZ_CODE.encode())
    for fmt in ("text", "json", "sarif"):
        proc = run("scan", "--format", fmt, cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr
        assert ("caf%EF%BF%BD.py" if fmt == "sarif" else "caf\ufffd.py") in proc.stdout


def test_file_over_the_size_limit_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, {"big.py": "x = 1\n" * 400, "small.py": CLEAN_CODE})
    doc, _ = scan_json(tmp_path, "--max-file-size", "1KB")
    assert [s["path"] for s in doc["skipped"]] == ["big.py"]
    assert "too large" in doc["skipped"][0]["reason"]
    assert doc["summary"]["files"] == 1
    doc, _ = scan_json(tmp_path, "--max-file-size", "2MB")
    assert doc["skipped"] == []
    for bad in ("lots", "-5", "0", "2XB"):
        proc = run("scan", "--max-file-size", bad, cwd=tmp_path)
        assert proc.returncode == 2 and "max-file-size" in proc.stderr


def test_unsupported_file_named_on_the_command_line(tmp_path: Path) -> None:
    write(tmp_path, {"notes.txt": "hello\n"})
    doc, rc = scan_json(tmp_path, "notes.txt")
    assert rc == 0 and doc["skipped"][0]["path"] == "notes.txt"


def test_unwritable_output(tmp_path: Path) -> None:
    write(tmp_path, {"util.py": CLEAN_CODE, "blocker": "a file, not a folder"})
    proc = run("scan", "-o", "blocker/out.json", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2 and "vcx: error: cannot write" in proc.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("scan", "--format", "xml", cwd=tmp_path).returncode == 2
    assert run("scan", "--bogus-flag", cwd=tmp_path).returncode == 2
    assert run("frobnicate", cwd=tmp_path).returncode == 2


def _crash_script(debug: bool) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys, vcx.pipeline\n"
        "def boom(*a, **k):\n    raise RuntimeError('kaboom\\nsecond line')\n"
        "vcx.pipeline.scan = boom\n"
        "from vcx.cli import main\n"
        "sys.argv = ['vcx', 'scan', '.']\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "VCX_DEBUG"}
    if debug:
        env["VCX_DEBUG"] = "1"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=60)


def test_internal_error_is_one_line_without_traceback() -> None:
    proc = _crash_script(debug=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    first, *rest = proc.stderr.splitlines()
    assert first == "vcx: internal error: RuntimeError: kaboom second line"
    assert any("report" in line for line in rest)
    debug = _crash_script(debug=True)
    assert "Traceback" in debug.stderr and "kaboom" in debug.stderr


# ------------------------------------------------------------------------------------ rules, explain


def _known_rules() -> list[str]:
    from vcx.rules import all_rules

    return [r.id for r in all_rules()]


def test_rules_table_and_json(tmp_path: Path) -> None:
    proc = run("rules", cwd=tmp_path)
    assert proc.returncode == 0
    listed = [line.split()[0] for line in proc.stdout.splitlines() if re.match(r"^[A-Z]+\d+\s", line)]
    assert listed == _known_rules()
    proc = run("rules", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert [r["id"] for r in doc] == _known_rules()
    for r in doc:
        assert set(r) >= {"id", "slug", "category", "severity", "languages", "summary"}
        assert r["severity"] in ("high", "medium", "low") and r["languages"]


def test_rules_lists_tz001(tmp_path: Path) -> None:
    """Needs TZ001."""
    proc = run("rules", cwd=tmp_path)
    line = next(line for line in proc.stdout.splitlines() if line.startswith("TZ001"))
    assert "naive-datetime" in line and "timezone" in line and "medium" in line


def test_explain(tmp_path: Path) -> None:
    """Needs TZ001."""
    proc = run("explain", "TZ001", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith("TZ001 naive-datetime\n")
    assert "utcnow" in proc.stdout
    assert run("explain", "tz001", cwd=tmp_path).stdout == proc.stdout
    assert run("explain", "naive-datetime", cwd=tmp_path).stdout == proc.stdout


def test_explain_every_rule() -> None:
    from click.testing import CliRunner

    from vcx.cli import main

    runner = CliRunner()
    for rule_id in _known_rules():
        res = runner.invoke(main, ["explain", rule_id])
        assert res.exit_code == 0 and res.output.startswith(rule_id + " ")
        assert len(res.output.splitlines()) > 5, f"{rule_id} has no documentation"


def test_explain_unknown_rule(tmp_path: Path) -> None:
    proc = run("explain", "XYZ999", cwd=tmp_path)
    assert proc.returncode == 2
    assert "vcx: error: unknown rule 'XYZ999'" in proc.stderr
    assert proc.stdout == ""
