"""The packages of a JS/TS monorepo, so that ``@acme/billing/invoices`` reaches the project's
own file rather than counting as a library.

Every folder of the scan (at or below its root) that holds a module and a ``package.json``
with a ``name`` is a package. An import names one by its name, optionally followed by a
subpath. Its entry point is read as a bundler would, then mapped back to the sources the scan
holds: packages publish ``dist/index.js`` built from ``src/index.ts``, so an entry under
``dist/``, ``build/``, ``lib/`` or ``out/`` that is not among the modules is looked for under
``src/`` (the extension is left to the caller, which tries ``.ts``, ``.tsx``, ``/index`` ...).
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from vcx.knowledge.databases import is_database_driver
from vcx.knowledge.javascript import SERVER_SIDE_PACKAGES, UI_FRAMEWORK_PACKAGES
from vcx.manifests import dependencies, read_json_object
from vcx.paths import disk_folder

BUILD_FOLDERS = ("dist/", "build/", "lib/", "out/")
ENTRY_FIELDS = ("source", "types", "typings", "module", "main")
CONDITIONS = ("source", "types", "import", "module", "require", "node", "default")


class WorkspacePackages:
    def __init__(self, root: Path, root_display: str, module_paths: list[str]) -> None:
        self.root = root
        self.root_display = "" if root_display in ("", ".") else root_display.rstrip("/")
        self._module_paths = module_paths
        self._packages: dict[str, tuple[str, dict[str, object]]] | None = None  # name -> (folder, package.json)
        self.reached: dict[str, str | None] = {}  # specifier -> the module it reaches (kept by link)
        self._has: dict[str, bool] = {}  # specifier -> has_package

    def browser_folders(self) -> set[str]:
        """The folders of packages that depend on a UI framework and on nothing server-side
        (``knowledge.javascript``): front-end apps and UI libraries."""
        if self._packages is None:
            self._packages = self._find_packages()
        out = set()
        for folder, manifest in self._packages.values():
            deps = set(dependencies(manifest))
            if deps & UI_FRAMEWORK_PACKAGES and not deps & SERVER_SIDE_PACKAGES and \
                    not any(is_database_driver(d) for d in deps):
                out.add(folder)
        return out

    def folders(self) -> list[str]:
        """The folders of the scan's packages (those with a named package.json)."""
        if self._packages is None:
            self._packages = self._find_packages()
        return [folder for folder, _ in self._packages.values()]

    def has_package(self, spec: str) -> bool:
        """``spec`` names a package of the scanned tree (or a file in one)."""
        hit = self._has.get(spec)
        if hit is None:  # asked of most library imports of the scan, from every module
            if self._packages is None:
                self._packages = self._find_packages()
            hit = self._has[spec] = bool(self._packages) and _package_name(spec) in self._packages
        return hit

    def resolve(self, spec: str) -> list[str]:
        """Display-path stems (without extension) that ``spec`` may name, best first."""
        if self._packages is None:
            self._packages = self._find_packages()
        if not self._packages:
            return []
        name = _package_name(spec)
        found = self._packages.get(name)
        if found is None:
            return []
        folder, manifest = found
        sub = spec[len(name):].lstrip("/")
        entries = _export_targets(manifest, "./" + sub if sub else ".")
        if not sub:
            entries += [v for f in ENTRY_FIELDS if isinstance(v := manifest.get(f), str)]
            entries += ["src/index", "index"]
        else:
            entries += [sub, "src/" + sub]
        out: list[str] = []
        for entry in entries:
            rel = posixpath.normpath(entry.removeprefix("./"))
            stems = [rel]
            for build in BUILD_FOLDERS:
                if rel.startswith(build):
                    stems.append("src/" + rel[len(build):])
            for stem in stems:
                stem = stem.removesuffix(".d.ts")
                full = posixpath.join(folder, stem) if folder else stem
                if full not in out:
                    out.append(full)
        return out

    def _disk(self, folder: str) -> Path:
        return disk_folder(self.root, self.root_display, folder)

    def _find_packages(self) -> dict[str, tuple[str, dict[str, object]]]:
        folders: set[str] = set()
        for path in self._module_paths:
            folder = posixpath.dirname(path)
            while folder not in folders:
                inside = folder == self.root_display or not self.root_display or \
                    folder.startswith(self.root_display + "/")
                if not inside:
                    break
                folders.add(folder)
                if folder == self.root_display or not folder:
                    break
                folder = posixpath.dirname(folder)
        packages: dict[str, tuple[str, dict[str, object]]] = {}
        for folder in sorted(folders):
            manifest = read_json_object(self._disk(folder) / "package.json")
            name = manifest.get("name") if manifest is not None else None
            if isinstance(name, str) and name and name not in packages:
                packages[name] = (folder, manifest)  # type: ignore[assignment]
        return packages


def _package_name(spec: str) -> str:
    """``@acme/billing/invoices`` -> ``@acme/billing``; ``lodash/fp`` -> ``lodash``."""
    parts = spec.split("/", 2)
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


def _export_targets(manifest: dict[str, object], subpath: str) -> list[str]:
    """The targets ``exports`` gives ``subpath`` (``.`` or ``./utils``), with ``./*`` patterns."""
    exports = manifest.get("exports")
    if isinstance(exports, (str, list)) or (isinstance(exports, dict) and not any(
            isinstance(k, str) and k.startswith(".") for k in exports)):
        exports = {".": exports}  # "exports": "./dist/index.js" or a conditions object
    if not isinstance(exports, dict):
        return []
    hit = exports.get(subpath)
    if hit is None:
        for key, value in exports.items():
            if isinstance(key, str) and "*" in key:
                head, _, tail = key.partition("*")
                if subpath.startswith(head) and subpath.endswith(tail) and len(subpath) >= len(head) + len(tail):
                    middle = subpath[len(head):len(subpath) - len(tail)]
                    return [t.replace("*", middle) for t in _condition_targets(value)]
        return []
    return _condition_targets(hit)


def _condition_targets(value: object, depth: int = 0) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and depth < 4:
        return [t for v in value[:8] for t in _condition_targets(v, depth + 1)]
    if isinstance(value, dict) and depth < 4:
        return [t for c in CONDITIONS if c in value for t in _condition_targets(value[c], depth + 1)]
    return []
