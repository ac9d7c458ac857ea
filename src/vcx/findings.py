"""The unit of output: one finding of one rule at one place."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

SEVERITIES = ("low", "medium", "high")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(slots=True)
class Finding:
    rule_id: str
    rule: str
    category: str
    severity: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: str
    fingerprint: str = ""
    # Source text of the start line, kept for the code frame and the fingerprint.
    source_line: str = field(default="", compare=False)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule_id)

    def to_dict(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "path": self.path,
            "start": {"line": self.line, "column": self.column},
            "end": {"line": self.end_line, "column": self.end_column},
            "message": self.message,
            "fix": self.fix,
            "fingerprint": self.fingerprint,
        }


def assign_fingerprints(findings: list[Finding]) -> None:
    """Give each finding a fingerprint that survives unrelated edits above it.

    The hash covers the rule, the file and the whitespace-normalised text of the line,
    plus the finding's rank among identical (rule, file, text) triples, never the line
    number: inserting code above a finding does not change it.
    """
    for f, digest in fingerprints(findings):
        f.fingerprint = digest


def fingerprints(findings: list[Finding], path_of: Callable[[Finding], str] | None = None
                 ) -> list[tuple[Finding, str]]:
    """Each finding with its fingerprint, the file named by ``path_of(finding)`` (default: its
    path as reported, relative to the working directory). The baseline names files relative
    to the project root instead, so that it holds from any working directory."""
    seen: dict[tuple[str, str, str], int] = {}
    out: list[tuple[Finding, str]] = []
    for f in sorted(findings, key=Finding.sort_key):
        path = path_of(f) if path_of is not None else f.path
        text = " ".join(f.source_line.split())
        key = (f.rule_id, path, text)
        n = seen.get(key, 0)
        seen[key] = n + 1
        digest = hashlib.sha256(f"{f.rule_id}\0{path}\0{text}\0{n}".encode()).hexdigest()
        out.append((f, digest[:20]))
    return out
