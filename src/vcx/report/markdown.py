"""GitHub-flavoured Markdown, for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A heading with the totals by severity, a table by category, a line of scan counts, then the
findings grouped by file (each file a collapsed ``<details>`` block when the list is long),
in the order of the other formats. The list is bounded: at most ``MAX_FINDINGS`` findings and
about ``MAX_CHARS`` characters (a pull-request comment holds 65,536), then a line saying how
many were left out. The shape is described in docs/output.md.

Text from findings is escaped so that it renders as written: outside the message's own
code spans, Markdown punctuation is backslash-escaped, ``<``, ``>`` and ``&`` become entities
and ``@name`` is put in a code span (so that it mentions nobody); code spans are kept as
they are.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from vcx.findings import SEVERITIES, Finding
from vcx.report import summary_clauses

if TYPE_CHECKING:
    from vcx.pipeline import ScanResult

MAX_FINDINGS = 200
MAX_CHARS = 60_000
COLLAPSE_OVER = 20  # more findings listed than this: one collapsed <details> block per file
ORDER = tuple(reversed(SEVERITIES))  # high, medium, low

RuleUrl = Callable[[str], "str | None"]

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BACKTICKS = re.compile(r"`+")
_OPEN = re.compile(r"(?:^|(?<=[\s(\[{\"']))`")
_CLOSE = re.compile(r"`(?=$|[\s.,;:)\]}!?\"'])")
_PUNCT = re.compile(r"([\\`*\[\]|~#]|(?<!\w)_|_(?!\w))")  # "_" inside a word emphasises nothing
_MENTION = re.compile(r"(?<![\w@])@\w[\w.\-/]*")
_BLOCK_START = re.compile(r"^(?:[-+=]|\d{1,9}(?=[.)]))")  # would start a list or heading on its line


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub("\ufffd", text).split())


def _escape_plain(text: str) -> str:
    """Plain text (no code spans in it) made safe for Markdown, in a paragraph or table cell."""
    out = []
    pos = 0
    for m in _MENTION.finditer(text):
        out.append(_escape_chars(text[pos:m.start()]))
        out.append(code(m.group()))
        pos = m.end()
    out.append(_escape_chars(text[pos:]))
    return "".join(out)


def _escape_chars(text: str) -> str:
    text = html.escape(text, quote=False)  # & < >
    return _PUNCT.sub(r"\\\1", text)


def _closing(text: str, start: int) -> re.Match[str] | None:
    """The backtick that ends the span opened just before ``start``: the first one before a
    space, punctuation or the end with an even number of backticks before it in the span (a
    quoted template literal holds its own pairs), else the first one before such a character."""
    first = None
    for m in _CLOSE.finditer(text, start + 1):
        if text.count("`", start, m.start()) % 2 == 0:
            return m
        first = first or m
    return first


def inline(text: str) -> str:
    """A message or fix sentence as Markdown on one line: its code spans kept as code, the rest
    escaped. Messages quote source code in backticks, and the code may hold backticks itself
    (`fetch(`${base}/x`, {...})`), so a span opens at a backtick at the start or after a space
    or an opening bracket and closes as :func:`_closing` says; each span is written again with
    a fence longer than any backtick run in it."""
    text = _one_line(text)
    out = []
    pos = 0
    while (open_ := _OPEN.search(text, pos)) is not None:
        close = _closing(text, open_.end())
        if close is None:
            break
        out.append(_escape_plain(text[pos:open_.start()]))
        out.append(code(text[open_.end():close.start()]))
        pos = close.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _line_start(text: str) -> str:
    """``text`` safe at the start of a line (a list item's continuation line)."""
    m = _BLOCK_START.match(text)
    if m is None:
        return text
    return text[:m.end()] + "\\" + text[m.end():] if m.group()[0].isdigit() else "\\" + text


def code(text: str) -> str:
    """``text`` as one code span, whatever backticks it holds."""
    text = _one_line(text)
    longest = max((len(r) for r in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _by_severity(findings: list[Finding]) -> str:
    count = Counter(f.severity for f in findings)
    return ", ".join(f"{count[s]} {s}" for s in ORDER if count[s])


def _heading(result: ScanResult) -> str:
    findings = result.findings
    if result.stats.files == 0:
        return "## vcx: no files to scan"
    if not findings:
        return "## vcx: no findings"
    return f"## vcx: {_plural(len(findings), 'finding')} ({_by_severity(findings)})"


def _category_table(findings: list[Finding]) -> list[str]:
    rows = ["| category | findings | high | medium | low |", "|---|--:|--:|--:|--:|"]
    by_cat = Counter(f.category for f in findings)
    for cat, n in sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0])):
        sev = Counter(f.severity for f in findings if f.category == cat)
        rows.append(f"| {_escape_plain(cat)} | {n} | {sev['high']} | {sev['medium']} | {sev['low']} |")
    return rows


def _scanned(result: ScanResult) -> str:
    stats = result.stats
    line = f"Scanned {_plural(stats.files, 'file')} ({_plural(stats.lines, 'line')})"
    if stats.non_production:
        line += f"; {_plural(stats.non_production, 'test, migration or seed file')} not analysed"
    for clause in summary_clauses(result):
        line += f"; {_escape_plain(clause)}"
    return line + "."


def finding_item(f: Finding, rule_url: RuleUrl | None = None) -> list[str]:
    """One finding as a list item: location, rule, severity; the message; the fix."""
    url = rule_url(f.rule_id) if rule_url else None
    rule = f"[{code(f.rule_id)}]({url})" if url else code(f.rule_id)
    lines = [f"- {code(f'{f.path}:{f.line}')} {rule} {_escape_plain(f.rule)} · **{f.severity}**<br>",
             "  " + _line_start(inline(f.message))]
    if f.fix:
        lines[-1] += "<br>"
        lines.append("  Fix: " + inline(f.fix))
    return lines


def _group(path: str, listed: list[Finding], items: list[str], collapse: bool) -> list[str]:
    title = f"{_plural(len(listed), 'finding')} ({_by_severity(listed)})"
    if collapse:
        return ["<details>", f"<summary><code>{html.escape(_one_line(path))}</code> · {title}</summary>", "",
                *items, "", "</details>", ""]
    return [f"### {code(path)} · {title}", "", *items, ""]


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def render(result: ScanResult, *, rule_url: RuleUrl | None = None, max_findings: int = MAX_FINDINGS,
           max_chars: int = MAX_CHARS) -> str:
    """The Markdown report. ``rule_url(rule_id)``: a link for the rule id, or None for none.
    At most ``max_findings`` findings are listed, and no more than fit in about ``max_chars``."""
    findings = result.findings
    out = [_heading(result), ""]
    if findings:
        out += [*_category_table(findings), ""]
    if result.stats.files:
        out += [_scanned(result), ""]
    collapse = min(len(findings), max_findings) > COLLAPSE_OVER
    budget = max_chars - _size(out) - 200  # 200: the closing line
    shown = 0
    full = False
    start = 0
    while start < len(findings) and not full:
        path = findings[start].path
        end = start
        while end < len(findings) and findings[end].path == path:
            end += 1
        listed: list[Finding] = []
        items: list[str] = []
        for f in findings[start:end]:
            item = finding_item(f, rule_url)
            header = _size(_group(path, [*listed, f], [], collapse))
            if shown == max_findings or _size(items) + _size(item) + header > budget:
                full = True
                break
            listed.append(f)
            items += item
            shown += 1
        if listed:
            group = _group(path, listed, items, collapse)
            out += group
            budget -= _size(group)
        start = end
    left = len(findings) - shown
    if left:  # the findings listed are the first `shown`
        files = len({f.path for f in findings[shown:]})
        out += [f"*{_plural(left, 'more finding')} (in {_plural(files, 'file')}) not listed here; "
                "`vcx scan` lists them all.*", ""]
    return "\n".join(out).rstrip("\n") + "\n"
