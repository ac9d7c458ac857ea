"""error-handling: outbound calls that fail in production."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from vcx.facts import Call, Function, Handler, ModuleFacts, Value
from vcx.findings import Finding
from vcx.knowledge.databases import is_prisma_call
from vcx.knowledge.frameworks import (
    EXPRESS_ASYNC_PATCHES,
    JS_LIBRARY_CALLED_OPTIONS,
    JS_REJECTION_HANDLER_OPTIONS,
    JS_REJECTION_HANDLERS,
    JS_REJECTION_RETURNED_OPTIONS,
    JS_ROUTE_METHODS,
    PY_BOUNDARY_CALLS,
    PY_ROUTE_DECORATORS,
    SAFE_ACTION_CLIENTS,
    SAFE_ACTION_METHODS,
    TRIGGER_CONFIG_CALLS,
    TRIGGER_TASK_CALLS,
)
from vcx.knowledge.javascript import sync_client_method
from vcx.knowledge.network import (
    JS_BODY_ACCESSORS,
    JS_STATUS_CHECKS,
    PY_ASYNC_CLIENT_PREFIXES,
    PY_BODY_ACCESSORS,
    PY_BROAD_EXCEPTIONS,
    PY_STATUS_CHECKS,
    PY_TASK_STARTERS,
    PY_TIME_BOUND_CALLS,
    PY_TIME_BOUND_SCOPES,
    Client,
    network_call,
    network_client,
)
from vcx.knowledge.retry import PY_RETRY_DECORATORS, PY_RETRYING_JOB_DECORATORS
from vcx.link import FuncRef, Project
from vcx.rules import Rule
from vcx.summaries import summaries

NetworkCall = tuple[str, ModuleFacts, Call, Client]


def network_calls(project: Project) -> list[NetworkCall]:
    """The calls of the project through a known network client, in module and call order, but
    a ``fetch`` of a ``blob:`` URL (:func:`_fetches_object_url`). Found once per scan: three
    rules walk them."""
    found = project.derived.get("network_calls")
    if found is None:
        found = project.derived["network_calls"] = [
            (path, mod, call, client) for path, mod in project.modules.items() for call in mod.calls
            if (client := network_call(call)) is not None
            and not (client.library == "fetch" and _fetches_object_url(project, path, mod, call))]
    return found  # type: ignore[return-value]


def _object_url(mod: ModuleFacts, func: str | None, value: Value) -> bool:
    """``value`` is ``URL.createObjectURL(x)``, written there or kept in a name that ``func``
    binds to it."""
    if value.kind == "call":
        return (value.ref or "").endswith("URL.createObjectURL")
    return value.kind == "name" and any(
        c.func == func and c.assigned_to == value.text and c.context == "assign"
        and c.callee.endswith("URL.createObjectURL") for c in mod.calls)


def _fetches_object_url(project: Project, path: str, mod: ModuleFacts, call: Call) -> bool:
    """``fetch(url)`` of a ``blob:`` URL from ``URL.createObjectURL``: it reads a Blob already in
    the page's memory, with no server, status or wait. The URL is the call written as the
    argument, a name the function binds to one, or a parameter of the function that every caller
    in the project (one at least) passes such a URL for."""
    if is_python(mod) or not call.args:
        return False
    url = call.args[0]
    if _object_url(mod, call.func, url):
        return True
    fn = mod.functions.get(call.func) if call.func is not None else None
    if url.kind != "name" or fn is None or url.text not in fn.params or \
            any(a.func == fn.id and a.target == url.text for a in mod.assigns):
        return False
    index = fn.params.index(url.text)
    callers = project.callers_of(FuncRef(path, fn.id))
    return bool(callers) and all(
        index < len(c.args) and _object_url(project.modules[cpath], c.func, c.args[index])
        for cpath, c in callers)


def fn_name(mod: ModuleFacts, func_id: str | None) -> str:
    if func_id is None:
        return "module level"
    fn = mod.functions.get(func_id)
    if fn is None:
        return func_id
    if fn.is_callback:
        if fn.callback_of is not None and fn.callback_of < len(mod.calls):
            outer = mod.calls[fn.callback_of]
            owner = fn_name(mod, outer.func) if outer.func and outer.func != func_id else ""
            where = f" in {owner}" if owner and owner != "module level" else ""
            return f"{_callee_label(outer.text)}(…) callback{where}"
        return "a callback"
    return fn.id.replace(".<locals>", "")


def _callee_label(text: str) -> str:
    """A callee for a message: the arguments of the calls in it elided
    (``uploadFile?.(upload.file, {...}).then`` -> ``uploadFile?.(…).then``)."""
    out: list[str] = []
    depth = 0
    empty = True
    for ch in " ".join(text.split()):
        if ch == "(":
            if depth == 0:
                out.append("(")
                empty = True
            else:
                empty = False
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(")" if empty else "…)")
        elif depth == 0:
            out.append(ch)
        else:
            empty = False
    return "".join(out) + ("…)" if depth else "")


def is_python(mod: ModuleFacts) -> bool:
    return mod.language == "python"


# -- ERR001 support -----------------------------------------------------------------------

def _catches(handler: Handler, client: Client | None, python: bool) -> bool:
    if handler.body == "reraise":
        return False
    if not python or handler.catch_all:
        return True
    return _names_catch(handler.types, client)


def _names_catch(types: tuple[str, ...], client: Client | None) -> bool:
    """One of the Python exception classes ``types`` (canonical names) catches the client's errors
    (``client`` None: those of any network client)."""
    for t in types:
        short = t.rsplit(".", 1)[-1]
        if t in PY_BROAD_EXCEPTIONS or short in PY_BROAD_EXCEPTIONS:
            return True
        if client is None:
            # A project call: any handler naming a client or broad exception family counts.
            if t.startswith(("requests.", "httpx.", "aiohttp.", "urllib", "asyncio.")) or \
                    short.endswith(("RequestException", "HTTPError", "ClientError", "ConnectionError",
                                    "TimeoutError", "Timeout", "URLError", "RequestError")):
                return True
            continue
        if any(t.startswith(p) or t == p.rstrip(".") for p in client.exceptions):
            return True
        if short in ("RequestException", "HTTPError", "ConnectionError", "Timeout", "TimeoutError",
                     "ClientError", "URLError", "RequestError", "TransportError", "TimeoutException"):
            return True
    return False


def handled_here(mod: ModuleFacts, call: Call, client: Client | None, depth: int = 0) -> bool:
    if call.catch_chained or _given_to_rejection_handler(mod, call):
        return True
    python = is_python(mod)
    if any(_catches(mod.handlers[h], client, python) for h in call.handlers if h < len(mod.handlers)):
        return True
    return _aggregated_and_handled(mod, call, client, depth)


PROMISE_COMBINATORS = frozenset({"Promise.all", "Promise.race", "Promise.any", "Promise.allSettled"})


def _aggregated_and_handled(mod: ModuleFacts, call: Call, client: Client | None, depth: int) -> bool:
    """``Promise.all([a(), b()]).then(...).catch(...)``: the rejection of ``a()`` becomes the
    rejection of the combined promise, so a handler of that promise handles it (and
    ``Promise.allSettled`` never rejects). Only an element written in the combinator's
    argument counts (``call.arg_of``), never a promise made earlier and passed by name."""
    context = call.outer_context if call.context == "chain" else call.context
    if depth > 4 or context != "arg" or call.arg_of is None or call.arg_of >= len(mod.calls):
        return False
    combined = mod.calls[call.arg_of]
    if combined.callee not in PROMISE_COMBINATORS:
        return False
    return combined.callee == "Promise.allSettled" or handled_here(mod, combined, client, depth + 1)


def _given_to_rejection_handler(mod: ModuleFacts, call: Call) -> bool:
    """``toast.promise(fetch(url), {...})``: the promise goes to a library call that handles its
    rejection (``knowledge.frameworks.JS_REJECTION_HANDLERS``), written there or kept in a name
    that the same function then passes to it (``const p = fetch(url).then(...); toast.promise(p,
    {...})``)."""
    context = call.outer_context if call.context == "chain" else call.context
    if context == "assign" and call.assigned_to and call.func is not None and not is_python(mod):
        name = call.assigned_to
        return any(c.func == call.func and c.callee in JS_REJECTION_HANDLERS and c.args
                   and c.args[0].kind == "name" and c.args[0].text == name for c in mod.calls)
    if context != "arg" or call.arg_of is None or call.arg_of >= len(mod.calls):
        return False
    return mod.calls[call.arg_of].callee in JS_REJECTION_HANDLERS


_INTERCEPTOR = ".interceptors.response.use"


def _interceptor_covered(project: Project) -> dict[str, set[str]]:
    """Browser-only modules, each with the names by which it calls an axios instance that has a
    project response interceptor that surfaces failures (``client.interceptors.response.use(ok,
    onRejected)``, ``onRejected`` doing more than passing the error on): the module that installs
    it (the instance's own name) and the modules that import the instance from it (the local name
    of the import). ``"axios"``: the interceptor is installed on the default ``axios`` itself.
    Built once per scan."""
    found = project.derived.get("axios_interceptors")
    if found is not None:
        return found  # type: ignore[return-value]
    covered: dict[str, set[str]] = defaultdict(set)
    everywhere = False
    for path, mod in project.modules.items():
        if is_python(mod) or not project.runs_in_browser(path):
            continue
        for call in mod.calls:
            if not call.callee.endswith(_INTERCEPTOR) or not call.callee.startswith("axios") or len(call.args) < 2:
                continue
            handler = _func_value(mod, call.args[1])
            if handler is None or not _surfaces_error(mod, handler):
                continue
            if call.callee == "axios" + _INTERCEPTOR:
                everywhere = True
                continue
            name = call.text[: -len(_INTERCEPTOR)]
            if not name.isidentifier():
                continue
            covered[path].add(name)
            exported = {key for key, v in mod.exports.items()
                        if (key == name and v.kind == "call") or (v.kind == "name" and v.text == name)}
            for other, omod in project.modules.items():
                if other == path or is_python(omod) or not project.runs_in_browser(other):
                    continue
                for imp in omod.imports:
                    if imp.name in exported and project.module_path(other, imp.module) == path:
                        covered[other].add(imp.local)
    if everywhere:
        for path, mod in project.modules.items():
            if not is_python(mod) and project.runs_in_browser(path):
                covered[path].add("axios")
    project.derived["axios_interceptors"] = covered
    return covered


def _surfaces_error(mod: ModuleFacts, fn: Function) -> bool:
    """An interceptor's rejection handler that does something with the error besides passing it on
    (``Promise.reject(err)``, ``throw err``) or printing it to the console: it commits it to a store
    the page shows, raises a toast, redirects, reports it."""
    inside = _inside(mod, fn)
    return any(c.func in inside and c.callee not in ("Promise.reject", "Promise.resolve")
               and not c.callee.startswith("console.") for c in mod.calls)


def _behind_interceptor(project: Project, path: str, call: Call) -> bool:
    """A call through an axios instance (or ``axios``) covered by a project response interceptor
    (:func:`_interceptor_covered`)."""
    names = _interceptor_covered(project).get(path)
    if not names:
        return False
    callee = call.callee
    if callee.startswith("axios.create()"):
        root = call.text.split(".", 1)[0].split("(", 1)[0].strip()
        return root in names
    return callee.startswith("axios.") and "axios" in names


def _safe_action_clients(project: Project) -> set[str]:
    """Names bound to a next-safe-action client: ``createSafeActionClient(...)`` and what
    ``client.use(...)`` derives from one, by name across the project (exports are shared)."""
    values = [(a.target, a.value) for m in project.modules.values() if not is_python(m)
              for a in m.assigns if a.value.kind == "call"]
    values += [(name, v) for m in project.modules.values() if not is_python(m)
               for name, v in m.exports.items() if v.kind == "call"]
    names: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, v in values:
            ref = v.ref or ""
            root = ref.split(".", 1)[0].split("(", 1)[0]
            if name not in names and (ref in SAFE_ACTION_CLIENTS or (root in names and ref.endswith(".use"))):
                names.add(name)
                changed = True
    return names


def _is_safe_action(outer: Call, clients: set[str]) -> bool:
    """``authActionClient.inputSchema(schema).action(async (...) => ...)``."""
    if not clients or outer.callee.rsplit(".", 1)[-1] not in SAFE_ACTION_METHODS:
        return False
    root = outer.text.split(".", 1)[0].split("(", 1)[0].strip()
    return root in clients


def _wrapper_catches(reach: _Reach, path: str, outer: Call, fn: Function, client: Client | None) -> bool:
    """``withCron(async ({ req }) => ...)``: the project function that receives the callback
    calls it only inside a try whose catch handles the error (and does not rethrow it)."""
    project = reach.project
    index = next((i for i, a in enumerate(outer.args) if a.kind == "func" and a.func_id == fn.id), None)
    ref = project.target(path, outer)
    if index is None or ref is None:
        return False
    wrapper = project.modules[ref.path].functions.get(ref.func)
    if wrapper is None or index >= len(wrapper.params):
        return False
    return reach.runs_safely(ref.path, wrapper, _names_of_param(project.modules[ref.path], wrapper, index),
                             client) is True


def _inside(mod: ModuleFacts, fn: Function) -> set[str]:
    """``fn`` and the functions nested in it (the functions it returns or hands on run what it
    was given too)."""
    inside = {fn.id}
    for f in mod.functions.values():  # parents come before their nested functions
        if f.parent in inside:
            inside.add(f.id)
    return inside


def _names_of_param(mod: ModuleFacts, fn: Function, index: int, key: str | None = None) -> set[str]:
    """The names by which ``fn`` reaches what a call passes as its argument ``index`` or, with
    ``key``, as the property ``key`` of the object passed there: ``handler``; ``params.handler``,
    ``handler`` after ``const { handler } = params`` or from a parameter written ``({ handler })``."""
    param = fn.params[index]
    if key is None:
        return {param}
    names = {f"{param}.{key}"}
    if key in fn.params:  # the parameter list destructures the object
        names.add(key)
    inside = _inside(mod, fn)
    names.update(local for f, source, k, local in mod.unpacks if k == key and source == param and f in inside)
    return names


# Every JS callee _Boundaries looks at ends with one of these.
_JS_BOUNDARY_ENDINGS = ("setErrorHandler", "useGlobalFilters", "APP_FILTER", "use")


class _Boundaries:
    """Framework error handlers the project installs (FRAMEWORKS.md / RULES.md ERR001)."""

    def __init__(self, project: Project) -> None:
        self.python: set[str] = set()
        self.fastify = False
        self.koa = False
        self.nest = False
        self.express_error_mw = False
        express_async = any(_major(v) >= 5 for k, v in project.npm_deps.items() if k == "express")
        for mod in project.modules.values():
            if is_python(mod):
                for call in mod.calls:
                    callee = call.callee
                    last = callee[callee.rfind(".") + 1:]
                    if last in PY_BOUNDARY_CALLS and _boundary_catches_all(call):
                        self.python.add(PY_BOUNDARY_CALLS[last])
                continue
            for call in mod.calls:
                if call.callee.endswith(_JS_BOUNDARY_ENDINGS):  # the only callees _js_boundary() acts on
                    self._js_boundary(mod, call)
        for mod in project.modules.values():
            for imp in mod.imports:
                if imp.module in EXPRESS_ASYNC_PATCHES:
                    express_async = True
            for fn in mod.functions.values():
                if fn.decorators and any(d.text.startswith("Catch(") for d in fn.decorators):
                    self.nest = True
            if any(a.target.endswith("handler500") for a in mod.assigns):
                self.python.add("django")
        self.express = self.express_error_mw and express_async

    def _js_boundary(self, mod: ModuleFacts, call: Call) -> None:
        last = call.callee.rsplit(".", 1)[-1]
        if last == "setErrorHandler":
            self.fastify = True
        elif last in ("useGlobalFilters",) or call.callee.endswith("APP_FILTER"):
            self.nest = True
        elif last == "use" and call.args:
            fn = _func_value(mod, call.args[-1])
            if fn is not None and len(fn.params) == 4:
                self.express_error_mw = True
            if fn is not None and len(fn.params) == 2 and _wraps_next(mod, fn):
                self.koa = True

    def covers_js_route(self) -> bool:
        return self.fastify or self.koa or self.express or self.nest


def _major(spec: str) -> int:
    digits = "".join(ch if ch.isdigit() else " " for ch in spec).split()
    return int(digits[0]) if digits else 0


def _boundary_catches_all(call: Call) -> bool:
    if not call.args:
        return True
    first = call.args[0]
    ref = (first.ref or first.text).rsplit(".", 1)[-1]
    return ref in ("Exception", "BaseException", "HTTPError", "RequestException", "ClientError",
                   "HTTPStatusError", "RequestError") or first.text in ("500",)


def _func_value(mod: ModuleFacts, v: Value) -> Function | None:
    if v.func_id and v.func_id in mod.functions:
        return mod.functions[v.func_id]
    if v.ref and v.ref.startswith("local:"):
        return mod.functions.get(v.ref[6:])
    return None


def _wraps_next(mod: ModuleFacts, fn: Function) -> bool:
    """A Koa middleware whose ``await next()`` sits in a try with a catch."""
    for c in mod.calls:
        if c.func == fn.id and c.callee in ("next", fn.params[1] if len(fn.params) > 1 else "next") \
                and c.handlers:
            return True
    return False


def _is_django_view(fn: Function) -> bool:
    params = [p for p in fn.params if p not in ("self", "cls")]
    return bool(params) and params[0] == "request"


def _exception_names(v: Value | None) -> tuple[str, ...]:
    """The canonical names of the exception classes a value names: a class, or a tuple / list of
    classes (``(requests.RequestException, ValueError)``). Empty when it is anything else."""
    if v is None:
        return ()
    if v.kind in ("name", "attr"):
        return (v.ref or v.text,)
    if v.kind == "array" and v.items and all(i.kind in ("name", "attr") for i in v.items):
        return tuple(i.ref or i.text for i in v.items)
    return ()


def _argument(call: Call, keyword: str, position: int) -> Value | None:
    if keyword in call.kwargs:
        return call.kwargs[keyword]
    return call.args[position] if position < len(call.args) and call.args[position].kind != "spread" else None


def _retry_swallows(mod: ModuleFacts, decorator: Value, client: Client | None) -> bool:
    """``@backoff.on_exception(backoff.expo, RequestException, raise_on_giveup=False)``, ``@retry(
    retry_error_callback=...)``: a retry decorator that, on giving up, returns instead of raising the
    client's errors (``knowledge.retry``)."""
    if decorator.kind != "call" or decorator.call_id is None or decorator.call_id >= len(mod.calls):
        return False
    call = mod.calls[decorator.call_id]
    spec = PY_RETRY_DECORATORS.get(call.callee)
    if spec is None:
        return False
    quiet = call.kwargs.get(spec.quiet_kw)
    if quiet is None or quiet.kind == "none" or (
            spec.quiet_value is not None and not (quiet.kind == "bool" and quiet.value is spec.quiet_value)):
        return False
    if spec.finite_wait:
        wait = _argument(call, "wait_gen", 0)
        for ctor, keyword in spec.finite_wait:
            values = call.kwargs.get(keyword)
            if wait is not None and (wait.ref or wait.text) == ctor and values is not None and values.kind != "num":
                return False  # a list of intervals runs out, and backoff then re-raises
    if spec.exceptions_arg is not None:
        return _names_catch(_exception_names(_argument(call, *spec.exceptions_arg)), client)
    predicate = call.kwargs.get(spec.predicate_kw) if spec.predicate_kw else None
    if predicate is None:
        return True  # every exception is retried
    if predicate.kind != "call" or predicate.ref not in spec.exception_predicates or predicate.call_id is None \
            or predicate.call_id >= len(mod.calls):
        return False
    made = mod.calls[predicate.call_id]
    classes = _argument(made, "exception_types", 0)
    return classes is None or _names_catch(_exception_names(classes), client)


def _retried_by_celery(mod: ModuleFacts, fn: Function) -> bool:
    """A Celery task with ``autoretry_for`` retries (and reports) its failures itself; so does a
    Prefect ``@task(retries=N)`` / ``@flow(retries=N)`` with N not a literal 0 or None
    (``knowledge.retry.PY_RETRYING_JOB_DECORATORS``)."""
    for d in fn.decorators:
        if d.kind == "call" and d.call_id is not None and d.call_id < len(mod.calls):
            call = mod.calls[d.call_id]
            if "autoretry_for" in call.kwargs:
                return True
            kw = PY_RETRYING_JOB_DECORATORS.get(call.callee)
            count = call.kwargs.get(kw) if kw is not None else None
            if count is not None and count.kind != "none" and not (count.kind == "num" and not count.value):
                return True
    return False


def _forwards_rejections(project: Project, path: str, mod: ModuleFacts, wrapper: Call) -> bool:
    """``asyncHandler(async (req, res) => ...)``: a wrapper that sends rejections to ``next``."""
    if wrapper.callee.split(".")[0] in EXPRESS_ASYNC_PATCHES:
        return True
    ref = project.target(path, wrapper)
    if ref is None:
        return False
    owner = project.modules[ref.path]
    inside = {ref.func}
    for f in owner.functions.values():  # the wrapper's nested functions too
        if f.parent in inside:
            inside.add(f.id)
    return any(c.func in inside and c.catch_chained for c in owner.calls)


def _is_py_route(fn: Function) -> bool:
    for d in fn.decorators:
        ref = d.ref or d.text
        head = ref.split("(", 1)[0]
        if head.rsplit(".", 1)[-1] in PY_ROUTE_DECORATORS and "." in head:
            return True
    return False


def _is_js_route_callback(mod: ModuleFacts, fn: Function) -> bool:
    if fn.callback_of is None:
        return False
    outer = mod.calls[fn.callback_of]
    last = outer.callee.rsplit(".", 1)[-1]
    return last in JS_ROUTE_METHODS and bool(outer.args) and outer.args[0].kind in ("str", "template")


class _Reach:
    """Follows an unhandled failure from a function to the entry points that call it."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.boundaries = _Boundaries(project)
        self.memo: dict[tuple[str, str], list[str] | None] = {}
        self.safe_actions = _safe_action_clients(project)
        self.trigger_default: bool | None = None  # trigger.config.* retries failed task runs

    def unhandled_path(self, path: str, func_id: str | None, client: Client | None,
                       depth: int = 0) -> list[str] | None:
        """Names from ``func_id`` up to an entry point that lets the error escape, or None."""
        if func_id is None:
            return ["<module>"]
        key = (path, func_id)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # cycles: assume handled while in progress
        result = self._compute(path, func_id, client, depth)
        self.memo[key] = result
        return result

    def _compute(self, path: str, func_id: str, client: Client | None, depth: int) -> list[str] | None:
        mod = self.project.modules[path]
        fn = mod.functions.get(func_id)
        if fn is None or depth > 25:
            return [func_id]
        name = fn_name(mod, func_id)
        if fn.is_callback and fn.callback_of is not None:
            outer = mod.calls[fn.callback_of]
            if handled_here(mod, outer, client):
                return None
            if is_python(mod):
                pass
            elif outer.callee in JS_REJECTION_HANDLERS or _is_safe_action(outer, self.safe_actions) or \
                    _forwards_rejections(self.project, path, mod, outer) or \
                    _wrapper_catches(self, path, outer, fn, client):
                return None
            elif _is_js_route_callback(mod, fn):
                if self.boundaries.covers_js_route():
                    return None
                route = outer.args[0].value if outer.args[0].kind == "str" else outer.args[0].text
                return [f'the route handler of {outer.text}("{route}")']
            if outer.func is None:
                return [f"the callback passed to {outer.text}"]
            rest = self.unhandled_path(path, outer.func, client, depth + 1)
            return None if rest is None else rest
        if is_python(mod) and (_retried_by_celery(mod, fn) or self._decorator_handles(path, mod, fn, client)):
            return None
        if fn.invoked_by is not None and fn.invoked_by < len(mod.calls):
            return self._iife(path, mod, name, mod.calls[fn.invoked_by], client, depth)
        callers = self.project.callers_of(FuncRef(path, func_id))
        senders = self.project.signal_senders.get(FuncRef(path, func_id)) if is_python(mod) else None
        if senders:  # a signal's receiver: `send` raises its error in the sender; `send_robust` catches it
            raised = [s for s in senders if not s[1].text.endswith(".send_robust")]
            if not callers and not raised:
                return None
            callers = [*callers, *raised]
        if fn.class_name is not None and not is_python(mod):
            # JS/TS: `this.m()` / `super.m()` reaching a method a class inherits or overrides, and
            # calls on a receiver of a declared project type (vcx.dispatch), are callers like any
            # other: they reach the method for certain.
            callers = [*callers, *self.project.dispatch().certain(FuncRef(path, func_id))]
        if not callers:
            passed = self.project.passed.get(FuncRef(path, func_id), [])
            given = [(ppath, pcall, index, None) for ppath, pcall, index in passed] + \
                self.project.passed_in_options.get(FuncRef(path, func_id), [])
            if given and all(self._invoked_safely(ppath, pcall, index, client, depth, key)
                             for ppath, pcall, index, key in given):
                return None
            if is_python(mod) and self.boundaries.python and (
                    _is_py_route(fn) or ("django" in self.boundaries.python and _is_django_view(fn))):
                return None
            if not is_python(mod) and self.boundaries.nest and fn.class_name and fn.decorators:
                return None
            dispatched = self._dispatched_path(path, mod, fn, client, depth)
            if dispatched is not False:  # reached by dynamic dispatch: handled, or the chain that is not
                return None if dispatched is None else [name, *dispatched]
            if is_python(mod) and fn.class_name is not None and self._drf_boundary(path, fn):
                return None
            return [name]
        for cpath, ccall in callers:
            cmod = self.project.modules[cpath]
            if handled_here(cmod, ccall, client):
                continue
            rest = self.unhandled_path(cpath, ccall.func, client, depth + 1)
            if rest is not None:
                return [name, *rest]
        return None


    def _decorator_handles(self, path: str, mod: ModuleFacts, fn: Function, client: Client | None) -> bool:
        """A decorator of ``fn`` handles the client's errors for every call of it: a retry decorator
        that swallows them on giving up (``knowledge.retry``), or a project decorator whose wrapper
        calls the function it wraps only inside a try that handles them."""
        for index, d in enumerate(fn.decorators):
            if d.kind == "call":
                if _retry_swallows(mod, d, client):
                    return True
                made = mod.calls[d.call_id] if d.call_id is not None and d.call_id < len(mod.calls) else None
                factory = self.project.target(path, made) if made is not None else None
                decorator = _returned_function(self.project, factory) if factory is not None else None
            else:
                decorator = self.project.decorator_targets.get((path, fn.id, index))
            if decorator is not None and _wrapper_handles(self.project, decorator, client):
                return True
        return False

    def _drf_boundary(self, path: str, fn: Function) -> bool:
        """A method of a DRF view whose class (itself or a project base) overrides
        ``APIView.handle_exception`` with a catch-all handler that answers (``except Exception:
        ... return Response(...)``: it returns a call's value, it does not re-raise): DRF's ``dispatch()`` sends every
        exception the view's handler methods raise there."""
        dispatch = self.project.dispatch()
        cls = dispatch.class_of(path, fn.id)
        owner = dispatch.first_defining(cls, "handle_exception") if cls is not None else None
        if cls is None or owner is None:
            return False
        modules = self.project.modules
        if not any(b.startswith("rest_framework.") for c in dispatch.mro(cls)
                   for b in modules[c[0]].classes[c[1]].bases):
            return False
        method = f"{owner[1]}.handle_exception"
        omod = modules[owner[0]]
        answers = [c.loc for c in omod.calls if c.func == method and c.context == "return"]
        return any(h.func == method and h.catch_all and h.body == "handles" and any(
            (h.loc.line, h.loc.col) <= (a.line, a.col) and (a.end_line, a.end_col) <= (h.loc.end_line, h.loc.end_col)
            for a in answers) for h in omod.handlers)

    def _dispatched_path(self, path: str, mod: ModuleFacts, fn: Function, client: Client | None,
                         depth: int) -> list[str] | bool | None:
        """A Python method nobody calls by name, reached by dynamic dispatch (``vcx.dispatch``):
        None (handled) when there are such calls and each handles the error, or its callers do;
        else the chain from the first that does not, up to the entry point that lets the error
        escape (JS/TS: the calls are guesses by name, never named in a chain). False when no such
        call reaches it. A method the framework calls (a route, a view method taking ``request``)
        is an entry point, whatever else calls a method of that name."""
        if fn.class_name is None or (is_python(mod) and (_is_py_route(fn) or _is_django_view(fn))):
            return False
        ref = FuncRef(path, fn.id)
        calls = self.project.dispatchers_of(ref) if is_python(mod) else self.project.dispatch().guessed(ref)
        if not calls:
            return False
        certain = self.project.dispatch().on_self.get(ref, ()) if is_python(mod) else ()
        for cpath, ccall in calls:
            if handled_here(self.project.modules[cpath], ccall, client):
                continue
            rest = self.unhandled_path(cpath, ccall.func, client, depth + 1)
            if rest is not None:  # named only when the call reaches the method for certain
                return rest if any(c is ccall for _, c in certain) else []
        return None

    def runs_safely(self, path: str, fn: Function, names: set[str], client: Client | None,
                    depth: int = 0) -> bool | None:
        """Whether the project function ``fn`` calls what it holds under ``names`` only where its
        failure is handled: inside a try whose catch handles it, or in a function nested in ``fn``
        whose failures are handled (``useMutation({ mutationFn: (v) => mutationFn(v) })``), itself
        or through the project functions it hands it on to (``execute(handler, req)`` calling
        ``handler`` in a try). None when it neither calls it nor hands it on (nothing is known of
        how it runs)."""
        project = self.project
        mod = project.modules[path]
        inside = _inside(mod, fn)
        found = False
        for c in mod.calls:
            if c.func not in inside:
                continue
            if c.text in names:
                found = True
                if not handled_here(mod, c, client) and (
                        c.func == fn.id or self.unhandled_path(path, c.func, client, depth + 1) is not None):
                    return False
                continue
            for i, a in enumerate(c.args):
                if a.kind == "object" and a.keys and c.callee in JS_REJECTION_HANDLER_OPTIONS and any(
                        v.kind in ("name", "attr") and v.text in names and k in JS_REJECTION_HANDLER_OPTIONS[c.callee]
                        for k, v in a.keys.items()):
                    found = True  # Effect.tryPromise({ try: fn, catch }): the library keeps the rejection
                    continue
                if a.kind not in ("name", "attr") or a.text not in names:
                    continue
                ref = project.target(path, c)
                inner = project.function(ref) if ref is not None else None
                if ref is None and c.callee in JS_REJECTION_HANDLERS and not is_python(mod):
                    found = True  # useSWR(key, fetcher), Effect.tryPromise(fn)
                    continue
                if ref is None or inner is None:
                    continue  # handed to a library: not known to run it
                if inner.class_name is not None and inner.params[:1] in (["self"], ["cls"]) and "." in c.text:
                    i += 1  # a bound method: its first parameter is the receiver
                if ref == FuncRef(path, fn.id) and i < len(inner.params) and inner.params[i].lstrip("*") in names:
                    continue  # hands it back to itself in the same place (a supervisor restarting it)
                found = True
                if depth > 4 or i >= len(inner.params) or self.runs_safely(
                        ref.path, inner, _names_of_param(project.modules[ref.path], inner, i), client,
                        depth + 1) is not True:
                    return False
        return True if found else None

    def _iife(self, path: str, mod: ModuleFacts, name: str, call: Call, client: Client | None,
              depth: int) -> list[str] | None:
        """``(async () => { ... })()``: the function is called where it is written, and its
        rejection goes where that call's promise goes. Awaited, returned or kept (``this.pending =
        (async () => ...)()`` and returned later), it reaches the enclosing function's callers;
        dropped, or handed to a library (``waitUntil(...)``), it escapes there."""
        if handled_here(mod, call, client):
            return None
        context = call.outer_context if call.context == "chain" else call.context
        if context in ("await", "return", "assign") or call.func is None:
            rest = self.unhandled_path(path, call.func, client, depth + 1)
            return None if rest is None else [name, *rest]
        if context == "arg" and call.arg_of is not None and call.arg_of < len(mod.calls):
            return [name, f"the promise passed to {_callee_label(mod.calls[call.arg_of].text)}(…)"]
        return [name]

    def _invoked_safely(self, path: str, call: Call, index: int, client: Client | None, depth: int,
                        key: str | None = None) -> bool:
        """``guarded("job", task)``: the project function ``guarded`` calls its ``task``
        parameter inside a try/catch (or the call that receives the function handles it).
        With ``key``, the function is the property ``key`` of the object passed as argument
        ``index``: ``withWrapper({ handler })``, ``useQuery({ queryKey, queryFn })``."""
        mod = self.project.modules[path]
        target = self.project.target(path, call)
        if target is None:
            # handed to a library: an entry point (a scheduler, a router), unless the library
            # handles the rejection itself (useSWR(key, fetcher), useQuery({ queryFn }))
            if key is None:
                return call.callee in JS_REJECTION_HANDLERS
            if key in JS_REJECTION_HANDLER_OPTIONS.get(call.callee, ()) or \
                    key in JS_LIBRARY_CALLED_OPTIONS.get(call.callee, ()):
                return True
            if key == "run" and call.callee in TRIGGER_TASK_CALLS:
                return self._trigger_retries(call)
            if key in JS_REJECTION_RETURNED_OPTIONS.get(call.callee, ()):  # queryClient.fetchQuery({ queryFn })
                return handled_here(mod, call, client) or \
                    self.unhandled_path(path, call.func, client, depth + 1) is None
            return False
        owner = self.project.modules[target.path]
        fn = owner.functions.get(target.func)
        if fn is None or index >= len(fn.params):
            return False
        safe = self.runs_safely(target.path, fn, _names_of_param(owner, fn, index, key), client, depth)
        if safe is None:
            return False
        if safe:
            return True
        return handled_here(mod, call, client) or self.unhandled_path(path, call.func, client, depth + 1) is None


    def _trigger_retries(self, task: Call) -> bool:
        """A trigger.dev ``task({ run })`` whose failed attempts are retried: by its own
        ``retry`` option, or else by the ``retries.default`` of the project's ``trigger.config.*``."""
        opts = task.args[0] if task.args and task.args[0].kind == "object" else None
        retry = opts.key("retry") if opts is not None else None
        if retry is not None:
            return _retries_on(retry)
        if self.trigger_default is None:
            self.trigger_default = any(
                _retries_on(default)
                for path, mod in self.project.modules.items()
                if path.rpartition("/")[2].startswith("trigger.config.")
                for c in mod.calls if c.callee in TRIGGER_CONFIG_CALLS and c.args and c.args[0].kind == "object"
                if (retries := c.args[0].key("retries")) is not None and retries.kind == "object"
                and (default := retries.key("default")) is not None)
        return self.trigger_default


def _retries_on(retry: Value) -> bool:
    """A trigger.dev retry option that retries: ``maxAttempts`` above 1, or not written (its
    default), or not a literal."""
    if retry.kind != "object":
        return retry.kind not in ("none", "bool")
    attempts = retry.key("maxAttempts")
    return attempts is None or attempts.kind != "num" or float(attempts.value or 0) > 1


def _returned_function(project: Project, ref: FuncRef) -> FuncRef | None:
    """The function nested in ``ref`` that ``ref`` returns by name (``return wrapper``), if one."""
    mod = project.modules.get(ref.path)
    if mod is None:
        return None
    for r in mod.returns:
        if r.func == ref.func and r.value.kind == "name":
            inner = f"{ref.func}.<locals>.{r.value.text}"
            if inner in mod.functions:
                return FuncRef(ref.path, inner)
    return None


def _wrapper_handles(project: Project, decorator: FuncRef, client: Client | None) -> bool:
    """``decorator(func)`` returns a wrapper that calls ``func`` (its first parameter), and every
    such call, in the wrapper or a function nested in it, sits in a try that handles the client's
    errors (not one whose handler only re-raises or catches something else)."""
    owner = project.modules.get(decorator.path)
    fn = owner.functions.get(decorator.func) if owner is not None else None
    if owner is None or fn is None or not is_python(owner):
        return False
    params = fn.params[1:] if fn.class_name is not None and fn.params[:1] in (["self"], ["cls"]) else fn.params
    wrapper = _returned_function(project, decorator)
    if not params or wrapper is None:
        return False
    inside = {wrapper.func}
    for f in owner.functions.values():  # in function order: a nested function comes after its parent
        if f.parent in inside:
            inside.add(f.id)
    invocations = [c for c in owner.calls if c.func in inside and c.callee == params[0] and c.text == params[0]]
    return bool(invocations) and all(handled_here(owner, c, client) for c in invocations)


def _not_caught(mod: ModuleFacts, call: Call) -> str:
    """Why the try/catch around a call, if any, does not handle its failure."""
    handlers = [mod.handlers[h] for h in call.handlers if h < len(mod.handlers)]
    if not handlers:
        return "is not inside a try/catch"
    if any(h.body == "reraise" for h in handlers):
        return "is inside a try/catch that rethrows the error"
    return "is inside a try whose handlers do not catch the client's errors"


class UnhandledNetworkCall(Rule):
    """Finds outbound network calls whose failure is handled nowhere.

    **What it finds.** An HTTP call through a known client (requests, httpx, aiohttp,
    urllib, urllib3; fetch, axios, got, ky, superagent, needle) that is not inside a
    `try` whose handler catches the client's errors, is not chained with `.catch(...)`,
    and whose callers in the project do not handle the error either, up to an entry point
    (a route handler, a job, a function nobody in the project calls).

    **Why it breaks production.** Remote services time out, refuse connections and reset
    sockets every day. An unhandled failure becomes a 500 for the user, a crashed worker,
    or in Node 15+ an unhandled rejection that kills the whole process.

    **Example.**

        def sync_profile(user_id):
            r = requests.get(f"{API}/users/{user_id}", timeout=5)   # ERR001
            return r.json()

    **Use instead.** Catch the client's error where you can do something useful about it
    (retry, fall back, return a clear error), or install a framework error handler
    (FastAPI `exception_handler`, Flask `errorhandler`, Fastify `setErrorHandler`):

        try:
            r = requests.get(f"{API}/users/{user_id}", timeout=5)
            r.raise_for_status()
        except requests.RequestException as exc:
            raise ProfileUnavailable(user_id) from exc

    **Handled by a decorator (Python).** A decorator that wraps a function in a `try` handles the
    errors of every call of it, as a `try` written around each call would. A network call in a
    decorated function, or in a function it calls (through the chain of callers), is handled
    when one of the function's decorators handles the client's error:

    - a project decorator, written `@name`, `@module.name` or as a factory `@name(...)`, whose
      wrapper calls the wrapped function only inside a `try` that handles the error. The wrapper
      is the nested function the decorator returns by name (`return wrapper`); for a factory,
      the one returned by the decorator the factory returns; the wrapped function is the
      decorator's first parameter, called by name (`func(*args, **kwargs)`, awaited or not). Its
      handler is judged like any other: one that catches only `KeyError` / `ValueError`, or
      that logs and re-raises the same error (`raise`), handles nothing, and a wrapper that
      also calls the function outside a `try` (a debug branch) handles nothing either. One that
      returns an error response or a fallback handles the error, and so does one that raises an
      exception of its own (`raise ValidationError(...)`, `raise Unavailable() from exc`): that
      is the fix shown above, done once for many functions. The client's failure becomes an
      error the application defines (DRF answers a `ValidationError` with a 400), no longer an
      unhandled network error; "only re-raises" in the spec means re-raising the same error.
    - a retry decorator whose give-up returns instead of raising (`knowledge.retry`, read from
      the libraries' sources): `backoff.on_exception(wait, exc, raise_on_giveup=False)` for the
      classes `exc` names (the function returns `None` after the last try; by default backoff
      re-raises, and a `backoff.constant` wait given a list of intervals re-raises when the list
      runs out); `tenacity.retry(retry_error_callback=f)` (the function returns `f`'s value) for
      the exceptions its `retry` predicate retries: every exception by default, the classes of
      `retry_if_exception_type(...)`; other predicates are not read. Retrying alone handles
      nothing: `tenacity.retry` without a callback ends by raising `RetryError` (`reraise=True`:
      the last error), `backoff` with the default `raise_on_giveup=True` re-raises it.

    The front end keeps a bare call of a parameter of the enclosing function or of one around
    it (`func(*args)` in the wrapper) with its enclosing handlers for this. The same fact serves
    a function handed to a project helper that calls it (`every_hour(refresh_prices)`, the
    helper calling `task()` in a `try` that handles the error), as it already did in JS.

    Not read: decorator classes, decorators applied by assignment (`f = deco(f)`), wrappers the
    decorator returns through a call (`return update_wrapper(wrapper, func)`), and exception
    classes named through a constant (`RETRYABLE = (...)`): those functions are judged by their
    callers as before.

    **Promise combinators.** A call written in the argument of `Promise.all` / `race` /
    `any` is handled when the combined promise is (`Promise.all([a(), b()]).catch(...)`,
    or awaited in a try); one in `Promise.allSettled(...)` always is (it never rejects).
    A promise made earlier and passed by name is judged where it is made.

    **Callers through dynamic dispatch (Python).** Plugins are called through their base
    class: an executor runs `runner.run_query(q)` in a `try` on whichever runner a data source
    names, and nothing calls `HttpRunner.run_query` by name. A method that nothing in the
    project calls by name, and that is no route and no view method (first parameter `request`:
    the framework calls those), is handled when calls reach it by dispatch and every one of
    them handles the error, itself or through its callers. A call reaches the method `C.m` by
    dispatch when (`vcx.dispatch`):

    - it is `x.m(...)` on a receiver vcx cannot resolve (a parameter, a local,
      `source.runner`, `self.runner`) written inside a `try` of its function, and `m` is
      overridden along `C`'s line: a project ancestor of `C` defines `m` too (`C.m` overrides
      it, or implements a base's `raise NotImplementedError`), or a project subclass of `C`
      does. A method defined once in its hierarchy is reached by name or not at all, so an
      unrelated class's `run_query` is no callee of `runner.run_query()`; or
    - it is `self.m(...)` / `cls.m(...)` in a class `B`: that reaches `m` as `B` defines or
      inherits it, and the overrides of `m` in `B`'s project subclasses (a template method:
      `BaseSQLRunner.get_schema` calling `self._get_tables()` reaches every `_get_tables`).

    - it is `x.m(...)` on a receiver whose class is declared, not made there: a parameter
      annotated `x: B`, or a local assigned from a call of a function or method whose return
      annotation is the project class `B` (`source = get_funding_source()` with `-> Wallet`,
      `block = await self._get_block()` with `-> Webhook`, also `Optional[B]` / `B | None`): it
      reaches `B.m` (for a parameter, as a caller by name) and, as `self.m()` does, the overrides
      of `m` in `B`'s project subclasses, in a `try` or not (the configured subclass is one of
      them). The other rules do not add up what `B.m` does at such a call: the object's own class
      may do something else (an override, a cache); or
    - it is `x.m(...)` on what a registry of project instances gives
      (`job_type_registry.get_by_model(job).run(job)`): the `m` of every class production code
      registers there (`job_type_registry.register(ExportJobType())`), in a `try` or not.

    These last three reach the method for certain (when its object is of one of those classes),
    so a message that follows one names its caller in the chain; the calls on unknown receivers
    in a `try` are guesses by name, and never appear in a message.

    Never dispatch calls: dunder methods and the methods of dicts, lists, sets, strings and
    loggers (`x.get(k)`, `items.append(i)`, `log.error(...)`: on a receiver vcx cannot resolve
    these are a container or a logger, not a plugin).

    Of the calls on unknown receivers only those in a `try` are looked at: such a call can
    clear a finding only by handling the error there, and the front end does not keep the
    unguarded ones (most calls of a code base). So a plugin method whose dynamic callers are
    all unguarded is reported as before, with the same message (a dynamic call never appears
    in a message: vcx cannot be sure it reaches the method). The price: a method called
    dynamically in a `try` in one place and without one in another is taken as handled; the
    guarded call is where the project's framework code runs its plugins. Every guarded call
    must handle the error (a handler that catches only `KeyError` does not), so an unrelated
    call that shares the method's name keeps the finding rather than clearing it.

    **Class inheritance (JS/TS).** `this.get(url)` in a method of `class IssueService extends
    APIService` calls the `get` that `APIService` defines (in the same file or imported, through
    re-exports), and `super.get(url)` the first one up the `extends` chain: those calls are callers
    of the base method like any other, so the base's network call is handled when they handle it
    (or their callers do), and a message that follows them names them in its chain. `this.m()` in
    a class also reaches the `m` of each project subclass that defines one (a template method: a
    base's `tick()` awaiting `this.step()` in a `try`, with `step` declared `abstract` or not at
    all, handles the failures of every subclass's `step`). This is the class-hierarchy index of
    the Python dispatch above (`vcx.dispatch`), over `extends` clauses: calls on `this` / `super`
    reach a method of the class's own line, so they are callers, not guesses. A `function () {}`
    nested in a method, which has a `this` of its own, is taken as the method's.

    **Interfaces and declared types (TS).** A call on a receiver whose declared type is a project
    interface or class (a field `protected provider: ISmsProvider`, a constructor parameter
    property, a parameter `(target: IBatchNotifier)`, a typed local), through imports, re-exports
    and workspace packages, reaches `m` in each project class of that type's line that defines
    it: the class itself (its own or inherited `m`), the classes that `implements` the interface
    or an interface that `extends` it, and their subclasses. Those calls are callers like
    `this.m()`: the value held under the type is an instance of one of them (class-hierarchy
    analysis), so a provider plugin whose `sendMessage` the project runs only as
    `this.provider.sendMessage(...)` has that call, and the callers of the method around it, as
    its callers. A receiver typed by a library's type or by an object type written in place
    reaches nothing.

    **Calls on unknown receivers (TS/JS).** As in Python (condition 1 above): `handler.send(...)`
    inside a `try`, on a local or parameter vcx cannot resolve (`const handler =
    factory.getHandler(...)`), may reach `C.send` when `send` is a plugin method: declared by a
    project interface that `C` implements (directly or through a base), overridden along `C`'s
    line, or defined by an abstract class `C` that has project subclasses (an abstract class is
    never instantiated: its methods run on instances of its subclasses, held under its type). A
    method nobody calls by name or for certain is handled when there are such guarded calls and
    every one handles the error, itself or through its callers. The methods of built-in objects,
    promises, emitters and loggers (`get`, `map`, `then`, `emit`, `error`, ...), and calls on a
    class or namespace (`JSON.parse`) or host object (`console`, `process`), are never such calls.

    **Django REST framework `handle_exception` (Python).** DRF's `APIView.dispatch()` sends every
    exception a handler method (`get`, `post`, `list`, ...) raises to `self.handle_exception(exc)`.
    A view whose class, or a project base view of it, overrides `handle_exception` with a
    catch-all handler that answers (`try: return super().handle_exception(exc)` / `except
    Exception: ...; return Response(..., status=500)`) has an error boundary the project
    installs, like a Django `handler500`: its methods, and the helpers they call, are handled. One
    whose handler only logs and re-raises, or that answers only chosen exceptions and otherwise
    calls `super()`, is none. `REST_FRAMEWORK["EXCEPTION_HANDLER"]` is not read: DRF calls it only
    for its own `APIException`s and `Http404`, and returns a 500 for the rest only if that handler
    chooses to.

    **Bundled assets.** `fetch(new URL("./Inter.ttf", import.meta.url))` is no network call
    (`knowledge.network.network_call`): the bundler (Next.js / Vercel edge functions, webpack 5,
    Vite) resolves a string literal path against exactly `import.meta.url` to a file shipped with
    the deployment, which cannot time out on a remote server or answer with a remote service's
    error. ERR002, ERR003 and the N+1 rules skip it too. `new URL("/v1/x", base)` with any other
    base, or a path that is not a literal, is a remote call.

    **Object URLs.** `fetch(url)` of a `blob:` URL from `URL.createObjectURL(file)` reads a Blob
    already in the page's memory: no server, no HTTP status, nothing to wait for. It is no network
    call for ERR001, ERR002 and ERR003 when the URL is `URL.createObjectURL(...)` written as the
    argument, a name the function binds to one (`const u = URL.createObjectURL(f); fetch(u)`), or
    a parameter of the function for which every caller in the project (one at least) passes such
    a URL (`avatarFromObjectUrl(URL.createObjectURL(file))`). A parameter with no caller in the
    project, or one caller passing anything else, keeps it a request.

    **Browser code behind a central handler.** In a module that runs only in a browser (see
    `vcx.browser_code`), a call through an axios instance on which the project installs a response
    interceptor whose rejection handler does more than pass the error on
    (`client.interceptors.response.use(ok, (err) => { store.commit("notify", ...); return
    Promise.reject(err) })`: it shows the error, redirects to a login, reports it; printing it to
    the console and `Promise.reject` do not count) is covered by that handler, in the file that
    installs it and in the browser modules that import the instance from there; one installed on
    `axios` itself covers `axios.get(...)` in every browser module. That interceptor is a
    single-page app's error boundary, the counterpart of a server's error middleware: the user is
    told once, for every request, and an unhandled rejection in a browser ends no process (it is a
    console message), so a finding per call (dispatch's Vue app had one per API method, most called
    from `.vue` components vcx does not read) reports the same decision a hundred times. A gap in
    the interceptor itself (statuses it passes on silently, a network error it turns into a
    resolved `undefined`) is a defect of that one function, not of each call. Server code never
    counts: there an interceptor that logs does not stop an unhandled rejection from ending the
    process. `Sentry.init`, `app.config.errorHandler` and `unhandledrejection` listeners are not
    taken as boundaries: they record the error but tell the user nothing.

    **Job runners.** A job runner retries a failed job only when the project configures it, and a
    retried job is handled as a Celery task with `autoretry_for` is: trigger.dev `task({ run })`,
    `schemaTask` and `schedules.task` (`@trigger.dev/sdk`, `/v3`) are handled when their failed
    runs are retried: by the task's own `retry` option, or else by `retries.default` in the
    project's `trigger.config.*` (`defineConfig`), with `maxAttempts` above 1 (or not written). A
    task whose retries are off (`retry: { maxAttempts: 1 }`, or neither is configured) only has
    its failure recorded, and is an entry point as a plain Celery task is. Rethrowing in `run` to
    make the runner retry is the idiom, not a missing handler. Prefect's `@task(retries=N)` and
    `@flow(retries=N)` (`prefect.task` / `prefect.flow`, N not a literal 0 or None) are retried
    runs too (`knowledge.retry.PY_RETRYING_JOB_DECORATORS`): the engine reruns a run that raised,
    then records it as Failed; a Prefect task or flow without `retries` is an entry point.

    **Functions handed over.** A function passed to a call, positionally or as a property of an
    object argument (`withApi({ handler })`), is handled when the project function receiving it
    calls it only inside a try whose catch handles the error: as `options.handler(...)`, under a
    name it destructures (`const { handler } = options`, `({ handler }) => ...`), or by handing it
    on to a project function that does (`runGuarded(handler, req)`). A supervisor that restarts
    the function by calling itself again with it (`async def restart_on_error(func): try: await
    func() except Exception: log(); return await restart_on_error(func)`) still calls it only in
    its try: handing the same function back to the same parameter of itself is no other way of
    running it (the spec is silent; decided as a reviewer reads such a wrapper). Handed to a library, it is an
    entry point, unless the library keeps the rejection itself: SWR's fetcher; TanStack Query's
    `queryFn` in `useQuery` / `useInfiniteQuery` / `useSuspenseQuery` (and their positional v3
    forms) and in `queryClient.prefetchQuery`, whose failure becomes the query's `error`; and a
    `useMutation` `mutationFn`, whose failure becomes the mutation's `error` and goes to its
    `onError`. `mutate()` catches it; `mutateAsync()` also returns it to its caller, which is not
    followed through the hook's result: the failure is handled by React Query's error state
    either way, and a dropped `mutateAsync()` promise is a floating promise, not an unhandled
    network failure. `queryClient.fetchQuery` / `ensureQueryData` return the query function's
    rejection to their caller, which must handle it. Effect's `Effect.tryPromise({ try, catch })`
    (and `Effect.tryPromise(f)`) turns a rejection of `try` into the effect's typed failure,
    written there or through a project helper that hands its parameter to it (`tryAsync(() =>
    fetch(u), onError)`); `Effect.promise(f)` does not (it takes the promise never to reject).

    **Functions a library calls.** Some libraries take a function as an option, call it
    themselves and catch its failure (`knowledge.frameworks.JS_LIBRARY_CALLED_OPTIONS`, read from
    their sources): posthog-node's `new PostHog(key, { fetch })` transport (a rejection becomes the
    client's `"error"` event) and the `fetch` of tRPC's `httpLink` / `httpBatchLink` /
    `httpBatchStreamLink` (a rejection becomes the procedure call's `TRPCClientError`). That library
    is a caller that handles the error. The function may be named there or made there by a project
    factory (`{ fetch: meteredFetch(meter) }`, where `meteredFetch` returns an arrow function:
    `Function.hook_returns`). A project function that also calls it is judged as any caller is,
    so an unhandled project caller is still reported, and its chain is the one named. A function
    handed to any other library is an entry point. Not covered: next-auth provider callbacks
    (`userinfo.request` in a provider object a project function returns: no call hands them
    over), openapi-fetch middleware (`client.use({ onRequest })`: its rejection rejects the
    `client.GET(...)` call, which the project's caller must handle).

    **Service objects from hooks and factories.** `const api = useApi()` where the project hook
    returns an object literal of its functions, or returns what a project factory makes
    (`return useMemo(() => buildApiClient(opts), deps)`, `return buildApiClient(opts)`), binds
    `api.getProjects()` to the factory's `getProjects` (`Function.hook_returns`,
    `Function.returns_call`): its callers are the calls of `api.getProjects()` (a React Query
    `queryFn`, a `mutationFn`, a click handler), and `useMutation(api.deleteProject)` hands it over.
    Only a hook's product is followed so: `const api = buildApiClient(); api.get()` and the object
    a non-hook factory returns (`defineJob({...}).dispatch`) stay unresolved, since following them
    makes TXN001 / NPQ001 count what those methods write (a queue publish with a database
    fallback, a rate-limit counter), which needs a judgement of its own first.

    **Promises handed to a library.** `toast.promise(p, { error })` (sonner, react-hot-toast),
    fp-ts `tryCatch`, neverthrow `fromPromise` attach their own rejection handler to the promise
    they are given, written in the call or kept in a name the same function then passes to it
    (`const p = fetch(u).then(...); toast.promise(p, {...})`): the user sees the error. The
    function awaiting `p` afterwards as well gets the rejection again; that second copy is a
    floating-promise matter, not an unhandled network failure.

    **Django signals (Python).** A receiver of a signal the project defines (`sig = Signal()`,
    connected with `@receiver(sig)` or `sig.connect(fn)`) runs inside each `sig.send(...)`
    of production code, which raises what the receiver raises in the sender: those sends are its
    callers (the message names the sender's chain). `sig.send_robust(...)` catches a receiver's
    exception and returns it, so a receiver sent only that way is handled. Django's own signals
    (`post_save`, `request_finished`, ...) are sent by the framework and keep the receiver an
    entry point.

    **Object-literal services and IIFEs.** `this.request(...)` in a method of an object literal
    (`export default { get(u) { return this.request(u) }, request(u) { ... } }`) calls that
    object's method; an async IIFE `(async () => { ... })()` is called where it is written, and
    that call's handling (`.catch`, an `await` in a try, its enclosing function's callers) is the
    IIFE's. A catch that only rethrows (after cleaning up) handles nothing; the message says the
    call is inside a try/catch that rethrows rather than outside any.
    """

    id = "ERR001"
    slug = "unhandled-network-call"
    category = "error-handling"
    severity = "high"
    summary = "Network call whose failure is not handled here or by any caller"
    fix = "Wrap the call in try/except (or .catch) for the client's errors, or handle it in a caller."

    def check(self, project: Project) -> Iterator[Finding]:
        reach = _Reach(project)
        for path, mod, call, client in network_calls(project):
            if handled_here(mod, call, client) or (
                    client.language == "js" and _behind_interceptor(project, path, call)):
                continue
            chain = reach.unhandled_path(path, call.func, client)
            if chain is None:
                continue
            where = fn_name(mod, call.func)
            if len(chain) <= 1:
                why = "no caller in the project handles it" if call.func else "it runs at import time"
                msg = f"`{call.snippet}` in `{where}` {_not_caught(mod, call)} and {why}"
            else:
                msg = (f"`{call.snippet}` in `{where}` is not handled here nor by its callers: "
                       f"{' -> '.join(chain)} lets the error escape")
            yield self.finding(path, call.loc, msg)


class UncheckedResponseStatus(Rule):
    """Finds response bodies read without checking the HTTP status.

    **What it finds.** A `fetch` response (or `ky` with `throwHttpErrors: false`, axios
    with `validateStatus` turned off) whose `.json()` / `.text()` / `.arrayBuffer()` is read
    with no `res.ok` / `res.status` check first; a `requests` / `httpx` response whose
    `.json()` / `.text` / `.content` is used with no `raise_for_status()` and no
    `status_code` / `.ok` check.

    **Why it breaks production.** These clients do not raise on 4xx/5xx. An error page or
    an error JSON from the remote service is then parsed as if it were data: a confusing
    `KeyError` / `undefined` far from the cause, or worse, wrong data stored silently.

    **Example.**

        const res = await fetch(`${BILLING}/invoices/${id}`, { signal });
        const invoice = await res.json();          // ERR002: a 503 page is "an invoice"

    **Use instead.** Check the status before the body:

        if (!res.ok) throw new Error(`billing ${res.status}`);
        const invoice = await res.json();

    **Not reported: the body read first, the status checked next.** Reading the body to get
    the service's error message and then checking the status is the common way to report
    a failure well:

        const data = await res.json();
        if (!res.ok) throw new Error(data.error?.message ?? `billing ${res.status}`);

    The status is checked before the data is trusted, so a status check on the response
    anywhere after the call, before or after the body is read, counts (vcx does not follow
    what the parsed body flows into).

    **Responses from project helpers.** A project function that returns the response unchecked
    (`return fetch(url, init)`, or `const res = await fetch(...); return res` reading nothing on
    it) hands the duty on: the body its callers read is reported at their read. A helper that
    checks the status itself before returning the response — reads `res.ok` / `res.status`, or
    passes `res` to a project function that does (`await this.checkResponseStatus(res); return
    res`, where `checkResponseStatus(r)` throws unless `r.ok`: `Summaries.checks_status`, followed
    through up to three such hand-offs) — returns a checked response, and its callers' reads are
    not reported.
    """

    id = "ERR002"
    slug = "unchecked-response-status"
    category = "error-handling"
    severity = "medium"
    summary = "Response body used without checking the HTTP status"
    fix = "Check the status first (res.ok / raise_for_status()) before reading the body."

    def check(self, project: Project) -> Iterator[Finding]:
        helpers = self._response_helpers(project)
        for path, mod, call, client, helper in self._responses(project, helpers):
            if not helper and not self._status_unchecked_by_client(call, client):
                continue
            python = is_python(mod)
            body = PY_BODY_ACCESSORS if python else JS_BODY_ACCESSORS | ({"data"} if client.raises_on_status
                                                                        else set())
            checks = PY_STATUS_CHECKS if python else JS_STATUS_CHECKS
            if call.chain:
                if call.chain[0] in body:
                    yield self._finding(path, call, call.loc, call.chain[0])
                elif call.chain[0] == "then":
                    hit = self._then_callback_reads_body(mod, call, body, checks)
                    if hit is not None:
                        yield self._finding(path, call, hit.loc, hit.attr)
                continue
            var = call.assigned_to
            if not var:
                continue
            accesses = sorted((a for a in mod.accesses if a.func == call.func and a.name == var
                               and a.loc.line >= call.loc.line), key=lambda a: (a.loc.line, a.loc.col))
            passed_on = any(c.func == call.func and c.loc.line >= call.loc.line and c.id != call.id and
                            any(v.kind == "name" and v.text == var for v in (*c.args, *c.kwargs.values()))
                            for c in mod.calls)
            if any(a.attr in checks for a in accesses):
                continue  # checked before the body is read, or after it and before the data is trusted
            for a in accesses:
                if a.attr in body:
                    if not passed_on or not self._passed_before(mod, call, var, a.loc.line):
                        yield self._finding(path, call, a.loc, a.attr)
                    break

    @staticmethod
    def _responses(project: Project, helpers: dict[FuncRef, Client]) -> Iterator[
            tuple[str, ModuleFacts, Call, Client, bool]]:
        """The network calls and the calls of ``helpers``, in module and call order, each with
        its client and whether it is a helper's."""
        if not helpers:  # the usual case: the network calls are known already
            for path, mod, call, client in network_calls(project):
                yield path, mod, call, client, False
            return
        targets = project.targets
        known = {(path, call.id): client for path, _mod, call, client in network_calls(project)}
        for path, mod in project.modules.items():
            for call in mod.calls:
                client = known.get((path, call.id))
                if client is not None:
                    yield path, mod, call, client, False
                    continue
                if network_call(call) is not None:
                    continue  # a network call network_calls() leaves out: `fetch(blobUrl)`
                ref = targets.get((path, call.id))
                client = helpers.get(ref) if ref is not None else None
                if client is not None:
                    yield path, mod, call, client, True

    def _response_helpers(self, project: Project) -> dict[FuncRef, Client]:
        """Project functions that return an unchecked response (``return fetch(url, ...)``)."""
        out: dict[FuncRef, Client] = {}
        for path, mod, call, client in network_calls(project):
            if call.func is None or not self._status_unchecked_by_client(call, client):
                continue
            returned = call.context == "return" or (
                call.assigned_to is not None and (call.func, call.assigned_to, "return") in mod.name_uses
                and not any(a.func == call.func and a.name == call.assigned_to for a in mod.accesses)
                and not self._checked_by_helper(project, path, mod, call))
            if returned:
                out[FuncRef(path, call.func)] = client
        return out

    @staticmethod
    def _checked_by_helper(project: Project, path: str, mod: ModuleFacts, call: Call) -> bool:
        """The response kept in ``call.assigned_to`` is handed, in the same function, to a project
        function that checks its status (``Summaries.checks_status``) before it is returned:
        ``await this.checkResponseStatus(response); return response``."""
        var = call.assigned_to
        sums = summaries(project)
        for c in mod.calls:
            if c.func != call.func or c.id == call.id or c.loc[:2] < call.loc[:2]:
                continue
            for i, v in enumerate(c.args):
                if v.kind == "name" and v.text == var:
                    ref = project.target(path, c)
                    if ref is not None and sums.checks_status(ref, i):
                        return True
        return False

    @staticmethod
    def _then_callback_reads_body(mod: ModuleFacts, call: Call, body: frozenset[str] | set[str],
                                  checks: frozenset[str]):  # type: ignore[no-untyped-def]
        """``fetch(url).then(res => res.json())``: the callback reads the body unchecked."""
        then = next((c for c in mod.calls if c.id != call.id and c.loc.line == call.loc.line and
                     c.loc.col == call.loc.col and c.callee.endswith(".then")), None)
        if then is None or not then.args or then.args[0].func_id not in mod.functions:
            return None
        cb = mod.functions[then.args[0].func_id]  # type: ignore[index]
        if not cb.params:
            return None
        res = cb.params[0]
        accesses = sorted((a for a in mod.accesses if a.func == cb.id and a.name == res),
                          key=lambda a: (a.loc.line, a.loc.col))
        if any(a.attr in checks for a in accesses):
            return None
        return next((a for a in accesses if a.attr in body), None)

    @staticmethod
    def _passed_before(mod: ModuleFacts, call: Call, var: str, line: int) -> bool:
        """The response is handed to a helper (which may check it) before the body is read."""
        return any(c.func == call.func and call.loc.line <= c.loc.line <= line and c.id != call.id and
                   any(v.kind == "name" and v.text == var for v in (*c.args, *c.kwargs.values()))
                   for c in mod.calls)

    @staticmethod
    def _status_unchecked_by_client(call: Call, client: Client) -> bool:
        if client.library in ("requests", "httpx", "fetch"):
            return True
        if client.library == "aiohttp":
            for source in (call.kwargs, call.instance.keys if call.instance and call.instance.keys else {}):
                rfs = source.get("raise_for_status")
                if rfs is not None and not (rfs.kind == "bool" and rfs.value is False):
                    return False
            return True
        opts = _js_options(call, client)
        for source in (opts, call.instance):
            if source is None or source.keys is None:
                continue
            vs = source.keys.get("validateStatus")
            if vs is not None and client.library == "axios":
                return True
            thr = source.keys.get("throwHttpErrors")
            if thr is not None and thr.kind == "bool" and thr.value is False:
                return True
        return False

    def _finding(self, path: str, call: Call, loc, attr: str) -> Finding:  # type: ignore[no-untyped-def]
        return self.finding(path, loc, f"the body of `{call.snippet}` is read with `.{attr}` "
                                       "without checking the response status first")


def _js_options(call: Call, client: Client) -> Value | None:
    """The config/options object of a JS client call, or None when absent or not a literal."""
    method = call.callee.rsplit(".", 1)[-1] if "." in call.callee else ""
    if client.library == "axios":
        if method in ("post", "put", "patch"):
            idx = 2
        elif method in ("get", "delete", "head", "options"):
            idx = 1
        elif method == "request":
            idx = 0
        else:  # axios(config) or axios(url, config)
            idx = 0 if call.args and call.args[0].kind == "object" else 1
    else:
        idx = 1
    if idx < len(call.args):
        return call.args[idx]
    return None


class MissingTimeout(Rule):
    """Finds network calls that can wait forever.

    **What it finds.** `requests` calls (module functions or a `Session`) without
    `timeout=` or with `timeout=None`; `httpx` calls or clients with `timeout=None`;
    `urllib.request.urlopen` and `urllib3` without a timeout; `fetch` without a `signal`
    (such as `AbortSignal.timeout(ms)`); axios calls whose config, instance and defaults
    set no `timeout` (axios' default is 0, never); `got` without `timeout`.

    **Why it breaks production.** A remote service that accepts the connection and never
    answers holds your worker, thread or request forever. A few such calls exhaust the
    pool and the whole service stops answering, although nothing "failed".

    **Example.**

        resp = requests.get(f"{PARTNER_API}/feed")          # ERR003

    **Use instead.** Give every call (or the client it goes through) a timeout, ideally
    from configuration:

        resp = requests.get(f"{PARTNER_API}/feed", timeout=settings.HTTP_TIMEOUT)
        const res = await fetch(url, { signal: AbortSignal.timeout(config.httpTimeoutMs) });

    **Not reported: browser code.** A call in a module that runs only in a browser (a
    `"use client"` component and what only such modules import; see `vcx.browser_code`),
    or in a function of a shared module that only browser code calls (as TZ002 decides it),
    holds no server worker, thread or connection: a request that never answers leaves one
    user's spinner turning until they navigate away, while the server side of the request
    has its own time limit. That is a user-interface concern, not the pool exhaustion this
    rule is about, so vcx does not ask for `AbortSignal.timeout` on every `fetch` of a
    React component. (ERR001 and ERR002 still apply there.)

    **Not reported: a request under an outer time bound (Python).** A request through an async
    client (`httpx.AsyncClient`, aiohttp), awaited or entered with `async with`, that runs under a
    time limit which cancels it cannot hold anything longer than that limit, whatever its own
    `timeout=` says; `timeout=None` there is often deliberate (a Lightning payment that may stay
    in flight for minutes, abandoned as "pending" when the caller's wait runs out). The bound is
    `asyncio.wait_for(aw, timeout=X)`, or a block of `async with asyncio.timeout(X)` /
    `async_timeout.timeout(X)` / `with anyio.fail_after(X)` / `anyio.move_on_after(X)` / trio's
    equivalents, X not None (`knowledge.network.PY_TIME_BOUND_*`). It counts when written around
    the request itself, or around the call of the async function it is in — by every caller of
    that function in the project (link's call graph and `Project.dispatchers_of`), each either
    under a bound or awaiting the call in an async function whose callers all are, up to three
    functions further out. A call kept as a task counts when its function then waits for the task
    under the bound (`t = asyncio.create_task(pay(b)); await asyncio.wait_for(t, timeout=X)`;
    a project wrapper named `create_task` / `ensure_future` too). Not followed: a function with no
    caller in the project (a route, a task entry point: nothing outside bounds it), a coroutine
    handed on in any other way (stored, gathered, returned unawaited), a bound with a limit that
    is a literal `None`, and blocking clients (`requests` in an async function blocks the event
    loop: `wait_for` cannot cancel it).

    **Subscriptions are still reported.** `while running: async with client.stream("GET", url,
    timeout=None) as r: async for line in r.aiter_lines(): yield ...` — an async generator that
    keeps a stream open to receive events and reconnects when it drops — is meant to wait for
    the next event indefinitely, and a read timeout would only make a quiet stream reconnect.
    But `timeout=None` also removes httpx's connect, write and pool limits: a connection that
    hangs while it is being opened (a TLS handshake that never completes) stalls the listener
    for good, and the events it exists to deliver stop arriving without an error — exactly the
    silent hang this rule is about. RULES.md names `httpx` with `timeout=None` as missing, and the
    fix costs nothing, so it is reported; for this shape (a streamed request entered in a loop of
    a generator) the message says why and the fix is `httpx.Timeout(10.0, read=None)`.
    """

    id = "ERR003"
    slug = "missing-timeout"
    category = "error-handling"
    severity = "high"
    summary = "Network call without a timeout can hang forever"
    fix = "Pass a timeout (timeout=..., signal: AbortSignal.timeout(ms), or set it on the client instance)."

    def check(self, project: Project) -> Iterator[Finding]:
        defaults = _js_timeout_defaults(project)
        mounted = _sessions_with_timeout_adapter(project)
        for path, _mod, call, client in network_calls(project):
            if project.runs_in_browser(path, call.func):
                continue  # no server resource waits on it (see the docstring)
            if call.instance_ctor in ("requests.Session", "requests.session") and \
                    call.text.split(".")[0] in mounted:
                continue
            reason = self._missing(call, client, defaults)
            if reason and not _time_bounded(project, path, _mod, call):
                if call.callee.endswith(".stream") and _subscription(_mod, call):
                    yield self.finding(path, call.loc, f"`{call.snippet}` {reason}: a stream meant to stay "
                                       "open needs no read timeout, but a connection that hangs while "
                                       "opening stalls it for good", fix=STREAM_FIX)
                    continue
                yield self.finding(path, call.loc, f"`{call.snippet}` {reason}")

    @staticmethod
    def _missing(call: Call, client: Client, defaults: set[str]) -> str | None:
        lib = client.library
        kw = call.kwargs
        if lib in ("requests", "urllib3", "urllib", "httpx"):
            if "**" in kw or any(a.kind == "spread" for a in call.args):
                return None
            t = kw.get("timeout")
            if lib == "urllib" and t is None and len(call.args) >= 3:
                t = call.args[2]
            if t is not None:
                return "passes timeout=None, which waits forever" if t.kind == "none" else None
            inst = call.instance.keys if call.instance is not None and call.instance.keys else {}
            it = inst.get("timeout")
            if it is not None:
                return "uses a client created with timeout=None, which waits forever" \
                    if it.kind == "none" else None
            if lib == "httpx":
                return None  # httpx defaults to 5 s
            if lib == "requests":
                return "has no timeout= (requests waits forever by default)"
            if lib == "urllib":
                return "has no timeout (urlopen waits forever by default)"
            if "**" in inst:
                return None
            return "has no timeout (urllib3 waits forever by default)"
        if lib == "fetch":
            if len(call.args) < 2:
                return FETCH_NO_SIGNAL
            init = call.args[1]
            if init.kind != "object" or init.keys is None:
                return None
            if "signal" in init.keys or "..." in init.keys or "timeout" in init.keys:
                return None
            return FETCH_NO_SIGNAL
        if lib in ("axios", "got"):
            opts = _js_options(call, client)
            if opts is not None:
                if opts.kind != "object" or opts.keys is None:
                    return None
                if "timeout" in opts.keys or "signal" in opts.keys or "..." in opts.keys:
                    t = opts.keys.get("timeout")
                    if t is not None and t.kind == "num" and t.value == 0:
                        return "sets timeout: 0, which never times out"
                    return None
            inst = call.instance
            if inst is not None and inst.keys is not None and (
                    "timeout" in inst.keys or "..." in inst.keys or "signal" in inst.keys):
                return None
            if inst is not None and inst.kind == "call" and inst.keys is None and inst.items:
                return None  # options passed as a variable: cannot tell
            ctor = call.instance_ctor or lib
            receiver = call.text.split(".")[0]
            if (ctor in defaults or (lib in defaults and not call.instance_ctor)
                    or (call.instance_ctor and "name:" + receiver in defaults)):
                return None
            if lib == "axios":
                where = "its axios instance has no timeout either" if call.instance_ctor else \
                    "axios' default timeout is 0 (never)"
                return f"has no timeout and {where}"
            return "has no timeout (got sets none by default)"
        if lib == "superagent":
            if "timeout" in call.chain:
                return None
            return "has no .timeout(ms) (superagent sets none by default)"
        if lib == "ky":
            opts = _js_options(call, client)
            if opts is not None and opts.keys and (t := opts.keys.get("timeout")) is not None \
                    and t.kind == "bool" and t.value is False:
                return "disables ky's timeout with timeout: false"
        return None


STREAM_FIX = ("Bound everything but the wait for the next event: timeout=httpx.Timeout(10.0, read=None) "
              "(connect, write and pool limits stay).")


def _subscription(mod: ModuleFacts, call: Call) -> bool:
    """A streamed request that a generator keeps open in a loop (``while running: async with
    client.stream(...) as r: async for line in r.aiter_lines(): yield ...``): a subscription to
    events, iterated by its consumer."""
    fn = mod.functions.get(call.func) if call.func is not None else None
    return fn is not None and fn.generator and call.context == "with" and bool(call.loops)


def _bound_value(call: Call, keyword: str, index: int) -> bool:
    """The time limit a bounding call is given (as ``keyword`` or argument ``index``) is not
    None."""
    v = call.kwargs.get(keyword)
    if v is None:
        if "**" in call.kwargs or any(a.kind == "spread" for a in call.args):
            return False
        v = call.args[index] if len(call.args) > index else None
    return v is not None and v.kind != "none"


def _under_time_bound(mod: ModuleFacts, call: Call) -> bool:
    """``call`` is awaited under a time limit written around it in its function: the argument of
    ``asyncio.wait_for(call, timeout=X)``, in the block of ``async with asyncio.timeout(X):`` /
    ``with anyio.fail_after(X):`` (``knowledge.network.PY_TIME_BOUND_*``); or the coroutine of a
    task (``t = asyncio.create_task(call)``) the function then waits for with
    ``asyncio.wait_for(t, X)``. X is not None."""
    calls = mod.calls
    for w in call.withs:
        if w < len(calls) and (kw := PY_TIME_BOUND_SCOPES.get(calls[w].callee)) is not None and \
                _bound_value(calls[w], kw, 0):
            return True
    if call.context != "arg" or call.arg_of is None or call.arg_of >= len(calls) or call.keyword:
        return False
    outer = calls[call.arg_of]
    kw = PY_TIME_BOUND_CALLS.get(outer.callee)
    if kw is not None:
        return bool(outer.args) and outer.args[0].call_id == call.id and _bound_value(outer, kw, 1)
    task = outer.assigned_to
    starter = outer.callee.replace(":", ".").rsplit(".", 1)[-1]  # `import:app.tasks:create_task` too
    if starter not in PY_TASK_STARTERS or not task or outer.context != "assign" or \
            not outer.args or outer.args[0].call_id != call.id:
        return False
    return any(c.func == call.func and (kw := PY_TIME_BOUND_CALLS.get(c.callee)) is not None and c.args
               and c.args[0].kind == "name" and c.args[0].text == task and _bound_value(c, kw, 1)
               for c in calls)


def _time_bounded(project: Project, path: str, mod: ModuleFacts, call: Call) -> bool:
    """A Python request through an async client (awaited, or entered with ``async with``) that
    cannot outlast a time limit set around it (ERR003 docstring): under one in its own function
    (:func:`_under_time_bound`), or in an async function every caller of which awaits it under
    one, directly or through up to three further async functions each awaited by all their
    callers. A function with no caller in the project (a route, an entry point) has no bound."""
    if not is_python(mod) or not call.callee.startswith(PY_ASYNC_CLIENT_PREFIXES):
        return False
    if _under_time_bound(mod, call):
        return True
    if not (call.awaited or call.context == "with"):
        return False
    seen: set[FuncRef] = set()

    def bounded(path: str, mod: ModuleFacts, func: str | None, depth: int) -> bool:
        fn = mod.functions.get(func) if func is not None else None
        if fn is None or not fn.is_async or fn.generator or depth > 3:
            return False
        ref = FuncRef(path, fn.id)
        if ref in seen:
            return False
        seen.add(ref)
        callers = [*project.callers_of(ref), *project.dispatchers_of(ref)]
        if not callers:
            return False
        for cpath, c in callers:
            cmod = project.modules[cpath]
            if _under_time_bound(cmod, c):
                continue
            if not c.awaited or not bounded(cpath, cmod, c.func, depth + 1):
                return False
        return True

    return bounded(path, mod, call.func, 0)


# Node's fetch (undici) waits 300 s for the headers and 300 s between body chunks; a browser's
# has no limit. Either way, "no timeout" is what the caller experiences.
FETCH_NO_SIGNAL = ("has no signal (e.g. AbortSignal.timeout(ms)), so it waits as long as the server keeps "
                   "the connection open (Node's fetch gives up only after 5 minutes without data)")


def _sessions_with_timeout_adapter(project: Project) -> set[str]:
    """Names of requests sessions with an adapter mounted that injects a timeout in ``send``."""
    names: set[str] = set()
    for _path, mod, call in project.iter_calls():
        if call.instance_ctor not in ("requests.Session", "requests.session") or \
                not call.callee.endswith(".mount") or len(call.args) < 2:
            continue
        adapter = call.args[1]
        cls = (adapter.ref or "").removeprefix("local:")
        if "timeout" in (adapter.text or "").lower() or f"{cls}.send" in mod.functions:
            names.add(call.text.split(".")[0])
    return names


def _js_timeout_defaults(project: Project) -> set[str]:
    """Clients whose default timeout the project sets: ``axios.defaults.timeout = ...`` for the
    library ("axios"), ``api.defaults.timeout = ...`` for one instance (its name, "api")."""
    out: set[str] = set()
    for mod in project.modules.values():
        for a in mod.assigns:
            if not a.target.endswith(".defaults.timeout"):
                continue
            base = a.target[: -len(".defaults.timeout")]
            if base in ("axios", "got"):
                out.add(base)
            elif a.text.endswith(".defaults.timeout"):
                out.add("name:" + a.text[: -len(".defaults.timeout")])
            else:  # no source text: any instance of that constructor
                out.add(base.removesuffix("()"))
    return out


class SwallowedError(Rule):
    """Finds exception handlers that drop the error silently.

    **What it finds.** `except:` / `except Exception:` / `except BaseException:` whose body
    is only `pass`, `...` or `continue`; a JavaScript `catch` block that is empty or holds
    only comments; `.catch(() => {})`.

    **Why it breaks production.** The failure still happens, but nobody learns about it:
    no log line, no metric, no error report. Data goes missing and the first sign is a
    customer asking where it went, days later.

    **Example.**

        try:
            cache.set(key, value)
        except Exception:            # ERR004
            pass

    **Use instead.** Catch what you expect and record what you drop:

        except RedisError:
            logger.warning("cache write failed for %s", key, exc_info=True)

    Narrow handlers for an expected condition (`except KeyError: pass`,
    `except FileNotFoundError: pass`, `except asyncio.CancelledError`) are not reported. A class
    named by a call is a class too, not a bare `except:`: `except anyio.get_cancelled_exc_class():`
    catches the cancellation exception (asyncio's `CancelledError` under asyncio,
    `knowledge.PY_EXCEPTION_CLASS_CALLS`), and any other call, subscript or conditional there names
    a class vcx does not know, which is not reported either.

    JavaScript cannot name what a `catch` catches, so the narrow handler is told by what its
    `try` block does: a block that parses or decodes a value (`JSON.parse`, `new URL(s)`,
    `decodeURIComponent`, `await req.json()`) or touches browser storage or `Intl` (also
    through `n.toLocaleString(locale, options)` and the `Date` siblings given a locale or
    options, which throw a RangeError on a bad locale or currency code), and waits
    for nothing else, fails only on bad input or a blocked/full storage, an expected outcome
    the code then handles by falling through (`try { return new URL(s) } catch {} return null`).
    Such an empty `catch` is the JS form of `except ValueError: pass` and is not reported. A
    block that also awaits anything else, calls a network client or throws is reported.
    The same holds for the other operations whose failure is expected where they run:
    reading `window.localStorage` / `sessionStorage` / `indexedDB` (the property itself throws a
    SecurityError in a sandboxed frame) or a style sheet's `cssRules` (cross-origin sheets
    throw); feature detection with `new PerformanceObserver(...)` (a ReferenceError where the
    API is missing, a TypeError from `observe({ type })` where that option is); and Next.js's
    request-scope APIs, `cookies()` / `headers()` from `next/headers` and the cookie store's
    methods, which throw outside a request, and on `set`/`delete` outside a Server Action or
    Route Handler (the Next.js docs: cookies can only be modified there), so a best-effort
    cookie update is wrapped so. Also: the clipboard (`navigator.clipboard.writeText(t)`
    rejects when the page lacks focus or the user denies permission), `selection.getRangeAt(i)`
    (an IndexSizeError when the selection holds no range), and the Web Storage methods
    (`getItem` / `setItem` / `removeItem` / `clear` / `key`) not only on `localStorage` /
    `sessionStorage` but on `window[kind]` and on a receiver named for storage
    (`getStorage()?.setItem(k, v)`, `this.storage.getItem(k)`), called without `await` (an
    awaited `storage.setItem` is an asynchronous store — localforage, unstorage, AsyncStorage —
    that may sit on a network, and is reported). A project wrapper of storage
    (`writeStorageValue(k, v)`) is not followed.

    A failure while cleaning up is secondary: an empty `catch` whose `try` sits in a `finally`
    block, or in a `catch` block that ends by rethrowing the error it caught, and only releases
    or closes (`reader.releaseLock()`, `await prisma.$disconnect()`, `close` / `disconnect` /
    `destroy` / `end` / `quit` / `unlock` / `abort` / `unsubscribe` / `dispose` / `rollback` ...;
    not `cancel`, which on a remote API is a business action: `stripe.subscriptions.cancel(id)`)
    — in the rethrowing `catch` it may also compute and log anything that awaits
    nothing but such calls (diagnostics about the original error) — is not reported, nor
    `.catch(() => {})` on such a call there (`finally { await db.$disconnect().catch(() =>
    {}) }`). The outcome is already decided (the block's result, or the original error, which
    still propagates); a failure to clean up that escaped would replace it. An empty catch in a
    `finally` around anything else (`finally { try { await saveAudit() } catch {} }`) is
    reported.

    A fallback value assigned *before* the `try` is the same as one assigned in the handler:
    a `try` block that only assigns variables holding a default, `let url = ""; try { url =
    await readState() } catch {}` / `value = default` then `try: value = compute() except
    Exception: pass`, is not reported. The default is an initial value (JS: of a variable
    declared before the try, in its block or an enclosing one; Python: an assignment before
    the try in the same function or module), or, in JS, a variable declared without a value that the
    code after the try tests (`let inst; try { inst = make() } catch {} if (inst) ...`;
    also `inst?.x`, `inst && ...`): `undefined` is then the fallback it handles. Block-local
    declarations (intermediate values) may sit in such a JS block; any other statement (a
    call whose result is not kept, a write, a `throw`) makes it reported, and so does a
    variable declared without a value that nothing tests (its use fails later, far away),
    unless its TypeScript type admits a missing value (below).

    A `try` whose block only logs or reports (`logger.error(...)`, `console.warn(...)`,
    `Sentry.captureException(e)`, Python `logger.debug(...)`), directly or under an `if`, is
    not reported: what its empty handler drops is a failure of the logging itself, which has
    no channel left to be reported on.

    `p.catch(() => {})` and `p.finally(reset).catch(() => {})` on a promise `p` that the same
    function also awaits or returns are not reported: the empty callback silences only the
    copy (an unhandled copy would crash the process), while the caller still receives `p`'s
    rejection. `p.then(f).catch(() => {})` is reported: it also drops the failures of `f`.

    In JS, an assignment of such a default may sit under an `if` in the try (`let next = "/";
    try { const t = await find(id); if (t?.slug) { next = `/${t.slug}` } } catch {}`), and a
    variable declared without a value whose TypeScript type admits `undefined` or `null`
    (`let slug: string | undefined`) holds a default by its type, whether or not the code after
    the try tests it: the compiler makes every use of it handle the missing value.

    An empty handler that falls straight through to a `return` is the same as a handler that
    returns that value, which is not reported: `try { const u = await find(e); if (u) return
    await resend(u) } catch {} return fail("TAKEN")`, and in Python `try: if obj.author: return
    label(obj.author) except Exception: pass` then `return ""`. The try block may only declare
    (assign) values and return, directly or under `if`s, so its success path returns on its own
    and the `return` after it is reached only on failure or when nothing applies; the next
    statement after the try (leaving enclosing `if` branches) must be that `return`, and it must
    return a value (a bare `return;` gives no fallback). A probe may do anything before its
    return: `try { execSync("git rev-parse"); return true } catch {} return false` (Python: `try:
    run(cmd); return True` / `except Exception: pass` / `return False`) — the try block ends in a
    `return` of a literal (`true`, `false`, `null`, a number, a plain string) and the statement
    after the try returns a literal too. Whether the work succeeds *is* the answer the caller
    gets, as `catch { return false }` would give it. A block that works and then returns a
    computed value (`try { flush(); return v.format() } catch {} return ""`) hides the failure of
    the work behind the fallback, and is reported. A try block
    that does work and then continues (`try { await notify(u) } catch {} return { ok: true }`),
    or one inside a loop, is reported.

    A JS `try` block that can throw nothing is not reported: only comments, declarations and
    assignments of literals and plain reads, TypeScript casts (`const p = v.prefs as Prefs`),
    conditions and returns, with no call, `new`, `await`, `throw`, loop or spread, and no
    assignment to a property (`g[key] = v` throws on a read-only or frozen one). Plain reads
    are taken not to throw, as ERR005 takes them.

    The error is already shown when the rejection reaches the empty catch, and the catch only
    keeps the rethrown copy from going unhandled; not reported when every call the JS try block
    awaits (or the call an empty `.catch(() => {})` is chained on) is one of:
    - `m.mutateAsync(x)` where `m` is bound, in the function or an enclosing one (the
      component), to a TanStack Query or tRPC `useMutation({ ..., onError })`, directly or
      through project hooks that return one (TanStack calls `onError` before `mutateAsync`
      rejects); or where that scope reads `m.isError` / `m.error` (the component renders the
      error); or any `mutateAsync` when the project installs `new MutationCache({ onError })`
      or a `QueryClient` whose `defaultOptions.mutations` has `onError`;
    - a call of a project function whose awaited and returned calls all sit in a `try` whose
      `catch` reports the error and rethrows it (`catch (e) { setError(msg); throw e }`,
      `toast.error(...)`, `logger.warn(...)`, `Sentry.capture...`: a call whose name says
      error, toast, notification, alert, report, capture or warn, or a `console` / `logger`
      call, before the `throw`). A `throw` of that function's own outside that `try` is not
      looked for;
    - Next.js's `cookies()` / `headers()` (see above), or a project function that does nothing
      but use them (its every call is one of these or such a function, including a
      `"use server"` wrapper), with no database, network or other effect and no `throw`.
    The try block may otherwise hold only statements that await nothing (state setters, a
    callback such as `onClose()`), none of them a project function that can throw, and no
    `throw`. A function reached only as a value a hook returns (`const { signIn } =
    useSignIn()`) or through a component prop is not followed, so such a call is still
    reported.

    `.catch(() => {})` on a TanStack Query refresh is not reported: it cannot reject.
    `queryClient.refetchQueries` / `invalidateQueries` / `resetQueries` / `cancelQueries`
    (the receiver named like a query client), tRPC's `utils.<path>.invalidate()` /
    `refetch()` and TanStack DB's `collection.utils.refetch()` (a `utils` object) catch each
    fetch's failure and keep it in the query's state unless `throwOnError: true` is passed
    (query-core's `refetchQueries` and the observer's `refetch`), which is reported, as is
    the same call with options the code does not spell out. Apollo's `refetchQueries` does
    reject, hence the receiver's name is required.
    """

    id = "ERR004"
    slug = "swallowed-error"
    category = "error-handling"
    severity = "medium"
    summary = "Exception handler that drops the error silently"
    fix = "Log the error (or re-raise it, or return an explicit fallback) instead of ignoring it."

    def check(self, project: Project) -> Iterator[Finding]:
        for path, mod in project.modules.items():
            python = is_python(mod)
            if python:
                for c in mod.calls:
                    if c.callee == "contextlib.suppress" and any(
                            (a.ref or a.text).rsplit(".", 1)[-1] in ("Exception", "BaseException")
                            for a in c.args):
                        yield self.finding(path, c.loc, f"`{c.snippet}` in `{fn_name(mod, c.func)}` "
                                           "drops every error of its block silently")
            for h in mod.handlers:
                if not h.catch_all or h.guards:  # an expected failure, a default kept, a copy
                    continue
                if h.waits and self._shown_or_expected(project, path, mod, h):
                    continue
                if h.body == "empty" or (python and h.body == "continue"):
                    where = fn_name(mod, h.func)
                    if h.form == "callback":
                        msg = f"`.catch(() => {{}})` in `{where}` swallows the rejection silently"
                    elif python:
                        what = "except " + (", ".join(h.types) if h.types else "")
                        what = what.strip() + ":"
                        action = "continue" if h.body == "continue" else "pass"
                        msg = f"`{what} {action}` in `{where}` drops the error silently"
                    else:
                        msg = f"empty `catch` block in `{where}` drops the error silently"
                    yield self.finding(path, h.loc, msg)


    @staticmethod
    def _shown_or_expected(project: Project, path: str, mod: ModuleFacts, h: Handler) -> bool:
        """Every call the try block of ``h`` awaits fails visibly or as expected
        (``Summaries.shown_or_expected``), and the other project functions it calls cannot throw."""
        sums = summaries(project)
        if not all(sums.shown_or_expected(path, mod.calls[cid]) for cid in h.waits):
            return False
        for c in mod.calls:
            if c.handlers and c.handlers[0] == h.id and c.id not in h.waits:
                ref = project.target(path, c)
                if ref is not None and not sums.never_throws(ref):
                    return False
        return True


ASYNC_INSTANCE_PREFIXES = (
    "pg.Pool().", "pg.Client().", "mysql2/promise.createPool().", "mysql2/promise.createConnection().",
    "@prisma/client.PrismaClient().", "ioredis().", "redis.createClient().",
    "httpx.AsyncClient().", "aiohttp.ClientSession().", "asyncpg.create_pool().", "asyncpg.connect().",
    "redis.asyncio.Redis().", "redis.asyncio.from_url().",
)
TASK_SPAWNERS = ("asyncio.create_task", "asyncio.ensure_future")


class FloatingPromise(Rule):
    """Finds promises and coroutines that nobody waits for.

    **What it finds.** JS/TS: a call to an async function of the project (or a known
    promise-returning client method) whose promise is neither awaited, returned, assigned
    and awaited later, passed to `Promise.all/allSettled/race/any`, nor chained with
    `.catch`. Python: a coroutine function called without `await` (and not handed to
    `asyncio.create_task` / `gather`), and `asyncio.create_task(...)` whose task is not kept.

    **Why it breaks production.** In Node 15+ an unhandled rejection crashes the process;
    in browser code (see TZ002 for how vcx tells, per function) it is only logged to the console; in
    Python the coroutine never runs at all, or the task is garbage-collected half way.
    Either way the work silently does not happen, and the error vanishes with it.

    **Example.**

        app.post("/signup", async (req, res) => {
          const user = await createUser(req.body);
          sendWelcomeEmail(user);             // ERR005: a rejection kills the process
          res.status(201).json(user);
        });

    **Use instead.** `await` it, or make fire-and-forget explicit and safe:
    `void sendWelcomeEmail(user).catch(logError)` (JS), keep Python tasks in a set and
    discard them in `add_done_callback`.

    **Async generators are not promises.** A call of an async generator function — Python
    `async def` with `yield`, JS/TS `async function*`, `async function* () {}` as a value, or an
    `async *method()` — returns an async iterator, not a coroutine or a promise: nothing runs
    until it is iterated (`for await` / `async for`), and its failure surfaces there, in the
    loop that consumes it. Such a call is never reported, kept in a variable or not (an iterator
    nobody iterates does nothing and fails nothing).

    **Promises that cannot reject (JS/TS).** What a floating promise loses is its rejection.
    When the promise provably cannot reject, nothing is lost, and it is not reported: the
    function called catches everything that can fail in it —

        const markSeen = async (id) => {
          try { await db.user.update({ where: { id }, data: { seen: true } }); }
          catch (e) { logger.error(e); }             // handled: markSeen(id) never rejects
        };

    or returns a chain that ends in such a handler (`return fetch(u).then(...).catch(e =>
    showError(e)).finally(...)`), or a promise that settles by design: RTK Query's
    `dispatch(api.endpoints.x.initiate(args))` resolves to `{data}` or `{error}` (unless
    `.unwrap()` is called), `Promise.allSettled(...)`, `Promise.resolve(<literal>)`, a
    `new Promise(resolve => setTimeout(resolve, ms))`, also written with a block body
    (`new Promise((resolve) => { const t = setTimeout(resolve, ms); timers.push(t); return t; })`:
    the constructor drops what the executor returns, so only a throw in it could reject). It holds
    through the project's calls (`Summaries.settles`): a function that only awaits functions that
    cannot reject cannot reject. A function can still fail, and the call is reported as before,
    when outside a `try` with a `catch` it throws, awaits or returns a promise that may reject (a
    library's, a parameter's, one kept in a field: `return this.pending`), parses what may be
    malformed (`JSON.parse`, `new URL`), or calls a synchronous project function that can throw;
    when a `catch` or `finally` block rethrows, throws, or awaits what may reject; and when it
    returns a promise from inside a `try` (`try { return save(); }`: the `catch` never sees that
    rejection). A library call known to return no promise gives a plain value even when returned or
    awaited: a toast (`return toast.error("Name required")`, from sonner, react-hot-toast,
    react-toastify, or a `toast` re-exported by the project's design system; `toast.promise` only
    from sonner, which catches the promise and returns the toast's id — react-hot-toast's returns
    the promise itself), and the in-memory methods of a PDF document (`return doc.getPageCount()`
    after `const doc = await PDFDocument.load(b)` with pdf-lib, or `PDF.load` with `@libpdf/core`;
    `doc.save()` is a promise): `knowledge.javascript.returns_no_promise`. Any other library call
    an async function returns may be a promise (`return res.json()` in a `try` is reported: its
    rejection escapes the catch). Only clear cases count: other synchronous library calls (logging,
    toasts, state setters) and plain reads are taken not to throw, with one exception — the value a
    promise that cannot reject resolves to may carry the failure (`{error}`, or undefined when a
    catch returned nothing), so reading a field of a field of it without `?.` (`res.data.items`),
    or any field of it unless it is a result object, counts as a possible TypeError, in the
    `.then(res => ...)` callbacks of the floating chain and after `const res = await ...`. Not
    followed: a function a library's hook returns (`const { mutateAsync } = useMutation()`: waiting
    for it proves nothing), getters and the functions a value is passed on to (reading
    `this.target` or calling `format(res.data)` is taken not to throw). A promise kept in a
    variable that is then stored in a field (`const p = load(); ref.current = p`) is kept for
    later, as if assigned to the field at once. What a callback registered for later (`setTimeout`,
    an event listener) does is that callback's own affair. Methods a library documents as
    synchronous make no promise at all: ioredis `disconnect()`, node-redis v5 `destroy()`
    (`knowledge.javascript.SYNC_CLIENT_METHODS_OF`).

    **Functions a project hook returns.** `const { restore } = useDraft()` / `const [send] =
    useSender()` (or `const draft = useDraft(); const { restore } = draft;` with `const` in the
    same function), where the hook is a project function (`use` + a capital letter) that returns an
    object or array naming a function of its own (declared in it, or `useCallback(fn, deps)` of
    one): `restore()` calls that function, for this rule as in the call graph every rule reads
    (`Function.hook_returns`), so a floating `restore()` is judged by what it does, and so is a
    function that awaits it. What a library's hook returns, or a function the project hook got
    from elsewhere (`return { ...form }`, `return useMutation(...)`), is not followed.

    **Per call: an early return on an argument.** A function that returns at its start, before
    anything that can fail, when a parameter has some value — `if (!sync) return;` (or `if (p)`,
    `if (p === false)`, `if (p === true)`, returning nothing or a literal), directly in its body or
    in a `try` (without `finally`) at its start, after statements that neither await, yield,
    throw, parse (`JSON.parse`, `new URL`), nor assign the parameter — cannot fail when a call
    passes a literal that makes the test true: `update(id, data, false)` of `async update(id,
    data, sync = true) { ...; if (!sync) return; await api.patch(...) }` is not reported;
    `update(id, data)` (the default `true`) and `update(id, data, flag)` (not a literal) still
    are. An omitted or `undefined` argument takes the parameter's default (none: undefined). The
    project functions called before the test must not throw (`Summaries.settles_call`). Only this
    one guard is read: a test on a field (`opts.sync`), a guard after an `if` or a loop, or a
    second guard is not followed. Other rules still follow the call into the function (its
    request, its callers' chain): the guard is read for this rule only.

    Python is different: a coroutine called without `await` never runs, whether it could raise
    or not (the work silently does not happen), so an unawaited coroutine is reported whatever
    its body; and a task from `asyncio.create_task` whose reference is not kept can be
    garbage-collected before it finishes however it handles its errors, so it is reported too.
    A coroutine or async generator kept in a variable is used when the variable is awaited,
    returned, yielded, iterated with `async for`, or handed on — in the function that made it or
    in a function nested in it that closes over the variable (`lines = as_lines(src)` consumed by
    `async for line in lines` in an inner generator passed to `StreamingResponse`). A nested
    function with a parameter or an assignment of that name has its own variable, and does not
    count.
    """

    id = "ERR005"
    slug = "floating-promise"
    category = "error-handling"
    severity = "high"
    summary = "Promise/coroutine neither awaited, returned nor caught"
    fix = "Await it (or return it); for deliberate fire-and-forget use `void p.catch(log)` / keep the task."

    def check(self, project: Project) -> Iterator[Finding]:
        for path, mod in project.modules.items():
            python = is_python(mod)
            # A browser has no process to crash: the rejection goes to the console, and the
            # user sees nothing fail.
            def consequence(call: Call, path: str = path) -> str:
                return "a rejection goes unnoticed: the browser only logs it to the console" \
                    if project.runs_in_browser(path, call.func) else "a rejection crashes the process"
            for call in mod.calls:
                context = call.outer_context if call.context == "chain" else call.context
                if python:
                    if call.callee in TASK_SPAWNERS or (call.callee.endswith((".create_task",)) and \
                            call.callee.split(".")[0] in ("asyncio", "loop")):
                        if context == "stmt" and not call.awaited:
                            yield self.finding(path, call.loc, f"the task from `{call.snippet}` is not kept; "
                                               "it can be garbage-collected before it finishes",
                                               fix="Keep a reference (e.g. a set, discarded in "
                                                   "add_done_callback) or await it.")
                        continue
                    if call.awaited or call.context not in ("stmt", "assign"):
                        continue
                    if not (self._is_async_target(project, path, call) or (
                            call.callee.startswith(ASYNC_INSTANCE_PREFIXES) and call.context == "stmt")):
                        continue
                    if call.context == "assign" and self._settled_later(mod, call, closures=True):
                        continue
                    yield self.finding(path, call.loc, f"coroutine `{call.snippet}` is called without "
                                       f"await in `{fn_name(mod, call.func)}`; it never runs")
                    continue
                if call.awaited or call.func is None:
                    continue
                if call.callee.endswith(".forEach") and any(
                        v.kind == "func" and v.func_id in mod.functions and mod.functions[v.func_id].is_async
                        and not summaries(project).settles(FuncRef(path, v.func_id)) for v in call.args):
                    yield self.finding(path, call.loc, f"`{call.snippet}` in `{fn_name(mod, call.func)}` starts "
                                       "one promise per element and waits for none of them",
                                       fix="Use `await Promise.all(items.map(async x => ...))` or a for...of loop "
                                           "with await.")
                    continue
                if call.context == "assign":
                    if not (self._is_async_target(project, path, call) or self._is_promise_api(call)) or \
                            self._settled_later(mod, call) or self._cannot_reject(project, path, mod, call):
                        continue
                    yield self.finding(path, call.loc, f"the promise of `{call.snippet}` is kept in "
                                       f"`{call.assigned_to}` but never awaited in `{fn_name(mod, call.func)}`; "
                                       f"{consequence(call)}")
                    continue
                if call.context == "chain":
                    if "catch" in call.chain or call.catch_chained or context != "stmt":
                        continue
                elif call.context != "stmt":
                    continue
                if call.text.endswith(".then") and len(call.args) >= 2:
                    continue  # p.then(onFulfilled, onRejected) handles the rejection
                if self._is_async_target(project, path, call) and self._cannot_reject(project, path, mod, call):
                    continue
                if self._is_async_target(project, path, call) or self._is_promise_api(call):
                    yield self.finding(path, call.loc, f"the promise of `{call.snippet}` in "
                                       f"`{fn_name(mod, call.func)}` is not awaited, returned or caught; "
                                       f"{consequence(call)}")

    @staticmethod
    def _is_async_target(project: Project, path: str, call: Call) -> bool:
        ref = project.target(path, call)
        if ref is None:
            return False
        fn = project.function(ref)
        return fn is not None and fn.is_async and not fn.generator  # an async generator runs as it is iterated

    @staticmethod
    def _cannot_reject(project: Project, path: str, mod: ModuleFacts, call: Call) -> bool:
        """The promise left floating cannot reject (JS/TS): the project function called cannot
        fail (``Summaries.settles``), and neither can the ``.then`` / ``.finally`` callbacks
        chained on it, nor their reading of the value it resolves to."""
        ref = project.target(path, call)
        if ref is None:
            return False
        sums = summaries(project)
        if not sums.settles_call(path, call):
            return False
        if call.context != "chain":
            return True
        target = project.function(ref)
        start = call.loc[:2]
        links = {c.chain: c for c in mod.calls if c.func == call.func and c.loc[:2] == start and c.id != call.id}
        for i, method in enumerate(call.chain):
            link = links.get(call.chain[i + 1:])
            if method not in ("then", "finally") or link is None or len(link.args) != 1 or \
                    link.args[0].kind != "func" or link.args[0].func_id not in mod.functions:
                return False  # `.unwrap()`, `.then(setData)`: what it does is not known
            cb = mod.functions[link.args[0].func_id]
            if not sums.settles(FuncRef(path, cb.id)):
                return False
            if method == "then" and cb.reads_value > (1 if i == 0 and target is not None
                                                       and target.resolves_result else 0):
                return False  # `.then(res => res.data.items)`: undefined when it failed
        return True

    @staticmethod
    def _settled_later(mod: ModuleFacts, call: Call, closures: bool = False) -> bool:
        """The variable the promise went into is awaited, returned, or handed on; with
        ``closures`` (Python) also in a function nested in the call's function that reads the
        variable it closes over (not one that takes a parameter of that name)."""
        var = call.assigned_to
        if not var:
            return True  # destructured or assigned to an attribute: cannot tell
        if any(f == call.func and n == var for f, n, _ in mod.name_uses):
            return True
        if any(a.func == call.func and a.value.kind == "name" and a.value.text == var and "." in a.target
               for a in mod.assigns):
            return True  # `ref.current = p`: kept in a field for later, as if assigned there at once
        if closures and call.func is not None:
            inner = call.func + ".<locals>."
            for f, n, _ in mod.name_uses:
                if n == var and f is not None and f.startswith(inner) and \
                        not FloatingPromise._shadowed(mod, f, var, call.func):
                    return True
        for c in mod.calls:
            if c.func != call.func or c.id == call.id:
                continue
            for v in (*c.args, *c.kwargs.values()):
                if v.kind == "name" and v.text == var:
                    return True
                if v.kind == "array" and any(i.kind == "name" and i.text == var for i in v.items or ()):
                    return True
            if c.text.startswith(var + "."):
                return True  # p.then(...), task.add_done_callback(...)
        return False

    @staticmethod
    def _shadowed(mod: ModuleFacts, func: str, var: str, outer: str) -> bool:
        """A function between ``outer`` (excluded) and ``func`` (included) binds ``var`` itself:
        as a parameter, or by assigning it (without ``nonlocal``, a name assigned in a function is
        its own local)."""
        cur: str | None = func
        while cur is not None and cur != outer:
            fn = mod.functions.get(cur)
            if fn is None:
                return True
            if var in fn.params or any(a.func == cur and a.target == var for a in mod.assigns) or \
                    any(c.func == cur and c.assigned_to == var for c in mod.calls):
                return True
            cur = fn.parent
        return False

    @staticmethod
    def _is_promise_api(call: Call) -> bool:
        if network_client(call.callee) is not None:
            return True
        if sync_client_method(call.callee):
            return False
        return call.callee.startswith(ASYNC_INSTANCE_PREFIXES) or is_prisma_call(call.text)
