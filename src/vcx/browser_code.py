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

A module that server code also imports (a `shared/` folder) is not browser-only. A barrel (an
`index.ts` of nothing but `export * from "./x"` / `export { X } from "./x"`) runs no code of
its own: an import through it depends on the module the imported name comes from, not on
everything the barrel re-exports. A server route that takes `{ CheckIcon }` from a UI kit's
index does not make the kit's date picker server code; a name no module exports as a value
is a type, which leaves nothing behind when compiled; a namespace import takes everything.
Python
modules never are, nor a module marked `"use server"` (Next.js server actions): client components
import it, but what they get is a stub that calls the server, where its code runs. Imports
made only by tests do not count either way (tests as ``vcx.paths`` knows them: a hook that a
component and its `useX.clienttest.tsx` import is browser code).

Not a seed: a `.tsx`/`.jsx` module outside `components/` merely because it renders JSX (a
chart of a `features/widgets/chart-library/` folder). JSX runs on servers too: Next.js app-router
modules are server components unless marked `"use client"` (as is every component they import
unmarked), react-email templates (`emails/*.tsx`) and `@react-pdf/renderer` documents are
rendered to HTML or PDF on the server, and `ImageResponse` draws Open Graph images from JSX in a
route handler; a date such code formats is formatted in the server's zone. Such a module is
browser code when browser code alone imports it, as any other.

Per function (:func:`browser_only_functions`, asked through ``Project.runs_in_browser(path,
func)``): a function of a module that is not browser-only runs only in a browser when every
production call of it (or call it is passed to) is in browser code, and every module outside
browser code that imports it calls it. TZ002, ERR003 and the ERR005 message ask per function;
``summaries`` (which library calls are database operations) asks per module.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from fnmatch import fnmatchcase
from operator import attrgetter

from vcx.facts import ModuleFacts
from vcx.knowledge.javascript import BROWSER_HOOKS, BROWSER_MOUNTS
from vcx.link import FuncRef, Project
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
    """A module of re-exports only: `export * from "./x"`, `export { X } from "./x"` (and
    side-effect imports of style sheets: `import "./styles.css"`)."""
    if mod.calls or mod.functions or mod.classes or mod.assigns or mod.directives:
        return False
    if not mod.imports and not mod.exports:
        return False
    return all((i.local == "*" and i.name == "*") or (not i.local and i.module.endswith(_STYLE_SHEETS))
               for i in mod.imports) and all((v.ref or "").startswith("import:") for v in mod.exports.values())


_STYLE_SHEETS = (".css", ".scss", ".sass", ".less")


def _exports_name(mod: ModuleFacts, name: str) -> bool:
    """The module itself (not a re-export) exports ``name``."""
    if name in mod.exports:
        return True
    fn = mod.functions.get(name)
    return fn is not None and fn.exported


class _Barrels:
    """Which module a name imported through a barrel comes from.

    A barrel (``_is_barrel``) runs no code of its own. An import of ``{ Button }`` from a
    package's index that re-exports fifty components depends on the button's module, not on
    the date picker's: the date picker stays browser code when only browser code imports
    *it*, even if a server module imports the button through the same index."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._is: dict[str, bool] = {}

    def is_barrel(self, path: str) -> bool:
        hit = self._is.get(path)
        if hit is None:
            mod = self.project.modules.get(path)
            hit = self._is[path] = mod is not None and mod.language != "python" and _is_barrel(mod)
        return hit

    def provider(self, barrel: str, name: str, depth: int = 0) -> str | None:
        """The module (not a barrel) that ``name`` imported from ``barrel`` comes from; None
        when none of the project's modules the barrel reaches exports it (a type, or a name
        of a library the barrel re-exports)."""
        if depth > 8:
            return None
        mod = self.project.modules[barrel]
        value = mod.exports.get(name)
        if value is not None:  # export { X } from "./x" (perhaps renamed: { Y as X })
            _, spec, inner = (value.ref or "").split(":", 2)
            return self._follow(barrel, spec, inner, depth)
        for imp in mod.imports:  # export * from "./x": the first that has the name
            if imp.name != "*":
                continue
            target = self.project.module_path(barrel, imp.module)
            if target is None:
                continue
            if self.is_barrel(target):
                found = self.provider(target, name, depth + 1)
                if found is not None:
                    return found
            elif self._has_name(target, name, depth + 1):
                return target
        return None

    def _has_name(self, path: str, name: str, depth: int) -> bool:
        """A module (not a barrel) exports ``name``, itself or through its own ``export *``."""
        mod = self.project.modules[path]
        if _exports_name(mod, name):
            return True
        if depth > 8:
            return False
        for imp in mod.imports:
            if imp.name == "*" and imp.local == "*":
                target = self.project.module_path(path, imp.module)
                if target is not None and target != path and self._has_name(target, name, depth + 1):
                    return True
        return False

    def _follow(self, barrel: str, spec: str, name: str, depth: int) -> str | None:
        target = self.project.module_path(barrel, spec)
        if target is None:
            return None
        return self.provider(target, name, depth + 1) if self.is_barrel(target) else target


def _in_folders(path: str, folders: set[str], all_folders: set[str]) -> bool:
    """The nearest package folder of ``path`` (of ``all_folders``) is one of ``folders``."""
    folder = path
    while (parent := folder_of(folder)) != folder:  # up the folders of the path, nearest first
        folder = parent
        if folder in all_folders and (not folder or path.startswith(folder + "/")):
            return folder in folders
    return "" in all_folders and "" in folders  # the scan's root folder holds every path


def _through_barrel(barrels: _Barrels, barrel: str, name: str | None) -> set[str]:
    """The modules an import of ``name`` from ``barrel`` depends on when the code runs: the
    one the name comes from; none when no module the barrel reaches exports it as a value
    (a type, `import { Icon } from "@acme/ui"` without `type`: the compiler erases it; the
    front end records every exported value, enums and namespaces included); every module the
    barrel re-exports, through nested barrels, for a namespace import or a default."""
    if name and name not in ("*", "default"):
        found = barrels.provider(barrel, name)
        return {found} if found is not None else set()
    out: set[str] = set()
    todo, seen = [barrel], {barrel}
    project = barrels.project
    while todo:
        b = todo.pop()
        mod = project.modules[b]
        specs = [i.module for i in mod.imports if i.name == "*"]
        specs += [(v.ref or "").split(":", 2)[1] for v in mod.exports.values()]
        for spec in specs:
            t = project.module_path(b, spec)
            if t is None or t in seen:
                continue
            seen.add(t)
            if barrels.is_barrel(t):
                todo.append(t)
            out.add(t)
    return out


def browser_only_modules(project: Project) -> frozenset[str]:
    js = [p for p, m in project.modules.items() if m.language != "python" and not project.is_test(p)]
    front_ends = project.packages.browser_folders() if project.packages is not None else set()
    package_folders = set(project.packages.folders()) if front_ends else set()
    seeds = {p for p in js if _is_seed(p, project) or (front_ends and _in_folders(p, front_ends, package_folders))}
    if not seeds:
        return frozenset()
    imports: dict[str, set[str]] = {}
    importers: dict[str, set[str]] = defaultdict(set)
    barrels = _Barrels(project)
    for path in js:
        targets: set[str] = set()
        mod = project.modules[path]
        if barrels.is_barrel(path):
            # A barrel's edges are its importers', name by name; one that runs in a browser
            # itself (a components/index.tsx) brings all it re-exports there.
            imports[path] = _through_barrel(barrels, path, None) if path in seeds else set()
            for t in imports[path]:
                importers[t].add(path)
            continue
        for value in mod.exports.values():  # export { X } from "./x"
            ref = value.ref or ""
            if ref.startswith("import:") and (t := project.module_path(path, ref.split(":", 2)[1])) is not None:
                targets.add(t)
                if barrels.is_barrel(t):
                    targets |= _through_barrel(barrels, t, ref.split(":", 2)[2])
        for imp in mod.imports:
            if imp.type_only:
                continue  # erased by the compiler: no dependency when the code runs
            if "*" in imp.module:
                targets |= _glob_targets(path, imp.module, js)
            elif (t := project.module_path(path, imp.module)) is not None:
                targets.add(t)
                if barrels.is_barrel(t):
                    targets |= _through_barrel(barrels, t, imp.name)
        targets = {t for t in targets if t != path and not project.is_test(t)}
        imports[path] = targets
        for t in targets:
            importers[t].add(path)
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


def _sites(project: Project) -> dict[FuncRef, list[tuple[str, str | None]]]:
    """The places (module, enclosing function) that call each JS/TS function of the project
    outside browser-only modules, or pass it to a call (``xs.map(timeAgo)``, ``useQuery({ queryFn:
    load })``), in production code. Not those of a ``"use server"`` module: what a client
    component calls there is a stub that asks the server to run it."""
    out: dict[FuncRef, list[tuple[str, str | None]]] = defaultdict(list)
    modules, tests = project.modules, project.tests
    for table in (project.callers, project.passed, project.passed_in_options):
        for ref, entries in table.items():
            mod = modules.get(ref.path)
            if mod is None or mod.language == "python" or ref.path in tests or project.runs_in_browser(ref.path) \
                    or "use server" in mod.directives:
                continue  # a server action runs on the server whoever calls it
            sites = out[ref]
            for entry in entries:
                if entry[0] not in tests:
                    sites.append((entry[0], entry[1].func))
    return out


def browser_only_functions(project: Project) -> frozenset[FuncRef]:
    """The functions of modules that are not browser-only (a shared ``lib/utils.ts``) that run
    only in a browser: every place in production code that calls one, or passes it to a call, is
    browser code (a browser-only module, or a function of this set), and every module outside
    browser code that imports it by name calls it (a module that imports it and calls it nowhere
    may use it otherwise: render it as a component, keep it in an object). A function nothing
    calls is not in the set: its module decides. A function nested in another without callers of
    its own is as the function around it is (see ``Project.runs_in_browser``).

    A greatest fixed point, as for modules: a call cycle reached only from browser code stays
    browser code."""
    sites = _sites(project)
    if not sites:
        return frozenset()
    modules = project.modules

    def owner(path: str, func: str | None) -> FuncRef | bool:
        """What decides whether code of ``func`` runs in a browser: True (a browser-only module),
        False (module-level code, or a function nothing calls, of another module) or the function
        with callers it is (or is nested in)."""
        if project.runs_in_browser(path):
            return True
        if "use server" in modules[path].directives:
            return False
        fns = modules[path].functions
        for _ in range(64):
            if func is None:
                return False
            ref = FuncRef(path, func)
            if ref in sites:
                return ref
            fn = fns.get(func)
            func = fn.parent if fn is not None else None
        return False

    needs: dict[FuncRef, list[FuncRef]] = {}  # function -> the functions its browser-ness rests on
    dependents: dict[FuncRef, list[FuncRef]] = defaultdict(list)
    dropped: list[FuncRef] = []
    grounded: list[FuncRef] = []  # called from a browser-only module itself
    for ref, where in sites.items():
        deps: list[FuncRef] = []
        server = not where
        direct = False
        for path, func in where:
            o = owner(path, func)
            if o is False:
                server = True
                break
            if o is True:
                direct = True
            elif o != ref:  # (a recursive call rests on the other callers)
                deps.append(o)  # type: ignore[arg-type]
        if server:
            dropped.append(ref)
            continue
        needs[ref] = deps
        for d in deps:
            dependents[d].append(ref)
        if direct:
            grounded.append(ref)
    # Only what browser code reaches: functions that call each other and nothing else calls
    # (a job registry and its handlers) are not browser code for want of a server caller.
    browser = set(grounded)
    todo = list(grounded)
    while todo:
        for d in dependents.get(todo.pop(), ()):
            if d in needs and d not in browser:
                browser.add(d)
                todo.append(d)
    dropped.extend(r for r in needs if r not in browser)
    # Imported by a module outside browser code that calls it nowhere: used some other way.
    if browser:
        names = {r.func for r in browser}
        calling = {(r, path) for r in browser for path, _ in sites[r]}
        barrels = _Barrels(project)
        for path, mod in modules.items():
            if mod.language == "python" or project.is_test(path) or project.runs_in_browser(path):
                continue
            for imp in mod.imports:
                if imp.name not in names or imp.type_only:
                    continue
                target = project.module_path(path, imp.module)
                if target is not None and barrels.is_barrel(target):
                    target = barrels.provider(target, imp.name)
                if target is None:
                    continue
                ref = FuncRef(target, imp.name)
                if ref in browser and (ref, path) not in calling:
                    browser.discard(ref)
                    dropped.append(ref)
    while dropped:
        for d in dependents.get(dropped.pop(), ()):
            if d in browser:
                browser.discard(d)
                dropped.append(d)
    return frozenset(browser)
