"""Stage 7: pure functions from a scan result to an output format."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vcx.pipeline import ScanResult


def narrowed(result: ScanResult) -> list[str]:
    """What the baseline and ``--diff`` left out, as summary clauses ("3 hidden by the
    baseline"), for the formats that print one summary line."""
    out = []
    if result.baselined:
        out.append(f"{result.baselined} hidden by the baseline")
    if result.diff_ref is not None and result.outside_diff:
        out.append(f"{result.outside_diff} outside the lines changed since {result.diff_ref}")
    if result.baseline_stale:
        n = result.baseline_stale
        out.append("1 baseline entry no longer matches" if n == 1 else f"{n} baseline entries no longer match")
    return out
