"""Packages of a JS/TS monorepo: which file an import of a package name reaches."""

from __future__ import annotations

import json
from pathlib import Path

from vcx.facts import ModuleFacts
from vcx.link import _resolve_js
from vcx.workspaces import WorkspacePackages


def _package(root: Path, folder: str, manifest: dict[str, object], files: list[str]) -> list[str]:
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / "package.json").write_text(json.dumps(manifest))
    for f in files:
        (root / folder / f).parent.mkdir(parents=True, exist_ok=True)
        (root / folder / f).write_text("export {};\n")
    return [f"repo/{folder}/{f}" for f in files]


def test_entry_points_map_back_from_build_output_to_sources(tmp_path: Path) -> None:
    modules = _package(tmp_path, "packages/core", {
        "name": "@acme/core", "main": "dist/index.js",
        "exports": {".": {"types": "./dist/index.d.ts", "require": "./dist/index.js"},
                    "./utils": "./dist/utils/index.js", "./icons/*": "./dist/icons/*.js"},
    }, ["src/index.ts", "src/utils/index.ts", "src/icons/add.tsx"])
    modules += _package(tmp_path, "apps/web", {"name": "web"}, ["index.js"])
    packages = WorkspacePackages(tmp_path, "repo", modules)
    facts = {m: ModuleFacts(path=m, language="typescript", lines=1) for m in modules}

    def reached(spec: str) -> str | None:
        return _resolve_js("repo/apps/web/index.js", spec, facts, None, packages)

    assert reached("@acme/core") == "repo/packages/core/src/index.ts"
    assert reached("@acme/core/utils") == "repo/packages/core/src/utils/index.ts"
    assert reached("@acme/core/icons/add") == "repo/packages/core/src/icons/add.tsx"
    assert reached("web") == "repo/apps/web/index.js"
    assert packages.resolve("@acme/core-extra") == []  # a name that merely starts like a package's
    assert packages.resolve("react") == []


def test_no_manifest_or_a_broken_one(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "package.json").write_text("{ broken")
    (tmp_path / "lib" / "a.ts").write_text("export {};\n")
    assert WorkspacePackages(tmp_path, "", ["lib/a.ts"]).resolve("lib") == []
