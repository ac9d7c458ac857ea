"""Python front end: one tree-sitter tree to :class:`ModuleFacts`.

Candidate nodes are found with one tree-sitter query (run in C); Python code then looks
only at those nodes and walks up from them to find their context (enclosing function,
try handlers, loops, how a call's result is used).
"""

from __future__ import annotations

import bisect
import builtins
import re
import sys
from collections.abc import Iterator
from functools import lru_cache

import tree_sitter as ts

from vcx.facts import (
    Access,
    Assign,
    Call,
    ClassInfo,
    Function,
    Handler,
    Import,
    Loop,
    ModuleFacts,
    Return,
    Value,
    merge_exits,
)
from vcx.frontends.common import Source, error_ranges, param_of_enclosing, renumber_calls, suppression
from vcx.knowledge import (
    PY_CLASS_KEYED_LOOKUPS,
    PY_EXCEPTION_CLASS_CALLS,
    PY_KEEP_SUPER_METHODS,
    PY_KEEP_UNRESOLVED,
    PY_NAME_KEYED_LOOKUPS,
    PY_UNDISPATCHED_METHODS,
)
from vcx.knowledge.databases import (
    LAZY_QUERYSET_METHODS,
    LAZY_SA_QUERY_METHODS,
    through_django_manager,
    through_django_manager_bytes,
)
from vcx.knowledge.network import ACCESS_ATTRS, CLIENT_CONSTRUCTORS
from vcx.knowledge.time import PY_AWARE_CALLS as _AWARE_CALLS
from vcx.knowledge.time import PY_FOLLOWED_CALLS, PY_MAKE_AWARE
from vcx.parse import language

# Receivers of logging calls (``logger.warning(...)``, ``self.log.info(...)``): a try that only logs
# has no channel left to report its failure (ERR004).
PY_LOG_ROOTS = frozenset({"logger", "logging", "log", "LOGGER", "LOG", "_logger", "_log"})

QUERY = """
(function_definition) @func
(lambda) @lambda
(class_definition) @class
(call) @call
(except_clause) @except
(import_statement) @import
(import_from_statement) @importfrom
(assignment) @assign
(named_expression) @walrus
(augmented_assignment left: (attribute)) @augassign
(with_item) @with
((comment) @comment (#match? @comment "vcx:"))
(call arguments: (argument_list [(lambda) (keyword_argument value: (lambda))])) @lambda_call
(await (identifier) @awaited_name)
(return_statement (identifier) @returned_name)
(return_statement [(identifier) (attribute)] @returned_value)
(return_statement (call function: (attribute object: (call function: (identifier) @_super (#eq? @_super "super"))))
 @returned_value)
(yield (identifier) @yielded_name)
(for_statement "async" right: (identifier) @iterated_name)
(for_in_clause "async" right: (identifier) @iterated_name)
(block [(return_statement) (raise_statement)] @exit)
((attribute object: (identifier) attribute: (identifier) @attr) @access (#any-of? @attr ATTRS))
[(for_statement) (while_statement) (list_comprehension) (set_comprehension) (dictionary_comprehension)
 (generator_expression)] @loop
(attribute object: (identifier) @lvname) @lvread
"""

FUNC_TYPES = frozenset({"function_definition", "lambda"})
COMPREHENSION_TYPES = frozenset({"list_comprehension", "set_comprehension", "dictionary_comprehension",
                                 "generator_expression"})


def _arms(node: ts.Node, ids: dict[int, int]) -> tuple[int, ...]:
    """The parts of its function around ``node`` that may not run each time the code around them
    does (``Access.arms``), outermost first, numbered in ``ids`` (by node) in the order first met:
    no byte offset, so an edit that changes no code changes no fact."""
    out: list[int] = []
    grand, child, cur = None, node, node.parent
    while cur is not None and cur.type not in FUNC_TYPES and cur.type not in ("class_definition", "module"):
        t = cur.type
        arm = False
        if t in ("if_statement", "elif_clause", "while_statement"):
            arm = cur.child_by_field_name("condition") != child
        elif t == "for_statement":
            arm = child in (cur.child_by_field_name("body"), cur.child_by_field_name("alternative"))
        elif t in ("try_statement", "case_clause"):
            arm = True
        elif t in COMPREHENSION_TYPES:
            # The iterable of the first ``for`` clause is evaluated at once, where the comprehension is.
            arm = not (child.type == "for_in_clause" and grand is not None
                       and child.child_by_field_name("right") == grand
                       and next((c for c in cur.named_children if c.type == "for_in_clause"), None) == child)
        elif t == "conditional_expression":
            named = cur.named_children
            arm = len(named) < 2 or named[1] != child  # ``a if cond else b``: the arms, not the test
        elif t == "boolean_operator":
            arm = cur.child_by_field_name("right") == child
        if arm:
            out.append(ids.setdefault(child.id, len(ids)))
        grand, child, cur = child, cur, cur.parent
    return tuple(reversed(out))


LOOP_TYPES = frozenset({"for_statement", "while_statement", "list_comprehension", "set_comprehension",
                        "dictionary_comprehension", "generator_expression"})
CONDITION_PARENTS = frozenset({"if_statement", "elif_clause", "while_statement", "conditional_expression",
                               "assert_statement", "comparison_operator", "boolean_operator",
                               "not_operator"})
BROAD = frozenset({"Exception", "BaseException"})
CONFIG_ROOTS = ("os.environ", "os.getenv", "os.environ.get", "settings.", "config.", "app.config",
                "current_app.config", "django.conf.settings")

MAX_VALUE_DEPTH = 12  # nested literals summarised (like the JS front end's MAX_DEPTH)
MAX_CHAIN_DEPTH = 200  # calls on call results followed for a callee name (a().b().c())

_query_cache: list[ts.Query] = []
_OTHER = Value("other", "")
# Attribute names whose assignment matters wherever it happens (x.timezone = "UTC").
ASSIGN_VOCABULARY = frozenset({"timezone", "timeout", "CELERY_TIMEZONE", "defaultZone", "handler500"})
_HEAD = re.compile(rb"[^.(\[\s]*")  # the root name of a callee expression


# The leading keyword of a SQL statement (``ModuleFacts.local_sql``).
_SQL_HEAD = re.compile(r"[\s(]*(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE|CREATE|ALTER|DROP)\b",
                       re.IGNORECASE)


def _or_names(node: ts.Node) -> tuple[ts.Node, ...]:
    """``(conn or db)``: the two names."""
    if node.type != "parenthesized_expression" or not node.named_children:
        return ()
    inner = node.named_children[0]
    op = inner.child_by_field_name("operator") if inner.type == "boolean_operator" else None
    left, right = inner.child_by_field_name("left"), inner.child_by_field_name("right")
    if op is None or op.type != "or" or left is None or right is None or left.type != "identifier" or \
            right.type != "identifier":
        return ()
    return left, right


def _empty_names(node: ts.Node, src: Source, depth: int = 0) -> set[str]:
    """The local names a condition holds only when each is empty or missing (``ModuleFacts.empty_arms``):
    ``not row``, ``row is None``, ``row == None``, ``len(rows) == 0``, ``not len(rows)``; through
    ``and`` (either side) and parentheses."""
    t = node.type
    if depth > 6:
        return set()
    if t == "parenthesized_expression" and node.named_children:
        return _empty_names(node.named_children[0], src, depth + 1)
    if t == "boolean_operator":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        op = node.child_by_field_name("operator")
        if left is None or right is None or op is None or op.type != "and":
            return set()
        return _empty_names(left, src, depth + 1) | _empty_names(right, src, depth + 1)
    if t == "not_operator":
        arg = node.child_by_field_name("argument")
        name = _len_of(arg, src) if arg is not None else None
        return {name} if name else set()
    if t == "comparison_operator" and len(node.named_children) == 2:
        ops = [c.type for c in node.children if not c.is_named]
        left, right = node.named_children
        if ops in (["is"], ["=="]) and left.type == "identifier" and right.type == "none":
            return {src.text(left)}
        if ops == ["=="] and right.type == "integer" and src.text(right) == "0":
            name = _len_of(left, src, bare=False)
            return {name} if name else set()
    return set()


def _len_of(node: ts.Node, src: Source, bare: bool = True) -> str | None:
    """``rows`` (when ``bare``) or ``len(rows)``: the name."""
    if bare and node.type == "identifier":
        return src.text(node)
    if node.type == "call":
        fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if fn is not None and src.text(fn) == "len" and args is not None and len(args.named_children) == 1 \
                and args.named_children[0].type == "identifier":
            return src.text(args.named_children[0])
    return None


# ``(conn or db).insert(...)``: a method called on whichever of two named handles is set (a
# connection passed in, else the module's database). Resolved as a call on the first name the
# front end can type (an annotated parameter, a module instance); when neither resolves, kept for
# the database methods a project wrapper of that shape offers (``summaries.classify`` judges it by
# the two names).
_EITHER = re.compile(rb"\(\s*[A-Za-z_]\w*\s+or\s+[A-Za-z_]\w*\s*\)\.\w+$")
PY_KEEP_ON_EITHER = frozenset({"insert", "update", "fetch_page"})
# A SQLAlchemy legacy query on a session the file cannot resolve (an unannotated ``db_session``
# parameter): ``db_session.query(Model)...`` -- the session name, then a model class.
_SESSION_QUERY = re.compile(rb"(?:session|db_session|dbsession|sess|db)\.query\(\s*[A-Z]\w*[.,)]")
_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_WORD = re.compile(r"[A-Za-z_]\w*")
_BUILTINS = frozenset(dir(builtins))
LAZY_METHODS = LAZY_QUERYSET_METHODS | LAZY_SA_QUERY_METHODS  # calls whose Call.reuses are recorded


def _query() -> ts.Query:
    if not _query_cache:
        attrs = " ".join(f'"{a}"' for a in sorted(ACCESS_ATTRS))
        _query_cache.append(ts.Query(language("python"), QUERY.replace("ATTRS", attrs)))
    return _query_cache[0]



def _try_bound(try_node: ts.Node, child: ts.Node) -> tuple[int, int] | None:
    """Where the code starts that may still run after a return or raise in ``child`` of a try
    statement, as a (line, column): from the try body, its first handler (else its ``finally``);
    from a handler or the ``else`` clause, its ``finally``. None when there is none there: the
    exit leaves the whole try statement."""
    handler = final = None
    for c in try_node.named_children:
        if c.type in ("except_clause", "except_group_clause") and handler is None:
            handler = c
        elif c.type == "finally_clause":
            final = c
    if try_node.child_by_field_name("body") == child:
        nxt = handler if handler is not None else final
    else:
        nxt = final if child.type in ("except_clause", "except_group_clause", "else_clause") else None
    return (nxt.start_point[0] + 1, nxt.start_point[1] + 1) if nxt is not None else None


def _returns_literal(st: ts.Node) -> bool:
    """``st`` is ``return <literal>``: ``True``, ``False``, ``None``, a number or a plain string."""
    if st.type != "return_statement":
        return False
    vals = [c for c in st.named_children if c.type != "comment"]
    if len(vals) != 1:
        return False
    v = vals[0]
    return v.type in ("true", "false", "none", "integer", "float") or (
        v.type == "string" and not any(c.type == "interpolation" for c in v.named_children))

class _Extractor:
    def __init__(self, source: bytes, path: str) -> None:
        self.src = Source(source)
        self.path = path
        self.facts = ModuleFacts(path=path, language="python", lines=source.count(b"\n") + 1)
        # Name bindings: (scope function id or None, name) -> canonical name.
        self.aliases: dict[str, str] = {}
        # Instances: (scope, name) -> (ctor canonical, ctor Value).
        self.instances: dict[tuple[str | None, str], tuple[str, Value]] = {}
        self.class_instances: dict[tuple[str, str], tuple[str, Value]] = {}
        # (scope, local) assigned from a method of a class-like name (``repo = Repo.from_session(s)``):
        # calls on it are kept (``Call.factory``) for link to follow a factory that returns the class.
        self.factory_locals: set[tuple[str | None, str]] = set()
        # (scope, parameter) typed by an annotation naming a class (``w: Wallet``): in ``instances``.
        self.typed_params: set[tuple[str | None, str]] = set()
        self.func_ids: dict[int, str] = {}  # node.id -> Function id
        self.local_funcs: dict[str, str] = {}  # module-level def name -> id
        self.classes: dict[str, str] = {}  # class name -> qualname (a module-level class before a nested one)
        self.class_qualnames: set[str] = set()
        self.nested_class_names: set[str] = set()  # names of the classes defined in a class or function
        self.call_ids: dict[int, int] = {}  # node.id -> Call id
        self.handler_ids: dict[int, int] = {}  # except_clause node.id -> Handler id
        self.loop_ids: dict[int, int] = {}
        # if statement node.id -> its number (not its offset: a comment edited above must not change the facts)
        self.if_ids: dict[int, int] = {}
        # Block node id -> (start byte, end point) of its first ``return`` / ``raise`` statement.
        self._exit_of_block: dict[int, tuple[int, tuple[int, int]]] = {}
        self._call_values: list[Value] = []
        self._class_nodes: list[ts.Node] = []
        self._saved: set[tuple[str | None, str]] = set()
        self._statement: ts.Node | None = None  # the assignment _context() found the call's value in
        self._root: ts.Node | None = None
        self._arms_seen: set[tuple[int, int]] = set()
        self._binders: list[ts.Node] = []  # assignments and ``:=`` of the file, in source order
        self._binder_starts: list[int] = []
        self._spans: dict[str, tuple[int, int]] | None = None  # function id -> byte range
        self._names_of_bodies: dict[tuple[str, str], frozenset[bytes]] = {}  # see _body_names

    # -- entry ---------------------------------------------------------------
    def run(self, tree: ts.Tree) -> ModuleFacts:
        root = self._root = tree.root_node
        caps = ts.QueryCursor(_query()).captures(root)
        self.facts.has_errors = root.has_error
        self.facts.error_ranges = error_ranges(root)

        def nodes(name: str) -> list[ts.Node]:
            # A total order: the capture order of py-tree-sitter varies between processes, and
            # a call and the call on its result start at the same byte (outer first, as in JS).
            return sorted(caps.get(name, []), key=lambda n: (n.start_byte, -n.end_byte, n.type))

        for n in nodes("comment"):
            ids = suppression(self.src.text(n))
            if ids is not None:
                line = n.start_point[0] + 1
                self.facts.suppressions[line] = self.facts.suppressions.get(line, ()) + ids \
                    if ids and self.facts.suppressions.get(line) else ids
        for n in nodes("import"):
            self._import(n)
        for n in nodes("importfrom"):
            self._import_from(n)
        for n in nodes("class"):
            name = n.child_by_field_name("name")
            if name is not None:
                text, qual = self.src.text(name), self._qualname(n)
                self.class_qualnames.add(qual)
                if qual != text:
                    self.nested_class_names.add(text)
                if self.classes.get(text) != text:  # a nested class never shadows the module's
                    self.classes[text] = qual
                self._class_nodes.append(n)
        self._has_star_import = any(i.name == "*" for i in self.facts.imports)
        calls = nodes("call")
        for i, n in enumerate(calls):
            self.call_ids[n.id] = i
        funcs = sorted(nodes("func") + nodes("lambda"), key=lambda n: n.start_byte)
        for n in funcs:
            self._function(n)
        self._index_functions(funcs)
        # Instances before calls, so that calls on them resolve.
        for n in nodes("assign"):
            self._instance_assign(n)
        for n in nodes("with"):
            self._with_instance(n)
        for n in nodes("except"):
            self._handler(n)
        self._index_tries(nodes("except"))
        for n in self._class_nodes:
            self._class_info(n)
        self._binders = sorted(nodes("assign") + nodes("walrus"), key=lambda n: n.start_byte)
        self._binder_starts = [n.start_byte for n in self._binders]
        loop_names = self._loops(nodes("loop"))
        self._loop_derived(self._binders)
        # The first ``return`` / ``raise`` of each block: the code before it in its block always
        # leaves the function there (TXN001: a write there never runs before a later one).
        for n in sorted(caps.get("exit", []), key=lambda n: -n.start_byte):
            if n.parent is not None:
                self._exit_of_block[n.parent.id] = (n.start_byte, (n.end_point[0] + 1, n.end_point[1] + 1))
        self.facts.calls = [None] * len(calls)  # type: ignore[list-item]  # filled by _call, compacted in finish
        self._lambda_calls = {n.id for n in caps.get("lambda_call", [])}
        # The names of the parameters of the file's functions: a bare call of one of them in its
        # function or a nested one (``func(*args)`` in a decorator's wrapper) is kept (``_param_call``).
        self._param_names = {p for f in self.facts.functions.values() for p in f.params} - {"self", "cls"}
        bound = set(self.aliases) | set(self.local_funcs) | set(self.classes) | PY_KEEP_UNRESOLVED
        bound.update(name for _, name in self.instances)
        bound.update(name for _, name in self.factory_locals)
        bound.update(("self", "cls"))
        data = self.src.data
        for n in calls:
            fn = n.child_by_field_name("function")
            if fn is None:
                continue
            # Cheap first look: a call whose root name is bound to nothing known is dropped
            # before any resolution work (most calls of a code base are such calls), unless it
            # goes through a Django manager (``model.objects.filter`` on a loop variable).
            if fn.type in ("identifier", "attribute"):
                head = _HEAD.match(data, fn.start_byte, fn.end_byte).group(0).decode("utf-8", "replace")
                if head not in bound and n.id not in self._lambda_calls and \
                        not through_django_manager_bytes(data[fn.start_byte:fn.end_byte]) and \
                        not _SESSION_QUERY.match(data, fn.start_byte, fn.end_byte) and \
                        not self._star_bound(fn, head) and not self._param_call(n, fn, head):
                    last = fn.child_by_field_name("attribute") if fn.type == "attribute" else None
                    method = data[last.start_byte:last.end_byte].decode("utf-8", "replace") if last is not None else ""
                    if method not in PY_KEEP_UNRESOLVED and not (head == "super" and method in PY_KEEP_SUPER_METHODS) \
                            and not (method in _LOOKUPS and self._lookup_call(n, fn)) \
                            and not _EITHER.match(data, fn.start_byte, fn.end_byte):
                        self._note_names_used(n, fn, head)
                        if last is not None and self._try_starts:  # a method of an unbound name, in a try?
                            self._dispatch(n, fn, None)
                        continue
            self._call(n)
        # Objects saved in a function (``p.save()``): their attribute assignments stage a change (TXN001).
        self._saved = {(c.func, c.text[:-5] if c.text.endswith(".save") else c.text[:-6]) for c in self.facts.calls
                       if c is not None and c.text.endswith((".save", ".asave"))}
        for n in nodes("assign"):
            self._assign(n)
        for n in nodes("augassign"):  # wallet.balance -= amount (read-modify-write, TXN002)
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            op = n.child_by_field_name("operator")
            if left is not None and right is not None:
                text = self.src.text(left, 80)
                val = Value("other", f"{self.src.text(op) if op is not None else '?='} {self.src.text(right, 80)}")
                self.facts.assigns.append(Assign(text, val, self.src.loc(n), self._scope_of(n), text))
        for n in nodes("access"):
            self._access(n)
        row_names = self._row_params()
        self._arm_ids: dict[int, int] = {}
        if loop_names or row_names:
            for n in nodes("lvread"):  # in source order (capture order varies)
                obj = n.child_by_field_name("object")
                if obj is None:
                    continue
                name = data[obj.start_byte:obj.end_byte]
                if name in loop_names or (name in row_names and self._scope_of(n) in row_names[name]):
                    self._member_read(n)
        for cap, how in (("awaited_name", "await"), ("returned_name", "return"), ("yielded_name", "yield"),
                         ("iterated_name", "iterate")):
            for n in nodes(cap):
                self.facts.name_uses.append((self._scope_of(n), self.src.text(n), how))
        for n in nodes("returned_value"):
            self._return(n)
        return self.facts

    def _star_bound(self, fn: ts.Node, name: str) -> bool:
        """A bare call (``helper(x)``) of a name that a ``from x import *`` may bind: kept as
        written, for the link stage to find in the modules imported so. Builtins and private
        names (which ``*`` does not import) are not."""
        return fn.type == "identifier" and self._has_star_import and not name.startswith("_") \
            and name not in _BUILTINS

    def _param_call(self, call: ts.Node, fn: ts.Node, name: str) -> bool:
        """A bare call of a parameter of the enclosing function or of a function around it: the
        wrapper of a decorator calling the function it wraps (``return func(*args, **kwargs)`` in
        ``def wrapper`` in ``def decorator(func)``), a helper calling the callback it is given. Kept
        as a fact, callee and text the name as written, with its enclosing handlers: whether such a
        call sits in a try is whether the wrapper handles the errors of what it wraps (ERR001)."""
        if fn.type != "identifier" or name not in self._param_names:
            return False
        return param_of_enclosing(self.facts.functions, name, self._scope_of(call))

    def _note_names_used(self, call: ts.Node, fn: ts.Node, head: str) -> None:
        """A call not kept as a fact still settles a coroutine kept in a local it is made on or
        given (``c.close()``, ``register(c)``): record those names as used (``name_uses``)."""
        scope = self._scope_of(call)
        if fn.type == "attribute" and head:
            self.facts.name_uses.append((scope, head, "call"))
        args = call.child_by_field_name("arguments")
        for a in args.named_children if args is not None else ():
            if a.type == "keyword_argument":
                a = a.child_by_field_name("value") or a
            if a.type == "identifier":
                self.facts.name_uses.append((scope, self.src.text(a), "call"))

    def _index_tries(self, excepts: list[ts.Node]) -> None:
        """Byte intervals of the bodies of the try statements that have an ``except`` (sorted,
        nested), for a cheap first look at whether a call sits in one (``_dispatch``)."""
        bodies: dict[int, tuple[int, int]] = {}
        for n in excepts:
            try_node = n.parent
            body = try_node.child_by_field_name("body") if try_node is not None else None
            if body is not None:
                bodies[body.id] = (body.start_byte, body.end_byte)
        self._try_starts: list[int] = []
        self._try_ends: list[int] = []
        self._try_parents: list[int] = []
        stack: list[int] = []
        for start, end in sorted(bodies.values()):
            while stack and self._try_ends[stack[-1]] < end:
                stack.pop()
            self._try_starts.append(start)
            self._try_ends.append(end)
            self._try_parents.append(stack[-1] if stack else -1)
            stack.append(len(self._try_starts) - 1)

    def _dispatch(self, node: ts.Node, fn: ts.Node, scope: str | None) -> None:
        """A method call on a receiver the file does not resolve (``runner.run_query(q)``,
        ``self.query_runner.get_schema()``) in a try of its function, or a ``self.m()`` /
        ``cls.m()`` of a method the class inherits: kept apart, in ``ModuleFacts.dispatches``
        (ERR001: it may reach a project method by dynamic dispatch). Of the calls on other
        receivers only those in a try are kept: they are the ones that can handle a failure,
        and most calls of a code base sit in none."""
        obj = fn.child_by_field_name("object")
        if obj is None:
            return
        on_self = obj.type == "identifier" and self.src.text(obj) in ("self", "cls")
        if not on_self and obj.type not in ("identifier", "attribute"):
            return
        in_try = False
        if self._try_starts:
            start, end = node.start_byte, node.end_byte
            i = bisect.bisect_right(self._try_starts, start) - 1
            while i >= 0 and self._try_ends[i] < end:
                i = self._try_parents[i]
            in_try = i >= 0
        if not in_try and not on_self:
            return
        attr = fn.child_by_field_name("attribute")
        if attr is None:
            return
        name = self.src.text(attr)
        if name.startswith("__") or name in PY_UNDISPATCHED_METHODS:
            return
        text = self.src.text(fn, 120)
        if not _DOTTED_NAME.fullmatch(text):
            return
        handlers: list[int] = []
        child, cur = node, node.parent if in_try else None
        while cur is not None and cur.type not in FUNC_TYPES:
            if cur.type == "try_statement" and cur.child_by_field_name("body") == child:
                handlers.extend(self.handler_ids[c.id] for c in cur.named_children
                                if c.type == "except_clause" and c.id in self.handler_ids)
            child, cur = cur, cur.parent
        if handlers or on_self:  # not when the try is around the function the call is in
            self.facts.dispatches.append(Call(
                id=len(self.facts.dispatches), callee=text, text=text, snippet="", loc=self.src.loc(node),
                func=self._scope_of(node) if scope is None else scope, handlers=tuple(handlers)))

    # -- names ---------------------------------------------------------------
    def _qualname(self, node: ts.Node) -> str:
        parts: list[str] = []
        cur: ts.Node | None = node
        while cur is not None:
            if cur.type in ("function_definition", "class_definition"):
                name = cur.child_by_field_name("name")
                parts.append(self.src.text(name) if name is not None else "?")
                if cur is not node and cur.type == "function_definition":
                    parts[-1] += ".<locals>"
            elif cur.type == "lambda":
                parts.append(f"<lambda@{cur.start_point[0] + 1}:{cur.start_point[1] + 1}>")
            cur = cur.parent
        return ".".join(reversed(parts))

    def _index_functions(self, funcs: list[ts.Node]) -> None:
        """Byte intervals of the functions (sorted, nested) for fast innermost-scope lookups."""
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._ids: list[str | None] = []
        self._parents: list[int] = []
        stack: list[int] = []
        for n in funcs:  # sorted by start
            while stack and self._ends[stack[-1]] < n.end_byte:
                stack.pop()
            self._starts.append(n.start_byte)
            self._ends.append(n.end_byte)
            self._ids.append(self.func_ids.get(n.id))
            self._parents.append(stack[-1] if stack else -1)
            stack.append(len(self._starts) - 1)

    def _scope_of(self, node: ts.Node) -> str | None:
        """Innermost function strictly containing ``node`` (not a function node itself)."""
        start, end = node.start_byte, node.end_byte
        i = bisect.bisect_right(self._starts, start) - 1
        while i >= 0:
            if self._ends[i] >= end and (self._starts[i] < start or self._ends[i] > end):
                return self._ids[i]
            i = self._parents[i]
        return None

    def _scope(self, node: ts.Node) -> str | None:
        cur = node.parent
        while cur is not None:
            if cur.type in FUNC_TYPES:
                return self.func_ids.get(cur.id)
            cur = cur.parent
        return None

    @staticmethod
    def _in_class_body(node: ts.Node) -> bool:
        """The node is in a class body, not in one of its methods (``data = models.JSONField()``)."""
        cur = node.parent
        while cur is not None:
            if cur.type in FUNC_TYPES:
                return False
            if cur.type == "class_definition":
                return True
            cur = cur.parent
        return False

    def _class_of(self, node: ts.Node) -> str | None:
        cur = node.parent
        while cur is not None:
            if cur.type == "class_definition":
                name = cur.child_by_field_name("name")
                return self.src.text(name) if name is not None else None
            cur = cur.parent
        return None

    def _class_body(self, node: ts.Node, through_functions: bool) -> str | None:
        """The qualified name of the class whose body ``node`` is in (its bases are not: they are
        read in the enclosing scope); with ``through_functions``, also in one of its methods."""
        child, cur = node, node.parent
        while cur is not None:
            if cur.type == "class_definition" and cur.child_by_field_name("superclasses") != child:
                return self._qualname(cur)
            if cur.type in FUNC_TYPES and not through_functions:
                return None
            child, cur = cur, cur.parent
        return None

    def resolve(self, text: str, scope: str | None, node: ts.Node | None = None) -> str:
        """Canonical name of a dotted expression text as seen from ``scope``."""
        root, _, rest = text.partition(".")
        if root in ("self", "cls") and rest:  # cls.helper(...) in a classmethod, as self.helper(...)
            cls = self._class_of(node) if node is not None else None
            attr, _, tail = rest.partition(".")
            if cls and (cls, attr) in self.class_instances:
                ctor = self.class_instances[(cls, attr)][0]
                return f"{ctor}()" + (f".{tail}" if tail else "")
            if cls and not tail and f"{cls}.{attr}" in self.facts.functions:
                return f"local:{cls}.{attr}"
            if not tail and attr in self.nested_class_names and node is not None:  # self.OutputSerializer
                outer = self._class_body(node, through_functions=True)
                if outer is not None and f"{outer}.{attr}" in self.class_qualnames:
                    return f"local:{outer}.{attr}"
            return text
        if root in self.nested_class_names and node is not None:  # a name in a class body: its nested class
            outer = self._class_body(node, through_functions=False)
            if outer is not None and f"{outer}.{root}" in self.class_qualnames:
                return f"local:{outer}.{root}" + (f".{rest}" if rest else "")
        inst = self._instance(root, scope)
        if inst is not None:
            return f"{inst[0]}()" + (f".{rest}" if rest else "")
        if root in self.aliases:
            base = self.aliases[root]
            return f"{base}.{rest}" if rest else base
        if not rest and root in self.local_funcs:
            return f"local:{self.local_funcs[root]}"
        if root in self.classes:
            cls = self.classes[root]
            if rest and f"{cls}.{rest}" in self.facts.functions:
                return f"local:{cls}.{rest}"
            return f"local:{cls}" + (f".{rest}" if rest else "")
        return text

    def _factory_local(self, name: str, scope: str | None) -> bool:
        cur = scope
        while True:
            if (cur, name) in self.factory_locals:
                return True
            if cur is None:
                return False
            cur = self.facts.functions[cur].parent if cur in self.facts.functions else None

    def _instance(self, name: str, scope: str | None) -> tuple[str, Value] | None:
        cur = scope
        while True:
            hit = self.instances.get((cur, name))
            if hit is not None:
                return hit
            if cur is None:
                return None
            cur = self.facts.functions[cur].parent if cur in self.facts.functions else None

    # -- imports -------------------------------------------------------------
    def _import(self, node: ts.Node) -> None:
        for child in node.named_children:
            if child.type == "dotted_name":
                mod = self.src.text(child)
                self.aliases[mod.split(".")[0]] = mod.split(".")[0]
                self.facts.imports.append(Import(mod.split(".")[0], mod, None, self.src.loc(child)))
            elif child.type == "aliased_import":
                name, alias = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name is None or alias is None:
                    continue
                mod = self.src.text(name)
                self.aliases[self.src.text(alias)] = mod
                self.facts.imports.append(Import(self.src.text(alias), mod, None, self.src.loc(child)))

    def _import_from(self, node: ts.Node) -> None:
        mod_node = node.child_by_field_name("module_name")
        if mod_node is None:
            return
        mod = self.src.text(mod_node)
        relative = mod.startswith(".")
        star = next((c for c in node.named_children if c.type == "wildcard_import"), None)
        if star is not None:  # from .models import *: the names it binds are found by the link stage
            self.facts.imports.append(Import("*", mod, "*", self.src.loc(star), relative))
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                name_n, alias_n = child.child_by_field_name("name"), child.child_by_field_name("alias")
                if name_n is None or alias_n is None:
                    continue
                name, local = self.src.text(name_n), self.src.text(alias_n)
            else:
                name = local = self.src.text(child)
            self.facts.imports.append(Import(local, mod, name, self.src.loc(child), relative))
            if relative:
                self.aliases[local] = f"import:{mod}:{name}"
            else:
                self.aliases[local] = f"{mod}.{name}"

    # -- functions -----------------------------------------------------------
    def _function(self, node: ts.Node) -> None:
        qual = self._qualname(node)
        parent = self._scope(node)
        is_lambda = node.type == "lambda"
        name_n = node.child_by_field_name("name")
        name = self.src.text(name_n) if name_n is not None else qual.rsplit(".", 1)[-1]
        params: list[str] = []
        pnode = node.child_by_field_name("parameters")
        if pnode is not None:
            for p in pnode.named_children:
                ident = p if p.type == "identifier" else (p.child_by_field_name("name") or
                                                          next((c for c in p.named_children
                                                                if c.type == "identifier"), None))
                if ident is not None:
                    params.append(self.src.text(ident))
        decorators: list[Value] = []
        is_async = False
        if not is_lambda:
            is_async = node.children[0].type == "async" if node.children else False
            if node.parent is not None and node.parent.type == "decorated_definition":
                for d in node.parent.named_children:
                    if d.type == "decorator" and d.named_children:
                        decorators.append(self.value(d.named_children[0], parent))
        if pnode is not None and not is_lambda:
            for p in pnode.named_children:
                if p.type in ("typed_parameter", "typed_default_parameter"):
                    self._typed_param(p, qual)
        cls = self._class_of(node) if not is_lambda else None
        fn = Function(id=qual, name=name, loc=self.src.loc(node), is_async=is_async, params=params,
                      decorators=decorators, exported=parent is None and not name.startswith("_"),
                      class_name=cls if parent is None else None, parent=parent)
        rtype = node.child_by_field_name("return_type") if cls is not None and parent is None else None
        if rtype is not None:  # -> Self, -> "Repo" in class Repo: an instance of the class it is called on
            ann = self.src.text(rtype, 80).strip().strip("\"'")
            fn.returns_self = ann in ("Self", "typing.Self", "typing_extensions.Self", cls)
        rnode = node.child_by_field_name("return_type") if not is_lambda else None
        if rnode is not None:  # -> Wallet: what a call of it gives, for link to type a local with
            ann = _annotated_class(self.src.text(rnode, 200))
            if ann is not None and ann not in ("Self", "typing.Self", "typing_extensions.Self"):
                ref = self.resolve(ann, None, rnode)
                if _looks_like_class(ref) and ref.split(".", 1)[0] not in _NOT_PROJECT_ROOTS:
                    fn.returns = ref
        # (the walks below run only where the function's text has what they look for)
        if is_async and self.src.data.find(b"yield", node.start_byte, node.end_byte) >= 0:
            fn.generator = _yields(node)
        if cls is not None and parent is None and not fn.returns_self and \
                any(d.text == "classmethod" for d in decorators) and \
                _RETURN_CLS.search(self.src.data, node.start_byte, node.end_byte) is not None:
            fn.returns_self = _returns_cls_call(node, self.src)  # return cls(...)
        if not is_lambda and self.src.data.find(b"yield", node.start_byte, node.end_byte) >= 0 and \
                any(d.text.rsplit(".", 1)[-1] in ("contextmanager", "asynccontextmanager") for d in decorators):
            fn.yields = self._yielded_class(node, None)  # @contextmanager: what `with f() as x` binds
            if not fn.yields:
                fn.yields = self._yielded_class(node, rnode)
                fn.yields_declared = bool(fn.yields)
        if not is_lambda and _RETURN_NEW.search(self.src.data, node.start_byte, node.end_byte) is not None:
            fn.returns_new = self._returned_new(node)  # return Client(...)
        if cls is not None and parent is None and name in ("__enter__", "__aenter__") and not fn.returns_self:
            fn.returns_self = _returns_only_self(node)  # return self
        if is_lambda and node.parent is not None and node.parent.type in ("argument_list", "keyword_argument"):
            fn.is_callback = True
        self.facts.functions[qual] = fn
        self.func_ids[node.id] = qual
        if parent is None and cls is None and not is_lambda:
            self.local_funcs[name] = qual

    def _class_made(self, v: ts.Node | None, node: ts.Node) -> str:
        """The canonical name of the class a call expression instantiates (``Connection(...)``),
        or "" when it is no call of a class-like name of the project's."""
        f = v.child_by_field_name("function") if v is not None and v.type == "call" else None
        if f is None or f.type not in ("identifier", "attribute"):
            return ""
        ref = self.resolve(self.src.text(f), None, node)
        return ref if _looks_like_class(ref) and ref.split(".", 1)[0] not in _NOT_PROJECT_ROOTS else ""

    def _yielded_class(self, node: ts.Node, rnode: ts.Node | None) -> str:
        """A ``@contextmanager`` / ``@asynccontextmanager`` function's: the class of what it yields,
        from the annotation (``-> AsyncIterator[Connection]``, ``Generator[Session, None, None]``)
        or from its own ``yield Connection(...)`` / ``yield conn`` after ``conn = Connection(...)``."""
        if rnode is not None:
            m = _ITERATOR_ANN.match(self.src.text(rnode, 200).strip().strip("\"'"))
            ann = _annotated_class(m.group(1)) if m is not None else None
            if ann is not None:
                ref = self.resolve(ann, None, rnode)
                if _looks_like_class(ref) and ref.split(".", 1)[0] not in _NOT_PROJECT_ROOTS:
                    return ref
        body = node.child_by_field_name("body")
        todo = list(body.named_children) if body is not None else []
        made: dict[str, str] = {}  # local -> the class a call assigned to it instantiates
        yielded: list[ts.Node] = []
        while todo:
            n = todo.pop()
            if n.type in FUNC_TYPES or n.type == "class_definition":
                continue
            if n.type == "yield":
                yielded.extend(n.named_children[:1])
                continue
            if n.type == "assignment":
                left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                if left is not None and left.type == "identifier":
                    made[self.src.text(left)] = self._class_made(right, n)
            todo.extend(n.named_children)
        found = {self._class_made(v, v) if v.type == "call" else
                 made.get(self.src.text(v), "") if v.type == "identifier" else "" for v in yielded}
        return found.pop() if len(found) == 1 else ""

    def _returned_new(self, node: ts.Node) -> tuple[str, ...]:
        """The classes a function's own ``return Client(...)`` statements instantiate."""
        body = node.child_by_field_name("body")
        todo = list(body.named_children) if body is not None else []
        out: list[str] = []
        while todo:
            n = todo.pop()
            if n.type in FUNC_TYPES or n.type == "class_definition":
                continue
            if n.type == "return_statement":
                made = self._class_made(n.named_children[0] if n.named_children else None, n)
                if made and made not in out:
                    out.append(made)
                continue
            todo.extend(n.named_children)
        return tuple(out)

    def _typed_param(self, p: ts.Node, scope: str) -> None:
        """``session: aiohttp.ClientSession`` makes ``session`` an instance in the function."""
        ident = p.child_by_field_name("name") or next((c for c in p.named_children if c.type == "identifier"),
                                                      None)
        typ = p.child_by_field_name("type")
        if ident is None or typ is None:
            return
        name = _annotated_class(self.src.text(typ, 200))
        if name is None:
            return  # a container (dict[..., X], list[X]) or no class: not an instance of anything
        ref = self.resolve(name, None, typ)
        if ref in CLIENT_CONSTRUCTORS or _looks_like_class(ref):
            self.instances[(scope, self.src.text(ident))] = (ref, Value("call", name, keys={}, items=[]))
            self.typed_params.add((scope, self.src.text(ident)))

    def _typed_local(self, name: str, scope: str | None) -> bool:
        """The instance ``name`` resolves to in ``scope`` is a parameter typed by an annotation."""
        cur = scope
        while True:
            if (cur, name) in self.instances:
                return (cur, name) in self.typed_params
            if cur is None:
                return False
            cur = self.facts.functions[cur].parent if cur in self.facts.functions else None

    # -- values --------------------------------------------------------------
    def value(self, node: ts.Node, scope: str | None, depth: int = 0) -> Value:
        t = node.type
        if depth > MAX_VALUE_DEPTH:  # nested literals: summarise the outer levels only
            return Value("other", self.src.text(node, 40))
        if t == "string":
            parts = []
            holes: list[Value] = []  # what fills each hole (names and attributes: a URL's address)
            for c in node.named_children:
                if c.type == "string_content":
                    parts.append(self.src.text(c))
                elif c.type == "interpolation":
                    parts.append("{}")
                    expr = c.child_by_field_name("expression")
                    holes.append(self.value(expr, scope) if expr is not None and expr.type in
                                 ("identifier", "attribute") else _OTHER)
                elif c.type == "escape_sequence":
                    parts.append(self.src.text(c))
            # A string literal's text is its value: not stored twice.
            return Value("template" if holes else "str", "", "".join(parts), items=holes or None)
        text = self.src.text(node, 40) if t not in ("dictionary", "list", "tuple", "set") else ""
        if t == "concatenated_string":
            return Value("str", "", "".join(
                self.value(c, scope, depth + 1).value or "" for c in node.named_children))  # type: ignore[misc]
        if t in ("integer", "float"):
            try:
                num = float(eval_number(self.src.text(node)))
            except ValueError:
                return Value("other", text)
            return Value("num", text, num)
        if t == "unary_operator" and node.named_children and node.named_children[-1].type in ("integer", "float"):
            v = self.value(node.named_children[-1], scope, depth + 1)
            if v.kind == "num" and self.src.text(node).startswith("-"):
                v.value = -float(v.value)  # type: ignore[arg-type]
            v.text = text
            return v
        if t in ("true", "false"):
            return Value("bool", text, t == "true")
        if t == "none":
            return Value("none", text)
        if t == "identifier":
            ref = self.resolve(text, scope, node)
            return Value("name", text, ref=ref, from_config=_is_config(ref))
        if t == "attribute":
            ref = self.resolve(self.src.text(node), scope, node)
            return Value("attr", text, ref=ref, from_config=_is_config(ref))
        if t == "call":
            fn = node.child_by_field_name("function")
            ref = self._callee(fn, scope, node) if fn is not None else "?"
            v = Value("call", text, ref=ref, call_id=self.call_ids.get(node.id))
            self._call_values.append(v)
            if ref == "range":  # range(3), range(1, n + 1): its bounds (the call itself is not kept)
                rargs = node.child_by_field_name("arguments")
                if rargs is not None and 0 < len(rargs.named_children) <= 3:
                    v.items = [self.value(a, scope, depth + 1) for a in rargs.named_children]
            v.from_config = _is_config(ref) or (ref.endswith((".get", ".getenv")) and _is_config(ref[:-4]))
            if not v.from_config:
                args = node.child_by_field_name("arguments")
                if args is not None and ref in ("int", "float", "str", "bool", "Decimal", "timedelta",
                                                "datetime.timedelta"):
                    v.from_config = any(self.value(a, scope, depth + 1).from_config for a in args.named_children)
            return v
        if t == "lambda":
            return Value("func", text, func_id=self.func_ids.get(node.id))
        if t == "dictionary":
            keys: dict[str, Value] = {}
            for pair in node.named_children:
                if pair.type == "pair":
                    k, v2 = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                    if k is not None and v2 is not None and k.type == "string":
                        kv = self.value(k, scope, depth + 1)
                        if kv.kind == "str":
                            keys[str(kv.value)] = self.value(v2, scope, depth + 1)
            return Value("object", text, keys=keys)
        if t in ("list", "tuple", "set"):
            return Value("array", text, items=[self.value(c, scope, depth + 1) for c in node.named_children[:50]])
        if t in ("list_splat", "dictionary_splat"):
            return Value("spread", text)
        if t in ("list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"):
            clauses = [c for c in node.named_children if c.type == "for_in_clause"]
            right = clauses[0].child_by_field_name("right") if len(clauses) == 1 else None
            if right is not None:  # {q.value for q in Queue}: as many elements as Queue at most
                return Value("other", text, items=[self.value(right, scope, depth + 1)])
        if t == "boolean_operator":
            # `os.getenv("X") or 30`: the literal is a fallback of a configuration read.
            left = node.child_by_field_name("left")
            if left is not None and self.value(left, scope, depth + 1).from_config:
                return Value("other", text, from_config=True)
        if t == "parenthesized_expression" and node.named_children:
            return self.value(node.named_children[0], scope, depth + 1)
        if t == "keyword_argument":
            v2 = node.child_by_field_name("value")
            if v2 is not None:
                return self.value(v2, scope, depth + 1)
        return Value("other", text)

    def _light_value(self, node: ts.Node, scope: str | None) -> Value:
        """The cheap summary for arguments of unknown calls: functions and names only."""
        t = node.type
        if t == "lambda":
            return Value("func", "lambda", func_id=self.func_ids.get(node.id))
        if t in ("identifier", "attribute"):
            return self.value(node, scope)
        return _OTHER

    def _callee(self, fn: ts.Node, scope: str | None, call: ts.Node, depth: int = 0) -> str:
        if fn.type in ("identifier", "attribute"):
            if fn.type == "attribute":
                obj = fn.child_by_field_name("object")
                attr = fn.child_by_field_name("attribute")
                if obj is not None and attr is not None and obj.type == "call":
                    inner = obj.child_by_field_name("function")
                    base = self._callee(inner, scope, obj, depth + 1) \
                        if inner is not None and depth < MAX_CHAIN_DEPTH else "?"
                    return f"{base}().{self.src.text(attr)}"
                # (conn or db).execute(...): the connection given (typed by its annotation), else the
                # module's `db`, whichever the front end can name first
                for either in _or_names(obj) if obj is not None and attr is not None else ():
                    name = f"{self.src.text(either)}.{self.src.text(attr)}"  # type: ignore[arg-type]
                    got = self.resolve(name, scope, call)
                    if got != name:
                        return got
                if obj is not None and obj.type not in ("identifier", "attribute"):
                    return "?." + self.src.text(attr) if attr is not None else "?"
            return self.resolve(self.src.text(fn), scope, call)
        return "?"

    # -- instances -----------------------------------------------------------
    def _ctor_of(self, node: ts.Node, scope: str | None) -> tuple[str, Value] | None:
        if node.type == "await" and node.named_children:
            node = node.named_children[0]
        if node.type != "call":
            return None
        fn = node.child_by_field_name("function")
        if fn is None:
            return None
        callee = self._callee(fn, scope, node)
        if callee in CLIENT_CONSTRUCTORS or _is_tracked_ctor(callee) or _looks_like_class(callee):
            return callee, self._options(node, scope)
        return None

    def _options(self, call: ts.Node, scope: str | None) -> Value:
        keys: dict[str, Value] = {}
        items: list[Value] = []
        args = call.child_by_field_name("arguments")
        if args is not None:
            for a in args.named_children:
                if a.type == "keyword_argument":
                    k = a.child_by_field_name("name")
                    v = a.child_by_field_name("value")
                    if k is not None and v is not None:
                        keys[self.src.text(k)] = self.value(v, scope)
                elif a.type == "dictionary_splat":
                    keys["**"] = Value("spread", self.src.text(a))
                elif a.type != "comment":
                    items.append(self.value(a, scope))
        return Value("call", self.src.text(call, 80), keys=keys, items=items)

    def _instance_assign(self, node: ts.Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return
        scope = self._scope_of(node)
        ctor = self._ctor_of(right, scope)
        if ctor is None:
            if left.type == "identifier" and not self._in_class_body(node) and self._factory_value(right, scope):
                self.factory_locals.add((scope, self.src.text(left)))
            return
        if left.type == "identifier":
            if not self._in_class_body(node):  # a class attribute is no name a method can use bare
                self.instances[(scope, self.src.text(left))] = ctor
        elif left.type == "attribute":
            obj, attr = left.child_by_field_name("object"), left.child_by_field_name("attribute")
            cls = self._class_of(node)
            if obj is not None and attr is not None and cls and self.src.text(obj) == "self":
                self.class_instances[(cls, self.src.text(attr))] = ctor
        elif left.type in ("pattern_list", "tuple_pattern"):
            pass

    def _lookup_call(self, call: ts.Node, fn: ts.Node) -> bool:
        """``registry.get_by_type(X)`` / ``registry.get(X.type)``: a lookup
        (``knowledge.PY_CLASS_KEYED_LOOKUPS`` / ``PY_NAME_KEYED_LOOKUPS``) whose first argument names
        a class-like name or an attribute of one. Kept as a fact (``Call.factory``) with its
        arguments, for link to resolve a method called on what it gives."""
        if fn.type != "attribute":
            return False
        attr = fn.child_by_field_name("attribute")
        if attr is None or self.src.text(attr) not in _LOOKUPS:
            return False
        args = call.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return first is not None and first.type in ("identifier", "attribute") and \
            _LOOKUP_KEY.fullmatch(self.src.text(first, 200)) is not None

    def _factory_value(self, right: ts.Node, scope: str | None) -> bool:
        """A value link may type from the project function or method that makes it (the calls made
        on a local bound to it are kept): a class's factory, a project function or method whose
        return annotation (or ``return Client(...)``, ``yield Connection(...)``) link reads, a
        method of a module-level instance (a registry), a registry lookup."""
        call = right.named_children[0] if right.type == "await" and right.named_children else right
        fn = call.child_by_field_name("function") if call.type == "call" else None
        text = self.src.text(fn, 200) if fn is not None and fn.type in ("attribute", "identifier") else ""
        if not text:
            return False
        resolved = self.resolve(text, scope, fn)
        if fn.type == "attribute":  # type: ignore[union-attr]
            return (_FACTORY_CALL.fullmatch(text) is not None and  # not datetime.now(), Decimal.from_float()
                    resolved.split(".", 1)[0] not in _NOT_PROJECT_ROOTS) or \
                _SELF_METHOD.fullmatch(text) is not None or \
                (_MODULE_CALL.fullmatch(text) is not None and _project_like(resolved, text)) \
                or self._lookup_call(call, fn)  # type: ignore[arg-type]
        return _project_like(resolved, text)  # get_funding_source(): a function the file defines or imports

    def _with_instance(self, node: ts.Node) -> None:
        val = node.child_by_field_name("value")
        if val is None or val.type != "as_pattern":
            return
        expr = val.named_children[0] if val.named_children else None
        alias = val.child_by_field_name("alias")
        if expr is None or alias is None:
            return
        scope = self._scope_of(node)
        ctor = self._ctor_of(expr, scope)
        target = alias.named_children[0] if alias.named_children else alias
        if ctor is not None and target.type == "identifier":
            self.instances[(scope, self.src.text(target))] = ctor
        elif target.type == "identifier" and self._factory_value(expr, scope):
            # `async with self.connect() as conn`, `async with get_client() as client`: link types
            # the name from the context manager (``vcx.link._through_with``)
            self.factory_locals.add((scope, self.src.text(target)))

    # -- handlers ------------------------------------------------------------
    def _handler(self, node: ts.Node) -> None:
        scope = self._scope_of(node)
        types: list[str] = []
        bound: str | None = None
        body: ts.Node | None = None
        for c in node.named_children:
            if c.type == "block":
                body = c
            elif c.type == "as_pattern":
                expr = c.named_children[0] if c.named_children else None
                alias = c.child_by_field_name("alias")
                if alias is not None:
                    bound = self.src.text(alias)
                if expr is not None:
                    types.extend(self._exc_types(expr, scope))
            elif c.type != "comment":
                types.extend(self._exc_types(c, scope))
        catch_all = not types or any(t in BROAD or t.endswith((".Exception", ".BaseException")) for t in types)
        kind = self._body_kind(body, bound)
        self.handler_ids[node.id] = len(self.facts.handlers)
        self.facts.handlers.append(Handler(
            id=len(self.facts.handlers), loc=self.src.loc(node), types=tuple(types), catch_all=catch_all,
            body=kind, func=scope, guards="" if kind != "empty" else "default" if self._keeps_a_default(node)
            else "log" if self._only_logs(node) else "fallback" if self._falls_to_return(node) else ""))

    def _falls_to_return(self, clause: ts.Node) -> bool:
        """The try block of ``clause`` only assigns names and returns (``if``s of the same
        included), and the statement after the ``try`` (leaving enclosing ``if`` branches) is a
        ``return``: ``try: if obj.x: return f(obj.x) except Exception: pass`` then ``return ""``.
        A probe may do anything before its return: ``try: run(cmd); return True`` then ``return
        False``, the block ending in a ``return`` of a literal and the statement after the try
        returning a literal.
        The handler falls straight through to that return, the same as ``except Exception:
        return ""``: the block's success path returns on its own, so the return is the fallback."""
        try_node = clause.parent
        block = try_node.child_by_field_name("body") if try_node is not None else None
        if block is None or any(c.type in ("else_clause", "finally_clause") for c in try_node.named_children):
            return False
        returns = 0
        stmts = [c for c in block.named_children if c.type != "comment"]
        # `try: run(cmd); return True` / `except Exception: pass` / `return False`: a probe, whose
        # block may do anything before it returns a literal (whether the work succeeds is the answer)
        probe = bool(stmts) and _returns_literal(stmts[-1])
        todo = [] if probe else list(block.named_children)
        if probe:
            returns = 1
        while todo:
            st = todo.pop()
            t = st.type
            if t == "comment" or self._assigned_name(st) is not None:
                continue
            if t == "return_statement":
                returns += 1
            elif t in ("if_statement", "elif_clause", "else_clause"):
                todo.extend(c for c in st.named_children if c.type in ("block", "elif_clause", "else_clause"))
            elif t == "block":
                todo.extend(st.named_children)
            else:
                return False
        if not returns:
            return False
        cur = try_node
        for _ in range(32):
            parent = cur.parent
            if parent is None:
                return False
            if parent.type == "block":
                sib = cur.next_named_sibling
                while sib is not None and sib.type == "comment":
                    sib = sib.next_named_sibling
                if sib is not None:  # a `return` with a value: a bare `return` gives no fallback
                    if probe:
                        return _returns_literal(sib)
                    return sib.type == "return_statement" and any(c.type != "comment" for c in sib.named_children)
                up = parent.parent
                if up is None or up.type not in ("if_statement", "elif_clause", "else_clause"):
                    return False  # the end of a function, loop, with ...
                cur = up if up.type == "if_statement" else up.parent
                if cur is None:
                    return False
            else:
                return False
        return False

    def _only_logs(self, clause: ts.Node) -> bool:
        """The try block of ``clause`` only logs or reports (``logger.debug(...)``,
        ``sentry_sdk.capture_exception(e)``), directly or under ``if``: what its ``except: pass``
        drops is a failure of the logging itself, which has nowhere left to be reported."""
        try_node = clause.parent
        block = try_node.child_by_field_name("body") if try_node is not None else None
        todo = list(block.named_children) if block is not None else []
        calls = 0
        while todo:
            st = todo.pop()
            t = st.type
            if t == "comment":
                continue
            if t in ("if_statement", "elif_clause", "else_clause"):
                todo.extend(c for c in st.named_children if c.type in ("block", "elif_clause", "else_clause"))
                continue
            if t == "block":
                todo.extend(st.named_children)
                continue
            e = st.named_children[0] if t == "expression_statement" and st.named_child_count == 1 else None
            fn = e.child_by_field_name("function") if e is not None and e.type == "call" else None
            if fn is None or fn.type != "attribute":
                return False
            text = self.src.text(fn, 80).removeprefix("self.")
            if text.split(".", 1)[0] not in PY_LOG_ROOTS and not text.startswith("sentry_sdk.capture_"):
                return False
            calls += 1
        return calls > 0

    def _keeps_a_default(self, clause: ts.Node) -> bool:
        """The try block of ``clause`` only assigns names that the function (or module) assigned
        before the try, in the try's block or an enclosing one: ``value = default`` then ``try:
        value = compute()``. Its ``except: pass`` keeps the default, the fallback value assigned
        before the try instead of in the handler."""
        try_node = clause.parent
        block = try_node.child_by_field_name("body") if try_node is not None else None
        if block is None:
            return False
        targets: set[str] = set()
        for st in block.named_children:
            if st.type == "comment":
                continue
            name = self._assigned_name(st)
            if name is None:
                return False
            targets.add(name)
        return bool(targets) and all(self._assigned_before(try_node, name) for name in targets)

    def _assigned_name(self, st: ts.Node) -> str | None:
        """The name a statement ``name = value`` assigns, else None."""
        a = st.named_children[0] if st.type == "expression_statement" and st.named_child_count == 1 else None
        if a is None or a.type != "assignment" or a.child_by_field_name("right") is None:
            return None
        left = a.child_by_field_name("left")
        return self.src.text(left) if left is not None and left.type == "identifier" else None

    def _assigned_before(self, node: ts.Node, name: str) -> bool:
        cur = node
        for _ in range(64):
            parent = cur.parent
            if parent is None or parent.type in ("function_definition", "class_definition", "lambda"):
                return False
            if parent.type in ("block", "module") and any(
                    sib.start_byte < cur.start_byte and self._assigned_name(sib) == name
                    for sib in parent.named_children):
                return True
            cur = parent
        return False

    def _exc_types(self, node: ts.Node, scope: str | None, depth: int = 0) -> list[str]:
        if node.type in ("tuple", "parenthesized_expression"):
            out: list[str] = []
            for c in node.named_children if depth < MAX_VALUE_DEPTH else ():
                out.extend(self._exc_types(c, scope, depth + 1))
            return out
        if node.type in ("identifier", "attribute"):
            return [self.resolve(self.src.text(node), scope, node)]
        if node.type == "call":  # `except anyio.get_cancelled_exc_class():`
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type in ("identifier", "attribute"):
                callee = self.resolve(self.src.text(fn), scope, fn)
                return [PY_EXCEPTION_CLASS_CALLS.get(callee, callee + "()")]
            return ["<call>()"]
        if node.type in ("subscript", "conditional_expression"):
            return ["<expression>"]  # a class picked at run time, not a bare `except:`
        return []

    def _body_kind(self, body: ts.Node | None, bound: str | None) -> str:
        if body is None:
            return "empty"
        stmts = [c for c in body.named_children if c.type != "comment"]
        if not stmts:
            return "empty"
        if all(s.type == "pass_statement" or (s.type == "expression_statement" and s.named_children
                                               and s.named_children[0].type == "ellipsis")
               for s in stmts):
            return "empty"
        if len(stmts) == 1 and stmts[0].type == "continue_statement":
            return "continue"
        last = stmts[-1]
        if last.type == "raise_statement":
            raised = [c for c in last.named_children if c.type != "comment"]
            if not raised or (bound and len(raised) == 1 and self.src.text(raised[0]) == bound):
                # Logging and then re-raising the same error still lets it escape.
                return "reraise"
        return "handles"

    # -- calls ---------------------------------------------------------------
    def _call(self, node: ts.Node) -> None:
        fn = node.child_by_field_name("function")
        if fn is None:
            return
        scope = self._scope_of(node)
        callee = self._callee(fn, scope, node)
        cid = self.call_ids[node.id]
        text = self.src.text(fn, 120)
        # Calls that resolve to nothing known (len(x), items.append(y)) are most of the calls
        # of a code base and no rule reads them: they are dropped, unless a function is passed.
        known = callee != text or callee.startswith(("local:", "import:")) or \
            text.split(".", 1)[0] in self.aliases or through_django_manager(text) or self._star_bound(fn, text) \
            or self._param_call(node, fn, text)
        if not known and fn.type == "attribute":
            self._dispatch(node, fn, scope)
        method = text.rsplit(".", 1)[-1]
        factory = not known and _SELF_METHOD.fullmatch(text) is None and (
            (_LOCAL_METHOD.fullmatch(text) is not None and self._factory_local(text.split(".", 1)[0], scope)
             and not _SESSION_QUERY.match(self.src.data, fn.start_byte, node.end_byte))  # a query, by its name
            or (method in _LOOKUPS and self._lookup_call(node, fn)))
        if not known and method not in PY_KEEP_UNRESOLVED and node.id not in self._lambda_calls and \
                not (method in PY_KEEP_ON_EITHER and _EITHER.match(text.encode())) and \
                not (text == f"super().{method}" and method in PY_KEEP_SUPER_METHODS) and \
                not _SELF_METHOD.fullmatch(text) and not factory:  # link may find m in a project class
            self.facts.calls[cid] = None  # type: ignore[call-overload]  # removed in finish()
            return
        call = Call(id=cid, callee=callee, text=text,
                    snippet=self.src.snippet(node), loc=self.src.loc(node), func=scope)
        call.factory = factory and text.rsplit(".", 1)[-1] not in PY_KEEP_UNRESOLVED
        # Database methods on unknown receivers (``conn.execute(sql, ...)``) keep their argument
        # values (SQL text, written expressions); other unknown calls (print) get the cheap summary.
        value = self.value if known or (text[-6:] != ".print" and text != "print") else self._light_value
        args = node.child_by_field_name("arguments")
        if args is not None and args.type == "argument_list":
            for a in args.named_children:
                if a.type == "keyword_argument":
                    k, v = a.child_by_field_name("name"), a.child_by_field_name("value")
                    if k is not None and v is not None:
                        call.kwargs[self.src.text(k)] = value(v, scope)
                elif a.type == "dictionary_splat":
                    call.kwargs["**"] = self._dict_splat(a, scope, value)
                elif a.type == "list_splat":
                    call.args.append(Value("spread", self.src.text(a)))
                elif a.type != "comment":
                    call.args.append(value(a, scope))
        elif args is not None and args.type == "generator_expression":
            call.args.append(Value("other", self.src.text(args, 200)))
        for v in (*call.args, *call.kwargs.values()):
            if v.func_id is not None and v.func_id in self.facts.functions:
                cb = self.facts.functions[v.func_id]
                cb.is_callback, cb.callback_of = True, cid
        # The instance the method is called on.
        if fn.type == "attribute":
            obj = fn.child_by_field_name("object")
            if obj is not None:
                inst = None
                if obj.type == "identifier":
                    inst = self._instance(self.src.text(obj), scope)
                    call.virtual = inst is not None and self._typed_local(self.src.text(obj), scope)
                elif obj.type == "attribute" and self.src.text(obj).startswith("self."):
                    cls = self._class_of(node)
                    inst = self.class_instances.get((cls or "", self.src.text(obj)[5:]))
                elif obj.type == "call":
                    inner = self._ctor_of(obj, scope)
                    inst = inner
                if inst is not None:
                    call.instance_ctor, call.instance = inst
        self._statement = None
        self._context(node, call)
        self._enclosing(node, call)
        if call.loops and call.assigned_to and self._statement is not None and \
                text.rpartition(".")[2] in LAZY_METHODS:
            call.reuses = self._reuses(node, call, self._statement)
        if callee in PY_FOLLOWED_CALLS:
            uses: set[str] = set()
            self._value_uses(node, uses, 0)
            call.uses = tuple(sorted(uses))
        self.facts.calls[cid] = call

    def _value_uses(self, node: ts.Node, out: set[str], depth: int) -> None:
        """Add to ``out`` how the value of the expression ``node`` is used (:attr:`Call.uses`);
        kept in a local name, how that name is read further down the function."""
        cur, parent = node, node.parent
        while parent is not None:
            pt = parent.type
            kids = parent.named_children if pt in ("conditional_expression", "boolean_operator") else ()
            if pt in ("parenthesized_expression", "await") or (kids and (
                    kids[-1] == cur or (pt == "conditional_expression" and kids[0] == cur))):
                # a branch of `a if c else b`, the right side of `a or b`: the value of the whole
                cur, parent = parent, parent.parent
                continue
            if pt == "interpolation" and parent.parent is not None:
                out.add("text")  # f"...{v}...": the string's value is followed
                cur, parent = parent.parent, parent.parent.parent
                continue
            break
        if parent is None:
            out.add("other")
            return
        pt = parent.type
        if pt == "attribute" and parent.child_by_field_name("object") == cur:
            attr = parent.child_by_field_name("attribute")
            name = self.src.text(attr) if attr is not None else "?"
            gp = parent.parent
            if gp is not None and gp.type == "call" and gp.child_by_field_name("function") == parent:
                args = gp.child_by_field_name("arguments")
                kws = sorted(self.src.text(k) for a in (args.named_children if args is not None else ())
                             if a.type == "keyword_argument" and (k := a.child_by_field_name("name")) is not None)
                out.add(f"call:{name}" + (":" + ",".join(kws) if kws else ""))
            else:
                out.add(f"attr:{name}")
        elif pt == "comparison_operator":
            out.add("compare")
            for other in parent.named_children:
                if other != cur and other.type != "comment":
                    self._operand_kind(other, out)
        elif pt == "binary_operator":
            op = parent.child_by_field_name("operator")
            if op is not None and self.src.text(op) == "-":
                left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
                other = right if left == cur else left
                out.add(f"sub:{self.src.text(other)}" if other is not None and other.type == "identifier" else "sub")
                if other is not None:
                    self._operand_kind(other, out)
            else:
                out.add("arith")
        elif pt == "subscript":
            out.add("key" if parent.child_by_field_name("value") != cur else "other")
        elif pt == "pair":
            if parent.child_by_field_name("key") == cur:
                out.add("key")
            else:
                key = parent.child_by_field_name("key")
                text = self.src.text(key) if key is not None else "?"
                out.add(f"prop:{text.strip(chr(34) + chr(39))}")
        elif pt == "argument_list":
            owner = parent.parent
            fn = owner.child_by_field_name("function") if owner is not None else None
            if fn is not None and fn.type == "attribute":
                fn = fn.child_by_field_name("attribute")
            last = self.src.text(fn) if fn is not None and fn.type == "identifier" else "?"
            index = [c.id for c in parent.named_children if c.type != "comment"].index(cur.id)
            out.add(f"arg:{last}:{index}")
        elif pt == "keyword_argument":
            key = parent.child_by_field_name("name")
            out.add(f"kw:{self.src.text(key)}" if key is not None else "other")
        elif pt == "assignment" and parent.child_by_field_name("right") == cur:
            left = parent.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                name = self.src.text(left)
                out.add(f"var:{name}")
                if depth < 2:
                    self._name_value_uses(name, parent, out, depth + 1)
            else:
                out.add("store" if left is not None and left.type in ("attribute", "subscript") else "other")
        elif pt == "return_statement":
            out.add("return")
        elif pt in ("list", "tuple", "set", "expression_list"):
            out.add("item")
        elif pt == "expression_statement":
            out.add("stmt")
        elif pt in CONDITION_PARENTS or pt in ("not_operator", "boolean_operator"):
            out.add("cond")
        else:
            out.add("other")

    def _name_value_uses(self, name: str, stmt: ts.Node, out: set[str], depth: int) -> None:
        """:meth:`_value_uses` of each read of the local ``name`` after the statement ``stmt`` that
        assigns it, to the end of its function (the first 32); a module-level name, in the whole
        module (a function defined above the constant reads it too). A tzinfo guard
        (:meth:`_tz_guard`) right in the block of ``stmt`` ends the naive value: ``"guard:tzinfo"``,
        the reads in its body are followed, the reads after it are not (the value is aware there)."""
        scope = stmt.parent
        while scope is not None and scope.type not in FUNC_TYPES:
            scope = scope.parent
        end = scope.end_byte if scope is not None else len(self.src.data)
        start = stmt.end_byte if scope is not None else 0
        block = stmt.parent.parent if stmt.parent is not None else None
        for n, m in enumerate(_word(name).finditer(self.src.data, start, end)):
            if n >= 32:
                out.add("other")
                return
            pos = m.start()
            if stmt.start_byte <= pos < stmt.end_byte:
                continue
            ident = self._root.descendant_for_byte_range(pos, m.end()) if self._root is not None else None
            if ident is None or ident.type != "identifier" or ident.start_byte != pos:
                continue  # in a string or a comment, or a longer name
            p = ident.parent
            if p is not None and ((p.type == "attribute" and p.child_by_field_name("attribute") == ident) or
                                  (p.type == "keyword_argument" and p.child_by_field_name("name") == ident) or
                                  (p.type in ("assignment", "augmented_assignment") and
                                   p.child_by_field_name("left") == ident)):
                continue  # another object's attribute, a keyword, assigned anew
            guard = self._guard_of(ident, name)
            if guard is not None and guard[0] == "none" and guard[1].parent == block and block is not None \
                    and guard[1].start_byte > stmt.end_byte:
                out.add("guard:tzinfo")
                # the reads in the guard's body are followed; in its `else` and after it the value is aware
                body = guard[1].child_by_field_name("consequence")
                end = body.end_byte if body is not None else guard[1].end_byte
                for m2 in _word(name).finditer(self.src.data, ident.end_byte, end):
                    node2 = self._root.descendant_for_byte_range(m2.start(), m2.end()) \
                        if self._root is not None else None
                    if node2 is None or node2.type != "identifier" or node2.start_byte != m2.start():
                        continue
                    p2 = node2.parent
                    if p2 is not None and ((p2.type == "attribute" and p2.child_by_field_name("attribute") == node2)
                                           or (p2.type == "keyword_argument" and
                                               p2.child_by_field_name("name") == node2) or
                                           (p2.type in ("assignment", "augmented_assignment") and
                                            p2.child_by_field_name("left") == node2)):
                        continue
                    self._value_uses(node2, out, depth)
                return
            self._value_uses(ident, out, depth)

    # -- datetime awareness (TZ001's naive literal, TZ003's guard) ------------------------
    def _guard_of(self, ident: ts.Node, name: str) -> tuple[str, ts.Node] | None:
        """When ``ident`` is the ``name`` of ``name.tzinfo`` tested by an ``if`` (:meth:`_tz_guard`):
        the guard's sense and its ``if`` statement."""
        attr = ident.parent
        if attr is None or attr.type != "attribute" or attr.child_by_field_name("object") != ident:
            return None
        cond = attr.parent
        while cond is not None and cond.type in ("comparison_operator", "not_operator", "parenthesized_expression"):
            if cond.parent is not None and cond.parent.type == "if_statement":
                break
            cond = cond.parent
        stmt = cond.parent if cond is not None else None
        if stmt is None or stmt.type != "if_statement" or stmt.child_by_field_name("condition") != cond:
            return None
        sense = self._tz_guard(stmt, name)
        return (sense, stmt) if sense is not None else None

    def _tz_guard(self, stmt: ts.Node, name: str) -> str | None:
        """An ``if`` that tests whether ``name`` has a zone and whose body (no ``elif``) ends
        by reassigning ``name`` or leaving (``return``, ``raise``, ``continue``): "none" for
        ``if name.tzinfo is None:`` / ``== None`` / ``if not name.tzinfo:`` (the naive case is
        handled, so after the ``if`` the value has a zone unless the body gave it none), "set" for
        ``is not None`` / ``if name.tzinfo:`` (the aware case is, so after it the value is naive
        unless the body gave it a zone). None for any other statement."""
        alternatives = stmt.children_by_field_name("alternative")
        if stmt.type != "if_statement" or len(alternatives) > 1 or \
                any(a.type != "else_clause" for a in alternatives):
            return None
        cond = stmt.child_by_field_name("condition")
        while cond is not None and cond.type == "parenthesized_expression" and cond.named_children:
            cond = cond.named_children[0]
        if cond is None:
            return None
        target = f"{name}.tzinfo"
        sense = None
        if cond.type == "attribute" and self.src.text(cond) == target:
            sense = "set"
        elif cond.type == "not_operator" and cond.named_children and self.src.text(cond.named_children[-1]) == target:
            sense = "none"
        elif cond.type == "comparison_operator" and len(cond.named_children) == 2:
            a, b = cond.named_children
            ops = [c.type for c in cond.children if not c.is_named]
            if self.src.text(a) == target and b.type == "none" and len(ops) == 1:
                sense = {"is": "none", "==": "none", "is not": "set", "!=": "set"}.get(ops[0])
        if sense is None:
            return None
        body = stmt.child_by_field_name("consequence")
        last = [c for c in body.named_children if c.type != "comment"][-1:] if body is not None else []
        if not last:
            return None
        st = last[0]
        if st.type in ("return_statement", "raise_statement", "continue_statement"):
            return sense
        if self._assigned_name(st) == name:
            return sense
        return None

    def _operand_kind(self, node: ts.Node, out: set[str]) -> None:
        """Add ``"with:<kind>"`` for the other operand of a comparison or subtraction of a followed
        value (:attr:`Call.uses`): aware, naive or unknown; nothing for a literal or a timedelta."""
        kind = self._dt_kind(node, 0)
        if kind != "notdt":
            out.add(f"with:{kind or 'unknown'}")

    def _dt_kind(self, node: ts.Node, depth: int) -> str:
        """Whether the expression ``node`` is an aware or a naive datetime ("aware", "naive"), not a
        datetime at all ("notdt": a literal, a ``timedelta``), or unknown (""). Seen: the datetime
        constructors and "now" calls (a zone passed or not), ``.astimezone(...)``, ``localize`` and
        ``make_aware`` (aware), ``.replace(tzinfo=...)`` (aware; naive with ``None``), ``d ± delta``
        (as ``d``), and a name by the assignment that reaches it (:meth:`_name_kind`)."""
        if depth > 4:
            return ""
        t = node.type
        if t in ("integer", "float", "string", "none", "true", "false", "concatenated_string", "list", "tuple",
                 "dictionary", "set"):
            return "notdt"
        if t == "parenthesized_expression" and node.named_children:
            return self._dt_kind(node.named_children[0], depth + 1)
        if t == "binary_operator":
            op = node.child_by_field_name("operator")
            left = node.child_by_field_name("left")
            if op is not None and self.src.text(op) in ("+", "-") and left is not None:
                return self._dt_kind(left, depth + 1)
            return ""
        if t == "identifier":
            return self._name_kind(node, depth + 1)
        if t != "call":
            return ""
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or args is None:
            return ""
        kws = {self.src.text(k): a.child_by_field_name("value") for a in args.named_children
               if a.type == "keyword_argument" and (k := a.child_by_field_name("name")) is not None}
        positional = [a for a in args.named_children if a.type not in ("keyword_argument", "comment")]
        if fn.type == "attribute":
            method = self.src.text(fn.child_by_field_name("attribute") or fn)
            if method in PY_MAKE_AWARE:
                return "aware"
            if method == "replace":
                if "tzinfo" in kws:
                    v = kws["tzinfo"]
                    return "naive" if v is not None and v.type == "none" else "aware"
                obj = fn.child_by_field_name("object")
                return self._dt_kind(obj, depth + 1) if obj is not None else ""
        callee = self._callee(fn, self._scope_of(node), node)
        if callee in ("datetime.timedelta", "dateutil.relativedelta.relativedelta"):
            return "notdt"
        if callee in _AWARE_CALLS:
            return "aware"
        if callee == "datetime.datetime":
            return "aware" if "tzinfo" in kws or len(positional) >= 8 else "naive"
        if callee in ("datetime.datetime.utcnow", "datetime.datetime.utcfromtimestamp"):
            return "naive"
        zone_at = {"datetime.datetime.now": 0, "datetime.datetime.today": 99, "datetime.datetime.fromtimestamp": 1}
        if callee in zone_at:
            return "aware" if "tz" in kws or len(positional) > zone_at[callee] else "naive"
        return ""

    @staticmethod
    def _func_node(node: ts.Node) -> ts.Node | None:
        scope = node.parent
        while scope is not None and scope.type not in FUNC_TYPES:
            scope = scope.parent
        return scope

    def _name_kind(self, ident: ts.Node, depth: int) -> str:
        """:meth:`_dt_kind` of a name where it is read: by the last binding of the name before the
        read in its function (or, when the function neither binds it nor takes it as a parameter,
        at the top level of the module), when that binding is a plain assignment in a block around
        the read, or the last statement of a tzinfo guard (:meth:`_tz_guard`) in such a block that
        leaves the value of the kind the guard's untaken side has."""
        name = self.src.text(ident)
        scope = self._func_node(ident)
        lo = scope.start_byte if scope is not None else 0
        last: ts.Node | None = None
        for m in _word(name).finditer(self.src.data, lo, ident.start_byte):
            node = self._root.descendant_for_byte_range(m.start(), m.end()) if self._root is not None else None
            if node is None or node.type != "identifier" or node.start_byte != m.start() or node == ident:
                continue
            p = node.parent
            if p is None or self._func_node(node) != scope:
                continue  # a name of another function (a nested one, or one above at module level)
            if (p.type in ("assignment", "augmented_assignment", "for_statement") and
                    p.child_by_field_name("left") == node) or \
                    p.type in ("as_pattern_target", "parameters", "typed_parameter", "pattern_list", "tuple_pattern",
                               "global_statement", "nonlocal_statement") or \
                    (p.type in ("default_parameter", "typed_default_parameter") and
                     p.child_by_field_name("name") == node):
                last = p  # bound here: only a plain assignment says what the name holds
        if last is None:
            if scope is None:
                return ""
            for st in self._root.named_children if self._root is not None else ():
                if self._assigned_name(st) == name:
                    last = st.named_children[0]
            if last is None:
                return ""
        if last.type != "assignment":
            return ""
        right = last.child_by_field_name("right")
        if right is None:
            return ""
        stmt = last.parent  # expression_statement
        holder = stmt.parent if stmt is not None else None  # block / module
        if holder is None:
            return ""
        if holder.type == "module" or (holder.start_byte <= ident.start_byte < holder.end_byte):
            return self._dt_kind(right, depth + 1)
        guard = holder.parent
        if guard is not None and guard.type == "if_statement" and guard.parent is not None and \
                guard.parent.start_byte <= ident.start_byte < guard.parent.end_byte:
            sense = self._tz_guard(guard, name)
            kind = self._dt_kind(right, depth + 1)
            if (sense, kind) in (("set", "naive"), ("none", "aware")):
                return kind
        return ""

    def _dict_splat(self, node: ts.Node, scope: str | None, value) -> Value:  # type: ignore[no-untyped-def]
        """``**kw``; for a dict display (``**{f.name: obj.pk}``) its values are the items: the keys
        of such a display are names of parameters (a lookup's field), not values."""
        inner = node.named_children[0] if node.named_children else None
        items = None
        if inner is not None and inner.type == "dictionary" and \
                all(p.type in ("pair", "comment") for p in inner.named_children):
            items = [value(p.child_by_field_name("value"), scope) for p in inner.named_children
                     if p.type == "pair" and p.child_by_field_name("value") is not None]
        return Value("spread", self.src.text(node), items=items)

    def _bitwise(self, node: ts.Node) -> str:
        """The operator of a ``|`` / ``&`` / ``^`` binary operation, else ""."""
        if node.type != "binary_operator":
            return ""
        op = node.child_by_field_name("operator")
        text = self.src.text(op) if op is not None else ""
        return text if text in ("|", "&", "^") else ""

    def _reuses(self, node: ts.Node, call: Call, stmt: ts.Node) -> tuple[str, ...]:
        """:attr:`Call.reuses`: how the loops around ``node`` use the name its value is assigned to,
        outside the statement ``stmt`` that assigns it."""
        loop: ts.Node | None = None
        cur = node.parent
        while cur is not None and cur.type not in FUNC_TYPES:
            if cur.type in LOOP_TYPES and self.loop_ids.get(cur.id) in call.loops:
                loop = cur
            cur = cur.parent
        if loop is None:
            return ()
        body = loop.child_by_field_name("body") if loop.type == "for_statement" else None
        start = body.start_byte if body is not None else loop.start_byte  # a for's iterable runs once
        name = call.assigned_to or ""
        out: set[str] = set()
        data = self.src.data
        for m in _word(name).finditer(data[start:loop.end_byte]):
            pos = start + m.start()
            if stmt.start_byte <= pos < stmt.end_byte:
                continue
            ident = self._root.descendant_for_byte_range(pos, pos + len(m.group(0)))
            if ident is None or ident.type != "identifier" or ident.start_byte != pos:
                continue  # in a string or a comment, or a longer name
            use = self._use_of(ident, name)
            if use:
                out.add(use)
        return tuple(sorted(out))

    def _use_of(self, ident: ts.Node, name: str) -> str:
        """How an occurrence of the local ``name`` uses it (:attr:`Call.reuses`); "" when it does not
        read it (an assignment target, ``x.name``, a keyword ``name=``)."""
        p = ident.parent
        if p is None:
            return "use"
        t = p.type
        if t == "attribute":
            attr = p.child_by_field_name("attribute")
            if attr is not None and attr.id == ident.id:
                return ""  # obj.name: another object's attribute
            meth = self.src.text(attr) if attr is not None else "?"
            g = p.parent
            if g is None or g.type != "call" or g.child_by_field_name("function") != p:
                return f"attr:{meth}"
            top, methods = g, [meth]  # name.m(...).n(...): the whole chain
            while True:
                a = top.parent
                c = a.parent if a is not None and a.type == "attribute" and \
                    a.child_by_field_name("object") == top else None
                if c is None or c.type != "call" or c.child_by_field_name("function") != a:
                    break
                top = c
                attr = a.child_by_field_name("attribute")
                methods.append(self.src.text(attr) if attr is not None else "?")
            chain = ".".join(methods)
            if self._assigned_back(top, name):
                return f"refine:{chain}"
            return f"call:{chain}" + self._argument_of(top)
        if t == "keyword_argument" and p.child_by_field_name("name") == ident:
            return ""
        if t in ("assignment", "augmented_assignment") and p.child_by_field_name("left") == ident:
            return "acc" if t == "augmented_assignment" else ""
        if t in ("pattern_list", "tuple_pattern", "list_pattern") or \
                (t in ("for_statement", "for_in_clause") and p.child_by_field_name("left") == ident):
            return ""  # a target of an assignment or a loop
        if self._bitwise(p):
            top = p
            while top.parent is not None and (top.parent.type == "parenthesized_expression" or
                                              self._bitwise(top.parent)):
                top = top.parent
            if self._assigned_back(top, name):
                return "acc"  # name = name | other
        return "use"

    def _argument_of(self, expr: ts.Node) -> str:
        """Where an expression is an argument: ``"@kw:<keyword>"``, ``"@arg:<the callee's last name>"``
        (``Exists`` in ``Exists(x)``, ``in_`` in ``col.in_(x)``); "" when it is none."""
        p = expr.parent
        while p is not None and p.type == "parenthesized_expression":
            p = p.parent
        if p is None:
            return ""
        if p.type == "keyword_argument":
            key = p.child_by_field_name("name")
            return f"@kw:{self.src.text(key)}" if key is not None else ""
        if p.type == "argument_list" and p.parent is not None and p.parent.type == "call":
            fn = p.parent.child_by_field_name("function")
            last = fn.child_by_field_name("attribute") if fn is not None and fn.type == "attribute" else fn
            return f"@arg:{self.src.text(last)}" if last is not None and last.type == "identifier" else ""
        return ""

    def _assigned_back(self, expr: ts.Node, name: str) -> bool:
        """``expr`` is the right side of an assignment to the plain name ``name``."""
        p = expr.parent
        if p is None or p.type != "assignment" or p.child_by_field_name("right") != expr:
            return False
        left = p.child_by_field_name("left")
        return left is not None and left.type == "identifier" and self.src.text(left) == name

    def _context(self, node: ts.Node, call: Call) -> None:
        cur = node
        parent = node.parent
        chain: list[str] = []
        # Methods called on the result: x().replace(...).astimezone()
        while parent is not None and parent.type == "attribute" and parent.child_by_field_name("object") == cur:
            attr = parent.child_by_field_name("attribute")
            chain.append(self.src.text(attr) if attr is not None else "?")
            gp = parent.parent
            if gp is not None and gp.type == "call":
                cur, parent = gp, gp.parent
            else:
                cur, parent = parent, parent.parent
        call.chain = tuple(chain)
        if parent is not None and parent.type == "await":
            call.awaited = True
            cur, parent = parent, parent.parent
        while parent is not None and parent.type == "parenthesized_expression":
            cur, parent = parent, parent.parent
        if parent is None:
            call.context = "other"
            return
        if parent.type == "binary_operator":
            # ``pages = pages | Page.objects.filter(...)``: an operand of ``|`` / ``&`` / ``^`` whose
            # result is assigned is recorded as assigned, with the operator.
            op = self._bitwise(parent)
            top, up = parent, parent.parent
            while up is not None and (up.type == "parenthesized_expression" or self._bitwise(up)):
                top, up = up, up.parent
            if op and up is not None and up.type in ("assignment", "augmented_assignment") and \
                    up.child_by_field_name("right") == top:
                call.operator = op
                cur, parent = top, up
        pt = parent.type
        if pt == "expression_statement":
            call.context = "await" if call.awaited else "stmt"
        elif pt == "return_statement":
            call.context = "return"
        elif pt in ("assignment", "augmented_assignment") and parent.child_by_field_name("right") == cur:
            call.context = "assign"
            self._statement = parent
            if pt == "augmented_assignment":
                op_node = parent.child_by_field_name("operator")
                call.operator = self.src.text(op_node) if op_node is not None else "?="
            left = parent.child_by_field_name("left")
            if left is not None and left.type in ("pattern_list", "tuple_pattern") and left.named_children:
                left = left.named_children[0]  # obj, created = M.objects.get_or_create(...): the row
            if left is not None and left.type == "identifier":
                call.assigned_to = self.src.text(left)
        elif pt in ("argument_list", "keyword_argument", "list_splat", "dictionary_splat") or (
                pt in ("generator_expression", "list_comprehension") and parent.parent is not None
                and parent.parent.type in ("argument_list", "list_splat", "call")):
            call.context = "arg"
            if pt == "keyword_argument":
                key = parent.child_by_field_name("name")
                call.keyword = self.src.text(key) if key is not None else ""
            outer = parent
            while outer is not None and outer.type != "call":
                outer = outer.parent
            if outer is not None:
                call.arg_of = self.call_ids.get(outer.id)
        elif pt == "as_pattern":
            call.context = "with"
            alias = parent.child_by_field_name("alias")
            target = alias.named_children[0] if alias is not None and alias.named_children else alias
            if target is not None and target.type == "identifier":
                call.assigned_to = self.src.text(target)
            call.async_with = _in_async_with(parent)
        elif pt == "with_item":
            call.context = "with"
            call.async_with = _in_async_with(parent)
        elif pt in CONDITION_PARENTS:
            call.context = "condition"
        else:
            call.context = "other"
            # ``rows = query(...)[:n]``: the sliced result is still this call's rows (n-plus-one).
            gp = parent.parent
            if pt == "subscript" and parent.child_by_field_name("value") == cur and gp is not None and \
                    gp.type == "assignment" and gp.child_by_field_name("right") == parent:
                left = gp.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    call.assigned_to = self.src.text(left)
        if chain:
            call.outer_context, call.context = call.context, "chain"

    def _enclosing(self, node: ts.Node, call: Call) -> None:
        handlers: list[int] = []
        loops: list[int] = []
        withs: list[int] = []
        grand: ts.Node | None = None
        branches: list[tuple[int, int]] = []
        # (exit point, bound) of the blocks around, innermost first; those from ``open_exits`` on
        # have no bound yet (see ``Call.exits_until``)
        exits: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
        open_exits = 0
        child = node
        cur = node.parent
        while cur is not None and cur.type not in FUNC_TYPES:
            t = cur.type
            if t == "block" and self._exit_of_block:
                exit_stmt = self._exit_of_block.get(cur.id)
                if exit_stmt is not None and child.start_byte <= exit_stmt[0]:
                    exits.append((exit_stmt[1], None))
            elif t == "try_statement" and open_exits < len(exits):
                # After a return or raise inside a try, its handler (an exception thrown before the
                # exit) or ``finally`` may still run: the exit holds up to where they start. A
                # raise in a handler or ``else`` without ``finally`` leaves the whole try.
                bound = _try_bound(cur, child)
                if bound is not None:
                    exits[open_exits:] = [(p, bound) for p, _ in exits[open_exits:]]
                    open_exits = len(exits)
            if t == "if_statement" and child.type in ("block", "elif_clause", "else_clause") and \
                    cur.child_by_field_name("condition") != child:
                # branch 0 is the if body; elif/else clauses are numbered in order
                n = 0 if child.type == "block" else 1 + [c.id for c in cur.named_children
                                                         if c.type in ("elif_clause", "else_clause")].index(child.id)
                branches.append(self._arm(cur, n, None if child.type == "else_clause" else
                                          cur if child.type == "block" else child))
            elif t == "case_clause" and cur.child_by_field_name("consequence") == child and \
                    cur.parent is not None and cur.parent.parent is not None and \
                    cur.parent.parent.type == "match_statement":
                # ``match kind: case "a": ...``: one branch per case, as the arms of an if
                match = cur.parent.parent
                n = [c.id for c in cur.parent.named_children if c.type == "case_clause"].index(cur.id)
                branches.append(self._arm(match, n, cur))
            elif t == "try_statement" and child.type == "except_clause":
                # A handler runs instead of the rest of the try body (and of its else clause):
                # the body and else are branch 0, the handlers 1, 2, ... (only for TXN001's
                # "never both run"; a handler may still follow a part of the body that ran).
                n = 1 + [c.id for c in cur.named_children if c.type == "except_clause"].index(child.id)
                branches.append((self.if_ids.setdefault(cur.id, len(self.if_ids)), n))
            elif t == "try_statement" and child.type == "else_clause":
                branches.append((self.if_ids.setdefault(cur.id, len(self.if_ids)), 0))
            elif t == "try_statement" and cur.child_by_field_name("body") == child:
                branches.append((self.if_ids.setdefault(cur.id, len(self.if_ids)), 0))
                for c in cur.named_children:
                    if c.type == "except_clause" and c.id in self.handler_ids:
                        handlers.append(self.handler_ids[c.id])
            elif t in LOOP_TYPES:
                # The iterable of a for loop (and the first iterable of a comprehension) is
                # evaluated once; only the body repeats.
                once = cur.child_by_field_name("right") == child if t == "for_statement" else (
                    t != "while_statement" and child.type == "for_in_clause" and grand is not None
                    and child.child_by_field_name("right") == grand
                    and next((c for c in cur.named_children if c.type == "for_in_clause"), None) == child)
                if not once:
                    loops.append(self.loop_ids.setdefault(cur.id, len(self.loop_ids)))
            elif t == "with_statement" and cur.child_by_field_name("body") == child:
                for clause in cur.named_children:
                    if clause.type == "with_clause":
                        for item in clause.named_children:
                            v = item.child_by_field_name("value")
                            if v is not None and v.type == "as_pattern" and v.named_children:
                                v = v.named_children[0]
                            if v is not None and v.type == "await" and v.named_children:
                                v = v.named_children[0]
                            if v is not None and v.id in self.call_ids:
                                withs.append(self.call_ids[v.id])
            grand, child, cur = child, cur, cur.parent
        call.handlers = tuple(handlers)
        call.loops = tuple(loops)
        call.withs = tuple(withs)
        call.branches = tuple(branches)
        if exits and cur is not None:  # in a function, not at module level
            call.exits_at, call.exits_until = merge_exits(sorted(exits, key=lambda x: x[0]))

    def _return(self, value: ts.Node) -> None:
        """``return X`` / ``return mod.X`` / ``return super().m()`` in a function, with the conditions
        of the ``if`` branches it sits in (which class ``get_serializer_class()`` returns when)."""
        scope = self._scope_of(value)
        if scope is None or (value.type == "attribute" and not _DOTTED_NAME.fullmatch(self.src.text(value))):
            return  # at module level, or an attribute of something computed (``build().value``)
        conditions: list[tuple[str, bool]] = []
        child, cur = value.parent, value.parent.parent if value.parent is not None else None
        while cur is not None and cur.type not in FUNC_TYPES:
            cond = cur.child_by_field_name("condition")
            if cur.type == "elif_clause" and cond is not None and cond != child:
                conditions.append((self.src.text(cond, 200), True))
            elif cur.type == "if_statement" and cond is not None and cond != child:
                if child.type == "block":
                    conditions.append((self.src.text(cond, 200), True))
                else:  # an elif / else clause: the if's condition and those of the elifs before it failed
                    for c in (cur, *cur.children_by_field_name("alternative")):
                        if c.id == child.id:
                            break
                        failed = c.child_by_field_name("condition")
                        if failed is not None:
                            conditions.append((self.src.text(failed, 200), False))
            child, cur = cur, cur.parent
        self.facts.returns.append(Return(scope, self.value(value, scope), self.src.loc(value.parent),
                                         tuple(conditions)))

    # -- classes, loops ------------------------------------------------------
    def _class_info(self, node: ts.Node) -> None:
        name = node.child_by_field_name("name")
        sup = node.child_by_field_name("superclasses")
        bases: list[str] = []
        generic: list[str] = []
        if sup is not None:
            for b in sup.named_children:
                if b.type in ("identifier", "attribute"):
                    bases.append(self.resolve(self.src.text(b), None, b))
                elif b.type == "subscript":
                    v = b.child_by_field_name("value")
                    if v is not None and v.type in ("identifier", "attribute"):
                        generic.append(self.resolve(self.src.text(v), None, v))
        if name is not None:
            qual = self._qualname(node)  # nested classes by their path: every serializer has a Meta
            self.facts.classes[qual] = ClassInfo(qual, self.src.loc(node), tuple(bases), tuple(generic))

    def _loops(self, loops: list[ts.Node]) -> set[bytes]:
        """Loop facts; returns the loop variable names (as bytes) for the member-read filter."""
        names: set[bytes] = set()
        for n in loops:
            lid = self.loop_ids.setdefault(n.id, len(self.loop_ids))
            scope = self._scope_of(n)
            targets: list[str] = []
            it: ts.Node | None = None
            if n.type == "for_statement":
                left, it, kind = n.child_by_field_name("left"), n.child_by_field_name("right"), "for"
            elif n.type == "while_statement":
                left, it, kind = None, n.child_by_field_name("condition"), "while"
            else:
                clause = next((c for c in n.named_children if c.type == "for_in_clause"), None)
                left = clause.child_by_field_name("left") if clause is not None else None
                it = clause.child_by_field_name("right") if clause is not None else None
                kind = "comprehension"
            nested: list[str] = []
            if left is not None:
                idents = [left] if left.type == "identifier" else [c for c in left.named_children
                                                                   if c.type == "identifier"]
                targets = [self.src.text(c) for c in idents]
                names.update(t.encode() for t in targets)
                if left.type != "identifier":  # for key, (model, path) in ...: bound from the element too
                    nested = self._pattern_names(left, top=True)
            val = self.value(it, scope) if it is not None else None
            if val is not None and kind == "while":
                val = Value("other", self.src.text(it, 80))
            elif val is not None and it is not None and it.type == "identifier" and scope is not None:
                val = self._local_iterable(it, val, scope)
            self.facts.loops.append(Loop(lid, kind, self.src.loc(n), scope, tuple(targets), val,
                                         derived=tuple(nested), once_from=self._once_from(n)))
        return names

    def _arm(self, stmt: ts.Node, n: int, test: ts.Node | None) -> tuple[int, int]:
        """The branch ``n`` of an if / match statement, as :attr:`Call.branches` names it; records
        in :attr:`ModuleFacts.literal_arms` the names its test (an ``if`` / ``elif`` condition, a
        ``case``) requires to equal a literal."""
        key = (self.if_ids.setdefault(stmt.id, len(self.if_ids)), n)
        if key not in self._arms_seen and test is not None:
            self._arms_seen.add(key)
            if test.type == "case_clause":
                subject = stmt.child_by_field_name("subject")
                pats = [c for c in test.named_children if c.type == "case_pattern"]
                names = (self.src.text(subject),) if subject is not None and subject.type == "identifier" and \
                    len(pats) == 1 and _literal_pattern(pats[0]) else ()
            else:
                cond = test.child_by_field_name("condition")
                names = tuple(sorted(self._literal_names(cond))) if cond is not None else ()
                empty = _empty_names(cond, self.src) if cond is not None else set()
                if empty:
                    self.facts.empty_arms[key] = tuple(sorted(empty))
            if names:
                self.facts.literal_arms[key] = names
            if n == 0 and test.type == "if_statement":
                once = self._once_guard(test)
                if once:
                    self.facts.once_arms[key] = once
        return key

    def _once_guard(self, stmt: ts.Node) -> str:
        """:attr:`ModuleFacts.once_arms`: the kind of flag (``"class"``, ``"instance"``,
        ``"global"``) an ``if`` statement tests for being unset (``not getattr(cls, "_init",
        False)``, ``not self.running``, ``cls._instance is None``, ``not hasattr(self, "x")``) when its
        body sets that same flag (``cls._init = True``, ``setattr(cls, "x", v)``); "" otherwise. A
        local name is no flag: ``if x is None: x = query()`` runs again on the next call."""
        cond, body = stmt.child_by_field_name("condition"), stmt.child_by_field_name("consequence")
        if cond is None or body is None:
            return ""
        while cond.type == "parenthesized_expression" and cond.named_children:
            cond = cond.named_children[0]
        flag: ts.Node | None = None
        if cond.type == "not_operator":
            flag = cond.child_by_field_name("argument")
        elif cond.type == "comparison_operator" and len(cond.named_children) == 2 and \
                [c.type for c in cond.children if not c.is_named] in (["is"], ["=="]) and \
                cond.named_children[1].type in ("none", "false"):
            flag = cond.named_children[0]
        key = self._flag_key(flag) if flag is not None else None
        if key is None:
            return ""
        root = key.split(".", 1)[0]
        if "." not in key:
            fn = stmt.parent
            while fn is not None and fn.type not in FUNC_TYPES:
                fn = fn.parent
            fbody = fn.child_by_field_name("body") if fn is not None else None
            if fbody is None or key.encode() not in _declared_names(self.src.text(fbody).encode()):
                return ""  # a local: set again on each call
        stack = list(body.named_children)
        while stack:
            n = stack.pop()
            if n.type in FUNC_TYPES or n.type == "class_definition":
                continue
            if n.type == "assignment":
                left = n.child_by_field_name("left")
                targets = [left] if left is not None and left.type != "pattern_list" else \
                    (left.named_children if left is not None else [])
                if any(t.type in ("identifier", "attribute") and self._flag_key(t) == key for t in targets):
                    return "global" if "." not in key else "instance" if root == "self" else "class"
            elif n.type == "call" and self._flag_key(n, setter=True) == key:
                return "instance" if root == "self" else "class"
            stack.extend(n.named_children)
        return ""

    def _flag_key(self, node: ts.Node, setter: bool = False) -> str | None:
        """``cls._init`` for ``cls._init``, ``getattr(cls, "_init", False)``, ``hasattr(cls, "_init")``
        (``setter``: ``setattr(cls, "_init", v)``), ``type(self)._init`` -> ``cls._init``; a plain
        name for itself; None for anything else."""
        t = node.type
        if t == "identifier":
            return None if setter else self.src.text(node)
        if t == "attribute" and not setter:
            obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
            if obj is None or attr is None:
                return None
            text = self.src.text(obj)
            if text in ("type(self)", "self.__class__"):
                text = "cls"
            return f"{text}.{self.src.text(attr)}" if _FLAG_OWNER.fullmatch(text) else None
        if t != "call":
            return None
        fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        name = self.src.text(fn) if fn is not None else ""
        if name not in (("setattr",) if setter else ("getattr", "hasattr")) or args is None or \
                len(args.named_children) < 2 or args.named_children[1].type != "string":
            return None
        obj = self.src.text(args.named_children[0])
        if obj in ("type(self)", "self.__class__"):
            obj = "cls"
        attr = self.src.text(args.named_children[1]).strip("\"'")
        return f"{obj}.{attr}" if _FLAG_OWNER.fullmatch(obj) and attr.isidentifier() else None

    def _literal_names(self, node: ts.Node, depth: int = 0) -> set[str]:
        """The names a condition holds only when each equals a literal: ``kind == "issue"``,
        ``"issue" == kind``, ``kind is Kind.ISSUE``, ``kind in ("a", "b")``; through ``and`` (either
        side) and ``or`` (both sides) and parentheses."""
        t = node.type
        if depth > 8:
            return set()
        if t == "parenthesized_expression" and node.named_children:
            return self._literal_names(node.named_children[0], depth + 1)
        if t == "boolean_operator":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            op = node.child_by_field_name("operator")
            if left is None or right is None or op is None:
                return set()
            a, b = self._literal_names(left, depth + 1), self._literal_names(right, depth + 1)
            return a | b if op.type == "and" else a & b
        if t != "comparison_operator" or len(node.named_children) != 2:
            return set()
        ops = [c.type for c in node.children if not c.is_named]
        left, right = node.named_children
        if ops in (["=="], ["is"]):
            if left.type == "identifier" and _literal_operand(right, self.src):
                return {self.src.text(left)}
            if right.type == "identifier" and _literal_operand(left, self.src):
                return {self.src.text(right)}
        if ops == ["in"] and left.type == "identifier" and right.type in ("tuple", "list", "set") and \
                right.named_children and all(_literal_operand(c, self.src) for c in right.named_children):
            return {self.src.text(left)}
        return set()

    def _local_iterable(self, node: ts.Node, val: Value, scope: str) -> Value:
        """What a loop over a bare name goes over, when a function around the loop binds that
        name (see :attr:`Loop.iter`): the literal it is bound to, when the function binds it once,
        to a list / tuple / set display, and never changes it (no ``append`` / ``extend`` /
        ``insert`` / ``add`` / ``update`` / ``remove`` / ``pop`` / ``clear``, subscript assignment,
        augmented assignment or ``del``): ``keys = ["A", "B"]; for key in keys``; else the name
        without a reference: a local, not the module-level name it may shadow
        (``TABLES = rows`` in a function is not the module's ``TABLES``)."""
        name = self.src.text(node)
        cur: str | None = scope
        for _ in range(64):
            fn = self.facts.functions.get(cur) if cur is not None else None
            if fn is None:
                return val
            span = self._func_span(cur)  # type: ignore[arg-type]
            if span is None:
                return val
            start, end = span
            body = self.src.data[start:end]
            word = name.encode()
            if word in self._body_names(cur, "declared", body):  # type: ignore[arg-type]
                return val  # the module's (or an outer function's) name
            lo = bisect.bisect_left(self._binder_starts, start)
            hi = bisect.bisect_left(self._binder_starts, end, lo)
            binds = [n for n in self._binders[lo:hi] if self._binds(n, name, cur)]  # type: ignore[arg-type]
            if name in fn.params:
                val.ref = None
                return val
            # Other bindings, by their text (one in a nested function too: the name stays a local then).
            if not binds:
                if word in self._body_names(cur, "bound", body):  # type: ignore[arg-type]
                    val.ref = None
                    return val
                cur = fn.parent
                continue
            val.ref = None
            left = binds[0].child_by_field_name("left")
            right = binds[0].child_by_field_name("right")
            # (an empty display is filled somewhere, perhaps by a call it is given to)
            if len(binds) != 1 or binds[0].type != "assignment" or left is None or left.type != "identifier" or \
                    right is None or right.type not in ("list", "tuple", "set") or \
                    not any(c.type != "comment" for c in right.named_children) or \
                    word in self._body_names(cur, "bound", body) or \
                    word in self._body_names(cur, "changed", body):  # type: ignore[arg-type]
                return val
            lit = self.value(right, cur)
            lit.text = val.text
            return lit
        return val

    def _body_names(self, fid: str, kind: str, body: bytes) -> frozenset[bytes]:
        """``_declared_names`` / ``_bound_names`` / ``_changed_names`` of function ``fid``'s body,
        each worked out once, when first needed."""
        key = (fid, kind)
        names = self._names_of_bodies.get(key)
        if names is None:
            read = _declared_names if kind == "declared" else _bound_names if kind == "bound" else _changed_names
            names = self._names_of_bodies[key] = read(body)
        return names

    def _func_span(self, fid: str) -> tuple[int, int] | None:
        """The byte range of function ``fid``."""
        if self._spans is None:
            self._spans = {f: (s, e) for f, s, e in zip(self._ids, self._starts, self._ends, strict=True)
                           if f is not None}
        return self._spans.get(fid)

    def _binds(self, node: ts.Node, name: str, fid: str) -> bool:
        """The assignment (or ``:=``) binds ``name`` in its own function (``name = ...``, ``a,
        name = ...``), not in a nested one."""
        left = node.child_by_field_name("left" if node.type == "assignment" else "name")
        if left is None:
            return False
        if left.type == "identifier":
            hit = self.src.text(left) == name
        elif left.type in ("pattern_list", "tuple_pattern", "list_pattern"):
            hit = name in self._pattern_names(left)
        else:
            return False
        return hit and self._scope_of(node) == fid

    def _pattern_names(self, node: ts.Node, top: bool = False, depth: int = 0) -> list[str]:
        """The names a target pattern binds in its nested patterns (``model``, ``path`` in ``key,
        (model, path)``); with ``top``, not its own identifiers (those are the loop's targets)."""
        out: list[str] = []
        for c in node.named_children:
            if c.type == "identifier":
                if not top:
                    out.append(self.src.text(c))
            elif c.type in ("tuple_pattern", "list_pattern", "pattern_list", "parenthesized_expression") \
                    and depth < MAX_VALUE_DEPTH:
                out += self._pattern_names(c, depth=depth + 1)
        return out

    def _once_from(self, loop: ts.Node) -> int:
        """:attr:`Loop.once_from` of a ``for``/``while`` statement: the first line of the body that
        runs at most once, because the body ends in ``return``/``break``/``raise`` and no later
        statement can ``continue``; 0 when there is none."""
        body = loop.child_by_field_name("body") if loop.type in ("for_statement", "while_statement") else None
        stmts = [c for c in body.named_children if c.type != "comment"] if body is not None else []
        if not stmts or stmts[-1].type not in ("return_statement", "break_statement", "raise_statement"):
            return 0
        data = self.src.data
        start = 0
        for i, st in enumerate(stmts):
            if b"continue" in data[st.start_byte:st.end_byte]:  # perhaps a continue of this loop
                start = i + 1
        return stmts[start].start_point[0] + 1 if start < len(stmts) else 0

    def _loop_derived(self, assigns: list[ts.Node]) -> None:
        """:attr:`Loop.derived`: names a loop body assigns from its element (or from names so
        assigned before), such as ``model`` in ``for ct in types: model = ct.model_class()``."""
        loops = {lp.id: lp for lp in self.facts.loops}
        derived: dict[int, list[str]] = {}
        for n in assigns:
            left, right = n.child_by_field_name("left" if n.type == "assignment" else "name"), \
                n.child_by_field_name("right" if n.type == "assignment" else "value")
            if left is None or right is None:
                continue
            idents = [left] if left.type == "identifier" else [c for c in left.named_children
                                                               if c.type == "identifier"] \
                if left.type in ("pattern_list", "tuple_pattern") else []
            if not idents:
                continue
            words = set(_WORD.findall(self.src.text(right, 400)))
            child, cur = n, n.parent
            while cur is not None and cur.type not in FUNC_TYPES:
                lid = self.loop_ids.get(cur.id)
                if lid is not None and cur.type != "while_statement" and \
                        (cur.type != "for_statement" or cur.child_by_field_name("right") != child):
                    if words & {*loops[lid].targets, *loops[lid].derived, *derived.get(lid, ())}:
                        derived.setdefault(lid, []).extend(self.src.text(i) for i in idents)
                child, cur = cur, cur.parent
        for lid, names in derived.items():
            loops[lid].derived = tuple(dict.fromkeys((*loops[lid].derived, *names)))

    def _row_params(self) -> dict[bytes, set[str]]:
        """Names that hold one row per call in code a framework runs once per row (n-plus-one):
        the object parameter of serializer ``get_<field>(self, obj)`` methods, ``self`` in
        ``@property`` / ``@cached_property`` methods. Name -> the functions where it does."""
        out: dict[bytes, set[str]] = {}
        for fn in self.facts.functions.values():
            if fn.class_name is None or not fn.params:
                continue
            if fn.name.startswith("get_") and len(fn.params) >= 2:
                out.setdefault(fn.params[1].encode(), set()).add(fn.id)
            elif any((d.text or "").rsplit(".", 1)[-1] in ("property", "cached_property") for d in fn.decorators):
                out.setdefault(fn.params[0].encode(), set()).add(fn.id)
        return out

    def _member_read(self, node: ts.Node) -> None:
        obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
        if obj is None or attr is None:
            return
        parent = node.parent
        if parent is not None and parent.type in ("assignment", "augmented_assignment", "pattern_list",
                                                  "tuple_pattern", "list_pattern") and \
                (parent.type.endswith("pattern") or parent.child_by_field_name("left") == node):
            return  # row.author = a: stores a value, loads nothing (``row.author += x`` would be no relation)
        is_call = parent is not None and parent.type == "call" and parent.child_by_field_name("function") == node
        self.facts.member_reads.append(Access(self.src.text(obj), self.src.text(attr), self.src.loc(node),
                                              self._scope_of(node), is_call, arms=_arms(node, self._arm_ids)))

    # -- assignments, accesses -----------------------------------------------
    def _assign(self, node: ts.Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None:
            return
        ann = node.child_by_field_name("type")
        annotation = ""
        if ann is not None and left.type == "identifier":
            stmt = node.parent
            body = stmt.parent if stmt is not None and stmt.type == "expression_statement" else None
            if body is not None and body.parent is not None and body.parent.type == "class_definition":
                annotation = self.src.text(ann, 120)  # a class-body field: pydantic / dataclass / Mapped[...]
        if right is None:
            if annotation:
                self.facts.assigns.append(Assign(self.src.text(left), _OTHER, self.src.loc(node), self._scope_of(node),
                                                 self.src.text(left), annotation))
            return
        scope = self._scope_of(node)
        if left.type == "identifier" and scope is not None and right.type in ("string", "concatenated_string"):
            val = self.value(right, scope)
            if val.kind in ("str", "template") and isinstance(val.value, str) and \
                    _SQL_HEAD.match(val.value) is not None:
                self.facts.local_sql.append((scope, self.src.text(left), self.src.loc(node).line, val.value))
        if left.type == "attribute" or (left.type == "identifier" and scope is None) or (
                left.type == "subscript"):
            left_text = self.src.text(left)
            target = self.resolve(left_text, scope, node) if left.type != "subscript" else left_text
            if scope is not None and target == left_text and \
                    left_text.rsplit(".", 1)[-1] not in ASSIGN_VOCABULARY and \
                    (left.type != "attribute" or left_text not in self.src.text(right, 120)) and \
                    (scope, left_text.rpartition(".")[0]) not in self._saved:
                return  # obj.attr = x inside a function, on nothing known (unless from its old value or saved)
            val = self.value(right, scope)
            self.facts.assigns.append(Assign(target, val, self.src.loc(node), scope, self.src.text(left, 80),
                                             annotation))
            if left.type == "identifier" and scope is None:
                self.facts.exports[self.src.text(left)] = val

    def _access(self, node: ts.Node) -> None:
        obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
        if obj is None or attr is None:
            return
        parent = node.parent
        is_call = parent is not None and parent.type == "call" and parent.child_by_field_name("function") == node
        cond = False
        cur = parent
        depth = 0
        while cur is not None and depth < 6:
            if cur.type in CONDITION_PARENTS:
                cond = True
                break
            if cur.type in ("block", "expression_statement", "assignment"):
                break
            cur, depth = cur.parent, depth + 1
        self.facts.accesses.append(Access(self.src.text(obj), self.src.text(attr), self.src.loc(node),
                                          self._scope_of(node), is_call, cond))

    def finish(self) -> ModuleFacts:
        """Drop the calls no rule can use and renumber the rest densely (ids are list indexes)."""
        calls = [c for c in self.facts.calls if c is not None]
        if len(calls) == len(self.facts.calls):
            return self.facts
        return renumber_calls(self.facts, calls, self._call_values)


_WRAPPERS = re.compile(r"^(?:typing\.)?(?:Optional|Annotated|Final|ClassVar|Type)\[(.*)\]$", re.S)


def _annotated_class(annotation: str) -> str | None:
    """The class an annotation says a value is an instance of: ``Session``, ``Optional[Session]``,
    ``Session | None``, ``"Session"``; None for containers (``dict[str, Session]``) and unions."""
    text = annotation.strip().strip("'\"")
    for _ in range(4):
        m = _WRAPPERS.match(text)
        if m is None:
            break
        text = m.group(1).split(",", 1)[0].strip()  # Annotated[X, meta] -> X
    parts = [t.strip() for t in text.split("|")]
    parts = [t for t in parts if t != "None"]
    if len(parts) != 1:
        return None
    text = parts[0].strip("'\"")
    if not re.fullmatch(r"[A-Za-z_][\w.]*", text):
        return None  # generic containers, unions, literals
    return text


# ``self.m`` / ``cls.m``: a method of the class or one it inherits.
_SELF_METHOD = re.compile(r"(?:self|cls)\.[A-Za-z_]\w*")
# Roots of canonical names that are no project class's: the standard library's and common
# value libraries' (``DateTime.utcfromtimestamp(t)`` makes a datetime, not a repository).
_NOT_PROJECT_ROOTS = frozenset(sys.stdlib_module_names) | {
    "arrow", "pendulum", "dateutil", "pytz", "numpy", "pandas", "pydantic", "attrs", "yaml", "requests", "httpx"}
_RETURN_NEW = re.compile(rb"\breturn[ \t(]+(?:[a-z_]\w*\.)*[A-Z]\w*\s*\(")  # return Client(...) needs
# -> Iterator[X] / AsyncIterator[X] / Generator[X, None, None] / AsyncGenerator[X, None]: X
_ITERATOR_ANN = re.compile(
    r"^(?:typing\.|collections\.abc\.|t\.)?(?:Async)?(?:Iterator|Generator|Iterable)\[\s*([^,\]]+)")
_RETURN_CLS = re.compile(rb"\breturn[ \t(]+cls\s*\(")  # the text return cls(...) needs
# ``name.m``: a method called on a local.
_LOCAL_METHOD = re.compile(r"[A-Za-z_]\w*\.[A-Za-z_]\w*")
# ``Repo.from_session`` / ``repos.OrderRepository.for_org``: a method of a class-like name.
_FACTORY_CALL = re.compile(r"(?:[A-Za-z_]\w*\.)*[A-Z]\w*[a-z]\w*\.[a-z_]\w*")
# ``helpers.load`` / ``job_registry.get_by_model``: a function of an imported module or a method of a
# module-level instance (a lower-case name and one attribute; not ``Model.objects.filter``).
_MODULE_CALL = re.compile(r"[a-z_]\w*\.[A-Za-z_]\w*")
# Registry lookups (``_lookup_call``) and the key they take: a class-like name (``CreateThing``,
# ``actions.CreateThing``), or an attribute of one (``CreateThing.type``).
_LOOKUPS = PY_CLASS_KEYED_LOOKUPS | PY_NAME_KEYED_LOOKUPS
_LOOKUP_KEY = re.compile(r"(?:[a-z_]\w*\.)*[A-Z]\w*[a-z]\w*(?:\.[A-Za-z_]\w*)?")


def _yields(node: ts.Node) -> bool:
    """A function's body has a ``yield`` of its own (not in a nested function or class)."""
    body = node.child_by_field_name("body")
    todo = list(body.named_children) if body is not None else []
    while todo:
        n = todo.pop()
        if n.type == "yield":
            return True
        if n.type in FUNC_TYPES or n.type == "class_definition":
            continue
        todo.extend(n.named_children)
    return False


# What the text of a function body binds or changes, whatever the name (for
# :meth:`_Extractor._local_iterable`, read once per function): names declared ``global`` /
# ``nonlocal``; other bindings (``for`` targets, ``as`` / ``import``, augmented assignments);
# changes to a value (a mutating method, a subscript assignment, ``del``).
_DECLARED = re.compile(rb"\b(?:global|nonlocal)[ \t]+([\w \t,]+)")
_BOUND = re.compile(rb"\bfor[ \t]+((?:(?!\bin\b)[\w \t,()*])*?)[ \t]in\b|\b(?:as|import)[ \t]+([\w \t,()*.]*)"
                    rb"|(?<![\w.])([A-Za-z_]\w*)[ \t]*(?:[-+*/%&|^@]|//|\*\*|<<|>>)=")
_CHANGED = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)\s*(?:\.\s*(?:append|extend|insert|add|update|remove|pop|clear|"
                      rb"discard|setdefault|__setitem__|__iadd__)\s*\(|\[[^\]\n]*\]\s*(?:[-+*/%&|^@]|//)?=(?!=))"
                      rb"|\bdel\s+([A-Za-z_]\w*)")
_IDENT = re.compile(rb"[A-Za-z_]\w*")


# What owns a once-only flag: ``self``, ``cls``, a class name (``Registry._loaded``).
_FLAG_OWNER = re.compile(r"self|cls|[A-Z]\w*")


def _declared_names(body: bytes) -> frozenset[bytes]:
    """The names a function body's text declares ``global`` / ``nonlocal``."""
    if b"global" not in body and b"nonlocal" not in body:
        return frozenset()
    return frozenset(n for m in _DECLARED.finditer(body) for n in _IDENT.findall(m.group(1)))


def _bound_names(body: bytes) -> frozenset[bytes]:
    """The names a function body's text binds otherwise than by a plain assignment: ``for``
    targets, ``as`` / ``import``, augmented assignments (see ``_BOUND``)."""
    bound: set[bytes] = set()
    for m in _BOUND.finditer(body):
        if m.group(1) is not None:
            bound.update(_IDENT.findall(m.group(1)))
        elif m.group(2) is not None:  # the first name of each item: import a.b, c as d
            bound.update(h.group(0) for part in m.group(2).split(b",")
                         if (h := _IDENT.match(part.strip(b" \t()*"))) is not None)
        else:
            bound.add(m.group(3))
    return frozenset(bound)


def _changed_names(body: bytes) -> frozenset[bytes]:
    """The names whose value a function body's text changes (see ``_CHANGED``)."""
    return frozenset(m.group(1) or m.group(2) for m in _CHANGED.finditer(body))


@lru_cache(maxsize=4096)
def _word(name: str) -> re.Pattern[bytes]:
    """``name`` as a whole word."""
    return re.compile(rb"\b" + re.escape(name.encode()) + rb"\b")


def _in_async_with(node: ts.Node) -> bool:
    """An ``as`` pattern or ``with`` item is one of an ``async with``."""
    cur = node.parent
    while cur is not None and cur.type in ("with_item", "with_clause"):
        cur = cur.parent
    return cur is not None and cur.type == "with_statement" and bool(cur.children) and cur.children[0].type == "async"


def _own_returns(node: ts.Node) -> Iterator[ts.Node]:
    """The ``return`` statements of a function's body, not of the functions and classes nested in it."""
    body = node.child_by_field_name("body")
    todo = list(body.named_children) if body is not None else []
    while todo:
        n = todo.pop()
        if n.type in FUNC_TYPES or n.type == "class_definition":
            continue
        if n.type == "return_statement":
            yield n
            continue
        todo.extend(n.named_children)


def _returns_only_self(node: ts.Node) -> bool:
    """An ``__enter__`` / ``__aenter__`` whose every own ``return`` gives ``self`` (and there is one)."""
    seen = False
    for n in _own_returns(node):
        v = n.named_children[0] if n.named_children else None
        if v is None or v.type != "identifier" or v.text != b"self":
            return False
        seen = True
    return seen


def _returns_cls_call(node: ts.Node, src: Source) -> bool:
    """A classmethod's body has ``return cls(...)`` (not in a nested function)."""
    for n in _own_returns(node):
        v = n.named_children[0] if n.named_children else None
        f = v.child_by_field_name("function") if v is not None and v.type == "call" else None
        if f is not None and f.type == "identifier" and src.text(f) == "cls":
            return True
    return False


def _project_like(resolved: str, text: str) -> bool:
    """A callee the file resolves through its own definitions or imports to something that may be
    the project's: not a name it leaves as written, nor the standard library's or a common value
    library's (``_NOT_PROJECT_ROOTS``), nor a method of a library object (``Session().query``)."""
    if resolved.startswith(("local:", "import:")):
        return True
    return resolved != text and "(" not in resolved and resolved.split(".", 1)[0] not in _NOT_PROJECT_ROOTS


def _looks_like_class(callee: str) -> bool:
    last = callee.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
    return bool(last) and last[0].isupper() and not last.isupper() and "(" not in callee and \
        not callee.startswith("?")


def _is_tracked_ctor(callee: str) -> bool:
    return callee.startswith(("apscheduler.schedulers.", "pg.", "psycopg", "asyncpg.create_pool",
                              "asyncpg.connect", "redis.")) or callee == "celery.Celery"


def _is_config(ref: str | None) -> bool:
    if not ref:
        return False
    return ref.startswith(CONFIG_ROOTS) or ref in ("os.environ", "os.getenv") or ".settings." in ref \
        or ref.startswith(("django.conf.settings", "flask.current_app.config"))


def eval_number(text: str) -> float:
    """The value of a number literal; ValueError when it has none as a float."""
    t = text.replace("_", "").lower()
    try:
        if t.startswith("0x"):
            return float(int(t, 16))
        if t.startswith("0o"):
            return float(int(t, 8))
        if t.startswith("0b"):
            return float(int(t, 2))
        return float(t.rstrip("jl"))
    except OverflowError:  # 0xfff...f beyond a float
        raise ValueError(text) from None


def extract(source: bytes, tree: ts.Tree, path: str) -> ModuleFacts:
    ex = _Extractor(source, path)
    ex.run(tree)
    return ex.finish()


_CONSTANT_NAME = re.compile(r"(?:[a-z_]\w*\.)*(?:[A-Z]\w*\.)+[A-Za-z_]\w*|(?:[a-z_]\w*\.)*[A-Z][A-Z0-9_]+")


def _literal_operand(node: ts.Node, src) -> bool:  # type: ignore[no-untyped-def]
    """A literal a value is compared with: a string, number, ``True`` / ``False`` / ``None``, an
    enum member or class constant (``Kind.ISSUE``, ``models.Kind.ISSUE``) or an UPPER_CASE constant."""
    t = node.type
    if t in ("string", "integer", "float", "true", "false", "none", "concatenated_string"):
        return not any(c.type == "interpolation" for c in node.named_children)
    if t == "unary_operator" and node.named_children and node.named_children[-1].type in ("integer", "float"):
        return True
    if t in ("attribute", "identifier"):
        return _CONSTANT_NAME.fullmatch(src.text(node)) is not None
    return False


def _literal_pattern(pat: ts.Node) -> bool:
    """A ``case`` pattern that matches only literals: ``"a"``, ``1``, ``Kind.ISSUE``, ``"a" | "b"``
    (not ``_``, a capture name or a class / sequence / mapping pattern)."""
    kids = [c for c in pat.named_children if c.type != "comment"]
    if len(kids) == 1 and kids[0].type == "union_pattern":
        kids = [c for c in kids[0].named_children if c.type != "comment"]
    if not kids:
        return False
    for k in kids:
        t = k.type
        if t == "case_pattern" and k.named_children:
            if not _literal_pattern(k):
                return False
            continue
        if t in ("string", "integer", "float", "true", "false", "none", "concatenated_string"):
            continue
        if t == "dotted_name" and len(k.named_children) > 1:  # Kind.ISSUE: a value pattern
            continue
        return False
    return True
