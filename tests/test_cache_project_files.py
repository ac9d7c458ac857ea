"""A stored result is reused only while the project files link read are unchanged: the
tsconfig/jsconfig files (``paths``, ``baseUrl``, ``extends``) and the package.json manifests
of a monorepo's packages, at any depth, and the folders where link looked for one and found
none."""

from __future__ import annotations

import json
from pathlib import Path

from vcx.config import Config
from vcx.pipeline import ScanOptions, ScanResult, scan

DB = 'import { PrismaClient } from "@prisma/client";\n\nexport const prisma = new PrismaClient();\n'
QUERYING = ('import { prisma } from "../db";\n\nexport async function getUser(id: string) {\n'
            '  return prisma.user.findUnique({ where: { id } });\n}\n')
CACHED = 'const users = new Map<string, string>();\n\nexport async function getUser(id: string) {\n' \
         '  return users.get(id);\n}\n'
HANDLER = ('import { getUser } from "@lib/users";\n\nexport async function names(ids: string[]) {\n'
           '  const out = [];\n  for (const id of ids) {\n    out.push(await getUser(id));\n  }\n'
           '  return out;\n}\n')
HANDLER_LOOP_LINE = 6


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def tsconfig(target: str) -> str:
    return json.dumps({"compilerOptions": {"baseUrl": ".", "paths": {"@lib/*": [f"{target}/*"]}}})


def monorepo(root: Path) -> Path:
    """apps/web: ``@lib/users`` is the querying module (lib/) or, once the alias moves, the
    in-memory one (fake/); the tsconfig is two folders down, as in most monorepos."""
    write(root / "package.json", json.dumps({"name": "mono", "private": True}))
    web = root / "apps" / "web"
    write(web / "package.json", json.dumps({"name": "web", "dependencies": {"@prisma/client": "5"}}))
    write(web / "tsconfig.json", tsconfig("./lib"))
    write(web / "db.ts", DB)
    write(web / "lib" / "users.ts", QUERYING)
    write(web / "fake" / "users.ts", CACHED)
    write(web / "handler.ts", HANDLER)
    return root


def run(root: Path, cache_dir: Path) -> ScanResult:
    return scan([root], Config(), cwd=root, options=ScanOptions(jobs=1, cache_dir=cache_dir))


def loop_findings(result: ScanResult) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.rule_id) for f in result.findings if f.path.endswith("handler.ts")]


EXPECTED = [("apps/web/handler.ts", HANDLER_LOOP_LINE, "NPQ001")]


def test_a_nested_tsconfig_edit_is_seen_by_a_warm_scan(tmp_path: Path) -> None:
    root = monorepo(tmp_path / "p")
    cache_dir = tmp_path / "cache"
    assert loop_findings(run(root, cache_dir)) == EXPECTED
    assert run(root, cache_dir).stats.result_cached
    write(root / "apps" / "web" / "tsconfig.json", tsconfig("./fake"))
    warm = run(root, cache_dir)
    assert not warm.stats.result_cached
    assert loop_findings(warm) == []
    assert loop_findings(run(root, tmp_path / "fresh-cache")) == []


def test_a_tsconfig_that_appears_nearer_is_seen_by_a_warm_scan(tmp_path: Path) -> None:
    root = monorepo(tmp_path / "p")
    (root / "apps" / "web" / "tsconfig.json").unlink()
    write(root / "tsconfig.json", json.dumps({"compilerOptions": {"baseUrl": ".",
                                                                  "paths": {"@lib/*": ["./apps/web/lib/*"]}}}))
    cache_dir = tmp_path / "cache"
    assert loop_findings(run(root, cache_dir)) == EXPECTED
    write(root / "apps" / "web" / "tsconfig.json", tsconfig("./fake"))  # nearer than the root's: it wins
    warm = run(root, cache_dir)
    assert not warm.stats.result_cached
    assert loop_findings(warm) == []


def test_an_extended_tsconfig_edit_is_seen_by_a_warm_scan(tmp_path: Path) -> None:
    root = monorepo(tmp_path / "p")
    web = root / "apps" / "web"
    write(web / "tsconfig.json", json.dumps({"extends": "../../config/base.json"}))
    write(root / "config" / "base.json", json.dumps({"compilerOptions": {
        "baseUrl": "../apps/web", "paths": {"@lib/*": ["./lib/*"]}}}))
    cache_dir = tmp_path / "cache"
    assert loop_findings(run(root, cache_dir)) == EXPECTED
    write(root / "config" / "base.json", json.dumps({"compilerOptions": {
        "baseUrl": "../apps/web", "paths": {"@lib/*": ["./fake/*"]}}}))
    assert loop_findings(run(root, cache_dir)) == []


def test_a_nested_package_manifest_edit_is_seen_by_a_warm_scan(tmp_path: Path) -> None:
    """``@acme/users`` is a package of the monorepo: its ``main`` decides which module the
    handler's import reaches."""
    root = tmp_path / "p"
    write(root / "package.json", json.dumps({"name": "mono", "private": True}))
    users = root / "packages" / "users"
    write(users / "package.json", json.dumps({"name": "@acme/users", "main": "./lib/users.ts"}))
    write(users / "db.ts", DB)
    write(users / "lib" / "users.ts", QUERYING)
    write(users / "fake" / "users.ts", CACHED)
    web = root / "apps" / "web"
    write(web / "package.json", json.dumps({"name": "web", "dependencies": {"@acme/users": "*",
                                                                           "@prisma/client": "5"}}))
    write(web / "handler.ts", HANDLER.replace("@lib/users", "@acme/users"))
    cache_dir = tmp_path / "cache"
    assert loop_findings(run(root, cache_dir)) == EXPECTED
    write(users / "package.json", json.dumps({"name": "@acme/users", "main": "./fake/users.ts"}))
    warm = run(root, cache_dir)
    assert not warm.stats.result_cached
    assert loop_findings(warm) == []


def test_a_tsconfig_that_is_a_link_to_a_shared_one_is_read(tmp_path: Path) -> None:
    """Discovery lists where config files are, so that link need not look in every folder;
    a symbolic link to a shared config is one of them."""
    root = monorepo(tmp_path / "p")
    web = root / "apps" / "web"
    write(root / "config" / "tsconfig.web.json", tsconfig("./lib"))  # relative to where it is linked
    (web / "tsconfig.json").unlink()
    (web / "tsconfig.json").symlink_to(root / "config" / "tsconfig.web.json")
    assert loop_findings(run(root, tmp_path / "cache")) == EXPECTED
