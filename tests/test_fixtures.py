"""Rule fixtures: what each rule must report, exactly.

Every folder ``tests/fixtures/<RULE_ID>/<case>/`` is a small project (1-4 files) that is
scanned on its own, in-process, with only ``RULE_ID`` selected. Expectations live in the
fixture files themselves, as comments on the line where the finding must start:

    resp = requests.get(url)  # expect: ERR003
    const res = await fetch(url); // expect: ERR003
    <p>{dayjs().format("dddd")}{/* expect: TZ002 */}</p>
    r = rq.get(url).json()  # expect: ERR002, ERR003

The findings of ``RULE_ID`` must EQUAL the expectations of ``RULE_ID`` (compared as sets of
``(path, line, rule_id)``): nothing missing, nothing extra. Expectations for other rules
may appear in a folder and are checked only in their own rule's folder.

Look-alikes that must NOT be reported carry an ``ok:`` comment saying why
(``# ok: timeout from settings``). The marker is documentation (a finding on such a line
is shown with its reason) and lets the meta-test below check that every rule has
negatives; any line without an expectation must stay silent, marked or not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from vcx.config import Config
from vcx.discover import language_of
from vcx.parse import parse
from vcx.pipeline import scan
from vcx.rules import CATEGORIES, all_rules

FIXTURES = Path(__file__).parent / "fixtures"

RULE_ID = r"[A-Z]{2,4}\d{3}"
# `# expect: ERR003`, `// expect: ERR001, ERR003`, `{/* expect: TZ002 */}`
EXPECT_RE = re.compile(rf"(?:#|//|/\*)\s*expect:\s*({RULE_ID}(?:\s*,\s*{RULE_ID})*)\b")
# Anything that looks like an attempt at an expectation, to catch typos that would make it a no-op.
EXPECT_ATTEMPT_RE = re.compile(r"(?:#|//|/\*)\s*expect\b", re.IGNORECASE)
OK_RE = re.compile(r"(?:#|//|/\*)\s*ok:\s*(.*?)\s*(?:\*/.*)?$")

# Code that does not run in production (RULES.md header): it must never carry an expectation.
NON_PRODUCTION_RE = re.compile(
    r"(^|/)(tests?|__tests__|specs?)/"
    r"|(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$"
    r"|\.(test|spec)\.[cm]?[jt]sx?$"
)


@dataclass
class Case:
    folder: Path
    rule_id: str
    files: list[Path] = field(default_factory=list)  # relative to the case folder
    # (path, line, rule_id) -> source line, for every rule id named in the folder
    expected: dict[tuple[str, int, str], str] = field(default_factory=dict)
    # (path, line) -> reason of an `ok:` look-alike
    ok_lines: dict[tuple[str, int], str] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # malformed fixture comments

    @property
    def name(self) -> str:
        return f"{self.rule_id}/{self.folder.name}"

    def own_expected(self) -> dict[tuple[str, int, str], str]:
        return {k: v for k, v in self.expected.items() if k[2] == self.rule_id}

    def source(self, path: str, line: int) -> str:
        text = self.lines.get(path, [])
        return text[line - 1].strip() if 0 < line <= len(text) else "<no such line>"


def load_case(folder: Path) -> Case:
    case = Case(folder=folder, rule_id=folder.parent.name)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if language_of(path) is None:
            continue
        case.files.append(Path(rel))
        text = path.read_text(encoding="utf-8").splitlines()
        case.lines[rel] = text
        for n, line in enumerate(text, start=1):
            m = EXPECT_RE.search(line)
            if m:
                for rule_id in (r.strip() for r in m.group(1).split(",")):
                    case.expected[(rel, n, rule_id)] = line.strip()
            elif EXPECT_ATTEMPT_RE.search(line):
                case.problems.append(f"{rel}:{n}: malformed expectation (want `expect: RULE[, RULE]` "
                                     f"at the end of the line): {line.strip()}")
            ok = OK_RE.search(line)
            if ok:
                case.ok_lines[(rel, n)] = ok.group(1)
    return case


def _subfolders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))


def case_folders() -> list[Path]:
    if not FIXTURES.is_dir():
        return []
    return [case for rule in _subfolders(FIXTURES) for case in _subfolders(rule)]


@cache
def registered_rule_ids() -> frozenset[str]:
    return frozenset(r.id for r in all_rules())


def _format_failure(case: Case, missing: list[tuple[str, int, str]],
                    unexpected: list[tuple[tuple[str, int, str], str]],
                    skipped: list[tuple[str, str]]) -> str:
    out = [f"{case.name}: {len(missing)} missing, {len(unexpected)} unexpected "
           f"(fixture: {case.folder.relative_to(FIXTURES.parent.parent)})"]
    if case.rule_id not in registered_rule_ids():
        out.append(f"  note: {case.rule_id} is not in vcx.rules.all_rules(): the rule is not registered yet")
    if skipped:
        out.append("  files the scan skipped (their expectations cannot be met):")
        out += [f"    {p}: {why}" for p, why in skipped]
    if missing:
        out.append(f"  MISSING -- marked `expect: {case.rule_id}`, not reported:")
        for path, line, _ in missing:
            out.append(f"    {path}:{line}  {case.source(path, line)}")
    if unexpected:
        out.append(f"  UNEXPECTED -- reported by {case.rule_id}, no expectation on that line:")
        for (path, line, _), message in unexpected:
            out.append(f"    {path}:{line}  {case.source(path, line)}")
            out.append(f"        message: {message}")
            reason = case.ok_lines.get((path, line))
            if reason is not None:
                out.append(f"        this line is a look-alike marked ok: {reason}")
    return "\n".join(out)


@pytest.mark.parametrize("folder", case_folders(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(folder: Path) -> None:
    case = load_case(folder)
    assert not case.problems, "\n".join([f"{case.name}: malformed fixture", *case.problems])
    assert case.files, f"{case.name}: no source files in the case folder"

    result = scan([folder], Config(select=[case.rule_id]), cwd=folder)

    found: dict[tuple[str, int, str], str] = {}
    for f in result.findings:
        if f.rule_id == case.rule_id:
            found.setdefault((f.path, f.line, f.rule_id), f.message)
    expected = case.own_expected()
    missing = sorted(set(expected) - set(found))
    unexpected = sorted((k, found[k]) for k in set(found) - set(expected))
    if missing or unexpected or result.skipped:
        pytest.fail(_format_failure(case, missing, unexpected, list(result.skipped)), pytrace=False)


def test_fixture_files_are_well_formed() -> None:
    """Every fixture file parses cleanly (a syntax error would hide findings) and no
    expectation sits in non-production code (which gets no findings by definition)."""
    problems: list[str] = []
    for folder in case_folders():
        case = load_case(folder)
        problems += [f"{case.name}: {p}" for p in case.problems]
        for rel in case.files:
            path = folder / rel
            lang = language_of(path)
            assert lang is not None
            tree = parse(path.read_bytes(), lang)
            if tree.root_node.has_error:
                problems.append(f"{case.name}: {rel.as_posix()} does not parse cleanly as {lang}")
        for path, line, rule_id in case.expected:
            if NON_PRODUCTION_RE.search(path):
                problems.append(f"{case.name}: {path}:{line} expects {rule_id} in non-production code")
            if rule_id.rstrip("0123456789") not in CATEGORIES.values():
                problems.append(f"{case.name}: {path}:{line} names an unknown rule {rule_id}")
    assert not problems, "\n".join(problems)


def test_every_rule_has_fixtures() -> None:
    """Each registered rule has a fixture folder with a positive and with look-alike negatives;
    each fixture folder is named after a registered rule."""
    rule_ids = registered_rule_ids()
    folders = {p.name: p for p in _subfolders(FIXTURES)} if FIXTURES.is_dir() else {}
    problems: list[str] = []
    for name in sorted(set(folders) - rule_ids):
        problems.append(f"fixtures/{name}: not a rule id in vcx.rules.all_rules()")
    for rule_id in sorted(rule_ids):
        if rule_id not in folders:
            problems.append(f"{rule_id}: no fixture folder tests/fixtures/{rule_id}/")
            continue
        cases = [load_case(c) for c in _subfolders(folders[rule_id])]
        if not any(c.own_expected() for c in cases):
            problems.append(f"{rule_id}: no case expects a finding (`expect: {rule_id}`)")
        if not any(c.ok_lines for c in cases):
            problems.append(f"{rule_id}: no case with look-alike negatives (lines marked `ok: <why>`)")
    assert not problems, "\n".join(problems)
