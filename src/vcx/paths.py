"""What a file's path says about it: code that runs in production, or not.

Tests, database seeds, migrations and test settings do not run in production (RULES.md):
they get no findings, and calls made from them do not count as callers of production code.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

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


def project_relative(display: str, cwd: Path, root: Path) -> str:
    """A display path (relative to the working directory) made relative to the scanned root,
    so that a project living under a folder named ``tests`` or ``examples`` is still judged by
    its own layout."""
    try:
        rel = os.path.relpath(cwd / display, root)
    except ValueError:
        return display
    return display if rel.startswith("..") else rel.replace(os.sep, "/")
