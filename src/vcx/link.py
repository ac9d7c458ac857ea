"""Stage 4: link the files of one scan into a project.

Resolves calls between the project's own modules (``import:<module>:<name>`` callees the
front ends leave behind) to the function they reach, and indexes who calls whom, so that
rules can ask "who calls this function?" across files.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vcx.discover import display_path
from vcx.facts import Call, ClassInfo, Function, ModuleFacts, Value
from vcx.knowledge import PY_CLASS_KEYED_LOOKUPS, PY_ENUM_BASES, PY_NAME_KEYED_LOOKUPS
from vcx.knowledge import databases as kdb
from vcx.manifests import dependencies, read_json_object
from vcx.paths import folder_of, is_non_production_file
from vcx.tsconfig import PathAliases
from vcx.workspaces import WorkspacePackages

if TYPE_CHECKING:
    from vcx.dispatch import Dispatch

JS_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_UNRESOLVED = object()  # not looked up yet (None is a lookup that found no module)


class FuncRef(NamedTuple):
    """A function of the project: the module that defines it and its id there. A named tuple
    (not a frozen dataclass): it keys the call graph and the summaries, and a tuple is built and
    hashed in C."""

    path: str
    func: str


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class of the project: the module that defines it and its name there."""

    path: str
    name: str


@dataclass
class Project:
    modules: dict[str, ModuleFacts]
    root: Path
    # Dependencies declared in package.json files of the scanned tree: name -> version spec.
    npm_deps: dict[str, str] = field(default_factory=dict)
    callers: dict[FuncRef, list[tuple[str, Call]]] = field(default_factory=lambda: defaultdict(list))
    # Display paths of the modules that do not run in production.
    tests: frozenset[str] = frozenset()
    # Calls from those modules (the test helpers production code imports): not callers in
    # production, but the way a helper's effects reach the helper production code calls.
    test_callers: dict[FuncRef, list[tuple[str, Call]]] = field(default_factory=lambda: defaultdict(list))
    # Project function -> the calls it is passed to as an argument, with the argument index.
    passed: dict[FuncRef, list[tuple[str, Call, int]]] = field(default_factory=lambda: defaultdict(list))
    # Project function -> the calls that receive it as a property of an object literal argument
    # (``useQuery({ queryFn: load })``, ``withWrapper({ handler: async (req) => ... })``, a function
    # written there or one named there), with the argument index and the property.
    passed_in_options: dict[FuncRef, list[tuple[str, Call, int, str]]] = field(
        default_factory=lambda: defaultdict(list))
    # Call (path, call id) -> the project function it reaches.
    targets: dict[tuple[str, int], FuncRef] = field(default_factory=dict)
    # (path, function id, index in ``Function.decorators``) -> the project function a Python
    # decorator written as a name names (``@login_required``, ``@helpers.retrying``); a decorator
    # written as a call (``@handler(error=...)``) is a call like any other, in :attr:`targets`.
    decorator_targets: dict[tuple[str, str, int], FuncRef] = field(default_factory=dict)
    # (Python) Calls link resolved on a parameter typed by an annotation (``w: Wallet``): at run
    # time the receiver may be an instance of a project subclass, so the call also reaches the
    # overrides of the method (``vcx.dispatch``, for ERR001).
    typed_calls: set[tuple[str, int]] = field(default_factory=set)
    # (Python) Calls on a local assigned from a call of a function whose return annotation names a
    # project class (``w = get_funding_source()`` with ``-> Wallet``, ``b = await
    # self._get_block()`` with ``-> Webhook``; the name ``with`` binds from a context manager known
    # only by an annotation, ``-> AsyncIterator[Connection]``: ``_through_with``) -> the method of
    # that class they reach. Dispatch
    # edges (``vcx.dispatch``: the method and its overrides, for ERR001), not :attr:`callers`: what
    # the declared class's method does is not what the object's class does (a subclass overrides
    # it, a manager caches what the base method would query), so its effects are not added up at
    # the call.
    returned_typed: dict[tuple[str, int], FuncRef] = field(default_factory=dict)
    # (Python) Django signals: a receiver function of a project ``Signal()`` (``@receiver(sig)``,
    # ``sig.connect(fn)``) -> the ``sig.send(...)`` / ``sig.send_robust(...)`` calls that run it.
    # Apart from :attr:`callers`: the writes and queries of a signal's receivers are not added to
    # the sender's (RULES.md: the writes of framework signal handlers are not followed); the rules
    # that ask where a receiver runs read them (TXN001: inside the sender's transaction; ERR001:
    # ``send`` raises a receiver's error in the sender, ``send_robust`` catches it).
    signal_senders: dict[FuncRef, list[tuple[str, Call]]] = field(default_factory=lambda: defaultdict(list))
    # (Python) Calls of a method on what a registry of project instances gives, which link could
    # not resolve to one method (``job_type_registry.get_by_model(job).run(job)``): call -> the
    # methods of the classes registered there, each with the registered class that runs it
    # (``_link_registries``), and the reverse. Apart from
    # :attr:`callers` (a summary adding up every registered class's effects at each call would
    # make every caller of the registry write and query everything): TXN001 reads them to know
    # where a registered method runs (``with job_type.transaction_atomic_context(job):``), and ERR001
    # as dispatch (``vcx.dispatch``).
    registry_targets: dict[tuple[str, int], tuple[tuple[ClassRef, FuncRef], ...]] = field(default_factory=dict)
    registry_callers: dict[FuncRef, list[tuple[str, Call, ClassRef]]] = field(
        default_factory=lambda: defaultdict(list))
    # Dotted Python module name (every suffix of a path) -> path; the first names of those.
    py_index: dict[str, str] = field(default_factory=dict)
    # The dotted names several Python files end with (``api.serializers`` in two services),
    # made when class resolution first needs them.
    _py_ambiguous: dict[str, list[str]] | None = field(default=None, repr=False)
    py_roots: frozenset[str] = frozenset()
    path_aliases: PathAliases | None = None  # tsconfig/jsconfig ``paths``, per folder
    packages: WorkspacePackages | None = None  # the monorepo's own packages, by name
    _module_paths: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)
    _folder_paths: dict[tuple[bool, str, str], str | None] = field(default_factory=dict, repr=False)
    _class_refs: dict[tuple[str, str], ClassRef | None] = field(default_factory=dict, repr=False)
    _names: dict[tuple[str, str], ClassRef | None] = field(default_factory=dict, repr=False)
    _instance_methods: dict[tuple[str, str, str], FuncRef | None] = field(default_factory=dict, repr=False)
    _browser_only: frozenset[str] | None = field(default=None, repr=False)
    _browser_funcs: frozenset[FuncRef] | None = field(default=None, repr=False)
    _dispatch: object | None = field(default=None, repr=False)  # vcx.dispatch.Dispatch, made on demand
    _package_specs: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _star_imported: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # Indexes the rules derive from the project and share, built once per scan by the first
    # rule that asks (``vcx.rules.error_handling.network_calls``).
    derived: dict[str, object] = field(default_factory=dict, repr=False)

    def package_specs(self, path: str) -> tuple[str, ...]:
        """The non-relative import specifiers of a JS/TS module that name project modules
        (through a tsconfig path alias or a package of the monorepo), longest first. The front
        end writes calls through them like a library's (``@server/models.Document.findByPk``)."""
        hit = self._package_specs.get(path)
        if hit is None:
            mod = self.modules.get(path)
            found: set[str] = set()
            if mod is not None and mod.language != "python":
                heads = self.path_aliases.heads_for(path) if self.path_aliases is not None else ()
                for imp in mod.imports:
                    spec = imp.module
                    if imp.relative or spec[:1] in (".", "/") or "*" in spec or spec in found:
                        continue
                    # Most specifiers name a library ("react"): resolve only those an alias or a
                    # package of the monorepo could map.
                    if not ((heads and spec.startswith(heads)) or
                            (self.packages is not None and self.packages.has_package(spec))):
                        continue
                    if self.module_path(path, spec) is not None:
                        found.add(spec)
            hit = self._package_specs[path] = tuple(sorted(found, key=len, reverse=True))
        return hit

    def runs_in_browser(self, path: str, func: str | None = None) -> bool:
        """The module runs only in a browser (see ``vcx.browser_code``); with ``func`` (the id of a
        function of the module, as ``Call.func``), the code of that function does: its module
        does, or every caller of the function (of the function it is nested in, when it has no
        callers of its own) is browser code (``browser_code.browser_only_functions``)."""
        if self._browser_only is None:
            from vcx.browser_code import browser_only_modules

            self._browser_only = browser_only_modules(self)
        if path in self._browser_only:
            return True
        if func is None:
            return False
        if self._browser_funcs is None:
            from vcx.browser_code import browser_only_functions

            self._browser_funcs = browser_only_functions(self)
        if not self._browser_funcs:
            return False
        fns = self.modules[path].functions
        callers, passed, options = self.callers, self.passed, self.passed_in_options
        for _ in range(64):
            ref = FuncRef(path, func)
            if ref in self._browser_funcs:
                return True
            if ref in callers or ref in passed or ref in options:
                return False
            fn = fns.get(func)
            if fn is None or fn.parent is None:
                return False
            func = fn.parent
        return False

    def dispatchers_of(self, ref: FuncRef) -> list[tuple[str, Call]]:
        """The calls that may reach the method ``ref`` by dynamic dispatch rather than by name
        (``runner.run_query(q)`` in a try, for a ``run_query`` that overrides a base class's:
        see ``vcx.dispatch`` for the exact condition). Not in :attr:`callers`: only the rules
        that ask see them."""
        return self.dispatch().callers(ref)

    def dispatch(self) -> Dispatch:
        """The project's class hierarchies and dispatch edges (``vcx.dispatch``), made on the first
        question."""
        if self._dispatch is None:
            from vcx.dispatch import Dispatch

            self._dispatch = Dispatch(self)
        return self._dispatch  # type: ignore[return-value]

    def is_test(self, path: str) -> bool:
        """Code that does not run in production (tests, seeds, migrations: see vcx.paths)."""
        return path in self.tests

    def function(self, ref: FuncRef) -> Function | None:
        mod = self.modules.get(ref.path)
        return mod.functions.get(ref.func) if mod else None

    def target(self, path: str, call: Call) -> FuncRef | None:
        return self.targets.get((path, call.id))

    def callers_of(self, ref: FuncRef) -> list[tuple[str, Call]]:
        return self.callers.get(ref, [])

    def iter_calls(self):  # type: ignore[no-untyped-def]
        for path, mod in self.modules.items():
            for call in mod.calls:
                yield path, mod, call

    def module_path(self, importer: str, module: str) -> str | None:
        """The project file an import of ``module`` in ``importer`` reaches (``.models``,
        ``app.models``, ``./lib/db``, ``@/lib/db``)."""
        key = (importer, module)
        found = self._module_paths.get(key, _UNRESOLVED)
        if found is _UNRESOLVED:
            found = self._module_paths[key] = self._resolve_module(importer, module)
        return found  # type: ignore[return-value]

    def _resolve_module(self, importer: str, module: str) -> str | None:
        mod = self.modules.get(importer)
        python = mod is not None and mod.language == "python"
        if python and not module.startswith("."):
            return self.py_index.get(module)
        # A relative import, a path alias (the nearest tsconfig) and a package name resolve
        # the same for every module of a folder: resolved once per folder.
        key = (python, folder_of(importer), module)
        found = self._folder_paths.get(key, _UNRESOLVED)
        if found is _UNRESOLVED:
            found = self._folder_paths[key] = (
                _resolve_python(importer, module, self.py_index, self.modules) if python
                else _resolve_js(importer, module, self.modules, self.path_aliases, self.packages))
        return found  # type: ignore[return-value]

    def _class_module(self, importer: str, module: str) -> str | None:
        """:meth:`module_path` for class resolution: an absolute name several files end with is
        the one under the importer's own root (the file whose path minus the name is a folder
        above the importer, nearest first); none when that does not single one out."""
        if self._py_ambiguous is None:
            self._py_ambiguous = _python_ambiguous_names(self.modules)
        cands = self._py_ambiguous.get(module) if not module.startswith(".") else None
        if not cands:
            return self.module_path(importer, module)
        key = (importer, "\0" + module)
        if key in self._module_paths:
            return self._module_paths[key]
        best, best_len, tie = None, -1, False
        for cand in cands:
            stem = cand[:-3].removesuffix("/__init__")
            root = stem[: len(stem) - len(module)].rstrip("/")  # the folder the name is taken from
            if root and not importer.startswith(root + "/"):
                continue
            if len(root) > best_len:
                best, best_len, tie = cand, len(root), False
            elif len(root) == best_len:
                tie = True
        self._module_paths[key] = found = None if tie else best
        return found

    def module_constant(self, path: str, ref: str, depth: int = 0) -> Value | None:
        """The value a module-level name of the project is assigned (``COMPONENT_MODELS = (A, B)``),
        for a name or reference as the Python front end writes it in module ``path``: the bare
        name, ``import:.constants:NAME``, ``app.constants.NAME``; followed through imports,
        ``from x import *`` and aliases (``MODELS = OTHER_MODELS``). None when it is no
        module-level assignment of the project.

        In a JS/TS module: a name the front end gave a reference, the name of a module-level
        ``const`` of the file or ``import:./constants:NAME`` (followed to what that module exports,
        ``export const NAME = [...]``, also through re-exports)."""
        mod = self.modules.get(path)
        if mod is None or depth > 8 or not ref:
            return None
        if ref.startswith("import:"):
            _, spec, name = ref.split(":", 2)
            target = self.module_path(path, spec)
            return self._constant_in(target, name, depth + 1) if target is not None else None
        if mod.language != "python":
            return self._js_constant_in(path, mod, ref, depth) if "." not in ref and ":" not in ref else None
        if "." in ref:
            if ref.split(".", 1)[0] not in self.py_roots:
                return None
            split = _split_module(ref, path, lambda m: self.module_path(path, m))
            return self._constant_in(split[0], split[1], depth + 1) if split is not None else None
        return self._constant_in(path, ref, depth)

    def _js_constant_in(self, path: str, mod: ModuleFacts, name: str, depth: int) -> Value | None:
        """A module-level name of a JS/TS module: what it exports under it, or what its one
        module-level declaration assigns."""
        value = mod.exports.get(name)
        if value is None:
            found = [a.value for a in mod.assigns if a.func is None and a.target == name]
            value = found[0] if len(found) == 1 else None
        if value is not None and value.kind == "name" and value.ref and value.ref != name:
            return self.module_constant(path, value.ref, depth + 1)
        return value

    def _constant_in(self, path: str, name: str, depth: int) -> Value | None:
        mod = self.modules.get(path)
        if mod is None or depth > 8 or "." in name:
            return None
        if mod.language != "python":
            return self._js_constant_in(path, mod, name, depth)
        value = mod.exports.get(name)
        if value is not None:
            if value.kind == "name" and value.ref and value.ref != name:
                return self.module_constant(path, value.ref, depth + 1)
            return value
        for imp in mod.imports:
            if imp.local == name and imp.name not in (None, "*"):  # re-exported by an __init__
                target = self.module_path(path, imp.module)
                return self._constant_in(target, imp.name, depth + 1) if target is not None else None
        for target in self.star_imported(path):
            found = self._constant_in(target, name, depth + 1)
            if found is not None:
                return found
        return None

    def enum_members(self, path: str, ref: str) -> int | None:
        """(Python) How many members the project enum class that ``ref`` names in module ``path``
        has (``class Outcome(str, Enum)`` with four members -> 4), or None when it names no enum
        class of the project. An enum derives from one of ``knowledge.PY_ENUM_BASES`` (``enum.Enum``,
        ``StrEnum``, ``IntEnum``, ``Flag``, Django ``TextChoices`` / ``IntegerChoices``...), directly or
        through project classes (``class DispatchEnum(str, Enum)``). Its members are the names its
        body assigns (``A = "a"``, ``B = auto()``), not ``_sunder_`` / dunder names."""
        cls = self.resolve_class(path, ref)
        if cls is None or not self._is_enum(cls, 0):
            return None
        mod = self.modules[cls.path]
        info = mod.classes.get(cls.name)
        if info is None:
            return None
        nested = [c.loc for n, c in mod.classes.items() if n.startswith(cls.name + ".")]
        lo, hi = info.loc.line, info.loc.end_line
        names = {a.text for a in mod.assigns
                 if a.func is None and lo < a.loc.line <= hi and a.text.isidentifier() and not a.text.startswith("_")
                 and not (a.annotation and a.value.kind == "other" and not a.value.text)
                 and not any(n.line <= a.loc.line <= n.end_line for n in nested)}
        return len(names)

    def _is_enum(self, cls: ClassRef, depth: int) -> bool:
        info = self.modules[cls.path].classes.get(cls.name) if cls.path in self.modules else None
        if info is None or depth > 8:
            return False
        for b in info.bases:
            if b in PY_ENUM_BASES:
                return True
            base = self.resolve_class(cls.path, b)
            if base is not None and base != cls and self._is_enum(base, depth + 1):
                return True
        return False

    def star_imported(self, path: str) -> tuple[str, ...]:
        """The project modules a Python module imports with ``from x import *`` (found once per
        module: link asks for every bare name a Python module calls)."""
        found = self._star_imported.get(path)
        if found is None:
            mod = self.modules.get(path)
            out = []
            for imp in mod.imports if mod is not None and mod.language == "python" else ():
                if imp.name == "*":
                    target = self.module_path(path, imp.module)
                    if target is not None and target != path:
                        out.append(target)
            found = self._star_imported[path] = tuple(out)
        return found

    def resolve_class(self, path: str, ref: str) -> ClassRef | None:
        """The Python class of the project that a canonical name in module ``path`` names.

        ``ref`` is written as the front end writes callees and references
        (``local:UserSerializer``, ``import:.serializers:UserSerializer``,
        ``import:.:serializers.UserSerializer``, ``app.serializers.UserSerializer``, or the bare
        text of a name it could not resolve, such as one a ``from x import *`` binds). Followed
        through imports, ``from x import *``, re-exports by an ``__init__`` and module-level
        aliases (``Alias = UserSerializer``). None when the name reaches no class of the project
        (a library's, or one the imports do not lead to)."""
        key = (path, ref)
        if key not in self._class_refs:
            self._class_refs[key] = self._resolve_class(path, ref, 0)
        return self._class_refs[key]

    def method_of(self, cls: ClassRef, name: str) -> FuncRef | None:
        """The method ``name`` an instance of the project class ``cls`` runs: the class's own or
        the first one its project bases define, in method resolution order (breadth first over
        the bases, which is what simple hierarchies resolve to). Python's classes and JS/TS's
        (bases followed by :meth:`resolve_js_class`)."""
        for cur, mod, _ in self.class_line(cls):
            if f"{cur.name}.{name}" in mod.functions:
                return FuncRef(cur.path, f"{cur.name}.{name}")
        return None

    def class_line(self, cls: ClassRef) -> Iterator[tuple[ClassRef, ModuleFacts, ClassInfo | None]]:
        """``cls`` and its project bases, breadth first (at most 24 classes), each with its module
        and its facts (None when the module has none for it): Python bases through
        :meth:`resolve_class`, JS/TS bases through :meth:`resolve_js_class`. A caller that stops
        early resolves no more bases than it needs."""
        seen: set[ClassRef] = set()
        todo = [cls]
        while todo and len(seen) < 24:
            cur = todo.pop(0)
            if cur in seen:
                continue
            seen.add(cur)
            mod = self.modules.get(cur.path)
            if mod is None:
                continue
            info = mod.classes.get(cur.name)
            yield cur, mod, info
            resolve = self.resolve_class if mod.language == "python" else self.resolve_js_class
            for b in (*info.bases, *info.generic_bases) if info is not None else ():
                found = resolve(cur.path, b)
                if found is not None:
                    todo.append(found)

    def class_of(self, path: str, owner: str) -> ClassRef | None:
        """The project class a callee's receiver names, written as the front ends write callees
        (``local:Order``, ``import:./order:Order``, ``import:.models:Order``, ``app.models.Order``):
        Python's and JS/TS's. None for anything else (a library's class, an instance, a module)."""
        mod = self.modules.get(path)
        if mod is None or not owner or "(" in owner:
            return None
        if mod.language == "python":
            return self.resolve_class(path, owner)
        owner = _import_form(owner, self.package_specs(path))
        if owner.startswith("local:"):
            return self.resolve_js_class(path, owner[6:]) if "." not in owner[6:] else None
        if owner.startswith("import:"):
            _, spec, inner = owner.split(":", 2)
            target = self.module_path(path, spec) if inner and "." not in inner else None
            return self._js_exported_class(target, inner, 0) if target is not None else None
        return None

    def is_model(self, cls: ClassRef) -> bool:
        """The project class ``cls`` is an ORM model: it or a project base derives from a base
        of a database library (Django ``models.Model``, SQLAlchemy ``DeclarativeBase``, Sequelize
        / Objection ``Model``, TypeORM ``BaseEntity``, Mongoose ...), or from a base the project
        writes as a name no class or import explains, named like a model base (``Base =
        declarative_base()``: ``kdb.ORM_BASE_SUFFIXES``). A class whose line of bases ends in
        the project or in another library (pydantic's ``BaseModel``, a command or DTO base) is
        no model, whatever its names."""
        for cur, mod, info in self.class_line(cls):
            resolve = self.resolve_class if mod.language == "python" else self.resolve_js_class
            for b in (*info.bases, *info.generic_bases) if info is not None else ():
                if resolve(cur.path, b) is None and self._model_base(mod, b):
                    return True
        return False

    def _model_base(self, mod: ModuleFacts, base: str) -> bool:
        """A base no project class stands behind (see :meth:`is_model`) is a model base."""
        named_like = base.rsplit(".", 1)[-1].rsplit(":", 1)[-1].endswith(kdb.ORM_BASE_SUFFIXES)
        if mod.language == "python":
            if base.startswith(("local:", "import:")) or base.split(".", 1)[0] in self.py_roots or "." not in base:
                return named_like  # the project's (not a class found), or a name left as written
            return base.startswith(kdb.DB_LIBS) or base.split(".", 1)[0] in kdb.PY_ORM_PACKAGES or \
                base.startswith(kdb.PY_ORM_PACKAGES) or (base.startswith("django.") and named_like)
        head = base.split(".", 1)[0]
        imp = next((i for i in mod.imports if i.local == head), None)
        if imp is None or imp.relative or imp.module.startswith((".", "/", "@/", "~", "#")) or \
                self.module_path(mod.path, imp.module) is not None:
            return named_like  # a global, an expression, or the project's (not a class found)
        return imp.module.startswith((*kdb.DB_LIBS, *kdb.JS_ACTIVE_RECORD, *kdb.DB_LIKE_PACKAGES))

    def class_string(self, cls: ClassRef, attr: str) -> bool:
        """(Python) The body of the project class ``cls``, or of the first project base on its line
        that assigns ``attr``, assigns it a string literal (``type = "create_thing"``)."""
        for cur, mod, info in self.class_line(cls):
            if mod.language != "python" or info is None:
                continue
            lo, hi = info.loc.line, info.loc.end_line
            nested = [c.loc for n, c in mod.classes.items() if n.startswith(cur.name + ".")]
            found = [a.value for a in mod.assigns if a.func is None and a.text == attr and lo < a.loc.line <= hi
                     and not any(n.line <= a.loc.line <= n.end_line for n in nested)]
            if found:
                return found[-1].kind == "str"
        return False

    def resolve_class_text(self, path: str, text: str) -> ClassRef | None:
        """Like :meth:`resolve_class`, for the source text of a name used in module ``path``
        (``UserSerializer``, ``serializers.UserSerializer`` after ``from app import serializers``
        or ``import app.serializers as serializers``)."""
        return self._class_in(path, text, 0)

    def resolve_js_type(self, path: str, text: str) -> ClassRef | None:
        """:meth:`resolve_js_class` for a TS type as written in module ``path`` (an ``implements``
        clause, a declared type: ``Call.recv_type``): a class or an interface
        (``ModuleFacts.interfaces``) of the project, followed through imports and re-exports."""
        return self.resolve_js_class(path, text, types=True)

    def resolve_js_class(self, path: str, text: str, types: bool = False) -> ClassRef | None:
        """The JS/TS class of the project that a name used in module ``path`` names, as a class's
        base is written (``APIService``, ``base.APIService``: ``ClassInfo.bases``): a class of the
        module, or one it imports (named, default or through a namespace import), followed through
        the exports of the modules on the way (``export { X as Y } from``, ``export * from``,
        ``export default X``). None for a library's class or one the imports do not lead to."""
        key = (path, ("\0ts:" if types else "\0js:") + text)
        if key not in self._class_refs:
            self._class_refs[key] = None  # an import cycle ends here
            mod = self.modules.get(path)
            found = None
            if mod is not None and mod.language != "python" and text:
                head, _, tail = text.partition(".")
                if not tail and (head in mod.classes or (types and head in mod.interfaces)):
                    found = ClassRef(path, head)
                else:
                    imp = next((i for i in mod.imports if i.local == head and i.name != "*"), None)
                    target = self.module_path(path, imp.module) if imp is not None else None
                    if target is not None and imp is not None:
                        if imp.name is None:  # import * as ns: ns.Base
                            found = self._js_exported_class(target, tail, 0, types) \
                                if tail and "." not in tail else None
                        elif not tail:
                            found = self._js_exported_class(target, imp.name, 0, types)
            self._class_refs[key] = found
        return self._class_refs[key]

    def js_instance_method(self, path: str, ctor: str, name: str) -> FuncRef | None:
        """(JS/TS) The method ``name`` an instance made by ``new C()`` in module ``path`` runs,
        ``ctor`` being the constructor as the front end writes it (``local:IssueService``,
        ``import:./issue.service:IssueService``): ``C``'s own or one it inherits from a project
        base (:meth:`method_of`). None when ``C`` is no project class or no class on its line
        defines ``name`` (a library base's method)."""
        key = (path, ctor, name)
        if key in self._instance_methods:
            return self._instance_methods[key]
        cls = None
        mod = self.modules.get(path)
        if mod is not None and mod.language != "python" and name.isidentifier():
            if ctor.startswith("local:"):
                cls = self.resolve_js_class(path, ctor[6:])
            elif ctor.startswith("import:"):
                _, spec, inner = ctor.split(":", 2)
                target = self.module_path(path, spec)
                if target is not None and inner and "." not in inner:
                    cls = self._js_exported_class(target, inner, 0)
        found = self._instance_methods[key] = self.method_of(cls, name) if cls is not None else None
        return found

    def js_exported_class(self, path: str, name: str) -> ClassRef | None:
        """The project class a JS/TS module exports under ``name`` (``default``: its default export)."""
        return self._js_exported_class(path, name, 0)

    def _js_exported_class(self, path: str, name: str, depth: int, types: bool = False) -> ClassRef | None:
        """The class a JS/TS module exports under ``name`` (``default`` for its default export);
        with ``types``, an interface too (TS exports its interfaces by the name it declares)."""
        mod = self.modules.get(path)
        if mod is None or mod.language == "python" or depth > 8:
            return None
        if types and name in mod.interfaces and name not in mod.classes:
            return ClassRef(path, name)
        exported = mod.exports.get(name)
        if exported is not None:
            ref = exported.ref or ""
            if ref.startswith("local:") and ref[6:] in mod.classes:
                return ClassRef(path, ref[6:])
            if ref.startswith("import:"):
                _, spec, inner = ref.split(":", 2)
                target = self.module_path(path, spec)
                return self._js_exported_class(target, inner, depth + 1, types) if target is not None else None
            if exported.kind == "name" and ref and not ref.startswith("local:"):  # export { X } from "@acme/core"
                spec, _, inner = ref.rpartition(".")
                target = self.module_path(path, spec) if spec and self._project_spec(path, spec) else None
                return self._js_exported_class(target, inner, depth + 1, types) if target is not None else None
            if exported.kind == "name" and not ref:
                return self.resolve_js_class(path, exported.text, types)
            return None
        if name != "default":
            for imp in mod.imports:  # export * from "./x"
                if imp.name == "*" and imp.local == "*":
                    target = self.module_path(path, imp.module)
                    found = self._js_exported_class(target, name, depth + 1, types) \
                        if target is not None else None
                    if found is not None:
                        return found
        return None

    def _project_spec(self, path: str, spec: str) -> bool:
        """A non-relative specifier in JS/TS module ``path`` that a tsconfig path alias or a
        package of the monorepo could map (see :meth:`package_specs`)."""
        heads = self.path_aliases.heads_for(path) if self.path_aliases is not None else ()
        return bool(heads and spec.startswith(heads)) or (
            self.packages is not None and self.packages.has_package(spec))

    def _resolve_class(self, path: str, ref: str, depth: int) -> ClassRef | None:
        mod = self.modules.get(path)
        if mod is None or mod.language != "python" or depth > 8 or not ref:
            return None
        if ref.startswith("local:"):
            return self._class_in(path, ref[6:], depth)
        if ref.startswith("import:"):
            _, spec, rest = ref.split(":", 2)
            target = self._class_module(path, spec)
            found = self._class_in(target, rest, depth + 1) if target is not None else None
            if found is None and "." in rest:  # `from . import serializers; serializers.UserSerializer`
                head, _, tail = rest.partition(".")
                sub = self._class_module(path, spec + head if spec.endswith(".") else f"{spec}.{head}")
                if sub is not None:
                    found = self._class_in(sub, tail, depth + 1)
            return found
        found = self._absolute(path, ref, depth)
        if found is None and not any(i.local == ref.split(".", 1)[0] for i in mod.imports):
            found = self._class_in(path, ref, depth)  # a name the front end left as it is written
        return found

    def _absolute(self, path: str, dotted: str, depth: int) -> ClassRef | None:
        """``pkg.mod.Name``: the longest module prefix the project has, then the name in it."""
        if dotted.split(".", 1)[0] not in self.py_roots:
            return None
        split = _split_module(dotted, path, lambda m: self._class_module(path, m))
        return self._class_in(split[0], split[1], depth + 1) if split is not None else None

    def _class_in(self, path: str, name: str, depth: int) -> ClassRef | None:
        """What ``name`` (``Name`` or ``submodule.Name``) names in the namespace of module ``path``."""
        mod = self.modules.get(path)
        if mod is None or mod.language != "python" or depth > 8:
            return None
        key = (path, name)
        if key in self._names:
            return self._names[key]
        self._names[key] = None  # a cycle of imports ends here
        found = self._names[key] = self._class_in_uncached(path, mod, name, depth)
        return found

    def _class_in_uncached(self, path: str, mod: ModuleFacts, name: str, depth: int) -> ClassRef | None:
        head, _, tail = name.partition(".")
        if head in mod.classes:  # a module-level class (nested ones are keyed by their path, Outer.Inner)
            return ClassRef(path, name) if name in mod.classes else None
        exported = mod.exports.get(head)
        if exported is not None:  # Alias = UserSerializer
            if exported.kind in ("name", "attr") and exported.ref:
                return self._resolve_class(path, exported.ref + (f".{tail}" if tail else ""), depth + 1)
            return None
        for imp in mod.imports:
            if imp.local != head or imp.name == "*":
                continue
            if imp.name is None:  # import app.serializers / import app.serializers as s
                first = imp.module.split(".", 1)[0]
                dotted = (first if imp.local == first else imp.module) + (f".{tail}" if tail else "")
                return self._absolute(path, dotted, depth)
            target = self._class_module(path, imp.module)
            found = self._class_in(target, imp.name + (f".{tail}" if tail else ""), depth + 1) \
                if target is not None else None
            if found is None and tail:  # from app import serializers; serializers.UserSerializer
                sub = self._class_module(path, imp.module + imp.name if imp.module.endswith(".")
                                       else f"{imp.module}.{imp.name}")
                if sub is not None:
                    found = self._class_in(sub, tail, depth + 1)
            return found
        for imp in mod.imports:  # from .models import *
            if imp.name == "*":
                target = self._class_module(path, imp.module)
                found = self._class_in(target, name, depth + 1) if target is not None else None
                if found is not None:
                    return found
        return None


def _split_module(dotted: str, importer: str, module_of: Callable[[str], str | None]) -> tuple[str, str] | None:
    """``pkg.mod.Name.attr`` -> (the file of its longest prefix ``module_of`` knows as a module,
    other than ``importer`` itself; the rest of the name), or None."""
    parts = dotted.split(".")
    for i in range(len(parts) - 1, 0, -1):
        target = module_of(".".join(parts[:i]))
        if target is not None and target != importer:
            return target, ".".join(parts[i:])
    return None


def _dotted_names(path: str) -> list[str]:
    """The dotted module names a Python file answers to: every suffix of its path
    (``app/models.py`` -> ``app.models``, ``models``; a package's ``__init__`` by its folder)."""
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts))]


def _python_module_index(modules: dict[str, ModuleFacts]) -> dict[str, str]:
    """Dotted module name -> path, for every suffix of the path (``app.models``, ``models``)."""
    index: dict[str, str] = {}
    for path, mod in modules.items():
        if mod.language == "python":
            for name in _dotted_names(path):
                index.setdefault(name, path)
    return index


def _python_ambiguous_names(modules: dict[str, ModuleFacts]) -> dict[str, list[str]]:
    """The dotted names (path suffixes, as in :func:`_python_module_index`) that more than one
    file ends with -> those files."""
    seen: dict[str, list[str]] = {}
    for path, mod in modules.items():
        if mod.language == "python":
            for name in _dotted_names(path):
                seen.setdefault(name, []).append(path)
    return {name: paths for name, paths in seen.items() if len(paths) > 1}


def _resolve_python(importer: str, module: str, index: dict[str, str],
                    modules: dict[str, ModuleFacts]) -> str | None:
    if module.startswith("."):
        level = len(module) - len(module.lstrip("."))
        base = folder_of(importer)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        rest = module[level:].replace(".", "/")
        stem = posixpath.join(base, rest) if rest else base
        for cand in (stem + ".py", stem + "/__init__.py"):
            if cand in modules:
                return cand
        return None
    return index.get(module)


def _resolve_js(importer: str, spec: str, modules: dict[str, ModuleFacts],
                aliases: PathAliases | None, packages: WorkspacePackages | None = None) -> str | None:
    """The module an import of ``spec`` in ``importer`` reaches: a relative path, a path alias
    of the importer's tsconfig, or a package of the monorepo (``vcx.workspaces``)."""
    folder = folder_of(importer)
    if spec.startswith("."):
        return _first_module([posixpath.normpath(posixpath.join(folder, spec))], modules)
    found = aliases.resolve_in(folder, spec) if aliases is not None else None
    if found is not None:
        return _first_module([found], modules)
    if packages is None:
        return None
    if spec not in packages.reached:  # the same for every importer
        packages.reached[spec] = _first_module(packages.resolve(spec), modules)
    return packages.reached[spec]


def _first_module(stems: list[str], modules: dict[str, ModuleFacts]) -> str | None:
    """The first module a stem names, as bundlers try them: itself, with a JS/TS extension, as a
    folder's index, or a TS source imported with a .js suffix."""
    for stem in stems:
        if stem in modules:
            return stem
        for ext in JS_EXTS:
            if stem + ext in modules:
                return stem + ext
        index = stem + "/index"
        for ext in JS_EXTS:
            if index + ext in modules:
                return index + ext
        base, ext = posixpath.splitext(stem)
        if ext in (".js", ".mjs", ".cjs", ".jsx"):  # TS sources imported with a .js suffix
            for ext in JS_EXTS:
                if base + ext in modules:
                    return base + ext
    return None


class ImportedFiles:
    """Which files of the scan the imports of some modules reach, resolved as :func:`link`
    does. The scan leaves tests, migrations and seeds unanalysed, but production code
    sometimes calls a helper that lives among them (saleor's data generator uses
    ``checkout/tests/utils.py``); those files are analysed too, so that the helper's queries
    and writes count at the call site.

    ``every_path`` (display path -> language) is every file of the scan; the indexes over it
    are built once, for all the rounds that follow helpers into their own imports.
    """

    def __init__(self, every_path: dict[str, str], root: Path, root_display: str) -> None:
        self.as_modules = {p: ModuleFacts(path=p, language=lang, lines=0) for p, lang in every_path.items()}
        self.root = root
        self.root_display = root_display
        self._py_index: dict[str, str] | None = None
        self._aliases: PathAliases | None = None
        self._packages: WorkspacePackages | None = None

    def reached(self, importers: dict[str, ModuleFacts], candidates: set[str]) -> set[str]:
        """The ``candidates`` (display paths) the imports of ``importers`` reach."""
        # An import can only reach a candidate whose file (or, for a package, folder) name it
        # ends with: the rest of the imports are not resolved at all (most of them, cheaply).
        stems = set()
        for p in candidates:
            stem = posixpath.splitext(posixpath.basename(p))[0]
            stems.add(posixpath.basename(posixpath.dirname(p)) if stem in ("__init__", "index") else stem)
        found: set[str] = set()
        for path, mod in importers.items():
            for imp in mod.imports:
                if mod.language == "python":
                    names = [imp.module]
                    if imp.name and imp.name != "*":  # `from pkg.tests import utils`: a module, perhaps
                        names.append(imp.module + imp.name if imp.module.endswith(".")
                                     else f"{imp.module}.{imp.name}")
                    names = [m for m in names if m.rstrip(".").rsplit(".", 1)[-1] in stems]
                    if not names:
                        continue
                    if self._py_index is None:
                        self._py_index = _python_module_index(self.as_modules)
                    targets = [_resolve_python(path, m, self._py_index, self.as_modules) for m in names]
                else:
                    last = posixpath.basename(imp.module.rstrip("/"))
                    if posixpath.splitext(last)[0] not in stems and last not in stems:
                        continue
                    if self._aliases is None or self._packages is None:
                        self._aliases = PathAliases(self.root, self.root_display)
                        self._packages = WorkspacePackages(self.root, self.root_display, list(self.as_modules))
                    targets = [_resolve_js(path, imp.module, self.as_modules, self._aliases, self._packages)]
                found.update(t for t in targets if t is not None and t in candidates)
        return found




def test_support(imported: ImportedFiles, production: dict[str, ModuleFacts], candidates: set[str],
                 tests: dict[str, ModuleFacts]) -> set[str]:
    """The ``candidates`` (production modules in a folder named for test support: see
    ``vcx.paths.test_support_folder``) that are test support: imported by one of ``tests`` (the
    test files that may import them, analysed for that) or by another test-support module, and by
    no other module of ``production``. dispatch's ``plugins/dispatch_test/`` package of test
    doubles, which only ``tests/conftest.py`` imports, is one; a module nothing imports (an entry
    point, a plugin a framework loads by name) stays production code, and so does one production
    code imports, whatever its folder is called."""
    if not candidates:
        return set()
    importers = {p: m for p, m in production.items() if p not in candidates}
    left = candidates - imported.reached(importers, candidates)
    support: set[str] = set()
    frontier = tests
    while frontier and left:
        found = imported.reached(frontier, left)
        support |= found
        left -= found
        frontier = {p: production[p] for p in found}
    if not support:
        return support
    # A candidate another candidate imports counts only if all its importers among the candidates
    # are test support: the rest run in production (an entry point's helpers).
    while True:
        keep = {p: production[p] for p in candidates - support}
        dropped = support & imported.reached(keep, support) if keep else set()
        if not dropped:
            return support
        support -= dropped


def _npm_deps(root: Path) -> dict[str, str]:
    deps: dict[str, str] = {}
    for pkg in [root / "package.json", *sorted(root.glob("*/package.json"))]:
        manifest = read_json_object(pkg)
        if manifest is not None:
            for name, version in dependencies(manifest).items():
                deps.setdefault(name, version)
    return deps


# Calls that copy the members of their later arguments onto the first one.
MIXIN_CALLS = frozenset({"Object.assign", "lodash.extend", "lodash.assign", "lodash.assignIn",
                         "underscore.extend", "underscore.assign"})


def link(modules: dict[str, ModuleFacts], root: Path, cwd: Path | None = None,
         support: frozenset[str] | set[str] = frozenset()) -> Project:
    """Link ``modules``; ``support``: production modules found to be test support (see
    :func:`test_support`), which do not run in production either."""
    project = Project(modules=modules, root=root, npm_deps=_npm_deps(root))
    here = cwd or Path.cwd()
    project.tests = frozenset(p for p in modules if p in support or is_non_production_file(p, here, root))
    project.py_index = py_index = _python_module_index(modules)
    root_display = display_path(root, here)
    project.path_aliases = PathAliases(root, root_display)
    project.packages = WorkspacePackages(root, root_display, [p for p, m in modules.items() if m.language != "python"])
    project.py_roots = py_roots = frozenset(name.split(".", 1)[0] for name in py_index)

    module_path = project.module_path

    looked_up: dict[tuple[str, str], tuple[str, FuncRef | Value, str] | None] = {}

    def lookup(path: str, name: str, depth: int = 0) -> tuple[str, FuncRef | Value, str] | None:
        """What ``name`` in module ``path`` reaches: a project function or a bound value, and
        the part of ``name`` left after it (``session.get`` -> the session value, "get").
        Remembered per (module, name): a package's index that re-exports (``export *``) many
        modules is searched once, not once per call through it."""
        key = (path, name)
        if key in looked_up:
            return looked_up[key]
        if depth > 6:
            return None
        looked_up[key] = None  # an export cycle ends here
        found = looked_up[key] = _lookup(path, name, depth)
        return found

    def _lookup(path: str, name: str, depth: int) -> tuple[str, FuncRef | Value, str] | None:
        mod = modules.get(path)
        if mod is None:
            return None
        if name in mod.functions:
            return path, FuncRef(path, name), ""
        head, _, tail = name.partition(".")
        exported = mod.exports.get(head)
        if tail and exported is not None and (exported.ref or "").startswith("local:"):
            for source in mixins(path).get(exported.ref[6:], ()):
                mixed = f"{source}.{tail}"  # extend(Query, QueryService): Query.get is QueryService.get
                if mixed in mod.functions:
                    return path, FuncRef(path, mixed), ""
        if tail and name.rsplit(".", 1)[0] in mod.functions:  # Class.method.something: not ours
            member = returned_member(path, mod, name, depth)  # ... but useSave().save: what the hook returns
            return (member.path, member, "") if member is not None else None
        if exported is not None:
            ref = exported.ref or ""
            if tail and "." not in tail and ref.startswith(("local:", "import:")) and \
                    (exported.kind == "call" or ref.endswith("()")):
                # a singleton of a project class: `export default new IssueService()`,
                # `export const issues = new IssueService()`, `const s = new IssueService();
                # export default s`; the method its class defines or inherits from a project base
                method = project.js_instance_method(path, ref.removesuffix("()"), tail)
                if method is not None:
                    return method.path, method, ""
            if ref.startswith("local:"):
                inner = ref[6:] + (f".{tail}" if tail else "")
                if inner in mod.functions:
                    return path, FuncRef(path, inner), ""
                if ref[6:] in mod.functions:
                    return path, FuncRef(path, ref[6:]), tail
            if ref.startswith("import:"):
                _, spec, inner = ref.split(":", 2)
                target = module_path(path, spec)
                if target is not None:
                    return lookup(target, inner + (f".{tail}" if tail else ""), depth + 1)
            if exported.kind == "object" and exported.keys and tail:
                # `const Alert = { get: (id) => axios.get(…) }; export default Alert`, called as
                # `AlertService.get(id)` through the default import: the member's function.
                key, _, rest = tail.partition(".")
                member = exported.keys.get(key)
                fid = member.func_id if member is not None else None
                if fid is None and member is not None and (member.ref or "").startswith("local:"):
                    fid = member.ref[6:]  # `{ get }`: shorthand for a module function
                if fid is not None and fid in mod.functions:
                    return path, FuncRef(path, fid), rest
            if exported.kind == "call":
                return path, exported, tail
            if exported.kind == "name" and ref.endswith("()") and not ref.startswith(("local:", "import:")):
                # ``const db = knex({...}); module.exports = { db }``: the instance a library made.
                made = next((c for c in mod.calls if c.func is None and c.assigned_to == exported.text
                             and c.callee == ref[:-2]), None)
                return path, Value("call", exported.text, ref=ref[:-2],
                                   call_id=made.id if made is not None else None), tail
        if mod.language != "python" or not head.startswith("_"):  # import * binds no private names
            target = star_names(path).get(head)  # export * from './x'; from .helpers import *
            if target is not None:
                found = lookup(target, name, depth + 1)
                if found is not None:
                    return found
        for imp in mod.imports:
            if imp.local == head and imp.name and imp.name != "*" and mod.language == "python":
                target = module_path(path, imp.module)  # re-exported by an __init__
                if target is not None:
                    return lookup(target, imp.name + (f".{tail}" if tail else ""), depth + 1)
        return None

    def returned_member(path: str, mod: ModuleFacts, name: str, depth: int = 0,
                        factory: bool = False) -> FuncRef | None:
        """``useApi.getProjects`` (written ``useApi().getProjects``): the function the project
        function ``useApi`` returns under that key (``Function.hook_returns``), or, when it returns
        what another project function makes (``return useMemo(() => buildClient(o), deps)``:
        ``Function.returns_call``), the one that function returns under it. The products of other
        factories (``const job = defineJob({...}); job.dispatch()``) are not followed: what TXN001
        and NPQ001 would then count as writes through them (a queue publish with a database
        fallback, a rate-limit counter) needs a judgement of its own first."""
        member = _hook_member(path, mod, name, factory)
        if member is not None or depth > 6:
            return member
        func, _, key = name.rpartition(".")
        fn = mod.functions.get(func)
        made = fn.returns_call if fn is not None else ""
        if not made or not key.isidentifier() or not (factory or _HOOK_NAME.fullmatch(fn.name)):  # type: ignore[union-attr]
            return None
        if made.startswith("local:"):
            return returned_member(path, mod, f"{made[6:]}.{key}", depth + 1, True)
        hit = resolve(path, mod, made, project.package_specs(path))  # through re-exports
        if hit is None or not isinstance(hit[1], FuncRef) or hit[2]:
            return None
        made_by = hit[1]
        return returned_member(made_by.path, modules[made_by.path], f"{made_by.func}.{key}", depth + 1, True)

    mixin_tables: dict[str, dict[str, list[str]]] = {}

    def mixins(path: str) -> dict[str, list[str]]:
        """Module-level ``_.extend(Query, QueryService)`` / ``Object.assign(A, B)`` in a JS
        module: the names whose members the target gets, by target name. Built once per module."""
        table = mixin_tables.get(path)
        if table is None:
            table = mixin_tables[path] = {}
            mod = modules[path]
            for call in mod.calls if mod.language != "python" else ():
                if call.func is None and call.context == "stmt" and call.callee in MIXIN_CALLS and \
                        len(call.args) >= 2 and all(a.kind == "name" for a in call.args):
                    target = call.args[0].ref or ""
                    target = target[6:] if target.startswith("local:") else call.args[0].text
                    table.setdefault(target, []).extend(a.text for a in call.args[1:])
        return table

    star_tables: dict[str, dict[str, str]] = {}

    def star_names(path: str) -> dict[str, str]:
        """The names ``export * from`` (Python: ``from x import *``) brings into a module, each
        with the module it comes through, the first such import winning as at run time. Built
        once per module: a package index that re-exports hundreds of modules is not searched
        again for every name."""
        table = star_tables.get(path)
        if table is not None:
            return table
        star_tables[path] = table = {}  # an export cycle ends here
        mod = modules.get(path)
        for imp in mod.imports if mod is not None else ():
            if imp.name != "*" or imp.local != "*":
                continue
            target = module_path(path, imp.module)
            inner = modules.get(target) if target is not None else None
            if inner is None:
                continue
            for name in (*(f.split(".", 1)[0] for f in inner.functions), *inner.exports, *star_names(target)):
                table.setdefault(name, target)
        return table

    def resolve(path: str, mod: ModuleFacts, callee: str,
                specs: tuple[str, ...] = ()) -> tuple[str, FuncRef | Value, str] | None:
        """The project function or bound value a callee reaches, and the rest of the callee."""
        callee = callee.replace("().", ".")
        if specs and not callee.startswith("import:") and callee.startswith(specs):
            for spec in specs:  # @acme/billing.charge: a call into the project's own package
                if callee == spec or callee.startswith(spec + "."):
                    rest = callee[len(spec) + 1:]
                    if rest and _default_member(mod, spec, rest):
                        target = module_path(path, spec)  # `import data from "common/data"; data.get()`
                        if target is not None and "default" in modules[target].exports:
                            rest = f"default.{rest}"
                    callee = f"import:{spec}:{rest or 'default'}"
                    break
        if callee.startswith("import:"):
            _, spec, rest = callee.split(":", 2)
            target = module_path(path, spec)
            if target is not None:
                found = lookup(target, rest)
                if found is not None:
                    return found
            if "." in rest and mod.language == "python":  # `from . import helpers; helpers.f()`
                head, _, tail = rest.partition(".")
                sub = module_path(path, spec + head if spec.endswith(".") else f"{spec}.{head}")
                if sub is not None:
                    return lookup(sub, tail)
            return None
        if mod.language == "python" and callee.split(".", 1)[0] in py_roots:
            split = _split_module(callee, path, py_index.get)
            if split is not None:
                return lookup(*split)
        if mod.language == "python" and "." not in callee and not callee.startswith("_"):
            for target in project.star_imported(path):  # helper() bound by `from .helpers import *`
                found = lookup(target, callee)
                if found is not None:
                    return found
        return None

    def function_value(path: str, mod: ModuleFacts, arg: Value, specs: tuple[str, ...]) -> FuncRef | None:
        """The project function a name or attribute used as a value names, or None."""
        if arg.kind not in ("name", "attr") or not arg.ref:
            return None
        if arg.ref.startswith("local:"):
            if arg.ref[6:] in mod.functions:
                return FuncRef(path, arg.ref[6:])
            # `useMutation(api.trigger)` on `const api = useApi()`: what the hook returns
            return returned_member(path, mod, arg.ref[6:].replace("().", ".")) if "()." in arg.ref else None
        hit = resolve(path, mod, arg.ref, specs)
        return hit[1] if hit is not None and isinstance(hit[1], FuncRef) and not hit[2] else None

    class_memo: dict[tuple[str, str, str], object] = {}
    made_options: list[tuple[str, Call, int, str, int]] = []
    for path, mod in modules.items():
        test_code = path in project.tests
        specs = project.package_specs(path)
        assigned: dict[tuple[str | None, str], list[Call]] = {}  # (function, local) -> calls assigned to it
        if mod.language == "python":
            for call in mod.calls:
                if call.assigned_to:
                    assigned.setdefault((call.func, call.assigned_to), []).append(call)
        for call in mod.calls:
            ref: FuncRef | None = None
            callee = call.callee
            if callee.startswith("import:") and "()." in callee and mod.language != "python":
                callee = _through_type_alias(project, path, call)
            if callee.startswith("local:"):
                name = callee[6:].replace("().", ".")
                if name in mod.functions:
                    ref = FuncRef(path, name)
                elif "()." in callee:
                    ref = returned_member(path, mod, name)
            else:
                hit = resolve(path, mod, callee, specs)
                if hit is not None:
                    owner, thing, rest = hit
                    if isinstance(thing, FuncRef):
                        if not rest:
                            ref = thing
                        elif f"{thing.func}.{rest}" in modules[thing.path].functions:
                            ref = FuncRef(thing.path, f"{thing.func}.{rest}")
                    elif thing.ref and rest:
                        if thing.ref.startswith("local:"):  # an instance of a project class
                            method = f"{thing.ref[6:]}.{rest}"
                            if method in modules[owner].functions:
                                ref = FuncRef(owner, method)
                        else:
                            _bind_instance(call, modules[owner], thing, rest)
            if ref is None and mod.language == "python":
                ref = _through_class(project, path, mod, call, assigned, class_memo)
            if ref is not None and call.virtual:
                project.typed_calls.add((path, call.id))
            elif ref is None and mod.language != "python" and "()." in callee:
                ref = _js_instance_call(project, path, _import_form(callee, specs))
            elif ref is None and mod.language != "python":
                ref = _js_static_call(project, path, _import_form(callee, specs))
                if ref is None and call.recv_type and specs:
                    ref = _js_typed_call(project, path, mod, call, specs)
            if ref is not None:
                project.targets[(path, call.id)] = ref
                if not test_code:  # a test calling a function is not a caller in production
                    project.callers[ref].append((path, call))
                else:
                    project.test_callers[ref].append((path, call))
            # Project functions passed as values: guarded("job", rebuildIndex), app.get("/", handler).
            for index, arg in enumerate(call.args):
                if arg.kind == "object":
                    for key, v in (arg.keys or {}).items():
                        if v.kind == "func":
                            given = FuncRef(path, v.func_id) if v.func_id in mod.functions else None
                        elif v.kind == "call" and v.call_id is not None and mod.language != "python":
                            # `{ fetch: countingFetch(volume) }`: the function that call returns,
                            # once every call of the module is linked
                            made_options.append((path, call, index, key, v.call_id))
                            continue
                        else:
                            given = function_value(path, mod, v, specs)
                        if given is not None:
                            project.passed_in_options[given].append((path, call, index, key))
                    continue
                passed = function_value(path, mod, arg, specs)
                if passed is not None:
                    project.passed[passed].append((path, call, index))
        if mod.language == "python":
            for fn in mod.functions.values():
                for index, d in enumerate(fn.decorators):
                    if d.kind not in ("name", "attr") or not d.ref:
                        continue
                    if d.ref.startswith("local:"):
                        if d.ref[6:] in mod.functions:
                            project.decorator_targets[(path, fn.id, index)] = FuncRef(path, d.ref[6:])
                        continue
                    hit = resolve(path, mod, d.ref, specs)
                    if hit is not None and isinstance(hit[1], FuncRef) and not hit[2]:
                        project.decorator_targets[(path, fn.id, index)] = hit[1]
    for path, call, index, key, made_id in made_options:
        factory = project.targets.get((path, made_id))
        fn = project.function(factory) if factory is not None else None
        inner = dict(fn.hook_returns).get("") if fn is not None else None
        if inner is not None and factory is not None and inner in modules[factory.path].functions:
            project.passed_in_options[FuncRef(factory.path, inner)].append((path, call, index, key))
    _link_signals(project, lambda p, m, v: function_value(p, m, v, project.package_specs(p)))
    _link_registries(project)
    return project


def _link_registries(project: Project) -> None:
    """(Python) Registries of instances of project classes (:attr:`Project.registry_targets`): a
    module-level instance of a project class (``job_type_registry = JobTypeRegistry()``) that
    production code registers instances of project classes with (``job_type_registry.register(
    ExportJobType())``). A method ``m`` called on what any method of that registry gives
    (``job_type = job_type_registry.get_by_model(job); job_type.run(job)``, or chained) reaches
    the ``m`` of each class registered there (class-hierarchy analysis bounded by the registry),
    when link did not resolve the call to one method already (a lookup keyed by a class)."""
    registered: dict[tuple[str, str], list[ClassRef]] = defaultdict(list)
    def is_instance(where: str, v: Value) -> bool:
        return v.kind == "call" and bool(v.ref) and project.resolve_class(where, v.ref or "") is not None
    for path, mod in project.modules.items():
        if mod.language != "python" or project.is_test(path):
            continue
        for call in mod.calls:
            head, _, meth = call.text.rpartition(".")
            if meth != "register" or not head or not call.args or call.args[0].kind != "call":
                continue
            cls = project.resolve_class(path, call.args[0].ref or "")
            if cls is None:
                continue
            reg = _global_of(project, path, head, is_instance)
            if reg is not None and cls not in registered[reg]:
                registered[reg].append(cls)
    if not registered:
        return
    for path, mod in project.modules.items():
        if mod.language != "python":
            continue
        assigned: dict[tuple[str | None, str], list[Call]] = {}
        for call in mod.calls:
            if call.assigned_to:
                assigned.setdefault((call.func, call.assigned_to), []).append(call)
        for call in mod.calls:
            if (path, call.id) in project.targets:
                continue
            head, dot, name = call.text.rpartition(".")
            if not dot or not name.isidentifier():
                continue
            origin: Call | None = None
            if head.isidentifier() and (call.factory or call.callee == call.text):
                # job_type = registry.get_by_model(job); job_type.run()
                for c in assigned.get((call.func, head), ()):
                    if c.loc < call.loc:
                        origin = c
            elif call.callee.endswith(f"().{name}"):  # registry.get_by_model(job).run()
                origin = next((c for c in mod.calls[call.id + 1:call.id + 4] if c.loc[:2] == call.loc[:2]
                               and c.chain[:1] == (name,) and call.callee == f"{c.callee}().{name}"), None)
            if origin is None or "(" in origin.text:
                continue
            reg_head = origin.text.rpartition(".")[0]
            reg = _global_of(project, path, reg_head, is_instance) if reg_head else None
            if reg is None or reg not in registered:
                continue
            pairs = tuple((c, r) for c in registered[reg] if (r := project.method_of(c, name)) is not None)
            if pairs:
                project.registry_targets[(path, call.id)] = pairs
                for c, r in pairs:
                    project.registry_callers[r].append((path, call, c))


_SIGNAL_CTORS = ("django.dispatch.Signal", "django.dispatch.dispatcher.Signal")
_SIGNAL_SENDS = ("send", "send_robust")


def _link_signals(project: Project, function_value: Callable[[str, ModuleFacts, Value], FuncRef | None]) -> None:
    """(Python) Django signals the project defines (``sig = Signal()`` at module level): each
    ``sig.send(...)`` / ``sig.send_robust(...)`` of production code runs the receivers connected
    with ``@receiver(sig)`` (also ``@receiver([sig, other])``) or ``sig.connect(fn)``
    (:attr:`Project.signal_senders`)."""
    receivers: dict[tuple[str, str], list[FuncRef]] = defaultdict(list)
    sends: list[tuple[tuple[str, str], str, Call]] = []
    for path, mod in project.modules.items():
        if mod.language != "python":
            continue
        for fn in mod.functions.values():
            for d in fn.decorators:
                if d.kind != "call" or not (d.ref or "").endswith("dispatch.receiver") or d.call_id is None \
                        or d.call_id >= len(mod.calls):
                    continue
                made = mod.calls[d.call_id]
                first = made.args[0] if made.args else made.kwargs.get("signal")
                for v in (first.items or []) if first is not None and first.kind in ("array", "other") else [first]:
                    named = v is not None and v.kind in ("name", "attr")
                    sig = _signal_of(project, path, mod, v.text) if named else None  # type: ignore[union-attr]
                    if sig is not None:
                        receivers[sig].append(FuncRef(path, fn.id))
        for call in mod.calls:
            head, _, meth = call.text.rpartition(".")
            if not head or meth not in ("connect", *_SIGNAL_SENDS):
                continue
            sig = _signal_of(project, path, mod, head)
            if sig is None:
                continue
            if meth == "connect" and call.args:
                fn_ref = function_value(path, mod, call.args[0])
                if fn_ref is not None:
                    receivers[sig].append(fn_ref)
            elif meth != "connect" and not project.is_test(path):
                sends.append((sig, path, call))
    for sig, path, call in sends:
        for ref in dict.fromkeys(receivers.get(sig, ())):
            project.signal_senders[ref].append((path, call))


def _signal_of(project: Project, path: str, mod: ModuleFacts, text: str) -> tuple[str, str] | None:
    """The module-level ``Signal()`` of the project a name written in module ``path`` names
    (``invitation_accepted``, ``signals.invitation_accepted``), as (module, name); None for anything
    else."""
    return _global_of(project, path, text, lambda _, v: v.kind == "call" and v.ref in _SIGNAL_CTORS)


def _global_of(project: Project, path: str, text: str,
               accept: Callable[[str, Value], bool]) -> tuple[str, str] | None:
    """The module-level name of the project a name written in module ``path`` names
    (``registry``, ``signals.invitation_accepted``), followed through imports, as (module, name),
    when ``accept`` takes the value assigned to it (and the module it is assigned in); None otherwise."""
    target, name = path, text
    for _ in range(8):
        cur = project.modules.get(target)
        if cur is None or cur.language != "python":
            return None
        head, _, tail = name.partition(".")
        imp = next((i for i in cur.imports if i.local == head and i.name != "*"), None)
        if imp is None:
            if tail:
                return None
            value = cur.exports.get(name)
            if value is None or not accept(target, value):
                return None
            return target, name
        if imp.name is None:  # import app.signals as signals: signals.x
            dotted = (imp.module if imp.local != imp.module.split(".", 1)[0] else head) + (f".{tail}" if tail else "")
            split = _split_module(dotted, target, lambda m, t=target: project.module_path(t, m))
            if split is None:
                return None
            target, name = split
            continue
        sub = project.module_path(target, imp.module + imp.name if imp.module.endswith(".") else
                                  f"{imp.module}.{imp.name}") if tail else None
        if sub is not None:  # from app import signals: signals.x
            target, name = sub, tail
            continue
        nxt = project.module_path(target, imp.module)
        if nxt is None:
            return None
        target, name = nxt, imp.name + (f".{tail}" if tail else "")
    return None


def _hook_member(path: str, mod: ModuleFacts, name: str, factory: bool = False) -> FuncRef | None:
    """``useSave.save`` (written ``useSave().save``): the function the project hook ``useSave``
    returns under the key ``save`` (``Function.hook_returns``), or None. Another function's
    (``factory``) only when a hook returns what it makes (``Function.returns_call``): the objects
    other factories make are not followed (``returned_member``)."""
    hook, _, key = name.rpartition(".")
    fn = mod.functions.get(hook)
    if fn is None or not fn.hook_returns or not (factory or _HOOK_NAME.fullmatch(fn.name)):
        return None
    fid = dict(fn.hook_returns).get(key)
    return FuncRef(path, fid) if fid is not None and fid in mod.functions else None


_HOOK_NAME = re.compile(r"use[A-Z0-9][\w$]*")  # a React hook's name (as the JS front end reads it)
_NO_CLASS = object()  # _through_class's memo: the name reaches no project class


def _through_class(project: Project, path: str, mod: ModuleFacts, call: Call,
                   assigned: dict[tuple[str | None, str], list[Call]],
                   memo: dict[tuple[str, str, str], object]) -> FuncRef | None:
    """(Python) The method a call reaches through a project class when its name alone reaches
    nothing: a method the class inherits from a project base (``OrderRepository.from_session(s)``,
    ``repo.create(x)`` on ``repo = OrderRepository(s)``, ``self.get_one_or_none(q)`` in a
    method of a subclass), or a method of what a factory of the
    class returned (``repo = OrderRepository.from_session(s)``, where ``from_session`` is a
    classmethod that returns ``cls(...)`` or is annotated ``-> Self``: ``repo.create(x)``)."""
    head, dot, name = call.callee.rpartition(".")
    if not dot or not head or not name.isidentifier():
        return None
    if head.endswith("()") and "(" not in head[:-2]:
        head = head[:-2]  # an instance the front end typed: OrderRepository().create
    if "(" not in head and (head.startswith(("local:", "import:")) or head.split(".", 1)[0] in project.py_roots):
        key = (path, head, name)  # the same class method is called from many places of a module
        if key in memo:
            hit = memo[key]
        else:
            cls = project.resolve_class(path, head)
            hit = memo[key] = project.method_of(cls, name) if cls is not None else _NO_CLASS
        if hit is not _NO_CLASS:
            return hit  # type: ignore[return-value]
    if call.callee.endswith(f"().{name}"):  # registry.get_by_type(X).do(...)
        found = _through_lookup(project, path, mod, call, name)
        if found is not None:
            return found
    root, dot, rest = call.text.partition(".")
    if call.callee != call.text or not dot or "." in rest:
        return None
    if root in ("self", "cls"):  # self.get_one_or_none(): a method the class inherits from a project base
        fn = mod.functions.get(call.func) if call.func is not None else None
        while fn is not None and fn.class_name is None and fn.parent is not None:
            fn = mod.functions.get(fn.parent)
        if fn is None or not fn.class_name:
            return None
        key = (path, f"local:{fn.class_name}", rest)
        if key not in memo:
            own = project.resolve_class(path, key[1])
            memo[key] = project.method_of(own, rest) if own is not None else _NO_CLASS
        hit = memo[key]
        return None if hit is _NO_CLASS else hit  # type: ignore[return-value]
    origin = None
    for c in assigned.get((call.func, root), ()):
        if c.loc < call.loc:
            origin = c
    if origin is not None and origin.text.rpartition(".")[2] in _LOOKUPS:
        cls = _lookup_class(project, path, origin)  # action = registry.get_by_type(X); action.do(...)
        if cls is not None:
            return project.method_of(cls, rest)
    if origin is not None and origin.context == "with":
        entered = _through_with(project, path, origin, call, rest)
        if entered is not _NO_CLASS:
            return entered  # type: ignore[return-value]
    factory = project.targets.get((path, origin.id)) if origin is not None else None
    fn = project.function(factory) if factory is not None else None
    if fn is not None and not fn.returns_self and fn.returns and factory is not None:
        cls = project.resolve_class(factory.path, fn.returns)  # w = get_funding_source() -> Wallet
        found = project.method_of(cls, rest) if cls is not None else None
        if found is not None:
            project.returned_typed[(path, call.id)] = found
        return None
    if fn is None or not fn.returns_self:
        return None
    owner = origin.callee.rpartition(".")[0]  # type: ignore[union-attr]
    cls = project.resolve_class(path, owner) if owner and "(" not in owner else None
    return project.method_of(cls, rest) if cls is not None else None


_LOOKUPS = PY_CLASS_KEYED_LOOKUPS | PY_NAME_KEYED_LOOKUPS


def _through_with(project: Project, path: str, origin: Call, call: Call, name: str) -> object:
    """(Python) The method ``x.name(...)`` reaches on the name ``with cm as x`` (``async with``)
    binds, ``origin`` being the call ``cm``: on what a project ``@contextmanager`` /
    ``@asynccontextmanager`` yields (``Function.yields``: ``async with self.connect() as conn``),
    or on the instance of a project class a call gives (``return Client(...)`` in the factory)
    when that class's ``__enter__`` / ``__aenter__`` gives the instance
    itself (``-> Self``, ``return self``). Known by its construction, the class is the object's
    and the call one of its method's callers; known only by an annotation (``-> Client``,
    ``-> AsyncIterator[Connection]``), a dispatch edge (:attr:`Project.returned_typed`), as for a
    local assigned from an annotated call. ``_NO_CLASS`` when the ``with`` gives nothing typed
    this way (the caller goes on as for an assignment)."""
    factory = project.targets.get((path, origin.id))
    fn = project.function(factory) if factory is not None else None
    typed: list[tuple[ClassRef, bool]] = []  # (class, known only by an annotation)
    if fn is not None and factory is not None and fn.yields:
        cls = project.resolve_class(factory.path, fn.yields)
        if cls is None:
            return _NO_CLASS
        found = project.method_of(cls, name)
        if found is not None and fn.yields_declared:
            project.returned_typed[(path, call.id)] = found
            return None
        return found
    if fn is not None and factory is not None:
        for made in fn.returns_new:
            cls = project.resolve_class(factory.path, made)
            if cls is not None:
                typed.append((cls, False))
        if not fn.returns_new and fn.returns:
            cls = project.resolve_class(factory.path, fn.returns)
            if cls is not None:
                typed.append((cls, True))
    enter = "__aenter__" if origin.async_with else "__enter__"
    entered = []
    for cls, declared in typed:
        method = project.method_of(cls, enter)
        got = project.function(method) if method is not None else None
        if got is not None and got.returns_self:
            entered.append((cls, declared))
    if len(entered) != 1:
        return _NO_CLASS
    cls, declared = entered[0]
    found = project.method_of(cls, name)
    if found is not None and declared:
        project.returned_typed[(path, call.id)] = found
        return None
    return found


def _through_lookup(project: Project, path: str, mod: ModuleFacts, call: Call, name: str) -> FuncRef | None:
    """(Python) ``registry.get_by_type(X).m(...)`` / ``registry.get(X.type).m(...)``: the method
    ``m`` of the project class ``X`` (:func:`_lookup_class`). The lookup is the call written at the
    same place whose result ``m`` is called on (the front end numbers it right after)."""
    for inner in mod.calls[call.id + 1:call.id + 4]:
        if inner.loc[:2] != call.loc[:2]:
            break
        if inner.chain[:1] == (name,) and call.callee == f"{inner.callee}().{name}":
            cls = _lookup_class(project, path, inner)
            return project.method_of(cls, name) if cls is not None else None
    return None


def _lookup_class(project: Project, path: str, lookup: Call) -> ClassRef | None:
    """The project class a registry lookup is keyed by: ``X`` in ``registry.get_by_type(X)``
    (``knowledge.PY_CLASS_KEYED_LOOKUPS``), ``X`` in ``registry.get(X.type)`` where ``type`` is a
    string the class body of ``X`` (or of a project base) assigns (``PY_CLASS_KEYED_LOOKUPS`` and
    ``PY_NAME_KEYED_LOOKUPS``). None for any other key: a class itself given to ``get`` (a dict keyed
    by classes maps them to anything), an instance's attribute, a literal."""
    method = lookup.text.rpartition(".")[2]
    key = lookup.args[0] if lookup.args else None
    if key is None or key.kind not in ("name", "attr") or method not in _LOOKUPS:
        return None
    ref = key.ref or key.text
    if method in PY_CLASS_KEYED_LOOKUPS:
        cls = project.resolve_class(path, ref)
        if cls is not None:
            return cls
    if key.kind != "attr":
        return None
    owner, _, attr = ref.rpartition(".")
    cls = project.resolve_class(path, owner) if owner else None
    return cls if cls is not None and project.class_string(cls, attr) else None


def _js_instance_call(project: Project, path: str, callee: str) -> FuncRef | None:
    """(JS/TS) ``s.fetch()`` on an instance of a project class the module made or imported
    (``const s = new IssueService()``; the front end writes ``local:IssueService().fetch``,
    ``import:./issue.service:IssueService().fetch``) when ``fetch`` is a method the class
    inherits from a project base: :meth:`Project.js_instance_method`."""
    ctor, _, name = callee.rpartition("().")
    if not ctor or "(" in ctor or not ctor.startswith(("local:", "import:")):
        return None
    return project.js_instance_method(path, ctor, name)


def _js_typed_call(project: Project, path: str, mod: ModuleFacts, call: Call,
                   specs: tuple[str, ...]) -> FuncRef | None:
    """(TS) ``this.saveOrder.execute()`` / ``svc.execute()`` on a field, constructor parameter
    or local declared of a class the module imports from a package of the project (``import {
    SaveOrder } from "@acme/core"``, a workspace package or a tsconfig path alias:
    ``Call.recv_type``): the method an instance of that class runs, as for a class imported by a
    relative path (which the front end writes ``import:./save-order:SaveOrder().execute``). None
    for a type imported from elsewhere, an interface, or a method no project class on its line
    defines."""
    head = call.recv_type.partition(".")[0]
    imp = next((i for i in mod.imports if i.local == head and i.name != "*"), None)
    if imp is None or imp.relative or imp.module not in specs:
        return None  # a relative import or a local class: the front end wrote the instance call
    name = call.text.replace("?.", ".").replace("!.", ".").rpartition(".")[2]
    cls = project.resolve_js_class(path, call.recv_type) if name.isidentifier() else None
    return project.method_of(cls, name) if cls is not None else None


def _through_type_alias(project: Project, path: str, call: Call) -> str:
    """(TS) A call on a field, getter or parameter typed with a type alias another module
    exports (``get client(): InMemoryClient`` with ``export type InMemoryClient = Redis |
    Cluster``; the front end writes ``import:./types:InMemoryClient().del``): rewritten to what
    the alias names when that is a library's client (``ioredis.Redis().del``), followed through
    re-exports (``export { X } from``, ``export * from``). The callee, rewritten or not."""
    callee = call.callee
    _, spec, rest = callee.split(":", 2)
    name, _, tail = rest.partition("().")
    if not name or "." in name or "(" in name:
        return callee
    target = project.module_path(path, spec)
    ref = _type_alias(project, target, name, 0) if target is not None else None
    if ref is None or ref.startswith(("local:", "import:")):
        return callee  # no alias, or a project class behind it: left as written
    call.callee = f"{ref}().{tail}"
    return call.callee


def _type_alias(project: Project, path: str, name: str, depth: int) -> str | None:
    """What the type alias ``name`` module ``path`` exports names (``ModuleFacts.type_aliases``)."""
    mod = project.modules.get(path)
    if mod is None or depth > 6:
        return None
    ref = mod.type_aliases.get(name)
    if ref is not None:
        return ref
    exported = mod.exports.get(name)
    if exported is not None:
        inner = exported.ref or ""
        if not inner.startswith("import:"):
            return None
        _, spec, name2 = inner.split(":", 2)
        target = project.module_path(path, spec)
        return _type_alias(project, target, name2, depth + 1) if target is not None else None
    for imp in mod.imports:
        if imp.local == name and imp.name and imp.name != "*":  # import { X } ...; export { X }
            target = project.module_path(path, imp.module)
            return _type_alias(project, target, imp.name, depth + 1) if target is not None else None
    for imp in mod.imports:  # export * from "./types"
        if imp.name == "*" and imp.local == "*":
            target = project.module_path(path, imp.module)
            found = _type_alias(project, target, name, depth + 1) if target is not None else None
            if found is not None:
                return found
    return None


@functools.lru_cache(maxsize=64)
def _dotted(specs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(spec + "." for spec in specs)


def _import_form(callee: str, specs: tuple[str, ...]) -> str:
    """A callee into one of the project's own packages (``@acme/core.Cmd.create``, which the
    front end writes like a library's) as an import of it (``import:@acme/core:Cmd.create``)."""
    if specs and not callee.startswith(("import:", "local:")) and callee.startswith(_dotted(specs)):
        for spec in specs:
            if callee.startswith(spec + ".") and len(callee) > len(spec) + 1:
                return f"import:{spec}:{callee[len(spec) + 1:]}"
    return callee


def _js_static_call(project: Project, path: str, callee: str) -> FuncRef | None:
    """(JS/TS) ``Cmd.create(...)`` on a project class (``local:Cmd.create``,
    ``import:./cmd:Cmd.create``) when ``create`` is a static the class inherits from a project
    base (``class Cmd extends BaseCommand``, ``BaseCommand.create`` defined there): the base's
    method (:meth:`Project.method_of`). None for a name that is no project class, or whose line
    of project classes defines no such method (a library base's)."""
    if "(" in callee or not callee.startswith(("local:", "import:")):
        return None
    if callee.startswith("local:"):
        owner, dot, name = callee[6:].rpartition(".")
        cls = project.resolve_js_class(path, owner) if dot and owner and "." not in owner else None
    else:
        _, spec, inner = callee.split(":", 2)
        owner, dot, name = inner.rpartition(".")
        if not dot or not owner or "." in owner:
            return None
        target = project.module_path(path, spec)
        cls = project.js_exported_class(target, owner) if target is not None else None
    if cls is None or not name.isidentifier():
        return None
    return project.method_of(cls, name)


def _default_member(mod: ModuleFacts, spec: str, rest: str) -> bool:
    """``spec.get`` written for a call through a package or alias specifier (the front end
    writes such imports like a library's, where a default import names the module itself) is a
    member of the module's default export: ``spec`` is imported by default and ``get`` by no
    named import."""
    head = rest.split(".", 1)[0]
    default = False
    for imp in mod.imports:
        if imp.module == spec:
            if imp.name == head:
                return False
            default = default or imp.name == "default"
    return default


def _bind_instance(call: Call, owner: ModuleFacts, value: Value, rest: str) -> None:
    """Rewrite a call on an instance another module created: ``api.get`` -> ``axios.create().get``."""
    ctor = value.ref or ""
    if ctor.startswith("local:"):
        return
    call.callee = f"{ctor}().{rest}"
    call.instance_ctor = ctor
    made = owner.calls[value.call_id] if value.call_id is not None and value.call_id < len(owner.calls) else None
    if made is None:
        call.instance = Value("call", value.text, keys={}, items=[])
    elif owner.language == "python":
        call.instance = Value("call", made.snippet, keys=dict(made.kwargs), items=list(made.args))
    else:
        first = next((a for a in made.args if a.kind == "object"), None)
        keys = dict(first.keys) if first is not None and first.keys is not None else None
        call.instance = Value("call", made.snippet, keys=keys, items=list(made.args))
