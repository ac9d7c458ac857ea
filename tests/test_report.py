"""Unit tests of the reports (text, JSON, SARIF) on hand-made scan results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from vcx.findings import Finding, assign_fingerprints
from vcx.pipeline import ScanResult, Stats
from vcx.report import json_report, sarif, text

DATA = Path(__file__).parent / "data"
SOURCE = {
    "app/clock.py": ["from datetime import datetime", "x = datetime.utcnow()", "print(x)"],
    "app/tabs.py": ["def f():", "\tx = 'ñandú'; y = now()", ""],
    "app/wide.py": ["名前 = now()"],
}


def finding(path: str = "app/clock.py", line: int = 2, col: int = 5, end_line: int = 2, end_col: int = 22,
            rule_id: str = "TZ001", severity: str = "medium", category: str = "timezone",
            rule: str = "naive-datetime") -> Finding:
    return Finding(rule_id=rule_id, rule=rule, category=category, severity=severity, path=path, line=line,
                   column=col, end_line=end_line, end_column=end_col, message=f"{rule_id} message",
                   fix="Do the right thing.", source_line=SOURCE.get(path, [""] * line)[line - 1]
                   if line <= len(SOURCE.get(path, [])) else "")


def result(findings: list[Finding], skipped: list[tuple[str, str]] | None = None, files: int = 3,
           suppressed: int = 0) -> ScanResult:
    assign_fingerprints(findings)
    findings.sort(key=Finding.sort_key)
    stats = Stats(files=files, lines=40, skipped=len(skipped or []),
                  seconds={"discover": 0.001, "extract": 0.01, "link": 0.0, "check": 0.002, "filter": 0.0})
    return ScanResult(findings=findings, skipped=skipped or [], stats=stats, suppressed=suppressed)


def lines_of(path: str) -> list[str]:
    return SOURCE.get(path, [])


def render_text(res: ScanResult, **kw: object) -> str:
    return text.render(res, lines_of=lines_of, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------ text


def test_text_exact_shape() -> None:
    out = render_text(result([finding()]))
    assert out == (
        "app/clock.py:2:5  TZ001  TZ001 message\n"
        "  1 | from datetime import datetime\n"
        "  2 | x = datetime.utcnow()\n"
        "    |     ^^^^^^^^^^^^^^^^^\n"
        "  3 | print(x)\n"
        "  fix: Do the right thing.\n"
        "\n"
        "Found 1 finding in 1 file: 1 medium\n"
        "  timezone     1  (1 medium)\n"
        "Scanned 3 files (40 lines).\n"
    )


def test_text_quiet_and_colour() -> None:
    res = result([finding(), finding(rule_id="ERR003", severity="high", category="error-handling",
                                     rule="missing-timeout", line=1, col=1, end_col=5)])
    quiet = render_text(res, quiet=True)
    assert "Found" not in quiet and "Scanned" not in quiet
    assert quiet.count("fix:") == 2
    coloured = render_text(res, color=True)
    assert "\x1b[" in coloured
    assert "\x1b[1;31mERR003" in coloured  # high in red
    assert "\x1b[1;33mTZ001" in coloured  # medium in yellow
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_text(res)


def test_text_marker_with_tabs_and_wide_characters() -> None:
    # "\tx = 'ñandú'; y = now()": `now()` starts at character 19 (1-based).
    out = render_text(result([finding(path="app/tabs.py", line=2, col=19, end_col=24)]), quiet=True)
    rows = out.splitlines()
    code, marker = rows[2], rows[3]
    assert code.endswith("    x = 'ñandú'; y = now()")
    assert marker[code.index("now()"):] == "^^^^^"
    out = render_text(result([finding(path="app/wide.py", line=1, col=6, end_col=11)]), quiet=True)
    rows = out.splitlines()
    assert rows[1] == "  1 | 名前 = now()"
    assert rows[2] == "    |        ^^^^^"  # two wide characters take four cells


def test_text_multiline_span_and_edges() -> None:
    # A span that goes on past its line is marked to the end of the start line.
    out = render_text(result([finding(line=2, col=5, end_line=3, end_col=3)]), quiet=True)
    assert out.splitlines()[3] == "    |     ^^^^^^^^^^^^^^^^^"
    # First line of a file: no line before it; an empty span still gets one caret.
    out = render_text(result([finding(line=1, col=1, end_line=1, end_col=1)]), quiet=True)
    rows = out.splitlines()
    assert rows[1] == "  1 | from datetime import datetime"
    assert rows[2] == "    | ^" and rows[3].startswith("  2 |")
    # The file cannot be read any more: the start line alone, from the finding.
    f = finding(path="moved.py")
    f.source_line = "x = datetime.utcnow()"
    out = render_text(result([f]), quiet=True)
    assert out.splitlines()[1:3] == ["  2 | x = datetime.utcnow()", "    |     ^^^^^^^^^^^^^^^^^"]
    # No source available: headline and fix only.
    out = render_text(result([finding(path="gone.py")]), quiet=True)
    assert out == "gone.py:2:5  TZ001  TZ001 message\n  fix: Do the right thing.\n\n"


def test_text_control_characters_are_neutralised() -> None:
    f = finding()
    f.message = "evil \x1b[31m message"
    out = render_text(result([f]), quiet=True)
    assert "\x1b" not in out and "evil \ufffd[31m message" in out


def test_text_summary_counts_and_skipped() -> None:
    res = result([finding(), finding(rule_id="ERR003", severity="high", category="error-handling",
                                     rule="missing-timeout", path="app/net.py"),
                  finding(rule_id="ERR001", severity="high", category="error-handling",
                          rule="unhandled-network-call", path="app/net.py")],
                 skipped=[("bin.py", "binary file"), ("latin.py", "undecodable: not valid UTF-8 (byte 3)")],
                 suppressed=2)
    out = render_text(res)
    assert "Found 3 findings in 2 files: 2 high, 1 medium\n" in out
    assert "  error-handling     2  (2 high)\n  timezone           1  (1 medium)\n" in out
    assert "Scanned 3 files (40 lines); 2 suppressed.\n" in out
    assert ("Skipped 2 files:\n  bin.py: binary file\n"
            "  latin.py: undecodable: not valid UTF-8 (byte 3)\n") in out
    many = [(f"f{i}.py", "binary file") for i in range(7)] + [("big.py", "too large: 9 bytes")]
    out = render_text(result([], skipped=many))
    assert "Skipped 8 files (binary file: 7, too large: 1); --stats lists them.\n" in out
    assert "f0.py" not in out
    assert "f0.py: binary file" in render_text(result([], skipped=many), stats=True)


def test_text_no_files() -> None:
    assert render_text(result([], files=0)) == "vcx: no files to scan\n"
    out = render_text(result([], files=0, skipped=[("x.py", "binary file")]))
    assert out.startswith("vcx: no files to scan (1 file skipped)\n")
    assert render_text(result([], files=0), quiet=True) == ""


def test_text_stats() -> None:
    out = text.render_stats(result([finding()], skipped=[("x.py", "binary file")]), extra={"report": 0.5})
    assert out.startswith("vcx stats: 3 files, 40 lines, 0 non-production, 1 skipped, 0 cached, 1 finding, "
                          "0 suppressed\n")
    assert re.search(r"^  extract\s+10\.0 ms$", out, re.M)
    assert re.search(r"^  report\s+500\.0 ms$", out, re.M)
    assert re.search(r"^  total\s+513\.0 ms$", out, re.M)
    assert out.endswith("skipped:\n  x.py: binary file\n")
    assert "reused" not in out


def test_text_stats_says_when_the_last_result_was_reused() -> None:
    res = result([finding()])
    res.stats.result_cached = True
    out = text.render_stats(res)
    assert out.splitlines()[1] == "  the last scan's result reused: no file it depends on changed what vcx reads"


# ------------------------------------------------------------------------------------ json


def test_json_document() -> None:
    res = result([finding()], skipped=[("x.py", "binary file")], suppressed=1)
    doc = json.loads(json_report.render(res))
    assert doc["tool"]["name"] == "vcx"
    assert doc["findings"] == [{
        "rule_id": "TZ001", "rule": "naive-datetime", "category": "timezone", "severity": "medium",
        "path": "app/clock.py", "start": {"line": 2, "column": 5}, "end": {"line": 2, "column": 22},
        "message": "TZ001 message", "fix": "Do the right thing.", "fingerprint": res.findings[0].fingerprint,
    }]
    assert doc["skipped"] == [{"path": "x.py", "reason": "binary file"}]
    assert doc["summary"] == {"files": 3, "lines": 40, "non_production": 0, "skipped": 1, "findings": 1,
                              "suppressed": 1,
                              "by_severity": {"medium": 1}, "by_category": {"timezone": 1},
                              "by_rule": {"TZ001": 1}}
    with_stats = json.loads(json_report.render(res, stats=True))
    assert with_stats["summary"]["stats"]["seconds"]["extract"] == 0.01


# ------------------------------------------------------------------------------------ sarif


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def test_sarif_document_is_valid(sarif_schema: dict, tmp_path: Path) -> None:
    res = result([finding(), finding(rule_id="ZZZ900", rule="made-up", category="timezone", severity="low",
                                     path="dir with space/ü.py", line=1, col=3, end_line=1, end_col=3)],
                 skipped=[("x.py", "binary file"), ("y.py", "internal error while analysing: Boom")])
    doc = sarif.document(res, stats=True, root=tmp_path)
    errors = list(jsonschema.Draft7Validator(sarif_schema).iter_errors(doc))
    assert not errors, [e.message for e in errors[:5]]
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    assert "ZZZ900" in ids  # a finding of an unknown rule still gets a descriptor
    results = {r["ruleId"]: r for r in run["results"]}
    tz = results["TZ001"]
    assert tz["level"] == "warning" and ids[tz["ruleIndex"]] == "TZ001"
    assert tz["message"]["text"] == "TZ001 message"
    assert tz["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "app/clock.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 22},
    }
    tz_finding = next(f for f in res.findings if f.rule_id == "TZ001")
    assert tz["partialFingerprints"] == {"vcx/v1": tz_finding.fingerprint}
    odd = results["ZZZ900"]
    assert odd["level"] == "note"
    loc = odd["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "dir%20with%20space/%C3%BC.py"
    assert loc["region"]["endColumn"] > loc["region"]["startColumn"]  # never an empty or inverted region
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is True
    levels = {n["message"]["text"]: n["level"] for n in inv["toolExecutionNotifications"]}
    assert levels == {"skipped x.py: binary file": "note",
                      "skipped y.py: internal error while analysing: Boom": "warning"}
    assert inv["properties"]["stats"]["files"] == 3
    # The rendered text is the same document.
    assert json.loads(sarif.render(res, stats=True, root=tmp_path)) == doc


def test_sarif_rule_descriptors(sarif_schema: dict) -> None:
    from vcx.rules import all_rules

    doc = sarif.document(result([]))
    jsonschema.Draft7Validator(sarif_schema).validate(doc)
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    for desc, rule in zip(rules, all_rules(), strict=True):
        assert desc["name"] == rule.slug
        assert desc["defaultConfiguration"]["level"] == {"high": "error", "medium": "warning",
                                                          "low": "note"}[rule.severity]
        assert desc["help"]["markdown"] == rule.doc() and desc["help"]["text"] == rule.doc()
        assert rule.category in desc["properties"]["tags"]
        assert desc["shortDescription"]["text"] and desc["fullDescription"]["text"]
