"""The language-neutral model of one source file: what a front end extracts.

Front ends (``vcx.frontends.python``, ``vcx.frontends.javascript``) turn one syntax tree
into a :class:`ModuleFacts`; every stage after that (link, rules, report) reads only
these facts. They are plain picklable data so they can be computed in worker processes
and cached per file.

Conventions
-----------
* Lines and columns are 1-based; columns count characters of the line.
* ``callee`` is the *canonical* name of what is called after the front end resolved
  imports, aliases and instances in the file:

  - library functions by their import path: ``requests.get``, ``httpx.AsyncClient``,
    ``datetime.datetime.now``, ``axios.get``, ``fetch``, ``node-cron.schedule``;
  - methods of instances created from a library constructor: the constructor's canonical
    name, ``()``, then the method: ``requests.Session().get``,
    ``axios.create().post``, ``httpx.AsyncClient().get``; the constructor call's
    options are in :attr:`Call.instance`;
  - functions and methods of the project: ``local:<qualname>`` for the file's own
    functions (``local:get_user``, ``local:Client.fetch``), ``import:<module>:<name>``
    for names imported from a project module (resolved by the link stage);
  - a bare call of a parameter of the enclosing function or of a function around it (Python:
    ``func(*args)`` in a decorator's wrapper; JS: ``next(err)``): the name as written;
  - anything else: the source text of the callee with ``?`` for the unresolved root
    (``?.items.append``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Loc(NamedTuple):
    """A source span; a named tuple because there is one per fact (cheap to make and pickle)."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(slots=True)
class Value:
    """A summary of an expression used as an argument, option or assigned value.

    ``kind`` is one of: ``str`` (string literal, ``value`` holds it), ``template``
    (f-string / template literal; ``value`` holds the literal text parts joined with
    ``{}`` for holes), ``num`` (``value`` holds a float), ``bool``, ``none`` (None /
    null / undefined), ``name`` (an identifier; ``ref`` is its canonical name when it
    resolves to an import or instance), ``attr`` (member access; ``ref`` likewise),
    ``call`` (``ref`` is the callee's canonical name, ``call_id`` its Call; JS ``new URL(path, base)``:
    ``items`` holds its two arguments; Python ``range(...)``: ``items`` holds its arguments), ``func``
    (lambda / arrow / function expression; ``func_id`` its Function), ``object`` (JS
    object literal / Python dict display with string keys; ``keys`` holds the entries),
    ``array``, ``spread`` (``**kw`` / ``...opts``), ``other`` (for a Python comprehension with
    one ``for`` clause, ``items`` holds what that clause iterates: ``Queue`` in ``{q.value for q
    in Queue}``).
    """

    kind: str
    text: str
    value: str | float | bool | None = None
    ref: str | None = None
    keys: dict[str, Value] | None = None
    items: list[Value] | None = None
    call_id: int | None = None
    func_id: str | None = None
    # True when the expression reads configuration: os.environ / os.getenv /
    # process.env / settings.X / config.x, directly or as the value a fallback belongs to.
    from_config: bool = False

    def key(self, name: str) -> Value | None:
        return self.keys.get(name) if self.keys else None


@dataclass(slots=True)
class Handler:
    """One ``except`` clause or ``catch`` block."""

    id: int
    loc: Loc
    # Canonical names of the caught classes; empty for a bare ``except:`` or a JS catch.
    types: tuple[str, ...]
    catch_all: bool  # bare except / Exception / BaseException / JS catch
    # What the body does: "empty" (pass / ... / nothing but comments), "continue",
    # "reraise" (only re-raises / rethrows what it caught), "handles" (anything else).
    body: str
    func: str | None
    # ``except`` / ``catch`` clause versus a ``.catch(cb)`` callback.
    form: str = "clause"
    # Why an empty handler drops nothing that matters (ERR004), "" when nothing says so:
    # "parse" (JS clauses): the guarded block is synchronous apart from reading a request/response
    # body or a Next.js request-scope API, and parses or decodes a value (``JSON.parse``,
    # ``new URL``, ``decodeURIComponent``, ``await req.json()``), touches browser storage, a style
    # sheet's ``cssRules``, ``Intl`` or ``PerformanceObserver``, the clipboard or
    # ``getRangeAt``, or uses ``cookies()``/``headers()``:
    # an operation whose failure is an expected outcome, not an outage.
    # "default" (clauses): the guarded block only computes values into variables that already hold
    # a default (assigned before the try; JS: or declared without one and tested after the try,
    # or typed to admit undefined / null; JS assignments may sit under an ``if``):
    # the fallback value is assigned before the try instead of in the handler.
    # "log" (clauses): the guarded block only logs or reports an error: a failure there has no
    # channel left to be reported on.
    # "derived" (JS ``.catch`` callbacks): the promise caught is a copy (``p`` or
    # ``p.finally(f)``) of a promise ``p`` the function also awaits or returns.
    # "settles" (JS ``.catch`` callbacks): the promise caught cannot reject, a TanStack Query
    # refresh (``queryClient.invalidateQueries(...)``) without ``throwOnError: true``.
    # "fallback" (clauses): the guarded block only computes values and returns, and the handler
    # falls straight through to a ``return`` (the fallback value).
    # "inert" (JS clauses): the guarded block calls, waits for and throws nothing.
    # "cleanup" (JS): in a ``finally`` block, or in a ``catch`` that rethrows what it caught, the
    # guarded block only releases or closes (``reader.releaseLock()``, ``await db.$disconnect()``;
    # in such a ``catch`` it may also compute and log, awaiting nothing else), or the ``.catch``
    # callback is chained on such a call there.
    guards: str = ""
    # JS clauses with an empty body that no guard covers: the calls its try block awaits, when
    # those are the only things there that can fail (nothing thrown, nothing else awaited), for
    # the rules to judge across modules (ERR004: a mutation whose ``onError`` shows the error, a
    # helper that reports before it rethrows). ``()`` otherwise.
    waits: tuple[int, ...] = ()
    # JS clauses that rethrow (body "reraise"): the statements before the ``throw`` report the
    # error (a toast, ``setError(...)``, a log or error report), so the caller's copy is a
    # duplicate of an error already shown.
    reports: bool = False


@dataclass(slots=True)
class Call:
    id: int
    callee: str
    text: str  # source text of the callee expression (``session.get``)
    snippet: str  # the call, shortened for messages (``requests.get(url)``)
    loc: Loc
    func: str | None  # id of the enclosing Function, None at module level
    args: list[Value] = field(default_factory=list)
    kwargs: dict[str, Value] = field(default_factory=dict)
    # How the result is used: "stmt" (expression statement, result dropped), "await"
    # (awaited; ``parent_context`` tells what happens to the awaited value), "return",
    # "assign", "arg" (argument of another call, ``arg_of`` is that call's id),
    # "void" (JS ``void p``), "chain" (a method is called on the result, see
    # ``chain``), "with" (context manager), "condition", "display" (JS: shown as text in
    # a template literal or JSX, ``${x()}``), "other".
    context: str = "other"
    awaited: bool = False
    assigned_to: str | None = None
    # (Python) Context "with": the ``with`` is an ``async with`` (it enters through ``__aenter__``).
    async_with: bool = False
    arg_of: int | None = None
    # Context "arg" (or a chain whose value is an argument): the keyword it is passed as
    # (``id__in`` in ``filter(id__in=Other.objects.filter(...).values("id"))``); "" when positional.
    keyword: str = ""
    # (Python) Context "assign" (or a chain assigned): the operator the value is combined with
    # before the assignment: an augmented assignment's (``"|="`` in ``pages |= Page.objects.filter(...)``)
    # or the ``|`` / ``&`` / ``^`` it is an operand of (``"|"`` in ``pages = pages | q(...)``); "" for a plain
    # ``x = call()``.
    operator: str = ""
    # (Python) For a lazy query builder (``knowledge.databases.LAZY_QUERYSET_METHODS`` /
    # ``LAZY_SA_QUERY_METHODS``) in a loop whose value is assigned to a plain name: how the enclosing
    # loops use that name outside the assigning statement, anywhere in the outermost enclosing loop of
    # the function (the body of a ``for``; all of a ``while``, whose condition repeats). Each distinct
    # use once, sorted: ``"attr:<a>"`` (``name.a`` read, not called); ``"call:<m>[.<n>...]"``
    # (``name.m(...).n(...)``), followed by ``"@kw:<keyword>"`` / ``"@arg:<callee's last name>"`` when
    # that chain is an argument (``"call:filter@arg:Exists"`` for ``Exists(name.filter(...))``);
    # ``"refine:<m>[.<n>...]"`` (``name = name.m(...)...``: refined into itself); ``"acc"``
    # (``name |= ...``, ``name = name | ...``); ``"use"`` (anything else: iterated, passed, tested,
    # returned ...).
    # Assignments to the name read nothing and are not listed. Empty: never used in the loop.
    reuses: tuple[str, ...] = ()
    # For the calls whose value the timezone rules follow (``knowledge.time.JS_FOLLOWED_METHODS``,
    # ``PY_FOLLOWED_CALLS``: a day name, a parsed or a local "now" datetime): how the function uses
    # that value, each distinct use once, sorted. Where the value itself stands, and, when it is
    # kept in a local name (``const d = x.toDateString()``, ``d = datetime.strptime(...)``), where
    # that name is read after the statement, anywhere in the function (a second name it is kept
    # in is followed too). Template literals, f-strings and string ``+`` are seen through (their
    # value is the one followed). Vocabulary: "compare" (an operand of ``==`` ``===`` ``!=``
    # ``<`` ``<=`` ``>`` ``>=``, Python ``in`` / ``is``; a ``switch`` value or ``case``);
    # "key" (a subscript index ``m[v]``, a computed key ``{[v]: ...}``, a Python dict key);
    # "arg:<callee's last name>:<position>"; "kw:<keyword>" (Python); "call:<method>" (a
    # method called on it; Python adds the keywords it is given: "call:replace:tzinfo");
    # "attr:<name>"; "sub:<name>" / "sub" (Python: an operand of ``-``, with the other operand
    # when it is a plain name); "arith" (another arithmetic operator); "var:<name>" (kept in
    # that name); "prop:<key>" (an object literal's / dict display's value); "store" (assigned
    # to an attribute or subscript); "item" (an array / list / tuple element); "return";
    # "display" (JSX text; Python: ``print``); "text" (put into a string on the way);
    # "cond" (tested for truth); "stmt" (dropped); "other". Python also adds, for each other
    # operand of a comparison or subtraction, "with:aware" / "with:naive" / "with:unknown" (what
    # datetime it is, as far as the front end sees; nothing for a literal or a timedelta), and
    # "guard:tzinfo" for ``if name.tzinfo is None:`` right after the assignment whose body ends by
    # reassigning, returning or raising: the reads in its body are followed, those after it not.
    # A module-level name is followed through the whole module. Empty for other calls.
    uses: tuple[str, ...] = ()
    # Methods called on the result, in order: ``fetch(u).then(r => r.json())`` -> ("then",).
    chain: tuple[str, ...] = ()
    # For a chained call (context "chain"): how the value of the whole chain is used, in the
    # same vocabulary as ``context`` ("stmt" for ``p.then(f);``, "return", "assign", ...).
    outer_context: str = ""
    # Enclosing try handlers in the same function, innermost first (Handler ids).
    handlers: tuple[int, ...] = ()
    # True when the call sits in a ``finally`` / ``try`` body whose try has no handler
    # but the promise is chained with ``.catch(...)`` or ``.then(_, onRejected)``.
    catch_chained: bool = False
    # Constructor options of the instance the method is called on (canonical ctor in
    # ``instance_ctor``), e.g. ``axios.create({timeout: 5000})``.
    instance_ctor: str | None = None
    instance: Value | None = None
    # Names of enclosing loops / iteration callbacks, innermost first (for later rules).
    loops: tuple[int, ...] = ()
    # Whether the call is the argument of ``new`` (JS).
    is_new: bool = False
    # JS/TS: for a call of an iteration method (``xs.forEach(cb)``, ``["a", "b"].map(cb)``), what
    # it goes over, summarised as ``Loop.iter`` is (an array literal, a name with the reference
    # of a module constant or import, a call). None for other calls.
    receiver: Value | None = None
    # Ids of the calls that open the enclosing ``with`` / ``async with`` blocks in the same
    # function, innermost first (``with transaction.atomic():``, ``async with conn.transaction():``).
    withs: tuple[int, ...] = ()
    # The branches of if statements the call sits in, innermost first, as (if id, branch
    # number): two calls in different branches of the same if never both run. The arms of a
    # Python ``match`` and of a JS ``switch`` count as branches too (one per case; JS: the run of
    # cases that fall through into each other).
    branches: tuple[tuple[int, int], ...] = ()
    # Where control leaves the function after this call, when it always does before anything
    # further down runs: the (end line, end column) of the ``return`` / ``throw`` / ``raise``
    # statement that holds the call or follows it in its block (``if (a) { await w1(); return; }``).
    # A call that starts after that point (and before ``exits_until``) never runs after this one.
    # None when unknown.
    exits_at: tuple[int, int] | None = None
    # Inside a ``try``: the (line, column) where the code starts that may still run after this
    # call although it returns or throws (the ``catch`` / ``except`` that an exception thrown
    # before the exit reaches, the ``finally`` that runs after it). None: nothing further down.
    exits_until: tuple[int, int] | None = None
    # JS/TS: a method call ``this.field.m()`` / ``name.m()`` on a receiver whose declared TS type
    # (of the class field, the parameter or the local) is a named type: that name as written
    # (``ISmsProvider``, ``ns.IProvider``), resolved by link to a project class or interface
    # (``vcx.dispatch``). "" otherwise.
    recv_type: str = ""
    # (Python) A call the front end kept only because its receiver is a local assigned from a
    # method of a class-like name (``repo.get_by_email(e)`` after ``repo =
    # Repo.from_session(s)``): link may follow it into the project; nothing else judges it.
    factory: bool = False
    # (Python) The receiver is a parameter typed by an annotation (``def pay(w: Wallet): w.pay()``):
    # at run time it may be an instance of any project subclass of that class, so the call reaches
    # the class's method and the overrides of it (``vcx.dispatch``), not only the one it names.
    virtual: bool = False


def merge_exits(around: list[tuple[tuple[int, int], tuple[int, int] | None]]
                ) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """The (exit point, bound) of a call from those of the exit regions around it, innermost
    (earliest exit) first: the innermost, widened by each region further out whose exit is
    reached before the bound so far (``try { if (a) { w1(); return; } ... } catch { ... } return;``
    keeps the first; a ``return`` after the ``try`` in the same ``try`` body widens it)."""
    point, bound = around[0]
    for p, b in around[1:]:
        if bound is None or p > bound:
            break
        bound = None if b is None else max(bound, b)
    return point, bound


def exclusive(a: Call, b: Call) -> bool:
    """The two calls never both run, ``a`` written before ``b``: they sit in different branches
    of the same if, or ``a`` returns or throws before ``b`` is reached."""
    if a.exits_at is not None and (b.loc.line, b.loc.col) > a.exits_at and (
            a.exits_until is None or (b.loc.line, b.loc.col) < a.exits_until):
        return True  # `a` returns or throws before `b` is reached
    if not a.branches or not b.branches:
        return False
    taken = dict(a.branches)
    return any(if_id in taken and taken[if_id] != n for if_id, n in b.branches)


@dataclass(slots=True)
class Function:
    id: str  # qualname, unique in the module: "Client.fetch", "main.<locals>.step", "<arrow@12:5>"
    name: str
    loc: Loc
    is_async: bool = False
    params: list[str] = field(default_factory=list)
    decorators: list[Value] = field(default_factory=list)
    exported: bool = False
    class_name: str | None = None
    parent: str | None = None  # enclosing function id
    is_callback: bool = False  # anonymous function passed as an argument
    callback_of: int | None = None  # the Call it is an argument of
    # JS: a function expression called where it is written, ``(async () => { ... })()``: that
    # Call. Its callee stays unresolved ("?"), as for any call of an expression, so the call is
    # no call of a project function in the call graph; ERR001 follows the function's rejection
    # through it.
    invoked_by: int | None = None
    # JS/TS: whether a call of the function, and waiting for what it returns, can fail (throw,
    # or give a promise that rejects). None: its own code can (a ``throw``, an ``await`` or a
    # returned value that may reject, outside a ``try`` with a ``catch``; a parse that throws on
    # bad input), or it was not analysed (Python). Otherwise what else it takes, as (call id,
    # how): "wait", the promise of the call is waited for (awaited, returned by an async
    # function, chained on with ``.then``/``.finally``) and must not reject; "value", the
    # call's value is returned by a function that is not async (a promise, if it is one, is
    # the caller's to wait for); "callbacks", the functions passed to the call run as part of a
    # promise waited for (``.then(cb)``, ``.catch(handler)``, ``new Promise(executor)``) and
    # must not fail. The calls it makes outside any ``try`` must not throw either (read from
    # ``Call.handlers``). ``()``: nothing more. Summarised over the project by
    # ``Summaries.settles``.
    settles: tuple[tuple[int, str], ...] | None = None
    # JS/TS: its own code throws outside a ``try`` (a ``throw``, a parse of bad input), which a
    # caller that is not async sees as a synchronous exception.
    throws: bool = False
    # JS/TS, a ``.then(cb)`` callback: how it reads the value the promise resolves to (its first
    # parameter): 0 not at all (or only tests it, passes it on, or reads it with ``?.``), 1 reads
    # a field of it (``res.error``, ``({ data }) =>``), 2 reads a field of a field without ``?.``
    # or keeps it or a field of it under another name (``res.data.items``, ``const d = res.data``).
    reads_value: int = 0
    # JS/TS: every way out of the function returns a promise that resolves to an object, never
    # undefined, so reading one field of what it gives cannot throw: a request's result object
    # (RTK Query's ``dispatch(api.endpoints.x.initiate(args))``: ``{data}`` or ``{error}``), the
    # array ``Promise.allSettled`` gives (``knowledge.javascript.promise_never_rejects``).
    resolves_result: bool = False
    # JS/TS: the function returns (nothing, or a literal) at its start, before anything that can
    # fail, when one parameter has a given value: ``if (!shouldSync) return;`` after statements
    # that neither await, yield nor throw, directly in its body or in the body of a ``try`` at
    # its start. As (position of the parameter, test, default, calls): the test is "falsy"
    # (``!p``), "truthy" (``p``), "false" / "true" (``p === false`` / ``p === true``); the default
    # is "undefined" (none), "true", "false", "null", "truthy", "falsy" (another literal) or "?"
    # (not a literal); calls: the kept calls made before it, which must not throw. A call that
    # passes a literal making the test true settles whatever the rest of the function does
    # (``Summaries.settles_call``).
    early_exit: tuple[int, str, str, tuple[int, ...]] | None = None
    # JS/TS, a React hook of the project (``useX``): the functions of its own it returns, as (key,
    # function id), the key a property name (``return { ...form, save }``) or a position (``return
    # [save, state]`` -> "0"); a function it declares or wraps in ``useCallback`` (``const save =
    # useCallback(async () => {...}, deps)``). A caller's ``const { save } = useX()`` /
    # ``const [save] = useX()`` then calls that function (``vcx.link``).
    # Not only hooks: any function whose ``return`` gives an object literal of its own functions
    # (a factory: ``buildClient()`` returning ``{ getProjects() {...} }``). The key "" is a function
    # of its own the function returns itself (``(volume) => async (url, init) => ...``, ``return
    # inner``).
    hook_returns: tuple[tuple[str, str], ...] = ()
    # JS/TS: what a function returns when that is the value of one call of a name: ``return
    # useMemo(() => buildClient(opts), deps)`` / ``return buildClient(opts)`` (an arrow's body alike),
    # the callee as written canonically (``import:../api/client:buildClient``). Link then takes what
    # that function returns under a key (its ``hook_returns``) as this function's too.
    returns_call: str = ""
    # Python: a method annotated to return an instance of its class (``-> Self``, ``-> "Repo"``
    # in ``class Repo``). With a classmethod's ``return cls(...)``, link types what such a
    # factory returns (``repo = OrderRepository.from_session(s)``) as the class it is called on.
    returns_self: bool = False
    # Python: the class the return annotation names, as the front end writes names (``-> Wallet``
    # -> ``import:app.wallets.base:Wallet``; ``Optional[X]`` / ``X | None`` -> ``X``); "" when it
    # names no single class (no annotation, a container, a union). Link types a local assigned
    # from a call of the function (``w = get_funding_source()``, ``b = await self._get_block()``) as
    # an instance of that class when it is the project's (``Project.returned_typed``).
    returns: str = ""
    # Python: the body yields (not in a nested function); JS/TS: a ``function*`` or ``*method``.
    # A call gives a generator (an async generator for an ``async def`` / ``async function*``),
    # which runs as it is iterated, not a coroutine or promise to await.
    generator: bool = False
    # Python, a ``@contextmanager`` / ``@asynccontextmanager`` function: the class of what it yields,
    # as the front end writes names (``yield Connection(...)``, ``yield conn`` after ``conn =
    # Connection(...)``, ``-> AsyncIterator[Connection]``); "" when not one class. Link types the
    # name ``with f() as x`` binds with it.
    yields: str = ""
    # ... and that class is known only from the annotation (no ``yield`` of an instance made there).
    yields_declared: bool = False
    # Python: the classes the function's own ``return X(...)`` statements instantiate (``return
    # PrefectClient(api)``), for link to type ``async with get_client() as c`` when the class's
    # ``__aenter__`` / ``__enter__`` gives the instance itself.
    returns_new: tuple[str, ...] = ()


def argument_for(fn: Function, call: Call, param: str) -> Value | None:
    """The value a call of ``fn`` passes for its parameter ``param`` (by keyword or position;
    ``self.helper(x)`` / ``obj.helper(x)`` pass no ``self``), or None."""
    if param not in fn.params:
        return None
    if param in call.kwargs:
        return call.kwargs[param]
    index = fn.params.index(param)
    if fn.class_name is not None and fn.params[:1] in (["self"], ["cls"]) and "." in call.text:
        index -= 1  # a bound method: its first parameter is the receiver
    return call.args[index] if 0 <= index < len(call.args) and call.args[index].kind != "spread" else None


@dataclass(slots=True)
class Access:
    """A member access on a local name: ``res.ok``, ``resp.json()``, ``r.raise_for_status()``."""

    name: str
    attr: str
    loc: Loc
    func: str | None
    is_call: bool
    # Used in a condition (if / ternary / logical / assert / comparison).
    in_condition: bool = False
    # (Python member reads) The parts of its function that may not run each time the function's
    # code around them does, outermost first: an if / elif / else body
    # (not the condition), a loop body or else clause (not a for loop's iterable), a try body or
    # handler, a match case, a ternary arm, the right operand of ``and`` / ``or``, a
    # comprehension (but not the iterable of its first ``for``), each numbered in its file. A
    # read written before another whose ``arms`` start with its own has run whenever that other
    # one runs (see :func:`runs_before`).
    arms: tuple[int, ...] = ()


def runs_before(a: Access, b: Access) -> bool:
    """``a`` has run, in the same pass through their function, whenever ``b`` runs: ``a`` is
    written first and sits in no part of the code that ``b`` may run without."""
    return a.func == b.func and a.loc < b.loc and b.arms[:len(a.arms)] == a.arms


@dataclass(slots=True)
class Assign:
    """An assignment of a module-level name or of a property: ``axios.defaults.timeout = 5000``."""

    target: str  # canonical when the root resolves, else source text
    value: Value
    loc: Loc
    func: str | None
    text: str = ""  # the target's source text (``reports.defaults.timeout``)
    # Class-body annotation (``author: AuthorOut``, ``tags: Mapped[list[Tag]] = relationship()``):
    # its source text. An annotation without a value is recorded too, with an empty ``other`` value.
    annotation: str = ""


@dataclass(slots=True)
class Loop:
    """A loop whose body repeats: ``for`` / ``while`` / a comprehension (ids as in ``Call.loops``)."""

    id: int
    kind: str  # "for" | "while" | "comprehension"
    loc: Loc
    func: str | None
    targets: tuple[str, ...] = ()  # names bound per iteration (``for a, b in xs`` -> ("a", "b"))
    # What is iterated (``for``/comprehension) or the condition (``while``). A local name that a
    # function around the loop binds once, to a list / tuple / set display (JS: an array literal),
    # and never changes (no reassignment, no ``append`` / ``push`` / ``splice`` ..., no subscript
    # assignment) is summarised as that literal, its text the name (``keys = ["a", "b"]; for k in
    # keys``); any other name a function around binds has no reference: it is a local, not the
    # module-level name it may shadow. JS/TS: a TS ``enum`` of the file is summarised as the array
    # of its member names, and ``Object.values(X)`` / ``Object.keys(X)`` / ``Object.entries(X)`` as
    # what ``X`` is (the array, or the name with its reference), the text the whole call.
    iter: Value | None = None
    # Names bound from the element besides the targets, in source order: those of a nested target
    # pattern (``model``, ``path`` in ``for key, (model, path) in registry.items()``), then those the body
    # assigns from the element (``model = ct.model_class()``, ``if model := ot.model_class():`` in
    # ``for ct in ...``; also from names assigned so before).
    derived: tuple[str, ...] = ()
    # The body ends in an unconditional ``return``/``break``/``raise``: from this line on (after
    # the last statement that may ``continue``) it runs at most once. 0: the whole body repeats.
    once_from: int = 0
    # JS/TS C-style ``for (init; cond; step)`` (kind "while", ``iter`` its condition): the text of
    # its update clause (``i += CHUNK_SIZE``, ``i++``; "" when it has none). None for other loops.
    step: str | None = None


@dataclass(slots=True)
class Return:
    """A ``return`` of a name, an attribute or ``super().m()`` in a function: what a method can give
    back (the serializer classes a ``get_serializer_class()`` chooses from, and when)."""

    func: str
    value: Value
    loc: Loc
    # The conditions of the enclosing ``if`` statements it is returned under, innermost first, as
    # (source text, whether it holds there): ``if a: ... elif b: return X`` -> (("b", True), ("a", False)).
    conditions: tuple[tuple[str, bool], ...] = ()


@dataclass(slots=True)
class ClassInfo:
    # The qualified name in the module, the key of ``ModuleFacts.classes``: ``Book`` for a module-level
    # class, ``BookSerializer.Meta`` for a nested one (every serializer has its own ``Meta``).
    name: str
    loc: Loc
    bases: tuple[str, ...] = ()  # canonical names of the base classes (JS/TS: the base as written)
    # Python: canonical names of the bases written with type arguments (``RepositoryBase[Order]``,
    # ``Generic[T]``), which ``bases`` leaves out; :meth:`vcx.link.Project.method_of` follows them.
    generic_bases: tuple[str, ...] = ()
    # TS: the interfaces a class ``implements``, as written (``ISmsProvider``, ``ns.IProvider``); for
    # an interface (``ModuleFacts.interfaces``) ``bases`` holds the interfaces it ``extends``.
    implements: tuple[str, ...] = ()
    # TS: the methods a class or interface declares without a body: an interface's method
    # signatures (and properties typed as functions), a class's ``abstract`` methods.
    members: tuple[str, ...] = ()
    # TS: the class is declared ``abstract``: only instances of its subclasses run its methods.
    abstract: bool = False


@dataclass(slots=True)
class Import:
    local: str  # name bound in this file
    module: str  # "requests", "./lib/http", ".models", "@/lib/db"
    name: str | None  # imported name; None for the module itself / namespace; "default"
    loc: Loc
    relative: bool = False  # project-relative import (Python leading dots / JS ./ ../)
    type_only: bool = False  # TS `import type` / `import { type X }`: erased, no dependency at run time


@dataclass(slots=True)
class ModuleFacts:
    path: str  # relative to the scan root, "/" separators
    language: str  # "python" | "javascript" | "typescript" | "tsx"
    lines: int
    functions: dict[str, Function] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    handlers: list[Handler] = field(default_factory=list)
    accesses: list[Access] = field(default_factory=list)
    assigns: list[Assign] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    # Name -> Value of what the file exports (JS ``export``, Python module-level names).
    exports: dict[str, Value] = field(default_factory=dict)
    # Names referenced as values, not called (``default=datetime.utcnow``).
    refs: list[tuple[str, Loc, str | None]] = field(default_factory=list)
    # Local names whose value is settled: awaited, returned, yielded or iterated with ``async
    # for`` (Python), as (function id, name, "await" | "return" | "yield" | "iterate"), or a
    # method called on it or the name passed to a
    # call the front end did not keep as a fact ("call"). Tells a promise kept in a variable
    # from a lost one.
    name_uses: list[tuple[str | None, str, str]] = field(default_factory=list)
    # JS: local names a function binds by destructuring one of its names, as (function id, source
    # name, key, local name): ``const { handler, auth: a } = params`` -> (f, "params", "handler",
    # "handler") and (f, "params", "auth", "a"). Tells what ``handler(...)`` calls.
    unpacks: list[tuple[str, str, str, str]] = field(default_factory=list)
    directives: list[str] = field(default_factory=list)  # "use client", "use server"
    # Source lines carrying "vcx: ignore" comments: line -> rule ids (empty = all).
    suppressions: dict[int, tuple[str, ...]] = field(default_factory=dict)
    loops: list[Loop] = field(default_factory=list)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    # TS: the module-level ``interface`` declarations, by name (``ClassInfo.bases``: what they extend;
    # ``members``: the methods they declare). Types only: link resolves ``implements`` clauses and
    # declared types of receivers to them (``vcx.dispatch``).
    interfaces: dict[str, ClassInfo] = field(default_factory=dict)
    returns: list[Return] = field(default_factory=list)
    # Member reads on loop variables (``cart.user`` in ``for cart in carts:``), for NPQ002.
    member_reads: list[Access] = field(default_factory=list)
    has_errors: bool = False  # the tree had ERROR / MISSING nodes
    error_ranges: list[tuple[int, int]] = field(default_factory=list)  # (start_line, end_line)
    # Method calls on a receiver the front end could not resolve that sit in a try of their
    # function (``runner.run_query(q)``, ``self.query_runner.get_schema()`` in ``try: ...
    # except Exception:``), and Python ``self.m()`` / ``cls.m()`` calls of a method the class does
    # not define (inherited), in a try or not: the calls that may reach a project method by
    # dynamic dispatch (ERR001, ``vcx.dispatch``). Kept apart from ``calls``: no other rule reads
    # them and link resolves none of them. Only ``callee`` and ``text`` (both the source text),
    # ``loc``, ``func`` and ``handlers`` are set; ids number this list. Dunder methods and the
    # methods of the built-in containers, strings and loggers are never kept
    # (``knowledge.PY_UNDISPATCHED_METHODS``). JS/TS: ``x.m(...)`` on a local or parameter the front
    # end could not resolve, in a try of its function (``handler.send(opts)``), and ``x.m(...)`` on
    # a local with a declared type that ``calls`` does not keep (``recv_type`` set); the methods of
    # the built-in objects, promises and loggers are never kept (``knowledge.JS_UNDISPATCHED_METHODS``).
    dispatches: list[Call] = field(default_factory=list)
    # Branches (keys as in :attr:`Call.branches`) taken only when some names equal a literal,
    # and those names: the arm of ``if kind == "issue":`` / ``elif kind in ("a", "b"):`` / ``case
    # "issue":`` (Python), ``if (kind === "issue")`` / ``case "issue":`` (JS) -> ("kind",). A
    # literal is a string, a number, a boolean, None/null, an UPPER_CASE constant or an enum member
    # (``Kind.ISSUE``). Conditions joined with ``and`` / ``&&`` constrain what either side does,
    # with ``or`` / ``||`` what both do. An ``else`` / ``default`` arm has no entry.
    literal_arms: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    # (Python) Branches (keys as in :attr:`Call.branches`) that run once, as a one-time
    # initialisation: the body of an ``if`` that tests a flag for being unset (``if not
    # getattr(cls, "_init", False):``, ``if not self.running:``, ``if cls._instance is None:``) and
    # sets that same flag in its body (``cls._init = True``). The kind of flag: "class" (on ``cls``,
    # ``type(self)`` or a class name: once per process), "instance" (on ``self``: once per object),
    # "global" (a name the function declares ``global``). A local name is never one.
    once_arms: dict[tuple[int, int], str] = field(default_factory=dict)
    # TS: module-level type aliases whose type names a constructor the front end knows, as
    # ``_type_ref`` writes it (``type Client = Redis | Cluster`` -> "ioredis"; a project class
    # -> ``import:./repo:UserRepo``): what a field or getter typed with the alias in another
    # module holds (link rewrites such callees).
    type_aliases: dict[str, str] = field(default_factory=dict)
    # (Python) Branches (keys as in :attr:`Call.branches`) taken only when some local names hold
    # nothing, and those names: the body of ``if not row:`` / ``if row is None:`` / ``if
    # len(rows) == 0:`` / ``if not len(rows):`` -> ("row",) / ("rows",); through ``and``.
    empty_arms: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)
    # (Python) Local names assigned a SQL text in a function, as (function id, name, line, the
    # text; a template's holes as ``{}``): ``count_query = f"SELECT COUNT(*) FROM ({query})"``.
    local_sql: list[tuple[str, str, int, str]] = field(default_factory=list)

    def call(self, call_id: int) -> Call:
        return self.calls[call_id]
