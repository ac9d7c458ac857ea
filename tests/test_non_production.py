"""Code that is not the project's production source: seeds, dummy data, test-runner files and
Alembic revisions by their names and layout (vcx.paths), and compiled or bundled JavaScript
(vcx.discover)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vcx.discover import discover
from vcx.paths import is_non_production, is_non_production_file


@pytest.mark.parametrize("path", [
    "server/scripts/seeds_load.py", "scripts/seed_users.py", "apps/web/scripts/dev/seed-commissions.ts",
    "db/initial_seed.py", "prisma/large-team-seed.ts", "scripts/cleanup_stripe_seeds.py",
    "app/bgtasks/dummy_data_task.py", "app/management/commands/create_dummy_data.py", "lib/fakeData.ts",
    "tools/generate-fake-data.js",
    "apps/web/playwright.config.ts", "playwright.service.config.ts", "vitest.e2e.config.ts", "vitest.config.mts",
    "jest.config.js", "jest.config.e2e.ts",
    "cypress.config.ts", "vitest.workspace.ts", "karma.conf.js", "src/setupTests.ts", "jest.setup.js",
    "jest-setup.ts", "vitest.setup.ts",
    # Suites named for their kind, end-to-end suites, test utilities, seeders, test-data loaders.
    "web/src/features/a/useA.clienttest.tsx", "web/src/server/api.servertest.ts", "apps/api/users.e2e-spec.ts",
    "src/db.int-test.js", "apps/api/src/app/auth/login.e2e.ts", "apps/api/src/billing.e2e-ee.ts",
    "web/src/__e2e__/api.ts", "packages/shared/src/server/test-utils/org-factory.ts", "pkg/test_utils/db.py",
    "db/seeders/20240101-demo.js", "app/management/commands/load_test_data.py", "scripts/create-test-data.ts",
    # Examples and benchmarks at the top of the scanned project.
    "examples/download.py", "benches/bench_count.py", "benchmarks/run.ts",
])
def test_non_production_by_name(path: str) -> None:
    assert is_non_production(path)


@pytest.mark.parametrize("path", [
    # The word "seed" elsewhere, a seed phrase, a random-number seed.
    "src/wallet/seed-phrase.ts", "wallet/seed_phrase.py", "ml/random_seed.py", "ml/rng_seed.py",
    "bgtasks/workspace_seed_task.py", "services/seeder/seeder_service.py", "routes/group-seeder.ts",
    "routes/portal/-seed.ts", "trpc/seedTestCustomer.ts",
    # Dummies and fakes that are not dummy-data scripts; sample data is a product feature.
    "sphinx/builders/dummy.py", "components/stats-chart-dummy.tsx", "lib/record-fake-click.ts",
    "db/backends/dummy_database.py", "ml/fake_dataset.py", "onboarding/sample_data.py",
    # Build and application configuration; load-test set-up scripts (see docs/configuration.md).
    "next.config.js", "vite.config.ts", "app/config.ts", "src/jestconfig.ts", "scripts/loadtest_setup.py",
    # Other words before `test`; e2e encryption; a seeder folder by its name alone; backfills.
    "src/schema.latest.ts", "src/pricing.ab-test.ts", "src/contest.spec-sheet.ts", "src/e2ee/keys.ts",
    "mealie/services/seeder/seeder_service.py", "app/management/commands/fill_missing_slugs.py",
    "app/latest_data.py",
    # Examples and benchmarks below the top: the product's (see _AT_PACKAGE_ROOT for packages).
    "apps/api/src/app/endpoints/benchmarks/benchmarks.service.ts", "src/examples/gallery.tsx",
    "app/migrations.py", "shop/populate.py",
])
def test_production_look_alikes(path: str) -> None:
    assert not is_non_production(path)


def _files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_alembic_revisions_by_their_layout(tmp_path: Path) -> None:
    _files(tmp_path, {
        "app/db/revisions/core/env.py": "from alembic import context\n",
        "app/db/revisions/core/script.py.mako": "revision = ${repr(up_revision)}\n",
        "app/db/revisions/core/versions/2024_01_02_abc.py": "revision = 'abc'\n",
        "app/db/revisions/core/versions/2024/nested.py": "revision = 'def'\n",
        "app/db/revisions/core/helpers.py": "X = 1\n",
        # A versions folder beside an env.py alone, or a script.py.mako alone, is not one.
        "app/config/env.py": "X = 1\n",
        "app/config/versions/v1.py": "X = 1\n",
        "app/templates/script.py.mako": "x\n",
        "app/templates/versions/v2.py": "X = 1\n",
        "app/api/versions/v3.py": "X = 1\n",
    })
    judged = {rel: is_non_production_file(rel, tmp_path, tmp_path) for rel in (
        "app/db/revisions/core/versions/2024_01_02_abc.py", "app/db/revisions/core/versions/2024/nested.py",
        "app/db/revisions/core/helpers.py", "app/db/revisions/core/env.py", "app/config/versions/v1.py",
        "app/templates/versions/v2.py", "app/api/versions/v3.py")}
    assert judged == {
        "app/db/revisions/core/versions/2024_01_02_abc.py": True,
        "app/db/revisions/core/versions/2024/nested.py": True,
        "app/db/revisions/core/helpers.py": False,
        "app/db/revisions/core/env.py": False,
        "app/config/versions/v1.py": False,
        "app/templates/versions/v2.py": False,
        "app/api/versions/v3.py": False,
    }
    # Judged from the scanned root: scanning the script folder itself, or from another folder.
    core = tmp_path / "app" / "db" / "revisions" / "core"
    assert is_non_production_file("versions/2024_01_02_abc.py", core, core)
    assert is_non_production_file("app/db/revisions/core/versions/2024_01_02_abc.py", tmp_path, core)


BODY = "export function f() {\n  try {\n    g();\n  } catch (e) {}\n}\n"


def _skipped(root: Path) -> dict[str, str]:
    found = discover([root], root, [], 2_000_000)
    return dict(found.skipped)


def test_compiled_javascript_with_a_source_map_is_generated(tmp_path: Path) -> None:
    _files(tmp_path, {
        "public/sw.js": BODY + "//# sourceMappingURL=sw.js.map\n",
        "public/workbox-1a2b3c4d.js": BODY + "//# sourceMappingURL=workbox-1a2b3c4d.js.map",
        "lib/index.cjs": BODY + "//# sourceMappingURL=data:application/json;base64,e30=\n\n",
        "lib/old.js": BODY + "//@ sourceMappingURL=old.js.map\n",
        # A long file: the comment is read from its end, beyond the head.
        "lib/long.js": BODY * 2000 + "//# sourceMappingURL=long.js.map\n",
        # A map beside it, without the comment.
        "lib/mapped.mjs": BODY,
        "lib/mapped.mjs.map": "{}",
        # webpack's runtime banner.
        "public/main.js": "/******/ (() => { // webpackBootstrap\n" + BODY,
        # Sources: the comment mid-file (a string, a note), a TypeScript source, a map of another name.
        "src/app.js": BODY + "// see sourceMappingURL=app.js.map in the build\nexport const x = 1;\n",
        "src/app.ts": BODY + "//# sourceMappingURL=app.js.map\n",
        "src/util.js": BODY,
        "src/util.map": "{}",
        "src/plugin.js": "const banner = 'webpackBootstrap';\n" + BODY,
        "public/client.js": "(function () {\n  'use strict';\n" + BODY + "})();\n",
    })
    skipped = _skipped(tmp_path)
    assert skipped == {
        "public/sw.js": "generated file",
        "public/workbox-1a2b3c4d.js": "generated file",
        "lib/index.cjs": "generated file",
        "lib/old.js": "generated file",
        "lib/long.js": "generated file",
        "lib/mapped.mjs": "generated file",
        "public/main.js": "minified or bundled code",
    }


def test_test_support_follows_the_tests_across_cached_scans(tmp_path: Path) -> None:
    from vcx.config import Config
    from vcx.pipeline import ScanOptions, scan

    _files(tmp_path, {
        "app/__init__.py": "", "app/doubles_test/__init__.py": "",
        "app/doubles_test/clock.py": "from datetime import datetime\n\nNOW = datetime.utcnow()\n",
        "app/service.py": "from datetime import datetime\n\nSTART = datetime.utcnow()\n",
        "tests/test_clock.py": "from app.doubles_test.clock import NOW\n",
    })
    options = ScanOptions(jobs=1, cache_dir=tmp_path / ".cache")

    def run() -> tuple[list[str], int, int, bool]:
        result = scan([tmp_path], Config(select=["TZ001"]), cwd=tmp_path, options=options)
        s = result.stats
        return sorted(f.path for f in result.findings), s.files, s.non_production, s.result_cached

    assert run() == (["app/service.py"], 3, 2, False)
    assert run() == (["app/service.py"], 3, 2, True)
    # The test no longer imports the double: it is production code again, cache or not.
    (tmp_path / "tests" / "test_clock.py").write_text("NOW = None\n", encoding="utf-8")
    assert run() == (["app/doubles_test/clock.py", "app/service.py"], 4, 1, False)
    assert run() == (["app/doubles_test/clock.py", "app/service.py"], 4, 1, True)


def test_non_production_by_layout_and_content(tmp_path: Path) -> None:
    _files(tmp_path, {
        # Numbered migration steps in a migrations.py; a runner named so is production code.
        "core/migrations.py": "async def m001_initial(db):\n    pass\n\n\nasync def m002_more(db):\n    pass\n",
        "ext/migrations.py": "def m001_initial(db):\n    pass\n\n\ndef run_all(db):\n    pass\n",
        # A populate.py of test-data loaders; one of other functions.
        "core/populate.py": "def load_test_data():\n    pass\n",
        "search/populate.py": "def populate_index():\n    pass\n",
        # A package's examples and benchmarks; a feature folder of the same name.
        "libs/client/pyproject.toml": "[project]\nname = 'client'\n",
        "libs/client/benches/bench_get.py": "X = 1\n",
        "libs/client/docs/build.js": "x = 1\n",
        "apps/api/src/benchmarks/service.ts": "x = 1\n",
        # What a package.json seed script runs, and the seeder folder it is in.
        "packages/db/package.json": '{"scripts": {"db:seed": "tsx scripts/seeder/cli.ts --all",'
                                    ' "dev": "tsx src/main.ts"}, "prisma": {"seed": "node ./prisma/fill.js"}}',
        "packages/db/scripts/seeder/cli.ts": "x = 1\n",
        "packages/db/scripts/seeder/scenarios/teams.ts": "x = 1\n",
        "packages/db/prisma/fill.js": "x = 1\n",
        "packages/db/src/main.ts": "x = 1\n",
        "packages/db/src/seeder/starter.ts": "x = 1\n",
        # A seed script that runs the application in a seed mode does not make the application a seed.
        "api/package.json": '{"scripts": {"seed": "python manage.py seed_db && node dist/cli.js seed",'
                            ' "db:seed": "tsx src/boot.ts --seed", "seed:demo": "tsx tools/demo-rows.ts --count 5"}}',
        "api/manage.py": "X = 1\n",
        "api/dist/cli.js": "x = 1\n",
        "api/src/boot.ts": "x = 1\n",
        "api/tools/demo-rows.ts": "x = 1\n",
    })
    judged = {rel: is_non_production_file(rel, tmp_path, tmp_path) for rel in (
        "core/migrations.py", "ext/migrations.py", "core/populate.py", "search/populate.py",
        "libs/client/benches/bench_get.py", "libs/client/docs/build.js", "apps/api/src/benchmarks/service.ts",
        "packages/db/scripts/seeder/cli.ts", "packages/db/scripts/seeder/scenarios/teams.ts",
        "packages/db/prisma/fill.js", "packages/db/src/main.ts", "packages/db/src/seeder/starter.ts",
        "api/manage.py", "api/dist/cli.js", "api/src/boot.ts", "api/tools/demo-rows.ts")}
    assert {rel for rel, hit in judged.items() if hit} == {
        "core/migrations.py", "core/populate.py", "libs/client/benches/bench_get.py", "libs/client/docs/build.js",
        "packages/db/scripts/seeder/cli.ts", "packages/db/scripts/seeder/scenarios/teams.ts",
        "packages/db/prisma/fill.js", "api/tools/demo-rows.ts"}
    # Relative to the scanned root: scanning the examples (or the package) makes them the project.
    _files(tmp_path, {"examples/shop/app.py": "X = 1\n"})
    assert is_non_production_file("examples/shop/app.py", tmp_path, tmp_path)
    assert not is_non_production_file("examples/shop/app.py", tmp_path, tmp_path / "examples")
    assert not is_non_production_file("libs/client/benches/bench_get.py", tmp_path, tmp_path / "libs/client/benches")
