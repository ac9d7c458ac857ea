"""Reading the JSON files that describe a JS/TS project: ``package.json`` manifests (and,
through ``vcx.tsconfig``, tsconfig files). A file that cannot be read, is not JSON or is not
an object is as good as absent: it never stops a scan."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

DEPENDENCY_SECTIONS = ("dependencies", "devDependencies", "peerDependencies")


def read_json_object(path: Path, prepare: Callable[[str], str] | None = None) -> dict[str, object] | None:
    """The JSON object in ``path`` (its text passed through ``prepare`` first: tsconfig files
    allow comments), or None."""
    try:
        if not path.is_file():  # never open a FIFO or a device: it would block the scan
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
        data = json.loads(prepare(text) if prepare is not None else text)
    except (OSError, ValueError, RecursionError):  # unreadable, invalid, or 100k-deep JSON
        return None
    return data if isinstance(data, dict) else None


def dependencies(manifest: dict[str, object]) -> dict[str, str]:
    """Package name -> version spec, from every dependency section of a package.json."""
    out: dict[str, str] = {}
    for key in DEPENDENCY_SECTIONS:
        section = manifest.get(key)
        if isinstance(section, dict):
            for name, version in section.items():
                out.setdefault(str(name), str(version))
    return out
