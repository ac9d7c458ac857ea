"""Framework iteration (RULES.md n-plus-one, last paragraph): serializers and schemas applied
to many rows run their fields, ``source=`` paths, method fields and the model properties they
read once per row.

Python only: Django REST framework serializers (``ModelSerializer`` / ``Serializer``) given many
rows by a list view (``ListAPIView`` / ``ModelViewSet`` ... with ``queryset`` / ``get_queryset()``
and ``serializer_class``, or the classes its ``get_serializer_class()`` returns for the ``list``
action, see :func:`_list_serializers`) or by ``Serializer(rows, many=True)``; marshmallow schemas
dumping many rows (``Schema(many=True).dump(rows)`` / ``.dump(rows, many=True)``); pydantic models
(``from_attributes`` / ``orm_mode``) validated from many rows (``[Out.model_validate(r) for r in rows]``,
``map(Out.from_orm, rows)``, ``TypeAdapter(list[Out]).validate_python(rows)``, ``parse_obj_as``, a FastAPI
route with ``response_model=list[Out]`` returning rows): each annotated field reads the row attribute
of its name (or alias), a field typed with another model nests it.

Each such use is walked once: declared fields (``source="a.b"`` / ``attribute="a.b"`` paths, nested
serializers, ``SerializerMethodField`` / ``fields.Method`` methods) and the model's ``@property``
methods the serializer names. A relation read there that the feeding query does not load eagerly
(``select_related`` / ``prefetch_related`` / ``Prefetch`` / ``selectinload`` ... naming it, or a
relationship mapped ``lazy="selectin"``) is an NPQ002 site; a query run there (directly or through
a project helper) is an NPQ001 site. Each site is reported once, for the first list that reaches it.

A relation the row keeps once loaded (``n_plus_one.cached_relations``: foreign keys, one-to-one,
SQLAlchemy relationships) is loaded once per row: fields run in ``Meta.fields`` order, a
``source=`` path marks every relation along it as loaded for the later fields, methods and
properties of the row, and within one method or property a read that an earlier read of the
same relation always precedes (:func:`vcx.facts.runs_before`) is no load. A view whose own
``list()`` replaces DRF's (no ``super().list()``) is judged by what that ``list()`` serializes
(:func:`_own_list`), not by ``serializer_class`` over ``get_queryset()``.

Classes are told apart by module and name (:class:`vcx.link.ClassRef`): every name of a class used
here (a base, a nested field's class, ``Meta.model``, ``serializer_class``, the class given many
rows, a pydantic annotation) is resolved through the module's imports by
:meth:`vcx.link.Project.resolve_class`; only a name that resolution cannot follow, and that no
library import binds, falls back to the one production class of that name (none when there are
several). Test classes are never walked and never stand in for production ones.

NetBox's serializers (``BaseModelSerializer``) take ``nested=True``: with no ``fields=`` / ``omit=``
they render only ``Meta.brief_fields`` (when the class declares them), with ``fields=[...]`` only
those; so a field nested that way walks only those fields of the nested class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vcx.facts import Access, Call, Function, Loc, ModuleFacts, Value, runs_before
from vcx.knowledge import databases as kdb
from vcx.link import ClassRef, FuncRef

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
PYDANTIC_BASES = frozenset({"BaseModel"})
# pydantic: one model validated per row (``Out.model_validate(r)`` in a loop, ``map(Out.from_orm, rows)``).
PER_ROW_VALIDATORS = ("model_validate", "from_orm")
LIST_TYPE = re.compile(r"^(?:list|List|Sequence|typing\.List|typing\.Sequence)\[\s*([A-Za-z_][\w.]*)\s*\]$")
SA_LOADERS = ("selectinload", "joinedload", "subqueryload", "contains_eager")


@dataclass
class Field:
    name: str
    loc: Loc
    source: str = ""  # dotted path read on the row ("" for a method field)
    nested: ClassRef | None = None  # nested serializer / model
    method: str = ""  # method field: the method's name
    brief: bool = False  # nested with ``nested=True`` (NetBox): renders Meta.brief_fields
    only: tuple[str, ...] | None = None  # with ``nested=True, fields=[...]``: renders those
    # ... and those of ``fields=[*Other.Meta.brief_fields, ...]``: (class, "brief_fields" | "fields")
    only_from: tuple[tuple[ClassRef, str], ...] = ()


@dataclass
class SerClass:
    ref: ClassRef
    fields: list[Field] = field(default_factory=list)
    model: ClassRef | None = None
    meta_fields: list[str] = field(default_factory=list)
    brief_fields: tuple[str, ...] | None = None  # Meta.brief_fields

    @property
    def path(self) -> str:
        return self.ref.path

    @property
    def name(self) -> str:
        return self.ref.name


@dataclass
class Site:
    rule: str  # NPQ001 | NPQ002
    path: str
    loc: Loc
    message: str


def _last(name: str) -> str:
    return name.replace("()", "").rsplit(":", 1)[-1].rsplit(".", 1)[-1]


def _method_class(path: str, fn: Function) -> ClassRef:
    """The class a method is defined in, by its qualified name (``CourseApi.OutputSerializer`` for
    a method of a nested class: ``Function.class_name`` is the bare name)."""
    return ClassRef(path, fn.id.rpartition(".")[0])


class ClassNames:
    """Which project class a name used in a module names: resolved through the module's imports
    (:meth:`Project.resolve_class`); only a name that resolution cannot follow (and that does
    not come from a library's import) falls back to the production class of that name, when
    there is exactly one. Test code never stands in for production code."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.by_name: dict[str, list[ClassRef]] = {}  # production classes
        self.names: set[str] = set()  # every class
        for path, mod in project.modules.items():
            if mod.language != "python":
                continue
            self.names.update(_last(name) for name in mod.classes)
            if not project.is_test(path):
                for name in mod.classes:  # nested classes by their own name too (``OutputSerializer``)
                    self.by_name.setdefault(_last(name), []).append(ClassRef(path, name))

        self._refs: dict[tuple[str, str], ClassRef | None] = {}
        self._hierarchy: list[tuple[ClassRef, ModuleFacts, list[tuple[str, str, ClassRef | None]]]] | None = None

    @classmethod
    def of(cls, project: Project) -> ClassNames:
        """The project's ClassNames, made once per scan and shared by the rules (what it
        remembers follows from the project alone)."""
        names = project.derived.get("class_names")
        if names is None:
            names = project.derived["class_names"] = cls(project)
        return names  # type: ignore[return-value]

    def ref(self, path: str, ref: str) -> ClassRef | None:
        """A canonical name (a callee, a base, a ``Value.ref``)."""
        key = (path, ref)
        if key in self._refs:
            return self._refs[key]
        ref = ref.replace("()", "")
        hit = self.project.resolve_class(path, ref)
        if hit is None and not self._external(path, ref):
            hit = self.unique(_last(ref))
        self._refs[key] = hit
        return hit

    def hierarchy(self) -> list[tuple[ClassRef, ModuleFacts, list[tuple[str, str, ClassRef | None]]]]:
        """Every class with its bases: (the base as written, its last name, the project class it is)."""
        if self._hierarchy is None:
            self._hierarchy = []
            for path, mod in self.project.modules.items():
                if mod.language != "python":
                    continue
                for info in mod.classes.values():
                    if not info.bases:
                        continue
                    ref = ClassRef(path, info.name)
                    bases = []
                    for b in info.bases:
                        last = _last(b)
                        base = self.ref(path, b) if last in self.names else None  # no class of ours has the name
                        bases.append((b, last, base if base != ref else None))
                    self._hierarchy.append((ref, mod, bases))
        return self._hierarchy

    def text(self, path: str, text: str) -> ClassRef | None:
        """The source text of a name (an annotation, ``list[Out]``)."""
        hit = self.project.resolve_class_text(path, text)
        if hit is not None or self._external(path, text, source=True):
            return hit
        return self.unique(_last(text))

    def has(self, name: str) -> bool:
        """Whether some class of the scan has this name (a cheap test before resolving)."""
        return name in self.names

    def value(self, path: str, v: Value) -> ClassRef | None:
        return self.ref(path, v.ref) if v.ref else self.text(path, v.text or "")

    def unique(self, name: str, among: dict[ClassRef, ModuleFacts] | None = None) -> ClassRef | None:
        cands = [c for c in self.by_name.get(name, ()) if among is None or c in among]
        return cands[0] if len(cands) == 1 else None

    def _external(self, path: str, ref: str, source: bool = False) -> bool:
        """A name bound by the import of a library (``rest_framework.serializers.Serializer``,
        ``mptt.models.MPTTModel`` even where the project has a ``utilities/mptt.py``)."""
        if ref.startswith(("local:", "import:")):
            return False
        mod = self.project.modules.get(path)
        if mod is None:
            return False
        head = ref.split(".", 1)[0]
        for imp in mod.imports:
            if source:
                if imp.local != head:
                    continue
            else:  # the import the canonical name was made from
                bound = f"{imp.module}.{imp.name}" if imp.name and imp.name != "*" else imp.module
                if imp.module.startswith(".") or not (ref == bound or ref.startswith(bound + ".")):
                    continue
            if imp.relative:
                return False
            for module in (imp.module, f"{imp.module}.{imp.name}" if imp.name and imp.name != "*" else ""):
                if module and self.project.module_path(path, module) not in (None, path):
                    return False
            return True
        return False


def _classes_with(names: ClassNames, direct: frozenset[str], marker: str) -> dict[ClassRef, ModuleFacts]:
    """Project classes deriving (directly or through project classes) from one of ``direct``."""
    # Per class: whether a base outside the project is one of ``direct``, and its project bases;
    # the classes with neither never qualify.
    cands: list[tuple[ClassRef, ModuleFacts, bool, list[ClassRef]]] = []
    for ref, mod, bases in names.hierarchy():
        direct_hit = any(base is None and last in direct and (marker in b or not b.startswith(("local:", "import:")))
                         for b, last, base in bases)
        ours = [base for _, _, base in bases if base is not None]
        if direct_hit or ours:
            cands.append((ref, mod, direct_hit, ours))
    found: dict[ClassRef, ModuleFacts] = {}
    changed = True
    while changed:
        changed = False
        for ref, mod, direct_hit, ours in cands:
            if ref in found:
                continue
            if direct_hit or any(base in found for base in ours):
                found[ref] = mod
                changed = True
    return found


# Nested classes whose settings belong to the class they are in.
OPTION_CLASSES = frozenset({"Meta", "Config"})


def _class_assigns(mod: ModuleFacts, name: str) -> list:  # type: ignore[type-arg]
    """The assignments in the body of class ``name`` (a qualified name) and of its ``Meta`` /
    ``Config``; not those of the other classes nested in it (a nested serializer's own fields)."""
    info = mod.classes.get(name)
    if info is None:
        return []
    others = [c.loc for q, c in mod.classes.items() if q.startswith(name + ".") and _last(q) not in OPTION_CLASSES]
    return [a for a in mod.assigns if a.func is None and info.loc.line < a.loc.line <= info.loc.end_line
            and not any(lc.line <= a.loc.line <= lc.end_line for lc in others)]


def _strings(v: Value | None) -> tuple[str, ...] | None:
    """The strings of a literal list / tuple."""
    if v is None or v.kind != "array":
        return None
    return tuple(str(i.value) for i in v.items or () if i.kind == "str")


SPREAD_FIELDS = re.compile(r"\*([A-Za-z_][\w.]*)\.Meta\.(brief_fields|fields)")


def _fields_kw(f: Field, path: str, v: Value, names: ClassNames) -> None:
    """``Serializer(nested=True, fields=[...])`` renders those fields: strings, or the
    ``*Other.Meta.brief_fields`` of another serializer. Anything else: every field."""
    if v.kind != "array":
        f.brief = False
        return
    only: list[str] = []
    spreads: list[tuple[ClassRef, str]] = []
    for item in v.items or ():
        m = SPREAD_FIELDS.fullmatch(item.text or "") if item.kind == "spread" else None
        cls = names.text(path, m.group(1)) if m is not None else None
        if item.kind == "str":
            only.append(str(item.value))
        elif m is not None and cls is not None:
            spreads.append((cls, m.group(2)))
        else:
            f.brief = False
            return
    f.only, f.only_from = tuple(only), tuple(spreads)


def _serializer(ref: ClassRef, mod: ModuleFacts, names: ClassNames, known: dict[ClassRef, ModuleFacts]) -> SerClass:
    ser = SerClass(ref)
    path = ref.path
    for a in _class_assigns(mod, ref.name):
        key = a.text.split(":", 1)[0].strip()
        v = a.value
        if key == "model" and v.kind in ("name", "attr"):
            ser.model = names.value(path, v)
            continue
        if key == "fields" and v.kind == "array":
            ser.meta_fields = list(_strings(v) or ())
            continue
        if key == "brief_fields" and v.kind == "array":
            ser.brief_fields = _strings(v)
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
        elif callee in ("Nested", "List", "Pluck") and call.args:
            inner = call.args[0]
            if inner.kind == "call" and inner.call_id is not None and inner.call_id < len(mod.calls):
                inner_call = mod.calls[inner.call_id]
                inner = inner_call.args[0] if inner_call.args else inner
            if inner.kind == "str":  # marshmallow's class registry: by name, unique among the schemas
                target = names.unique(_last(str(inner.value)), known)
            else:
                target = names.value(path, inner)
            f.nested = target if target in known else None
        elif names.has(callee):
            target = names.ref(path, call.callee)
            if target in known:
                f.nested = target
                nested = call.kwargs.get("nested")
                f.brief = nested is not None and nested.value is True
                if f.brief and "fields" in call.kwargs:
                    _fields_kw(f, path, call.kwargs["fields"], names)
                elif f.brief and "omit" in call.kwargs:
                    f.brief = False  # nested=True, omit=[...]: every field but those
        if src is not None and src.kind == "str" and isinstance(src.value, str):
            f.source = src.value
        elif not f.method:
            f.source = key
        if f.source == "*":
            f.source = ""
        ser.fields.append(f)
    return ser


def _pydantic(ref: ClassRef, mod: ModuleFacts, names: ClassNames,
              known: dict[ClassRef, ModuleFacts]) -> tuple[SerClass, bool]:
    """A pydantic model as a serializer: its annotated fields read the attribute of the same name
    (or ``alias`` / ``validation_alias``) on each row; a field typed with another project model
    is nested. Also whether the class itself enables attribute reads (``from_attributes`` /
    ``orm_mode``)."""
    ser = SerClass(ref)
    orm = False
    info = mod.classes[ref.name]
    inner = [c.loc for c in mod.classes.values() if c.loc.line > info.loc.line and c.loc.end_line <= info.loc.end_line]
    for a in _class_assigns(mod, ref.name):
        key, v = a.text, a.value
        if key == "model_config":
            call = mod.calls[v.call_id] if v.kind == "call" and v.call_id is not None and v.call_id < len(mod.calls) \
                else None
            flag = call.kwargs.get("from_attributes") if call is not None else v.key("from_attributes")
            orm = orm or (flag is not None and flag.value is True)
            continue
        if key in ("orm_mode", "from_attributes") and v.kind == "bool" and v.value is True:
            orm = True
            continue
        if not a.annotation or "ClassVar" in a.annotation or not key.isidentifier() or key.startswith("_") or \
                any(lc.line < a.loc.line <= lc.end_line for lc in inner):
            continue
        f = Field(key, a.loc, source=key)
        if v.kind == "call" and v.call_id is not None and v.call_id < len(mod.calls):
            c = mod.calls[v.call_id]
            alias = c.kwargs.get("validation_alias") or c.kwargs.get("alias")
            if _last(c.callee) == "Field" and alias is not None and isinstance(alias.value, str):
                f.source = alias.value
        for t in re.findall(r"[A-Za-z_][\w.]*", a.annotation):
            if names.has(_last(t)):
                # read in the class body, where the classes nested in it are visible first
                target = ClassRef(ref.path, f"{ref.name}.{t}") if f"{ref.name}.{t}" in mod.classes \
                    else names.text(ref.path, t)
                if target in known and target != ref:
                    f.nested = target
                    break
        ser.fields.append(f)
    return ser, orm


def _lookups(mod: ModuleFacts, calls: list[Call], depth: int = 0) -> set[str]:
    """Relation paths a query loads eagerly (``"author.publisher"``); ``"*"`` for ``select_related()``
    and for relations named at run time (``prefetch_related(*fields)``), which could be any. The
    queryset of a ``Prefetch("memberships", queryset=Membership.objects.select_related("user"))``
    loads its own relations below the prefetched one: ``"memberships"``, ``"memberships.user"``
    (``"memberships.*"`` for any of them), not ``"user"`` of the outer query's rows."""
    out: set[str] = set()
    inner: set[int] = set()  # the calls of a Prefetch's queryset: their lookups are below its path
    for c in calls:
        if c.callee.rsplit(".", 1)[-1] != "Prefetch" or not c.args or c.args[0].kind != "str":
            continue
        qs = c.kwargs.get("queryset") or (c.args[1] if len(c.args) > 1 else None)
        if qs is None or qs.kind != "call" or qs.call_id is None or qs.call_id >= len(mod.calls):
            continue
        start = mod.calls[qs.call_id].loc[:2]
        chain = [x for x in calls if x.loc[:2] == start and x.func == c.func]  # the queryset's calls
        inner.update(x.id for x in chain)
        if depth < 4:
            prefix = str(c.args[0].value).replace("__", ".")
            out.update(f"{prefix}.{lk}" for lk in _lookups(mod, chain, depth + 1))
    # selectinload(A.b).selectinload(B.c): the calls of one chain start at the same place; "b.c".
    chains: dict[tuple[int, int], list[Call]] = {}
    for c in calls:
        if c.callee.rsplit(".", 1)[-1] in SA_LOADERS and c.args and c.args[0].kind == "attr":
            chains.setdefault((c.loc.line, c.loc.col), []).append(c)
    for chain in chains.values():
        if len(chain) > 1:
            chain.sort(key=lambda c: (c.loc.end_line, c.loc.end_col))
            out.add(".".join(c.args[0].text.rsplit(".", 1)[-1] for c in chain))
    for c in calls:
        meth = c.callee.rsplit(".", 1)[-1]  # the callee text of a long chain is shortened
        if (meth not in kdb.EAGER_METHODS and meth != "options") or c.id in inner:
            continue
        if meth == "select_related" and not c.args:
            out.add("*")
        for a in c.args[:1] if meth == "Prefetch" else c.args:  # Prefetch(lookup, queryset): see above
            vals: list[Value] = [a]
            if a.kind == "call" and a.call_id is not None and a.call_id < len(mod.calls):
                vals = list(mod.calls[a.call_id].args[:1]) or vals  # Prefetch("x", ...), selectinload(M.x)
            for v in vals:
                if v.kind == "str" and isinstance(v.value, str):
                    out.add(v.value.replace("__", "."))
                elif v.kind == "attr" and v.text:
                    out.add(v.text.rsplit(".", 1)[-1])
                elif v.kind in kdb.DYNAMIC_VALUE_KINDS:
                    out.add("*")  # prefetch_related(*fields): computed at run time, vcx cannot tell what
    return out


def related_classes(ref: ClassRef, edges: dict[ClassRef, list[ClassRef]], limit: int = 500) -> list[ClassRef]:
    """A class and those ``edges`` lead to from it, transitively, nearest first: its bases
    (with a table of bases) or its subclasses (with one of subclasses)."""
    out = [ref]
    i = 0
    while i < len(out) and len(out) < limit:
        out += [c for c in edges.get(out[i], ()) if c not in out]
        i += 1
    return out


def _eager(lookups: set[str], path: str) -> bool:
    return "*" in lookups or any(lk == path or lk.startswith(path + ".") or
                                 (lk.endswith(".*") and path.startswith(lk[:-1])) for lk in lookups)


def _rows(project: Project, s: Summaries, path: str, mod: ModuleFacts, func: str | None, v: Value | None,
          before: int, depth: int = 0, user: Call | None = None) -> bool:
    """Whether a value holds the rows of a query (or a page of them). ``user``: the call ``v`` is
    given to, which says nothing of it even when its result is assigned to the same name
    (``projects = Out(projects, many=True).data``)."""
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
            if c.func == func and c.assigned_to == root and c.loc.line <= before and c is not user:
                cand = c
        return cand is not None and _call_rows(project, s, path, mod, cand, depth)
    return False


def _rows_text(mod: ModuleFacts, func: str | None, v: Value | None, user: Call) -> str:
    """The text of the expression a value of rows comes from: itself, or the call assigned to the
    name it is (``sorts = view.viewsort_set.all()``) before ``user``."""
    if v is None:
        return ""
    if v.kind == "name":
        cand = None
        for c in mod.calls:
            if c.func == func and c.assigned_to == v.text and c.loc.line <= user.loc.line and c is not user:
                cand = c
        return cand.text if cand is not None else ""
    return v.text or ""


def _call_rows(project: Project, s: Summaries, path: str, mod: ModuleFacts, c: Call, depth: int) -> bool:
    op = s.ops.get((path, c.id))
    if op is not None and op.kind == "read":
        return c.text.rsplit(".", 1)[-1] not in ("get", "first", "one", "one_or_none", "scalar", "get_or_none",
                                                 "fetchrow", "fetchone", "find_one", "findOne", "count")
    if ROWS_HINT.search(c.callee) or ROWS_HINT.search(c.text):
        return True
    return any(_rows(project, s, path, mod, c.func, a, c.loc.line, depth + 1) for a in c.args[:1])


class _Walker:
    def __init__(self, project: Project, s: Summaries, rels: dict[str, bool], cached: frozenset[str]) -> None:
        self.project, self.s, self.rels, self.cached = project, s, rels, cached
        self.sites: dict[tuple[str, int, str], Site] = {}
        self.names = names = ClassNames.of(project)
        found = _classes_with(names, SERIALIZER_BASES, "")
        self.sers: dict[ClassRef, SerClass] = {}
        for ref, mod in found.items():
            if not project.is_test(ref.path):
                self.sers[ref] = _serializer(ref, mod, names, found)
        models = _classes_with(names, PYDANTIC_BASES, "pydantic")
        self.orm: set[ClassRef] = set()  # pydantic models that read attributes (from_attributes / orm_mode)
        own: dict[ClassRef, bool] = {}
        for ref, mod in models.items():
            if not project.is_test(ref.path) and ref not in self.sers:
                self.sers[ref], own[ref] = _pydantic(ref, mod, names, models)
        for ref in own:  # the setting is inherited from project base models
            todo, seen = [ref], set()
            while todo:
                cur = todo.pop()
                if cur in seen or cur not in models:
                    continue
                seen.add(cur)
                if own.get(cur):
                    self.orm.add(ref)
                    break
                todo += [b for b in (names.ref(cur.path, b) for b in models[cur].classes[cur.name].bases)
                         if b is not None]
        self.ser_names = {_last(ref.name) for ref in self.sers}
        self.props: dict[tuple[ClassRef, str], FuncRef] = {}  # (model, property) -> function
        for path, mod in project.modules.items():
            for fn in mod.functions.values():
                if fn.class_name and fn.decorators and any(
                        (d.text or "").rsplit(".", 1)[-1] in PROPERTY_DECORATORS for d in fn.decorators):
                    self.props.setdefault((_method_class(path, fn), fn.name), FuncRef(path, fn.id))

    def ser_ref(self, path: str, ref: str) -> ClassRef | None:
        """The serializer or model a canonical name used in ``path`` names."""
        if _last(ref) not in self.ser_names:
            return None
        hit = self.names.ref(path, ref)
        return hit if hit in self.sers else None

    def ser_text(self, path: str, text: str) -> ClassRef | None:
        """The serializer or model the source text of a name used in ``path`` names."""
        if _last(text) not in self.ser_names:
            return None
        hit = self.names.text(path, text)
        return hit if hit in self.sers else None

    def relation(self, attr: str) -> bool:
        return not attr.endswith("_id") and (bool(self.rels.get(attr)) or (attr.endswith("_set") and len(attr) > 4))

    def add(self, rule: str, path: str, loc: Loc, message: str) -> None:
        if self.project.is_test(path):
            return
        self.sites.setdefault((path, loc.line, rule), Site(rule, path, loc, message))

    def walk(self, ref: ClassRef, prefix: str, lookups: set[str], view: str,
             seen: frozenset[ClassRef] = frozenset(), only: tuple[str, ...] | None = None,
             loaded: set[str] | None = None) -> None:
        """Walk the fields of ``ref`` serializing one row; ``only``: the fields rendered, when not all.
        ``loaded``: the relation paths of the row that the fields rendered so far have loaded (and
        the row keeps): a later field reading one again runs no query. Fields run in the order of
        ``Meta.fields`` (DRF renders them so), the others after, in declaration order."""
        ser = self.sers.get(ref)
        if ser is None or ref in seen or len(seen) > 6:
            return
        if loaded is None:
            loaded = set()
        seen = seen | {ref}
        name = ref.name
        for f, prop in self._render_order(ser):
            if only is not None and (f.name if f is not None else prop) not in only:
                continue
            if f is None:  # a model property named in Meta.fields
                self.function(self.props[(ser.model, prop)], 0, prefix, lookups, view, name, loaded)  # type: ignore[index]
                continue
            if f.method:
                self.function(FuncRef(ser.path, f"{name}.{f.method}"), 1, prefix, lookups, view, name, loaded)
                continue
            segs = [x for x in f.source.split(".") if x]
            cur = prefix
            reported = False
            for i, seg in enumerate(segs):
                cur = f"{cur}.{seg}" if cur else seg
                if self.relation(seg):
                    kept = seg in self.cached  # the row keeps the object once loaded
                    if kept and cur in loaded:
                        continue  # an earlier field of this row loaded it
                    if not _eager(lookups, cur):
                        if not reported:
                            self.add("NPQ002", ser.path, f.loc,
                                     f"`{name}.{f.name}` reads the relation `{cur}` once per row serialized by list "
                                     f"view `{view}`: its query does not load `{cur}` eagerly")
                            reported = True
                        if not kept:
                            break
                    if kept:
                        loaded.add(cur)
                elif i == 0 and ser.model is not None and (ser.model, seg) in self.props:
                    self.function(self.props[(ser.model, seg)], 0, prefix, lookups, view, name, loaded)
            if f.nested is not None and segs:
                self.walk(f.nested, cur, lookups, view, seen, self.rendered(f), loaded)

    def _render_order(self, ser: SerClass) -> list[tuple[Field | None, str]]:
        """The declared fields and the model properties ``Meta.fields`` names, in the order they
        run: that of ``Meta.fields``, then the declared fields it does not name."""
        declared = {f.name: f for f in ser.fields}
        out: list[tuple[Field | None, str]] = []
        for fname in ser.meta_fields:
            if fname in declared:
                out.append((declared.pop(fname), fname))
            elif ser.model is not None and (ser.model, fname) in self.props:
                out.append((None, fname))
        return out + [(f, f.name) for f in ser.fields if f.name in declared]

    def rendered(self, f: Field) -> tuple[str, ...] | None:
        """The fields of its nested serializer a field renders; None for all of them."""
        inner = self.sers.get(f.nested) if f.nested is not None else None
        if not f.brief or inner is None:
            return None
        if f.only is None:
            return inner.brief_fields
        out = list(f.only)
        for cls, attr in f.only_from:
            other = self.sers.get(cls)
            names = (other.brief_fields if attr == "brief_fields" else tuple(other.meta_fields) or None) \
                if other is not None else None
            if names is None:
                return None
            out += names
        return tuple(out)

    def function(self, ref: FuncRef, param: int, prefix: str, lookups: set[str], view: str, ser: str,
                 loaded: set[str] | None = None) -> None:
        """A method run once per row: relation reads on its row parameter, queries it runs. A read
        of a relation the row caches is no load when an earlier field of the row loaded it
        (``loaded``) or an earlier read of the method has run whenever this one runs."""
        mod = self.project.modules.get(ref.path)
        fn = mod.functions.get(ref.func) if mod is not None else None
        if mod is None or fn is None or len(fn.params) <= param:
            return
        row = fn.params[param]
        reads: dict[str, list[Access]] = {}
        for r in mod.member_reads:
            if r.func != ref.func or r.name != row or not self.relation(r.attr):
                continue
            cur = f"{prefix}.{r.attr}" if prefix else r.attr
            if r.attr in self.cached:
                earlier = reads.setdefault(cur, [])
                if (loaded is not None and cur in loaded) or any(runs_before(a, r) for a in earlier):
                    continue  # the row holds the object already: no query here
                earlier.append(r)
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


def per_row_sites(project: Project, s: Summaries, rels: dict[str, bool], cached: frozenset[str],
                  back: Back | None = None) -> list[Site]:
    """``rels``: relation names -> lazily loaded; ``cached``: those the row keeps once loaded;
    ``back``: reverse accessors of Django foreign keys -> the keys (see :func:`known_parents`)."""
    key = id(project)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is project:
        return hit[1]
    sites = _compute(project, s, rels, cached, back or {})
    _CACHE.clear()
    _CACHE[key] = (project, sites)
    return sites


_CACHE: dict[int, tuple[Project, list[Site]]] = {}


Back = dict[str, dict[ClassRef | None, set[str]]]
_ACCESSOR = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*?\.([A-Za-z_]\w*)(?:\.\w+\(|$)")


def known_parents(back: Back, text: str, parent: ClassRef | None = None) -> set[str]:
    """The foreign keys the rows of a Django related manager have loaded: ``view.viewsort_set.filter(...)``
    gives rows whose ``view`` is that very instance (the manager puts it among the known related
    objects), so reading ``sort.view`` runs no query. ``back``: reverse accessor -> the model it is
    an accessor of -> the keys that give it. When several models have an accessor of that name
    (``viewsort_set`` of ``View`` through ``ViewSort.view`` and of ``Field`` through ``ViewSort.field``),
    the parent's model decides: ``parent`` (the model of the serializer whose row it is), else the
    parent's name (``view`` names ``View``); unknown, none is loaded."""
    m = _ACCESSOR.match(text)
    if m is None or "." not in text[:m.start(1)]:
        return set()
    by_model = back.get(m.group(1), {})
    if len(by_model) == 1:
        return next(iter(by_model.values()))
    if parent is not None and parent in by_model:
        return by_model[parent]
    root = text[:m.start(1) - 1].rsplit(".", 1)[-1].replace("_", "").lower()
    named = [keys for model, keys in by_model.items() if model is not None and model.name.lower() == root]
    return named[0] if len(named) == 1 else set()


def _returned_lookups(project: Project, path: str, calls: list[Call], depth: int = 0) -> set[str]:
    """The eager loading of the querysets the project functions called in ``calls`` return
    (``return cls.all_for_user(user).select_related("notification")``, ``qs = ...; return qs``), also
    through a helper that returns another's result: the rows keep it wherever they are serialized."""
    out: set[str] = set()
    if depth > 3:
        return out
    seen: set[FuncRef] = set()
    for c in calls:
        ref = project.target(path, c)
        if ref is None or ref in seen:
            continue
        seen.add(ref)
        hmod = project.modules.get(ref.path)
        if hmod is None or hmod.language != "python":
            continue
        returned = {r.value.text for r in hmod.returns if r.func == ref.func and r.value.kind == "name"}
        kept = [x for x in hmod.calls if x.func == ref.func and (
            x.context == "return" or (x.context == "chain" and x.outer_context == "return") or
            (x.assigned_to is not None and x.assigned_to in returned))]
        if kept:
            out |= _lookups(hmod, kept) | _returned_lookups(project, ref.path, kept, depth + 1)
    return out


def _compute(project: Project, s: Summaries, rels: dict[str, bool], cached: frozenset[str],
             back: Back) -> list[Site]:
    if not any(mod.language == "python" and mod.classes for mod in project.modules.values()):
        return []
    w = _Walker(project, s, rels, cached)
    if not w.sers:
        return []
    views = _classes_with(w.names, LIST_VIEW_BASES, "rest_framework")
    bases = {ref: [b for _, _, b in bs if b is not None] for ref, _, bs in w.names.hierarchy()}
    view_lookups: dict[ClassRef, set[str]] = {}
    for vref in views:
        if project.is_test(vref.path):
            continue
        vname = vref.name
        ser: ClassRef | None = None
        lookups: set[str] = set()
        # The view's own queryset and get_queryset(), and those it inherits from the project's
        # base views (NetBox's NetBoxModelViewSet.get_queryset() prefetches for every view).
        for cref in related_classes(vref, bases, limit=20):
            cmod = project.modules[cref.path]
            qcalls: list[Call] = []
            for a in _class_assigns(cmod, cref.name):
                key = a.text.split(":", 1)[0].strip()
                if key == "serializer_class" and a.value.kind in ("name", "attr") and ser is None:
                    v = a.value
                    ser = w.ser_ref(cref.path, v.ref) if v.ref else w.ser_text(cref.path, v.text)
                elif key == "queryset":
                    qcalls += [c for c in cmod.calls if c.func is None and a.loc.line <= c.loc.line <= a.loc.end_line]
            qcalls += [c for c in cmod.calls if c.func == f"{cref.name}.get_queryset"]
            lookups |= _lookups(cmod, qcalls) | _returned_lookups(project, cref.path, qcalls)
        view_lookups[vref] = lookups
        getters = [c for c in related_classes(vref, bases, limit=20)
                   if f"{c.name}.get_serializer_class" in project.modules[c.path].functions]
        own_list = _own_list(project, vref, bases)
        if own_list is None:  # DRF's list action: serializer_class over get_queryset()
            for chosen in _list_serializers(w, getters, ser):
                w.walk(chosen, "", lookups, vname)
            continue
        # The view's own list(): what it gives self.get_serializer(rows, many=True) (a serializer
        # class it calls with many=True is walked below, like any other).
        lref, lmod = own_list
        scope = [c for c in lmod.calls if c.func == lref.func]
        for c in scope:
            many = c.kwargs.get("many")
            if not c.text.endswith("self.get_serializer") or many is None or many.value is not True:
                continue
            data = c.args[0] if c.args else c.kwargs.get("instance")
            if _rows(project, s, lref.path, lmod, lref.func, data, c.loc.line, user=c):
                for chosen in _list_serializers(w, getters, ser):
                    w.walk(chosen, "", _lookups(lmod, scope) | _returned_lookups(project, lref.path, scope) | lookups,
                           lref.func)
    for path, mod in project.modules.items():
        if mod.language != "python" or project.is_test(path):
            continue
        for call in mod.calls:
            callee = call.callee
            dump = callee.endswith(("().dump", "().dumps"))
            named = callee[: -len(callee.rsplit("().", 1)[-1]) - 3] if dump else callee
            if _last(named) not in w.ser_names:
                continue
            many = call.kwargs.get("many")
            if dump and many is None and call.instance is not None:
                many = call.instance.key("many")
            if many is None or many.kind != "bool" or many.value is not True:
                continue
            ref = w.ser_ref(path, named)
            if ref is None:
                continue
            data = call.args[0] if call.args else call.kwargs.get("instance") or call.kwargs.get("obj")
            if not _rows(project, s, path, mod, call.func, data, call.loc.line, user=call):
                continue
            scope = [c for c in mod.calls if c.func == call.func]
            fn = mod.functions.get(call.func or "")
            parent = None  # the rows of a serializer method's row (``obj.viewsort_set``): of its model
            rows_text = _rows_text(mod, call.func, data, call)
            if fn is not None and fn.class_name and len(fn.params) >= 2 and rows_text.startswith(fn.params[1] + "."):
                owner = w.sers.get(_method_class(path, fn))
                parent = owner.model if owner is not None else None
            lookups = _lookups(mod, scope) | _returned_lookups(project, path, scope) | \
                known_parents(back, rows_text, parent)
            if fn is not None and fn.class_name and _method_class(path, fn) in view_lookups:
                lookups |= view_lookups[_method_class(path, fn)]
            w.walk(ref, "", lookups, call.func or "<module>")
    _pydantic_lists(project, s, w)
    return sorted(w.sites.values(), key=lambda x: (x.path, x.loc.line))


def _own_list(project: Project, vref: ClassRef, bases: dict[ClassRef, list[ClassRef]]
              ) -> tuple[FuncRef, ModuleFacts] | None:
    """The ``list()`` of the project that runs for a list view's list action instead of DRF's
    (nearest definition first; one that calls ``super().list()`` hands over to the next), or
    None when DRF's own ``ListModelMixin.list`` runs."""
    for cref in related_classes(vref, bases, limit=20):
        mod = project.modules[cref.path]
        func = f"{cref.name}.list"
        if func not in mod.functions:
            continue
        if any(c.func == func and c.text == "super().list" for c in mod.calls) or any(
                r.func == func and r.value.text.startswith("super().list(") for r in mod.returns):
            continue
        return FuncRef(cref.path, func), mod
    return None


# What a list view's request is: the ``list`` action of a viewset, a GET.
LIST_REQUEST = {"action": "list", "request.method": "GET"}
REQUEST_TEST = re.compile(r"self\.(action|request\.method)\s*(==|!=|not\s+in|in)\s*(.+)", re.S)
REQUEST_TEST_REVERSED = re.compile(r"(.+?)\s*(==|!=)\s*self\.(action|request\.method)", re.S)
LITERAL_STRING = re.compile(r"""\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*""")


def _list_serializers(w: _Walker, getters: list[ClassRef], attr: ClassRef | None) -> list[ClassRef]:
    """The serializers a list view renders its rows with. Without a ``get_serializer_class()`` of
    the project: its ``serializer_class``. With one (``getters``: the view's classes defining it,
    nearest first): the classes the nearest one returns for the ``list`` action, in order, up to a
    return taken for every list request; ``self.serializer_class`` and
    ``super().get_serializer_class()`` go on to the attribute and the next definition. A return
    vcx cannot resolve (``get_serializer_for_model(...)``) names no serializer."""
    if not getters:
        return [attr] if attr is not None else []
    cref = getters[0]
    mod = w.project.modules[cref.path]
    func = f"{cref.name}.get_serializer_class"
    out: list[ClassRef] = []
    for r in sorted((r for r in mod.returns if r.func == func), key=lambda r: r.loc):
        held = [None if (h := _holds_for_list(text)) is None else h == holds for text, holds in r.conditions]
        if False in held:
            continue  # not returned for a list request
        v = r.value
        if v.kind == "call" and v.text == "super().get_serializer_class()":
            found = _list_serializers(w, getters[1:], attr)
        elif v.text == "self.serializer_class":
            found = [attr] if attr is not None else []
        else:
            hit = (w.ser_ref(cref.path, v.ref) if v.ref else w.ser_text(cref.path, v.text)) \
                if v.kind in ("name", "attr") else None
            found = [hit] if hit is not None else []
        out += [c for c in found if c not in out]
        if all(held):
            break  # every list request returns here: later returns are for other requests
    return out


def _holds_for_list(cond: str) -> bool | None:
    """Whether a condition holds for a list request: tests of ``self.action`` (``"list"``) and
    ``self.request.method`` (``"GET"``) against strings, joined by ``and`` / ``or`` / ``not``.
    None when it depends on something else (``self.brief``, a query parameter)."""
    text = cond.strip()
    while text.startswith("(") and text.endswith(")") and len(_split_top(text[1:-1], "")) == 1:
        text = text[1:-1].strip()
    for op in (" or ", " and "):
        parts = _split_top(text, op)
        if len(parts) > 1:
            vals = [_holds_for_list(p) for p in parts]
            decisive = op == " or "  # True decides an or, False an and
            if decisive in vals:
                return decisive
            return None if None in vals else not decisive
    if text.startswith("not "):
        inner = _holds_for_list(text[4:])
        return None if inner is None else not inner
    m = REQUEST_TEST.fullmatch(text)
    if m is not None:
        what, op, other = m.groups()
    else:
        m = REQUEST_TEST_REVERSED.fullmatch(text)
        if m is None:
            return None
        other, op, what = m.groups()
    values = _string_set(other)
    if values is None or (op in ("==", "!=") and len(values) != 1):
        return None
    found = LIST_REQUEST[what] in values
    return found if op in ("==", "in") else not found


def _string_set(text: str) -> set[str] | None:
    """The strings of a string literal or of a tuple / list / set of them; None for anything else."""
    text = text.strip()
    if text[:1] in "([{" and text[-1:] in ")]}":
        text = text[1:-1]
    items = [t for t in _split_top(text, ",") if t.strip()]
    out: set[str] = set()
    for item in items:
        m = LITERAL_STRING.fullmatch(item)
        if m is None:
            return None
        out.add(m.group(1) if m.group(1) is not None else m.group(2))
    return out or None


def _split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside brackets and strings; [text] when ``sep`` is empty. A text
    whose brackets do not balance is never split (and, with an empty ``sep``, gives two parts)."""
    parts: list[str] = []
    depth, quote, start, i = 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return [text, ""]
        elif sep and depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    if depth != 0 or quote:
        return [text, ""]
    return [*parts, text[start:]]


def _pydantic_lists(project: Project, s: Summaries, w: _Walker) -> None:
    """pydantic models validated from many query rows: ``[Out.model_validate(r) for r in rows]``,
    ``map(Out.from_orm, rows)``, ``TypeAdapter(list[Out]).validate_python(rows)``,
    ``parse_obj_as(list[Out], rows)``, a FastAPI route ``response_model=list[Out]`` returning rows."""
    for path, mod in project.modules.items():
        if mod.language != "python" or project.is_test(path):
            continue
        loops = {lp.id: lp for lp in mod.loops}
        for call in mod.calls:
            meth = call.text.rpartition(".")[2]
            if not call.args or not (meth in PER_ROW_VALIDATORS or call.callee == "map" or call.callee.endswith(
                    ("TypeAdapter().validate_python", "parse_obj_as"))):
                continue  # none of the forms below
            model: ClassRef | None = None
            rows, before, attrs = None, call.loc.line, False
            kw = call.kwargs.get("from_attributes")
            attrs = kw is not None and kw.value is True
            if meth in PER_ROW_VALIDATORS and call.loops and call.args:
                lp = loops.get(call.loops[0])
                m = re.match(r"[A-Za-z_]\w*", call.args[0].text or "")
                if lp is None or m is None or m.group(0) not in lp.targets or lp.func != call.func:
                    continue
                model, rows, before = w.ser_ref(path, call.callee.rpartition(".")[0]), lp.iter, lp.loc.line
                attrs = attrs or meth == "from_orm"
            elif call.callee == "map" and len(call.args) == 2 and call.args[0].kind == "attr":
                arg = call.args[0]
                r, _, m2 = arg.text.rpartition(".")
                if m2 not in PER_ROW_VALIDATORS:
                    continue
                model = w.ser_ref(path, arg.ref.rpartition(".")[0]) if arg.ref else w.ser_text(path, r)
                rows, attrs = call.args[1], m2 == "from_orm"
            elif call.callee.endswith("TypeAdapter().validate_python") and call.args and call.instance is not None:
                t = LIST_TYPE.match((call.instance.items or [Value("other", "")])[0].text or "")
                if t is None:
                    continue
                model, rows = w.ser_text(path, t.group(1)), call.args[0]
            elif call.callee.endswith("parse_obj_as") and len(call.args) >= 2:
                t = LIST_TYPE.match(call.args[0].text or "")
                if t is None:
                    continue
                model, rows = w.ser_text(path, t.group(1)), call.args[1]
            else:
                continue
            if model is None or not (attrs or model in w.orm):
                continue
            if not _rows(project, s, path, mod, call.func, rows, before):
                continue
            w.walk(model, "", _lookups(mod, [c for c in mod.calls if c.func == call.func]), call.func or "<module>")
        for fn in mod.functions.values():  # FastAPI: @router.get("/x", response_model=list[Out]) returning rows
            for d in fn.decorators:
                dc = mod.calls[d.call_id] if d.kind == "call" and d.call_id is not None and \
                    d.call_id < len(mod.calls) else None
                rm = dc.kwargs.get("response_model") if dc is not None else None
                t = LIST_TYPE.match(rm.text or "") if rm is not None else None
                model = w.ser_text(path, t.group(1)) if t is not None else None
                if model is None or model not in w.orm:
                    continue
                scope = [c for c in mod.calls if c.func == fn.id]
                returned = [c for c in scope if c.context == "return" or
                            (c.context == "chain" and c.outer_context == "return")]
                names = {n for f, n, how in mod.name_uses if f == fn.id and how == "return"}
                if any(_call_rows(project, s, path, mod, c, 0) for c in returned) or any(
                        _rows(project, s, path, mod, fn.id, Value("name", n), fn.loc.end_line) for n in names):
                    w.walk(model, "", _lookups(mod, scope), fn.id)
