"""The CI reports: GitHub workflow commands (``--format github``) and Markdown
(``--format markdown``), on hand-made scan results and end to end through the ``vcx`` command."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from project_files import write
from test_cli import TZ_CODE, run

from vcx.findings import Finding, assign_fingerprints
from vcx.pipeline import ScanResult, Stats
from vcx.report import github, markdown


def finding(path: str = "app/clock.py", line: int = 2, col: int = 5, end_line: int | None = None,
            end_col: int = 22, rule_id: str = "TZ001", severity: str = "medium", category: str = "timezone",
            rule: str = "naive-datetime", message: str = "`datetime.utcnow()` is naive",
            fix: str = "Use aware UTC time.") -> Finding:
    return Finding(rule_id=rule_id, rule=rule, category=category, severity=severity, path=path, line=line,
                   column=col, end_line=line if end_line is None else end_line, end_column=end_col,
                   message=message, fix=fix)


def high(path: str = "app/net.py", line: int = 7, message: str = "`requests.get(url)` has no timeout=") -> Finding:
    return finding(path=path, line=line, col=12, end_col=29, rule_id="ERR003", severity="high",
                   category="error-handling", rule="missing-timeout", message=message, fix="Pass a timeout.")


def low(path: str = "app/jobs.py", line: int = 3) -> Finding:
    return finding(path=path, line=line, col=1, end_line=line + 2, end_col=2, rule_id="TZ004", severity="low",
                   rule="schedule-without-timezone", message="`cron.schedule(...)` has no timezone",
                   fix="Pass a time zone.")


def result(findings: list[Finding], files: int = 3, suppressed: int = 0,
           skipped: list[tuple[str, str]] | None = None) -> ScanResult:
    assign_fingerprints(findings)
    findings.sort(key=Finding.sort_key)
    stats = Stats(files=files, lines=40, skipped=len(skipped or []))
    return ScanResult(findings=findings, skipped=skipped or [], stats=stats, suppressed=suppressed)


# ---------------------------------------------------------------------------------- github


def test_github_exact_output_and_severities() -> None:
    out = github.render(result([finding(), high(), low()]))
    assert out == (
        "::warning file=app/clock.py,line=2,endLine=2,col=5,endColumn=22,title=TZ001 (naive-datetime)::"
        "`datetime.utcnow()` is naive\n"
        "::notice file=app/jobs.py,line=3,endLine=5,title=TZ004 (schedule-without-timezone)::"
        "`cron.schedule(...)` has no timezone\n"
        "::error file=app/net.py,line=7,endLine=7,col=12,endColumn=29,title=ERR003 (missing-timeout)::"
        "`requests.get(url)` has no timeout=\n"
        "vcx: 3 findings (1 high, 1 medium, 1 low) in 3 files; scanned 3 files.\n"
    )


def test_github_order_is_the_findings_order() -> None:
    res = result([high(line=9), finding(path="a.py"), high(line=2), low(path="z.py")])
    lines = github.render(res).splitlines()[:-1]
    assert lines == [github.annotation(f) for f in res.findings]
    assert [ln.split(",")[0] for ln in lines] == ["::warning file=a.py", "::error file=app/net.py",
                                                   "::error file=app/net.py", "::notice file=z.py"]


def test_github_escaping() -> None:
    f = finding(path="we,ird:dir/100%.py", rule_id="X,1", rule="a:b",
                message="50% of `a, b: c`\nsecond line\r\nthird ::error::x")
    assert github.annotation(f) == (
        "::warning file=we%2Cird%3Adir/100%25.py,line=2,endLine=2,col=5,endColumn=22,title=X%2C1 (a%3Ab)::"
        "50%25 of `a, b: c`%0Asecond line%0D%0Athird ::error::x"
    )
    # As @actions/core's escapeData / escapeProperty: "%" first, so nothing is escaped twice.
    assert github.escape_data("%0A\n") == "%250A%0A"
    assert github.escape_property("a%2C,:") == "a%252C%2C%3A"
    assert github.escape_data("a, b: c") == "a, b: c"


def test_github_positions() -> None:
    # An empty span still ends after its start (as in the SARIF region); a span over several
    # lines has no columns (GitHub accepts them only on one line).
    assert ",col=5,endColumn=6," in github.annotation(finding(col=5, end_col=5))
    multi = github.annotation(finding(line=4, end_line=6, end_col=3))
    assert "line=4,endLine=6,title=" in multi and "col=" not in multi
    assert ",line=1,endLine=1,col=1," in github.annotation(finding(line=0, col=0, end_line=0, end_col=0))


def test_github_no_findings() -> None:
    assert github.render(result([])) == "vcx: no findings in 3 files.\n"
    assert github.render(result([], files=0)) == "vcx: no files to scan.\n"
    out = github.render(result([], suppressed=2, skipped=[("x.py", "binary file")]))
    assert out == "vcx: no findings in 3 files; 2 suppressed; 1 file skipped.\n"
    assert not any(line.startswith("::") for line in out.splitlines())


# ---------------------------------------------------------------------------------- markdown


def test_markdown_exact_output() -> None:
    res = result([finding(), high(), high(line=9), low()], suppressed=1)
    assert markdown.render(res) == """\
## vcx: 4 findings (2 high, 1 medium, 1 low)

| category | findings | high | medium | low |
|---|--:|--:|--:|--:|
| error-handling | 2 | 2 | 0 | 0 |
| timezone | 2 | 0 | 1 | 1 |

Scanned 3 files (40 lines); 1 suppressed.

### `app/clock.py` · 1 finding (1 medium)

- `app/clock.py:2` `TZ001` naive-datetime · **medium**<br>
  `datetime.utcnow()` is naive<br>
  Fix: Use aware UTC time.

### `app/jobs.py` · 1 finding (1 low)

- `app/jobs.py:3` `TZ004` schedule-without-timezone · **low**<br>
  `cron.schedule(...)` has no timezone<br>
  Fix: Pass a time zone.

### `app/net.py` · 2 findings (2 high)

- `app/net.py:7` `ERR003` missing-timeout · **high**<br>
  `requests.get(url)` has no timeout=<br>
  Fix: Pass a timeout.
- `app/net.py:9` `ERR003` missing-timeout · **high**<br>
  `requests.get(url)` has no timeout=<br>
  Fix: Pass a timeout.
"""


def test_markdown_no_findings() -> None:
    assert markdown.render(result([])) == "## vcx: no findings\n\nScanned 3 files (40 lines).\n"
    assert markdown.render(result([], files=0)) == "## vcx: no files to scan\n"
    out = markdown.render(result([], skipped=[("x.py", "binary file")]))
    assert out == "## vcx: no findings\n\nScanned 3 files (40 lines); 1 file skipped.\n"


@pytest.mark.parametrize(("message", "expected"), [
    # | < > & are escaped outside code spans; code spans are kept (HTML is not read in them).
    ("a | b <script> & c, `List<T> | x` 100%", "a \\| b &lt;script&gt; &amp; c, `List<T> | x` 100%"),
    # Newlines and runs of spaces: one line.
    ("first\nsecond\r\n  third", "first second third"),
    # Markdown punctuation outside code; "_" inside a word is left alone.
    ("*bold* _em_ [x](y) ~s~ #1 snake_case \\", "\\*bold\\* \\_em\\_ \\[x\\](y) \\~s\\~ \\#1 snake_case \\\\"),
    # A quoted template literal keeps its backticks inside one code span.
    ("`fetch(`${base}/x`, { headers })` has no signal", "``fetch(`${base}/x`, { headers })`` has no signal"),
    ("`axios.post(url, { text: `Revenue: …` in `startJobs` is",
     "``axios.post(url, { text: `Revenue: …`` in `startJobs` is"),
    # An unmatched backtick is shown as one.
    ("it's a ` tick", "it's a \\` tick"),
    # @name would mention someone in a comment: put in a code span; an e-mail address is not.
    ("ask @octocat or mail a@b.org", "ask `@octocat` or mail a@b.org"),
    # A message that would start a list or a heading on its own line.
    ("- not a list", "\\- not a list"),
    ("1. not a list", "1\\. not a list"),
    ("control \x1b[31m char", "control \ufffd\\[31m char"),
])
def test_markdown_escaping(message: str, expected: str) -> None:
    item = markdown.finding_item(finding(message=message, fix=""))
    assert item == ["- `app/clock.py:2` `TZ001` naive-datetime · **medium**<br>", "  " + expected]


def test_markdown_escaping_of_paths_and_fix() -> None:
    f = finding(path="we,ird:100%/`a`|<b>.py", fix="Use `x | y` & <z>.")
    item = markdown.finding_item(f)
    assert item[0] == "- ``we,ird:100%/`a`|<b>.py:2`` `TZ001` naive-datetime · **medium**<br>"
    assert markdown.code("`a``") == "``` `a`` ```"
    assert item[2] == "  Fix: Use `x | y` &amp; &lt;z&gt;."
    many = result([finding(path="we,ird:100%/`a`|<b>.py", line=n) for n in range(1, 30)])
    out = markdown.render(many)
    assert "<summary><code>we,ird:100%/`a`|&lt;b&gt;.py</code> · 29 findings (29 medium)</summary>" in out


def test_markdown_rule_link() -> None:
    item = markdown.finding_item(finding(), rule_url=lambda rid: f"https://example.org/rules#{rid.lower()}")
    assert item[0] == "- `app/clock.py:2` [`TZ001`](https://example.org/rules#tz001) naive-datetime · **medium**<br>"
    assert markdown.finding_item(finding(), rule_url=lambda rid: None)[0].startswith("- `app/clock.py:2` `TZ001` ")


def test_markdown_collapses_files_when_many() -> None:
    res = result([finding(path=f"f{n:02}.py") for n in range(markdown.COLLAPSE_OVER)])
    assert "<details>" not in markdown.render(res)
    res = result([finding(path=f"f{n:02}.py") for n in range(markdown.COLLAPSE_OVER + 1)])
    out = markdown.render(res)
    assert out.count("<details>") == markdown.COLLAPSE_OVER + 1
    assert out.count("</details>") == markdown.COLLAPSE_OVER + 1
    assert "###" not in out
    assert ("<details>\n<summary><code>f00.py</code> · 1 finding (1 medium)</summary>\n\n"
            "- `f00.py:2` `TZ001` naive-datetime · **medium**<br>\n") in out


def test_markdown_cap() -> None:
    findings = [high(path=f"src/m{n // 10:02}.py", line=n + 1) for n in range(230)] + [low(path="zz.py")]
    res = result(findings)
    out = markdown.render(res)
    assert out.startswith("## vcx: 231 findings (230 high, 1 low)\n")
    assert "| error-handling | 230 | 230 | 0 | 0 |\n| timezone | 1 | 0 | 0 | 1 |\n" in out
    listed = [line for line in out.splitlines() if line.startswith("- `")]
    assert len(listed) == 200
    assert listed[0].startswith("- `src/m00.py:1` ") and listed[-1].startswith("- `src/m19.py:200` ")
    assert out.endswith("</details>\n\n*31 more findings (in 4 files) not listed here; `vcx scan` lists them all.*\n")
    # A file cut short says how many of its findings are listed.
    out = markdown.render(res, max_findings=15)
    assert "### `src/m01.py` · 5 findings (5 high)\n" in out
    assert out.endswith("*216 more findings (in 23 files) not listed here; `vcx scan` lists them all.*\n")


def test_markdown_size_is_bounded() -> None:
    long = "`x` " + "word " * 400  # a 2 kB message
    res = result([high(path=f"src/m{n:03}.py", message=long) for n in range(100)])
    out = markdown.render(res)
    assert len(out) <= markdown.MAX_CHARS < 65_536  # a pull-request comment's limit
    listed = sum(1 for line in out.splitlines() if line.startswith("- `"))
    assert 20 < listed < 100
    assert out.endswith(f"*{100 - listed} more findings (in {100 - listed} files) not listed here; "
                        "`vcx scan` lists them all.*\n")
    small = markdown.render(res, max_chars=5_000)
    assert len(small) <= 5_000
    assert sum(1 for line in small.splitlines() if line.startswith("- `")) == 2


# ---------------------------------------------------------------------------------- end to end


@pytest.fixture
def weird(tmp_path: Path) -> Path:
    """A TZ001 finding in a folder whose name needs escaping."""
    return write(tmp_path, {"we,ird:100%/clock.py": TZ_CODE, "ok.py": "def f():\n    return 1\n"})


TZ_MESSAGE = ("`datetime.utcnow()` in `module level` gives a naive UTC datetime (deprecated since Python 3.12) "
              "that is read as local time")
TZ_FIX = "Use aware UTC time: datetime.now(timezone.utc), fromtimestamp(ts, tz=timezone.utc)."


def test_e2e_github(weird: Path) -> None:
    proc = run("scan", "--no-cache", "--format", "github", cwd=weird)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == (
        "::warning file=we%2Cird%3A100%25/clock.py,line=2,endLine=2,col=5,endColumn=22,"
        f"title=TZ001 (naive-datetime)::{TZ_MESSAGE}\n"
        "vcx: 1 finding (1 medium) in 1 file; scanned 2 files.\n"
    )
    out = weird / "report" / "annotations.txt"
    proc2 = run("scan", "--format", "GitHub", "--output", str(out), cwd=weird)
    assert proc2.returncode == 1 and proc2.stdout == ""
    assert out.read_text(encoding="utf-8") == proc.stdout
    proc3 = run("scan", "--format", "github", "--fail-on", "high", cwd=weird)
    assert proc3.returncode == 0 and proc3.stdout == proc.stdout


def test_e2e_markdown(weird: Path) -> None:
    proc = run("scan", "--no-cache", "--format", "markdown", cwd=weird)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == f"""\
## vcx: 1 finding (1 medium)

| category | findings | high | medium | low |
|---|--:|--:|--:|--:|
| timezone | 1 | 0 | 1 | 0 |

Scanned 2 files (6 lines).

### `we,ird:100%/clock.py` · 1 finding (1 medium)

- `we,ird:100%/clock.py:2` `TZ001` naive-datetime · **medium**<br>
  {TZ_MESSAGE}<br>
  Fix: {TZ_FIX}
"""
    out = weird / "summary.md"
    proc2 = run("scan", "--format", "markdown", "-o", str(out), cwd=weird)
    assert proc2.returncode == 1 and proc2.stdout == ""
    assert out.read_text(encoding="utf-8") == proc.stdout


def test_e2e_no_findings(tmp_path: Path) -> None:
    write(tmp_path, {"ok.py": "def f():\n    return 1\n"})
    proc = run("scan", "--format", "github", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "vcx: no findings in 1 file.\n"
    proc = run("scan", "--format", "markdown", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == "## vcx: no findings\n\nScanned 1 file (3 lines).\n"


def test_e2e_same_findings_and_order_as_json(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003: every format reports the same findings in the same order."""
    write(tmp_path, {"b/clock.py": TZ_CODE, "a/net.py": 'import requests\nrequests.get("https://x")\n',
                     "a/clock.py": TZ_CODE})
    doc = json.loads(run("scan", "--format", "json", cwd=tmp_path).stdout)
    expected = [(f["path"], f["start"]["line"], f["rule_id"]) for f in doc["findings"]]
    assert len(expected) >= 3
    gh = run("scan", "--format", "github", cwd=tmp_path)
    got = []
    for line in gh.stdout.splitlines()[:-1]:
        props = dict(p.split("=", 1) for p in line.split("::")[1].split(" ", 1)[1].split(","))
        got.append((props["file"], int(props["line"]), props["title"].split()[0]))
    assert got == expected
    md = run("scan", "--format", "markdown", cwd=tmp_path)
    items = [line.split("`")[1:4:2] for line in md.stdout.splitlines() if line.startswith("- `")]
    assert [(loc.rsplit(":", 1)[0], int(loc.rsplit(":", 1)[1]), rid) for loc, rid in items] == expected
    assert gh.returncode == md.returncode == 1


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
def test_e2e_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Needs TZ001."""
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.py"), "wb") as fh:
        fh.write(TZ_CODE.encode())
    proc = run("scan", "--format", "github", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout.startswith("::warning file=caf\ufffd.py,line=2,"), proc.stderr
    proc = run("scan", "--format", "markdown", cwd=tmp_path)
    assert proc.returncode == 1 and "- `caf\ufffd.py:2` `TZ001` " in proc.stdout, proc.stderr


# ------------------------------------------------------------------- baseline and --diff


def test_summaries_say_what_the_baseline_and_diff_left_out() -> None:
    res = result([high()])
    res.baselined, res.baseline_stale, res.diff_ref, res.outside_diff = 4, 2, "origin/main", 7
    assert github.render(res).splitlines()[-1] == (
        "vcx: 1 finding (1 high) in 1 file; scanned 3 files; 4 hidden by the baseline; "
        "7 outside the lines changed since origin/main; 2 baseline entries no longer match.")
    assert ("Scanned 3 files (40 lines); 4 hidden by the baseline; 7 outside the lines changed since "
            "origin/main; 2 baseline entries no longer match.") in markdown.render(res)
    res.baseline_stale = 1
    assert github.render(res).endswith("; 1 baseline entry no longer matches.\n")
