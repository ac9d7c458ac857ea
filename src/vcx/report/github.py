"""GitHub Actions workflow commands: one annotation per finding, then a summary line.

Each finding becomes one line the Actions runner turns into an annotation on the file::

    ::error file=app/api.py,line=14,endLine=14,col=12,endColumn=29,title=ERR003 (missing-timeout)::...

high -> ``error``, medium -> ``warning``, low -> ``notice``. Properties and data are escaped as
GitHub's toolkit escapes them (``@actions/core``, ``command.ts``): ``%``, CR and LF in both, and
``:`` and ``,`` in properties. The mapping is described in docs/output.md.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from vcx.findings import SEVERITIES, Finding
from vcx.report import summary_clauses

if TYPE_CHECKING:
    from vcx.pipeline import ScanResult

COMMANDS = {"high": "error", "medium": "warning", "low": "notice"}


def escape_data(value: str) -> str:
    """A command's message, as ``escapeData`` in @actions/core."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A command's property value, as ``escapeProperty`` in @actions/core."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _position(f: Finding) -> list[tuple[str, str]]:
    line = max(f.line, 1)
    end_line = max(f.end_line, line)
    props = [("line", str(line)), ("endLine", str(end_line))]
    # GitHub takes columns only for a span on one line (the runner drops them otherwise).
    # vcx's end column is exclusive; it is passed unchanged (see docs/output.md), never
    # before the start, as in the SARIF region.
    if end_line == line:
        col = max(f.column, 1)
        end_col = max(f.end_column, col + 1)
        props += [("col", str(col)), ("endColumn", str(end_col))]
    return props


def annotation(f: Finding) -> str:
    """The workflow command for one finding (no line end)."""
    props = [("file", f.path), *_position(f), ("title", f"{f.rule_id} ({f.rule})")]
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS.get(f.severity, 'warning')} {head}::{escape_data(f.message)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: ScanResult) -> str:
    """One plain line (not a command), in the manner of the text report's summary."""
    findings = result.findings
    stats = result.stats
    if stats.files == 0:
        line = "vcx: no files to scan"
    elif findings:
        by_sev = Counter(f.severity for f in findings)
        detail = ", ".join(f"{by_sev[s]} {s}" for s in reversed(SEVERITIES) if by_sev[s])
        line = (f"vcx: {_plural(len(findings), 'finding')} ({detail}) in "
                f"{_plural(len({f.path for f in findings}), 'file')}; scanned {_plural(stats.files, 'file')}")
    else:
        line = f"vcx: no findings in {_plural(stats.files, 'file')}"
    for clause in summary_clauses(result):
        line += f"; {clause}"
    return line + "."


def render(result: ScanResult) -> str:
    lines = [annotation(f) for f in result.findings]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
