"""Stage 6: decide which findings the user sees.

Drops findings in code that does not run in production (tests, seeds, migrations), inside
unparsable regions, suppressed inline (``# vcx: ignore[RULE]`` on the line or the line
above) or by ``per-file-ignores``; applies severity overrides, then the severity floor
(``--severity``).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from vcx.config import Config
from vcx.findings import Finding, severity_rank
from vcx.link import Project

if TYPE_CHECKING:
    import pathspec


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
                  cwd: Path | None = None) -> tuple[list[Finding], int]:
    """The findings to report, and how many were suppressed (inline or per-file)."""
    kept: list[Finding] = []
    suppressed = 0
    floor = severity_rank(config.min_severity)
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
        if severity_rank(f.severity) < floor:
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
