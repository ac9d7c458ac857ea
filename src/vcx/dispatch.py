"""Calls that reach a project method by dynamic dispatch, not by its name.

Plugins are called through their base class. redash's executor runs
``query_runner.run_query(q)`` on whichever query runner a data source names, in a
``try: ... except Exception``; nothing in the project calls ``Kylin.run_query`` by name, so the
call graph link builds has no edge into it. :class:`Dispatch` finds those edges for the rules that
ask (ERR001: does a caller handle the failure; :meth:`vcx.link.Project.dispatchers_of`). They
stay out of :attr:`vcx.link.Project.callers`: the other rules, which add up what callees do
(queries, writes), keep the call graph of calls by name.

A call may reach the method ``C.m`` (``m`` defined in the project class ``C``) by dispatch when

1. it is ``x.m(...)`` on a receiver the front end could not resolve (a parameter, a local, an
   attribute of one: ``data_source.query_runner.test_connection()``) that sits in a try of its
   function (``ModuleFacts.dispatches``: dunder methods and the methods of the built-in
   containers, strings and loggers are never kept, ``knowledge.PY_UNDISPATCHED_METHODS``), and
   ``m`` is *overridden* along ``C``'s line: a project ancestor of ``C`` defines ``m`` too (``C.m``
   overrides it, or implements a base's abstract ``m`` that raises ``NotImplementedError``), or a
   project descendant of ``C`` does (``C.m`` is the base implementation that subclasses override).
   A method defined once in its hierarchy is reached by name or not at all: a common method name
   does not make every unresolved call of it a caller of every method of that name; or
2. it is ``self.m(...)`` / ``cls.m(...)`` in a method of class ``B``, which reaches ``m`` as ``B``
   defines it (link resolves that call) or inherits it (the first class of ``B``'s method
   resolution order among the project's that defines ``m``: ``ModuleFacts.dispatches`` keeps
   those calls in or out of a try), and the overrides of ``m`` in the project descendants of
   ``B``: on an instance of a subclass it runs that subclass's override (class-hierarchy
   analysis: the template method ``BaseSQLQueryRunner.get_schema`` calling
   ``self._get_tables()``).

3. (Python) it is ``x.m(...)`` on a receiver whose class is declared rather than made there: a
   parameter annotated ``x: B`` (link resolves the call to ``B.m``, ``Project.typed_calls``), or a
   local assigned from a call of a function whose return annotation is ``B`` (``x =
   get_funding_source()`` with ``-> Wallet``, ``x = await self._get_block()`` with ``-> Webhook``;
   ``Project.returned_typed``, which reaches ``B.m`` by dispatch only). Like ``self.m()``, it
   also reaches the overrides of ``m`` in the project descendants of ``B``:
   ``get_funding_source()`` gives whichever ``Wallet`` subclass is configured.
4. (Python) it is ``x.m(...)`` on what a registry of project instances gives
   (``job_type_registry.get_by_model(job).run(job)``), which reaches the ``m`` of every class
   registered there (``Project.registry_targets``).

Classes and bases are Python's (``ModuleFacts.classes``, bases resolved by
:meth:`vcx.link.Project.resolve_class`) and JS/TS's (the ``extends`` clause, resolved through
imports and re-exports by :meth:`vcx.link.Project.resolve_js_class`), of production modules only.

JS/TS has condition 1 over ``ModuleFacts.dispatches`` (``handler.send(x)`` in a try, on a local or
parameter the front end could not resolve), where ``m`` also counts as overridden along ``C``'s line
when a project interface ``C`` implements (or an abstract method of a base) declares it, or ``C`` is
an abstract class with project subclasses; condition 3: ``x.m()`` on a receiver of a declared type
(``Call.recv_type``: a field ``provider: ISmsProvider``, a parameter, a local) that resolves to a
project class or interface reaches ``m`` in each class of that type's line that defines it (the
class itself, its implementations and subclasses): certain, like condition 2; and condition 2, read
from ``ModuleFacts.calls``: ``this.m()`` / ``super.m()`` in a
method of ``B`` (or an arrow function in one) that ``B`` does not define reaches the first class of
``B``'s line that does (``super.m()`` only that one), and ``this.m()`` also the ``m`` of each project
descendant of ``B`` that defines one, even when no class above defines ``m`` (a method declared
``abstract`` has no body). ERR001 takes conditions 2 and 3 as callers of the method (they reach it for
certain: :meth:`Dispatch.certain`), condition 1 as a guess that clears a finding only when every such
call handles the error (:meth:`Dispatch.guessed`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from vcx.facts import Call, ModuleFacts

if TYPE_CHECKING:
    from vcx.link import FuncRef, Project

ClassKey = tuple[str, str]  # (module path, class qualname)


class Dispatch:
    """The dispatch edges of one project, built once, on the first question."""

    def __init__(self, project: Project) -> None:
        from vcx.link import FuncRef

        self.project = project
        self.bases: dict[ClassKey, list[ClassKey]] = {}
        self.subclasses: dict[ClassKey, list[ClassKey]] = defaultdict(list)
        self.methods: dict[ClassKey, set[str]] = defaultdict(set)
        self._mro: dict[ClassKey, list[ClassKey]] = {}
        self._descendants: dict[ClassKey, list[ClassKey]] = {}
        python = {path: mod for path, mod in project.modules.items()
                  if mod.language == "python" and not project.is_test(path)}
        js_all = {path: mod for path, mod in project.modules.items()
                  if mod.language != "python" and not project.is_test(path)}
        js = {path: mod for path, mod in js_all.items() if mod.classes or mod.interfaces}
        # TS: the methods an interface declares, or an abstract class declares without a body.
        self.declared: dict[ClassKey, set[str]] = {}
        self.abstract: set[ClassKey] = set()
        for path, mod in (*python.items(), *js.items()):
            resolve = project.resolve_class if mod.language == "python" else project.resolve_js_class
            for qual, info in mod.classes.items():
                key = (path, qual)
                found = [resolve(path, b) for b in info.bases]
                # TS: a class's interfaces are bases of it here (never for the method resolution
                # order that finds what `this.m()` runs: an interface defines no method).
                found += [project.resolve_js_type(path, b) for b in info.implements]
                self.bases[key] = [(r.path, r.name) for r in found if r is not None and (r.path, r.name) != key]
                if info.members:
                    self.declared[key] = set(info.members)
                if info.abstract:
                    self.abstract.add(key)
            for name, info in mod.interfaces.items():
                key = (path, name)
                if name in mod.classes:
                    continue
                found = [project.resolve_js_type(path, b) for b in info.bases]
                self.bases[key] = [(r.path, r.name) for r in found if r is not None and (r.path, r.name) != key]
                self.declared[key] = set(info.members)
            for fn in mod.functions.values():
                if fn.class_name is not None and fn.parent is None:
                    owner, _, name = fn.id.rpartition(".")
                    if owner in mod.classes:
                        self.methods[(path, owner)].add(name)
        for key, bases in self.bases.items():
            for b in bases:
                self.subclasses[b].append(key)
        # Overridden methods, by name.
        self.overridden: dict[str, set[FuncRef]] = defaultdict(set)
        for key, names in self.methods.items():
            for anc in self.ancestors(key):
                for name in names & self.methods.get(anc, set()):
                    self.overridden[name].add(FuncRef(key[0], f"{key[1]}.{name}"))
                    self.overridden[name].add(FuncRef(anc[0], f"{anc[1]}.{name}"))
                for name in names & self.declared.get(anc, set()):  # TS: implements an interface's `m`
                    self.overridden[name].add(FuncRef(key[0], f"{key[1]}.{name}"))
            if key in self.abstract and self.subclasses.get(key):
                # TS: an abstract class with project subclasses is a plugin base; its methods run
                # only on instances of those, which the code holds under the base's type
                for name in names:
                    self.overridden[name].add(FuncRef(key[0], f"{key[1]}.{name}"))
        # Calls on unresolved receivers in a try (condition 1), by method name.
        self.by_name: dict[str, list[tuple[str, Call]]] = defaultdict(list)
        self.by_name_js: dict[str, list[tuple[str, Call]]] = defaultdict(list)  # a language's own
        # self.m() / cls.m() (condition 2): the methods each reaches, apart from the one link
        # resolved it to.
        self.on_self: dict[FuncRef, list[tuple[str, Call]]] = defaultdict(list)
        for path, mod in python.items():
            for call in mod.dispatches:
                recv, _, name = call.text.rpartition(".")
                if recv in ("self", "cls"):
                    cls = _class_of(mod, call.func, path)
                    if cls is None:
                        continue
                    self._to_inherited(cls, name, path, call)
                    self._to_overrides(cls, name, path, call)
                elif name in self.overridden:
                    self.by_name[name].append((path, call))
        # JS/TS: `this.m()` / `super.m()` in a method (or an arrow function in one) of a class
        # that does not define `m` itself (the front end resolved those to `local:C.m`).
        for path, mod in js.items():
            for call in mod.calls:
                recv, dot, name = call.callee.partition(".")
                if recv not in ("this", "super") or not dot or "." in name or call.text != call.callee:
                    continue
                cls = _class_of(mod, call.func, path)
                if cls is None:
                    continue
                inherited = self._to_inherited(cls, name, path, call)
                if recv != "this":
                    continue
                if inherited is None and name not in self.methods.get(cls, ()):
                    # declared `abstract` (no body) or not at all: each subclass's own `m`
                    for sub in self.descendants(cls):
                        if name in self.methods.get(sub, ()):
                            self.on_self[FuncRef(sub[0], f"{sub[1]}.{name}")].append((path, call))
                else:
                    self._to_overrides(cls, name, path, call)
        # JS/TS: calls on unresolved receivers in a try (condition 1), and calls on a receiver of a
        # declared project type (`provider: ISmsProvider`): each class of that type's line that
        # defines `m` (condition 3).
        for path, mod in js_all.items():
            for call in mod.dispatches:
                name = call.text.rpartition(".")[2]
                if call.recv_type:
                    self._to_typed(path, call, name, None)
                elif call.handlers and name in self.overridden:
                    self.by_name_js[name].append((path, call))
            for call in mod.calls:
                if call.recv_type:
                    self._to_typed(path, call, call.text.replace("?.", ".").rpartition(".")[2],
                                   project.targets.get((path, call.id)))
        for (path, call_id), ref in project.returned_typed.items():  # condition 3, a returned type
            call = python[path].calls[call_id] if path in python else None
            if call is not None:
                self.on_self[ref].append((path, call))
                owner, _, name = ref.func.rpartition(".")
                self._to_overrides((ref.path, owner), name, path, call)
        for (path, call_id), pairs in project.registry_targets.items():  # condition 4
            call = python[path].calls[call_id] if path in python else None
            for ref in dict.fromkeys(r for _, r in pairs) if call is not None else ():
                self.on_self[ref].append((path, call))  # type: ignore[arg-type]
        for (path, call_id), ref in project.targets.items():
            mod = python.get(path) or js.get(path)
            if mod is None:
                continue
            owner, _, name = ref.func.rpartition(".")
            if name not in self.overridden:
                continue
            call = mod.calls[call_id]
            if call.text in (f"self.{name}", f"cls.{name}", f"this.{name}") or (path, call_id) in project.typed_calls:
                self._to_overrides((ref.path, owner), name, path, call)

    def _to_inherited(self, cls: ClassKey, name: str, path: str, call: Call) -> ClassKey | None:
        """Records ``call`` (``self.name()`` / ``this.name()`` in ``cls``) as a caller of the
        ``name`` the nearest base class defines; returns that class, or None."""
        from vcx.link import FuncRef  # (link imports this module)

        inherited = next((a for a in self.mro(cls)[1:] if name in self.methods.get(a, ())), None)
        if inherited is not None:
            self.on_self[FuncRef(inherited[0], f"{inherited[1]}.{name}")].append((path, call))
        return inherited

    def _to_typed(self, path: str, call: Call, name: str, linked: FuncRef | None) -> None:
        """(TS) ``x.name()`` on a receiver declared of the type ``call.recv_type``: when that is a
        project class or interface, the ``name`` an instance of it runs, the class's own or
        inherited, and each override of it in the classes below (subclasses, implementations of
        the interface and their subclasses); not the one link already resolved the call to."""
        from vcx.link import FuncRef

        if not name.isidentifier():
            return
        typ = self.project.resolve_js_type(path, call.recv_type)
        if typ is None:
            return
        key = (typ.path, typ.name)
        found = [self.first_defining(key, name)] + [c for c in self.descendants(key) if name in self.methods.get(c, ())]
        for c in dict.fromkeys(c for c in found if c is not None):
            ref = FuncRef(c[0], f"{c[1]}.{name}")
            if ref != linked:
                self.on_self[ref].append((path, call))

    def _to_overrides(self, cls: ClassKey, name: str, path: str, call: Call) -> None:
        """``self.name()`` in class ``cls``: on an instance of a subclass it runs that subclass's
        override."""
        from vcx.link import FuncRef

        if name in self.overridden:
            for sub in self.descendants(cls):
                if name in self.methods.get(sub, ()):
                    self.on_self[FuncRef(sub[0], f"{sub[1]}.{name}")].append((path, call))

    def ancestors(self, key: ClassKey) -> list[ClassKey]:
        return self._closure(key, self.bases)

    def descendants(self, key: ClassKey) -> list[ClassKey]:
        found = self._descendants.get(key)
        if found is None:
            found = self._descendants[key] = self._closure(key, self.subclasses)
        return found

    @staticmethod
    def _closure(key: ClassKey, edges: dict[ClassKey, list[ClassKey]]) -> list[ClassKey]:
        out: list[ClassKey] = []
        seen = {key}
        todo = list(edges.get(key, ()))
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            out.append(cur)
            todo.extend(edges.get(cur, ()))
        return out

    def mro(self, key: ClassKey) -> list[ClassKey]:
        """The project classes of ``key``'s method resolution order (C3, over the bases the
        project defines), ``key`` first; depth-first left to right where C3 finds no order."""
        found = self._mro.get(key)
        if found is None:
            self._mro[key] = [key]  # an inheritance cycle (a broken tree) ends here
            seqs = [self.mro(b) for b in self.bases.get(key, ())]
            found = self._mro[key] = [key, *_c3([list(s) for s in seqs] + [list(self.bases.get(key, ()))])]
        return found

    def class_of(self, path: str, fn_id: str) -> ClassKey | None:
        """The class of the project whose method ``fn_id`` (of module ``path``) is, or is nested in."""
        mod = self.project.modules.get(path)
        return _class_of(mod, fn_id, path) if mod is not None else None

    def first_defining(self, key: ClassKey, name: str) -> ClassKey | None:
        """The first class of ``key``'s method resolution order that defines the method ``name``."""
        return next((c for c in self.mro(key) if name in self.methods.get(c, ())), None)

    def certain(self, ref: FuncRef) -> list[tuple[str, Call]]:
        """The calls that reach the method ``ref`` by dispatch for certain: ``this.m()`` / ``super.m()``
        in its class's line, ``self.m()``, and (TS) calls on a receiver of a declared project type."""
        return list(self.on_self.get(ref, ()))

    def guessed(self, ref: FuncRef) -> list[tuple[str, Call]]:
        """The calls on receivers vcx cannot resolve that may reach the method ``ref`` by name
        (condition 1)."""
        name = ref.func.rpartition(".")[2]
        return list(self._by_name(ref).get(name, ())) if ref in self.overridden.get(name, ()) else []

    def _by_name(self, ref: FuncRef) -> dict[str, list[tuple[str, Call]]]:
        mod = self.project.modules.get(ref.path)
        return self.by_name if mod is not None and mod.language == "python" else self.by_name_js

    def callers(self, ref: FuncRef) -> list[tuple[str, Call]]:
        """The calls that may reach the method ``ref`` by dispatch, apart from those link
        resolved to it."""
        name = ref.func.rpartition(".")[2]
        found = list(self.on_self.get(ref, ()))
        if ref in self.overridden.get(name, ()):
            found += self._by_name(ref).get(name, ())
        return found


def _c3(seqs: list[list[ClassKey]]) -> list[ClassKey]:
    out: list[ClassKey] = []
    seqs = [s for s in seqs if s]
    while seqs:
        head = next((s[0] for s in seqs if not any(s[0] in t[1:] for t in seqs)), None)
        if head is None:  # no C3 order: the rest depth-first, left to right
            for s in seqs:
                out.extend(c for c in s if c not in out)
            return out
        out.append(head)
        seqs = [t for t in ([x for x in s if x != head] for s in seqs) if t]
    return out


def _class_of(mod: ModuleFacts, func: str | None, path: str) -> ClassKey | None:
    """The class whose method ``func`` is (or is nested in)."""
    if func is None:
        return None
    method = mod.functions.get(func.split(".<locals>", 1)[0])
    if method is None or method.class_name is None:
        return None
    return path, method.id.rpartition(".")[0]
