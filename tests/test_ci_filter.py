"""End-to-end tests of the filters teams need to adopt vcx on an existing code base: the
baseline file (``--write-baseline``, ``--baseline``, config key ``baseline``) and ``--diff REF``,
run through the installed ``vcx`` command; with the result cache, whose stored result they
must narrow afresh on every scan."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from project_files import write

from vcx.gitdiff import parse_diff

VCX = shutil.which("vcx")
CMD = [VCX] if VCX else [sys.executable, "-m", "vcx"]

TZ = "from datetime import datetime\n\nx = datetime.utcnow()\n"
NET = 'import requests\n\nrequests.get("https://example.com/x")\n'
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "VCX_DEBUG")}
    full.update(GIT_ENV)
    full.update(env or {})
    proc = subprocess.run([*CMD, *args], cwd=cwd, env=full, capture_output=True, text=True, encoding="utf-8",
                          timeout=60, stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def scan(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[dict, int]:  # type: ignore[type-arg]
    proc = run("scan", "--format", "json", *args, cwd=cwd, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc.returncode


def places(doc: dict) -> list[tuple[str, int, str]]:  # type: ignore[type-arg]
    return [(f["path"], f["start"]["line"], f["rule_id"]) for f in doc["findings"]]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vcx: error: "), proc.stderr
    return lines[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a vcx.toml at its root (the project root): TZ001 in app/clock.py,
    ERR001/ERR003 in app/net.py."""
    return write(tmp_path / "proj", {"vcx.toml": "", "app/clock.py": TZ, "app/net.py": NET})


# ------------------------------------------------------------------------------------ baseline


def test_write_baseline_then_scan_shows_nothing(project: Path) -> None:
    before, rc = scan(project)
    assert rc == 1 and len(before["findings"]) >= 3
    proc = run("scan", "--write-baseline", cwd=project)
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    assert f"wrote {len(before['findings'])} findings to the baseline .vcx-baseline.json" in proc.stderr
    doc = json.loads((project / ".vcx-baseline.json").read_text(encoding="utf-8"))
    assert doc["version"] == 1
    entries = doc["findings"]
    assert entries == sorted(entries, key=lambda e: (e["path"], e["rule_id"], e["fingerprint"]))
    assert {(e["path"], e["rule_id"], e["fingerprint"]) for e in entries} == {
        (f["path"], f["rule_id"], f["fingerprint"]) for f in before["findings"]}  # run from the root: the same
    assert all(e["message"] for e in entries)
    text = (project / ".vcx-baseline.json").read_text(encoding="utf-8")
    assert len(text.splitlines()) == len(entries) + 5  # one finding a line: diffs show what came and went

    after, rc = scan(project, "--baseline", ".vcx-baseline.json")
    assert rc == 0 and after["findings"] == []
    assert after["summary"]["baselined"] == len(before["findings"]) and after["summary"]["baseline_stale"] == 0
    plain = run("scan", "--baseline", ".vcx-baseline.json", cwd=project)
    assert plain.returncode == 0
    assert f"{len(before['findings'])} hidden by the baseline" in plain.stdout
    # Written twice from the same code: the same bytes.
    run("scan", "--write-baseline", cwd=project)
    assert (project / ".vcx-baseline.json").read_text(encoding="utf-8") == text


def test_new_finding_shown_and_edit_above_keeps_baselined_hidden(project: Path) -> None:
    run("scan", "--write-baseline", cwd=project)
    # Code added above the baselined finding moves it down; a new finding elsewhere.
    (project / "app/clock.py").write_text("import os\n\n\n# a comment\nTIMEOUT = 3\n" + TZ, encoding="utf-8")
    write(project, {"app/more.py": "from datetime import date\n\nd = date.today()\n"})
    doc, rc = scan(project, "--baseline", ".vcx-baseline.json")
    assert rc == 1 and places(doc) == [("app/more.py", 3, "TZ001")]
    assert doc["summary"]["baseline_stale"] == 0


def test_the_config_key_names_the_baseline_relative_to_the_config_file(project: Path) -> None:
    (project / "vcx.toml").write_text('baseline = "ci/vcx-baseline.json"\n', encoding="utf-8")
    missing = run("scan", cwd=project / "app")
    line = error_line(missing)
    assert "ci/vcx-baseline.json" in line and "--write-baseline" in line and "vcx.toml" in line
    assert run("scan", "--write-baseline", cwd=project / "app").returncode == 0  # from a subfolder: still there
    assert (project / "ci/vcx-baseline.json").is_file() and not (project / ".vcx-baseline.json").exists()
    doc, rc = scan(project)
    assert rc == 0 and doc["findings"] == [] and doc["summary"]["baselined"] >= 3


def test_the_baseline_holds_from_any_working_directory(project: Path, tmp_path: Path) -> None:
    run("scan", "app", "--write-baseline", cwd=project)
    paths = {e["path"] for e in json.loads((project / ".vcx-baseline.json").read_text())["findings"]}
    assert paths == {"app/clock.py", "app/net.py"}  # relative to the project root, not to the scan
    for cwd, target in ((project / "app", "."), (tmp_path, "proj"), (project, "app/clock.py")):
        proc = run("scan", target, "--baseline", str(project / ".vcx-baseline.json"), cwd=cwd)
        assert proc.returncode == 0 and "hidden by the baseline" in proc.stdout, (cwd, proc.stdout)
        assert "no longer match" not in proc.stdout  # a scan of one file does not make the others stale
    # Written from a subfolder, read from the root.
    (project / ".vcx-baseline.json").unlink()
    assert run("scan", "--write-baseline", cwd=project / "app").returncode == 0
    assert (project / ".vcx-baseline.json").is_file()
    doc, rc = scan(project)
    assert rc == 1  # no config key: the baseline applies only when named
    doc, rc = scan(project, "--baseline", ".vcx-baseline.json")
    assert rc == 0 and doc["findings"] == []


def test_identical_findings_are_matched_one_for_one(project: Path) -> None:
    two = "from datetime import datetime\n\nx = datetime.utcnow()\nx = datetime.utcnow()\n"
    (project / "app/clock.py").write_text(two, encoding="utf-8")
    run("scan", "--write-baseline", cwd=project)
    doc, rc = scan(project, "--baseline", ".vcx-baseline.json")
    assert rc == 0
    (project / "app/clock.py").write_text(two + "x = datetime.utcnow()\n", encoding="utf-8")
    doc, rc = scan(project, "--baseline", ".vcx-baseline.json")
    assert rc == 1 and [r for _, _, r in places(doc)] == ["TZ001"]  # two recorded absorb two of the three
    # An entry written twice by hand hides one finding and is then stale once.
    base = json.loads((project / ".vcx-baseline.json").read_text())
    tz = next(e for e in base["findings"] if e["rule_id"] == "TZ001")
    (project / "app/clock.py").write_text(TZ, encoding="utf-8")
    base["findings"] = [e for e in base["findings"] if e["rule_id"] != "TZ001"] + [tz, tz]
    (project / "b.json").write_text(json.dumps(base), encoding="utf-8")
    doc, rc = scan(project, "--baseline", "b.json")
    assert rc == 0 and doc["summary"]["baseline_stale"] == 1


def test_stale_entries_are_counted(project: Path) -> None:
    run("scan", "--write-baseline", cwd=project)
    (project / "app/clock.py").write_text("from datetime import datetime, timezone\n\nx = datetime.now(timezone.utc)\n",
                                          encoding="utf-8")
    doc, rc = scan(project, "--baseline", ".vcx-baseline.json")
    assert rc == 0 and doc["summary"]["baseline_stale"] == 1 and doc["summary"]["baselined"] >= 2
    proc = run("scan", "--baseline", ".vcx-baseline.json", cwd=project)
    assert "1 baseline entry no longer matches a finding; `vcx scan --write-baseline`" in proc.stdout
    # A rule that did not run makes no entry stale.
    doc, _ = scan(project, "--baseline", ".vcx-baseline.json", "--select", "TZ")
    assert doc["summary"]["baseline_stale"] == 1
    doc, _ = scan(project, "--baseline", ".vcx-baseline.json", "--select", "ERR")
    assert doc["summary"]["baseline_stale"] == 0


def test_the_baseline_records_every_severity_and_the_floor_applies_after_it(project: Path) -> None:
    run("scan", "--write-baseline", "--severity", "high", cwd=project)
    rules = {e["rule_id"] for e in json.loads((project / ".vcx-baseline.json").read_text())["findings"]}
    assert "TZ001" in rules  # medium, recorded although --severity high hides it from reports
    doc, rc = scan(project, "--baseline", ".vcx-baseline.json", "--severity", "high")
    assert rc == 0 and doc["summary"]["baseline_stale"] == 0
    assert doc["summary"]["baselined"] == len([r for r in rules if r != "TZ001"])  # only what would be shown


@pytest.mark.parametrize("content,expect", [
    ("{not json", "is not valid JSON"),
    ('{"findings": []}', "has version None"),
    ('{"version": 1, "findings": {}}', '"findings" must be a list'),
    ('{"version": 1, "findings": [{"rule_id": "TZ001", "path": "a.py"}]}', "finding #1 needs"),
    ("[]", "is not a vcx baseline"),
    (b"\xff\xfe", "cannot read"),
])
def test_a_malformed_baseline_is_a_one_line_error(project: Path, content: str | bytes, expect: str) -> None:
    p = project / "b.json"
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    line = error_line(run("scan", "--baseline", "b.json", cwd=project))
    assert expect in line and "b.json" in line


def test_missing_baseline_and_bad_write_targets(project: Path) -> None:
    line = error_line(run("scan", "--baseline", "nope.json", cwd=project))
    assert "does not exist" in line and "--write-baseline=" in line
    assert "is a folder" in error_line(run("scan", "--write-baseline", "app", cwd=project))
    assert "--diff" in error_line(run("scan", "--write-baseline", "--diff", "HEAD", cwd=project))
    (project / "vcx.toml").write_text("baseline = 3\n", encoding="utf-8")
    assert "baseline must be the path of a file" in error_line(run("scan", cwd=project))


# ------------------------------------------------------------------------------------ --diff


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed git repository: app/clock.py (TZ001 on line 3), app/util.py (clean)."""
    root = write(tmp_path / "repo", {"app/clock.py": TZ,
                                     "app/util.py": "def add(a, b):\n    return a + b\n",
                                     ".gitignore": "ignored/\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "initial")
    return root


def test_diff_shows_only_findings_on_changed_lines(repo: Path) -> None:
    # A finding made on a changed line; the committed TZ001 is left untouched.
    (repo / "app/util.py").write_text("from datetime import datetime\n\n\ndef add(a, b):\n"
                                      "    return datetime.utcnow()\n", encoding="utf-8")
    full, _ = scan(repo)
    assert ("app/clock.py", 3, "TZ001") in places(full) and ("app/util.py", 5, "TZ001") in places(full)
    doc, rc = scan(repo, "--diff", "HEAD")
    assert rc == 1 and places(doc) == [("app/util.py", 5, "TZ001")]
    assert doc["summary"]["diff_ref"] == "HEAD" and doc["summary"]["outside_diff"] == 1
    text = run("scan", "--diff", "HEAD", cwd=repo).stdout
    assert "1 outside the lines changed since HEAD" in text
    # Staged changes count as well: the working tree against REF.
    git(repo, "add", "app/util.py")
    doc, _ = scan(repo, "--diff", "HEAD")
    assert places(doc) == [("app/util.py", 5, "TZ001")]
    # Committed: nothing changed since HEAD, but since the commit before it.
    git(repo, "commit", "-q", "-m", "util")
    doc, rc = scan(repo, "--diff", "HEAD")
    assert rc == 0 and doc["findings"] == []
    doc, _ = scan(repo, "--diff", "HEAD~1")
    assert places(doc) == [("app/util.py", 5, "TZ001")]
    # From a subfolder, paths relative to it.
    doc, _ = scan(repo / "app", "--diff", "HEAD~1")
    assert places(doc) == [("util.py", 5, "TZ001")]


def test_diff_counts_untracked_files_as_new(repo: Path) -> None:
    write(repo, {"app/new.py": NET, "ignored/old.py": TZ, "app/with space é.py": TZ})
    doc, _ = scan(repo, "--diff", "HEAD")
    got = {(p, r) for p, _, r in places(doc)}
    assert ("app/new.py", "ERR003") in got and ("app/with space é.py", "TZ001") in got
    assert not any(p == "app/clock.py" for p, _ in got)


def test_diff_errors(repo: Path, tmp_path: Path) -> None:
    assert "unknown git revision 'no-such-branch'" in error_line(run("scan", "--diff", "no-such-branch", cwd=repo))
    assert "git revision" in error_line(run("scan", "--diff", "--output=x", cwd=repo))
    plain = write(tmp_path / "plain", {"a.py": TZ})
    line = error_line(run("scan", "--diff", "HEAD", cwd=plain, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)}))
    assert "needs a git repository" in line
    line = error_line(run("scan", "--diff", "HEAD", cwd=repo, env={"PATH": os.path.dirname(CMD[0])
                                                                    if VCX else os.devnull}))
    assert "needs git" in line


def test_parse_diff_reads_hunks_and_quoted_paths() -> None:
    out = (b'diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,0 +2,3 @@\n+++ not a header\n+b\n+c\n'
           b'@@ -9 +12 @@\n-old\n+new\n@@ -20,2 +22,0 @@\n-gone\n-gone\n'
           b'diff --git "a/t\\tb.py" "b/t\\tb.py"\n--- "a/t\\tb.py"\n+++ "b/t\\tb.py"\n@@ -1 +1 @@\n-a\n+b\n'
           b'diff --git a/sp ace.py b/sp ace.py\n--- a/sp ace.py\t\n+++ b/sp ace.py\t\n@@ -0,0 +1 @@\n+x\n'
           b'diff --git a/del.py b/del.py\n--- a/del.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n'
           b'diff --git "a/\\303\\274.py" "b/\\303\\274.py"\n+++ "b/\\303\\274.py"\n@@ -1 +5,2 @@\n')
    assert parse_diff(out) == {b"x.py": {2, 3, 4, 12}, b"t\tb.py": {1}, b"sp ace.py": {1},
                               "ü.py".encode(): {5, 6}}


# ------------------------------------------------------------------------------------ the result cache


def test_a_reused_result_is_narrowed_afresh(repo: Path) -> None:
    """The stored result holds every finding; the baseline, --diff and the floor apply to it on
    every scan, so a changed baseline or another REF never brings back stale output."""
    (repo / "app/util.py").write_text("from datetime import datetime\n\n\ndef add(a, b):\n"
                                      "    return datetime.utcnow()\n", encoding="utf-8")
    full, _ = scan(repo, "--stats")
    assert len(full["findings"]) == 2
    assert run("scan", "--write-baseline", cwd=repo).returncode == 0
    doc, rc = scan(repo, "--stats", "--baseline", ".vcx-baseline.json")
    assert doc["summary"]["stats"]["result_cached"] and rc == 0 and doc["findings"] == []
    # The baseline changes (one entry dropped), nothing else does: the stored result, narrowed anew.
    base = json.loads((repo / ".vcx-baseline.json").read_text())
    base["findings"] = [e for e in base["findings"] if e["path"] != "app/util.py"]
    (repo / ".vcx-baseline.json").write_text(json.dumps(base), encoding="utf-8")
    doc, _ = scan(repo, "--stats", "--baseline", ".vcx-baseline.json")
    assert doc["summary"]["stats"]["result_cached"] and places(doc) == [("app/util.py", 5, "TZ001")]
    # Another REF, another answer, from the same stored result.
    doc, _ = scan(repo, "--stats", "--diff", "HEAD")
    assert doc["summary"]["stats"]["result_cached"] and places(doc) == [("app/util.py", 5, "TZ001")]
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "util")
    doc, _ = scan(repo, "--stats", "--diff", "HEAD")
    assert doc["summary"]["stats"]["result_cached"] and doc["findings"] == []
    doc, _ = scan(repo, "--stats", "--diff", "HEAD~1")
    assert doc["summary"]["stats"]["result_cached"] and places(doc) == [("app/util.py", 5, "TZ001")]
    # The severity floor too: the stored result is the same for every --severity.
    doc, rc = scan(repo, "--stats", "--severity", "high")
    assert doc["summary"]["stats"]["result_cached"] and doc["findings"] == [] and rc == 0
    doc, _ = scan(repo, "--stats")
    assert doc["summary"]["stats"]["result_cached"] and len(doc["findings"]) == 2
