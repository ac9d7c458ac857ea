"""What a file's path says about it: code that runs in production, or not.

Tests, database seeds, migrations and test settings do not run in production (RULES.md):
they get no findings, and calls made from them do not count as callers of production code.
Beyond RULES.md's list (docs/configuration.md says which): test-runner configuration and setup
files, seeds and dummy-data generators by more names, Alembic revisions by their folder layout,
Storybook stories and configuration, and the documentation sources of the scanned project (its
build configuration and plugins, the examples it shows). Test support in a folder of production
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
    r"|(^|/)(__fixtures__|__mocks__|integration[-_]tests?|e2e|cypress|playwright)/"
    r"|(^|/)alembic/versions/"
    r"|(^|/)(test_[^/]*\.py|[^/]*_test\.py|tests?\.py|conftest\.py|test_settings\.py)$"
    r"|\.(test|spec)\.[cm]?[jt]sx?$"
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
    path within the scanned root ``root`` (:func:`is_non_production`), or as an Alembic revision
    (:func:`in_alembic_versions`)."""
    rel = project_relative(display, cwd, root)
    return is_non_production(rel) or in_alembic_versions(rel, cwd / display)


# Words that name a folder of test support when joined to another word (`dispatch_test/`,
# `test_plugins/`, `e2e-testing/`), or alone (`testutils/`, `fakes/`, `stubs/`). A folder named
# `test`, `tests` or `testing` alone is test code already (NON_PRODUCTION).
_TEST_WORDS = frozenset({"test", "tests", "testing"})
_TEST_SUPPORT_FOLDERS = frozenset({"testutils", "testutil", "testhelpers", "testlib", "testkit", "fakes", "stubs"})
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
    (`plugins/dispatch_test/`, `src/testutils/`, `lib/fakes/`), or None; None too for an entry
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
                         "alembic", "populate", "stor", "doc", "jest", "karma", "setupTests", "ummy", "ake")


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
