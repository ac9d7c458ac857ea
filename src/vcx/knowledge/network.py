"""Outbound HTTP clients: which calls go over the network and how they behave.

Facts are from ``shared/reference/FRAMEWORKS.md`` section 1 (library sources cited there).
Adding a client is adding a row here and a fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

from vcx.facts import Call, Value

PY_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
# HTTP methods that send or change a resource rather than read one (n-plus-one: a request per
# element with one of these is no read of a remote resource).
HTTP_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Client methods named after the HTTP method they send (``axios.post``, ``requests.delete``,
# superagent's ``del``).
VERB_METHODS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE",
                "del": "DELETE", "head": "HEAD", "options": "OPTIONS"}
JS_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")


@dataclass(frozen=True, slots=True)
class Client:
    library: str
    language: str  # "python" | "js"
    # How a missing timeout behaves: "none" = waits forever by default; "default" = the
    # library has a finite default (httpx 5 s, aiohttp 300 s, ky 10 s).
    timeout_default: str
    # Where the timeout is configured: "kwarg" (timeout=), "signal" (fetch init.signal),
    # "option" (timeout key in the config object), "method" (superagent .timeout()).
    timeout_via: str
    raises_on_status: bool  # throws on 4xx/5xx by default
    # Exception classes (canonical prefixes) that catch its failures, Python only.
    exceptions: tuple[str, ...] = ()


REQUESTS = Client("requests", "python", "none", "kwarg", False,
                  ("requests.", "urllib3.exceptions."))
HTTPX = Client("httpx", "python", "default", "kwarg", False, ("httpx.",))
AIOHTTP = Client("aiohttp", "python", "default", "kwarg", False,
                 ("aiohttp.", "asyncio.TimeoutError", "asyncio.exceptions.TimeoutError", "TimeoutError"))
URLLIB = Client("urllib", "python", "none", "kwarg", True,
                ("urllib.error.", "socket.timeout", "TimeoutError", "http.client."))
URLLIB3 = Client("urllib3", "python", "none", "kwarg", False, ("urllib3.",))

FETCH = Client("fetch", "js", "none", "signal", False)
UNDICI_REQUEST = Client("undici", "js", "default", "option", False)
AXIOS = Client("axios", "js", "none", "option", True)
GOT = Client("got", "js", "none", "option", True)
KY = Client("ky", "js", "default", "option", True)
SUPERAGENT = Client("superagent", "js", "none", "method", True)
NEEDLE = Client("needle", "js", "default", "option", False)

# Exceptions broad enough to catch any client failure (Python).
PY_BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException", "OSError", "IOError", "EnvironmentError"})


def _table() -> dict[str, Client]:
    t: dict[str, Client] = {}
    for v in PY_VERBS:
        t[f"requests.{v}"] = REQUESTS
        t[f"requests.api.{v}"] = REQUESTS
        for ctor in ("requests.Session()", "requests.session()", "requests.sessions.Session()"):
            t[f"{ctor}.{v}"] = REQUESTS
        t[f"httpx.{v}"] = HTTPX
        for ctor in ("httpx.Client()", "httpx.AsyncClient()"):
            t[f"{ctor}.{v}"] = HTTPX
        t[f"aiohttp.ClientSession().{v}"] = AIOHTTP
    t["httpx.stream"] = HTTPX
    for ctor in ("httpx.Client()", "httpx.AsyncClient()"):
        t[f"{ctor}.send"] = HTTPX
        t[f"{ctor}.stream"] = HTTPX
    t["aiohttp.request"] = AIOHTTP
    t["aiohttp.ClientSession().ws_connect"] = AIOHTTP
    t["urllib.request.urlopen"] = URLLIB
    t["urllib.request.build_opener().open"] = URLLIB
    t["urllib3.request"] = URLLIB3
    for ctor in ("urllib3.PoolManager()", "urllib3.HTTPConnectionPool()", "urllib3.HTTPSConnectionPool()",
                 "urllib3.connection_from_url()", "urllib3.ProxyManager()"):
        t[f"{ctor}.request"] = URLLIB3
        t[f"{ctor}.urlopen"] = URLLIB3

    for name in ("fetch", "node-fetch", "undici.fetch", "cross-fetch", "isomorphic-fetch"):
        t[name] = FETCH
    t["undici.request"] = UNDICI_REQUEST
    for root, client in (("axios", AXIOS), ("got", GOT), ("ky", KY), ("needle", NEEDLE)):
        t[root] = client
        instance = {"axios": "axios.create()", "got": "got.extend()", "ky": "ky.create()", "needle": ""}[root]
        for v in (*JS_VERBS, "json"):
            t[f"{root}.{v}"] = client
            if instance:
                t[f"{instance}.{v}"] = client
        if instance:
            t[instance] = client  # an axios instance is callable: api(config)
    t["ky.extend()"] = KY
    for v in JS_VERBS:
        t[f"ky.extend().{v}"] = KY
        t[f"superagent.{v}"] = SUPERAGENT
    t["superagent.del"] = SUPERAGENT
    t["superagent"] = SUPERAGENT
    return t


NETWORK_CALLS: dict[str, Client] = _table()

# Constructors whose instances are HTTP clients; the call's options configure them.
CLIENT_CONSTRUCTORS = frozenset({
    "requests.Session", "requests.session", "requests.sessions.Session",
    "httpx.Client", "httpx.AsyncClient", "aiohttp.ClientSession",
    "urllib3.PoolManager", "urllib3.HTTPConnectionPool", "urllib3.HTTPSConnectionPool",
    "urllib3.ProxyManager", "urllib3.connection_from_url", "urllib.request.build_opener",
    "axios.create", "got.extend", "ky.create", "ky.extend",
})


def network_client(callee: str) -> Client | None:
    return NETWORK_CALLS.get(callee)


def network_call(call: Call) -> Client | None:
    """The client a call goes through, as :func:`network_client` tells by its callee, unless the
    call reaches no network: ``fetch(new URL("./font.ttf", import.meta.url))``, the bundler's
    idiom for a file shipped with the code (Next.js / Vercel edge functions, Vite, webpack 5
    resolve it to the deployment's own asset). It cannot time out on a remote server nor answer
    with a remote service's error, so ERR001/ERR002/ERR003 and the N+1 rules leave it out. Only a
    string literal path resolved against exactly ``import.meta.url``: ``new URL("/v1/x", base)``
    is a remote call."""
    client = NETWORK_CALLS.get(call.callee)
    if client is not None and call.callee == "fetch" and call.args and _bundled_asset(call.args[0]):
        return None
    return client


def _bundled_asset(url: Value) -> bool:
    """``new URL("<path>", import.meta.url)``: the front end keeps a ``new URL`` call's two
    arguments in ``items``."""
    if url.kind != "call" or url.ref != "URL" or not url.items or len(url.items) != 2:
        return False
    path, base = url.items
    return path.kind == "str" and base.kind == "attr" and base.text == "import.meta.url"


# Response body accessors that read the body without any status check (ERR002).
PY_BODY_ACCESSORS = frozenset({"json", "text", "content", "read", "iter_content", "iter_lines"})
JS_BODY_ACCESSORS = frozenset({"json", "text", "blob", "arrayBuffer", "formData", "body"})
PY_STATUS_CHECKS = frozenset({"raise_for_status", "status_code", "ok", "is_success", "is_error",
                              "status", "is_client_error", "is_server_error"})
JS_STATUS_CHECKS = frozenset({"ok", "status", "statusCode", "statusText"})

# Attributes worth recording when read on a local name (front ends filter on these in C).
ACCESS_ATTRS = frozenset(PY_BODY_ACCESSORS | JS_BODY_ACCESSORS | PY_STATUS_CHECKS | JS_STATUS_CHECKS
                         | {"data", "raise_for_status"})

# Python (asyncio / anyio / trio): what bounds the time an awaited coroutine may take, however long
# its own requests wait (ERR003). Calls that take the awaitable first and the limit as the given
# keyword or as the second argument, cancelling it when the time is up:
PY_TIME_BOUND_CALLS: dict[str, str] = {"asyncio.wait_for": "timeout"}
# Context managers that cancel what is awaited in their block after the time given as the given
# keyword or as the first argument (``async with asyncio.timeout(5):``, ``with anyio.fail_after(5):``).
PY_TIME_BOUND_SCOPES: dict[str, str] = {
    "asyncio.timeout": "delay", "asyncio.timeout_at": "when",
    "async_timeout.timeout": "delay", "async_timeout.timeout_at": "deadline",
    "anyio.fail_after": "delay", "anyio.move_on_after": "delay",
    "trio.fail_after": "seconds", "trio.move_on_after": "seconds",
    "trio.fail_at": "deadline", "trio.move_on_at": "deadline",
}
# Calls that start a task running a coroutine given as their first argument, returning a handle
# that ``asyncio.wait_for`` can bound (matched by the last name: a project wrapper of
# ``asyncio.create_task`` that keeps the task counts too).
PY_TASK_STARTERS = frozenset({"create_task", "ensure_future"})
# Python HTTP clients whose requests are coroutines (awaited, or entered with ``async with``): an
# outer time bound cancels them. A blocking ``requests`` call cannot be cancelled from the loop.
PY_ASYNC_CLIENT_PREFIXES = ("httpx.AsyncClient().", "aiohttp.")
