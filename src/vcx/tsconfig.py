"""Path aliases (``compilerOptions.paths``) of the tsconfig.json / jsconfig.json files of a scan.

Imports like ``@server/models`` or ``@/utils/calendar`` name the project's own files through
these aliases. As TypeScript does, each file uses the nearest config file in its folder or
above (a monorepo has one per package), with what that config inherits through relative
``extends``; ``paths`` targets are relative to ``baseUrl`` when it is set, else to the config
that declares them. Of several matching patterns the longest prefix wins. Configs are read
lazily, once per folder; folders are display paths (as the scan shows them), which
``root_display`` ties to the folder ``root`` on disk.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from vcx.manifests import is_file, read_json_object
from vcx.paths import disk_folder, folder_of

CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
MAX_EXTENDS = 5

Alias = tuple[str, str]  # (pattern such as "@/*" or "@medusajs/ui", target in display terms)


class PathAliases:
    def __init__(self, root: Path, root_display: str) -> None:
        self.root = root
        self.root_display = "" if root_display in ("", ".") else root_display.rstrip("/")
        self._by_folder: dict[str, list[Alias]] = {}
        self._heads: dict[int, tuple[str, ...]] = {}  # id of an alias list -> what its patterns start with

    def resolve(self, importer: str, spec: str) -> str | None:
        """The display-path stem ``spec`` names through an alias of ``importer``'s config."""
        return self.resolve_in(folder_of(importer), spec)

    def resolve_in(self, folder: str, spec: str) -> str | None:
        """:meth:`resolve` for an importer in ``folder``."""
        aliases = self._by_folder.get(folder)
        if aliases is None:
            aliases = self.for_folder(folder)
        if not aliases or not spec.startswith(self._heads[id(aliases)]):
            return None  # most imports are packages' ("react"): no pattern can match
        best: tuple[int, str] | None = None
        for pattern, target in aliases:
            if "*" in pattern:
                head, _, tail = pattern.partition("*")
                if spec.startswith(head) and spec.endswith(tail) and len(spec) >= len(head) + len(tail):
                    middle = spec[len(head):len(spec) - len(tail)]
                    stem = target.replace("*", middle, 1)
                else:
                    continue
            elif spec == pattern:
                stem = target
            else:
                continue
            if best is None or len(pattern) > best[0]:
                best = (len(pattern), posixpath.normpath(stem))
        return best[1] if best is not None else None

    def heads_for(self, importer: str) -> tuple[str, ...]:
        """What the patterns of ``importer``'s config start with (``@/``, ``~server/``)."""
        aliases = self.for_folder(folder_of(importer))
        return self._heads[id(aliases)]

    def for_folder(self, folder: str) -> list[Alias]:
        hit = self._by_folder.get(folder)
        if hit is not None:
            return hit
        found = self._read_folder(folder)
        if found is None:  # no config here: the one above applies
            inside = folder != self.root_display and (
                not self.root_display or folder.startswith(self.root_display + "/"))
            parent = posixpath.dirname(folder)
            found = self.for_folder(parent) if inside and parent != folder else []
        self._by_folder[folder] = found
        self._heads.setdefault(id(found), tuple(p.partition("*")[0] for p, _ in found))
        return found

    def _disk(self, folder: str) -> Path:
        return disk_folder(self.root, self.root_display, folder)

    def _read_folder(self, folder: str) -> list[Alias] | None:
        """The aliases of the config in ``folder``; None when the folder has no config."""
        disk = self._disk(folder)
        for name in CONFIG_NAMES:
            cfg = disk / name
            if is_file(cfg):  # never open a FIFO or a device: it would block the scan
                paths, base = _paths_of(cfg, 0)
                if paths is None:
                    return []
                base_display = posixpath.normpath(posixpath.join(folder, posixpath.relpath(
                    base.as_posix(), disk.as_posix()))) if base is not None else folder
                return [(pattern, posixpath.join(base_display, target)) for pattern, target in paths]
        return None


def _paths_of(cfg: Path, depth: int) -> tuple[list[tuple[str, str]] | None, Path | None]:
    """``paths`` of ``cfg`` (own or inherited) and the folder its targets are relative to."""
    data = read_json_object(cfg, strip_json_comments)
    opts = data.get("compilerOptions") if isinstance(data, dict) else None
    opts = opts if isinstance(opts, dict) else {}
    paths = opts.get("paths")
    base_url = opts.get("baseUrl")
    own_base = (cfg.parent / base_url) if isinstance(base_url, str) else None
    if isinstance(paths, dict):
        out = [(str(alias), targets[0]) for alias, targets in paths.items()
               if isinstance(targets, list) and targets and isinstance(targets[0], str)]
        return out, own_base if own_base is not None else cfg.parent
    parent = data.get("extends") if isinstance(data, dict) else None
    if isinstance(parent, str) and parent.startswith(".") and depth < MAX_EXTENDS:
        target = cfg.parent / parent
        if target.suffix != ".json":
            target = target.with_name(target.name + ".json")
        inherited, base = _paths_of(target, depth + 1)
        # A baseUrl here still moves the inherited targets' base (TypeScript resolves paths
        # against the effective baseUrl).
        return inherited, own_base if own_base is not None else base
    return None, None


_TRAILING_COMMA = re.compile(r'("(?:\\.|[^"\\])*")|,(\s*[}\]])')


def strip_json_comments(text: str) -> str:
    """tsconfig files are JSON with comments and often trailing commas, which json refuses."""
    return _TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), _strip_comments(text))


def _strip_comments(text: str) -> str:
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            out.append(c)
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j == -1 else j + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)
