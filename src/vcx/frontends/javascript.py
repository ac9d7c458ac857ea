"""JavaScript / TypeScript / TSX front end: one tree-sitter tree to :class:`ModuleFacts`.

Mirrors :mod:`vcx.frontends.python`: one tree-sitter query (run in C) finds the candidate
nodes (calls, ``new``, functions, classes, ``catch`` clauses, imports, exports, variable
declarators, assignments, member reads on names, comments); Python code looks only at
those nodes and walks up from them (never over the whole tree, never recursively over
it) to find their context.

Canonical names follow :mod:`vcx.facts`: library paths (``axios.get``,
``node-cron.schedule``, ``cron.CronJob``), instances (``axios.create().get``,
``Date().getHours``, ``pg.Pool().query``), the file's own functions (``local:<id>``),
project imports (``import:<spec>:<name>``, namespace imports ``import:<spec>:`` followed
by the member path), otherwise the dotted source text (``?`` for a root that is not a name).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from operator import attrgetter

import tree_sitter as ts

from vcx.facts import (
    Access,
    Assign,
    Call,
    ClassInfo,
    Function,
    Handler,
    Import,
    Loc,
    Loop,
    ModuleFacts,
    Value,
    merge_exits,
)
from vcx.frontends.common import (
    _TO_HIGH,
    Source,
    error_ranges,
    param_of_enclosing,
    renumber_calls,
    short,
    suppression,
)
from vcx.knowledge import JS_UNDISPATCHED_METHODS
from vcx.knowledge import databases as kdb
from vcx.knowledge.javascript import (
    JS_CONFIG_CONVERTERS,
    JS_CONFIG_NAMES,
    JS_CONFIG_PREFIXES,
    JS_CONFIG_SUFFIXES,
    JS_SAFE_HANDLERS,
    JS_THROWING_CALLS,
    JS_THROWING_CONSTRUCTORS,
    JS_TRACKED_CONSTRUCTORS,
    JS_TYPE_CTORS,
    REPORTING_CALL,
    is_request_scope_call,
    is_tracked_ctor,
    js_keep_unresolved,
    promise_never_rejects,
    query_refresh_settles,
    returns_no_promise,
)
from vcx.knowledge.network import CLIENT_CONSTRUCTORS
from vcx.knowledge.time import JS_FOLLOWED_METHODS
from vcx.parse import language

# (node type, capture); patterns whose node type a grammar lacks are left out.
PATTERNS = (
    ("call_expression", "call"), ("new_expression", "call"),
    ("function_declaration", "func"), ("generator_function_declaration", "func"),
    ("function_expression", "func"), ("generator_function", "func"), ("arrow_function", "func"),
    ("method_definition", "func"),
    ("class_declaration", "class"), ("class", "class"), ("abstract_class_declaration", "class"),
    ("field_definition", "field"), ("public_field_definition", "field"),
    ("catch_clause", "catch"), ("try_statement", "try"), ("import_statement", "import"),
    ("export_statement", "export"), ("for_statement", "loop"), ("for_in_statement", "loop"),
    ("while_statement", "loop"), ("do_statement", "loop"), ("if_statement", "if"),
    ("switch_statement", "switch"), ("return_statement", "exit"), ("throw_statement", "exit"),
    ("await_expression", "await"),
    ("variable_declarator", "decl"), ("assignment_expression", "assign"),
    ("type_alias_declaration", "typealias"),
)
# No text predicates (#match?, #eq?): a tree parsed under a deadline keeps no source text
# (vcx.parse.parse parses JS only once), and py-tree-sitter crashes evaluating them on it.
EXTRA_PATTERNS = """
(comment) @comment
(member_expression object: (identifier) property: (property_identifier)) @access
(await_expression (identifier) @awaited_name)
(return_statement (identifier) @returned_name)
(arrow_function body: (identifier) @returned_name)
(yield_expression (identifier) @yielded_name)
"""

def _arith(node: ts.Node) -> bool:
    """A binary arithmetic expression (``a.balance - amount``)."""
    t = node.type
    while t in WRAPPERS_AND_AWAIT and node.named_children:
        node = node.named_children[0]
        t = node.type
    if t != "binary_expression":
        return False
    op = node.child_by_field_name("operator")
    return op is not None and op.type in ARITH_OPS


FUNC_TYPES = frozenset({"function_declaration", "generator_function_declaration", "function_expression",
                        "generator_function", "arrow_function", "method_definition"})
CALL_TYPES = frozenset({"call_expression", "new_expression"})
FUNC_EXPR_TYPES = frozenset({"function_expression", "generator_function", "arrow_function"})
CLASS_TYPES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
# Expressions that only wrap another one (types, non-null assertions, parentheses).
WRAPPERS = frozenset({"parenthesized_expression", "non_null_expression", "as_expression",
                      "satisfies_expression", "type_assertion"})
# TypeORM / MikroORM relation decorators on entity fields (lazy relations, NPQ002).
ORM_RELATION_DECORATORS = frozenset({"ManyToOne", "OneToOne", "OneToMany", "ManyToMany"})
WRAPPERS_AND_AWAIT = WRAPPERS | {"await_expression"}
CONDITION_OPS = frozenset({"&&", "||", "??", "==", "===", "!=", "!==", "<", ">", "<=", ">=",
                           "instanceof", "in"})
ARITH_OPS = frozenset({"+", "-", "*", "/", "%", "**"})
STATEMENT_CONDITIONS = frozenset({"if_statement", "while_statement", "do_statement", "switch_statement"})
COMPARE_OPS = frozenset({"==", "===", "!=", "!==", "<", ">", "<=", ">="})
ACCESS_STOPS = frozenset({"statement_block", "expression_statement", "lexical_declaration",
                          "variable_declaration", "return_statement", "arrow_function", "program",
                          "class_body", "object", "jsx_element", "jsx_expression"})
GLOBAL_OBJECTS = frozenset({"globalThis", "window", "global", "self"})
_HOST_OBJECTS = GLOBAL_OBJECTS | frozenset({"console", "process", "document", "navigator", "location", "history",
                                            "localStorage", "sessionStorage", "crypto", "performance"})
# Statements that may precede `throw err` in a catch block that only re-throws (log, count).
RERAISE_PRELUDE = frozenset({"expression_statement", "lexical_declaration", "variable_declaration"})
# Operations whose failure is an expected outcome (bad input, storage blocked or full): an empty
# catch around only these is the JS form of Python's ``except ValueError: pass`` (ERR004).
PARSE_FUNCTIONS = frozenset({"JSON.parse", "JSON.stringify", "decodeURIComponent", "decodeURI",
                             "encodeURIComponent", "encodeURI", "atob", "btoa", "URL.parse",
                             "structuredClone", "BigInt"})
# ``PerformanceObserver``: feature detection (a ReferenceError where the API is missing, a
# TypeError from ``observe({ type })`` where that option is).
PARSE_CONSTRUCTORS = frozenset({"URL", "URLSearchParams", "RegExp", "PerformanceObserver"})
# Property reads that throw a SecurityError where the page may not use them (a sandboxed iframe,
# storage disabled; a cross-origin style sheet's rules): ``window.localStorage``, ``sheet.cssRules``.
GUARDED_READS = frozenset({"localStorage", "sessionStorage", "indexedDB"})
# The methods of a Web Storage object (``Storage``), which throw where storage is blocked or full:
# on ``localStorage`` / ``sessionStorage``, on ``window[kind]``, or on a receiver named for it
# (``getStorage()?.setItem(k, v)``, ``this.storage.removeItem(k)``), not awaited (an awaited
# ``storage.setItem`` is an async store: localforage, unstorage, AsyncStorage).
STORAGE_METHODS = frozenset({"getItem", "setItem", "removeItem", "clear", "key"})
# Browser APIs that fail as an expected outcome: the clipboard (``navigator.clipboard.writeText``
# rejects when the page lacks focus or permission) and ``Selection.getRangeAt`` (throws an
# IndexSizeError when the selection holds no range).
EXPECTED_FAILURE_PREFIXES = ("navigator.clipboard.",)
EXPECTED_FAILURE_METHODS = (".getRangeAt",)
# Methods that release or close what a block used (ERR004: a failure of one in a ``finally``, or
# in a ``catch`` that rethrows the error it caught, is secondary to the outcome already decided).
# Not ``cancel``: on a remote API it is a business action (``stripe.subscriptions.cancel(id)``).
CLEANUP_METHODS = frozenset({"releaseLock", "release", "close", "disconnect", "$disconnect", "destroy",
                             "end", "quit", "unlock", "abort", "unsubscribe", "removeListener",
                             "removeEventListener", "off", "terminate", "dispose", "rollback", "unref"})
# Receivers of logging / error-reporting calls (``logger.error(...)``, ``this.logger.warn(...)``,
# ``Sentry.captureException(e)``): a try that only logs has no channel left to report its failure.
LOG_ROOTS = frozenset({"console", "logger", "log", "Logger", "Sentry"})
# Expressions and statements that can throw or reject (ERR004: a try block without any of them
# cannot fail): calls, ``new``, waits, throws, and loops and spreads, which run an iterator.
CAN_THROW_NODES = frozenset({"call_expression", "new_expression", "await_expression", "yield_expression",
                             "throw_statement", "for_statement", "for_in_statement", "while_statement",
                             "do_statement", "spread_element", "import"})
# A TypeScript type annotation that admits undefined or null (``: string | undefined``).
_NULLABLE_TYPE = re.compile(r"(?<![\w$.])(?:undefined|null)(?![\w$])")
# Assignments that keep the value computed in a ``try`` (ERR004: a default set before the try).
VALUE_ASSIGN_OPS = frozenset({"=", "??=", "||="})
NETWORK_ROOTS = frozenset({"fetch", "axios", "got", "ky", "superagent", "needle", "prisma"})
# `new X()` whose instances are not worth tracking.
UNTRACKED_NEW = frozenset({"Promise", "Error", "RegExp", "Array", "Object", "Function", "Symbol", "Proxy"})
TRACKED_CTORS = JS_TRACKED_CONSTRUCTORS | CLIENT_CONSTRUCTORS
# The last segment of every tracked constructor (``create`` of ``axios.create``), and
# ``default`` (``require("ioredis").default`` is the module itself): see ``_ctor_of``.
CTOR_LAST_NAMES = frozenset({c.rsplit(".", 1)[-1] for c in TRACKED_CTORS} | {"default"})
STRING_PARTS = frozenset({"string_fragment", "escape_sequence"})  # what a string's value is made of
VALUE_TEXT = 40  # characters of Value.text
MAX_DEPTH = 12  # nesting of values summarised (object in array in object ...)
MAX_KEYS = 100
MAX_ITEMS = 50
# Callees of iteration methods (``rows.forEach``, ``["a", "b"].map``): their receiver is recorded.
ITERATION_SUFFIXES = tuple(f".{m}" for m in sorted(kdb.ITERATION_METHODS))
MAX_CHAIN = 5000  # member/call segments walked for one expression
MAX_CHAIN_MEMBERS = 32  # methods recorded in Call.chain
MAX_CANON = 300  # characters of a canonical name

_queries: dict[str, ts.Query] = {}
_keep_unresolved = lru_cache(maxsize=8192)(js_keep_unresolved)  # a pure test of a callee's text


@lru_cache(maxsize=8192)  # the same paths come again and again; callers do not change the list
def _plain_names(text: str) -> list[str] | None:
    """The names of a plain dotted path's text (``a.b.c`` -> a, b, c), else None."""
    if _DOTTED.fullmatch(text) is None:
        return None
    names = text.split(".")
    return None if names[0] in KEYWORD_ROOTS else names

_HEAD_NAME = re.compile(r"[A-Za-z_$][\w$]*")  # the root name of a callee's source text
_NAME = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)  # a name of ASCII letters, digits, _ and $
# The source text of a plain dotted path (`a.b.c`, `this.#x`): ASCII names and dots, nothing
# else (no spaces, comments, `?.`, calls or subscripts). A member expression with such a text
# is a chain of members on its first name, which can be read off the text instead of walking
# the chain node by node (``_dotted_text``, ``canon``).
_DOTTED = re.compile(r"[A-Za-z_$][\w$]*(?:\.#?[A-Za-z_$][\w$]*)+", re.ASCII)
MAX_DOTTED = 200  # bytes of a member expression whose text is tried as a plain dotted path
# Roots of a dotted text that are keywords, not identifiers (`super.x`, `import.meta`, `null.x`):
# their chains are walked. `this` is a keyword too, but both walks handle it.
KEYWORD_ROOTS = frozenset({"super", "import", "new", "true", "false", "null", "undefined", "yield", "await"})


# The fields the front end reads by a constant name.
FIELD_NAMES = ("alias", "argument", "arguments", "body", "condition", "constructor", "declaration", "function",
               "handler", "index", "key", "left", "name", "object", "operator", "parameter", "parameters",
               "pattern", "property", "right", "source", "type", "value")


def _own_nodes(node: ts.Node, limit: int = 2000) -> Iterator[ts.Node | None]:
    """``node`` and the named nodes under it that run with it, depth first: not those inside a
    nested function or class (they run later, or are callbacks). After ``limit`` nodes, one
    None and nothing more: the bounded walks of the ERR004 guards give up there."""
    todo = [node]
    seen = 0
    while todo:
        n = todo.pop()
        seen += 1
        if seen > limit:
            yield None
            return
        if n.type in FUNC_EXPR_TYPES or n.type in ("function_declaration", "class_declaration"):
            continue
        yield n
        todo.extend(n.named_children)


def _branch_statements(block: ts.Node) -> Iterator[ts.Node]:
    """The statements of a block with its ``if`` branches and nested blocks opened, without
    comments, empty statements and declarations: what the ERR004 fallback guards judge."""
    todo = list(block.named_children)
    while todo:
        st = todo.pop()
        t = st.type
        if t in ("comment", "empty_statement", "lexical_declaration", "variable_declaration"):
            continue
        if t == "if_statement":
            todo.extend(c for c in st.named_children if c.type != "parenthesized_expression")
        elif t in ("statement_block", "else_clause"):
            todo.extend(st.named_children)
        else:
            yield st


class _FieldIds:
    """Ids of ``FIELD_NAMES`` in one grammar (0, which no child has, for a field it lacks).
    ``node.child_by_field_id(self.f.object)`` costs a half to a third of
    ``node.child_by_field_name("object")``, which looks the name up among the grammar's
    field names on every call; the front end makes some 500,000 such calls on a large tree."""

    __slots__ = FIELD_NAMES

    def __init__(self, grammar: ts.Language) -> None:
        for name in FIELD_NAMES:
            setattr(self, name, grammar.field_id_for_name(name) or 0)


_field_ids: dict[str, _FieldIds] = {}


def _fields(lang: str) -> _FieldIds:
    f = _field_ids.get(lang)
    if f is None:
        f = _field_ids[lang] = _FieldIds(language(lang))
    return f


def _query(lang: str) -> ts.Query:
    q = _queries.get(lang)
    if q is None:
        grammar = language(lang)
        lines = [f"({kind}) @{cap}" for kind, cap in PATTERNS if grammar.id_for_node_kind(kind, True)]
        lines.append(EXTRA_PATTERNS)
        q = _queries[lang] = ts.Query(grammar, "\n".join(lines))
    return q


def _is_async(node: ts.Node, kind: str, data: bytes, name: ts.Node | None) -> bool:
    """Whether a function node has the ``async`` keyword: the first child of any function but
    a method (which may have decorators and modifiers before it, but not after its name).
    The keyword's text is looked for first, which most functions lack where it would be."""
    s = node.start_byte
    if kind == "method_definition":
        if data.find(b"async", s, name.start_byte if name is not None else node.end_byte) < 0:
            return False
        return any(c.type == "async" for c in node.children)
    if not data.startswith(b"async", s):
        return False
    first = node.child(0)
    return first is not None and first.type == "async"


def is_project_spec(spec: str) -> bool:
    """Whether an import specifier names a module of the project rather than a package."""
    return spec.startswith((".", "/", "~", "#", "$", "@/")) or spec == ""


def package_name(spec: str) -> str:
    return spec[5:] if spec.startswith("node:") else spec


def _string_value(node: ts.Node, data: bytes) -> str:
    return "".join(data[c.start_byte:c.end_byte].decode("utf-8", "replace")
                   for c in node.named_children if c.type in STRING_PARTS)


def eval_number(text: str) -> float:
    """The value of a number literal; ValueError when it has none as a float."""
    t = text.replace("_", "").lower()
    if t.endswith("n"):
        t = t[:-1]
    try:
        if t.startswith("0x"):
            return float(int(t, 16))
        if t.startswith("0o"):
            return float(int(t, 8))
        if t.startswith("0b"):
            return float(int(t, 2))
        if len(t) > 1 and t[0] == "0" and t.isdigit():  # legacy octal 017
            return float(int(t, 8)) if all(c in "01234567" for c in t) else float(t)
        return float(t)
    except OverflowError:  # 0xfff...f beyond a float
        raise ValueError(text) from None


@lru_cache(maxsize=8192)  # a file asks about the same few names again and again
def is_config_text(dotted: str) -> bool:
    """Whether a dotted expression (``process.env.X``, ``config.timeout``) reads configuration."""
    if dotted.startswith("this."):
        dotted = dotted[5:]
    if dotted.startswith(JS_CONFIG_PREFIXES):
        return True
    root, dot, _rest = dotted.partition(".")
    if not dot:
        return False
    low = root.lower()
    return low in JS_CONFIG_NAMES or low.endswith(JS_CONFIG_SUFFIXES)


_HOLE = Value("other", "")  # a template hole that is not a plain name or member
_new_tuple = tuple.__new__


_START = attrgetter("start_byte")
_END = attrgetter("end_byte")


def _source_order(nodes: list[ts.Node]) -> list[ts.Node]:
    """Nodes by start, the outer of two nodes starting together first: the order of the key
    ``(start_byte, -end_byte)``, by two stable sorts on C-level keys (no tuple per node)."""
    if len(nodes) < 2:
        return list(nodes)
    out = sorted(nodes, key=_END, reverse=True)
    out.sort(key=_START)
    return out


class _Ranges:
    """Nested byte ranges added in source order, with "innermost range containing" lookups.

    Replaces walks up ``Node.parent`` (which costs O(depth) per step in tree-sitter) with
    a bisect and a walk up the nesting of the ranges.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.items: list[tuple[int, int, str, int]] = []  # (start, end, id, index of the parent range)
        self.index: dict[str, int] = {}

    def find_index(self, s: int, e: int) -> int:
        i = bisect_right(self.starts, s) - 1
        items = self.items
        while i >= 0:
            rs, re_, _ident, parent = items[i]
            if rs <= s and e <= re_ and not (rs == s and re_ == e):
                return i
            i = parent
        return -1

    def find(self, s: int, e: int) -> str | None:
        i = self.find_index(s, e)
        return self.items[i][2] if i >= 0 else None

    def add(self, s: int, e: int, ident: str, parent: int) -> None:
        """Add the range ``s``-``e``; ``parent`` is ``find_index(s, e)``, which the caller has."""
        self.index[ident] = len(self.items)
        self.starts.append(s)
        self.items.append((s, e, ident, parent))

    def start_of(self, ident: str | None) -> int:
        i = self.index.get(ident, -1) if ident is not None else -1
        return self.items[i][0] if i >= 0 else -1


class _Extractor:
    def __init__(self, source: bytes, path: str, lang: str) -> None:
        self.data = source
        self.src = Source(source)
        self.ascii = source.isascii()
        # The bytes as characters, one per byte: the text of a byte range without non-ASCII
        # bytes, as a slice (nothing to decode). Most files are ASCII; most of the others
        # have a few non-ASCII bytes (a "…" or an emoji in a string or comment) on one or two
        # lines, between ``wide_lo`` and ``wide_hi``: a range outside them is ASCII at once,
        # one inside them when ``marked`` (every non-ASCII byte 0x80) has no 0x80 in it
        # (``_plain``). Only a range with a non-ASCII byte is decoded.
        self.latin = source.decode("latin-1")
        if self.ascii:
            self.wide_lo = self.wide_hi = 1 << 62
            self.marked = source
        else:
            self.marked = source.translate(_TO_HIGH)
            self.wide_lo, self.wide_hi = self.marked.find(128), self.marked.rfind(128) + 1
        # 0-based rows with a non-ASCII byte (see ``loc``)
        self.wide_rows = self.src._rows_with_non_ascii() if not self.ascii else frozenset()
        self.lang = lang
        self.f = _fields(lang)  # field ids, see _FieldIds
        # Bytes without which a file has no decorator / no "use server" directive: most files
        # skip looking for them on every function.
        self.mentions_at = b"@" in source
        self.mentions_use_server = b"use server" in source
        self.facts = ModuleFacts(path=path, language=lang, lines=source.count(b"\n") + 1)
        # All name tables are keyed by (scope function id or None, name); lookups walk the
        # scope chain outwards, so module-level names are visible in functions.
        self.bindings: dict[tuple[str | None, str], str] = {}  # imports / requires
        self.namespaces: set[tuple[str | None, str]] = set()  # bindings that are whole modules
        self.instances: dict[tuple[str | None, str], tuple[str, Value | None]] = {}
        self.local_funcs: dict[tuple[str | None, str], str] = {}
        self.classes: dict[tuple[str | None, str], str] = {}  # class name -> qualname
        self.declared: set[tuple[str | None, str]] = set()
        self.class_instances: dict[tuple[str, str], tuple[str, Value | None]] = {}
        self.class_quals: dict[int, str] = {}  # class node id -> qualname
        self.method_class: dict[str, str] = {}  # method Function id -> class qualname
        # Methods of an object literal (``const api = { get(u) {...} }``, ``export default {...}``,
        # ``get: function (u) {...}``): Function id -> the object's qualname, the ``this`` of the
        # method ("" for an object bound to no name; see ``_this_object``). Arrow functions: they
        # have no ``this`` of their own.
        self.object_methods: dict[str, str] = {}
        self.arrows: set[str] = set()
        self.unpacked_names: set[str] = set()  # the locals of ModuleFacts.unpacks (see _worth_keeping)
        self.func_ids: dict[int, str] = {}  # function node id -> Function id
        self.call_ids: dict[int, int] = {}
        self.handler_ids: dict[int, int] = {}  # catch_clause node id -> Handler id
        # `.catch(() => {})` on a copy of a promise kept in a local (`p.finally(f).catch(...)`):
        # (Handler id, scope, name), "derived" once `p` itself is awaited or returned.
        self.copy_catches: list[tuple[int, str | None, str]] = []
        self.loop_ids: dict[int, int] = {}
        self.branch_of: list[tuple[int, int]] = []  # (if or switch number, branch): see _intervals
        self.exit_regions: dict[str | None, list[tuple[int, int, tuple[int, int], tuple[int, int] | None]]] = {}
        # Byte ranges of the functions and classes seen so far (they are added in source order).
        self.funcs = _Ranges()
        self.klasses = _Ranges()
        # Name resolutions, memoised once every table is complete (``frozen``).
        self.memo: dict[tuple, object] = {}
        self.module_decl_values: dict[int, Value] = {}  # value node id -> its Value (_decl_assign)
        self.name_memo: dict[tuple[str, str | None], tuple[str, bool]] = {}  # see _name_value
        self.keep_memo: dict[tuple[str, str | None], bool] = {}  # see _worth_keeping
        self.path_memo: dict[tuple[str, str | None], tuple[str, tuple[str, object] | None]] = {}  # see canon
        self.callee_cache: dict[int, tuple[str, tuple[str, object] | None]] = {}
        self.chain_links: dict[int, tuple[str, ts.Node, bool]] = {}  # call -> (method, outer call, awaited)
        self.arg_links: dict[int, tuple[int, bool]] = {}  # call -> (id of the call it is an argument of, awaited)
        self.frozen = False
        self.table_names: set[str] = set()  # every name of the name tables (set by _freeze)
        self.requires_seen: set[int] = set()
        self.bound_names: set[str] = set()
        self.member_func_roots: set[str] = set()  # see run  # every name an import or require binds
        self.module_values: dict[str, ts.Node] = {}  # module-level `const x = <node>`
        self.decorators: list[tuple[str, list[ts.Node]]] = []
        self.typed: list[tuple[str | None, str | None, str, ts.Node]] = []  # scope, class, name, type
        # The named TS type of a field ("c", class, name) or of a parameter / local ("s", scope,
        # name), as written: ``Call.recv_type``.
        self.declared_types: dict[tuple[str, str | None, str], str] = {}
        self.type_aliases: dict[str, ts.Node] = {}  # module-level `type X = ...`: name -> its type
        self.call_values: list[Value] = []  # values naming a call by id (renumbered in _finish)
        self.keep_all_calls = False
        self.args_memo: dict[int, list[ts.Node]] = {}  # call node id -> argument nodes
        self.callee_nodes: dict[int, ts.Node | None] = {}  # call node id -> function / constructor node
        # See _settling: try bodies with a catch per function, function nodes, names declared and
        # read (worked out when first needed), `.then` callbacks, calls kept, the query's captures.
        self.guarded: dict[str | None, list[tuple[int, int]]] = {}
        self.func_nodes: dict[str, ts.Node] = {}
        self.root: ts.Node | None = None  # the tree's, set by run
        self.declared_values: dict[str, list[tuple[ts.Node, ts.Node | None]]] | None = None
        self.reads_index: dict[str, list[ts.Node]] | None = None
        self.then_callbacks: set[str] = set()
        self.kept_ids: set[int] = set()
        self.settle_caps: dict[str, list[ts.Node]] = {}
        # (function id, name) -> the values of the function's own declarations of the name
        # (``const keys = [...]``; None for ``let x;``), see _local_literal
        self.local_decls: dict[tuple[str, str], list[ts.Node | None]] = {}
        self.enums: dict[str, Value] = {}  # module-level TS enum -> the array of its member names

    # -- text ----------------------------------------------------------------
    def _plain(self, s: int, e: int) -> bool:
        """Whether the bytes ``s``-``e`` are all ASCII: their text is ``self.latin[s:e]``."""
        return e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0

    def _str(self, s: int, e: int) -> str:
        """The text of the bytes ``s``-``e``."""
        if e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0:
            return self.latin[s:e]
        return self.data[s:e].decode("utf-8", "replace")

    def text(self, node: ts.Node, limit: int = 0) -> str:
        """The source text of ``node``; with ``limit``, at most that many characters (cut with "…")."""
        s, e = node.start_byte, node.end_byte
        # ASCII: byte offsets are character offsets, nothing to decode. With a limit, only the
        # bytes the decoding below would look at (4 per character) need be.
        if e <= self.wide_lo or s >= self.wide_hi or \
                self.marked.find(128, s, min(e, s + limit * 4) if limit else e) < 0:
            if limit and e - s > limit:  # cut: never copy a long text (a function's) only to cut it
                return self.latin[s:s + limit - 1] + "…"
            return self.latin[s:e]
        if not limit:
            return self.data[s:e].decode("utf-8", "replace")
        cut = e - s > limit * 4
        if cut:
            e = s + limit * 4
        raw = self.data[s:e].decode("utf-8", "replace")
        if cut or len(raw) > limit:
            return raw[: limit - 1] + "…"
        return raw

    def snippet(self, node: ts.Node, limit: int = 60) -> str:
        """``Source.snippet``: the start of a node's text on one line, for messages; the
        whitespace of only its first ``2 * limit`` characters is collapsed when that is enough."""
        s, e = node.start_byte, node.end_byte
        if e - s > limit * 6:
            e = s + limit * 6
        raw = self.latin[s:e] if e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0 \
            else self.data[s:e].decode("utf-8", "replace")
        head = raw[: 2 * limit]
        # A prefix of the whole text's collapsed form; already collapsed when its only blanks are
        # single inner spaces (isprintable: no other whitespace), as on most one-line calls.
        if not (head.isprintable() and "  " not in head and head[:1] != " " and head[-1:] != " "):
            head = " ".join(head.split())
        if len(head) > limit:
            return head[: limit - 1] + "…"
        return head if len(raw) <= 2 * limit else short(raw, limit)

    def string_value(self, node: ts.Node) -> str:
        """The value of a string literal: its fragments and escapes as written."""
        s, e = node.start_byte, node.end_byte
        if e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0:
            # Between its quotes, a literal without escapes (and without the character
            # references of a JSX string) is all fragment.
            raw = self.latin[s + 1:e - 1]
            if "\\" not in raw and "&" not in raw and not node.has_error:
                return raw
        if node.named_child_count == 1:  # most strings: one fragment, no escapes
            part = node.named_child(0)
            if part.type == "string_fragment":
                return self.text(part)
        return _string_value(node, self.data)

    def loc(self, node: ts.Node) -> Loc:
        (sl, sc), (el, ec) = node.start_point, node.end_point
        # Byte columns are character columns but on the rows with a non-ASCII byte.
        if self.wide_rows and (sl in self.wide_rows or el in self.wide_rows):
            return self.src.loc(node)
        return _new_tuple(Loc, (sl + 1, sc + 1, el + 1, ec + 1))  # Loc(...) without its Python __new__

    # -- entry ---------------------------------------------------------------
    def run(self, tree: ts.Tree) -> ModuleFacts:
        root = self.root = tree.root_node
        caps = ts.QueryCursor(_query(self.lang)).captures(root)
        self.facts.has_errors = root.has_error
        self.facts.error_ranges = error_ranges(root)

        def nodes(name: str) -> list[ts.Node]:
            found = caps.get(name)
            return _source_order(found) if found else []

        data = self.data
        if b"vcx:" in data:  # only suppression comments are read
            for n in _source_order([c for c in caps.get("comment", ()) if b"vcx:" in data[c.start_byte:c.end_byte]]):
                self._comment(n)
        self._directives(root)
        if self.lang != "javascript" and b"interface" in data:
            self._interfaces(root)
        for n in sorted(caps.get("func", []) + caps.get("class", []), key=_START):
            if n.type in CLASS_TYPES:
                self._class(n)
            else:
                self._function(n)
        # The functions are all known: the names that own a `name.method` of the file.
        self.member_func_roots = {key.partition(".")[0] for _scope, key in self.local_funcs if "." in key}
        calls = nodes("call")
        call_ids, callee_nodes, args_memo = self.call_ids, self.callee_nodes, self.args_memo
        chain_links, arg_links = self.chain_links, self.arg_links
        f_new, f_call, f_args, f_object = self.f.constructor, self.f.function, self.f.arguments, self.f.object
        dynamic_imports = b"import" in data
        for i, n in enumerate(calls):
            key = n.id
            call_ids[key] = i
            # Every step that asks for a call's function or its arguments finds them here
            # (``_callee_node``, ``_arg_nodes``).
            f = callee_nodes[key] = n.child_by_field_id(f_new if n.type == "new_expression" else f_call)
            if dynamic_imports and data.startswith(b"import", n.start_byte) and (
                    data.startswith(b"import(", n.start_byte) or data.startswith(b"import.meta.glob(", n.start_byte)):
                self._dynamic_import(n)
            # Which call this one is chained on (``x().then``) or an argument of, so that
            # ``_context`` need not walk up ``Node.parent`` (O(depth) per step) along long
            # chains and deep nesting.
            if f is not None:
                ft = f.type
                if ft in WRAPPERS:  # most callees wrap nothing: no _unwrap call
                    f = self._unwrap(f)
                    ft = f.type
                if ft == "member_expression":
                    obj = f.child_by_field_id(f_object)
                    # Only a call, or a wrapper or `await` around one, is chained on.
                    if obj is not None and ((ot := obj.type) in CALL_TYPES or ot in WRAPPERS_AND_AWAIT):
                        prop = f.child_by_field_id(self.f.property)
                        awaited, inner = self._unwrap_await(obj)
                        if prop is not None and inner.type in CALL_TYPES:
                            chain_links[inner.id] = (self.text(prop), n, awaited)
            args_n = n.child_by_field_id(f_args)
            args: list[ts.Node] = []
            if args_n is not None:
                if args_n.type == "template_string":
                    args.append(args_n)  # a tagged template: nothing to link
                elif (count := args_n.named_child_count):
                    # One argument read by itself costs a fraction of the list of them all.
                    for a in (args_n.named_child(0),) if count == 1 else args_n.named_children:
                        t = a.type
                        if t == "comment":
                            continue
                        args.append(a)
                        if len(args) > MAX_ITEMS:
                            continue  # only the first arguments are linked
                        if t in WRAPPERS_AND_AWAIT:
                            awaited, a = self._unwrap_await(a)
                            t = a.type
                        else:
                            awaited = False
                        if t in CALL_TYPES:
                            arg_links[a.id] = (i, awaited)
                        elif t == "array" or t == "spread_element":
                            self._link_nested_args(a, i, awaited)
            args_memo[key] = args
        # Variable declarators with their name, value and scope, which three steps read.
        decl_nodes = nodes("decl")
        decls = [(n, n.child_by_field_id(self.f.name), n.child_by_field_id(self.f.value), scope)
                 for n, scope in zip(decl_nodes, self._scopes(decl_nodes), strict=True)]
        assigns = nodes("assign")
        for n in nodes("import"):
            self._import(n)
        for decl in decls if b"require" in data else ():  # `const x = require("m")`
            self._require_decl(*decl)
        if self.bindings:
            self._destructured_members(decls)
        if b"use" in data:
            self._hook_members(decls)
        # Instances before calls, so that calls on them resolve.
        self.bound_names = {name for _scope, name in self.bindings}  # complete now: see _ctor_of
        for n in nodes("typealias"):  # type Client = Redis | Cluster: the types of the module's names
            name_n, value_n = n.child_by_field_id(self.f.name), n.child_by_field_name("value")
            if name_n is not None and value_n is not None and n.parent is not None and \
                    n.parent.type in ("program", "export_statement"):
                self.type_aliases.setdefault(self.text(name_n), value_n)
        for name in list(self.type_aliases):
            ref = self._type_ref(self.type_aliases[name])
            if ref is not None:
                self.facts.type_aliases[name] = ref
        for scope, cls, name, type_node in self.typed:
            self._typed_instance(scope, cls, name, type_node)
        for decl in decls:
            self._decl_instance(*decl)
            if decl[3] is not None and decl[1] is not None and decl[1].type == "identifier":
                self.local_decls.setdefault((decl[3], self.text(decl[1])), []).append(decl[2])
        for n in assigns:
            self._assign_instance(n)
        for n in nodes("field"):
            self._field_instance(n)
        for decl in decls:
            if decl[1] is not None and decl[1].type == "object_pattern" and decl[3] is not None:
                self._unpack(*decl)
        self._freeze()
        # Callees of inner calls first, so that a long chain `a.b().c().d()` is resolved in
        # linear time (each outer callee starts from the inner call's).
        scopes = self._scopes(calls)
        call_scopes = dict(zip(call_ids, scopes, strict=True))  # call_ids is in the order of calls
        callee_cache, callee_of = self.callee_cache, self._callee
        for n in sorted(calls, key=_END):
            key = n.id
            callee_cache[key] = callee_of(callee_nodes[key], call_scopes[key])
        for fid, decs in self.decorators:
            scope = self.facts.functions[fid].parent
            self.facts.functions[fid].decorators = [self.value(d.named_children[-1], scope)
                                                    for d in decs if d.named_children]
        for n in nodes("catch"):
            self._handler(n)
        self._enums(root)
        intervals = self._intervals(caps.get("try", []), nodes("loop"), nodes("if"), nodes("switch"))
        self.exit_regions = self._exit_regions(caps.get("exit", []), set(scopes))
        stack: list[tuple[int, int, bool, int]] = []
        j, n_iv = 0, len(intervals)
        keep_all, exit_regions, out_calls = self.keep_all_calls, self.exit_regions, self.facts.calls
        worth_keeping, make_call = self._worth_keeping, self._call
        for n, scope in zip(calls, scopes, strict=True):
            # Sweep in source order: `stack` holds the try bodies and loop bodies containing the call.
            if j < n_iv or stack:
                s, e = n.byte_range
                while j < n_iv and intervals[j][0] <= s:
                    iv = intervals[j]
                    while stack and stack[-1][1] <= iv[0]:
                        stack.pop()
                    stack.append(iv)
                    j += 1
                while stack and stack[-1][1] < e:
                    stack.pop()
            if not keep_all and not worth_keeping(n, scope):
                self._note_names_used(n, scope)
                if stack or self.declared_types:
                    fstart = self.funcs.start_of(scope)
                    self._dispatch_candidate(n, scope, tuple(
                        iv[3] for iv in reversed(stack) if iv[2] is True and iv[0] > fstart), False)
                continue
            if not stack:
                make_call(n, scope, (), ())
                if scope in exit_regions:
                    self._set_exit(out_calls[-1], n, scope)
                continue
            fstart = self.funcs.start_of(scope)
            handlers = tuple(iv[3] for iv in reversed(stack) if iv[2] is True and iv[0] > fstart)
            loops = tuple(iv[3] for iv in reversed(stack) if iv[2] is False and iv[0] > fstart)
            make_call(n, scope, handlers, loops)
            if handlers and out_calls[-1].callee == out_calls[-1].text and not out_calls[-1].recv_type:
                self._dispatch_candidate(n, scope, handlers, True)
            if scope in exit_regions:
                self._set_exit(out_calls[-1], n, scope)
            branches = tuple(self.branch_of[iv[3]] for iv in reversed(stack) if iv[2] is None and iv[0] > fstart)
            if branches:
                out_calls[-1].branches = branches  # the call _call just added
        self._settling(calls, scopes, caps)
        for decl in decls:
            self._decl_assign(*decl)
        for n in assigns:
            self._assign(n)
        for n in nodes("export"):
            self._export(n)
        self._mark_exported()
        self._accesses(caps.get("access", []))
        # Names whose promise is settled: `await p`, `return p`, `yield p`.
        for cap, how in (("awaited_name", "await"), ("returned_name", "return"), ("yielded_name", "yield")):
            for n in nodes(cap):
                self.facts.name_uses.append((self._scope(n), self.text(n), how))
        if self.copy_catches:
            settled = {(f, n) for f, n, how in self.facts.name_uses if how in ("await", "return")}
            for hid, scope, name in self.copy_catches:
                if (scope, name) in settled:
                    self.facts.handlers[hid].guards = "derived"
        return self._finish()

    def _worth_keeping(self, node: ts.Node, scope: str | None) -> bool:
        """Whether a rule can use this call (see ``knowledge.javascript.js_keep_unresolved``):
        calls on what the file resolves are kept, the rest by name, and calls that are handed
        a function (a callback, or a name the file binds) whatever they are."""
        key = node.id
        callee, inst = self.callee_cache[key]
        if inst is not None or callee.startswith(("local:", "import:", "this", "super", "import.meta")):
            return True
        fn = self.callee_nodes[key]
        if fn is None:
            return True
        if fn.type == "parenthesized_expression" and self._unwrap(fn).type in FUNC_EXPR_TYPES:
            return True  # (async () => { ... })(): see _call
        s, e = fn.start_byte, fn.end_byte
        if e - s > 300:
            e = s + 300
        text = self.latin[s:e] if e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0 \
            else self.data[s:e].decode("utf-8", "replace")
        # What the callee's text alone decides, the same for every call of it in one function.
        memo_key = (text, scope)
        keep = self.keep_memo.get(memo_key)
        if keep is None:
            head = _HEAD_NAME.match(text.removeprefix("await ").lstrip())
            root = head.group(0) if head else ""
            # A bare call of a parameter too: `next(err)`, `done()` in middleware; of a function
            # a parameter holds (`params.handler(req)`), or a local destructured from one
            # (`const { handler } = params; handler(req)`): what a wrapper runs (ERR001).
            keep = self.keep_memo[memo_key] = bool(root and (
                self._bound(root, scope) or
                (root == text and (self._is_param(root, scope) or root in self.unpacked_names)) or
                (text.count(".") == 1 and text.startswith(root + ".") and self._is_param(root, scope)))) or \
                _keep_unresolved(text)
        if keep:
            return True
        for a in self.args_memo[key][:MAX_ITEMS]:
            t = a.type
            if t in WRAPPERS_AND_AWAIT:  # most arguments wrap nothing: no _unwrap call
                a = self._unwrap(a, await_too=True)
                t = a.type
            if t in FUNC_EXPR_TYPES:
                return True
            if t == "identifier" and self._bound(self.text(a), scope):
                return True
            if t == "member_expression":
                m = _HEAD_NAME.match(self.text(a, 80))
                if m and (m.group(0) == "this" or self._bound(m.group(0), scope)):
                    return True
        return False

    def _recv_type(self, text: str, node: ts.Node, scope: str | None) -> str:
        """The declared type of the receiver of a method call written ``text`` (``this.field.m`` /
        ``name.m``), as written; "" when it has none (``Call.recv_type``)."""
        parts = text.replace("?.", ".").replace("!.", ".").split(".")
        if len(parts) == 3 and parts[0] == "this":
            cls = self._class_qual(node)
            return self.declared_types.get(("c", cls, parts[1]), "") if cls is not None else ""
        if len(parts) != 2 or not parts[0].isidentifier():
            return ""
        cur = scope
        for _ in range(64):
            found = self.declared_types.get(("s", cur, parts[0]))
            if found is not None:
                return found
            if cur is None:
                break
            cur = self._parent_scope(cur)
        return ""

    def _dispatch_candidate(self, node: ts.Node, scope: str | None, handlers: tuple[int, ...],
                            kept: bool) -> None:
        """``ModuleFacts.dispatches``: a method call ``x.m()`` / ``x.y.m()`` on a receiver the file does
        not resolve, in a try (``handlers``), or one on a typed local that ``calls`` does not keep."""
        fn = self.callee_nodes[node.id]
        if fn is None or node.type == "new_expression":
            return
        f = self._unwrap(fn)
        if f.type != "member_expression":
            return
        text = self.text(f, 120).replace("?.", ".").replace("!.", ".")
        parts = text.split(".")
        if len(parts) not in (2, 3) or not all(p.isidentifier() for p in parts) or parts[0] == "super" or \
                parts[-1] in JS_UNDISPATCHED_METHODS:
            return
        rt = "" if kept else self._recv_type(text, node, scope)
        if not rt:
            if not handlers or (parts[0] == "this" and len(parts) == 2):
                return
            if parts[0] != "this" and (parts[0][:1].isupper() or parts[0] in _HOST_OBJECTS or
                                       self._bound(parts[0], scope)):
                return  # a class or namespace (`JSON.parse`), a host object (`console.error`)
        call = Call(len(self.facts.dispatches), text, text, self.snippet(node), self.loc(node), scope)
        call.handlers = handlers
        call.recv_type = rt
        self.facts.dispatches.append(call)

    def _note_names_used(self, node: ts.Node, scope: str | None) -> None:
        """A call not kept still settles the promise in a local it is made on or given
        (``await pipeline.exec()``, ``track(p)``): record those names as used."""
        fn = self.callee_nodes[node.id]
        if fn is not None:
            head = _HEAD_NAME.match(self.data[fn.start_byte:min(fn.end_byte, fn.start_byte + 200)]
                                    .decode("utf-8", "replace"))
            if head is not None and fn.type != "identifier":
                self.facts.name_uses.append((scope, head.group(0), "call"))
        for a in self.args_memo[node.id][:MAX_ITEMS]:
            a = self._unwrap(a, await_too=True)
            for x in (a.named_children[:MAX_ITEMS] if a.type == "array" else (a,)):
                if x.type == "identifier":
                    self.facts.name_uses.append((scope, self.text(x), "call"))

    def _bound(self, name: str, scope: str | None) -> bool:
        """The name is an import, a require, an instance, a function or class of the file, or
        a module-level variable (``const Post = sequelize.define(...)``, ``const router = ...``)."""
        if name not in self.table_names:  # in no name table (asked only once they are complete)
            return (None, name) in self.declared
        key = ("bound", scope, name)
        hit = self.memo.get(key)
        if hit is None:
            hit = (None, name) in self.declared
            cur = scope
            for _ in range(0 if hit else 1000):
                k = (cur, name)
                if k in self.bindings or k in self.instances or k in self.local_funcs or k in self.classes:
                    hit = True
                    break
                if cur is None:
                    break
                cur = self._parent_scope(cur)
            self.memo[key] = hit
        return hit  # type: ignore[return-value]

    def _is_param(self, name: str, scope: str | None) -> bool:
        """A parameter of an enclosing function: ``next(err)``, ``done()`` in middleware."""
        return param_of_enclosing(self.facts.functions, name, scope)

    def _finish(self) -> ModuleFacts:
        """Renumber the calls kept densely (ids are list indexes) and every reference to them."""
        calls = self.facts.calls
        if len(calls) == len(self.call_ids):  # none dropped
            return self.facts
        return renumber_calls(self.facts, calls, self.call_values)

    # -- comments, directives ------------------------------------------------
    def _comment(self, node: ts.Node) -> None:
        ids = suppression(self.text(node))
        if ids is None:
            return
        lines = {node.start_point[0] + 1, node.end_point[0] + 1}
        for line in lines:
            old = self.facts.suppressions.get(line)
            self.facts.suppressions[line] = ids if old is None else (() if not old or not ids else old + ids)

    def _leading_directives(self, block: ts.Node) -> list[str]:
        out: list[str] = []
        for c in block.named_children:
            if c.type == "comment" or c.type == "hash_bang_line":
                continue
            if c.type == "expression_statement" and c.named_child_count == 1 and \
                    c.named_children[0].type == "string":
                out.append(self.string_value(c.named_children[0]))
                continue
            break
        return out

    def _directives(self, root: ts.Node) -> None:
        if not self.mentions_use_server and b"use client" not in self.data:
            return  # neither directive is written anywhere in the file
        for d in self._leading_directives(root):
            if d in ("use client", "use server") and d not in self.facts.directives:
                self.facts.directives.append(d)

    # -- scopes --------------------------------------------------------------
    def _scope(self, node: ts.Node) -> str | None:
        """Id of the function enclosing ``node`` (None at module level)."""
        s, e = node.byte_range
        return self.funcs.find(s, e)

    def _scopes(self, nodes: list[ts.Node]) -> list[str | None]:
        """``_scope`` of each node: ``_Ranges.find`` in one loop, for the long lists of nodes."""
        starts, items = self.funcs.starts, self.funcs.items
        out: list[str | None] = []
        for n in nodes:
            s, e = n.byte_range
            i = bisect_right(starts, s) - 1
            while i >= 0:
                rs, re_, _ident, parent = items[i]
                if rs <= s and e <= re_ and not (rs == s and re_ == e):
                    break
                i = parent
            out.append(items[i][2] if i >= 0 else None)
        return out

    def _parent_scope(self, scope: str | None) -> str | None:
        fn = self.facts.functions.get(scope) if scope is not None else None
        return fn.parent if fn is not None else None

    def _this_object(self, scope: str | None) -> str | None:
        """The object literal ``this`` is in a method of it (``{ get(u) { return this.request(u) } }``),
        through the arrow functions in the method, which have no ``this`` of their own; None elsewhere
        (a class, a plain function)."""
        if not self.object_methods:
            return None
        while scope is not None and scope in self.arrows:
            scope = self._parent_scope(scope)
        return self.object_methods.get(scope) if scope is not None else None

    def _class_qual(self, node: ts.Node) -> str | None:
        """Qualname of the class enclosing ``node``."""
        s, e = node.byte_range
        return self.klasses.find(s, e)

    def _container(self, f: int, c: int) -> tuple[str, str] | None:
        """Nearest enclosing function or class of a definition: ("func" | "class", id), from
        the indexes of its innermost enclosing function (``f``) and class (``c``), -1 for none."""
        if f < 0 and c < 0:
            return None
        if c < 0 or (f >= 0 and self.funcs.starts[f] > self.klasses.starts[c]):
            return "func", self.funcs.items[f][2]
        return "class", self.klasses.items[c][2]

    @staticmethod
    def _prefix(container: tuple[str, str] | None) -> str:
        if container is None:
            return ""
        kind, ident = container
        return f"{ident}.<locals>." if kind == "func" else f"{ident}."

    # -- classes and functions -------------------------------------------------
    def _owner_name(self, node: ts.Node) -> str | None:
        """Name a class/function expression or object literal is bound to."""
        p = node.parent
        while p is not None and p.type in WRAPPERS:
            node, p = p, p.parent
        if p is None:
            return None
        t = p.type
        if t == "variable_declarator" and p.child_by_field_id(self.f.value) == node:
            name = p.child_by_field_id(self.f.name)
            return self.text(name) if name is not None and name.type == "identifier" else None
        if t == "assignment_expression" and p.child_by_field_id(self.f.right) == node:
            left = p.child_by_field_id(self.f.left)
            if left is None:
                return None
            if left.type == "identifier":
                return self.text(left)
            dotted = self._dotted_text(left)
            return dotted
        if t == "export_statement":
            return "default"
        return None

    def _path_text(self, node: ts.Node) -> str | None:
        """The source text of a member expression that may be a plain dotted path (see
        ``_plain_names``); None when it is too long to be worth looking at or has a syntax
        error in it (the node walks decide then)."""
        s, e = node.start_byte, node.end_byte
        if e - s > MAX_DOTTED or node.has_error:
            return None
        return self._str(s, e)

    def _dotted_text(self, node: ts.Node) -> str | None:
        t = node.type
        if t == "identifier":
            return self.text(node)
        if t == "member_expression":
            text = self._path_text(node)
            if text is not None and _plain_names(text) is not None:
                return text  # the names joined by dots
        parts: list[str] = []
        cur = node
        for _ in range(MAX_CHAIN):
            if cur.type == "member_expression":
                prop = cur.child_by_field_id(self.f.property)
                obj = cur.child_by_field_id(self.f.object)
                if prop is None or obj is None:
                    return None
                parts.append(self.text(prop))
                cur = obj
            elif cur.type in ("identifier", "this"):
                parts.append(self.text(cur))
                return ".".join(reversed(parts))
            else:
                return None
        return None

    def _class(self, node: ts.Node) -> None:
        name_n = node.child_by_field_id(self.f.name)
        if name_n is not None:
            name = self.text(name_n)
        else:
            name = self._owner_name(node) or f"<class@{node.start_point[0] + 1}:{node.start_point[1] + 1}>"
        s, e = node.start_byte, node.end_byte
        f, c = self.funcs.find_index(s, e), self.klasses.find_index(s, e)
        qual = self._prefix(self._container(f, c)) + name
        self.class_quals[node.id] = qual
        scope = self.funcs.items[f][2] if f >= 0 else None
        self.klasses.add(s, e, qual, c)
        if name_n is not None or "<" not in name:
            self.classes.setdefault((scope, name), qual)
            info = ClassInfo(qual, self.loc(node), self._bases(node))
            if self.lang != "javascript":
                info.implements = self._implements(node)
                info.abstract = node.type == "abstract_class_declaration"
                body = node.child_by_field_id(self.f.body)
                if info.abstract and body is not None:
                    info.members = tuple(self._key_text(k) for c in body.named_children
                                         if c.type == "abstract_method_signature"
                                         and (k := c.child_by_field_id(self.f.name)) is not None)
            self.facts.classes.setdefault(qual, info)

    def _implements(self, node: ts.Node) -> tuple[str, ...]:
        """(TS) The interfaces a class implements, as written, without type arguments."""
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        clause = next((c for c in heritage.named_children if c.type == "implements_clause"), None) \
            if heritage is not None else None
        return self._type_names(clause) if clause is not None else ()

    def _type_names(self, clause: ts.Node) -> tuple[str, ...]:
        out = []
        for c in clause.named_children:
            if c.type == "generic_type":
                c = c.child_by_field_id(self.f.name) or c
            if c.type in ("type_identifier", "nested_type_identifier"):
                out.append(self.text(c, 120))
        return tuple(out)

    def _interfaces(self, root: ts.Node) -> None:
        """(TS) The module-level ``interface`` declarations: ``ModuleFacts.interfaces``."""
        for st in root.named_children:
            decl = st
            if st.type == "export_statement":
                decl = st.child_by_field_id(self.f.declaration) or next(
                    (c for c in st.named_children if c.type == "interface_declaration"), st)
            if decl.type != "interface_declaration":
                continue
            name_n = decl.child_by_field_id(self.f.name)
            if name_n is None:
                continue
            name = self.text(name_n)
            ext = next((c for c in decl.named_children if c.type == "extends_type_clause"), None)
            body = decl.child_by_field_id(self.f.body)
            members: list[str] = []
            for c in body.named_children if body is not None else ():
                k = c.child_by_field_id(self.f.name)
                if k is None:
                    continue
                if c.type == "method_signature":
                    members.append(self._key_text(k))
                elif c.type == "property_signature":
                    t = c.child_by_field_id(self.f.type)
                    inner = t.named_children[0] if t is not None and t.named_children else None
                    if inner is not None and inner.type == "function_type":
                        members.append(self._key_text(k))
            info = ClassInfo(name, self.loc(decl), self._type_names(ext) if ext is not None else (),
                             members=tuple(dict.fromkeys(members)))
            self.facts.interfaces.setdefault(name, info)

    def _bases(self, node: ts.Node) -> tuple[str, ...]:
        """The class a class extends, as written (``ArchivableModel``, ``sequelize.Model``),
        without type arguments: enough to tell a model class by its base's name."""
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        if heritage is None:
            return ()
        clause = next((c for c in heritage.named_children if c.type == "extends_clause"), heritage)
        base = next((c for c in clause.named_children if c.type not in ("type_arguments", "comment")), None)
        return (self.text(base, 120),) if base is not None and base.type in ("identifier", "member_expression") \
            else ()

    def _function(self, node: ts.Node) -> None:
        t = node.type
        (sl, sc), (el, ec) = node.start_point, node.end_point
        line, col = sl + 1, sc + 1
        s, e = node.start_byte, node.end_byte
        f_index = self.funcs.find_index(s, e)
        c_index = self.klasses.find_index(s, e)
        container = self._container(f_index, c_index)
        parent_scope = self.funcs.items[f_index][2] if f_index >= 0 else None
        cls_qual: str | None = None
        cls_name: str | None = None
        local_key: str | None = None  # name under which calls in this file reach it
        this_object: str | None = None  # the object literal whose method it is
        name_n = node.child_by_field_id(self.f.name)
        p = node.parent
        while p is not None and p.type in WRAPPERS:
            p = p.parent
        if t == "method_definition":
            key = self._key_text(name_n) if name_n is not None else "?"
            name = key
            if p is not None and p.type == "class_body" and container is not None and container[0] == "class":
                cls_qual = container[1]
                part = key
            else:  # object literal method
                owner = self._owner_name(p) if p is not None and p.type == "object" else None
                part = f"{owner}.{key}" if owner else f"<function@{line}:{col}>"
                this_object = self._prefix(container) + owner if owner else ""
                if owner:
                    local_key = part
        elif t in ("function_declaration", "generator_function_declaration"):
            name = self.text(name_n) if name_n is not None else "default"
            part = name
            local_key = name
        else:
            kind = "arrow" if t == "arrow_function" else "function"
            part = ""
            name = ""
            if p is not None:
                pt = p.type
                if pt in ("variable_declarator", "assignment_expression", "export_statement"):
                    owner = self._owner_name(node)
                    if owner == "module.exports":  # the module's default export
                        owner = self.text(name_n) if name_n is not None else "default"
                    if owner:
                        name = owner.rsplit(".", 1)[-1]
                        part = name
                        if pt == "variable_declarator" or "." not in owner:
                            local_key = name
                elif pt in ("field_definition", "public_field_definition"):
                    fname = p.child_by_field_id(self.f.property) or p.child_by_field_id(self.f.name)
                    if fname is not None and container is not None and container[0] == "class":
                        name = part = self._key_text(fname)
                        cls_qual = container[1]
                elif pt == "pair" and p.child_by_field_id(self.f.value) is not None:
                    key_n = p.child_by_field_id(self.f.key)
                    key = self._key_text(key_n) if key_n is not None else ""
                    obj = p.parent
                    owner = self._owner_name(obj) if obj is not None and obj.type == "object" else None
                    if t != "arrow_function" and obj is not None and obj.type == "object":
                        this_object = self._prefix(container) + owner if owner else ""
                    if key:
                        name = key
                        if owner:
                            part = f"{owner}.{key}"
                            local_key = part
            if not name and name_n is not None:
                name = self.text(name_n)
                part = name
            if not part:
                part = f"<{kind}@{line}:{col}>"
                name = name or part
        fid = self._prefix(container) + part
        if fid in self.facts.functions:
            fid = f"{fid}@{line}:{col}"
        if cls_qual is not None:
            cls_name = cls_qual.rsplit(".", 1)[-1]
            self.method_class[fid] = cls_qual
        params, typed = self._params(node, t)
        wide = self.wide_rows
        loc = self.src.loc(node) if wide and (sl in wide or el in wide) else \
            _new_tuple(Loc, (line, col, el + 1, ec + 1))  # self.loc(node)
        fn = Function(fid, name, loc, _is_async(node, t, self.data, name_n), params)
        if cls_name is not None:  # the other fields only when they are not their defaults
            fn.class_name = cls_name
        if t in ("generator_function_declaration", "generator_function") or \
                (t == "method_definition" and any(c.type == "*" for c in node.children)):
            fn.generator = True  # a call gives an iterator: its body runs as it is iterated
        if parent_scope is not None:
            fn.parent = parent_scope
        self.facts.functions[fid] = fn
        self.func_ids[node.id] = fid
        if this_object is not None:
            self.object_methods[fid] = this_object
        elif t == "arrow_function":
            self.arrows.add(fid)
        self.func_nodes[fid] = node
        self.funcs.add(s, e, fid, f_index)
        if local_key is not None:
            self.local_funcs.setdefault((parent_scope, local_key), fid)
        if cls_qual is not None and p is not None and p.type == "class_body":
            # Static calls `Class.method()` from outside the class.
            self.local_funcs.setdefault((parent_scope, f"{cls_name}.{name}"), fid)
        for pname, ptype, is_prop in typed:
            self.typed.append((fid, None, pname, ptype))
            if is_prop and cls_qual is not None:
                self.typed.append((parent_scope, cls_qual, pname, ptype))
        if t == "method_definition" and cls_qual is not None and node.child_count and \
                any(c.type == "get" for c in node.children[:3]):
            ret = node.child_by_field_name("return_type")  # get client(): Redis: a field's type
            if ret is not None:
                self.typed.append((parent_scope, cls_qual, name, ret))
        # Only methods have decorators (the grammars give other functions none). A method of a
        # class has none when no "@" is written between the class's start and the method's name
        # (its decorators are among its children or its siblings before it, in the class body).
        decs = self._decorator_nodes(node) if self.mentions_at and t == "method_definition" and not (
            container is not None and container[0] == "class" and name_n is not None and
            self.data.find(b"@", self.klasses.items[c_index][0], name_n.start_byte) < 0) else None
        if decs:
            self.decorators.append((fid, decs))
        body = node.child_by_field_id(self.f.body) if self.mentions_use_server else None
        if body is not None and body.type == "statement_block" and \
                "use server" in self._leading_directives(body):
            self.facts.directives.append(f"use server:{fid}")

    def _key_text(self, node: ts.Node) -> str:
        if node.type == "string":
            return self.string_value(node)
        if node.type == "computed_property_name":
            return f"[{self.text(node, 40)[1:-1]}]"
        return self.text(node)

    def _decorator_nodes(self, node: ts.Node) -> list[ts.Node]:
        decs = [c for c in node.children if c.type == "decorator"]
        if node.type == "method_definition":
            sib = node.prev_named_sibling
            before: list[ts.Node] = []
            while sib is not None and sib.type in ("decorator", "comment"):
                if sib.type == "decorator":
                    before.append(sib)
                sib = sib.prev_named_sibling
            decs = list(reversed(before)) + decs
        return decs

    def _params(self, node: ts.Node, kind: str | None = None) -> tuple[list[str], list[tuple[str, ts.Node, bool]]]:
        """Parameter names of a function and its typed parameters; ``kind`` is its node type
        (read again when not given)."""
        names: list[str] = []
        typed: list[tuple[str, ts.Node, bool]] = []
        # Only an arrow function has a lone parameter (`x => ...`).
        single = node.child_by_field_id(self.f.parameter) if (kind or node.type) == "arrow_function" else None
        if single is not None:
            return ([self.text(single)] if single.type == "identifier" else []), typed
        params = node.child_by_field_id(self.f.parameters)
        if params is None:
            return names, typed
        count = params.named_child_count
        for p in () if not count else (params.named_child(0),) if count == 1 else params.named_children:
            if p.type in ("required_parameter", "optional_parameter"):
                pat = p.child_by_field_id(self.f.pattern)
                if pat is None:
                    continue
                if pat.type != "identifier":
                    names.extend(self._pattern_names(pat))
                    continue
                s, e = pat.start_byte, pat.end_byte
                name = self.latin[s:e] if e <= self.wide_lo or s >= self.wide_hi else self.text(pat)
                type_n = p.child_by_field_id(self.f.type)
                if type_n is not None:
                    # Modifiers come before the pattern: none when the parameter starts with it.
                    is_prop = pat.start_byte != p.start_byte and any(
                        c.type in ("accessibility_modifier", "readonly", "override_modifier") for c in p.children)
                    typed.append((name, type_n, is_prop))
                names.append(name)  # what _pattern_names makes of a plain name
            elif p.type != "comment":
                names.extend(self._pattern_names(p))
        return names, typed

    def _pattern_names(self, pat: ts.Node) -> list[str]:
        out: list[str] = []
        stack = [pat]
        while stack and len(out) < 100:
            n = stack.pop()
            t = n.type
            if t in ("identifier", "shorthand_property_identifier_pattern"):
                out.append(self.text(n))
            elif t == "assignment_pattern" or t == "object_assignment_pattern":
                left = n.child_by_field_id(self.f.left)
                if left is not None:
                    stack.append(left)
            elif t == "pair_pattern":
                key = n.child_by_field_id(self.f.key)
                if key is not None:
                    out.append(self._key_text(key))
            elif t in ("object_pattern", "array_pattern", "rest_pattern"):
                stack.extend(reversed(n.named_children))
        return out

    # -- imports -------------------------------------------------------------
    def _module_ref(self, spec: str) -> str:
        return f"import:{spec}:" if is_project_spec(spec) else package_name(spec)

    def _member_ref(self, spec: str, name: str) -> str:
        if is_project_spec(spec):
            return f"import:{spec}:{name}"
        pkg = package_name(spec)
        return pkg if name == "default" else f"{pkg}.{name}"

    def _bind(self, scope: str | None, local: str, ref: str, namespace: bool = False) -> None:
        self.bindings[(scope, local)] = ref
        if namespace:
            self.namespaces.add((scope, local))

    def _import(self, node: ts.Node) -> None:
        # Most imports start with their clause (`import x from`, `import { a } from`), and then
        # have no `import x = require()` clause (the grammar has one or the other): only the
        # others need the list of all their children.
        clause = node.named_child(0)
        if clause is not None and clause.type != "import_clause":
            clause = None
        for child in node.named_children if clause is None else ():
            t = child.type
            if t == "import_require_clause":  # TS: import fs = require("fs")
                ident = next((c for c in child.named_children if c.type == "identifier"), None)
                s = child.child_by_field_id(self.f.source)
                if ident is not None and s is not None:
                    spec = self.string_value(s)
                    self._bind(None, self.text(ident), self._module_ref(spec), namespace=True)
                    self.facts.imports.append(Import(self.text(ident), spec, None, self.loc(node),
                                                     is_project_spec(spec)))
                return
            if t == "import_clause" and clause is None:
                clause = child
        src_n = node.child_by_field_id(self.f.source)
        if src_n is None:
            return
        spec = self.string_value(src_n)
        rel = is_project_spec(spec)
        second = node.child(1)
        type_only = second is not None and second.type == "type"  # import type { X } from "m"
        if clause is None:
            self.facts.imports.append(Import("", spec, None, self.loc(node), rel))
            return
        count = clause.named_child_count
        for c in (clause.named_child(0),) if count == 1 else clause.named_children:
            if c.type == "identifier":  # default import
                local = self.text(c)
                self._bind(None, local, self._member_ref(spec, "default"))
                self.facts.imports.append(Import(local, spec, "default", self.loc(c), rel, type_only))
            elif c.type == "namespace_import":
                ident = next((x for x in c.named_children if x.type == "identifier"), None)
                if ident is not None:
                    local = self.text(ident)
                    self._bind(None, local, self._module_ref(spec), namespace=True)
                    self.facts.imports.append(Import(local, spec, None, self.loc(c), rel, type_only))
            elif c.type == "named_imports":
                # What _bind / _member_ref make of each name, without their calls per name.
                bindings, imports, data, latin = self.bindings, self.facts.imports, self.data, self.latin
                pkg = package_name(spec)
                f_name, f_alias, wide = self.f.name, self.f.alias, self.wide_rows
                for spec_n in c.named_children:
                    if spec_n.type != "import_specifier":
                        continue
                    s, e = spec_n.start_byte, spec_n.end_byte
                    text = latin[s:e]
                    if _NAME.fullmatch(text) is not None and text not in ("type", "typeof", "default"):
                        # `{ X }`: a plain ASCII name, the specifier's name and local name at once.
                        name = local = text
                        is_type = type_only
                    else:
                        name_n = spec_n.child_by_field_id(f_name)
                        alias_n = spec_n.child_by_field_id(f_alias)
                        if name_n is None:
                            continue
                        name = self._key_text(name_n)
                        local = self.text(alias_n) if alias_n is not None else name
                        # `import { type X }`: the keyword is the specifier's first child, so its text starts it.
                        is_type = type_only or (data.startswith(b"type", s) and
                                                (first := spec_n.child(0)) is not None and first.type == "type")
                    bindings[(None, local)] = f"import:{spec}:{name}" if rel else \
                        pkg if name == "default" else f"{pkg}.{name}"
                    (sl, sc), (el, ec) = spec_n.start_point, spec_n.end_point
                    loc = self.src.loc(spec_n) if wide and (sl in wide or el in wide) else \
                        _new_tuple(Loc, (sl + 1, sc + 1, el + 1, ec + 1))  # self.loc(spec_n)
                    imports.append(Import(local, spec, name, loc, rel, is_type))

    def _dynamic_import(self, node: ts.Node) -> None:
        """``import("./scenes/Settings")`` (lazy routes, code splitting) and Vite's
        ``import.meta.glob("./plugins/*/index.ts")`` import modules as surely as a static import
        does: which modules import which tells browser code apart. A glob is kept as written."""
        args = node.child_by_field_id(self.f.arguments)
        first = next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None
        specs = [first] if first is not None and first.type == "string" else \
            [x for x in first.named_children[:MAX_ITEMS] if x.type == "string"] \
            if first is not None and first.type == "array" else []
        for n in specs:
            spec = self.string_value(n)
            self.facts.imports.append(Import("", spec, None, self.loc(node), is_project_spec(spec)))

    def _require_spec(self, node: ts.Node) -> str | None:
        """The module of a ``require("m")`` call node, else None."""
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_id(self.f.function)
        if fn is None or fn.type != "identifier" or self.text(fn) != "require":
            return None
        args = node.child_by_field_id(self.f.arguments)
        if args is None or args.type != "arguments":
            return None
        first = next((a for a in args.named_children if a.type != "comment"), None)
        if first is None or first.type != "string":
            return None
        return self.string_value(first)

    def _require_decl(self, node: ts.Node, name: ts.Node | None, val: ts.Node | None, scope: str | None) -> None:
        if val is None or name is None:
            return
        val = self._unwrap(val, await_too=True)
        member: str | None = None
        call = val
        if val.type == "member_expression":
            obj = val.child_by_field_id(self.f.object)
            prop = val.child_by_field_id(self.f.property)
            if obj is None or prop is None:
                return
            call, member = self._unwrap(obj), self.text(prop)
        spec = self._require_spec(call)
        if spec is None:
            return
        self.requires_seen.add(call.id)
        rel = is_project_spec(spec)
        loc = self.loc(node)
        if name.type == "identifier":
            local = self.text(name)
            if member is None:
                self._bind(scope, local, self._module_ref(spec), namespace=True)
                self.facts.imports.append(Import(local, spec, None, loc, rel))
            else:
                self._bind(scope, local, self._member_ref(spec, member), namespace=member == "default")
                self.facts.imports.append(Import(local, spec, member, loc, rel))
        elif name.type == "object_pattern":
            for c, key, local in self._object_pattern_keys(name):
                base = self._member_ref(spec, member) if member is not None else None
                if base is not None:
                    ref = base + key if base.endswith(":") else f"{base}.{key}"
                else:
                    ref = self._member_ref(spec, key)
                self._bind(scope, local, ref)
                self.facts.imports.append(Import(local, spec, key, self.loc(c), rel))

    def _object_pattern_keys(self, pattern: ts.Node) -> list[tuple[ts.Node, str, str]]:
        """(node, key, local name) of the plain names an object pattern binds: ``{ a, b: c, d = 1 }``."""
        out: list[tuple[ts.Node, str, str]] = []
        for c in pattern.named_children:
            key = local = None
            if c.type == "shorthand_property_identifier_pattern":
                key = local = self.text(c)
            elif c.type == "pair_pattern":
                k, v = c.child_by_field_id(self.f.key), c.child_by_field_id(self.f.value)
                if k is not None and v is not None:
                    if v.type == "assignment_pattern":
                        v = v.child_by_field_id(self.f.left) or v
                    if v.type == "identifier":
                        key, local = self._key_text(k), self.text(v)
            elif c.type == "object_assignment_pattern":
                left = c.child_by_field_id(self.f.left)
                if left is not None:
                    key = local = self.text(left)
            if key is not None and local is not None:
                out.append((c, key, local))
        return out

    def _destructured_members(self, decls: list[tuple[ts.Node, ts.Node | None, ts.Node | None, str | None]]
                              ) -> None:
        """``const { client, transaction } = db;`` where ``db`` is imported from a project module:
        each name is bound to that member (``import:@/lib/db:default.transaction``), as
        ``db.transaction`` would be, so that link finds the function the module exports under
        that key. Not when a parameter or a declaration of the function shadows ``db``."""
        shadowed = {(scope, self.text(n)) for _, n, _, scope in decls if n is not None and n.type == "identifier"}
        for _node, name, val, scope in decls:
            if name is None or val is None or name.type != "object_pattern" or scope is None:
                continue
            val = self._unwrap(val)
            if val.type != "identifier":
                continue
            ident = self.text(val)
            cur: str | None = scope
            ref = None
            for _ in range(1000):
                fn = self.facts.functions.get(cur) if cur is not None else None
                if (cur, ident) in shadowed or (fn is not None and ident in fn.params):
                    break
                ref = self.bindings.get((cur, ident))
                if ref is not None or cur is None:
                    break
                cur = self._parent_scope(cur)
            if ref is None or not ref.startswith("import:"):
                continue
            for _c, key, local in self._object_pattern_keys(name):
                if not key.startswith("["):  # `import * as db`: `{ x } = db` is the module's own `x`
                    self._bind(scope, local, ref + key if ref.endswith(":") else f"{ref}.{key}")

    def _hook_members(self, decls: list[tuple[ts.Node, ts.Node | None, ts.Node | None, str | None]]) -> None:
        """``const { save } = useSave(x)`` / ``const [save] = useSave(x)`` where ``useSave`` is a
        project function: each name is bound to what the hook returns under that key
        (``import:./hooks:useSave().save``, ``...().0``), which link follows to the function the hook
        returns (``Function.hook_returns``)."""
        held: dict[tuple[str | None, str], str | None] = {}  # `const form = useX()`: the hook's ref
        for node, name, val, scope in decls:
            if name is None or val is None or name.type not in ("object_pattern", "array_pattern", "identifier"):
                continue
            val = self._unwrap(val)
            ref = None
            if val.type == "call_expression":
                fn = val.child_by_field_id(self.f.function)
                hook = self.text(fn) if fn is not None and fn.type == "identifier" else ""
                if _HOOK_NAME.fullmatch(hook) is not None:
                    ref = self._resolve_name_uncached(hook, scope)[0]
            elif val.type == "identifier" and name.type != "identifier":
                # `const form = useX(); const { save } = form;` in the same function
                ref = held.get((scope, self.text(val)))
            if ref is None or not ref.startswith(("import:", "local:")):
                if name.type == "identifier":
                    held[(scope, self.text(name))] = None  # a name declared twice is not followed
                continue  # not a project hook (useQuery, useForm: a library's)
            if name.type == "identifier":
                key = (scope, self.text(name))
                parent = node.parent
                const = parent is not None and parent.type == "lexical_declaration" and \
                    parent.child(0) is not None and parent.child(0).type == "const"
                held[key] = ref if const and key not in held else None
                if held[key] is not None and val.type == "call_expression":
                    # `const api = useApi()`: `api.getProjects()` calls what the hook returns
                    # under that key (``Function.hook_returns``, ``returns_call``)
                    self._bind(scope, key[1], f"{ref}()")
                continue
            if name.type == "object_pattern":
                for _c, key, local in self._object_pattern_keys(name):
                    if not key.startswith("["):
                        self._bind(scope, local, f"{ref}().{key}")
                continue
            position = 0
            for c in name.children:
                if c.type == ",":
                    position += 1
                elif c.type == "identifier":
                    self._bind(scope, self.text(c), f"{ref}().{position}")

    def _hook_returns(self, exits: list[ts.Node]) -> None:
        """``Function.hook_returns`` and ``Function.returns_call`` of the file's functions, from
        their ``return`` statements and the expression bodies of arrow functions."""
        funcs = self.facts.functions
        found: dict[str, dict[str, str | None]] = {}
        made: dict[str, str | None] = {}  # returns_call
        returned: list[tuple[ts.Node, str]] = []
        for n in exits:
            if n.type != "return_statement":
                continue
            scope = self._scope(n)
            if scope is None or scope not in funcs:
                continue
            value = next((c for c in n.named_children if c.type != "comment"), None)
            if value is not None:
                returned.append((value, scope))
        for fid in self.arrows:
            node = self.func_nodes.get(fid)
            body = node.child_by_field_id(self.f.body) if node is not None else None
            if body is not None and body.type != "statement_block":
                returned.append((body, fid))
        for value, scope in returned:
            fn = funcs[scope]
            value = self._unwrap(value, await_too=True)
            if value.type in FUNC_EXPR_TYPES or value.type == "identifier":
                fid = self._own_function(value, fn.id)
                if fid is not None or value.type in FUNC_EXPR_TYPES:
                    keys = found.setdefault(fn.id, {})
                    keys[""] = fid if keys.get("", fid) == fid else None  # two returns disagree
                continue
            if value.type == "call_expression":
                ref = self._made_by(value)
                made[fn.id] = ref if made.get(fn.id, ref) == ref else None
                continue
            if value.type not in ("object", "array"):
                continue
            keys = found.setdefault(fn.id, {})
            position = 0
            for c in value.children:
                key = item = None
                if value.type == "array":
                    if c.type == ",":
                        position += 1
                        continue
                    if not c.is_named or c.type == "comment":
                        continue
                    key, item = str(position), c
                elif c.type == "shorthand_property_identifier":
                    key, item = self.text(c), c
                elif c.type == "pair":
                    k = c.child_by_field_id(self.f.key)
                    if k is not None and k.type in ("property_identifier", "string"):
                        key, item = self._key_text(k), c.child_by_field_id(self.f.value)
                elif c.type == "method_definition":  # `{ async getProjects() { ... } }`
                    k = c.child_by_field_id(self.f.name)
                    if k is not None and k.type in ("property_identifier", "string"):
                        key, item = self._key_text(k), c
                if key is None or item is None:
                    continue
                fid = self.func_ids.get(item.id) if item.type == "method_definition" else \
                    self._own_function(item, fn.id)
                if key in keys and keys[key] != fid:
                    fid = None  # two returns disagree
                keys[key] = fid
        for hook, keys in found.items():
            funcs[hook].hook_returns = tuple((k, f) for k, f in keys.items() if f is not None)
        for fid, ref in made.items():
            if ref:
                funcs[fid].returns_call = ref

    def _made_by(self, call: ts.Node) -> str | None:
        """``Function.returns_call`` of a returned call: the project function (``local:`` /
        ``import:``) it calls, or that the function it hands to ``useMemo`` calls and returns
        (``useMemo(() => buildClient(opts), deps)``)."""
        for _ in range(2):
            callee, _inst = self.callee_cache.get(call.id, ("", None))
            if callee in ("react.useMemo", "react.default.useMemo", "useMemo"):
                args = self._arg_nodes(call)
                fn = self._unwrap(args[0]) if args else None
                body = fn.child_by_field_id(self.f.body) if fn is not None and fn.type == "arrow_function" else None
                if body is not None and body.type == "statement_block":
                    stmts = [c for c in body.named_children if c.type != "comment"]
                    body = stmts[0].named_children[0] if len(stmts) == 1 and stmts[0].type == "return_statement" \
                        and stmts[0].named_children else None
                body = self._unwrap(body, await_too=True) if body is not None else None
                if body is None or body.type != "call_expression":
                    return None
                call = body
                continue
            return callee if callee.startswith(("local:", "import:")) and "(" not in callee else None
        return None

    def _own_function(self, node: ts.Node, scope: str) -> str | None:
        """The function of ``scope`` that ``node`` names or is: a function expression, a name
        declared with one (or with ``useCallback(fn, deps)`` of one), a nested declaration."""
        node = self._unwrap(node)
        if node.type in FUNC_EXPR_TYPES:
            return self.func_ids.get(node.id)
        if node.type not in ("identifier", "shorthand_property_identifier"):
            return None
        name = self.text(node)
        fid = self.local_funcs.get((scope, name))
        if fid is not None:
            return fid
        values = self._declared_values(scope, name)
        if len(values) != 1 or values[0] is None:
            return None
        v = self._unwrap(values[0])
        if v.type == "call_expression":
            callee = v.child_by_field_id(self.f.function)
            if callee is None or self.text(callee, 40).rsplit(".", 1)[-1] != "useCallback":
                return None
            args = self._arg_nodes(v)
            v = self._unwrap(args[0]) if args else v
        return self.func_ids.get(v.id) if v.type in FUNC_EXPR_TYPES else None

    # -- resolution ----------------------------------------------------------
    def _unwrap(self, node: ts.Node, await_too: bool = False) -> ts.Node:
        t = node.type
        if t not in WRAPPERS_AND_AWAIT or (t == "await_expression" and not await_too):
            return node  # most expressions wrap nothing
        for _ in range(MAX_CHAIN):
            t = node.type
            if t in WRAPPERS or (await_too and t == "await_expression"):
                kids = [c for c in node.named_children if c.type != "comment"]
                if not kids:
                    return node
                node = kids[-1] if t == "type_assertion" else kids[0]
            else:
                return node
        return node

    def _resolve_name(self, name: str, scope: str | None) -> tuple[str, tuple[str, object] | None, bool]:
        """Canonical name of an identifier: (canonical, instance, is a whole module)."""
        if self.frozen:
            hit = self.memo.get((scope, name))
            if hit is None:
                if name in self.table_names:
                    hit = self._resolve_name_uncached(name, scope)
                else:  # in no name table: no walk up the scopes needed
                    hit = (name, None, False)
                self.memo[(scope, name)] = hit
            return hit
        return self._resolve_name_uncached(name, scope)

    def _freeze(self) -> None:
        """The name tables are complete: from now on resolutions are memoised, and a name in
        none of the tables resolves to itself at once."""
        self.frozen = True
        self.table_names = {name for table in (self.instances, self.bindings, self.local_funcs, self.classes)
                            for _scope, name in table}

    def _resolve_name_uncached(self, name: str,
                               scope: str | None) -> tuple[str, tuple[str, object] | None, bool]:
        cur = scope
        instances, bindings, local_funcs, classes = self.instances, self.bindings, self.local_funcs, self.classes
        functions = self.facts.functions
        for _ in range(1000):
            key = (cur, name)
            inst = instances.get(key)
            if inst is not None:
                return f"{inst[0]}()", inst, False
            ref = bindings.get(key)
            if ref is not None:
                return ref, None, key in self.namespaces
            fid = local_funcs.get(key)
            if fid is not None:
                return f"local:{fid}", None, False
            qual = classes.get(key)
            if qual is not None:
                return f"local:{qual}", None, False
            if cur is None:
                break
            fn = functions.get(cur)  # self._parent_scope(cur)
            cur = fn.parent if fn is not None else None
        return name, None, False

    def _lookup_local(self, name: str, scope: str | None) -> str | None:
        if not self.local_funcs:
            return None
        key = ("local", scope, name)
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        self.memo[key] = fid = self._lookup_local_uncached(name, scope)  # type: ignore[assignment]
        return fid

    def _lookup_local_uncached(self, name: str, scope: str | None) -> str | None:
        cur = scope
        for _ in range(1000):
            fid = self.local_funcs.get((cur, name))
            if fid is not None:
                return fid
            if cur is None:
                return None
            cur = self._parent_scope(cur)
        return None

    def canon(self, node: ts.Node, scope: str | None) -> tuple[str, tuple[str, object] | None]:
        """Canonical name of an expression and the tracked instance it is a member of.

        The instance is (constructor, Value or the constructor call node) when the
        expression is a property path on an instance (``api.get``, ``prisma.user.findMany``,
        ``new Date().getHours``), else None.
        """
        t = node.type
        if t == "identifier":  # a bare name: what the walk below makes of it, without it
            s, e = node.start_byte, node.end_byte
            name = self.latin[s:e] if e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0 \
                else self.data[s:e].decode("utf-8", "replace")  # self.text(node)
            name, inst, _module = self._resolve_name(name, scope)
            return name, inst
        segs: list[tuple[str | None, ts.Node | None]] = []  # (property or None for a call, node)
        cur = node
        module_base: str | None = None
        cached: tuple[str, tuple[str, object] | None] | None = None
        # `a.b.c`: the names the walk below would find, read off the text.
        names: list[str] | None = None
        memo_key: tuple[str, str | None] | None = None
        if t == "member_expression":
            s, e = node.start_byte, node.end_byte
            text = None if e - s > MAX_DOTTED or node.has_error else \
                self.latin[s:e] if e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0 else \
                self.data[s:e].decode("utf-8", "replace")  # self._path_text(node)
            if text is not None:
                # Once the name tables are complete, a plain path on a name means the same
                # wherever it is written in one function (not on `this`: that is per class).
                # Only plain paths are memoised, so a text found is one.
                if self.frozen and not text.startswith("this."):
                    memo_key = (text, scope)
                    hit = self.path_memo.get(memo_key)
                    if hit is not None:
                        return hit
                names = _plain_names(text)
                if names is None:
                    memo_key = None
                elif names[0] != "this":
                    hit = self._plain_path(text, names, scope)
                    if hit is not None:
                        if memo_key is not None:
                            self.path_memo[memo_key] = hit
                        return hit
        for _ in range(MAX_CHAIN if names is None else 0):
            t = cur.type
            if t == "member_expression":
                obj, prop = cur.child_by_field_id(self.f.object), cur.child_by_field_id(self.f.property)
                if obj is None or prop is None:
                    break
                segs.append((self.text(prop), cur))
                cur = obj
            elif t == "subscript_expression":
                obj, idx = cur.child_by_field_id(self.f.object), cur.child_by_field_id(self.f.index)
                if obj is None or idx is None or idx.type != "string":
                    break
                segs.append((self.string_value(idx), cur))
                cur = obj
            elif t in WRAPPERS or t == "await_expression":
                inner = self._unwrap(cur, await_too=True)
                if inner is cur:
                    break
                cur = inner
            elif t == "call_expression" or t == "new_expression":
                if t == "call_expression":
                    spec = self._require_spec(cur)
                    if spec is not None:
                        module_base = spec
                        break
                f = self._callee_node(cur)
                if f is None:
                    break
                segs.append((None, cur))
                cached = self.callee_cache.get(cur.id)
                if cached is not None:  # the callee of an inner call, computed before (long chains)
                    break
                cur = f
            else:
                break
        if names is None:
            segs.reverse()
            t = cur.type
        else:
            segs = [(n, None) for n in names[1:]]
            t = "this" if names[0] == "this" else "identifier"
        i = 0
        inst: tuple[str, object] | None = None
        is_module = False
        if cached is not None:
            s, inst = cached
        elif module_base is not None:
            s = self._module_ref(module_base)
            is_module = True
        elif t == "identifier":
            name = self.text(cur) if names is None else names[0]
            if name in GLOBAL_OBJECTS and segs and segs[0][0] is not None and \
                    (None, name) not in self.bindings:
                name = segs[0][0] or name
                i = 1
            s, inst, is_module = self._resolve_name(name, scope)
            if s == name and i < len(segs) and segs[i][0] is not None:
                # `obj.method()` of an object literal's method: only for a name some has.
                fid = self._lookup_local(f"{name}.{segs[i][0]}", scope) if name in self.member_func_roots \
                    else None
                if fid is not None:
                    s = f"local:{fid}"
                    i += 1
            elif s.startswith("local:") and i < len(segs) and segs[i][0] is not None and \
                    f"{s[6:]}.{segs[i][0]}" in self.facts.functions:
                s = f"local:{s[6:]}.{segs[i][0]}"
                i += 1
        elif t == "this":
            s = "this"
            obj = self._this_object(scope) if segs and segs[0][0] is not None else None
            cls = self._class_qual(node) if obj is None else None
            if obj is not None:  # in a method of an object literal: `this` is the object
                if obj and f"{obj}.{segs[0][0]}" in self.facts.functions:
                    s, i = f"local:{obj}.{segs[0][0]}", 1
            elif cls is not None and segs and segs[0][0] is not None:
                attr = segs[0][0]
                ci = self.class_instances.get((cls, attr))
                if ci is not None:
                    s, inst, i = f"{ci[0]}()", ci, 1
                elif f"{cls}.{attr}" in self.facts.functions:
                    s, i = f"local:{cls}.{attr}", 1
        elif t == "meta_property":
            s = "import.meta"
        elif t in ("super", "import"):
            s = t
        else:
            s = "?"
        first = True
        for name, n in segs[i:]:
            if name is None:
                is_new = n.type == "new_expression"
                inst = (s, n) if self._trackable(s, is_new) else None
                s = (s + "default" if s.endswith(":") else s) + "()"
            elif s.endswith(":"):
                s += name
            elif first and is_module and name == "default" and not s.startswith("import:"):
                pass  # require("axios").default / namespace.default is the module itself
            else:
                s = f"{s}.{name}"
            first = False
            if len(s) > MAX_CANON:
                s = "?"  # a pathological chain: keep the name short, its tail still says what it is
        if memo_key is not None:
            self.path_memo[memo_key] = (s, inst)
        return s, inst

    def _plain_path(self, text: str, names: list[str],
                    scope: str | None) -> tuple[str, tuple[str, object] | None] | None:
        """``canon`` of a plain dotted path on a name (``a.b.c``, ``names`` its names) in the
        common cases, without the walk over its segments; None for the others (a global
        object's member, an object literal's method, a function's property, a module's
        ``default``, a name too long), which ``canon`` works out segment by segment."""
        name = names[0]
        if name in GLOBAL_OBJECTS:
            return None
        s, inst, is_module = self._resolve_name(name, scope)
        if is_module and names[1] == "default":
            return None
        if s == name:
            if name in self.member_func_roots:
                return None
            return text, inst  # each segment appended with a dot: the text itself
        if s.endswith(":") or s.startswith("local:"):
            return None
        s += text[len(name):]
        return (s, inst) if len(s) <= MAX_CANON else None

    def callee_of(self, node: ts.Node, scope: str | None) -> tuple[str, tuple[str, object] | None]:
        hit = self.callee_cache.get(node.id)
        if hit is not None:
            return hit
        return self._callee(self._callee_node(node), scope)

    def _callee(self, fn: ts.Node | None, scope: str | None) -> tuple[str, tuple[str, object] | None]:
        """``callee_of`` a call whose function (or constructor) is ``fn``, not from the cache."""
        if fn is not None and fn.type == "await_expression" and fn.named_children:
            # tree-sitter-typescript parses `await api.get<T>(x)` as a call of `await api.get`.
            fn = fn.named_children[0]
        if fn is None:
            return "?", None
        s, inst = self.canon(fn, scope)
        # Calling a whole project module (`const h = require("./h"); h()`) calls its default export.
        return (s + "default" if s.endswith(":") else s), inst

    def _materialize(self, inst: tuple[str, object] | None,
                     scope: str | None) -> tuple[str, Value | None] | None:
        if inst is None:
            return None
        ctor, v = inst
        if isinstance(v, ts.Node):
            return ctor, self._options(v, ctor, scope)
        return ctor, v if isinstance(v, Value) else None

    # -- values --------------------------------------------------------------
    def value(self, node: ts.Node, scope: str | None, depth: int = 0) -> Value:
        # The kinds by how often they come (the tests are on disjoint node types, but that a
        # number / binary / unary expression is folded before its other cases are looked at).
        t = node.type
        if t == "string":  # a string literal's text is its value: not stored twice
            return Value("str", "", self.string_value(node))
        if t == "identifier" and depth <= MAX_DEPTH:
            return self._name_value(node, scope)
        # Texts are for messages: short, and none for containers (their parts have them).
        if t == "object" or t == "array" or t == "template_string":
            text = ""
        else:
            s, e = node.start_byte, node.end_byte
            if e - s <= VALUE_TEXT and (e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0):
                text = self.latin[s:e]  # what text(node, VALUE_TEXT) makes of a short ASCII node
            else:
                text = self.text(node, VALUE_TEXT)
        if depth > MAX_DEPTH:
            return Value("other", text)
        if t == "member_expression" or t == "subscript_expression":
            ref, _inst = self.canon(node, scope)
            # A text that is its own canonical name (`user.id`, unresolved) is its dotted text too.
            return Value("attr", text, None, ref, None, None, None, None, is_config_text(ref) or (text != ref and (
                is_config_text(self._dotted_text(node) or "") or
                (t == "subscript_expression" and self.text(node, 60).startswith(JS_CONFIG_PREFIXES)))))
        if t == "call_expression" or t == "new_expression":
            return self._call_value(node, scope, depth, text)
        if t == "object":
            return Value("object", text, None, None, self._object_keys(node, scope, depth))
        if t in FUNC_EXPR_TYPES:
            return Value("func", text, None, None, None, None, None, self.func_ids.get(node.id))
        if t == "array":
            items = []
            for c in node.named_children:
                if c.type == "comment":
                    continue
                if len(items) >= MAX_ITEMS:
                    break
                items.append(self.value(c, scope, depth + 1))
            return Value("array", text, None, None, None, items)
        if t == "template_string":
            parts: list[str] = []
            holes: list[Value] = []  # what fills each hole (names and members: a URL's address)
            first_config = False
            for c in node.named_children:
                if c.type in ("string_fragment", "escape_sequence"):
                    parts.append(self.data[c.start_byte:c.end_byte].decode("utf-8", "replace"))
                elif c.type == "template_substitution":
                    hole = self.value(c.named_children[0], scope, depth + 1) if c.named_children else None
                    if not parts and not holes and hole is not None:
                        first_config = hole.from_config
                    parts.append("{}")
                    holes.append(hole if hole is not None and hole.kind in ("name", "attr") else _HOLE)
            return Value("template" if holes else "str", text, "".join(parts), from_config=first_config,
                         items=holes or None)
        if t in ("number", "binary_expression", "unary_expression"):
            num = self._fold(node, 0)
            if num is not None:
                return Value("num", text, num)
        if t in ("true", "false"):
            return Value("bool", text, t == "true")
        if t in ("null", "undefined"):
            return Value("none", text)
        if t == "spread_element":
            return Value("spread", text)
        if t in WRAPPERS or t == "await_expression":
            inner = self._unwrap(node, await_too=True)
            if inner is not node:
                return self.value(inner, scope, depth + 1)
        if t == "binary_expression":
            op = node.child_by_field_id(self.f.operator)
            left = node.child_by_field_id(self.f.left)
            right = node.child_by_field_id(self.f.right)
            if op is not None and left is not None and right is not None:
                if op.type in ("??", "||") and self.value(left, scope, depth + 1).from_config:
                    # `process.env.X ?? 30000`: the literal is the fallback of a configuration read.
                    return Value("other", text, from_config=True)
                if op.type == "+":
                    lv, rv = self.value(left, scope, depth + 1), self.value(right, scope, depth + 1)
                    if lv.kind == "str" and rv.kind == "str":
                        return Value("str", text, f"{lv.value}{rv.value}")
        if t == "ternary_expression":
            parts_n = [node.child_by_field_name(f) for f in ("condition", "consequence", "alternative")]
            if any(p is not None and self.value(p, scope, depth + 1).from_config for p in parts_n):
                return Value("other", text, from_config=True)
        if t == "unary_expression":
            op = node.child_by_field_id(self.f.operator)
            if op is not None and op.type == "void":
                return Value("none", text)
        return Value("other", text)

    def _name_value(self, node: ts.Node, scope: str | None) -> Value:
        """``value`` of an identifier (what ``canon`` makes of a bare name, without its walk)."""
        s, e = node.start_byte, node.end_byte
        name = self.latin[s:e] if e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0 \
            else self.data[s:e].decode("utf-8", "replace")  # self.text(node)
        text = name if len(name) <= VALUE_TEXT else name[: VALUE_TEXT - 1] + "…"
        if name == "undefined":
            return Value("none", text)
        hit = self.name_memo.get((name, scope))  # (canonical name, reads configuration)
        if hit is None:
            ref = self._resolve_name(name, scope)[0]
            hit = (ref, is_config_text(ref) or is_config_text(name))
            if self.frozen:  # resolutions change until the name tables are complete
                self.name_memo[(name, scope)] = hit
        return Value("name", text, None, hit[0], None, None, None, None, hit[1])

    def _fold(self, node: ts.Node, depth: int) -> float | None:
        """Value of a numeric literal or a constant expression of literals."""
        if depth > 40:
            return None
        t = node.type
        if t == "number":
            try:
                return eval_number(self.text(node))
            except ValueError:
                return None
        if t == "parenthesized_expression" and node.named_child_count == 1:
            return self._fold(node.named_children[0], depth + 1)
        if t == "unary_expression":
            op, arg = node.child_by_field_id(self.f.operator), node.child_by_field_id(self.f.argument)
            if op is None or arg is None or op.type not in ("-", "+"):
                return None
            v = self._fold(arg, depth + 1)
            return None if v is None else (-v if op.type == "-" else v)
        if t == "binary_expression":
            op = node.child_by_field_id(self.f.operator)
            left, right = node.child_by_field_id(self.f.left), node.child_by_field_id(self.f.right)
            if op is None or left is None or right is None or op.type not in ARITH_OPS:
                return None
            a = self._fold(left, depth + 1)
            if a is None:
                return None
            b = self._fold(right, depth + 1)
            if b is None:
                return None
            try:
                r = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
                     "%": lambda: math.fmod(a, b), "**": lambda: a ** b}[op.type]()
            except (ZeroDivisionError, OverflowError, ValueError):
                return None
            return float(r) if isinstance(r, (int, float)) and math.isfinite(r) else None
        return None

    def _object_keys(self, node: ts.Node, scope: str | None, depth: int) -> dict[str, Value]:
        keys: dict[str, Value] = {}
        f_key, f_value, value, text = self.f.key, self.f.value, self.value, self.text
        for c in node.named_children:
            if len(keys) >= MAX_KEYS:
                break
            t = c.type
            if t == "pair":
                k, v = c.child_by_field_id(f_key), c.child_by_field_id(f_value)
                if k is None or v is None:
                    continue
                kt = k.type
                if kt == "computed_property_name":
                    continue
                keys[text(k) if kt == "property_identifier" else self._key_text(k)] = value(v, scope, depth + 1)
            elif t == "shorthand_property_identifier":
                name = self.text(c)
                ref = self._resolve_name(name, scope)[0]
                keys[name] = Value("name", name, ref=ref, from_config=is_config_text(ref))
            elif t == "spread_element":
                keys["..."] = Value("spread", self.text(c, VALUE_TEXT))
            elif t == "method_definition":
                name_n = c.child_by_field_id(self.f.name)
                if name_n is not None and name_n.type != "computed_property_name":
                    keys[self._key_text(name_n)] = Value("func", self.text(c, VALUE_TEXT),
                                                         func_id=self.func_ids.get(c.id))
        return keys

    def _call_value(self, node: ts.Node, scope: str | None, depth: int, text: str) -> Value:
        ref, _inst = self.callee_of(node, scope)
        is_new = node.type == "new_expression"
        v = Value("call", text, ref=ref, call_id=self.call_ids.get(node.id))
        self.call_values.append(v)
        fn = self._callee_node(node)
        v.from_config = is_config_text(ref) or self._reads_config(fn)
        args = self._arg_nodes(node)
        if not v.from_config and ref in JS_CONFIG_CONVERTERS:
            v.from_config = any(self.value(a, scope, depth + 1).from_config for a in args)
        if is_tracked_ctor(ref, is_new):
            opts = self._options(node, ref, scope, depth)
            v.keys, v.items = opts.keys, opts.items
        elif is_new and ref == "URL" and len(args) == 2:  # new URL(path, base): what it resolves against
            v.items = [self.value(a, scope, depth + 1) for a in args]
        return v

    def _callee_node(self, node: ts.Node) -> ts.Node | None:
        """The function of a call, the constructor of a ``new`` (memoised: several steps ask)."""
        key = node.id
        if key in self.callee_nodes:
            return self.callee_nodes[key]
        fn = self.callee_nodes[key] = node.child_by_field_id(
            self.f.constructor if node.type == "new_expression" else self.f.function)
        return fn

    def _reads_config(self, node: ts.Node | None) -> bool:
        """Whether the dotted source text of ``node`` reads configuration (``config.get``)."""
        dotted = self._dotted_text(node) if node is not None else None
        return bool(dotted and is_config_text(dotted))

    def _arg_nodes(self, node: ts.Node) -> list[ts.Node]:
        """The argument nodes of a call (memoised: several steps ask for them)."""
        hit = self.args_memo.get(node.id)
        if hit is not None:
            return hit
        args = node.child_by_field_id(self.f.arguments)
        if args is None:
            out: list[ts.Node] = []
        elif args.type == "template_string":
            out = [args]
        else:
            out = [a for a in args.named_children if a.type != "comment"]
        self.args_memo[node.id] = out
        return out

    def _options(self, call: ts.Node, ctor: str, scope: str | None, depth: int = 0) -> Value:
        """A constructor call as an instance's options: keys of its first object argument, all args."""
        items = [self.value(a, scope, depth + 1) for a in self._arg_nodes(call)[:MAX_ITEMS]]
        keys = next((v.keys for v in items if v.kind == "object"), None)
        v = Value("call", self.text(call, 80), ref=ctor, keys=keys, items=items, call_id=self.call_ids.get(call.id))
        self.call_values.append(v)
        return v

    # -- instances -----------------------------------------------------------
    def _ctor_of(self, node: ts.Node, scope: str | None) -> tuple[str, object] | None:
        """(constructor, call node) when ``node`` creates a tracked instance."""
        t = node.type
        if t in WRAPPERS_AND_AWAIT:
            node = self._unwrap(node, await_too=True)
            t = node.type
        if t == "binary_expression":
            op = node.child_by_field_id(self.f.operator)
            if op is not None and op.type in ("??", "||"):
                for side in ("right", "left"):
                    s = node.child_by_field_name(side)
                    if s is not None:
                        hit = self._ctor_of(s, scope) if s.type != "binary_expression" else None
                        if hit is not None:
                            return hit
            return None
        if t != "call_expression" and t != "new_expression":
            return None
        if t == "call_expression":
            # Without `new`, only a known constructor is tracked: a method call `x.y()` whose
            # callee cannot end as one's does (`.create`, `.Pool`, `...Client`) is not looked up.
            fn = self._callee_node(node)
            ft = fn.type if fn is not None else ""
            if fn is not None and ft == "member_expression":
                prop = fn.child_by_field_id(self.f.property)
                name = self.text(prop) if prop is not None else ""
                if name not in CTOR_LAST_NAMES and not name.endswith("Client"):
                    return None
            # A bare name is one only when it is one or an import or require binds it (an
            # instance, a function or class of the file, resolves to no constructor).
            elif fn is not None and ft == "identifier":
                name = self.text(fn)
                if name not in TRACKED_CTORS and name not in self.bound_names:
                    return None
        callee, _ = self.callee_of(node, scope)
        if self._trackable(callee, t == "new_expression"):
            return callee, node
        return None

    @staticmethod
    def _trackable(callee: str, is_new: bool) -> bool:
        """Whether the value of a call of ``callee`` is an instance worth tracking by name:
        a known client/driver/date constructor, or any class constructed with ``new``."""
        if is_tracked_ctor(callee, is_new):
            return True
        if not is_new or not callee or callee.startswith("?") or "()" in callee or callee.endswith(":"):
            return False
        last = callee.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
        return last not in UNTRACKED_NEW and not last.endswith("Error")

    def _declaring_scope(self, name: str, scope: str | None) -> str | None:
        cur = scope
        for _ in range(1000):
            if (cur, name) in self.declared:
                return cur
            if cur is None:
                return scope
            cur = self._parent_scope(cur)
        return scope

    def _type_ref(self, type_node: ts.Node, depth: int = 0) -> str | None:
        """Constructor behind a TS type annotation: ``Date``, a tracked client type
        (``PrismaClient``, ``Pool``, ``AxiosInstance`` -> ``axios.create``), a project class;
        through a type alias of the module (``type Client = Redis | Cluster``: the first member
        that is one). A type another module names is left to link (``ModuleFacts.type_aliases``)."""
        node = type_node
        if node.type == "type_annotation":
            first = node.named_child(0)
            for c in (first,) if first is not None and first.type != "comment" else node.named_children:
                if c.type != "comment":
                    node = c
                    break
        cands = [node]
        while any(c.type == "union_type" for c in cands) and len(cands) < 16:  # A | B | C nests
            cands = [x for c in cands for x in (c.named_children if c.type == "union_type" else (c,))]
        for c in cands:
            if c.type == "generic_type":  # Repository<User>
                c = c.child_by_field_id(self.f.name) or c
            if c.type not in ("type_identifier", "nested_type_identifier"):
                continue
            text = self.text(c)
            alias = self.type_aliases.get(text)
            if alias is not None and depth < 4:
                hit = self._type_ref(alias, depth + 1)
                if hit is not None:
                    return hit
                continue
            root, _, rest = text.partition(".")
            ref, _inst, _mod = self._resolve_name(root, None)
            if rest:
                ref = ref + rest if ref.endswith(":") else f"{ref}.{rest}"
            if ref == "Date" or is_tracked_ctor(ref, True):
                return ref
            if ref in JS_TYPE_CTORS:
                return JS_TYPE_CTORS[ref]
            if ref.startswith(("local:", "import:")) and not ref.endswith(":") and \
                    ref.rsplit(".", 1)[-1].rsplit(":", 1)[-1][:1].isupper():
                return ref
        return None

    def _type_name(self, type_node: ts.Node) -> str:
        """The one named type a TS annotation gives (``: ISmsProvider``, ``: ns.IProvider | null``,
        ``: Repo<User>``), as written, without type arguments; "" for none or several."""
        node = type_node
        if node.type == "type_annotation":
            node = next((c for c in node.named_children if c.type != "comment"), node)
        found = ""
        for c in node.named_children if node.type == "union_type" else (node,):
            if c.type == "generic_type":
                c = c.child_by_field_id(self.f.name) or c
            if c.type in ("type_identifier", "nested_type_identifier"):
                text = self.text(c, 120)
                if found or not text.rsplit(".", 1)[-1][:1].isupper():
                    return ""
                found = text
            elif c.type == "union_type":
                return ""
        return found

    def _typed_instance(self, scope: str | None, cls: str | None, name: str, type_node: ts.Node) -> None:
        tname = self._type_name(type_node)
        if tname:
            self.declared_types.setdefault(("c", cls, name) if cls is not None else ("s", scope, name), tname)
        ref = self._type_ref(type_node)
        if ref is None:
            return
        if cls is not None:
            self.class_instances.setdefault((cls, name), (ref, None))
        else:
            self.instances.setdefault((scope, name), (ref, None))

    def _decl_instance(self, node: ts.Node, name: ts.Node | None, val: ts.Node | None, scope: str | None) -> None:
        if name is None or name.type != "identifier":
            return
        s, e = name.start_byte, name.end_byte
        ident = self.latin[s:e] if e <= self.wide_lo or s >= self.wide_hi else self.text(name)
        self.declared.add((scope, ident))
        if scope is None and val is not None:
            self.module_values.setdefault(ident, val)
        if val is not None:
            ctor = self._ctor_of(val, scope)
            if ctor is not None:
                mat = self._materialize(ctor, scope)
                if mat is not None:
                    self.instances[(scope, ident)] = mat
                return
            member = self._unwrap(val, await_too=True) if val.type in WRAPPERS_AND_AWAIT else val
            if member.type == "member_expression":  # const client = this.stripe: the field's instance
                obj, prop = member.child_by_field_id(self.f.object), member.child_by_field_id(self.f.property)
                cls = self._class_qual(node) if obj is not None and obj.type == "this" and prop is not None else None
                known = self.class_instances.get((cls, self.text(prop))) if cls is not None and prop else None
                if known is not None:
                    self.instances[(scope, ident)] = known
                    return
        # A type annotation (`const x: T = ...`) starts with a colon between the name and the value.
        if self.data.find(b":", e, val.start_byte if val is not None else node.end_byte) < 0:
            return
        type_n = node.child_by_field_id(self.f.type)
        if type_n is not None:
            self._typed_instance(scope, None, ident, type_n)

    def _assign_instance(self, node: ts.Node) -> None:
        left, right = node.child_by_field_id(self.f.left), node.child_by_field_id(self.f.right)
        if left is None or right is None:
            return
        scope = self._scope(node)
        ctor = self._ctor_of(right, scope)
        if ctor is None:
            return
        mat = self._materialize(ctor, scope)
        if mat is None:
            return
        if left.type == "identifier":
            self.instances[(self._declaring_scope(self.text(left), scope), self.text(left))] = mat
        elif left.type == "member_expression":
            obj, prop = left.child_by_field_id(self.f.object), left.child_by_field_id(self.f.property)
            if obj is None or prop is None or obj.type != "this":
                return
            cls = self._class_qual(node)
            if cls is None:
                return
            self.class_instances[(cls, self.text(prop))] = mat

    def _field_instance(self, node: ts.Node) -> None:
        name = node.child_by_field_id(self.f.property) or node.child_by_field_id(self.f.name)
        if name is None:
            return
        cls = self._class_qual(node)
        if cls is None:
            return
        scope = self._scope(node)
        attr = self.text(name)
        # Decorators are children of the field: none without an "@" in its text.
        for dec in node.children if self.mentions_at and self.data.find(b"@", node.start_byte, node.end_byte) >= 0 \
                else ():  # @ManyToOne(() => Customer, ..., { lazy: true }) customer: Promise<Customer>
            if dec.type == "decorator" and dec.named_children and dec.named_children[0].type == "call_expression":
                fn = dec.named_children[0].child_by_field_id(self.f.function)
                if fn is not None and self.text(fn) in ORM_RELATION_DECORATORS:
                    type_n = node.child_by_field_id(self.f.type)
                    rel = Value("other", self.text(type_n, 80).lstrip(": ") if type_n is not None else "",
                                ref=self.text(fn), call_id=self.call_ids.get(dec.named_children[0].id))
                    self.call_values.append(rel)
                    self.facts.assigns.append(Assign(attr, rel, self.loc(node), scope, attr))
        val = node.child_by_field_id(self.f.value)
        if val is not None:
            ctor = self._ctor_of(val, scope)
            if ctor is not None:
                mat = self._materialize(ctor, scope)
                if mat is not None:
                    self.class_instances[(cls, attr)] = mat
                return
        type_n = node.child_by_field_id(self.f.type)
        if type_n is not None:
            self._typed_instance(scope, cls, attr, type_n)

    # -- handlers ------------------------------------------------------------
    def _handler(self, node: ts.Node) -> None:
        scope = self._scope(node)
        param = node.child_by_field_id(self.f.parameter)
        bound = self.text(param) if param is not None and param.type == "identifier" else None
        body = node.child_by_field_id(self.f.body)
        kind = "empty"
        if body is not None:
            stmts = [c for c in body.named_children if c.type not in ("comment", "empty_statement")]
            if stmts:
                kind = "handles"
                # `throw err` of the caught error, after nothing but statements that cannot
                # return or recover (logging, metrics): the error still escapes to the caller.
                last = stmts[-1]
                if last.type == "throw_statement" and bound is not None and all(
                        s.type in RERAISE_PRELUDE for s in stmts[:-1]):
                    thrown = [c for c in last.named_children if c.type != "comment"]
                    if len(thrown) == 1 and self._unwrap(thrown[0]).type == "identifier" and \
                            self.text(self._unwrap(thrown[0])) == bound:
                        kind = "reraise"
        hid = len(self.facts.handlers)
        self.handler_ids[node.id] = hid
        guards = ""
        waits: tuple[int, ...] = ()
        reports = False
        if kind == "empty":
            guards = "parse" if self._guards_a_parse(node) else "default" if self._keeps_a_default(node) \
                else "log" if self._only_logs(node) else "fallback" if self._falls_to_return(node) \
                else "inert" if self._cannot_throw(node) else "cleanup" if self._only_cleans_up(node) else ""
            if not guards:
                waits = self._awaited_calls(node)
        elif kind == "reraise":
            reports = any(self._reports(st) for st in stmts[:-1])
        self.facts.handlers.append(Handler(id=hid, loc=self.loc(node), types=(), catch_all=True,
                                           body=kind, func=scope, form="clause", guards=guards,
                                           waits=waits, reports=reports))

    def _reports(self, st: ts.Node) -> bool:
        """``st`` is a call statement that reports an error (``knowledge.javascript.REPORTING_CALL``:
        ``toast.error(...)``, ``setError(msg)``, ``logger.warn(...)``)."""
        if st.type != "expression_statement" or not st.named_children:
            return False
        e = self._unwrap(st.named_children[0], await_too=True)
        fn = e.child_by_field_id(self.f.function) if e.type == "call_expression" else None
        return fn is not None and REPORTING_CALL.search(self.text(fn, 80)) is not None

    def _awaited_calls(self, catch: ts.Node) -> tuple[int, ...]:
        """The calls the try block of ``catch`` awaits, when they are all it waits for and it
        throws nothing itself (``Handler.waits``); ``()`` otherwise."""
        try_node = catch.parent
        block = try_node.child_by_field_id(self.f.body) if try_node is not None else None
        if block is None:
            return ()
        out: list[int] = []
        for n in _own_nodes(block, limit=800):
            if n is None or n.type in ("throw_statement", "yield_expression"):
                return ()
            if n.type == "for_in_statement" and any(c.type == "await" for c in n.children):
                return ()  # `for await (...)`: waits for an iterator
            if n.type == "await_expression":
                inner = self._unwrap(n, await_too=True)
                cid = self.call_ids.get(inner.id) if inner.type == "call_expression" else None
                if cid is None:
                    return ()
                out.append(cid)
        return tuple(out)

    def _guards_a_parse(self, catch: ts.Node) -> bool:
        """The try block of ``catch`` parses or decodes a value (or touches browser storage) and
        waits for nothing else: what can fail there is the parse, an expected outcome."""
        try_node = catch.parent
        block = try_node.child_by_field_id(self.f.body) if try_node is not None else None
        if block is None:
            return False
        parses = 0
        for n in _own_nodes(block):  # a nested function runs later, or is a callback whose failures are its own
            if n is None:
                return False
            t = n.type
            if t == "await_expression":
                inner = self._unwrap(n, await_too=True)
                if not (inner.type == "call_expression" and self._is_parse(inner)):
                    return False  # waits for something that can fail for other reasons
            elif t in ("call_expression", "new_expression"):
                if self._is_parse(n) or (t == "call_expression" and self._storage_call(n)):
                    parses += 1
                elif self._callee_root(n) in NETWORK_ROOTS:
                    return False
            elif t == "member_expression":
                prop, obj = n.child_by_field_id(self.f.property), n.child_by_field_id(self.f.object)
                name = self.text(prop, 40) if prop is not None else ""
                if name == "cssRules" or (name in GUARDED_READS and obj is not None and
                                          self.text(obj, 40) in GLOBAL_OBJECTS):
                    parses += 1  # `window.localStorage`, `sheet.cssRules`: may throw a SecurityError
            elif t == "throw_statement":
                return False  # a deliberate failure, dropped by the empty catch
        return parses > 0

    def _storage_call(self, call: ts.Node) -> bool:
        """``call`` is a Web Storage method (``STORAGE_METHODS``) on ``window[kind]`` or on a receiver
        named for storage (``getStorage()?.setItem``, ``this.storage.getItem``)."""
        fn = call.child_by_field_id(self.f.function)
        fn = self._unwrap(fn) if fn is not None else None
        if fn is None or fn.type != "member_expression":
            return False
        prop, obj = fn.child_by_field_id(self.f.property), fn.child_by_field_id(self.f.object)
        if prop is None or obj is None or self.text(prop, 40) not in STORAGE_METHODS:
            return False
        obj = self._unwrap(obj)
        if obj.type == "subscript_expression":
            base = obj.child_by_field_id(self.f.object)
            return base is not None and self.text(base, 40) in GLOBAL_OBJECTS
        if obj.type == "call_expression":
            obj = self._unwrap(obj.child_by_field_id(self.f.function) or obj)
        if obj.type == "member_expression":
            obj = obj.child_by_field_id(self.f.property) or obj
        return obj.type in ("identifier", "property_identifier") and "storage" in self.text(obj, 80).lower()

    def _cleanup_position(self, node: ts.Node) -> str:
        """Where ``node`` sits in its function: "finally" (in a ``finally`` block), "catch" (in a
        ``catch`` block that ends by rethrowing the error it caught), "" otherwise. The nearest such
        clause around it decides."""
        cur = node.parent
        for _ in range(64):
            if cur is None or cur.type in FUNC_TYPES or cur.type in ("class_body", "program"):
                return ""
            if cur.type == "finally_clause":
                return "finally"
            if cur.type == "catch_clause":
                param = cur.child_by_field_id(self.f.parameter)
                body = cur.child_by_field_id(self.f.body)
                if param is None or param.type != "identifier" or body is None:
                    return ""
                stmts = [c for c in body.named_children if c.type not in ("comment", "empty_statement")]
                last = stmts[-1] if stmts else None
                thrown = [c for c in last.named_children if c.type != "comment"] \
                    if last is not None and last.type == "throw_statement" else []
                rethrows = len(thrown) == 1 and self.text(self._unwrap(thrown[0])) == self.text(param)
                return "catch" if rethrows else ""
            cur = cur.parent
        return ""

    def _is_cleanup(self, call: ts.Node) -> bool:
        fn = call.child_by_field_id(self.f.function)
        fn = self._unwrap(fn) if fn is not None else None
        prop = fn.child_by_field_id(self.f.property) if fn is not None and fn.type == "member_expression" else None
        return prop is not None and self.text(prop, 40) in CLEANUP_METHODS

    def _only_cleans_up(self, catch: ts.Node) -> bool:
        """The try block of ``catch`` sits in a ``finally``, or in a ``catch`` that rethrows what it
        caught, and only releases or closes (``reader.releaseLock()``, ``await client.$disconnect()``)
        — in a rethrowing ``catch`` it may also compute and log what it likes, as long as it awaits
        nothing but such calls: what the empty catch drops is a secondary failure that would
        otherwise mask the outcome already decided (the original error, or the block's result)."""
        try_node = catch.parent
        block = try_node.child_by_field_id(self.f.body) if try_node is not None else None
        where = self._cleanup_position(try_node) if block is not None else ""
        if not where:
            return False
        in_finally = where == "finally"
        cleanups = 0
        for n in _own_nodes(block, limit=400):
            if n is None or n.type in ("throw_statement", "yield_expression", "for_in_statement"):
                return False
            if n.type == "await_expression":
                inner = self._unwrap(n, await_too=True)
                if inner.type != "call_expression" or not self._is_cleanup(inner):
                    return False
            elif n.type == "call_expression":
                if self._is_cleanup(n):
                    cleanups += 1
                elif self._callee_root(n) in NETWORK_ROOTS or (in_finally and self._callee_root(n) not in LOG_ROOTS):
                    return False
        return cleanups > 0 or not in_finally

    def _only_logs(self, catch: ts.Node) -> bool:
        """The try block of ``catch`` only logs or reports (``logger.error(...)``, ``console.warn``,
        ``Sentry.captureException``), directly or under ``if``: what its empty catch drops is a
        failure of the logging itself, which has nowhere left to be reported."""
        try_node = catch.parent
        block = try_node.child_by_field_id(self.f.body) if try_node is not None else None
        todo = list(block.named_children) if block is not None else []
        calls = 0
        while todo:
            st = todo.pop()
            t = st.type
            if t in ("comment", "empty_statement"):
                continue
            if t == "if_statement":
                todo.extend(c for c in st.named_children if c.type != "parenthesized_expression")
                continue
            if t in ("statement_block", "else_clause"):
                todo.extend(st.named_children)
                continue
            e = self._unwrap(st.named_children[0]) if t == "expression_statement" and st.named_children else None
            fn = e.child_by_field_id(self.f.function) if e is not None and e.type == "call_expression" else None
            if fn is None or fn.type != "member_expression":
                return False
            head = _HEAD_NAME.match(self.text(fn, 80).removeprefix("this."))
            root = head.group(0) if head else ""
            if root not in LOG_ROOTS or (root == "Sentry" and ".capture" not in self.text(fn, 80)):
                return False
            calls += 1
        return calls > 0

    def _falls_to_return(self, catch: ts.Node) -> bool:
        """The try block of ``catch`` only computes values and returns (declarations, ``return``
        statements, ``if``s of the same), and the next statement reached after the try, leaving
        enclosing ``if`` branches and blocks, is a ``return`` of a value: ``try { const u = await
        find(e); if (u) return await resend(u) } catch {} return fail("TAKEN")``. A probe may do
        anything before its return: ``try { execSync(cmd); return true } catch {} return false``,
        the block ending in a ``return`` of a literal and the next statement returning a literal
        (whether the work succeeds *is* the answer). The empty catch falls straight through to that return,
        the same as ``catch { return fail("TAKEN") }``: the block's success path returns on its
        own, so the return after it is the fallback."""
        try_node = catch.parent
        block = try_node.child_by_field_id(self.f.body) if try_node is not None else None
        if block is None or try_node.child_by_field_id(self.f.handler) != catch:
            return False
        stmts = [c for c in block.named_children if c.type not in ("comment", "empty_statement")]
        probe = bool(stmts) and self._returns_literal(stmts[-1])
        if not probe:
            # `try { execSync(cmd); return true } catch {} return false` (a probe: work, then a
            # literal) may do anything before its return; otherwise the block only returns
            returns = 0
            for st in _branch_statements(block):
                if st.type != "return_statement":
                    return False
                returns += 1
            if not returns:
                return False
        nxt = self._next_statement(try_node)
        if probe:
            return nxt is not None and self._returns_literal(nxt)
        return nxt is not None and nxt.type == "return_statement" and \
            any(c.type != "comment" for c in nxt.named_children)  # `return;` returns no fallback

    def _returns_literal(self, st: ts.Node) -> bool:
        """``st`` is ``return <literal>``: ``true``, ``false``, ``null``, ``undefined``, a number or a
        string without substitutions."""
        if st.type != "return_statement":
            return False
        vals = [c for c in st.named_children if c.type != "comment"]
        if len(vals) != 1:
            return False
        v = self._unwrap(vals[0])
        return v.type in ("true", "false", "null", "undefined", "number", "string") or (
            v.type == "identifier" and self.text(v) == "undefined") or (
            v.type == "template_string" and not any(c.type == "template_substitution" for c in v.named_children))

    @staticmethod
    def _next_statement(node: ts.Node) -> ts.Node | None:
        """The statement that runs after ``node`` completes normally: its next sibling, or,
        when it ends an ``if`` branch or a bare block, the statement after that ``if`` / block.
        None at the end of a function, loop or other construct."""
        cur = node
        for _ in range(32):
            parent = cur.parent
            if parent is None:
                return None
            if parent.type == "statement_block":
                sib = cur.next_named_sibling
                while sib is not None and sib.type in ("comment", "empty_statement"):
                    sib = sib.next_named_sibling
                if sib is not None:
                    return sib
                up = parent.parent
                if up is not None and up.type in ("if_statement", "statement_block"):
                    cur = up if up.type == "if_statement" else parent
                elif up is not None and up.type == "else_clause" and up.parent is not None:
                    cur = up.parent
                else:
                    return None  # the end of a function, loop, try ...
            elif parent.type == "if_statement":
                cur = parent
            elif parent.type == "else_clause" and parent.parent is not None:
                cur = parent.parent
            else:
                return None
        return None

    def _cannot_throw(self, catch: ts.Node) -> bool:
        """The try block of ``catch`` calls nothing, waits for nothing and throws nothing: only
        comments, declarations and assignments of literals, plain reads and TypeScript casts
        (``const p = m.prefs as Prefs``), conditions and returns; assignments only to plain names
        (a property's setter may throw). Its empty catch drops nothing (plain reads are taken not
        to throw, as ERR005 takes them)."""
        try_node = catch.parent
        block = try_node.child_by_field_id(self.f.body) if try_node is not None else None
        if block is None:
            return False
        for n in _own_nodes(block, limit=400):
            if n is None or n.type in CAN_THROW_NODES:
                return False
            if n.type in ("assignment_expression", "augmented_assignment_expression"):
                left = n.child_by_field_id(self.f.left)
                if left is None or left.type != "identifier":
                    return False  # `g[key] = v`: a setter, a read-only or frozen property throws
        return True

    def _keeps_a_default(self, catch: ts.Node) -> bool:
        """The try block of ``catch`` only computes values into variables declared before it
        that hold a default: an initial value (``let url = ""; try { url = await state() }``),
        or none but the code after the try tests the variable (``let inst; try { inst = get() }
        catch {} if (inst) ...``), or none but a TypeScript type that admits ``undefined`` /
        ``null`` (``let slug: string | undefined``: the compiler makes every use handle it). Its
        empty catch keeps the default: the fallback value is assigned before the try instead of
        in the handler. Declarations local to the block (intermediate values) may come between
        the assignments, and the assignments may sit under an ``if`` (``if (org?.name) { url =
        ... }``); any other statement may not."""
        try_node = catch.parent
        block = try_node.child_by_field_id(self.f.body) if try_node is not None else None
        if block is None:
            return False
        targets: set[str] = set()
        for st in _branch_statements(block):
            e = st.named_children[0] if st.type == "expression_statement" and st.named_children else None
            if e is None or e.type not in ("assignment_expression", "augmented_assignment_expression"):
                return False
            op = e.child_by_field_id(self.f.operator)
            left = e.child_by_field_id(self.f.left)
            if left is None or left.type != "identifier" or (
                    e.type == "augmented_assignment_expression" and (op is None or op.type not in VALUE_ASSIGN_OPS)):
                return False
            targets.add(self.text(left))
        return bool(targets) and all(self._has_default(try_node, name) for name in targets)

    def _has_default(self, try_node: ts.Node, name: str) -> bool:
        """``name`` is declared before ``try_node``, in its block or an enclosing one, with an
        initial value, or without one and tested in a condition after the try (``if (x)``,
        ``x && …``, ``x?.y``)."""
        after: list[ts.Node] = []
        cur = try_node
        for _ in range(64):
            parent = cur.parent
            if parent is None:
                return False
            if parent.type in ("statement_block", "program", "switch_case", "switch_default"):
                found = None
                for sib in parent.named_children:
                    if sib.start_byte >= cur.start_byte:
                        if sib.start_byte > cur.start_byte:
                            after.append(sib)
                        continue
                    if sib.type in ("lexical_declaration", "variable_declaration"):
                        for d in sib.named_children:
                            n = d.child_by_field_id(self.f.name) if d.type == "variable_declarator" else None
                            if n is not None and n.type == "identifier" and self.text(n) == name:
                                found = d
                if found is not None:
                    typ = found.child_by_field_id(self.f.type)
                    return found.child_by_field_id(self.f.value) is not None or \
                        (typ is not None and _NULLABLE_TYPE.search(self.text(typ, 200)) is not None) or \
                        any(self._tests(n, name) for n in after)
            cur = parent
        return False

    def _tests(self, node: ts.Node, name: str) -> bool:
        """``name`` is tested in a condition somewhere in ``node`` (not in a nested function)."""
        for n in _own_nodes(node):
            if n is None:
                return False
            if n.type == "identifier" and self.text(n) == name:
                parent = n.parent
                pt = parent.type if parent is not None else ""
                if pt == "member_expression" and any(c.type == "optional_chain" for c in parent.children):
                    return True  # `x?.y`
                prev, cur = n, parent
                for _ in range(8):
                    if cur is None:
                        break
                    t = cur.type
                    if t in STATEMENT_CONDITIONS or t in ("ternary_expression", "for_statement"):
                        if cur.child_by_field_id(self.f.condition) == prev:
                            return True
                        break
                    if t in ("binary_expression", "unary_expression"):
                        op = cur.child_by_field_id(self.f.operator)
                        if op is not None and (op.type in CONDITION_OPS or op.type == "!"):
                            return True
                    elif t != "parenthesized_expression":
                        break
                    prev, cur = cur, cur.parent
        return False

    def _callee_root(self, node: ts.Node) -> str:
        fn = node.child_by_field_id(self.f.function) or node.child_by_field_id(self.f.constructor)
        return self.text(fn, 80).split(".", 1)[0].split("(", 1)[0].strip() if fn is not None else ""

    def _is_parse(self, node: ts.Node) -> bool:
        fn = node.child_by_field_id(self.f.constructor) if node.type == "new_expression" \
            else node.child_by_field_id(self.f.function)
        if fn is None:
            return False
        resolved = self.callee_cache.get(node.id)
        if resolved is not None and is_request_scope_call(resolved[0]):
            return True  # `cookies()`, `cookieStore.delete(name)`: may only run in some request contexts
        text = self.text(fn, 120).replace("?.", ".").replace(" ", "")
        for prefix in ("window.", "globalThis.", "self."):
            text = text.removeprefix(prefix)
        if node.type == "new_expression":
            return text in PARSE_CONSTRUCTORS or text.startswith("Intl.")
        if text in PARSE_FUNCTIONS or text.startswith(("localStorage.", "sessionStorage.", "Intl.")):
            return True
        if text.startswith(EXPECTED_FAILURE_PREFIXES) or text.endswith(EXPECTED_FAILURE_METHODS):
            return True  # `navigator.clipboard.writeText(t)`, `selection.getRangeAt(0)`
        args = node.child_by_field_id(self.f.arguments)
        # ``n.toLocaleString(locale, { style: "currency", currency })`` is Intl with a locale
        # and options (ECMA-402), which throws a RangeError on a bad locale or currency code.
        if text.endswith((".toLocaleString", ".toLocaleDateString", ".toLocaleTimeString")) and \
                fn.type == "member_expression" and args is not None and args.named_children:
            return True
        # ``req.json()`` / ``res.json()``: the body of a request or response is not always JSON.
        return text.endswith(".json") and fn.type == "member_expression" and \
            (args is None or not args.named_children)

    def _callback_handler(self, call_node: ts.Node, prop: ts.Node, cb: ts.Node, scope: str | None) -> None:
        cb = self._unwrap(cb)
        kind = "handles"
        if cb.type in FUNC_EXPR_TYPES:
            body = cb.child_by_field_id(self.f.body)
            if body is not None and body.type == "statement_block" and not any(
                    c.type not in ("comment", "empty_statement") for c in body.named_children):
                kind = "empty"
        s = self.loc(prop)
        e = self.loc(call_node)
        loc = Loc(s.line, s.col, e.end_line, e.end_col)
        hid = len(self.facts.handlers)
        guards = ""
        waits: tuple[int, ...] = ()
        if kind == "empty" and prop.parent is not None and self.text(prop) == "catch":
            # `p.catch(() => {})` / `p.finally(reset).catch(() => {})` on a promise `p` the
            # function also awaits or returns: only the duplicate rejection is silenced.
            recv = prop.parent.child_by_field_id(self.f.object)
            recv = self._unwrap(recv) if recv is not None else None
            if recv is not None and recv.type == "call_expression" and self._refresh_settles(recv):
                guards = "settles"  # `queryClient.invalidateQueries(...).catch(() => {})`
            elif recv is not None and recv.type == "call_expression" and self._is_cleanup(recv) and \
                    self._cleanup_position(call_node):
                guards = "cleanup"  # `finally { await db.$disconnect().catch(() => {}) }`
            elif recv is not None and recv.type == "call_expression" and recv.id in self.call_ids:
                waits = (self.call_ids[recv.id],)  # `m.mutateAsync(x).catch(() => {})`: judged by the rule
            if recv is not None and recv.type == "call_expression":
                fin = self._unwrap(recv.child_by_field_id(self.f.function) or recv)
                fin_prop = fin.child_by_field_id(self.f.property) if fin.type == "member_expression" else None
                recv = fin.child_by_field_id(self.f.object) if fin_prop is not None and \
                    self.text(fin_prop) == "finally" else None
                recv = self._unwrap(recv) if recv is not None else None
            if recv is not None and recv.type == "identifier":
                self.copy_catches.append((hid, scope, self.text(recv)))
        self.facts.handlers.append(Handler(id=hid, loc=loc, types=(), catch_all=True, body=kind, func=scope,
                                           form="callback", guards=guards, waits=waits))

    def _refresh_settles(self, call: ts.Node) -> bool:
        """``call`` is a TanStack Query / tRPC / TanStack DB refresh that resolves even when the
        refetch fails (``knowledge.javascript.query_refresh_settles``), given no ``throwOnError``
        other than a literal ``false``."""
        fn = call.child_by_field_id(self.f.function)
        if fn is None or fn.type != "member_expression":
            return False
        resolved = self.callee_cache.get(call.id)
        if not query_refresh_settles(self.text(fn, 200), resolved[0] if resolved is not None else ""):
            return False
        args = call.child_by_field_id(self.f.arguments)
        for a in args.named_children if args is not None else ():
            if a.type != "object":
                if a.type in ("identifier", "spread_element", "member_expression"):
                    return False  # options that may say throwOnError: true
                continue
            for pair in a.named_children:
                key = pair.child_by_field_id(self.f.key) if pair.type == "pair" else None
                if pair.type == "spread_element" or (
                        pair.type == "shorthand_property_identifier" and self.text(pair, 40) == "throwOnError") or (
                        key is not None and self.text(key, 40).strip("\"'") == "throwOnError" and
                        self.text(pair.child_by_field_id(self.f.value), 10) != "false"):
                    return False
        return True

    # -- can a function fail? --------------------------------------------------
    def _settling(self, calls: list[ts.Node], scopes: list[str | None], caps: dict[str, list[ts.Node]]) -> None:
        """``Function.settles``, ``throws``, ``reads_value`` and ``resolves_result`` of the file's
        functions (see :class:`vcx.facts.Function`), from the nodes the query found: ``throw``
        and ``return`` statements, ``await`` expressions, calls, declarations, member reads, and
        the bodies of ``try`` statements that have a ``catch`` (what fails there is caught). A
        nested function is a function of its own: its code runs when it is called, not where it
        is written; a callback of a promise a function waits for is named by the call it is
        passed to."""
        funcs = self.facts.functions
        if not funcs:
            return
        state: dict[str, _Settle] = {}  # only the functions with something to record
        self.kept_ids = {c.id for c in self.facts.calls}
        self.settle_caps = caps
        guarded: dict[str | None, list[tuple[int, int]]] = {}
        tries = caps.get("try", [])
        for t, scope in zip(tries, self._scopes(tries), strict=True):
            body, h = t.child_by_field_id(self.f.body), t.child_by_field_id(self.f.handler)
            if scope is not None and body is not None and h is not None:
                guarded.setdefault(scope, []).append(body.byte_range)
        self.guarded = guarded
        # `.then(cb)` callbacks (how they read the value their promise resolves to), and parses outside
        # a try (they throw on bad input).
        then_callbacks, func_ids = self.then_callbacks, self.func_ids
        data = self.data
        callee_cache = self.callee_cache
        for n, scope in zip(calls, scopes, strict=True):
            callee = callee_cache[n.id][0]
            if callee[-4:] == "then":
                args = self._arg_nodes(n)
                cb = args[0] if args else None
                if cb is not None and cb.type in WRAPPERS:
                    cb = self._unwrap(cb)
                fid = func_ids.get(cb.id) if cb is not None else None
                fn = self.callee_nodes[n.id]
                if fid is not None and fn is not None and data.endswith(b".then", fn.start_byte, fn.end_byte):
                    then_callbacks.add(fid)
                    funcs[fid].reads_value = self._param_reads(cb)  # type: ignore[arg-type]
            elif callee in _THROWING and scope is not None and not self._guarded(n, scope) and (
                    callee in JS_THROWING_CONSTRUCTORS if n.type == "new_expression" else callee in JS_THROWING_CALLS):
                st = state.get(scope) or state.setdefault(scope, _Settle())
                st.throws = True
        # Throws and returns. The executor of `new Promise(executor)` returns nothing anyone reads
        # (the constructor drops it): `(r) => { const t = setTimeout(r, ms); return t; }` is a sleep.
        executors = self._promise_executors(calls)
        exits = _source_order(caps.get("exit", []))
        ends: set[str] = set()  # functions whose last statement is a return
        for n, scope in zip(exits, self._scopes(exits), strict=True):
            if scope is None:
                continue
            st = state.get(scope) or state.setdefault(scope, _Settle())
            if n.type == "throw_statement":
                if not self._guarded(n, scope):
                    st.throws = True
                continue
            if scope in executors:
                st.results = False
                continue
            value = next((c for c in n.named_children if c.type != "comment"), None)
            if value is None:
                st.results = False  # a bare `return;`: undefined
                continue
            self._returned(value, scope, st)
            parent = n.parent
            if parent is not None and parent.type == "statement_block" and parent.parent is not None and \
                    self.func_ids.get(parent.parent.id) == scope:
                last = parent.named_child(parent.named_child_count - 1)
                if last is not None and last.type == "comment":
                    last = [c for c in parent.named_children if c.type != "comment"][-1]
                if last == n:
                    ends.add(scope)
        for n in caps.get("func", []):
            t = n.type
            if t == "arrow_function":
                body = n.child_by_field_id(self.f.body)
                if body is None or body.type == "statement_block":
                    continue
                fid = self.func_ids.get(n.id)
                if fid is not None and fid not in executors:  # `async (x) => save(x)`: returns its body
                    self._returned(body, fid, state.get(fid) or state.setdefault(fid, _Settle()))
                    ends.add(fid)
            elif t in ("generator_function_declaration", "generator_function") or \
                    (t == "method_definition" and any(c.type == "*" for c in n.children)):
                fid = self.func_ids.get(n.id)
                if fid is not None:  # a generator's body runs when it is iterated
                    st = state.get(fid) or state.setdefault(fid, _Settle())
                    st.fail, st.throws = True, False
        # Awaits outside a try.
        awaits = _source_order(caps.get("await", []))
        for n, scope in zip(awaits, self._scopes(awaits), strict=True):
            if scope is None or self._guarded(n, scope):
                continue
            inner = next((c for c in n.named_children if c.type != "comment"), None)
            if inner is None:
                continue
            st = state.get(scope) or state.setdefault(scope, _Settle())
            kind = self._settle_expr(inner, scope, st, True)
            if not st.fail and self._awaited_reads(n, scope) > (1 if kind == "result" else 0):
                st.fail = True  # `const r = await safe(); r.data.x`: undefined when it failed
        if b"for await" in data:
            for n in caps.get("loop", []):
                if n.type == "for_in_statement" and any(c.type == "await" for c in n.children):
                    scope = self._scope(n)
                    if scope is not None and not self._guarded(n, scope):
                        st = state.get(scope) or state.setdefault(scope, _Settle())
                        st.fail = True
        for fid, fn in funcs.items():
            st = state.get(fid)
            if st is None:
                fn.settles = ()
                continue
            if st.throws:
                fn.throws = True
            if st.fail or st.throws:
                continue
            fn.settles = tuple(dict.fromkeys(st.deps))
            if st.results and st.result_returns and fid in ends:
                fn.resolves_result = True
        if b"return" in data or self.arrows:
            self._hook_returns(exits)
        if b"return" in data:
            for n in caps.get("func", []):
                fid = self.func_ids.get(n.id)
                if fid is not None:
                    found = self._early_exit(n)
                    if found is not None:
                        funcs[fid].early_exit = found

    def _early_exit(self, fn: ts.Node) -> tuple[int, str, str, tuple[int, ...]] | None:
        """``Function.early_exit``: ``if (!p) return;`` at the start of the function, before
        anything that can fail. Only the statements before it are looked at closely: the walk
        stops at the first statement that is neither an expression, a declaration, nor the
        ``try`` (without ``finally``) it then enters."""
        t = fn.type
        if t in ("generator_function_declaration", "generator_function") or \
                (t == "method_definition" and any(c.type == "*" for c in fn.children)):
            return None
        body = fn.child_by_field_id(self.f.body)
        if body is None or body.type != "statement_block":
            return None
        before: list[ts.Node] = []
        guard: ts.Node | None = None
        block = body
        for _ in range(2):  # the body, then the body of a `try` at its start
            nxt = None
            for stmt in block.named_children:
                st = stmt.type
                if st in ("expression_statement", "lexical_declaration", "variable_declaration"):
                    before.append(stmt)
                    if len(before) > 30:
                        return None
                    continue
                if st == "comment" or st == "empty_statement":
                    continue
                if st == "if_statement":
                    guard = stmt
                elif st == "try_statement" and stmt.child_by_field_name("finalizer") is None:
                    nxt = stmt.child_by_field_id(self.f.body)
                break
            if guard is not None or nxt is None:
                break
            block = nxt
        if guard is None:
            return None
        test = self._guard_test(guard)
        if test is None:
            return None
        name, when = test
        param = self._param_default(fn, name)
        if param is None:
            return None
        position, default = param
        kept: list[int] = []
        for stmt in before:
            for n in _own_nodes(stmt, 400):
                if n is None:
                    return None
                nt = n.type
                if nt in ("await_expression", "yield_expression", "throw_statement"):
                    return None
                if nt in ("assignment_expression", "augmented_assignment_expression", "update_expression"):
                    left = n.child_by_field_id(self.f.left) or n.child_by_field_id(self.f.argument)
                    if left is not None and left.type == "identifier" and self.text(left) == name:
                        return None  # the parameter changes before the test
                elif nt in CALL_TYPES:
                    hit = self.callee_cache.get(n.id)
                    callee = hit[0] if hit is not None else ""
                    if callee in _THROWING and (callee in JS_THROWING_CONSTRUCTORS if nt == "new_expression"
                                                else callee in JS_THROWING_CALLS):
                        return None
                    cid = self.call_ids.get(n.id)
                    if cid is not None and cid in self.kept_ids:
                        kept.append(cid)
        return position, when, default, tuple(kept)

    def _guard_test(self, guard: ts.Node) -> tuple[str, str] | None:
        """(parameter name, test) of ``if (!p) return;`` / ``if (p) return;`` / ``if (p === false)
        return;`` / ``if (p === true) return;``, whose branch returns nothing or a literal."""
        cons = guard.child_by_field_name("consequence")
        if cons is not None and cons.type == "statement_block":
            inner = [c for c in cons.named_children if c.type != "comment"]
            cons = inner[0] if len(inner) == 1 else None
        if cons is None or cons.type != "return_statement":
            return None
        value = next((c for c in cons.named_children if c.type != "comment"), None)
        if value is not None and value.type not in _LITERAL_RETURNS:
            return None
        cond = guard.child_by_field_id(self.f.condition)
        cond = self._unwrap(cond) if cond is not None else None
        if cond is None:
            return None
        if cond.type == "identifier":
            return self.text(cond), "truthy"
        if cond.type == "unary_expression":
            op = cond.child_by_field_id(self.f.operator)
            arg = cond.child_by_field_id(self.f.argument)
            arg = self._unwrap(arg) if arg is not None else None
            if op is not None and op.type == "!" and arg is not None and arg.type == "identifier":
                return self.text(arg), "falsy"
            return None
        if cond.type == "binary_expression":
            op = cond.child_by_field_id(self.f.operator)
            left, right = cond.child_by_field_id(self.f.left), cond.child_by_field_id(self.f.right)
            if op is None or op.type != "===" or left is None or right is None:
                return None
            if left.type in ("true", "false"):
                left, right = right, left
            if left.type == "identifier" and right.type in ("true", "false"):
                return self.text(left), right.type
        return None

    def _param_default(self, fn: ts.Node, name: str) -> tuple[int, str] | None:
        """(position, default) of the plain parameter ``name`` of a function (see
        ``Function.early_exit``), or None when it is none of them."""
        if fn.type == "arrow_function":
            single = fn.child_by_field_id(self.f.parameter)
            if single is not None:
                return (0, "undefined") if single.type == "identifier" and self.text(single) == name else None
        params = fn.child_by_field_id(self.f.parameters)
        if params is None:
            return None
        position = 0
        for p in params.named_children:
            pt = p.type
            if pt == "comment":
                continue
            if pt == "rest_pattern":
                return None
            target, default = p, None
            if pt in ("required_parameter", "optional_parameter"):
                target = p.child_by_field_id(self.f.pattern)
                default = p.child_by_field_id(self.f.value)
            elif pt == "assignment_pattern":
                target, default = p.child_by_field_id(self.f.left), p.child_by_field_id(self.f.right)
            if target is not None and target.type == "this":
                continue  # TypeScript's `this` parameter takes no argument
            if target is not None and target.type == "identifier" and self.text(target) == name:
                return position, _literal_truth(self.text(default, 80) if default is not None else None,
                                                default.type if default is not None else "")
            position += 1
        return None

    def _promise_executors(self, calls: list[ts.Node]) -> set[str]:
        """The functions written as the executor of a ``new Promise(...)``: what they return is
        dropped by the constructor."""
        out: set[str] = set()
        for n in calls:
            if n.type != "new_expression":
                continue
            ctor = n.child_by_field_id(self.f.constructor)
            if ctor is None or self.text(ctor, 40) != "Promise":
                continue
            args = self._arg_nodes(n)
            executor = self._unwrap(args[0]) if args else None
            fid = self.func_ids.get(executor.id) if executor is not None else None
            if fid is not None:
                out.add(fid)
        return out

    def _guarded(self, node: ts.Node, scope: str) -> bool:
        """``node`` sits in the body of a ``try`` (with a ``catch``) of its own function."""
        spans = self.guarded.get(scope)
        if not spans:
            return False
        s, e = node.byte_range
        return any(a <= s and e <= b for a, b in spans)

    def _returned(self, value: ts.Node, scope: str, st: _Settle) -> None:
        """A returned value: a promise returned is waited for by the caller, even from inside a
        ``try`` (which catches only what fails before it returns); ``return await p`` waits in
        place (see the awaits)."""
        st.result_returns += 1
        u = self._unwrap(value) if value.type in WRAPPERS else value
        if u.type in _RETURNED_VALUES:  # most returns: JSX, literals, objects
            st.results = False
            return
        if u.type == "await_expression":
            kind = self._promise_kind(self._unwrap(u, await_too=True))
        else:
            kind = self._settle_expr(u, scope, st, False)
        if kind != "result":
            st.results = False

    def _promise_kind(self, node: ts.Node) -> str:
        """``knowledge.javascript.promise_never_rejects`` for a call node ("" for anything else)."""
        if node.type != "call_expression":
            return ""
        hit = self.callee_cache.get(node.id)
        if hit is None or not (hit[0].endswith("dispatch") or hit[0].startswith("Promise.")):
            return ""  # the knowledge knows only these (most calls: no text to read)
        fn = self.callee_nodes.get(node.id)
        if fn is None:
            return ""
        args = self._arg_nodes(node)
        first = self._unwrap(args[0]) if args else None
        inner = ""
        if first is not None and first.type == "call_expression":
            callee = self.callee_nodes.get(first.id)
            inner = self.text(callee, 200) if callee is not None else ""
        return promise_never_rejects(self.text(fn, 200), len(args), first.type if first is not None else "", inner,
                                     self.text(first, 300) if first is not None and first.type == "call_expression"
                                     else "")

    def _settle_expr(self, node: ts.Node, scope: str, st: _Settle, awaited: bool, depth: int = 0) -> str:
        """Record in ``st`` what the value of ``node`` takes not to fail when the function waits for
        it (``await``) or returns it: the calls whose promises or values must not fail, the calls
        whose callbacks must not fail, or a failure (``st.fail``). Returns "result" / "value" when
        ``node`` is a promise that cannot reject (see ``knowledge.javascript.promise_never_rejects``),
        else ""."""
        if node.type in WRAPPERS_AND_AWAIT:
            node = self._unwrap(node, await_too=True)
        t = node.type
        if depth > 20:
            st.fail = True
            return ""
        if t == "call_expression":
            callee = self.callee_cache[node.id][0] if node.id in self.callee_cache else ""
            fn = self.callee_nodes.get(node.id) if callee.endswith(_CHAIN_METHODS) else None
            f = self._unwrap(fn) if fn is not None else None
            args = self._arg_nodes(node) if f is not None else []
            if f is not None and f.type == "member_expression" and args:
                prop = f.child_by_field_id(self.f.property)
                name = self.text(prop) if prop is not None else ""
                obj = f.child_by_field_id(self.f.object)
                if name == "catch" or (name == "then" and len(args) >= 2):
                    # What `p` rejects with goes to the handler; the callbacks must not fail.
                    self._callbacks(node, args[:2], st)
                    if name == "then" and obj is not None and self._param_reads(self._unwrap(args[0])) > (
                            1 if self._promise_kind(self._unwrap(obj, await_too=True)) == "result" else 0):
                        st.fail = True
                    return "value"
                if name in ("then", "finally") and obj is not None:
                    source = self._settle_expr(obj, scope, st, True, depth + 1)
                    self._callbacks(node, args[:1], st)
                    if name == "then" and self._param_reads(self._unwrap(args[0])) > (1 if source == "result" else 0):
                        st.fail = True  # reads the value a promise that cannot reject may leave empty
                    return "value"
            kind = self._promise_kind(node)
            if kind:
                return kind
            cid = self.call_ids.get(node.id)
            waits = awaited or self.facts.functions[scope].is_async
            if cid is not None and cid in self.kept_ids:
                if returns_no_promise(callee, self._origin(node, scope)):
                    return ""  # `return toast.error(...)`, `return pdf.getPageCount()`: a plain value
                # A function that is not async returns what the call returns: a promise only if
                # the call makes one (see Summaries.settles).
                st.deps.append((cid, "wait" if waits else "value"))
            elif waits:
                st.fail = True  # a promise from a call no rule knows (`await api.load()`)
            return ""  # not kept: `return x.trim()`, a call of a name no rule reads, makes a value
        if t == "new_expression":
            ctor = node.child_by_field_id(self.f.constructor)
            if ctor is None or self.text(ctor, 40) != "Promise":
                return "value"
            args = self._arg_nodes(node)
            executor = self._unwrap(args[0]) if args else None
            # `new Promise((resolve) => setTimeout(resolve, ms))`: no way to reject but a throw
            if executor is not None and executor.type in FUNC_EXPR_TYPES and len(self._params(executor)[0]) <= 1 \
                    and not self._rest_params(executor):
                self._callbacks(node, args[:1], st)
                return "value"
            st.fail = True
            return ""
        if t == "ternary_expression":
            kinds = {self._settle_expr(b, scope, st, awaited, depth + 1) for b in
                     (node.child_by_field_name("consequence"), node.child_by_field_name("alternative"))
                     if b is not None}
            return "result" if kinds == {"result"} else ""
        if t == "binary_expression":
            op = node.child_by_field_id(self.f.operator)
            if op is not None and op.type in ("&&", "||", "??"):
                for side in (node.child_by_field_id(self.f.left), node.child_by_field_id(self.f.right)):
                    if side is not None:
                        self._settle_expr(side, scope, st, awaited, depth + 1)
                return ""
        if awaited:
            st.fail = True  # `await p`: a promise made elsewhere
        elif t in NAME_TYPES:
            if not self._holds_value(node, scope):
                st.fail = True  # `return this.pending`: may hold a promise
        elif t not in PLAIN_VALUE_TYPES:
            st.fail = True  # anything else: unknown
        return ""

    def _origin(self, call: ts.Node, scope: str) -> str:
        """The callee of the call whose result the receiver of ``call`` (a plain local name) was
        declared from in ``scope``, awaited or not: ``pdf-lib.PDFDocument.load`` for
        ``pdf.getPageCount()`` after ``const pdf = await PDFDocument.load(bytes)``; "" when it is
        not one such name."""
        fn = self.callee_nodes.get(call.id)
        fn = self._unwrap(fn) if fn is not None else None
        if fn is None or fn.type != "member_expression":
            return ""
        recv = fn.child_by_field_id(self.f.object)
        if recv is None or recv.type != "identifier":
            return ""
        values = self._declared_values(scope, self.text(recv))
        if len(values) != 1 or values[0] is None:
            return ""
        v = self._unwrap(values[0], await_too=True)
        hit = self.callee_cache.get(v.id) if v.type in CALL_TYPES else None
        return hit[0] if hit is not None else ""

    def _holds_value(self, node: ts.Node, scope: str, depth: int = 0) -> bool:
        """A returned name or field is no promise: the value a ``.then`` callback is given, what
        an ``await`` gives, a name the function declared from one of these or from a plain value
        (``const r = await f()``, ``let total = 0``, ``const items = r.data``), or fields of one.
        ``this.pending``, parameters and names given a call's value may hold a promise."""
        root = self._unwrap(node, await_too=False)
        for _ in range(MAX_CHAIN):
            if root.type not in ("member_expression", "subscript_expression"):
                break
            inner = root.child_by_field_id(self.f.object)
            if inner is None:
                return False
            root = self._unwrap(inner)
        if root.type == "await_expression":
            return True
        if root.type != "identifier" or depth > 8:
            return False
        name = self.text(root)
        if scope in self.then_callbacks and self.facts.functions[scope].params[:1] == [name]:
            return True
        values = self._declared_values(scope, name)
        if not values:
            return False
        for v in values:
            if v is None:
                continue  # `let result;`: assigned further down
            u = self._unwrap(v)
            t = u.type
            if t in DECLARED_VALUE_TYPES:
                continue
            if t == "new_expression":
                ctor = u.child_by_field_id(self.f.constructor)
                if ctor is not None and self.text(ctor, 40) != "Promise":
                    continue
            elif t in ("await_expression", "identifier", "member_expression", "subscript_expression") and (
                    t == "await_expression" or self._holds_value(u, scope, depth + 1)):
                continue
            return False
        return True

    def _declared_values(self, scope: str, name: str) -> list[ts.Node | None]:
        """The values ``name`` is declared with in function ``scope`` (see _holds_value); the
        declarations of the file are indexed by name once, when first needed."""
        if self.declared_values is None:
            index: dict[str, list[tuple[ts.Node, ts.Node | None]]] = {}
            f_name, f_value = self.f.name, self.f.value
            for d in self.settle_caps.get("decl", []):
                target = d.child_by_field_id(f_name)
                if target is None:
                    continue
                if target.type == "identifier":
                    index.setdefault(self.text(target), []).append((d, d.child_by_field_id(f_value)))
                elif target.type == "object_pattern":
                    value = d.child_by_field_id(f_value)
                    for c in target.named_children:
                        if c.type == "shorthand_property_identifier_pattern":
                            index.setdefault(self.text(c), []).append((d, value))
            self.declared_values = index
        return [value for d, value in self.declared_values.get(name, ()) if self._scope(d) == scope]

    def _reads_index(self) -> dict[str, list[ts.Node]]:
        """Name -> the member reads on it (``name.x``) and the declarations that take its value
        under another name (``const d = name``, ``const { x } = name``), in the file; worked out
        once per file, when first needed (see _name_reads)."""
        if self.reads_index is None:
            index: dict[str, list[ts.Node]] = {}
            f_object, f_value = self.f.object, self.f.value
            for m in self.settle_caps.get("access", []):
                obj = m.child_by_field_id(f_object)
                if obj is not None:
                    index.setdefault(self.text(obj), []).append(obj)
            for d in self.settle_caps.get("decl", []):
                v = d.child_by_field_id(f_value)
                if v is not None and v.type == "identifier":
                    index.setdefault(self.text(v), []).append(v)
            self.reads_index = index
        return self.reads_index

    def _rest_params(self, fn: ts.Node) -> bool:
        params = fn.child_by_field_id(self.f.parameters)
        return params is not None and any(c.type == "rest_pattern" for c in params.named_children)

    def _callbacks(self, call: ts.Node, args: list[ts.Node], st: _Settle) -> None:
        """The callbacks of a promise waited for run as part of it: they must not fail. Recorded
        as the call they are passed to (``Summaries.settles`` finds them by ``callback_of``);
        one passed by name must be a handler known not to fail (``.catch(console.error)``)."""
        named_ok = True
        inline = False
        for a in args:
            cb = self._unwrap(a)
            if cb.type in FUNC_EXPR_TYPES and cb.id in self.func_ids:
                inline = True
            elif self.text(cb, 80).replace(" ", "") not in JS_SAFE_HANDLERS:
                named_ok = False
        cid = self.call_ids.get(call.id)
        if not named_ok or (inline and (cid is None or cid not in self.kept_ids)):
            st.fail = True
        elif inline:
            st.deps.append((cid, "callbacks"))

    def _param_reads(self, fn: ts.Node) -> int:
        """``Function.reads_value`` of a callback: how its first parameter is read."""
        if fn.type not in FUNC_EXPR_TYPES:
            return 0
        single = fn.child_by_field_id(self.f.parameter)
        param = single
        if param is None:
            params = fn.child_by_field_id(self.f.parameters)
            first = next((c for c in params.named_children if c.type != "comment"), None) \
                if params is not None else None
            if first is None:
                return 0
            param = first.child_by_field_id(self.f.pattern) if first.type in (
                "required_parameter", "optional_parameter") else first
            if param is None:
                return 2
        if param.type == "assignment_pattern":
            return 2  # a default value: not a plain read
        if param.type != "identifier":
            return self._pattern_reads(param)
        body = fn.child_by_field_id(self.f.body)
        return self._name_reads(self.text(param), body, body.start_byte if body is not None else 0)

    def _pattern_reads(self, pat: ts.Node) -> int:
        """Reads of a destructuring pattern: 1 for fields taken from an object (``{ data, error }``),
        2 for fields of fields (``{ data: { items } }``) or items of an array."""
        if pat.type != "object_pattern":
            return 2
        for c in pat.named_children:
            if c.type == "pair_pattern":
                v = c.child_by_field_id(self.f.value)
                if v is None or v.type != "identifier":
                    return 2
            elif c.type not in ("shorthand_property_identifier_pattern", "comment"):
                return 2
        return 1

    def _name_reads(self, name: str, scope_node: ts.Node | None, start: int) -> int:
        """How ``name`` is read in ``scope_node`` from byte ``start`` on (see ``_param_reads``):
        its member reads and the declarations that take it under another name."""
        if scope_node is None:
            return 0
        end = scope_node.end_byte
        worst = 0
        for ident in self._reads_index().get(name, ()):
            if start <= ident.start_byte < end:
                worst = max(worst, self._read_depth(ident))
                if worst >= 2:
                    return 2
        return worst

    def _read_depth(self, ident: ts.Node) -> int:
        """How the value at ``ident`` is read where it stands (see ``Function.reads_value``)."""
        cur = ident
        parent = cur.parent
        while parent is not None and parent.type in WRAPPERS:
            cur, parent = parent, parent.parent
        if parent is None:
            return 0
        pt = parent.type
        if pt == "variable_declarator" and parent.child_by_field_id(self.f.value) == cur:
            return 2  # kept under another name: its reads are not followed
        if pt not in ("member_expression", "subscript_expression") or parent.child_by_field_id(self.f.object) != cur:
            return 0
        depth = 0 if _optional(parent) else 1
        cur, outer = parent, parent.parent
        while outer is not None and outer.type in WRAPPERS:
            cur, outer = outer, outer.parent
        if outer is None:
            return depth
        ot = outer.type
        if ot in ("member_expression", "subscript_expression") and outer.child_by_field_id(self.f.object) == cur:
            return depth if _optional(outer) else 2
        if ot == "call_expression" and outer.child_by_field_id(self.f.function) == cur:
            return 2  # res.data(): calls what may be missing
        if ot == "variable_declarator" and outer.child_by_field_id(self.f.value) == cur:
            return 2  # const items = res.data: its reads are not followed
        return depth

    def _awaited_reads(self, node: ts.Node, scope: str) -> int:
        """How the value of an ``await`` is read in its function: kept in a name
        (``const r = await f()``, then ``r.data.items``), destructured, or read in place."""
        cur, parent = node, node.parent
        while parent is not None and parent.type in WRAPPERS:
            cur, parent = parent, parent.parent
        if parent is None:
            return 0
        pt = parent.type
        target: ts.Node | None = None
        if pt == "variable_declarator" and parent.child_by_field_id(self.f.value) == cur:
            target = parent.child_by_field_id(self.f.name)
        elif pt == "assignment_expression" and parent.child_by_field_id(self.f.right) == cur:
            target = parent.child_by_field_id(self.f.left)
        if target is None:
            return self._read_depth(node)  # (await f()).data, or not read here
        if target.type != "identifier":
            return self._pattern_reads(target) if target.type in ("object_pattern", "array_pattern") else 2
        fn_node = self.func_nodes.get(scope)
        body = fn_node.child_by_field_id(self.f.body) if fn_node is not None else None
        return self._name_reads(self.text(target), body, parent.end_byte)

    # -- calls ---------------------------------------------------------------
    def _exit_regions(self, exits: list[ts.Node], wanted: set[str | None]
                      ) -> dict[str | None, list[tuple[int, int, tuple[int, int], tuple[int, int] | None]]]:
        """Per function: (start byte, end byte, exit point, bound) of the stretches of code after
        which the function is always left: a ``return`` / ``throw`` and the statements of its block
        before it (``{ await w1(); if (x) { ... } return; }``), or the statement alone when it is
        the whole branch (``if (a) return w1();``). The exit point is the (end line, end column)
        of the statement. Inside a ``try``, the code from its ``catch`` (or ``finally``) on may
        still run after the region: the bound is where that code starts (see ``_exit_bound``),
        None when nothing after the exit runs. Only for the functions in ``wanted`` (those with
        calls: the regions are for them)."""
        out: dict[str | None, list[tuple[int, int, tuple[int, int], tuple[int, int] | None]]] = {}
        for r, scope in zip(exits, self._scopes(exits), strict=True):
            if scope not in wanted or scope is None:
                continue
            s, e = r.byte_range
            parent = r.parent
            if parent is not None and parent.type in ("statement_block", "switch_case", "switch_default"):
                s = parent.start_byte
            out.setdefault(scope, []).append((s, e, (r.end_point[0] + 1, r.end_point[1] + 1), self._exit_bound(r)))
        return out

    def _exit_bound(self, r: ts.Node) -> tuple[int, int] | None:
        """Where code that may still run after the exit ``r`` (or after an exception thrown before
        it in its region) starts, as a (line, column): the ``catch`` (else the ``finally``) of the
        innermost ``try`` whose body holds it, or the ``finally`` of one whose handler holds it; an
        exception thrown in a handler without ``finally`` leaves that ``try`` for the next one
        around. None: no ``try`` of the function around it, nothing further down runs."""
        f = self.f
        child, cur = r, r.parent
        while cur is not None and cur.type not in FUNC_TYPES:
            if cur.type == "try_statement":
                body, handler = cur.child_by_field_id(f.body), cur.child_by_field_id(f.handler)
                final = cur.child_by_field_name("finalizer")
                if body is not None and child.id == body.id:
                    nxt = handler if handler is not None else final
                    if nxt is not None:
                        return (nxt.start_point[0] + 1, nxt.start_point[1] + 1)
                elif handler is not None and child.id == handler.id and final is not None:
                    return (final.start_point[0] + 1, final.start_point[1] + 1)
            child, cur = cur, cur.parent
        return None

    def _set_exit(self, call: Call, node: ts.Node, scope: str | None) -> None:
        found = self._exits_at(node, scope)
        if found is not None:
            call.exits_at, call.exits_until = found

    def _exits_at(self, node: ts.Node, scope: str | None) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
        """(exit point, bound) of the exit regions (see ``_exit_regions``) around ``node``: the
        innermost one, widened by the regions further out that it runs into, or None."""
        s, e = node.byte_range
        around = sorted((point, bound) for rs, re_, point, bound in self.exit_regions.get(scope, ())
                        if rs <= s and e <= re_)
        return merge_exits(around) if around else None

    def _call(self, node: ts.Node, scope: str | None, handlers: tuple[int, ...],
              loops: tuple[int, ...]) -> None:
        key = node.id
        cid = self.call_ids[key]
        is_new = node.type == "new_expression"
        fn = self.callee_nodes[key]
        callee, inst = self.callee_cache[key]
        awaited_callee = False
        if fn is None:
            text = "?"
        else:
            if fn.type == "await_expression" and fn.named_children:
                awaited_callee = True
                fn = fn.named_children[0]
            s, e = fn.start_byte, fn.end_byte
            if e - s <= 120 and (e <= self.wide_lo or s >= self.wide_hi or self.marked.find(128, s, e) < 0):
                text = self.latin[s:e]  # what text(fn, 120) makes of a short ASCII callee
            else:
                text = self.text(fn, 120)
        snippet = self.snippet(node)
        (sl, sc), (el, ec) = node.start_point, node.end_point
        wide = self.wide_rows
        loc = self.src.loc(node) if wide and (sl in wide or el in wide) else \
            _new_tuple(Loc, (sl + 1, sc + 1, el + 1, ec + 1))  # self.loc(node)
        call = Call(cid, callee, text, snippet.removeprefix("await ") if awaited_callee else snippet, loc, scope)
        # The other fields only when they are not their defaults (keywords cost more).
        if is_new:
            call.is_new = True
        if handlers:
            call.handlers = handlers
        if loops:
            call.loops = loops
        if awaited_callee:
            call.awaited = True
        arg_nodes = self.args_memo[key]
        if arg_nodes:
            args = call.args
            value = self.value
            for a in arg_nodes:
                t = a.type
                if t == "spread_element":
                    args.append(Value("spread", self.text(a, VALUE_TEXT)))
                    continue
                args.append(value(a, scope))
                u = a
                if t in WRAPPERS:
                    u = self._unwrap(a)
                    t = u.type
                if t in FUNC_EXPR_TYPES:
                    fid = self.func_ids.get(u.id)
                    if fid is not None:
                        cb = self.facts.functions[fid]
                        cb.is_callback, cb.callback_of = True, cid
        if fn is not None and fn.type == "parenthesized_expression":
            u = self._unwrap(fn)
            fid = self.func_ids.get(u.id) if u.type in FUNC_EXPR_TYPES else None
            if fid is not None:  # an immediately invoked function expression
                self.facts.functions[fid].invoked_by = cid
        mat = self._materialize(inst, scope) if inst is not None else None
        if mat is not None:
            call.instance_ctor, call.instance = mat
        if fn is not None and callee.endswith(ITERATION_SUFFIXES):
            recv = self._iteration_receiver(fn)
            if recv is not None:
                call.receiver = self._iterable(recv, scope)
        if callee == "require" and not is_new and key not in self.requires_seen:
            spec = self._require_spec(node)
            if spec is not None:
                self.facts.imports.append(Import("", spec, None, call.loc, is_project_spec(spec)))
        # `.catch(cb)` / `.then(ok, cb)` handle rejections of the promise they are chained on.
        f = self._unwrap(fn) if fn is not None and arg_nodes else None
        # The property ends the member expression: only one whose text ends so can be either.
        if f is not None and self.data.endswith((b"catch", b"then"), f.start_byte, f.end_byte) and \
                f.type == "member_expression":
            prop = f.child_by_field_id(self.f.property)
            pname = self.data[prop.start_byte:prop.end_byte] if prop is not None else b""
            if pname == b"catch":
                self._callback_handler(node, prop, arg_nodes[0], scope)
            elif pname == b"then" and len(arg_nodes) >= 2:
                self._callback_handler(node, prop, arg_nodes[1], scope)
        self._context(node, call, key)
        if not is_new and callee.rpartition(".")[2] in JS_FOLLOWED_METHODS:
            uses: set[str] = set()
            self._value_uses(node, scope, uses, 0)
            call.uses = tuple(sorted(uses))
        if self.declared_types and fn is not None:
            rt = self._recv_type(text, node, scope)
            if rt:
                call.recv_type = rt
        self.facts.calls.append(call)

    def _value_uses(self, node: ts.Node, scope: str | None, out: set[str], depth: int) -> None:
        """Add to ``out`` how the value of the expression ``node`` is used (:attr:`Call.uses`);
        kept in a local name, how that name is read further down the function."""
        f = self.f
        cur, parent = node, node.parent
        for _ in range(64):
            if parent is None:
                break
            pt = parent.type
            if pt in WRAPPERS_AND_AWAIT or (
                    pt == "ternary_expression" and parent.child_by_field_id(f.condition) != cur):
                cur, parent = parent, parent.parent
                continue
            if pt == "template_substitution" and parent.parent is not None:
                out.add("text")  # `${v}`: the template's value is followed
                cur, parent = parent.parent, parent.parent.parent
                continue
            if pt == "binary_expression":
                op = parent.child_by_field_id(f.operator)
                o = op.type if op is not None else ""
                if o == "+" or (o in ("||", "??", "&&") and parent.child_by_field_id(f.right) == cur):
                    if o == "+":
                        out.add("text")
                    cur, parent = parent, parent.parent
                    continue
            break
        if parent is None:
            out.add("other")
            return
        pt = parent.type
        if pt == "binary_expression":
            op = parent.child_by_field_id(f.operator)
            o = op.type if op is not None else ""
            out.add("compare" if o in COMPARE_OPS else "cond" if o in ("&&", "||", "??", "!") else "other")
        elif pt == "switch_statement" or (pt == "switch_case" and parent.child_by_field_id(f.value) == cur):
            out.add("compare")
        elif pt == "subscript_expression":
            out.add("key" if parent.child_by_field_id(f.index) == cur else "other")
        elif pt == "computed_property_name":
            out.add("key")
        elif pt == "member_expression" and parent.child_by_field_id(f.object) == cur:
            prop = parent.child_by_field_id(f.property)
            name = self.text(prop) if prop is not None else "?"
            gp = parent.parent
            called = gp is not None and gp.type == "call_expression" and gp.child_by_field_id(f.function) == parent
            out.add(f"call:{name}" if called else f"attr:{name}")
        elif pt == "arguments":
            owner = parent.parent
            fn = owner.child_by_field_id(f.constructor if owner.type == "new_expression" else f.function) \
                if owner is not None else None
            if fn is not None and fn.type == "member_expression":
                fn = fn.child_by_field_id(f.property)
            last = self.text(fn) if fn is not None and fn.type in ("identifier", "property_identifier") else "?"
            index = [c.id for c in parent.named_children if c.type != "comment"].index(cur.id)
            out.add(f"arg:{last}:{index}")
        elif (pt == "variable_declarator" and parent.child_by_field_id(f.value) == cur) or (
                pt == "assignment_expression" and parent.child_by_field_id(f.right) == cur):
            target = parent.child_by_field_id(f.name if pt == "variable_declarator" else f.left)
            if target is not None and target.type == "identifier":
                name = self.text(target)
                out.add(f"var:{name}")
                if depth < 2:
                    self._name_value_uses(name, parent.end_byte, scope, out, depth + 1)
            else:
                out.add("store" if pt == "assignment_expression" else "other")
        elif pt == "return_statement" or (pt == "arrow_function" and parent.child_by_field_id(f.body) == cur):
            out.add("return")
        elif pt == "jsx_expression":
            out.add("display")
        elif pt == "pair" and parent.child_by_field_id(f.value) == cur:
            key = parent.child_by_field_id(f.key)
            out.add(f"prop:{self._key_text(key)}" if key is not None else "other")
        elif pt == "array":
            out.add("item")
        elif pt == "expression_statement":
            out.add("stmt")
        elif pt in STATEMENT_CONDITIONS or (pt == "unary_expression" and self.text(parent).startswith("!")):
            out.add("cond")
        else:
            out.add("other")

    def _name_value_uses(self, name: str, start: int, scope: str | None, out: set[str], depth: int) -> None:
        """:meth:`_value_uses` of each read of the local ``name`` from byte ``start`` to the end of
        the function ``scope`` (the first 32)."""
        body = self.func_nodes.get(scope) if scope is not None else self.root
        if body is None or self.root is None:
            return
        pattern = re.compile(rb"(?<![\w$])" + re.escape(name.encode()) + rb"(?![\w$])")
        for n, m in enumerate(pattern.finditer(self.data, start, body.end_byte)):
            if n >= 32:
                out.add("other")
                return
            pos = m.start()
            ident = self.root.descendant_for_byte_range(pos, m.end())
            if ident is None or ident.start_byte != pos:
                continue  # in a string or a comment, or part of a longer name
            if ident.type == "shorthand_property_identifier":
                out.add(f"prop:{name}")
            elif ident.type == "identifier":
                p = ident.parent
                if p is not None and ((p.type == "variable_declarator" and p.child_by_field_id(self.f.name) == ident)
                                      or (p.type == "assignment_expression" and
                                          p.child_by_field_id(self.f.left) == ident)):
                    continue  # assigned anew
                self._value_uses(ident, scope, out, depth)

    def _iteration_receiver(self, fn: ts.Node) -> ts.Node | None:
        """The object an iteration method is called on: ``["a", "b"]`` in ``["a", "b"].forEach``."""
        f = self._unwrap(fn)
        if f.type != "member_expression":
            return None
        prop = f.child_by_field_id(self.f.property)
        if prop is None or self.text(prop) not in kdb.ITERATION_METHODS:
            return None
        return f.child_by_field_id(self.f.object)

    def _link_nested_args(self, node: ts.Node, cid: int, awaited: bool) -> None:
        """The links of ``run`` for the calls in an array or spread argument (``Promise.all([a(), b()])``)."""
        stack = [(node, awaited)]
        while stack:
            a, awaited = stack.pop()
            aw, a = self._unwrap_await(a)
            awaited = awaited or aw
            if a.type in CALL_TYPES:
                self.arg_links[a.id] = (cid, awaited)
            elif a.type == "array":
                stack.extend((x, awaited) for x in reversed(a.named_children[:MAX_ITEMS]))
            elif a.type == "spread_element" and a.named_children:
                stack.append((a.named_children[0], awaited))

    def _unwrap_await(self, node: ts.Node) -> tuple[bool, ts.Node]:
        """The expression inside wrappers and ``await``s, and whether an ``await`` was among them."""
        if node.type not in WRAPPERS_AND_AWAIT:
            return False, node  # most expressions wrap nothing
        awaited = False
        for _ in range(MAX_CHAIN):
            t = node.type
            if t == "await_expression":
                awaited = True
            elif t not in WRAPPERS:
                break
            kids = [c for c in node.named_children if c.type != "comment"]
            if not kids:
                break
            node = kids[-1] if t == "type_assertion" else kids[0]
        return awaited, node

    def _context(self, node: ts.Node, call: Call, key: int) -> None:
        """How the value of a call is used (``key`` is the call node's id)."""
        chain: list[str] = []
        cur = node
        f = self.f
        # Along the chain `x().then(...).catch(...)` by the links, then up the tree.
        link = self.chain_links.get(key)
        while link is not None:  # at most MAX_CHAIN_MEMBERS times
            if len(chain) >= MAX_CHAIN_MEMBERS:  # a pathological chain: its use is unknown
                call.chain, call.outer_context, call.context = tuple(chain), "other", "chain"
                return
            name, outer, awaited = link
            chain.append(name)
            call.awaited = call.awaited or awaited
            if name == "catch" or (name == "then" and len(self._arg_nodes(outer)) >= 2):
                call.catch_chained = True
            cur = outer
            link = self.chain_links.get(cur.id)
        arg = self.arg_links.get(cur.id if cur is not node else key)
        if arg is not None:
            call.arg_of = arg[0]
            call.awaited = call.awaited or arg[1]
            call.chain = tuple(chain)
            if chain:
                call.outer_context, call.context = "arg", "chain"
            else:
                call.context = "arg"
            return
        parent = cur.parent
        for _ in range(MAX_CHAIN):
            if parent is None:
                break
            pt = parent.type
            if pt in WRAPPERS:
                cur, parent = parent, parent.parent
                continue
            if pt == "member_expression" and parent.child_by_field_id(f.object) == cur:
                if len(chain) >= MAX_CHAIN_MEMBERS:
                    parent = None  # a pathological chain: stop here, its use is unknown
                    break
                prop = parent.child_by_field_id(f.property)
                name = self.text(prop) if prop is not None else "?"
                chain.append(name)
                gp = parent.parent
                if gp is not None and gp.type == "call_expression" and \
                        gp.child_by_field_id(f.function) == parent:
                    if name == "catch" or (name == "then" and len(self._arg_nodes(gp)) >= 2):
                        call.catch_chained = True
                    cur, parent = gp, gp.parent
                else:
                    cur, parent = parent, gp
                continue
            if pt == "await_expression":
                call.awaited = True
                cur, parent = parent, parent.parent
                continue
            if pt == "ternary_expression" and parent.child_by_field_id(f.condition) != cur:
                cur, parent = parent, parent.parent  # a branch: its value is the ternary's value
                continue
            if pt == "binary_expression" and parent.child_by_field_id(f.right) == cur:
                op = parent.child_by_field_id(f.operator)
                if op is not None and op.type in ("&&", "||", "??"):
                    cur, parent = parent, parent.parent  # `a ?? b()`: b()'s value is the expression's
                    continue
            break
        if chain:
            call.chain = tuple(chain)
        ctx = "other"
        if parent is not None:
            pt = parent.type
            if pt == "expression_statement":
                ctx = "await" if call.awaited else "stmt"
            elif pt == "return_statement" or (
                    pt == "arrow_function" and parent.child_by_field_id(f.body) == cur):
                ctx = "return"
            elif pt == "variable_declarator" and parent.child_by_field_id(f.value) == cur:
                ctx = "assign"
                name = parent.child_by_field_id(f.name)
                if name is not None and name.type == "identifier":
                    call.assigned_to = self.text(name)
            elif pt in ("assignment_expression", "augmented_assignment_expression") and \
                    parent.child_by_field_id(f.right) == cur:
                ctx = "assign"
                left = parent.child_by_field_id(f.left)
                if left is not None and left.type == "identifier":
                    call.assigned_to = self.text(left)
            elif pt in ("arguments", "array", "spread_element"):
                outer = parent
                for _ in range(MAX_CHAIN):
                    if outer is None or outer.type not in ("array", "spread_element", *WRAPPERS):
                        break
                    outer = outer.parent
                if outer is not None and outer.type == "arguments":
                    ctx = "arg"
                    owner = outer.parent
                    if owner is not None:
                        call.arg_of = self.call_ids.get(owner.id)
            elif pt == "unary_expression":
                op = parent.child_by_field_id(f.operator)
                if op is not None and op.type == "void":
                    ctx = "void"
                elif op is not None and op.type == "!":
                    ctx = "condition"
            elif pt in STATEMENT_CONDITIONS or pt == "ternary_expression" or (
                    pt == "for_statement" and parent.child_by_field_id(f.condition) == cur):
                ctx = "condition"
            elif pt == "binary_expression":
                op = parent.child_by_field_id(f.operator)
                if op is not None and op.type in CONDITION_OPS:
                    ctx = "condition"
            elif pt in ("template_substitution", "jsx_expression"):
                ctx = "display"  # `${x()}` / {x()}: the value is shown, as text
        if chain:
            call.outer_context, call.context = ctx, "chain"
        else:
            call.context = ctx

    def _intervals(self, tries: list[ts.Node], loops: list[ts.Node], ifs: list[ts.Node],
                   switches: list[ts.Node]) -> list[tuple[int, int, bool | None, int]]:
        """(start, end, kind, id) of try bodies (kind True, handler id), repeating loop parts
        (False, loop id) and branches (None, an index into ``branch_of``, which holds the
        (if or switch number, branch) pair: 0 then, 1 else; for a switch, the run of cases
        that fall through into each other up to one that ends in break/return/throw; for a try
        with a catch, 0 its body and 1 the catch). Ifs, switches and tries are numbered in file
        order, not by offset: a comment edited above must not change the facts."""
        out: list[tuple[int, int, bool | None, int]] = []
        branch_of = self.branch_of

        def branch(start: int, end: int, number: int, n: int) -> None:
            out.append((start, end, None, len(branch_of)))
            branch_of.append((number, n))

        arms = self.facts.literal_arms
        for number, n in enumerate(ifs):
            for n_branch, field in ((0, "consequence"), (1, "alternative")):
                part = n.child_by_field_name(field)
                if part is not None:
                    branch(part.start_byte, part.end_byte, number, n_branch)
                    cond = n.child_by_field_id(self.f.condition) if n_branch == 0 else None
                    names = self._literal_names(cond) if cond is not None else set()
                    if names:
                        arms[(number, n_branch)] = tuple(sorted(names))
        for number, sw in enumerate(switches, start=len(ifs)):
            body = sw.child_by_field_id(self.f.body)
            cases = [c for c in body.named_children if c.type in ("switch_case", "switch_default")] \
                if body is not None else []
            group = 0  # cases that fall through into the next run with it: one branch
            subject = sw.child_by_field_id(self.f.value)
            subject = self._unwrap(subject) if subject is not None else None
            literal = subject is not None and subject.type == "identifier"
            for case in cases:
                branch(case.start_byte, case.end_byte, number, group)
                value = case.child_by_field_id(self.f.value) if case.type == "switch_case" else None
                literal = literal and value is not None and self._literal_operand(value)
                if _ends_in_jump(case):
                    if literal:  # every case of the run compares the subject with a literal
                        arms[(number, group)] = (self.text(subject),)  # type: ignore[arg-type]
                    group += 1
                    literal = subject is not None and subject.type == "identifier"
        for number, t in enumerate(sorted(tries, key=lambda t: t.start_byte), start=len(ifs) + len(switches)):
            body, h = t.child_by_field_id(self.f.body), t.child_by_field_id(self.f.handler)
            if body is not None and h is not None and h.id in self.handler_ids:
                s, e = body.byte_range
                out.append((s, e, True, self.handler_ids[h.id]))
                # A catch runs instead of the rest of the try body: the body is branch 0, the
                # catch 1 (only for TXN001's "never both run"; a catch may still follow a part of
                # the body that ran), as for Python's try / except.
                branch(s, e, number, 0)
                branch(h.start_byte, h.end_byte, number, 1)
        for n in loops:
            s, e = n.byte_range
            # The iterable of a for-of and the initialiser of a for run once; the rest repeats.
            first = n.child_by_field_name("right" if n.type == "for_in_statement" else "initializer") \
                if n.type in ("for_in_statement", "for_statement") else None
            if first is not None:
                s = first.end_byte
            lid = self.loop_ids.setdefault(n.id, len(self.loop_ids))
            out.append((s, e, False, lid))
            # Loop facts (n-plus-one): what is iterated, or the condition of a while / do loop.
            cond = first if n.type == "for_in_statement" else n.child_by_field_id(self.f.condition)
            left = n.child_by_field_id(self.f.left) if n.type == "for_in_statement" else None
            targets = tuple(self.text(left, 80).replace("{", " ").replace("}", " ").replace("[", " ").replace(
                "]", " ").replace(",", " ").split()) if left is not None else ()
            scope = self._scope(n)
            it: Value | None = None
            if cond is not None:
                # What a for-of / for-in goes over, as any other value is summarised (an array
                # literal, a name, a call), so that the n-plus-one rule can tell a loop over a
                # few fixed elements; the condition of a while / for(;;) as text only.
                it = self._iterable(cond, scope) if n.type == "for_in_statement" else \
                    Value("other", self.text(cond, 80))
            step: str | None = None
            if n.type == "for_statement":
                inc = n.child_by_field_name("increment")
                step = self.text(inc, 80) if inc is not None else ""
            self.facts.loops.append(Loop(lid, "for" if n.type == "for_in_statement" else "while",
                                         self.loc(n), scope, tuple(t for t in targets
                                                                   if t not in ("const", "let", "var")), it,
                                         step=step))
        out.sort(key=lambda iv: (iv[0], -iv[1]))
        return out

    def _enums(self, root: ts.Node) -> None:
        """The module-level TS enums of the file (``enum Plan { Free, Pro }``, also exported), as
        the array of their member names: what ``Object.values(Plan)`` / ``for (k in Plan)`` go over."""
        for st in root.named_children:
            decl = st.child_by_field_id(self.f.declaration) if st.type == "export_statement" else st
            if decl is None or decl.type != "enum_declaration":
                continue
            name, body = decl.child_by_field_id(self.f.name), decl.child_by_field_id(self.f.body)
            if name is None or body is None:
                continue
            members = [c.child_by_field_id(self.f.name) or c if c.type == "enum_assignment" else c
                       for c in body.named_children if c.type in ("property_identifier", "enum_assignment", "string")]
            self.enums[self.text(name)] = Value("array", self.text(name),
                                                items=[Value("str", "", self.text(m, 80)) for m in members])

    def _iterable(self, node: ts.Node, scope: str | None) -> Value:
        """The value a loop or an iteration method (``xs.forEach(cb)``) goes over, with the
        source text for messages. A name keeps its reference only when it surely names a
        module-level ``const`` of the file or an import (no parameter or local declaration of
        an enclosing function shadows it): ``Project.module_constant`` follows such a name to
        the literal it is bound to. Any other name (a local variable) has no reference."""
        node = self._unwrap(node)
        if node.type == "call_expression":  # Object.values(Plan), Object.keys(KINDS): as many as Plan has
            fn, args = node.child_by_field_id(self.f.function), node.child_by_field_id(self.f.arguments)
            arg = [c for c in args.named_children if c.type != "comment"] if args is not None else []
            if fn is not None and self.text(fn, 40) in ("Object.values", "Object.keys", "Object.entries") and \
                    len(arg) == 1 and arg[0].type == "identifier":
                inner = self._iterable(arg[0], scope)
                if inner.kind == "array" or (inner.kind == "name" and inner.ref):
                    inner.text = self.text(node, 80)
                    return inner
        v = self.value(node, scope)
        v.text = self.text(node, 80)
        if v.kind == "name" and node.type == "identifier" and self.text(node) in self.enums and \
                not self._shadowed(self.text(node), scope):
            enum = self.enums[self.text(node)]
            return Value("array", v.text, items=list(enum.items or ()))
        if v.kind == "name" and node.type == "identifier":
            bound, literal = self._local_literal(self.text(node), scope)
            if literal is not None:  # const keys = ["a", "b"]; for (const k of keys)
                v = self.value(literal, scope)
                v.text = self.text(node, 80)
                return v
            if bound:
                v.ref = None
                return v
        if v.kind == "name":
            name, ref = self.text(node), v.ref or ""
            if ref == name:
                ok = self._module_const(name) and not self._shadowed(name, scope)
            else:
                ok = ref.startswith("import:") and not self._shadowed(name, scope)
            if not ok:
                v.ref = None
        return v

    def _literal_names(self, node: ts.Node, depth: int = 0) -> set[str]:
        """The names a condition holds only when each equals a literal (see
        :attr:`ModuleFacts.literal_arms`): ``kind === "issue"``, ``"issue" == kind``, ``["a",
        "b"].includes(kind)``; through ``&&`` (either side), ``||`` (both sides) and parentheses."""
        if depth > 8:
            return set()
        node = self._unwrap(node)
        t = node.type
        if t == "binary_expression":
            left, right = node.child_by_field_id(self.f.left), node.child_by_field_id(self.f.right)
            op = node.child_by_field_name("operator")
            if left is None or right is None or op is None:
                return set()
            if op.type in ("&&", "||"):
                a, b = self._literal_names(left, depth + 1), self._literal_names(right, depth + 1)
                return a | b if op.type == "&&" else a & b
            if op.type in ("===", "=="):
                left, right = self._unwrap(left), self._unwrap(right)
                if left.type == "identifier" and self._literal_operand(right):
                    return {self.text(left)}
                if right.type == "identifier" and self._literal_operand(left):
                    return {self.text(right)}
            return set()
        if t == "call_expression":  # ["a", "b"].includes(kind)
            fn, args = node.child_by_field_id(self.f.function), node.child_by_field_id(self.f.arguments)
            obj = fn.child_by_field_id(self.f.object) if fn is not None and fn.type == "member_expression" else None
            prop = fn.child_by_field_id(self.f.property) if fn is not None and fn.type == "member_expression" else None
            arg = args.named_children if args is not None else []
            if obj is not None and prop is not None and self.text(prop) == "includes" and len(arg) == 1 and \
                    arg[0].type == "identifier" and obj.type == "array" and obj.named_children and \
                    all(self._literal_operand(c) for c in obj.named_children):
                return {self.text(arg[0])}
        return set()

    def _literal_operand(self, node: ts.Node) -> bool:
        """A literal a value is compared with: a string or template without holes, a number,
        ``true`` / ``false`` / ``null`` / ``undefined``, an enum member or class constant
        (``Kind.Issue``, ``Plan.PRO``) or an UPPER_CASE constant."""
        node = self._unwrap(node)
        t = node.type
        if t in ("string", "number", "true", "false", "null", "undefined"):
            return True
        if t == "template_string":
            return not any(c.type == "template_substitution" for c in node.named_children)
        if t == "unary_expression" and node.named_children and node.named_children[-1].type == "number":
            return True
        if t in ("member_expression", "identifier"):
            return _CONSTANT_NAME.fullmatch(self.text(node, 120)) is not None
        return False

    def _local_literal(self, name: str, scope: str | None) -> tuple[bool, ts.Node | None]:
        """(whether a function around ``scope`` binds ``name`` (a parameter or a declaration), the
        array literal it is bound to when that function declares it once, to an array literal, and
        never changes it: its text has no other assignment of the name, no ``push`` / ``unshift`` /
        ``splice`` / ``pop`` / ``shift`` / ``fill`` / ``copyWithin`` on it, no ``length =`` and no
        element assignment ``name[i] = ...``). The text is searched as a whole: a nested function's
        change of a name of its own counts too (the name is then taken as changed)."""
        cur = scope
        for _ in range(1000):
            fn = self.facts.functions.get(cur) if cur is not None else None
            if fn is None:
                return False, None
            if name in fn.params:
                return True, None
            if (cur, name) in self.declared:
                values = self.local_decls.get((cur, name), [])  # type: ignore[arg-type]
                node = self.func_nodes.get(cur)  # type: ignore[arg-type]
                if len(values) != 1 or values[0] is None or node is None:
                    return True, None
                value = self._unwrap(values[0], await_too=False)
                if value.type != "array" or not any(c.type != "comment" for c in value.named_children):
                    return True, None  # an empty `[]` is filled somewhere, perhaps by a call it is given to
                word = re.escape(name.encode())
                start = node.start_byte
                body = self.data[start:node.end_byte]
                decl = values[0].parent  # the declarator: its own `name = [...]` is no reassignment
                lo, hi = (decl.start_byte - start, decl.end_byte - start) if decl is not None else (0, 0)
                assigned = [m for m in re.finditer(rb"(?<![\w$.])" + word +
                                                   rb"\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|\?\?|&&|\|\|)?=(?![=>])", body)
                            if not lo <= m.start() < hi]
                changed = re.search(rb"(?<![\w$.])" + word + rb"\s*(?:\??\.\s*(?:push|unshift|splice|pop|shift|fill|"
                                    rb"copyWithin|length\s*=(?!=))\b|\[[^\]\n]*\]\s*=(?![=>]))", body)
                return True, value if not assigned and changed is None else None
            cur = fn.parent
        return True, None

    def _module_const(self, name: str) -> bool:
        """A module-level ``const`` declaration of the file binds ``name``."""
        val = self.module_values.get(name)
        decl = val.parent if val is not None else None
        lex = decl.parent if decl is not None else None
        first = lex.child(0) if lex is not None and lex.type == "lexical_declaration" else None
        return first is not None and first.type == "const"

    def _shadowed(self, name: str, scope: str | None) -> bool:
        """A parameter or a local declaration of a function enclosing ``scope`` binds ``name``."""
        cur = scope
        for _ in range(1000):
            fn = self.facts.functions.get(cur) if cur is not None else None
            if fn is None:
                return False
            if (cur, name) in self.declared or name in fn.params:
                return True
            cur = fn.parent
        return True

    # -- assignments ---------------------------------------------------------
    def _decl_assign(self, node: ts.Node, name: ts.Node | None, val: ts.Node | None, scope: str | None) -> None:
        if name is None or val is None or name.type != "identifier":
            return
        if scope is not None:
            if _arith(val):  # const next = row.balance - amount (lost updates, TXN002)
                ident = self.text(name)
                self.facts.assigns.append(Assign(ident, Value("other", self.text(val, 120)), self.loc(node),
                                                 scope, ident))
            return
        ident = self.text(name)
        v = self.module_decl_values[val.id] = self.value(val, None)  # _export reads it again
        self.facts.assigns.append(Assign(ident, v, self.loc(node), None, ident))

    def _unpack(self, node: ts.Node, name: ts.Node, val: ts.Node | None, scope: str) -> None:
        """``const { handler, auth: a } = params`` in a function: see ``ModuleFacts.unpacks``."""
        if val is None or val.type != "identifier":
            return
        source = self.text(val)
        for c in name.named_children:
            key = local = None
            if c.type == "shorthand_property_identifier_pattern":
                key = local = self.text(c)
            elif c.type == "object_assignment_pattern":  # { handler = fallback }
                left = c.child_by_field_id(self.f.left)
                if left is not None and left.type == "shorthand_property_identifier_pattern":
                    key = local = self.text(left)
            elif c.type == "pair_pattern":
                k, v = c.child_by_field_id(self.f.key), c.child_by_field_id(self.f.value)
                if v is not None and v.type == "assignment_pattern":
                    v = v.child_by_field_id(self.f.left)
                if k is not None and v is not None and v.type == "identifier":
                    key, local = self._key_text(k), self.text(v)
            if key is not None and local is not None:
                self.facts.unpacks.append((scope, source, key, local))
                self.unpacked_names.add(local)

    def _assign(self, node: ts.Node) -> None:
        left, right = node.child_by_field_id(self.f.left), node.child_by_field_id(self.f.right)
        if left is None or right is None:
            return
        scope = self._scope(node)
        lt = left.type
        if lt == "identifier":
            if scope is not None:
                if _arith(right):
                    self.facts.assigns.append(Assign(self.text(left), Value("other", self.text(right, 120)),
                                                     self.loc(node), scope, self.text(left)))
                return
            target = self.text(left)
        elif lt in ("member_expression", "subscript_expression"):
            target = self._target(left, scope)
        else:
            return
        val = self.value(right, scope)
        self.facts.assigns.append(Assign(target, val, self.loc(node), scope, self.text(left)[:80]))
        dotted = self._dotted_text(left)
        if dotted == "module.exports":
            if val.kind == "object" and val.keys is not None:
                for k, v in val.keys.items():
                    if k == "...":
                        continue
                    if v.kind == "name" and v.ref == v.text:  # `{ helper }` naming a module variable
                        v = self._export_name(v.text, right)
                    self.facts.exports[k] = self._export_value(v)
            elif right.type == "identifier":
                self.facts.exports["default"] = self._export_name(self.text(right), right)
            else:
                self.facts.exports["default"] = self._export_value(val, right)
        elif dotted is not None and dotted.startswith(("module.exports.", "exports.")):
            key = dotted.split(".", 2)[-1] if dotted.startswith("module.") else dotted.split(".", 1)[1]
            if "." not in key:
                self.facts.exports[key] = self._export_value(val, right)

    def _target(self, left: ts.Node, scope: str | None) -> str:
        obj = left.child_by_field_id(self.f.object)
        prop = left.child_by_field_id(self.f.property)
        if left.type == "member_expression" and obj is not None and prop is not None:
            o = self._unwrap(obj)
            attr = self.text(prop)
            # The binding of an instance itself (`this.http = got.extend()`) stays its own name.
            if o.type == "this":
                cls = self._class_qual(left)
                if cls is not None and (cls, attr) in self.class_instances:
                    return f"this.{attr}"
        elif left.type == "subscript_expression":
            idx = left.child_by_field_id(self.f.index)
            if idx is None or idx.type != "string":
                return self.text(left, 120)
        ref, _ = self.canon(left, scope)
        return ref if not ref.startswith("?") else self.text(left, 120)

    # -- exports -------------------------------------------------------------
    def _export_value(self, v: Value, node: ts.Node | None = None) -> Value:
        if v.kind == "func" and v.func_id is not None:
            return Value("name", v.text, ref=f"local:{v.func_id}")
        if node is not None:
            u = self._unwrap(node)
            if u.type in CLASS_TYPES and u.id in self.class_quals:
                return Value("name", v.text, ref=f"local:{self.class_quals[u.id]}")
            if u.type == "binary_expression":
                # `globalForPrisma.prisma ?? new PrismaClient()`: the instance the module makes.
                made = self._ctor_of(u, None)
                if made is not None and isinstance(made[1], ts.Node):
                    return self.value(made[1], None)
        return v

    def _export_name(self, name: str, node: ts.Node) -> Value:
        """Value of a module-level name exported by ``export { name }`` / ``export default name``."""
        ref, _inst, _mod = self._resolve_name(name, None)
        if ref.startswith(("local:", "import:")) or ref != name:
            return Value("name", name, ref=ref, from_config=is_config_text(ref))
        val = self.module_values.get(name)
        if val is not None:
            return self._export_value(self.value(val, None), val)
        return Value("name", name, ref=ref)

    def _export(self, node: ts.Node) -> None:
        src_n = node.child_by_field_id(self.f.source)
        decl = node.child_by_field_id(self.f.declaration)
        val = node.child_by_field_id(self.f.value)
        is_default = self.data.find(b"default", node.start_byte, node.end_byte) >= 0 and \
            any(c.type == "default" for c in node.children)
        loc = self.loc(node)
        exports = self.facts.exports
        if src_n is not None:
            spec = self.string_value(src_n)
            rel = is_project_spec(spec)
            clause = next((c for c in node.named_children if c.type == "export_clause"), None)
            ns = next((c for c in node.named_children if c.type == "namespace_export"), None)
            if clause is not None:
                for name, exported, s in self._export_specifiers(clause):
                    exports[exported] = Value("name", self.text(s, VALUE_TEXT), ref=self._member_ref(spec, name))
            elif ns is not None:
                ident = next((c for c in ns.named_children if c.type in ("identifier", "string")), None)
                if ident is not None:
                    local = self._key_text(ident)
                    exports[local] = Value("name", self.text(ns), ref=self._module_ref(spec))
                    self.facts.imports.append(Import(local, spec, None, loc, rel))
            else:
                self.facts.imports.append(Import("*", spec, "*", loc, rel))
            return
        if decl is not None:
            t = decl.type
            if t in ("function_declaration", "generator_function_declaration"):
                fid = self.func_ids.get(decl.id)
                if fid is not None:
                    name = self.facts.functions[fid].name
                    exports["default" if is_default else name] = Value("name", name, ref=f"local:{fid}")
            elif t in CLASS_TYPES:
                qual = self.class_quals.get(decl.id)
                if qual is not None:
                    name = qual.rsplit(".", 1)[-1]
                    exports["default" if is_default else name] = Value("name", name, ref=f"local:{qual}")
            elif t in ("enum_declaration", "internal_module", "module"):
                # `export enum Plan {...}`, `export namespace Billing {...}`: values at run time
                # (browser_code tells them from exported types, which leave nothing behind).
                name_n = decl.child_by_field_id(self.f.name)
                if name_n is not None:
                    # an enum as the array of its members (n-plus-one: `Object.values(Plan)` goes over them)
                    members = self.enums.get(self.text(name_n)) if t == "enum_declaration" else None
                    exports[self.text(name_n)] = Value("array", self.text(name_n), items=list(members.items or ())) \
                        if members is not None else Value("other", self.text(name_n))
            elif t in ("lexical_declaration", "variable_declaration"):
                for d in decl.named_children:
                    if d.type != "variable_declarator":
                        continue
                    name_n, v = d.child_by_field_id(self.f.name), d.child_by_field_id(self.f.value)
                    if name_n is None:
                        continue
                    if name_n.type != "identifier":
                        for n in self._pattern_names(name_n):
                            exports[n] = Value("other", n)
                        continue
                    name = self.text(name_n)
                    if v is None:
                        exports[name] = Value("other", name)
                        continue
                    got = self.module_decl_values.get(v.id)  # the value _decl_assign made of it
                    exports[name] = self._export_value(got if got is not None else self.value(v, None), v)
            return
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is not None:
            for name, exported, s in self._export_specifiers(clause):
                exports[exported] = self._export_name(name, s)
            return
        if val is not None and is_default:
            u = self._unwrap(val)
            if u.type == "identifier":
                exports["default"] = self._export_name(self.text(u), u)
            else:
                exports["default"] = self._export_value(self.value(u, None), u)

    def _export_specifiers(self, clause: ts.Node):  # type: ignore[no-untyped-def]
        """(local name, exported name, specifier node) of an ``export { a, b as c }`` clause."""
        for s in clause.named_children:
            if s.type != "export_specifier":
                continue
            name_n, alias_n = s.child_by_field_id(self.f.name), s.child_by_field_id(self.f.alias)
            if name_n is None:
                continue
            name = self._key_text(name_n)
            yield name, (self._key_text(alias_n) if alias_n is not None else name), s

    def _mark_exported(self) -> None:
        funcs = self.facts.functions
        classes: set[str] = set()
        values = list(self.facts.exports.values())
        for v in list(values):  # `export default { async fetch() {} }`: its methods are exported too
            if v.kind == "object" and v.keys:
                values.extend(v.keys.values())
        for v in values:
            if v.kind == "func" and v.func_id in funcs:
                funcs[v.func_id].exported = True
                continue
            ref = v.ref or ""
            if not ref.startswith("local:"):
                continue
            target = ref[6:]
            if target in funcs:
                funcs[target].exported = True
            else:
                classes.add(target)
        if classes:
            for fid, cls in self.method_class.items():
                if cls in classes and not funcs[fid].name.startswith("#"):
                    funcs[fid].exported = True

    # -- accesses ------------------------------------------------------------
    def _accesses(self, found: list[ts.Node]) -> None:
        """Member reads on the names rules follow: a call's result kept in a variable
        (``res.ok``), the first parameter of a callback (``.then((r) => r.json())``), a loop
        variable (``post.author`` in a loop). Reads on other names are not kept."""
        if not self.keep_all_calls:
            wanted = {c.assigned_to.encode() for c in self.facts.calls if c.assigned_to}
            wanted.update(fn.params[0].encode() for fn in self.facts.functions.values()
                          if fn.is_callback and fn.params)
            wanted.update(t.encode() for lp in self.facts.loops for t in lp.targets)
            data = self.data
            kept = []
            for n in found if wanted else ():
                obj = n.child_by_field_id(self.f.object)
                if obj is not None and data[obj.start_byte:obj.end_byte] in wanted:
                    kept.append(n)
            found = kept
        found = _source_order(found)
        for n, scope in zip(found, self._scopes(found), strict=True):
            self._access(n, scope)

    def _access(self, node: ts.Node, scope: str | None) -> None:
        f = self.f
        obj, prop = node.child_by_field_id(f.object), node.child_by_field_id(f.property)
        if obj is None or prop is None:
            return
        parent = node.parent
        is_call = parent is not None and parent.type == "call_expression" and \
            parent.child_by_field_id(f.function) == node
        cond = False
        prev, cur = node, parent
        depth = 0
        while cur is not None and depth < 8:
            t = cur.type
            if t in ACCESS_STOPS:
                break
            if t in STATEMENT_CONDITIONS:
                cond = cur.child_by_field_id(f.value if t == "switch_statement" else f.condition) == prev
                break
            if t == "ternary_expression" or t == "for_statement":
                cond = cur.child_by_field_id(f.condition) == prev
                break
            if t == "binary_expression":
                op = cur.child_by_field_id(f.operator)
                if op is not None and op.type in CONDITION_OPS:
                    cond = True
                    break
            elif t == "unary_expression":
                op = cur.child_by_field_id(f.operator)
                if op is not None and op.type == "!":
                    cond = True
                    break
            prev, cur, depth = cur, cur.parent, depth + 1
        (sl, sc), (el, ec) = node.start_point, node.end_point
        wide = self.wide_rows
        loc = self.src.loc(node) if wide and (sl in wide or el in wide) else \
            _new_tuple(Loc, (sl + 1, sc + 1, el + 1, ec + 1))  # self.loc(node)
        s, e, ps, pe = obj.start_byte, obj.end_byte, prop.start_byte, prop.end_byte
        if e <= self.wide_lo and pe <= self.wide_lo:  # self.text(obj), self.text(prop) of ASCII ones
            name, attr = self.latin[s:e], self.latin[ps:pe]
        else:
            name, attr = self.text(obj), self.text(prop)
        self.facts.accesses.append(Access(name, attr, loc, scope, is_call, cond))


_THROWING = JS_THROWING_CALLS | JS_THROWING_CONSTRUCTORS
_CHAIN_METHODS = ("then", "catch", "finally")  # what a promise is chained with


# React's naming rule for hooks: ``use`` and a capital letter (or digit).
_HOOK_NAME = re.compile(r"use[A-Z0-9][\w$]*")

# What ``if (!p) return <value>;`` may return for Function.early_exit: nothing that can fail.
_LITERAL_RETURNS = frozenset({"string", "number", "true", "false", "null", "undefined"})


def _literal_truth(text: str | None, kind: str) -> str:
    """A parameter's default as ``Function.early_exit`` records it."""
    if text is None:
        return "undefined"
    if kind in ("true", "false", "null", "undefined"):
        return kind
    if kind == "number":
        try:
            return "truthy" if float(text.replace("_", "")) != 0 else "falsy"
        except ValueError:
            return "?"
    if kind == "string":
        return "truthy" if len(text) > 2 else "falsy"
    return "?"


class _Settle:
    """What one function takes to fail, while ``_Extractor._settling`` works it out."""

    __slots__ = ("deps", "fail", "result_returns", "results", "throws")

    def __init__(self) -> None:
        self.fail = False  # its promise may reject, or what it returns may be one that does
        self.throws = False  # it throws outside a try
        self.deps: list[tuple[int, str]] = []  # as in Function.settles
        self.results = True  # every return gives a result object (Function.resolves_result) ...
        self.result_returns = 0  # ... and there is one


# Values returned from a function that are no promise that could reject (the calls in them run,
# and are looked at, as calls).
PLAIN_VALUE_TYPES = frozenset({
    "string", "template_string", "number", "true", "false", "null", "undefined", "object", "array",
    "arrow_function", "function_expression", "function", "jsx_element", "jsx_self_closing_element",
    "jsx_fragment", "unary_expression", "binary_expression", "regex", "update_expression", "class",
    "assignment_expression",
})
# ... those of them that hold nothing else (`a || load()` may be a promise).
_RETURNED_VALUES = PLAIN_VALUE_TYPES - {"binary_expression"}
# Names and fields: a promise or not, depending on what they hold (``_holds_value``).
NAME_TYPES = frozenset({"identifier", "member_expression", "subscript_expression", "this"})
# What a name declared with one of these holds is no promise.
DECLARED_VALUE_TYPES = PLAIN_VALUE_TYPES - {"assignment_expression"}


def _optional(member: ts.Node) -> bool:
    """A member or subscript read with ``?.`` (``res?.data``, ``res.items?.[0]``)."""
    return any(c.type == "optional_chain" for c in member.children)


JUMPS = frozenset({"break_statement", "return_statement", "throw_statement", "continue_statement"})
EXITS = frozenset({"return_statement", "throw_statement"})


def _ends_in_jump(case: ts.Node) -> bool:
    """The switch case ends in break/return/throw/continue (directly or as the last statement
    of a block), so control never falls into the next case."""
    node: ts.Node | None = case
    for _ in range(MAX_CHAIN):
        kids = [c for c in node.named_children if c.type != "comment"] if node is not None else []
        last = kids[-1] if kids else None
        if last is None:
            return False
        if last.type in JUMPS:
            return True
        if last.type != "statement_block":
            return False
        node = last
    return False


def extract(source: bytes, tree: ts.Tree, path: str, language: str = "javascript",
            keep_all_calls: bool = False) -> ModuleFacts:
    """The facts of one file. ``keep_all_calls`` keeps the calls no rule reads too (the front
    end's own tests use it to check call contexts on any name)."""
    ex = _Extractor(source, path, language)
    ex.keep_all_calls = keep_all_calls
    return ex.run(tree)


_CONSTANT_NAME = re.compile(r"(?:[A-Z][\w$]*\.)+[A-Za-z_$][\w$]*|[A-Z][A-Z0-9_]+")
