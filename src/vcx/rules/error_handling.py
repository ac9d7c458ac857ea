"""error-handling: outbound calls that fail in production."""

from __future__ import annotations

from collections.abc import Iterator

from vcx.facts import Call, Function, Handler, ModuleFacts, Value
from vcx.findings import Finding
from vcx.knowledge.databases import is_prisma_call
from vcx.knowledge.frameworks import (
    EXPRESS_ASYNC_PATCHES,
    JS_REJECTION_HANDLERS,
    JS_ROUTE_METHODS,
    PY_BOUNDARY_CALLS,
    PY_ROUTE_DECORATORS,
    SAFE_ACTION_CLIENTS,
    SAFE_ACTION_METHODS,
)
from vcx.knowledge.javascript import sync_client_method
from vcx.knowledge.network import (
    JS_BODY_ACCESSORS,
    JS_STATUS_CHECKS,
    PY_BODY_ACCESSORS,
    PY_BROAD_EXCEPTIONS,
    PY_STATUS_CHECKS,
    Client,
    network_client,
)
from vcx.link import FuncRef, Project
from vcx.rules import Rule
from vcx.summaries import summaries

NetworkCall = tuple[str, ModuleFacts, Call, Client]


def network_calls(project: Project) -> list[NetworkCall]:
    """The calls of the project through a known network client, in module and call order.
    Found once per scan: three rules walk them."""
    found = project.derived.get("network_calls")
    if found is None:
        found = project.derived["network_calls"] = [
            (path, mod, call, client) for path, mod in project.modules.items() for call in mod.calls
            if (client := network_client(call.callee)) is not None]
    return found  # type: ignore[return-value]


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
    for t in handler.types:
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
    rejection (``knowledge.frameworks.JS_REJECTION_HANDLERS``)."""
    context = call.outer_context if call.context == "chain" else call.context
    if context != "arg" or call.arg_of is None or call.arg_of >= len(mod.calls):
        return False
    return mod.calls[call.arg_of].callee in JS_REJECTION_HANDLERS


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


def _wrapper_catches(project: Project, path: str, outer: Call, fn: Function, client: Client | None) -> bool:
    """``withCron(async ({ req }) => ...)``: the project function that receives the callback
    calls it only inside a try whose catch handles the error (and does not rethrow it)."""
    index = next((i for i, a in enumerate(outer.args) if a.kind == "func" and a.func_id == fn.id), None)
    ref = project.target(path, outer)
    if index is None or ref is None:
        return False
    owner = project.modules[ref.path]
    wrapper = owner.functions.get(ref.func)
    if wrapper is None or index >= len(wrapper.params):
        return False
    param = wrapper.params[index]
    inside = {wrapper.id}
    for f in owner.functions.values():  # the functions it returns or hands on run the callback too
        if f.parent in inside:
            inside.add(f.id)
    invocations = [c for c in owner.calls if c.func in inside and c.text == param]
    return bool(invocations) and all(handled_here(owner, c, client) for c in invocations)


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


def _retried_by_celery(mod: ModuleFacts, fn: Function) -> bool:
    """A Celery task with ``autoretry_for`` retries (and reports) its failures itself."""
    for d in fn.decorators:
        if d.kind == "call" and d.call_id is not None and d.call_id < len(mod.calls):
            if "autoretry_for" in mod.calls[d.call_id].kwargs:
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
                    _wrapper_catches(self.project, path, outer, fn, client):
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
        if is_python(mod) and _retried_by_celery(mod, fn):
            return None
        callers = self.project.callers_of(FuncRef(path, func_id))
        if not callers:
            passed = self.project.passed.get(FuncRef(path, func_id), [])
            if passed and all(self._invoked_safely(ppath, pcall, index, client, depth)
                              for ppath, pcall, index in passed):
                return None
            if is_python(mod) and self.boundaries.python and (
                    _is_py_route(fn) or ("django" in self.boundaries.python and _is_django_view(fn))):
                return None
            if not is_python(mod) and self.boundaries.nest and fn.class_name and fn.decorators:
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


    def _invoked_safely(self, path: str, call: Call, index: int, client: Client | None, depth: int) -> bool:
        """``guarded("job", task)``: the project function ``guarded`` calls its ``task``
        parameter inside a try/catch (or the call that receives the function handles it)."""
        mod = self.project.modules[path]
        target = self.project.target(path, call)
        if target is None:
            # handed to a library: an entry point (a scheduler, a router), unless the library
            # handles the rejection itself (useSWR(key, fetcher))
            return call.callee in JS_REJECTION_HANDLERS
        owner = self.project.modules[target.path]
        fn = owner.functions.get(target.func)
        if fn is None or index >= len(fn.params):
            return False
        param = fn.params[index]
        inside = {fn.id}
        for f in owner.functions.values():
            if f.parent in inside:
                inside.add(f.id)
        invocations = [c for c in owner.calls if c.func in inside and c.text == param]
        if not invocations:
            return False
        if all(handled_here(owner, c, client) for c in invocations):
            return True
        return handled_here(mod, call, client) or self.unhandled_path(path, call.func, client, depth + 1) is None


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

    **Promise combinators.** A call written in the argument of `Promise.all` / `race` /
    `any` is handled when the combined promise is (`Promise.all([a(), b()]).catch(...)`,
    or awaited in a try); one in `Promise.allSettled(...)` always is (it never rejects).
    A promise made earlier and passed by name is judged where it is made.
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
            if handled_here(mod, call, client):
                continue
            chain = reach.unhandled_path(path, call.func, client)
            if chain is None:
                continue
            where = fn_name(mod, call.func)
            if len(chain) <= 1:
                why = "no caller in the project handles it" if call.func else "it runs at import time"
                msg = f"`{call.snippet}` in `{where}` is not inside a try/catch and {why}"
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
        for path, mod in project.modules.items():
            for call in mod.calls:
                client = network_client(call.callee)
                if client is not None:
                    yield path, mod, call, client, False
                    continue
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
                and not any(a.func == call.func and a.name == call.assigned_to for a in mod.accesses))
            if returned:
                out[FuncRef(path, call.func)] = client
        return out

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
    `"use client"` component and what only such modules import; see `vcx.browser_code`)
    holds no server worker, thread or connection: a request that never answers leaves one
    user's spinner turning until they navigate away, while the server side of the request
    has its own time limit. That is a user-interface concern, not the pool exhaustion this
    rule is about, so vcx does not ask for `AbortSignal.timeout` on every `fetch` of a
    React component. (ERR001 and ERR002 still apply there.)
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
            if project.runs_in_browser(path):
                continue  # no server resource waits on it (see the docstring)
            if call.instance_ctor in ("requests.Session", "requests.session") and \
                    call.text.split(".")[0] in mounted:
                continue
            reason = self._missing(call, client, defaults)
            if reason:
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
                return "has no signal, so it waits as long as the server keeps the socket open"
            init = call.args[1]
            if init.kind != "object" or init.keys is None:
                return None
            if "signal" in init.keys or "..." in init.keys or "timeout" in init.keys:
                return None
            return "has no signal (e.g. AbortSignal.timeout(ms)), so it can wait forever"
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
    `except FileNotFoundError: pass`, `except asyncio.CancelledError`) are not reported.

    JavaScript cannot name what a `catch` catches, so the narrow handler is told by what its
    `try` block does: a block that parses or decodes a value (`JSON.parse`, `new URL(s)`,
    `decodeURIComponent`, `await req.json()`) or touches browser storage or `Intl` (also
    through `n.toLocaleString(locale, options)` and the `Date` siblings given a locale or
    options, which throw a RangeError on a bad locale or currency code), and waits
    for nothing else, fails only on bad input or a blocked/full storage, an expected outcome
    the code then handles by falling through (`try { return new URL(s) } catch {} return null`).
    Such an empty `catch` is the JS form of `except ValueError: pass` and is not reported. A
    block that also awaits anything else, calls a network client or throws is reported.
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
                if not h.catch_all or h.guards == "parse":
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
    in browser code (see TZ002 for how vcx tells) it is only logged to the console; in
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
    `new Promise(resolve => setTimeout(resolve, ms))`. It holds through the project's calls
    (`Summaries.settles`): a function that only awaits functions that cannot reject cannot
    reject. A function can still fail, and the call is reported as before, when outside a
    `try` with a `catch` it throws, awaits or returns a promise that may reject (a library's,
    a parameter's, one kept in a field: `return this.pending`), parses what may be malformed
    (`JSON.parse`, `new URL`), or calls a synchronous project function that can throw; when a
    `catch` or `finally` block rethrows, throws, or awaits what may reject; and when it returns
    a promise from inside a `try` (`try { return save(); }`: the `catch` never sees that
    rejection). Only clear cases count: other synchronous library calls (logging, toasts, state
    setters) and plain reads are taken not to throw, with one exception — the value a promise
    that cannot reject resolves to may carry the failure (`{error}`, or undefined when a catch
    returned nothing), so reading a field of a field of it without `?.` (`res.data.items`), or
    any field of it unless it is a result object, counts as a possible TypeError, in the
    `.then(res => ...)` callbacks of the floating chain and after `const res = await ...`. Not
    followed: a function a hook returns (`const [save] = useSave()`: waiting for it proves
    nothing), getters and the functions a value is passed on to (reading `this.target` or
    calling `format(res.data)` is taken not to throw). What a callback registered for later
    (`setTimeout`, an event listener) does is that callback's own affair. Methods a library
    documents as synchronous make no promise at all: ioredis `disconnect()`, node-redis v5
    `destroy()` (`knowledge.javascript.SYNC_CLIENT_METHODS_OF`).

    Python is different: a coroutine called without `await` never runs, whether it could raise
    or not (the work silently does not happen), so an unawaited coroutine is reported whatever
    its body; and a task from `asyncio.create_task` whose reference is not kept can be
    garbage-collected before it finishes however it handles its errors, so it is reported too.
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
            consequence = "" if python else \
                "a rejection goes unnoticed: the browser only logs it to the console" \
                if project.runs_in_browser(path) else "a rejection crashes the process"
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
                    if call.context == "assign" and self._settled_later(mod, call):
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
                                       f"{consequence}")
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
                                       f"{consequence}")

    @staticmethod
    def _is_async_target(project: Project, path: str, call: Call) -> bool:
        ref = project.target(path, call)
        if ref is None:
            return False
        fn = project.function(ref)
        return fn is not None and fn.is_async

    @staticmethod
    def _cannot_reject(project: Project, path: str, mod: ModuleFacts, call: Call) -> bool:
        """The promise left floating cannot reject (JS/TS): the project function called cannot
        fail (``Summaries.settles``), and neither can the ``.then`` / ``.finally`` callbacks
        chained on it, nor their reading of the value it resolves to."""
        ref = project.target(path, call)
        if ref is None:
            return False
        sums = summaries(project)
        if not sums.settles(ref):
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
    def _settled_later(mod: ModuleFacts, call: Call) -> bool:
        """The variable the promise went into is awaited, returned, or handed on."""
        var = call.assigned_to
        if not var:
            return True  # destructured or assigned to an attribute: cannot tell
        if any(f == call.func and n == var for f, n, _ in mod.name_uses):
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
    def _is_promise_api(call: Call) -> bool:
        if network_client(call.callee) is not None:
            return True
        if sync_client_method(call.callee):
            return False
        return call.callee.startswith(ASYNC_INSTANCE_PREFIXES) or is_prisma_call(call.text)
