"""The demo applications in ``examples/`` against what vcx reports on them.

Every planted defect carries a trailing marker comment on the line where RULES.md says it
is reported (``# vcx-demo: TZ001`` / ``// vcx-demo: ERR003``; several ids separated by
commas). For the rules in ``IMPLEMENTED`` the findings must equal the markers exactly:
every marker found, and no finding of those rules on an unmarked line. Extend
``IMPLEMENTED`` as more rules land.

The apps are scanned the way the README quick start does it: ``vcx scan examples/<app>``
from the repository root, through the installed command.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
APPS = ("shop-api-python", "shop-api-node")

IMPLEMENTED = frozenset({
    "ERR001", "ERR002", "ERR003", "ERR004", "ERR005",
    "NPQ001", "NPQ002",
    "TXN001", "TXN002",
    "TZ001", "TZ002", "TZ003", "TZ004",
})

# Every rule id of spec/RULES.md v1.3; a marker naming anything else is a typo.
KNOWN_RULES = frozenset({
    *(f"ERR00{i}" for i in range(1, 6)),
    "NPQ001", "NPQ002",
    "RATE001", "RATE002",
    "CFG001", "CFG002", "CFG003",
    *(f"MEM00{i}" for i in range(1, 5)),
    "TXN001", "TXN002",
    *(f"TZ00{i}" for i in range(1, 5)),
})

SOURCE_SUFFIXES = {".py", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"}
MARKER = re.compile(r"(?:#|//)\s*vcx-demo:\s*(?P<ids>[A-Z]+[0-9]{3}(?:\s*,\s*[A-Z]+[0-9]{3})*)")

Key = tuple[str, int, str]  # (path relative to ROOT, 1-based line, rule id)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _span(lines: list[str], index: int) -> range:
    """Lines (1-based) a marker on ``lines[index]`` stands for.

    A marker on a Python decorator covers the decorated ``def`` too: RULES.md lets a
    route finding start at the decorator or at the handler's definition line.
    """
    end = index
    if lines[index].lstrip().startswith("@"):
        while end + 1 < len(lines) and lines[end].lstrip().startswith("@"):
            end += 1
            if re.match(r"\s*(async\s+)?def\s", lines[end]):
                break
    return range(index + 1, end + 2)


def collect_markers(app: Path) -> dict[Key, range]:
    """Each marker of the app, keyed by (path, line, rule), with the lines it accepts."""
    markers: dict[Key, range] = {}
    for path in sorted(app.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, text in enumerate(lines):
            m = MARKER.search(text)
            if m:
                for rule in re.split(r"\s*,\s*", m.group("ids")):
                    markers[(_rel(path), i + 1, rule)] = _span(lines, i)
    return markers


def vcx_command() -> list[str]:
    exe = shutil.which("vcx")
    return [exe] if exe else [sys.executable, "-m", "vcx"]


def run_vcx(app: Path) -> dict:
    proc = subprocess.run(
        # --no-cache: facts cached by an older front end must not decide this test,
        # and the scan must not write into examples/.
        [*vcx_command(), "scan", _rel(app), "--format", "json", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode in (0, 1), f"vcx exited {proc.returncode}:\n{proc.stderr}"
    return json.loads(proc.stdout)


@pytest.fixture(scope="module", params=APPS)
def app_report(request: pytest.FixtureRequest) -> tuple[Path, dict]:
    app = EXAMPLES / request.param
    return app, run_vcx(app)


def test_markers_name_known_rules() -> None:
    for name in APPS:
        markers = collect_markers(EXAMPLES / name)
        assert markers, f"no vcx-demo markers in {name}"
        unknown = sorted(k for k in markers if k[2] not in KNOWN_RULES)
        assert not unknown, f"markers naming unknown rules: {unknown}"


def test_every_category_is_planted() -> None:
    for name in APPS:
        prefixes = {re.sub(r"[0-9]+$", "", k[2]) for k in collect_markers(EXAMPLES / name)}
        assert prefixes == {"ERR", "NPQ", "RATE", "CFG", "MEM", "TXN", "TZ"}, name


def test_every_file_is_analysed(app_report: tuple[Path, dict]) -> None:
    _, report = app_report
    assert report["skipped"] == [], report["skipped"]


def test_findings_match_markers(app_report: tuple[Path, dict]) -> None:
    app, report = app_report
    markers = {k: span for k, span in collect_markers(app).items() if k[2] in IMPLEMENTED}
    findings = [
        (f["path"], f["start"]["line"], f["rule_id"], f["message"])
        for f in report["findings"] if f["rule_id"] in IMPLEMENTED
    ]

    def hit(key: Key, span: range) -> bool:
        path, _, rule = key
        return any(p == path and r == rule and line in span for p, line, r, _ in findings)

    def expected(path: str, line: int, rule: str) -> bool:
        return any(k[0] == path and k[2] == rule and line in span for k, span in markers.items())

    missing = sorted(k for k, span in markers.items() if not hit(k, span))
    extra = sorted(f for f in findings if not expected(*f[:3]))
    problems = [f"missed {rule} at {path}:{line}" for path, line, rule in missing]
    problems += [f"unexpected {rule} at {path}:{line}: {msg}" for path, line, rule, msg in extra]
    assert not problems, "\n".join(problems)
