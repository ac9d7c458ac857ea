"""JavaScript / TypeScript: what the front end needs to know about libraries.

Which constructors make instances worth tracking by name (so that ``pool.query(...)``
resolves to ``pg.Pool().query``), and which expressions read configuration. Facts from
``shared/reference/FRAMEWORKS.md`` sections 0, 1.2, 2.4, 4.2 and 4.3.
"""

from __future__ import annotations

import re

from vcx.knowledge import databases as kdb
from vcx.knowledge import time as ktime
from vcx.knowledge.frameworks import JS_ROUTE_METHODS
from vcx.knowledge.network import CLIENT_CONSTRUCTORS

# Canonical constructors (besides the HTTP clients of ``network.CLIENT_CONSTRUCTORS``)
# whose instances the JS front end tracks: ``const pool = new Pool()`` makes
# ``pool.query`` resolve to ``pg.Pool().query`` with the constructor's options attached.
JS_TRACKED_CONSTRUCTORS = frozenset({
    # Dates and date libraries (``new Date(...)``: only with ``new``, see ``is_tracked_ctor``).
    "Date", "dayjs", "moment",
    # SQL drivers and ORMs.
    "pg.Pool", "pg.Client", "pg.default.Pool", "pg.default.Client",
    "mysql2.createPool", "mysql2.createConnection", "mysql2.createPoolCluster",
    "mysql2/promise.createPool", "mysql2/promise.createConnection", "mysql2/promise.createPoolCluster",
    "@prisma/client.PrismaClient", "sequelize.Sequelize", "sequelize", "knex", "knex.knex",
    "typeorm.DataSource", "kysely.Kysely", "postgres", "better-sqlite3",
    # Document stores and caches.
    "mongodb.MongoClient", "mongoose.createConnection",
    "ioredis", "ioredis.Redis", "ioredis.default", "ioredis.Cluster",
    "redis.createClient", "redis.createCluster", "@redis/client.createClient", "@upstash/redis.Redis",
    # Clients of remote APIs' SDKs (``kdb.API_SDK_PACKAGES``): ``private stripe: Stripe``.
    "stripe", "stripe.Stripe", "openai", "openai.OpenAI", "openai.AzureOpenAI", "@anthropic-ai/sdk",
    "@anthropic-ai/sdk.Anthropic", "twilio", "twilio.Twilio",
    # HTTP dispatchers.
    "undici.Agent", "undici.Pool", "undici.Client",
    # Schedulers and queues.
    "cron.CronJob", "bullmq.Queue", "bullmq.Worker", "bull",
    # Next.js's request cookies: ``const store = await cookies(); store.delete(name)``.
    "next/headers.cookies",
    # TanStack Query's client, whose ``prefetchQuery`` / ``fetchQuery`` run a query function (ERR001).
    "@tanstack/react-query.useQueryClient", "react-query.useQueryClient",
})

# ``@aws-sdk/client-s3.S3Client`` and friends.
AWS_CLIENT_PREFIX = "@aws-sdk/client-"


def is_tracked_ctor(callee: str, is_new: bool) -> bool:
    """Whether a call of ``callee`` creates an instance the front end tracks."""
    if callee == "Date":
        return is_new  # ``Date()`` without new returns a string
    if callee in CLIENT_CONSTRUCTORS or callee in JS_TRACKED_CONSTRUCTORS:
        return True
    return callee.startswith(AWS_CLIENT_PREFIX) and callee.endswith("Client")


# Roots of expressions that read configuration: ``process.env.X``, ``import.meta.env.X``.
JS_CONFIG_PREFIXES = ("process.env", "import.meta.env", "Deno.env", "Bun.env")
# Names (lower case) of objects that hold configuration: ``config.timeout``,
# ``settings.x``, ``env.API_URL`` (t3-env / envalid), ``configService.get("X")``.
JS_CONFIG_NAMES = frozenset({"config", "settings", "env", "cfg", "conf", "configuration", "environment",
                             "envvars", "appconfig", "appsettings"})
JS_CONFIG_SUFFIXES = ("config", "settings", "configservice", "env", "conf")
# Conversions that keep a configuration read a configuration read: ``Number(process.env.X)``.
JS_CONFIG_CONVERTERS = frozenset({"Number", "parseInt", "parseFloat", "String", "Boolean", "BigInt",
                                  "Number.parseInt", "Number.parseFloat", "JSON.parse", "ms", "Math.max",
                                  "Math.min", "Math.floor", "Math.round", "Math.ceil"})

# TS types (canonical) of parameters and fields -> the constructor whose instances they are:
# ``constructor(private readonly prisma: PrismaClient)``, ``api: AxiosInstance``.
JS_TYPE_CTORS: dict[str, str] = {
    "axios.AxiosInstance": "axios.create",
    "axios.Axios": "axios.create",
    "got.Got": "got.extend",
    "ky.KyInstance": "ky.create",
    "pg.PoolClient": "pg.Pool",
    "mysql2/promise.Pool": "mysql2/promise.createPool",
    "mysql2/promise.Connection": "mysql2/promise.createConnection",
    "ioredis.Redis": "ioredis",
    "redis.RedisClientType": "redis.createClient",
    "typeorm.Repository": "typeorm.Repository",
    "typeorm.EntityManager": "typeorm.EntityManager",
    "typeorm.DataSource": "typeorm.DataSource",
    "mongoose.Model": "mongoose.Model",
    # mongoose-delete's plugin model: a mongoose Model whose `delete` / `restore` soft-delete (write)
    "mongoose-delete.SoftDeleteModel": "mongoose.Model",
    "mongodb.Collection": "mongodb.Collection",
    "mongodb.Db": "mongodb.Db",
    "knex.Knex": "knex",
    "kysely.Kysely": "kysely.Kysely",
    "@nestjs/axios.HttpService": "@nestjs/axios.HttpService",
}


# -- calls worth keeping when their receiver resolves to nothing the file knows --------------
# Most calls of a JS code base are on parameters, locals and unknown globals (``t("...")``,
# ``items.push(x)``, ``event.preventDefault()``) and no rule reads them, so the front end
# drops them, as the Python front end does (``vcx.knowledge.PY_KEEP_UNRESOLVED``). A call
# whose receiver is not resolved is kept for its method name, for a receiver named like a
# database client, cache or logger, or for a global the rules know; calls on imports,
# instances, ``this`` and the project's own functions are always kept. Adding a rule that
# reads another kind of call on unknown receivers means adding its names here.
JS_KEEP_UNRESOLVED_METHODS = frozenset().union(
    kdb.READ_METHODS, kdb.WRITE_METHODS, kdb.BATCH_METHODS, kdb.TXN_METHODS, kdb.SQL_METHODS,
    kdb.CACHE_COMMANDS, kdb.ITERATION_METHODS, kdb.PRISMA_OPS, kdb.PRISMA_CLIENT_OPS, kdb.EAGER_METHODS,
    JS_ROUTE_METHODS, ktime.JS_LOCAL_DATE_METHODS, ktime.JS_LOCAL_FORMAT_METHODS,
    {
        # Promises: chains that handle or lose a rejection (ERR001, ERR004).
        "then", "catch", "finally", "allSettled", "race", "any",
        # ORM rows and documents (NPQ, TXN): row.save(), doc.populate(), user.reload().
        "save", "destroy", "populate", "reload",
        # Error boundaries and servers (ERR001): fastify.setErrorHandler, app.useGlobalFilters.
        "setErrorHandler", "useGlobalFilters", "listen", "register",
        # Waits between iterations (NPQ001 pacing).
        "sleep", "wait", "delay",
        # A ``blob:`` URL of local memory (ERR001-ERR003: ``fetch`` of it is no request).
        "createObjectURL",
        # TanStack Query mutations, whose error the mutation may already show (ERR004).
        "mutateAsync",
    },
)
JS_KEEP_UNRESOLVED_ROOTS = frozenset({
    "fetch", "Date", "Promise", "setTimeout", "setInterval", "setImmediate", "queueMicrotask", "require",
    "process", "console", "logger", "log", "winston", "pino", "next",
}) | kdb.DB_NAMES | kdb.CACHE_NAMES
_ASSOCIATION_METHOD = re.compile(r"get[A-Z]")  # Sequelize association getters: row.getCourse()


def js_keep_unresolved(callee_text: str) -> bool:
    """Whether a call on a receiver the front end could not resolve may matter to a rule,
    judged by its source text (``order.items.save``, ``db.query``, ``trx("t").insert``)."""
    parts = callee_text.replace("?.", ".").split(".")
    method = parts[-1]
    if method in JS_KEEP_UNRESOLVED_METHODS or _ASSOCIATION_METHOD.match(method):
        return True
    for part in parts:
        name = part.split("(", 1)[0].split("[", 1)[0].strip()
        if name in JS_KEEP_UNRESOLVED_ROOTS or name.lower() in JS_KEEP_UNRESOLVED_ROOTS:
            return True
    return False

# Calls that mount a user interface into a page: a module that makes one is a browser entry
# point, and what only browser code imports runs in a browser (``vcx.browser_code``).
# React's state and effect hooks: a component that calls one is a client component (React
# Server Components may not), so its date logic runs for the user, in the user's zone.
BROWSER_HOOKS = frozenset({
    f"{lib}.{hook}" for lib in ("react", "preact/hooks", "preact/compat")
    for hook in ("useState", "useEffect", "useLayoutEffect", "useReducer", "useSyncExternalStore",
                 "useTransition", "useOptimistic")
})
BROWSER_MOUNTS = frozenset({
    "react-dom.render", "react-dom.hydrate", "react-dom/client.createRoot", "react-dom/client.hydrateRoot",
    "react-dom.createRoot", "react-dom.hydrateRoot",
    "vue.createApp", "vue.createSSRApp", "preact.render", "preact.hydrate", "solid-js/web.render",
    "solid-js/web.hydrate", "svelte.mount", "svelte.hydrate",
    "@angular/platform-browser.bootstrapApplication",
    "@angular/platform-browser-dynamic.platformBrowserDynamic",
})

# A package (its nearest package.json) that depends on a UI framework and on nothing that runs
# on a server is a front-end app or UI library: its modules run in a browser (or a desktop
# webview), whether or not vcx sees the .vue/.svelte files that import them.
UI_FRAMEWORK_PACKAGES = frozenset({
    "vue", "react-dom", "svelte", "solid-js", "preact", "@angular/core", "lit",
})
SERVER_SIDE_PACKAGES = frozenset({
    # Full-stack frameworks: their apps hold server code beside the components.
    "next", "nuxt", "@remix-run/node", "@remix-run/react", "@sveltejs/kit", "astro", "gatsby", "@redwoodjs/core",
    "@builder.io/qwik-city", "@tanstack/react-start", "@tanstack/start", "waku",
    # Servers and desktop main processes.
    "express", "koa", "fastify", "@nestjs/core", "hono", "@hapi/hapi", "restify", "electron",
    # Email: templates rendered to HTML and mail sent from the server (react-email, MJML).
    "react-email", "@react-email/components", "@react-email/render", "jsx-email", "mjml", "nodemailer",
    "resend", "@sendgrid/mail", "postmark", "@aws-sdk/client-ses",
    # Database and cache clients count too: ``knowledge.databases.is_database_driver``.
})


# -- promises that cannot reject, calls that throw, methods that return no promise -----------------
# Why a promise can or cannot reject decides whether losing it loses an error (ERR005): see
# ``Function.settles`` and ``Summaries.settles``.

# Library calls that throw on bad input: the synchronous failures an async function outside a
# ``try`` turns into a rejection (``JSON.parse("<html>")``, ``new URL("not a url")``). Other
# synchronous library calls (logging, toasts, state setters, DOM updates) are taken not to throw.
JS_THROWING_CALLS = frozenset({"JSON.parse", "decodeURIComponent", "decodeURI", "atob", "BigInt",
                               "structuredClone"})
JS_THROWING_CONSTRUCTORS = frozenset({"URL", "RegExp"})
# Functions that handle a rejection without failing themselves, passed by name: `.catch(console.error)`.
JS_SAFE_HANDLERS = frozenset({"console.error", "console.warn", "console.log", "console.info", "console.debug"})


def promise_never_rejects(callee_text: str, n_args: int, first_arg: str, first_arg_callee: str,
                          first_arg_text: str = "") -> str:
    """Whether the promise of a library call cannot reject, from the call's source text: "result"
    when it resolves to an object (a result object or an array, never undefined, so reading a
    field of it cannot throw), "value" when it resolves to some other value, "" when it may
    reject. ``first_arg``: the syntax type of the first argument; ``first_arg_callee``: the source
    text of its callee when it is a call; ``first_arg_text``: its source text.

    * RTK Query: ``dispatch(api.endpoints.getX.initiate(args))`` (``store.dispatch``,
      ``this.props.dispatch``, ``getStore().dispatch``) resolves to ``{data}`` or ``{error}`` and
      never rejects; only ``.unwrap()`` on it throws the error. So do the running requests
      ``dispatch(api.util.getRunningQueriesThunk())`` returns (and the mutations'), which
      ``Promise.all`` waits for.
    * ``Promise.allSettled(...)`` reports each outcome instead of rejecting;
      ``Promise.resolve()`` / ``Promise.resolve(<literal>)`` is already resolved.
    """
    text = callee_text.replace("?.", ".").replace(" ", "")
    last = text.rsplit(".", 1)[-1]
    if last == "dispatch" and first_arg_callee.replace("?.", ".").endswith(".initiate"):
        return "result"
    if text == "Promise.allSettled":
        return "result"
    if text == "Promise.all" and _RTK_RUNNING.fullmatch(first_arg_text.replace("?.", ".")):
        return "result"
    if text == "Promise.resolve" and (n_args == 0 or first_arg in _LITERAL_TYPES):
        return "value"
    return ""


# Next.js request-scope APIs (``next/headers``): they throw outside a request, and a cookie store
# throws on ``set``/``delete`` outside a Server Action or Route Handler (a Server Component). A
# failure there is an expected outcome where the code runs (ERR004).
REQUEST_SCOPE_CALLS = frozenset({"next/headers.cookies", "next/headers.headers", "next/headers.draftMode"})
REQUEST_SCOPE_PREFIX = "next/headers.cookies()."


def is_request_scope_call(callee: str) -> bool:
    """``cookies()``, ``headers()``, ``(await cookies()).set(...)`` of ``next/headers``."""
    return callee in REQUEST_SCOPE_CALLS or callee.startswith(REQUEST_SCOPE_PREFIX)


# Calls that report an error to the user or to the operators, by the callee's source text: a
# toast or notification, a form or state error setter (``setError``, ``form.setError``,
# ``surfaceError``), an alert, a log line, an error report (``Sentry.captureException``). A
# ``catch`` that makes one before it rethrows has shown the error already (ERR004).
REPORTING_CALL = re.compile(r"(?i)error|toast|notif|alert|report|capture|warn|^console\.|^(?:this\.)?logger\.")
# TanStack Query's mutation constructors: ``useMutation({ onError })`` (also tRPC's
# ``trpc.a.b.useMutation``) and a client-wide handler (``new MutationCache({ onError })``).
MUTATION_HOOKS = ("useMutation",)
MUTATION_CACHES = ("MutationCache",)


# TanStack Query refreshes that keep a failure in the query's state instead of rejecting (ERR004):
# ``QueryClient.refetchQueries`` / ``invalidateQueries`` / ``resetQueries`` add ``.catch(noop)`` to
# each fetch unless ``throwOnError: true`` (query-core ``queryClient.ts``; ``cancelQueries`` always
# does), and so does an observer's ``refetch()`` (``useQuery(...).refetch``, ``queryObserver.ts``).
# tRPC's ``utils.<path>.invalidate()`` / ``refetch()`` call the first two, and TanStack DB's
# query collection ``collection.utils.refetch()`` calls observers' ``refetch({ throwOnError })``.
# Apollo's ``client.refetchQueries`` and ``useQuery().refetch`` do reject: the receiver must name
# a query client (``queryClient``, ``useQueryClient()``) or a ``utils`` object.
QUERY_CLIENT_REFRESHES = frozenset({"refetchQueries", "invalidateQueries", "resetQueries", "cancelQueries"})
UTILS_REFRESHES = frozenset({"refetch", "invalidate", "refetchQueries", "invalidateQueries", "reset", "cancel"})
_QUERY_CLIENT_NAME = re.compile(r"(?i)(?:^|\.)(?:[\w$]*queryclient)(?:\(\))?$")
_UTILS_NAME = re.compile(r"(?:^|\.)[\w$]*[uU]tils(?:\(\))?(?:\.|$)")


def query_refresh_settles(callee_text: str, canonical: str) -> bool:
    """Whether ``callee_text(...)`` (source text; ``canonical``: its resolved name) is a TanStack
    Query / tRPC / TanStack DB refresh whose promise resolves even when the refetch fails (see
    ``QUERY_CLIENT_REFRESHES``). The caller checks that no ``throwOnError: true`` is passed."""
    text = callee_text.replace("?.", ".").replace(" ", "")
    recv, _, method = text.rpartition(".")
    if not recv:
        return False
    if method in QUERY_CLIENT_REFRESHES and (
            _QUERY_CLIENT_NAME.search(recv) is not None or "QueryClient()." in canonical):
        return True
    return method in UTILS_REFRESHES and _UTILS_NAME.search(recv) is not None
# Library calls that return no promise, whose value an async function may return or await
# without anything to reject (ERR005): toasts show a notification and return its id (``return
# toast.error("Name required")``). Known packages, and any ``toast`` / ``toast.<method>`` however
# it is imported (a design system that re-exports sonner's: ``import { toast } from "@acme/ui"``),
# except ``toast.promise``: react-hot-toast's and react-toastify's return the promise they follow
# (which still rejects); sonner's returns the toast's id (with ``unwrap()``), having caught it.
JS_SYNC_LIBRARY_PREFIXES = ("sonner.toast", "react-hot-toast", "react-toastify.toast")
JS_SYNC_LIBRARY_EXCEPT = frozenset({"promise"})
JS_SYNC_EVEN_PROMISE = "sonner.toast"
_TOAST_CALL = re.compile(r"(?:^|\.)toast(?:\.([\w$]+))?")
# Methods of the objects a library call makes that are synchronous, by the callee that made the
# object: pdf-lib's ``PDFDocument`` reads and edits its pages in memory (``save``, ``copyPages``
# and the ``embed*`` methods return promises); so does LibPDF's (``@libpdf/core``) page count.
JS_SYNC_METHODS_OF_RESULT = {
    "@libpdf/core.PDF.load": frozenset({"getPageCount"}),
    "pdf-lib.PDFDocument.load": frozenset({
        "getPageCount", "getPages", "getPage", "getPageIndices", "getForm", "getTitle", "getAuthor", "getSubject",
        "getKeywords", "getCreator", "getProducer", "getCreationDate", "getModificationDate", "addPage",
        "insertPage", "removePage", "setTitle", "setAuthor", "setSubject", "setKeywords", "setCreator",
        "setProducer", "setCreationDate", "setModificationDate", "setLanguage"}),
}
JS_SYNC_METHODS_OF_RESULT["pdf-lib.PDFDocument.create"] = JS_SYNC_METHODS_OF_RESULT["pdf-lib.PDFDocument.load"]


def returns_no_promise(callee: str, origin: str = "") -> bool:
    """The library call ``callee`` returns no promise (see ``JS_SYNC_LIBRARY_PREFIXES``); ``origin``:
    the callee of the call that made its receiver, when it is a local name
    (``JS_SYNC_METHODS_OF_RESULT``)."""
    if callee.startswith(JS_SYNC_LIBRARY_PREFIXES):
        head = next(p for p in JS_SYNC_LIBRARY_PREFIXES if callee.startswith(p))
        rest = callee[len(head):]
        return rest == "" or (rest[:1] == "." and (head == JS_SYNC_EVEN_PROMISE or
                                                   rest.rsplit(".", 1)[-1] not in JS_SYNC_LIBRARY_EXCEPT))
    toast = _TOAST_CALL.search(callee)
    if toast is not None and toast.end() == len(callee):
        return toast.group(1) not in JS_SYNC_LIBRARY_EXCEPT
    if origin:
        methods = JS_SYNC_METHODS_OF_RESULT.get(origin)
        return methods is not None and callee.rsplit(".", 1)[-1] in methods
    return False


# `store.dispatch(api.util.getRunningQueriesThunk())`, `getStore().dispatch(...)`, `dispatch(...)`.
_RTK_RUNNING = re.compile(r"\s*(?:[\w$.]+\(\)\.|[\w$.]+\.)?dispatch\(\s*[\w$.]+\.util\."
                          r"getRunning(?:Queries|Mutations)Thunk\(\s*\)\s*\)\s*")
_LITERAL_TYPES = frozenset({"string", "number", "true", "false", "null", "undefined", "object", "array",
                            "template_string"})

# Methods of the clients in ``rules.error_handling.ASYNC_INSTANCE_PREFIXES`` that return no
# promise: event-emitter registration, Prisma's ``$on``/``$use``/``$extends``, and builders
# (``redis.pipeline()`` / ``multi()`` queue commands).
SYNC_CLIENT_METHODS = frozenset({"on", "once", "off", "addListener", "removeListener", "removeAllListeners",
                                 "emit", "listeners", "setMaxListeners", "$on", "$use", "$extends",
                                 "pipeline", "multi", "duplicate", "release"})
# ... and those synchronous in one client only: ioredis' ``disconnect()`` closes the connection at
# once and returns nothing (``quit()`` is the one that waits); node-redis v5's ``destroy()`` likewise
# (``close()`` waits; v4's ``disconnect()`` and ``quit()`` return promises).
SYNC_CLIENT_METHODS_OF = {
    "ioredis().": frozenset({"disconnect"}),
    "redis.createClient().": frozenset({"destroy"}),
}


def sync_client_method(callee: str) -> bool:
    """The method a client instance's canonical callee names returns no promise."""
    head, _, meth = callee.rpartition(".")
    if meth in SYNC_CLIENT_METHODS:
        return True
    prefix = head + "."
    return meth in SYNC_CLIENT_METHODS_OF.get(prefix, ())
