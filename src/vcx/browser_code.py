"""Which modules of a project run only in a browser.

Browser code has no database and no server clock: a user's `isToday(date)` is meant in the
user's zone, and `document.save()` on a client-side model is a request to the API, not a row
written. Rules ask :func:`browser_only_modules` to stay quiet there (RULES.md, TZ002: "code in
browser-only components").

A module runs only in a browser when it is

- marked `"use client"`, or a `.tsx`/`.jsx` file under a `components/` folder (the seeds
  RULES.md names), or a module that mounts a user interface (`createRoot(...)`, `render(<App/>,
  ...)`, `createApp(App).mount(...)`: see ``knowledge.javascript.BROWSER_MOUNTS``), or a
  React client component or hook: it calls `useState` / `useEffect` / `useReducer` (React
  Server Components cannot; ``knowledge.javascript.BROWSER_HOOKS``); or
- a script in a folder served as static files (`static/`, `assets/`, `public/`); or
- a Storybook story (`*.stories.ts`, `*.stories.tsx`, ...): Storybook renders it in its own
  page in a browser, never on the server, so a component library that only its stories and
  the front end import (an Nx `libs/ui`) is browser code; or
- in a package whose package.json depends on a UI framework (Vue, React DOM, Svelte, ...)
  and on nothing server-side (no Next/Nuxt-style full-stack framework, server or database
  client: ``knowledge.javascript``): a front-end app, whose .vue/.svelte components vcx does
  not read but whose other modules they import; or
- imported (statically, by `import()` or `import.meta.glob`, or re-exported) only by such
  modules, transitively.

A module that server code also imports (a `shared/` folder) is not browser-only. A barrel that
nothing imports (an `index.ts` of nothing but `export * from "./x"` / `export { X } from "./x"`,
a library's entry the front end bypasses by importing `@lib/ui/x/x.component` directly) runs
no code of its own and is nobody's importer: it does not keep what it re-exports out. Python
modules never are, nor a module marked `"use server"` (Next.js server actions): client components
import it, but what they get is a stub that calls the server, where its code runs. Imports
made only by tests do not count either way.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from fnmatch import fnmatchcase
from operator import attrgetter

from vcx.facts import ModuleFacts
from vcx.knowledge.javascript import BROWSER_HOOKS, BROWSER_MOUNTS
from vcx.link import Project
from vcx.paths import folder_of

_BRACES = re.compile(r"\{([^{}]*)\}")


def _expand_braces(pattern: str) -> list[str]:
    """``index.{ts,tsx}`` -> ``index.ts``, ``index.tsx`` (the glob syntax fnmatch lacks)."""
    m = _BRACES.search(pattern)
    if m is None:
        return [pattern]
    return [x for alt in m.group(1).split(",")[:16]
            for x in _expand_braces(pattern[:m.start()] + alt + pattern[m.end():])][:64]


def _glob_targets(importer: str, pattern: str, paths: list[str]) -> set[str]:
    """The modules a Vite ``import.meta.glob`` pattern relative to ``importer`` matches."""
    if not pattern.startswith((".", "/")) or pattern.startswith("/"):
        return set()  # root-relative and alias patterns: the bundler's root is not known here
    full = [posixpath.normpath(posixpath.join(posixpath.dirname(importer), p)) for p in _expand_braces(pattern)]
    return {p for p in paths if any(fnmatchcase(p, f) for f in full)}


# Folders a web server hands to browsers as files (Django and Flask `static/`, Rails and theme
# `assets/`, Next.js and Vite `public/`): the scripts in them run in the page.
_STATIC_FOLDER = re.compile(r"(^|/)(static|assets|public)/")
# Storybook's stories: `Button.stories.tsx`, `value.component.stories.ts`.
_STORY = re.compile(r"\.stories\.[cm]?[jt]sx?$")


_BROWSER_CALLS = BROWSER_MOUNTS | BROWSER_HOOKS
_callee = attrgetter("callee")


def _is_seed(path: str, project: Project) -> bool:
    mod = project.modules[path]
    if "use client" in mod.directives:
        return True
    if path.endswith((".tsx", ".jsx")) and "/components/" in f"/{path}":
        return True
    if _STATIC_FOLDER.search(path) or _STORY.search(path):
        return True
    return not _BROWSER_CALLS.isdisjoint(map(_callee, mod.calls))


def _is_barrel(mod: ModuleFacts) -> bool:
    """A module of re-exports only: `export * from "./x"`, `export { X } from "./x"`."""
    if mod.calls or mod.functions or mod.classes or mod.assigns or mod.directives:
        return False
    if not mod.imports and not mod.exports:
        return False
    return all(i.local == "*" and i.name == "*" for i in mod.imports) and \
        all((v.ref or "").startswith("import:") for v in mod.exports.values())


def _in_folders(path: str, folders: set[str], all_folders: set[str]) -> bool:
    """The nearest package folder of ``path`` (of ``all_folders``) is one of ``folders``."""
    folder = path
    while (parent := folder_of(folder)) != folder:  # up the folders of the path, nearest first
        folder = parent
        if folder in all_folders and (not folder or path.startswith(folder + "/")):
            return folder in folders
    return "" in all_folders and "" in folders  # the scan's root folder holds every path


def browser_only_modules(project: Project) -> frozenset[str]:
    js = [p for p, m in project.modules.items() if m.language != "python" and not project.is_test(p)]
    front_ends = project.packages.browser_folders() if project.packages is not None else set()
    package_folders = set(project.packages.folders()) if front_ends else set()
    seeds = {p for p in js if _is_seed(p, project) or (front_ends and _in_folders(p, front_ends, package_folders))}
    if not seeds:
        return frozenset()
    imports: dict[str, set[str]] = {}
    importers: dict[str, set[str]] = defaultdict(set)
    for path in js:
        targets: set[str] = set()
        mod = project.modules[path]
        for value in mod.exports.values():  # export { X } from "./x"
            ref = value.ref or ""
            if ref.startswith("import:") and (t := project.module_path(path, ref.split(":", 2)[1])) is not None:
                targets.add(t)
        for imp in mod.imports:
            if imp.type_only:
                continue  # erased by the compiler: no dependency when the code runs
            if "*" in imp.module:
                targets |= _glob_targets(path, imp.module, js)
            elif (t := project.module_path(path, imp.module)) is not None:
                targets.add(t)
        targets = {t for t in targets if t != path and not project.is_test(t)}
        imports[path] = targets
        for t in targets:
            importers[t].add(path)
    # Unused barrels: they do not make what they re-export server code.
    for path in [p for p in js if not importers.get(p) and p not in seeds and _is_barrel(project.modules[p])]:
        for t in imports.get(path, ()):
            importers[t].discard(path)
    # Every module reachable from a seed is a candidate; then (a greatest fixed point, so that
    # import cycles inside browser code stay browser code) drop each candidate that a module
    # outside the set imports, until none is left to drop.
    browser = set(seeds)
    todo = list(seeds)
    while todo:
        for t in imports.get(todo.pop(), ()):
            if t not in browser and "use server" not in project.modules[t].directives:
                browser.add(t)
                todo.append(t)
    todo = [p for p in browser if p not in seeds]
    while todo:
        path = todo.pop()
        if path in browser and path not in seeds and any(i not in browser for i in importers[path]):
            browser.discard(path)
            todo.extend(t for t in imports.get(path, ()) if t in browser and t not in seeds)
    return frozenset(browser)
