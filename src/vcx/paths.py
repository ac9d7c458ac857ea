"""What a file's path says about it: code that runs in production, or not.

Tests, database seeds, migrations and test settings do not run in production (RULES.md):
they get no findings, and calls made from them do not count as callers of production code.
Beyond RULES.md's list (docs/configuration.md says which): test-runner configuration and setup
files, test suites named by their kind (`*.servertest.ts`, `*.e2e.ts`), seeds and dummy-data
generators by more names and by the package.json scripts that run them, Alembic revisions by
their folder layout, numbered migration modules and test-data loaders by what they define,
Storybook stories and configuration, and the documentation sources, examples and benchmarks of
the scanned project and of its packages. Test support in a folder of production
code is found at link time, from the imports (``test_support_folder``, ``vcx.link.test_support``).
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from pathlib import Path

NON_PRODUCTION = re.compile(
    r"(^|/)(tests?|__tests__|spec|specs|migrations|seeds?|fixtures)/"
    # A package's test utilities (netbox's utilities/testing/ base test cases, numpy.testing,
    # pandas._testing): test code, which production code imports only by mistake (and when it
    # does, the helper is analysed all the same: see pipeline._extract_imported_helpers).
    r"|(^|/)_?testing/"
    # Jest's and the JS ecosystem's own folders for test data, mocks and end-to-end suites.
    r"|(^|/)(__fixtures__|__mocks__|__e2e__|integration[-_]tests?|e2e|cypress|playwright)/"
    # A folder of test utilities named so (`test-utils/`, `test_utils/`, `testutils/`): test
    # code like `testing/` (a production module that re-exports it, as langfuse's server index
    # does, imports test code by mistake; the helper is analysed all the same when imported).
    r"|(^|/)test[-_]?utils?/"
    r"|(^|/)alembic/versions/"
    r"|(^|/)(test_[^/]*\.py|[^/]*_test\.py|tests?\.py|conftest\.py|test_settings\.py)$"
    r"|\.(test|spec)\.[cm]?[jt]sx?$"
    # Suites a test runner's include glob names by a word for their kind, joined to `test` or
    # `spec` (`*.servertest.ts`, `*.clienttest.tsx`, `*.e2e-spec.ts`, `*.int-test.js`), and
    # NestJS/mocha end-to-end suites (`*.e2e.ts`, `*.e2e-ee.ts`). Only these words: another word
    # before `test` makes another name (`version.latest.ts`, `pricing.ab-test.ts`, an A/B test).
    r"|\.(client|server|browser|node|dom|unit|int|integration|e2e|component|functional|acceptance|smoke)[-_]?"
    r"(test|spec)s?\.[cm]?[jt]sx?$"
    r"|\.e2e(-[a-z]+)?\.[cm]?[jt]sx?$"
    # Test runners' configuration and setup files: `playwright.config.ts`, `vitest.config.mts`,
    # `jest.config.e2e.js`, `playwright.service.config.ts`, `cypress.config.ts`,
    # `vitest.workspace.ts`, `karma.conf.js`, and the setup files they load before the tests
    # (`jest.setup.ts`, `vitest.setup.ts`, `setupTests.ts`).
    r"|(^|/)(playwright|cypress|vitest|jest)(\.[^/.]+)?\.config(\.[^/]*)?\.[cm]?[jt]s$"
    r"|(^|/)vitest\.workspace\.[cm]?[jt]s$|(^|/)karma\.conf(\.[^/]*)?\.[cm]?[jt]s$"
    r"|(^|/)(jest|vitest)[.-]setup(\.[^/]*)?\.[cm]?[jt]sx?$|(^|/)setupTests\.[cm]?[jt]sx?$"
    # Test doubles named after what they replace (`current-rate.service.mock.ts`,
    # `handlers.mocks.ts`): the module-level counterpart of a `__mocks__/` folder.
    r"|\.mocks?\.[cm]?[jt]sx?$"
    r"|(^|/)settings/test\.py$"
    # Seeds by name: `seed.ts`, `seeds.py`, `prisma/seed.mts`, and sample-data scripts named for
    # what they are (`seed_data.py`, `e2e_seed_data.py`, `seed-database.ts`, `seed-db.js`). Other
    # names with the word (`seed-phrase.ts`, `random_seed.py`) may be application code.
    r"|(^|/)seeds?\.[^/]*$|(^|/)prisma/seed\.[^/]*$|(^|/)([^/]*[-_])?seed[-_]?(data|db|database)\.[^/]*$"
    # A file named for seeding something (`seed_users.py`, `seeds_load.py`, `seed-commissions.ts`)
    # or for the seed it is (`initial_seed.py`, `large-team-seed.ts`); not a seed phrase (a
    # wallet's recovery words) nor a random-number seed (`random_seed.py`, `rng_seed.py`). The
    # word elsewhere in a name (`workspace_seed_task.py`, which fills every new workspace with
    # starter rows in production; `seeder_service.py`) leaves the file production code.
    # A folder of seeders (Sequelize's `seeders/`): the files that fill a development database,
    # whatever each is named. A `seeder/` folder may be a product's (mealie's
    # `services/seeder/` fills a new household with starter foods in production): only one that
    # a package.json seed script runs from is a seed (``_package_seeds``).
    r"|(^|/)seeders/"
    # A script named for the test data it loads: `load_test_data.py`, `populate_test_data.py`
    # (Django management commands), `create-test-data.ts`.
    r"|(^|/)([^/]*[-_])?test[-_]data([-_][^/]*)?\.[^/]*$"
    r"|(^|/)seeds?[-_](?!phrase)[^/]*$|(^|/)(?![^/]*(random|rng)[-_]seeds?\.)[^/]+[-_]seeds?\.[^/]*$"
    # Dummy-data generators: `dummy_data_task.py`, `create_dummy_data.py`, `fakeData.ts`.
    r"|(^|/)[^/]*(?i:dummy|fake)[-_]?(?i:data)(?![a-zA-Z])[^/]*$"
    # Data migrations in a folder named `migration` (singular) whose entries are named by their
    # timestamp: Prisma's `migration/20241209104738_name/migration.ts`, TypeORM's
    # `migration/1700000000000-AddUsers.ts`. A `migration/` folder of other modules holds the code
    # that runs migrations (typeorm's own `src/migration/MigrationExecutor.ts`): production code.
    r"|(^|/)migration/\d{8,}[^/]*"
    # Storybook: stories (`Button.stories.tsx`) and its configuration (`.storybook/`, a
    # `storybook/` folder of its own or an app of a monorepo named so).
    r"|\.stor(y|ies)\.[cm]?[jt]sx?$|(^|/)\.?storybook/"
    # Documentation: the scanned project's top-level `docs/`, `doc/` or `documentation/` folder
    # (the doc site's sources, configuration and plugins, the examples it shows), and a Sphinx
    # configuration (`docs/conf.py`) wherever it is. Only at the top: further down, a folder of
    # that name may be part of the application (a `docs` route, a docs feature of the product).
    r"|^(docs?|documentation)/|(^|/)docs?/conf\.py$"
    # Examples and benchmarks at the top of the scanned project: what a library shows its users
    # and how it measures itself (RULES.md's hardcoded-config section: "examples and docs are not
    # reported"). Deeper down, see ``_AT_PACKAGE_ROOT``; scanning `examples/` itself makes it
    # the project, whose code is scanned.
    r"|^(examples?|benches|benchmarks?)/"
    # Scripts that fill a development database with sample rows are database seeds too: a
    # populate.py at the project root (CTFd's), Django's populatedb / populate_db commands. A
    # populate.py module inside a package may be application code, and populate_<something>.py
    # (healthchecks' populate_searchdb, netbox's populate_image_sizes) maintains production data.
    r"|^populate\.py$|(^|/)populate_?db\.py$"
)


def in_alembic_versions(rel: str, file: Path) -> bool:
    """Whether ``rel`` (a file's path within the scanned root; ``file``, the file on disk) is an
    Alembic revision: a file below a ``versions/`` folder whose parent holds ``env.py`` and
    ``script.py.mako``, the layout ``alembic init`` makes (dispatch's
    ``database/revisions/tenant/versions/``), whatever the folders are named. Application code has
    no reason to keep Alembic's revision template ``script.py.mako`` beside an ``env.py``.
    ``alembic/versions/`` and ``migrations/`` folders are recognised by their names alone."""
    if "versions/" not in rel:
        return False
    parts = rel.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "versions":
            folder = file.parents[len(parts) - i - 1]
            try:
                if (folder / "script.py.mako").is_file() and (folder / "env.py").is_file():
                    return True
            except OSError:
                continue
    return False


def is_non_production_file(display: str, cwd: Path, root: Path) -> bool:
    """Whether the scanned file ``display`` (relative to ``cwd``) does not run in production: by its
    path within the scanned root ``root`` (:func:`is_non_production`), as an Alembic revision
    (:func:`in_alembic_versions`), as examples or benchmarks of a package (``_AT_PACKAGE_ROOT``),
    as a database seed a package.json runs (:func:`_package_seeds`), or by what a module of a
    telling name holds (:func:`_by_content`: migrations, test-data loaders)."""
    rel = project_relative(display, cwd, root)
    if is_non_production(rel):
        return True
    file = cwd / display
    return (in_alembic_versions(rel, file) or _at_package_root(rel, file) or _by_content(rel, file)
            or _package_seed(rel, file))


# Folders of examples, benchmarks and documentation directly in a package of the project (a
# folder with its own package.json, pyproject.toml, setup.py, Cargo.toml or go.mod: prefect's
# `src/integrations/prefect-dbt/benches/`, a workspace package's `examples/`), as at the top of
# the scanned project (NON_PRODUCTION). Anywhere else such a name may be the product's: ghostfolio's
# `endpoints/benchmarks/` serves the portfolio benchmarks a user compares against, dispatch's
# `plugins/dispatch_google/docs/` talks to Google Docs, a web app has a `docs` route.
_AT_PACKAGE_ROOT = frozenset({"examples", "example", "benches", "benchmarks", "benchmark", "docs", "doc",
                              "documentation"})
_PACKAGE_MANIFESTS = ("package.json", "pyproject.toml", "setup.py", "Cargo.toml", "go.mod")


def _at_package_root(rel: str, file: Path) -> bool:
    parts = rel.split("/")
    for i in range(1, len(parts) - 1):
        if parts[i] in _AT_PACKAGE_ROOT:
            folder = file.parents[len(parts) - i - 1]
            if any(_is_file(folder / name) for name in _PACKAGE_MANIFESTS):
                return True
    return False


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


# A module that runs an application's migrations by hand keeps them as functions numbered in
# order (lnbits' `core/migrations.py` and every lnbits extension's: `m001_initial(db)`,
# `m002_add_fields(db)`, ...), which its runner calls by that prefix.
_MIGRATION_STEP = re.compile(r"m\d{3,}_\w*")
# A test-data loader's functions are named for it: baserow's `populate.py` modules define
# `load_test_data()`, which `manage.py load_test_data` imports from each installed app.
_TEST_DATA_FUNCTION = re.compile(r"\w*(test|dummy|fake|dev)_data\w*")
_TOP_LEVEL_DEF = re.compile(rb"^(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


def _by_content(rel: str, file: Path) -> bool:
    """A Python module whose name says what it may be and whose top-level functions confirm it:
    ``migrations.py`` outside a migrations folder holding only numbered migration steps, a
    ``populate.py`` holding only test-data loaders. A ``migrations.py`` of other functions (a
    plugin's migration runner, a data-import feature) or a ``populate.py`` of others is production
    code."""
    name = rel.rpartition("/")[2]
    if name == "migrations.py":
        pattern = _MIGRATION_STEP
    elif name == "populate.py":
        pattern = _TEST_DATA_FUNCTION
    else:
        return False
    try:
        with open(file, "rb") as f:
            text = f.read(1 << 21)
    except OSError:
        return False
    names = [m.decode("ascii", "replace") for m in _TOP_LEVEL_DEF.findall(text)]
    return bool(names) and all(pattern.fullmatch(n) for n in names)


# package.json scripts that fill a development database: `seed`, `db:seed`, `seed:scenario`,
# `prisma:seed`, `seed-data` (a `:`-separated part named `seed`/`seeds` or starting `seed-`/`seed_`),
# and Prisma's `"prisma": {"seed": "..."}`, which `prisma db seed` runs.
_SEED_SCRIPT = re.compile(r"(^|:)seeds?([-_][^:]*)?(:|$)")
_SCRIPT_FILE = re.compile(r"[^\s'\"=;&|()]+\.(?:[cm]?[jt]sx?|py)(?=$|[\s'\";&|)])")
_SEED_FOLDERS = frozenset({"seed", "seeds", "seeder", "seeders"})
_seed_files: dict[Path, frozenset[str]] = {}  # package folder -> what its seed scripts run (see reset)
_seeds_above: dict[tuple[str, int], frozenset[str]] = {}  # see _seeds_covering


def reset_caches() -> None:
    """Forget what was read from package.json files (a new scan reads them again)."""
    _seed_files.clear()
    _seeds_above.clear()


def _package_seeds(folder: Path) -> frozenset[str]:
    """The files (normalised absolute paths) and seed folders (ending in "/") that the seed
    scripts of ``folder``'s package.json run: the script a seed script names
    (`tsx scripts/seeder/cli.ts`), and the folder named `seeder` / `seeders` / `seed` / `seeds`
    that holds it (langfuse's `scripts/seeder/`, whose scenarios the command imports)."""
    hit = _seed_files.get(folder)
    if hit is not None:
        return hit
    out: set[str] = set()
    manifest = folder / "package.json"
    if _is_file(manifest):
        import json

        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            data = None
        commands: list[str] = []
        if isinstance(data, dict):
            scripts = data.get("scripts")
            if isinstance(scripts, dict):
                commands += [v for k, v in scripts.items() if isinstance(k, str) and isinstance(v, str)
                             and _SEED_SCRIPT.search(k)]
            prisma = data.get("prisma")
            if isinstance(prisma, dict) and isinstance(prisma.get("seed"), str):
                commands.append(prisma["seed"])
        base = os.path.normpath(folder)
        for command in commands:
            for m in _SCRIPT_FILE.finditer(command[:2000]):
                target = os.path.normpath(os.path.join(base, m.group(0)))
                folder_hit = None
                parent = os.path.dirname(target)
                while parent.startswith(base + os.sep):
                    if os.path.basename(parent) in _SEED_FOLDERS:
                        folder_hit = parent + os.sep
                        break
                    parent = os.path.dirname(parent)
                if folder_hit is None and _runs_the_application(m.group(0), command[m.end():]):
                    continue
                out.add(target)
                if folder_hit is not None:
                    out.add(folder_hit)
    hit = _seed_files[folder] = frozenset(out)
    return hit


# Files that start the application itself, which a seed script may run with a seed command or
# flag (`python manage.py seed_db`, `node dist/cli.js seed`, `tsx src/main.ts --seed`).
_APPLICATION_ENTRIES = frozenset({"manage", "main", "index", "server", "app", "cli", "__main__", "wsgi", "asgi"})
_COMMAND_END = re.compile(r"&&|\|\||[;|]")


def _runs_the_application(file: str, rest: str) -> bool:
    """A seed script's ``file`` (outside a seed folder) is the application's entry point run
    in a seed mode, not a seed: its name is an entry point's, or the command goes on with a
    sub-command (a first argument that is not an option) or an option that names seeding."""
    stem = posixpath.basename(file).split(".", 1)[0]
    if stem in _APPLICATION_ENTRIES:
        return True
    args = _COMMAND_END.split(rest, 1)[0].split()
    return (bool(args) and not args[0].startswith("-")) or any("seed" in a.lower() for a in args)


def _package_seed(rel: str, file: Path) -> bool:
    """``file`` is a seed a package.json of the scanned project (in its folder or one above it,
    up to the scanned root) runs, or in the seed folder of one (:func:`_package_seeds`)."""
    target = os.path.normpath(file)
    return any(seed == target or (seed.endswith(os.sep) and target.startswith(seed))
               for seed in _seeds_covering(os.path.dirname(target), rel.count("/") + 1))


def _seeds_covering(folder: str, levels: int) -> frozenset[str]:
    """What the seed scripts of the package.json files in ``folder`` and the ``levels - 1``
    folders above it run (:func:`_package_seeds`), remembered per folder for the scan (walked
    without recursion: a tree may be thousands of folders deep)."""
    chain: list[tuple[str, int]] = []
    hit: frozenset[str] = frozenset()
    while levels > 0:
        known = _seeds_above.get((folder, levels))
        if known is not None:
            hit = known
            break
        chain.append((folder, levels))
        folder, levels = os.path.dirname(folder), levels - 1
    for key in reversed(chain):
        own = _package_seeds(Path(key[0]))
        hit = _seeds_above[key] = own | hit if own else hit
    return hit


# Words that name a folder of test support when joined to another word (`dispatch_test/`,
# `test_plugins/`, `e2e-testing/`), or alone (`testhelpers/`, `fakes/`, `stubs/`). A folder named
# `test`, `tests`, `testing` or `test-utils` / `testutils` is test code already (NON_PRODUCTION).
_TEST_WORDS = frozenset({"test", "tests", "testing"})
_TEST_SUPPORT_FOLDERS = frozenset({"testhelpers", "testlib", "testkit", "fakes", "stubs"})
_WORD_SPLIT = re.compile(r"[-_.]")

# Modules that run although nothing imports them, whatever their folder: a package's
# `__main__`, Django's `manage.py` and management commands, the modules frameworks load by name
# or by a dotted path in the settings (Django's admin, apps, urls, models, views, middleware,
# signals; Celery's tasks; a plugin module named in package metadata, as dispatch's
# `plugin.py`; WSGI/ASGI applications), the routes and pages of file-system routers (Next.js,
# Remix, SvelteKit, Nuxt).
_ENTRY_POINT = re.compile(
    r"(^|/)(__main__\.py|manage\.py)$|(^|/)management/commands/"
    r"|(^|/)(admin|apps|urls|models|views|middleware|signals|receivers|tasks|celery|plugin|plugins|wsgi|asgi"
    r"|settings)\.py$"
    r"|(^|/)(pages|routes|app)/.*\.[cm]?[jt]sx?$|(^|/)(page|route|layout|\+page|\+server)\.[cm]?[jt]sx?$"
)


def test_support_folder(rel: str) -> str | None:
    """The folder of ``rel`` (a path within the scanned root) whose name marks it as test support
    (`plugins/dispatch_test/`, `src/testhelpers/`, `lib/fakes/`), or None; None too for an entry
    point's shape (see ``_ENTRY_POINT``). Only a candidate: the module is test support when, in
    addition, tests import it and no production module does (``vcx.link.test_support``)."""
    if _ENTRY_POINT.search(rel):
        return None
    for name in rel.split("/")[:-1]:
        low = name.lower()
        if low in _TEST_SUPPORT_FOLDERS:
            return name
        words = _WORD_SPLIT.split(low)
        if len(words) > 1 and any(w in _TEST_WORDS for w in words):
            return name
    return None


def folder_of(path: str) -> str:
    """``posixpath.dirname`` of a display path, at a fraction of its cost (link and the rules ask
    it for most imports of a scan)."""
    i = path.rfind("/")
    if i > 0 and path[i - 1] != "/":
        return path[:i]
    return posixpath.dirname(path)  # a top-level name, the root folder, or a doubled slash


def disk_folder(root: Path, root_display: str, folder: str) -> Path:
    """The folder on disk that ``folder`` (a display path) names, for a scan whose root ``root``
    displays as ``root_display`` ("" for the working directory)."""
    if not root_display:
        return root / folder if folder else root
    if folder == root_display:
        return root
    if folder.startswith(root_display + "/") and ".." not in folder:  # the usual case, without relpath's getcwd
        return root / folder[len(root_display) + 1:]
    return root / posixpath.relpath(folder, root_display)


# A word every alternative of NON_PRODUCTION contains (keep them in step): a path with none of
# them cannot match, and a substring test costs a fraction of the search (link asks for every
# module of the scan, the pipeline for every file).
_NON_PRODUCTION_WORDS = ("test", "spec", "migration", "seed", "fixtures", "mock", "e2e", "cypress", "playwright",
                         "alembic", "populate", "stor", "doc", "jest", "karma", "setupTests", "ummy", "ake",
                         "exampl", "bench")


def is_non_production(path: str) -> bool:
    return any(word in path for word in _NON_PRODUCTION_WORDS) and bool(NON_PRODUCTION.search(path))


def project_relative(display: str, cwd: Path, root: Path) -> str:
    """A display path (relative to the working directory) made relative to the scanned root,
    so that a project living under a folder named ``tests`` or ``examples`` is still judged by
    its own layout."""
    prefix = _root_from_cwd(cwd, root)
    if prefix is not None and not display.startswith("../"):  # the usual case: the root is cwd or below it
        if not prefix:
            return display
        if display.startswith(prefix):
            return display[len(prefix):]
    try:
        rel = os.path.relpath(cwd / display, root)
    except ValueError:
        return display
    return display if rel.startswith("..") else rel.replace(os.sep, "/")


@functools.lru_cache(maxsize=64)
def _root_from_cwd(cwd: Path, root: Path) -> str | None:
    """The root as a display-path prefix ("" for the working directory itself, "sub/dir/"
    below it), or None when the root is not inside the working directory."""
    try:
        rel = os.path.relpath(root, cwd)
    except ValueError:
        return None
    if rel == ".":
        return ""
    if rel.startswith("..") or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/") + "/"
