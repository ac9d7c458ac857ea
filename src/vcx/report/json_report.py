"""JSON output (schema in docs/output.md)."""

from __future__ import annotations

import json
from collections import Counter

from vcx import __version__
from vcx.pipeline import ScanResult


def summary(result: ScanResult, stats: bool = False) -> dict[str, object]:
    out: dict[str, object] = {
        "files": result.stats.files,
        "lines": result.stats.lines,
        "non_production": result.stats.non_production,
        "skipped": len(result.skipped),
        "findings": len(result.findings),
        "suppressed": result.suppressed,
        "by_severity": dict(sorted(Counter(f.severity for f in result.findings).items())),
        "by_category": dict(sorted(Counter(f.category for f in result.findings).items())),
        "by_rule": dict(sorted(Counter(f.rule_id for f in result.findings).items())),
    }
    if result.baselined is not None:  # a baseline in use
        out["baselined"] = result.baselined
        out["baseline_stale"] = result.baseline_stale
    if result.diff_ref is not None:
        out["diff_ref"] = result.diff_ref
        out["outside_diff"] = result.outside_diff
    if stats:
        out["stats"] = result.stats.to_dict()
    return out


def render(result: ScanResult, *, stats: bool = False) -> str:
    doc = {
        "tool": {"name": "vcx", "version": __version__},
        "findings": [f.to_dict() for f in result.findings],
        "skipped": [{"path": p, "reason": r} for p, r in result.skipped],
        "summary": summary(result, stats),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
