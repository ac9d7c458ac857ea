"""tsconfig/jsconfig path aliases: nearest config per folder, extends, baseUrl, patterns."""

from __future__ import annotations

from pathlib import Path

from vcx.tsconfig import PathAliases, strip_json_comments


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_nearest_config_applies_and_root_config_elsewhere(tmp_path: Path) -> None:
    _write(tmp_path, {
        "tsconfig.json": '{"compilerOptions": {"paths": {"@server/*": ["./server/*"]}}}',
        "packages/ui/tsconfig.json": """{
          // a package of its own: its aliases, not the root's
          "compilerOptions": {"paths": {"@/utils/*": ["./src/utils/*"], "@acme/ui": ["./src/index.tsx"],},},
        }""",
    })
    aliases = PathAliases(tmp_path, "repo")
    assert aliases.resolve("repo/server/jobs/a.ts", "@server/models") == "repo/server/models"
    assert aliases.resolve("repo/packages/ui/src/components/x.tsx", "@/utils/calendar") == \
        "repo/packages/ui/src/utils/calendar"
    assert aliases.resolve("repo/packages/ui/src/a.ts", "@server/models") is None  # not this package's alias
    assert aliases.resolve("repo/packages/ui/src/a.ts", "@acme/ui") == "repo/packages/ui/src/index.tsx"
    assert aliases.resolve("repo/packages/ui/src/a.ts", "@acme/ui-kit") is None  # an exact alias is exact
    assert aliases.resolve("repo/server/a.ts", "react") is None


def test_extends_and_base_url(tmp_path: Path) -> None:
    _write(tmp_path, {
        "tsconfig.base.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@libs/*": ["libs/*/src"]}}}',
        "apps/api/tsconfig.json": '{"extends": "../../tsconfig.base.json"}',
        "apps/web/tsconfig.json": '{"extends": "../../tsconfig.base", "compilerOptions": {"baseUrl": "src"}}',
    })
    aliases = PathAliases(tmp_path, "")
    # Inherited paths are relative to the base config's baseUrl...
    assert aliases.resolve("apps/api/src/main.ts", "@libs/db") == "libs/db/src"
    # ...unless the extending config sets its own baseUrl.
    assert aliases.resolve("apps/web/src/main.ts", "@libs/db") == "apps/web/src/libs/db/src"


def test_longest_pattern_wins(tmp_path: Path) -> None:
    _write(tmp_path, {"jsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./src/*"], '
                                       '"@/components/*": ["./ui/components/*"]}}}'})
    aliases = PathAliases(tmp_path, "app")
    assert aliases.resolve("app/src/page.js", "@/components/Button") == "app/ui/components/Button"
    assert aliases.resolve("app/src/page.js", "@/lib/db") == "app/src/lib/db"


def test_no_or_broken_config(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/tsconfig.json": "{ not json"})
    aliases = PathAliases(tmp_path, "")
    assert aliases.resolve("pkg/src/a.ts", "@/x") is None
    assert aliases.resolve("other/a.ts", "@/x") is None


def test_json_with_comments_and_trailing_commas() -> None:
    text = '{"a": "http://x//y", /* c */ "b": [1, 2,], // d\n "c": "a,]",}'
    assert strip_json_comments(text) == '{"a": "http://x//y",  "b": [1, 2], \n "c": "a,]"}'
