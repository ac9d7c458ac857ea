"""Framework iteration (RULES.md n-plus-one, last paragraph): serializers and schemas applied
to many rows run their fields, ``source=`` paths, method fields and the model properties they
read once per row.

Python only: Django REST framework serializers (``ModelSerializer`` / ``Serializer``) given many
rows by a list view (``ListAPIView`` / ``ModelViewSet`` ... with ``serializer_class`` and
``queryset`` / ``get_queryset()``) or by ``Serializer(rows, many=True)``; marshmallow schemas
dumping many rows (``Schema(many=True).dump(rows)`` / ``.dump(rows, many=True)``).

Each such use is walked once: declared fields (``source="a.b"`` / ``attribute="a.b"`` paths, nested
serializers, ``SerializerMethodField`` / ``fields.Method`` methods) and the model's ``@property``
methods the serializer names. A relation read there that the feeding query does not load eagerly
(``select_related`` / ``prefetch_related`` / ``Prefetch`` / ``selectinload`` ... naming it, or a
relationship mapped ``lazy="selectin"``) is an NPQ002 site; a query run there (directly or through
a project helper) is an NPQ001 site. Each site is reported once, for the first list that reaches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vcx.facts import Call, Loc, ModuleFacts, Value
from vcx.knowledge import databases as kdb
from vcx.link import FuncRef

if TYPE_CHECKING:
    from vcx.link import Project
    from vcx.summaries import Summaries

SERIALIZER_BASES = frozenset({"Serializer", "ModelSerializer", "HyperlinkedModelSerializer", "Schema",
                              "SQLAlchemySchema", "SQLAlchemyAutoSchema", "ModelSchema"})
LIST_VIEW_BASES = frozenset({"ListAPIView", "ListCreateAPIView", "ModelViewSet", "ReadOnlyModelViewSet",
                             "ListModelMixin"})
# Where the rows a serializer is given come from: a query, or a page of one.
ROWS_HINT = re.compile(r"\.objects\b|\.query\b|queryset|paginate|scalars|\bexecute\b|\.all\b|\.filter\b")
PROPERTY_DECORATORS = ("property", "cached_property")


@dataclass
class Field:
    name: str
    loc: Loc
    source: str = ""  # dotted path read on the row ("" for a method field)
    nested: str = ""  # nested serializer class name
    method: str = ""  # method field: the method's name


@dataclass
class SerClass:
    path: str
    name: str
    fields: list[Field] = field(default_factory=list)
    model: str = ""
    meta_fields: list[str] = field(default_factory=list)


@dataclass
class Site:
    rule: str  # NPQ001 | NPQ002
    path: str
    loc: Loc
    message: str


def _last(name: str) -> str:
    return name.replace("()", "").rsplit(":", 1)[-1].rsplit(".", 1)[-1]


def _classes_with(project: Project, direct: frozenset[str], marker: str) -> dict[str, tuple[str, ModuleFacts]]:
    """Project classes deriving (directly or through project classes) from one of ``direct``."""
    infos = [(path, mod, info) for path, mod in project.modules.items() for info in mod.classes.values()]
    found: dict[str, tuple[str, ModuleFacts]] = {}
    changed = True
    while changed:
        changed = False
        for path, mod, info in infos:
            if info.name in found:
                continue
            if any((_last(b) in direct and (marker in b or not b.startswith(("local:", "import:"))))
                   or _last(b) in found for b in info.bases):
                found[info.name] = (path, mod)
                changed = True
    return found


def _class_assigns(mod: ModuleFacts, name: str) -> list:  # type: ignore[type-arg]
    info = mod.classes.get(name)
    if info is None:
        return []
    return [a for a in mod.assigns if a.func is None and info.loc.line < a.loc.line <= info.loc.end_line]


def _serializer(path: str, mod: ModuleFacts, name: str, known: set[str]) -> SerClass:
    ser = SerClass(path, name)
    for a in _class_assigns(mod, name):
        key = a.text.split(":", 1)[0].strip()
        v = a.value
        if key == "model" and v.kind in ("name", "attr"):
            ser.model = _last(v.ref or v.text)
            continue
        if key == "fields" and v.kind == "array":
            ser.meta_fields = [str(i.value) for i in v.items or () if i.kind == "str"]
            continue
        if v.kind != "call" or v.call_id is None or v.call_id >= len(mod.calls):
            continue
        call = mod.calls[v.call_id]
        f = Field(key, a.loc)
        callee = _last(call.callee)
        src = call.kwargs.get("source") or call.kwargs.get("attribute")
        if callee == "SerializerMethodField":
            mn = call.kwargs.get("method_name")
            f.method = str(mn.value) if mn is not None and mn.kind == "str" else f"get_{key}"
        elif callee == "Method":
            mn = call.args[0] if call.args else call.kwargs.get("serialize")
            f.method = str(mn.value) if mn is not None and mn.kind == "str" else ""
        elif callee in known:
            f.nested = callee
        elif callee in ("Nested", "List", "Pluck") and call.args:
            inner = call.args[0]
            if inner.kind == "call" and inner.call_id is not None and inner.call_id < len(mod.calls):
                inner_call = mod.calls[inner.call_id]
                inner = inner_call.args[0] if inner_call.args else inner
            target = _last(str(inner.value) if inner.kind == "str" else (inner.ref or inner.text))
            if target in known:
                f.nested = target
        if src is not None and src.kind == "str" and isinstance(src.value, str):
            f.source = src.value
        elif not f.method:
            f.source = key
        if f.source == "*":
            f.source = ""
        ser.fields.append(f)
    return ser


def _lookups(mod: ModuleFacts, calls: list[Call]) -> set[str]:
    """Relation paths a query loads eagerly (``"author.publisher"``); ``"*"`` for ``select_related()``."""
    out: set[str] = set()
    for c in calls:
        meth = c.callee.rsplit(".", 1)[-1]  # the callee text of a long chain is shortened
        if meth not in kdb.EAGER_METHODS and meth != "options":
            continue
        if meth == "select_related" and not c.args:
            out.add("*")
        for a in c.args:
            vals: list[Value] = [a]
            if a.kind == "call" and a.call_id is not None and a.call_id < len(mod.calls):
                vals = list(mod.calls[a.call_id].args[:1]) or vals  # Prefetch("x", ...), selectinload(M.x)
            for v in vals:
                if v.kind == "str" and isinstance(v.value, str):
                    out.add(v.value.replace("__", "."))
                elif v.kind == "attr" and v.text:
                    out.add(v.text.rsplit(".", 1)[-1])
    return out


def _eager(lookups: set[str], path: str) -> bool:
    return "*" in lookups or any(lk == path or lk.startswith(path + ".") for lk in lookups)


def _rows(project: Project, s: Summaries, path: str, mod: ModuleFacts, func: str | None, v: Value | None,
          before: int, depth: int = 0) -> bool:
    """Whether a value holds the rows of a query (or a page of them)."""
    if v is None or depth > 3:
        return False
    if v.kind == "call":
        c = mod.calls[v.call_id] if v.call_id is not None and v.call_id < len(mod.calls) else None
        if c is None:
            return bool(ROWS_HINT.search(v.ref or v.text or ""))
        return _call_rows(project, s, path, mod, c, depth)
    if v.kind in ("name", "other", "attr"):
        m = re.match(r"[A-Za-z_]\w*", v.text or "")
        root = m.group(0) if m else ""
        cand = None
        for c in mod.calls:
            if c.func == func and c.assigned_to == root and c.loc.line <= before:
                cand = c
        return cand is not None and _call_rows(project, s, path, mod, cand, depth)
    return False


def _call_rows(project: Project, s: Summaries, path: str, mod: ModuleFacts, c: Call, depth: int) -> bool:
    op = s.ops.get((path, c.id))
    if op is not None and op.kind == "read":
        return c.text.rsplit(".", 1)[-1] not in ("get", "first", "one", "one_or_none", "scalar", "get_or_none",
                                                 "fetchrow", "fetchone", "find_one", "findOne", "count")
    if ROWS_HINT.search(c.callee) or ROWS_HINT.search(c.text):
        return True
    return any(_rows(project, s, path, mod, c.func, a, c.loc.line, depth + 1) for a in c.args[:1])


class _Walker:
    def __init__(self, project: Project, s: Summaries, rels: dict[str, bool]) -> None:
        self.project, self.s, self.rels = project, s, rels
        self.sites: dict[tuple[str, int, str], Site] = {}
        found = _classes_with(project, SERIALIZER_BASES, "")
        self.sers: dict[str, SerClass] = {}
        known = set(found)
        for name, (path, mod) in found.items():
            if not project.is_test(path):
                self.sers[name] = _serializer(path, mod, name, known)
        self.props: dict[tuple[str, str], FuncRef] = {}  # (model, property) -> function
        for path, mod in project.modules.items():
            for fn in mod.functions.values():
                if fn.class_name and any((d.text or "").rsplit(".", 1)[-1] in PROPERTY_DECORATORS
                                         for d in fn.decorators):
                    self.props.setdefault((fn.class_name, fn.name), FuncRef(path, fn.id))

    def relation(self, attr: str) -> bool:
        return not attr.endswith("_id") and (bool(self.rels.get(attr)) or (attr.endswith("_set") and len(attr) > 4))

    def add(self, rule: str, path: str, loc: Loc, message: str) -> None:
        if self.project.is_test(path):
            return
        self.sites.setdefault((path, loc.line, rule), Site(rule, path, loc, message))

    def walk(self, name: str, prefix: str, lookups: set[str], view: str, seen: frozenset[str] = frozenset()) -> None:
        ser = self.sers.get(name)
        if ser is None or name in seen or len(seen) > 6:
            return
        seen = seen | {name}
        mod = self.project.modules[ser.path]
        declared = {f.name for f in ser.fields}
        for f in ser.fields:
            if f.method:
                self.function(FuncRef(ser.path, f"{name}.{f.method}"), 1, prefix, lookups, view, name)
                continue
            segs = [x for x in f.source.split(".") if x]
            cur = prefix
            for i, seg in enumerate(segs):
                cur = f"{cur}.{seg}" if cur else seg
                if self.relation(seg):
                    if not _eager(lookups, cur):
                        self.add("NPQ002", ser.path, f.loc,
                                 f"`{name}.{f.name}` reads the relation `{cur}` once per row serialized by list "
                                 f"view `{view}`: its query does not load `{cur}` eagerly")
                        break
                elif i == 0 and ser.model and (ser.model, seg) in self.props:
                    self.function(self.props[(ser.model, seg)], 0, prefix, lookups, view, name)
            if f.nested and segs:
                self.walk(f.nested, cur, lookups, view, seen)
        for fname in ser.meta_fields:
            if fname not in declared and ser.model and (ser.model, fname) in self.props:
                self.function(self.props[(ser.model, fname)], 0, prefix, lookups, view, name)
        del mod

    def function(self, ref: FuncRef, param: int, prefix: str, lookups: set[str], view: str, ser: str) -> None:
        """A method run once per row: relation reads on its row parameter, queries it runs."""
        mod = self.project.modules.get(ref.path)
        fn = mod.functions.get(ref.func) if mod is not None else None
        if mod is None or fn is None or len(fn.params) <= param:
            return
        row = fn.params[param]
        for r in mod.member_reads:
            if r.func != ref.func or r.name != row or not self.relation(r.attr):
                continue
            cur = f"{prefix}.{r.attr}" if prefix else r.attr
            if not _eager(lookups, cur):
                self.add("NPQ002", ref.path, r.loc,
                         f"`{r.name}.{r.attr}` in `{ref.func}` reads a relation once per row serialized by `{ser}` "
                         f"for list view `{view}`: its query does not load `{cur}` eagerly")
        for c in mod.calls:
            if c.func != ref.func:
                continue
            op = self.s.ops.get((ref.path, c.id))
            what = ""
            if op is not None:
                if op.batch or op.kind not in ("read", "write"):
                    continue
                what = c.text
            else:
                target = self.project.target(ref.path, c)
                summ = self.s.of(target)
                if summ is None or "query" not in summ.via:
                    continue
                what = summ.via["query"][1].text
            self.add("NPQ001", ref.path, c.loc,
                     f"`{c.snippet}` in `{ref.func}` queries `{what}` once per row serialized by `{ser}` "
                     f"for list view `{view}`")


def per_row_sites(project: Project, s: Summaries, rels: dict[str, bool]) -> list[Site]:
    key = id(project)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is project:
        return hit[1]
    sites = _compute(project, s, rels)
    _CACHE.clear()
    _CACHE[key] = (project, sites)
    return sites


_CACHE: dict[int, tuple[Project, list[Site]]] = {}


def _compute(project: Project, s: Summaries, rels: dict[str, bool]) -> list[Site]:
    if not any(mod.language == "python" and mod.classes for mod in project.modules.values()):
        return []
    w = _Walker(project, s, rels)
    if not w.sers:
        return []
    views = _classes_with(project, LIST_VIEW_BASES, "rest_framework")
    view_lookups: dict[str, set[str]] = {}
    for vname, (path, mod) in views.items():
        if project.is_test(path):
            continue
        ser = ""
        qcalls: list[Call] = []
        for a in _class_assigns(mod, vname):
            key = a.text.split(":", 1)[0].strip()
            if key == "serializer_class" and a.value.kind in ("name", "attr"):
                ser = _last(a.value.ref or a.value.text)
            elif key == "queryset":
                qcalls += [c for c in mod.calls if c.func is None and a.loc.line <= c.loc.line <= a.loc.end_line]
        qcalls += [c for c in mod.calls if c.func == f"{vname}.get_queryset"]
        view_lookups[vname] = lookups = _lookups(mod, qcalls)
        if ser:
            w.walk(ser, "", lookups, vname)
    for path, mod in project.modules.items():
        if mod.language != "python" or project.is_test(path):
            continue
        for call in mod.calls:
            callee = call.callee
            dump = callee.endswith(("().dump", "().dumps"))
            name = _last(callee[: -len(callee.rsplit("().", 1)[-1]) - 3] if dump else callee)
            if name not in w.sers:
                continue
            many = call.kwargs.get("many")
            if dump and many is None and call.instance is not None:
                many = call.instance.key("many")
            if many is None or many.kind != "bool" or many.value is not True:
                continue
            data = call.args[0] if call.args else call.kwargs.get("instance") or call.kwargs.get("obj")
            if not _rows(project, s, path, mod, call.func, data, call.loc.line):
                continue
            scope = [c for c in mod.calls if c.func == call.func]
            fn = mod.functions.get(call.func or "")
            lookups = _lookups(mod, scope)
            if fn is not None and fn.class_name in view_lookups:
                lookups |= view_lookups[fn.class_name]
            w.walk(name, "", lookups, call.func or "<module>")
    return sorted(w.sites.values(), key=lambda x: (x.path, x.loc.line))
