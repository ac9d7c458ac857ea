"""Stage 6: decide which findings the user sees.

Drops findings in code that does not run in production (tests, seeds, migrations), inside
unparsable regions, suppressed inline (``# vcx: ignore[RULE]`` on the line or the line
above) or by ``per-file-ignores``; applies severity overrides (``apply_filters``: what the
result cache stores). Then, on every scan, stored result or not (``narrow``): drops the
findings recorded in the baseline, those outside the lines changed since ``--diff REF``, and
those below the severity floor (``--severity``).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from vcx.config import Config
from vcx.findings import Finding, severity_rank

if TYPE_CHECKING:
    from collections import Counter

    import pathspec

    from vcx.gitdiff import Changes
    from vcx.link import Project
    from vcx.pipeline import ScanResult


def selector_matches(finding: Finding, selector: str) -> bool:
    """Whether a selector (``ERR003``, ``ERR``, ``error-handling``, ``missing-timeout``, ``ALL``)
    names the rule of ``finding``."""
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    if s.lower() in (finding.category, finding.rule):
        return True
    return finding.rule_id.startswith(s.upper())


COMMENT_STARTS = ("#", "//", "/*", "*", "{/*")


class _Lines:
    """Source lines read on demand (only to tell a comment line from a trailing comment)."""

    def __init__(self, cwd: Path | None) -> None:
        self.cwd = cwd or Path.cwd()
        self.cache: dict[str, list[str]] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self.cache:
            try:
                text = (self.cwd / path).read_text(encoding="utf-8", errors="replace")
                self.cache[path] = text.splitlines()
            except OSError:
                self.cache[path] = []
        lines = self.cache[path]
        return lines[line - 1] if 0 < line <= len(lines) else None


def _suppressed(finding: Finding, suppressions: dict[int, tuple[str, ...]],
                lines: _Lines | None = None) -> bool:
    """A ``vcx: ignore`` comment on the finding's line, or alone on the line above."""
    for line in (finding.line, finding.line - 1):
        ids = suppressions.get(line)
        if ids is None:
            continue
        if line != finding.line and lines is not None:
            text = lines.get(finding.path, line)
            if text is not None and not text.lstrip().startswith(COMMENT_STARTS):
                continue  # a trailing comment on the line above belongs to that line
        if not ids or any(selector_matches(finding, i) for i in ids):
            return True
    return False


@cache
def _spec(glob: str) -> pathspec.GitIgnoreSpec:
    import pathspec  # only for per-file-ignores

    return pathspec.GitIgnoreSpec.from_lines([glob])


def _relative_to_root(path: str, root: Path | None, cwd: Path) -> str:
    """A finding's path (relative to the working directory) made relative to the config root."""
    if root is None:
        return path
    absolute = os.path.normpath(os.path.join(cwd, path))
    try:
        rel = os.path.relpath(absolute, root)
    except ValueError:
        return path
    rel = rel.replace(os.sep, "/")
    return path if rel.startswith("../") or rel == ".." else rel


def path_ignored(finding: Finding, config: Config, cwd: Path | None = None) -> bool:
    """Whether ``per-file-ignores`` turns this finding off (globs are gitignore-style,
    relative to the config file's folder)."""
    if not config.per_file_ignores:
        return False
    rel = _relative_to_root(finding.path, config.root, cwd or Path.cwd())
    for glob, selectors in config.per_file_ignores.items():
        if _spec(glob).match_file(rel) and any(selector_matches(finding, s) for s in selectors):
            return True
    return False


def _specificity(finding: Finding, key: str) -> tuple[int, int]:
    """How narrowly a (matching) selector names the finding's rule: ALL < category < prefix
    (longer is narrower) < the rule's own id or slug."""
    k = key.strip()
    if k.upper() == finding.rule_id or k.lower() == finding.rule:
        return (3, 0)
    if k.upper() == "ALL":
        return (0, 0)
    if k.lower() == finding.category:
        return (1, 0)
    return (2, len(k))


def apply_severity_overrides(finding: Finding, config: Config) -> None:
    """The most specific matching ``severity`` key wins (the later one on a tie)."""
    best: tuple[int, int] | None = None
    for key, level in config.severity_overrides.items():
        if selector_matches(finding, key):
            rank = _specificity(finding, key)
            if best is None or rank >= best:
                best = rank
                finding.severity = level


def apply_filters(findings: list[Finding], project: Project, config: Config,
                  cwd: Path | None = None, floor: bool = True) -> tuple[list[Finding], int]:
    """The findings to report, and how many were suppressed (inline or per-file). With
    ``floor=False`` the severity floor is left to ``narrow`` (as the pipeline does)."""
    kept: list[Finding] = []
    suppressed = 0
    lowest = severity_rank(config.min_severity) if floor else 0
    lines = _Lines(cwd)
    for f in findings:
        mod = project.modules.get(f.path)
        if project.is_test(f.path) and f.rule_id != "CFG003":
            continue
        if mod is not None and any(lo <= f.line <= hi for lo, hi in mod.error_ranges):
            continue
        if (mod is not None and _suppressed(f, mod.suppressions, lines)) or path_ignored(f, config, cwd):
            suppressed += 1
            continue
        apply_severity_overrides(f, config)
        if severity_rank(f.severity) < lowest:
            continue
        kept.append(f)
    # One finding per rule and place.
    seen: set[tuple[str, str, int, int]] = set()
    unique = []
    for f in kept:
        k = (f.rule_id, f.path, f.line, f.column)
        if k not in seen:
            seen.add(k)
            unique.append(f)
    return unique, suppressed


def _in_scope(path: str, scopes: list[str]) -> bool:
    """Whether a project-relative path lies in one of the scanned paths (project-relative;
    "" for the whole project)."""
    return any(not s or path == s or path.startswith(s + "/") for s in scopes)


def narrow(result: ScanResult, config: Config, targets: list[Path], cwd: Path,
           recorded: Counter[tuple[str, str, str]] | None, changes: Changes | None) -> None:
    """The filters that apply after the result cache, in place: the baseline (``recorded``,
    matched by rule id, project-relative path and fingerprint, each entry hiding one finding),
    then ``--diff`` (``changes``), then the severity floor. Counts what the baseline hid among
    the findings that would otherwise be shown, and the baseline's entries that match no
    finding although their file was scanned and their rule ran (``vcx.baseline``)."""
    shown = result.findings
    if recorded is not None:
        from vcx import baseline
        from vcx.rules import all_rules

        root = baseline.project_root(config, targets)
        left = recorded.copy()
        hidden: set[int] = set()
        for f, key in baseline.keyed(shown, root, cwd):
            if left[key] > 0:
                left[key] -= 1
                hidden.add(id(f))
        unmatched = {key: n for key, n in left.items() if n > 0}
        if unmatched:  # the rules are loaded only then (a reused result needs them not)
            off = {r.id for r in all_rules() if not config.rule_enabled(r)}
            scopes = [baseline.relative(str(t), root, cwd) for t in targets] or [""]
            scopes = ["" if s == "." else s for s in scopes]
            result.baseline_stale = sum(n for (rule, path, _), n in unmatched.items()
                                        if rule not in off and _in_scope(path, scopes))
        before = shown
        shown = [f for f in shown if id(f) not in hidden]
        hidden_findings = [f for f in before if id(f) in hidden]
    else:
        hidden_findings = []
    lowest = severity_rank(config.min_severity)

    def visible(f: Finding) -> bool:
        return severity_rank(f.severity) >= lowest and (changes is None or changes.changed(f.path, f.line, cwd))

    if changes is not None:
        result.diff_ref = changes.ref
        result.outside_diff = sum(1 for f in shown if severity_rank(f.severity) >= lowest and
                                  not changes.changed(f.path, f.line, cwd))
    if recorded is not None:
        result.baselined = sum(1 for f in hidden_findings if visible(f))
    result.findings = [f for f in shown if visible(f)]
