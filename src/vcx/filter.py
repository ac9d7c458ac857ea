"""Stage 6: decide which findings the user sees.

Drops findings in code that does not run in production (tests, seeds, migrations), inside
unparsable regions, suppressed inline (``# vcx: ignore[RULE]`` on the line or the line
above) or by ``per-file-ignores``; applies severity overrides.
"""

from __future__ import annotations

import fnmatch
import re

from vcx.config import Config
from vcx.findings import Finding
from vcx.link import Project

NON_PRODUCTION = re.compile(
    r"(^|/)(tests?|__tests__|spec|specs|migrations|seeds?|fixtures)/"
    r"|(^|/)alembic/versions/"
    r"|(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py|test_settings\.py)$"
    r"|\.(test|spec)\.[cm]?[jt]sx?$"
    r"|(^|/)settings/test\.py$"
    r"|(^|/)seed\.[cm]?[jt]s$|(^|/)prisma/seed\.[^/]*$|(^|/)seed\.py$"
)


def is_non_production(path: str) -> bool:
    return bool(NON_PRODUCTION.search(path))


def _suppressed(finding: Finding, suppressions: dict[int, tuple[str, ...]]) -> bool:
    for line in (finding.line, finding.line - 1):
        ids = suppressions.get(line)
        if ids is None:
            continue
        if not ids or any(finding.rule_id.startswith(i) or i.lower() in (finding.category, finding.rule)
                          for i in ids):
            return True
    return False


def _path_ignored(finding: Finding, config: Config) -> bool:
    from vcx.rules import rule_by_id

    rule = rule_by_id(finding.rule_id)
    for glob, selectors in config.per_file_ignores.items():
        if fnmatch.fnmatch(finding.path, glob) or fnmatch.fnmatch(finding.path, "*/" + glob.lstrip("./")):
            from vcx.rules import matches

            if rule is not None and any(matches(rule, s) for s in selectors):
                return True
    return False


def apply_filters(findings: list[Finding], project: Project, config: Config) -> tuple[list[Finding], int]:
    kept: list[Finding] = []
    suppressed = 0
    for f in findings:
        mod = project.modules.get(f.path)
        if is_non_production(f.path) and f.rule_id != "CFG003":
            continue
        if mod is not None and any(lo <= f.line <= hi for lo, hi in mod.error_ranges):
            continue
        if (mod is not None and _suppressed(f, mod.suppressions)) or _path_ignored(f, config):
            suppressed += 1
            continue
        for key, level in config.severity_overrides.items():
            if f.rule_id.startswith(key) or key.lower() in (f.category, f.rule):
                f.severity = level
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
