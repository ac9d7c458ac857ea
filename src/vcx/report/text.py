"""Text output for people, in the manner of ruff (format described in docs/output.md).

Each finding::

    src/app.py:12:9  ERR003  requests.get(url) has no timeout ...
      11 |     url = f"{BASE}/users/{uid}"
      12 |     resp = requests.get(url)
         |            ^^^^^^^^^^^^^^^^^
      13 |     return resp.json()
      fix: Pass timeout=(3.05, 30) ...

then a blank line; a summary at the end. The first line of each finding is stable and easy to
grep: ``path:line:col``, two spaces, the rule id, two spaces, the message. Colour (ANSI,
through rich) only changes styles, never the characters: without colour, rich is not even
imported (a tenth of a warm scan's time).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len

from vcx.findings import SEVERITIES, Finding

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from vcx.pipeline import ScanResult

SEVERITY_STYLE = {"high": "bold red", "medium": "bold yellow", "low": "bold cyan"}
GUTTER_STYLE = "blue"
FIX_STYLE = "green"
SKIPPED_INLINE = 5  # skipped files listed one by one in the summary up to this many
TAB = 4

LineSource = Callable[[str], list[str]]


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_RICH_STRIPS = dict.fromkeys((7, 8, 11, 12, 13))  # what rich's Text drops (rich.control.STRIP_CONTROL_CODES)


class Line:
    """A line of the report: a text with a style for all of it (``Text(text, style=...)``) and
    pieces appended with their own (``Text.append``). Made into a rich ``Text`` only for colour."""

    __slots__ = ("pieces", "style", "text")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.text = text
        self.style = style
        self.pieces: list[tuple[str, str | None]] = []

    def append(self, text: str, style: str | None = None) -> None:
        self.pieces.append((text, style))

    @property
    def plain(self) -> str:
        """What rich's ``Text.plain`` gives for the same text and pieces."""
        return (self.text + "".join(t for t, _ in self.pieces)).translate(_RICH_STRIPS)

    def rich(self) -> Text:
        from rich.text import Text

        out = Text(self.text, style=self.style)
        for text, style in self.pieces:
            out.append(text, style=style)
        return out


def clean(text: str) -> str:
    """Replace control characters (other than tab) so source text cannot drive the terminal."""
    return _CONTROL.sub("\ufffd", text)


def _disk_lines() -> LineSource:
    cache: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in cache:
            try:
                cache[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                cache[path] = []
        return cache[path]

    return lines_of


def _console(buf: io.StringIO, color: bool) -> Console:
    from rich.console import Console

    return Console(file=buf, force_terminal=color, no_color=not color, color_system="standard" if color
                   else None, width=100_000, soft_wrap=True, highlight=False, emoji=False, markup=False,
                   legacy_windows=False, force_jupyter=False)


def _frame(f: Finding, lines: list[str]) -> list[Line]:
    """The start line with one line of context each side, and a marker under the span."""
    out: list[Line] = []
    if 0 < f.line <= len(lines):
        first, last = max(1, f.line - 1), min(len(lines), f.line + 1)
    elif f.source_line and f.line > 0:  # the file is gone: the start line alone
        lines = [""] * (f.line - 1) + [f.source_line]
        first = last = f.line
    else:
        return out
    width = len(str(last))
    for n in range(first, last + 1):
        line = clean(lines[n - 1]).expandtabs(TAB)
        row = Line()
        row.append(f"  {n:>{width}} | ", style=GUTTER_STYLE)
        row.append(line.rstrip())
        out.append(row)
        if n == f.line:
            raw = clean(lines[n - 1])
            start = max(f.column, 1)
            end = f.end_column if f.end_line == f.line else len(raw) + 1
            offset = cell_len(raw[: start - 1].expandtabs(TAB))
            span = cell_len(raw[: max(end, start + 1) - 1].expandtabs(TAB)) - offset
            marker = Line()
            marker.append(f"  {'':>{width}} | ", style=GUTTER_STYLE)
            marker.append(" " * offset)
            marker.append("^" * max(span, 1), style=SEVERITY_STYLE.get(f.severity, "bold"))
            out.append(marker)
    return out


def render_finding(f: Finding, lines: list[str]) -> list[Line]:
    head = Line()
    head.append(f"{clean(f.path)}:{f.line}:{f.column}", style="bold")
    head.append("  ")
    head.append(f.rule_id, style=SEVERITY_STYLE.get(f.severity, "bold"))
    head.append("  ")
    head.append(clean(" ".join(f.message.split())))  # one line, whatever the rule wrote
    rows = [head, *_frame(f, lines)]
    if f.fix:
        fix = Line("  ")
        fix.append("fix:", style=FIX_STYLE)
        fix.append(" " + clean(" ".join(f.fix.split())))
        rows.append(fix)
    rows.append(Line(""))
    return rows


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _non_production(n: int) -> str:
    return f"{_plural(n, 'test, migration or seed file')} not analysed"


def _reason_kind(reason: str) -> str:
    return reason.split(":", 1)[0].strip()


def summary_lines(result: ScanResult, list_all_skipped: bool = False) -> list[Line]:
    out: list[Line] = []
    findings = result.findings
    stats = result.stats
    if stats.files == 0:
        note = Line("vcx: no files to scan", style="bold")
        if stats.non_production:
            note.append(f" ({_non_production(stats.non_production)})")
        if result.skipped:
            note.append(f" ({_plural(len(result.skipped), 'file')} skipped)")
        out.append(note)
    elif findings:
        by_sev = Counter(f.severity for f in findings)
        line = Line()
        line.append(f"Found {_plural(len(findings), 'finding')}", style="bold")
        line.append(f" in {_plural(len({f.path for f in findings}), 'file')}: ")
        parts = [(f"{by_sev[s]} {s}", SEVERITY_STYLE[s]) for s in reversed(SEVERITIES) if by_sev[s]]
        for i, (txt, style) in enumerate(parts):
            if i:
                line.append(", ")
            line.append(txt, style=style)
        out.append(line)
        by_cat = Counter(f.category for f in findings)
        width = max(len(c) for c in by_cat)
        for cat, n in sorted(by_cat.items(), key=lambda kv: (-kv[1], kv[0])):
            sev = Counter(f.severity for f in findings if f.category == cat)
            detail = ", ".join(f"{sev[s]} {s}" for s in reversed(SEVERITIES) if sev[s])
            out.append(Line(f"  {cat:<{width}}  {n:>4}  ({detail})"))
    else:
        out.append(Line(f"No findings in {_plural(stats.files, 'file')}.", style="bold"))
    tail = f"Scanned {_plural(stats.files, 'file')} ({_plural(stats.lines, 'line')})"
    if stats.non_production:
        tail += f"; {_non_production(stats.non_production)}"
    if result.suppressed:
        tail += f"; {result.suppressed} suppressed"
    if result.baselined:
        tail += f"; {result.baselined} hidden by the baseline"
    if result.diff_ref is not None and result.outside_diff:
        tail += f"; {result.outside_diff} outside the lines changed since {clean(result.diff_ref)}"
    if stats.files:
        out.append(Line(tail + "."))
    if stale := result.baseline_stale:
        entries = "1 baseline entry no longer matches" if stale == 1 else f"{stale} baseline entries no longer match"
        out.append(Line(f"{entries} a finding; `vcx scan --write-baseline` rewrites the baseline without them."))
    skipped = result.skipped
    if skipped:
        if list_all_skipped or len(skipped) <= SKIPPED_INLINE:
            out.append(Line(f"Skipped {_plural(len(skipped), 'file')}:"))
            out.extend(Line(f"  {clean(p)}: {clean(r)}") for p, r in skipped)
        else:
            kinds = Counter(_reason_kind(r) for _, r in skipped)
            detail = ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
            out.append(Line(f"Skipped {_plural(len(skipped), 'file')} ({detail}); --stats lists them."))
    return out


def render(result: ScanResult, *, color: bool = False, quiet: bool = False, stats: bool = False,
           lines_of: LineSource | None = None) -> str:
    """The whole text report. ``lines_of(path)`` gives a file's lines for code frames
    (default: read from disk, paths relative to the working directory)."""
    lines_of = lines_of or _disk_lines()
    rows: list[Line] = []
    for f in result.findings:
        rows.extend(render_finding(f, lines_of(f.path)))
    if not quiet:
        rows.extend(summary_lines(result, list_all_skipped=stats))
    return _emit(rows, color)


def _emit(rows: list[Line], color: bool) -> str:
    if not rows:
        return ""
    if not color:
        return "".join(row.plain + "\n" for row in rows)
    from rich.text import Text

    buf = io.StringIO()
    _console(buf, color).print(Text("\n").join(row.rich() for row in rows))
    return buf.getvalue()


def render_stats(result: ScanResult, *, color: bool = False, extra: dict[str, float] | None = None) -> str:
    """``--stats`` for text mode (written to stderr): counts and time per stage."""
    s = result.stats
    found = _plural(len(result.findings), "finding")
    rows = [Line(f"vcx stats: {_plural(s.files, 'file')}, {_plural(s.lines, 'line')}, "
                 f"{s.non_production} non-production, {s.skipped} skipped, {s.cache_hits} cached, {found}, "
                 f"{result.suppressed} suppressed", style="bold")]
    if s.result_cached:
        rows.append(Line("  the last scan's result reused: no file it depends on changed what vcx reads"))
    seconds = {**s.seconds, **(extra or {})}
    width = max([len(k) for k in seconds] + [5])
    for stage, secs in seconds.items():
        rows.append(Line(f"  {stage:<{width}}  {secs * 1000:9.1f} ms"))
    rows.append(Line(f"  {'total':<{width}}  {sum(seconds.values()) * 1000:9.1f} ms"))
    if result.skipped:
        rows.append(Line("skipped:"))
        rows.extend(Line(f"  {clean(p)}: {clean(r)}") for p, r in result.skipped)
    return _emit(rows, color)
