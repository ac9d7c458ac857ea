"""Stage 7: pure functions from a scan result to an output format."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vcx.pipeline import ScanResult


def summary_clauses(result: ScanResult) -> list[str]:
    """What a one-line summary adds after its counts ("2 suppressed", "3 hidden by the
    baseline", "1 file skipped"), for the formats that print one (github, markdown)."""
    out = [f"{result.suppressed} suppressed"] if result.suppressed else []
    out += narrowed(result)
    if result.skipped:
        n = len(result.skipped)
        out.append(f"{n} file skipped" if n == 1 else f"{n} files skipped")
    return out


def narrowed(result: ScanResult) -> list[str]:
    """What the baseline and ``--diff`` left out, as summary clauses ("3 hidden by the
    baseline")."""
    out = []
    if result.baselined:
        out.append(f"{result.baselined} hidden by the baseline")
    if result.diff_ref is not None and result.outside_diff:
        out.append(f"{result.outside_diff} outside the lines changed since {result.diff_ref}")
    if result.baseline_stale:
        n = result.baseline_stale
        out.append("1 baseline entry no longer matches" if n == 1 else f"{n} baseline entries no longer match")
    return out
