"""SARIF 2.1.0 output, for code-scanning platforms (GitHub code scanning and the like).

The mapping from findings to SARIF is described in docs/output.md. Paths are relative
to the working directory, under the ``%SRCROOT%`` base id; columns are Unicode code points,
1-based, the end column exclusive (as in vcx's own JSON).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from vcx import __version__, project_url
from vcx.findings import Finding
from vcx.pipeline import ScanResult
from vcx.rules import Rule, all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "vcx/v1"


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~")


def _first_paragraph(doc: str) -> str:
    for para in doc.split("\n\n"):
        text = " ".join(line.strip() for line in para.splitlines() if line.strip())
        if text and not text.startswith("#"):
            return text
    return ""


def rule_descriptor(rule: type[Rule]) -> dict[str, object]:
    doc = rule.doc()
    summary = getattr(rule, "summary", "") or rule.slug
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _first_paragraph(doc) or summary},
        "help": {"text": doc or summary, "markdown": doc or summary},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {
            "tags": ["vcx", rule.category, "reliability"],
            "category": rule.category,
            "severity": rule.severity,
            "languages": list(rule.languages),
        },
    }


def _fallback_descriptor(f: Finding) -> dict[str, object]:
    return {
        "id": f.rule_id,
        "name": f.rule,
        "shortDescription": {"text": f.rule},
        "defaultConfiguration": {"level": LEVELS.get(f.severity, "warning")},
        "properties": {"tags": ["vcx", f.category], "category": f.category},
    }


def _location(path: str) -> dict[str, object]:
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT}}}


def _region(f: Finding) -> dict[str, int]:
    line = max(f.line, 1)
    col = max(f.column, 1)
    end_line = max(f.end_line, line)
    end_col = max(f.end_column, 1)
    if end_line == line and end_col <= col:
        end_col = col + 1
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def result_object(f: Finding, rule_index: int) -> dict[str, object]:
    loc = _location(f.path)
    loc["physicalLocation"]["region"] = _region(f)  # type: ignore[index]
    return {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [loc],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"severity": f.severity, "category": f.category, "rule": f.rule, "fix": f.fix},
    }


def document(result: ScanResult, *, stats: bool = False, root: Path | None = None) -> dict[str, object]:
    """The SARIF log as a dict. ``root``: the folder paths are relative to (for ``%SRCROOT%``)."""
    rules = [rule_descriptor(r) for r in all_rules()]
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for f in result.findings:
        if f.rule_id not in index:
            index[f.rule_id] = len(rules)
            rules.append(_fallback_descriptor(f))
        results.append(result_object(f, index[f.rule_id]))
    notifications = [
        {
            "level": "warning" if "internal error" in reason else "note",
            "message": {"text": f"skipped {path}: {reason}"},
            "locations": [_location(path)],
            "descriptor": {"id": "skipped-file"},
        }
        for path, reason in result.skipped
    ]
    invocation: dict[str, object] = {
        "executionSuccessful": True,
        "toolExecutionNotifications": notifications,
    }
    if stats:
        invocation["properties"] = {"stats": result.stats.to_dict()}
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "vcx",
                "version": __version__,
                "semanticVersion": __version__,
                **({"informationUri": home} if (home := project_url("Homepage")) else {}),
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root.resolve().as_uri().rstrip("/") + "/"}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: ScanResult, *, stats: bool = False, root: Path | None = None) -> str:
    return json.dumps(document(result, stats=stats, root=root), indent=2, ensure_ascii=False) + "\n"
