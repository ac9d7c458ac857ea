"""Web frameworks: how routes are registered and which project code is an error boundary.

Used by ERR001 (a framework-level error handler the project installs covers its routes)
and, later, by the rate-limit rules.
"""

from __future__ import annotations

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "all", "route",
                "api_route", "websocket")

# Python decorator attribute names that register a route (``@app.get``, ``@bp.route``).
PY_ROUTE_DECORATORS = frozenset(HTTP_METHODS) | {"view", "endpoint"}

# Python calls that install an error boundary, by framework.
PY_BOUNDARY_CALLS = {
    "exception_handler": "fastapi",  # @app.exception_handler(Exc) (FastAPI / Starlette)
    "add_exception_handler": "fastapi",
    "errorhandler": "flask",  # @app.errorhandler(Exc)
    "register_error_handler": "flask",
}

# JS route registration methods on an app/router (Express, Fastify, Koa-router, Hono).
JS_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "all", "head", "options",
                              "route", "use"})

# Library calls that settle the promise (or the promise of the function) they are handed and
# handle its rejection themselves (ERR001): sonner / react-hot-toast ``toast.promise(p, {error})``
# show the error toast; SWR's ``useSWR(key, fetcher)`` keeps a fetcher's failure in ``error``.
# fp-ts ``TE.tryCatch(f, onRejected)``, neverthrow ``ResultAsync.fromPromise(p, mapErr)`` and
# Effect ``Effect.tryPromise(f)`` turn a rejection into a value (a Left, an Err, a failure).
# Not here: ``swr/mutation`` and ``mutate(key, promise)``, which rethrow by default.
JS_REJECTION_HANDLERS = frozenset({
    "sonner.toast.promise", "react-hot-toast.toast.promise", "react-hot-toast.default.promise",
    "react-hot-toast.promise", "swr", "swr.default", "swr.useSWR", "swr/immutable", "swr/infinite",
    "swr/infinite.default", "swr.preload",
    "fp-ts/TaskEither.tryCatch", "fp-ts/TaskEither.tryCatchK", "fp-ts/lib/TaskEither.tryCatch",
    "fp-ts/lib/TaskEither.tryCatchK", "fp-ts.taskEither.tryCatch", "fp-ts.TE.tryCatch",
    "fp-ts/TaskOption.tryCatch", "fp-ts/lib/TaskOption.tryCatch",
    "neverthrow.ResultAsync.fromPromise", "neverthrow.ResultAsync.fromSafePromise", "neverthrow.fromPromise",
    "neverthrow.ResultAsync.fromThrowable", "neverthrow.fromAsyncThrowable",
    "effect.Effect.tryPromise", "effect/Effect.tryPromise",
})
# TanStack Query (``@tanstack/react-query``, and ``react-query`` before v4) runs the functions it is
# given and keeps their rejection itself: a query hook's or a prefetch's ``queryFn`` rejection
# becomes the query's ``error`` (``useSuspenseQuery`` throws it to the nearest error boundary;
# ``prefetchQuery`` swallows it), a ``useMutation`` ``mutationFn`` rejection becomes the mutation's
# ``error`` and goes to its ``onError`` (``mutate()`` catches it; ``mutateAsync()`` also returns it to
# its caller, which ERR001 does not follow: see its documentation). Positional forms
# (``useQuery(key, fn)``, ``useMutation(fn)``) in ``JS_REJECTION_HANDLERS``; the object form
# (``useQuery({ queryKey, queryFn })``) by the option that holds the function.
_TANSTACK_QUERY = ("@tanstack/react-query", "react-query")
_TANSTACK_CLIENTS = ("QueryClient()", "useQueryClient()")
_TANSTACK_QUERY_HOOKS = ("useQuery", "useInfiniteQuery", "useSuspenseQuery", "useSuspenseInfiniteQuery",
                         "usePrefetchQuery", "usePrefetchInfiniteQuery")
_TANSTACK_PREFETCH = ("prefetchQuery", "prefetchInfiniteQuery")
JS_REJECTION_HANDLER_OPTIONS: dict[str, frozenset[str]] = {
    **{f"{pkg}.{hook}": frozenset({"queryFn"}) for pkg in _TANSTACK_QUERY for hook in _TANSTACK_QUERY_HOOKS},
    **{f"{pkg}.useMutation": frozenset({"mutationFn"}) for pkg in _TANSTACK_QUERY},
    **{f"{pkg}.{client}.{method}": frozenset({"queryFn"}) for pkg in _TANSTACK_QUERY
       for client in _TANSTACK_CLIENTS for method in _TANSTACK_PREFETCH},
}
# Effect ``Effect.tryPromise({ try, catch })``: the rejection of ``try`` becomes the effect's typed
# failure (``catch`` maps it); the positional form ``Effect.tryPromise(f)`` is above.
JS_REJECTION_HANDLER_OPTIONS.update({f"{m}.tryPromise": frozenset({"try"}) for m in ("effect.Effect", "effect/Effect")})
JS_REJECTION_HANDLERS = JS_REJECTION_HANDLERS | frozenset(JS_REJECTION_HANDLER_OPTIONS)
# Functions a library calls itself, given as an option, whose failure (a throw, a rejected
# promise) the library catches and turns into its own outcome: the function has a caller, the
# library, that handles its errors (ERR001). Read from the libraries' sources:
# - posthog-node ``new PostHog(key, { fetch })``: the SDK sends every request through the custom
#   ``fetch`` inside its retrying ``fetchWithRetry``; a rejection of the last try is caught and
#   emitted as the client's ``"error"`` event (flush, decide, remote config: posthog-core
#   ``PostHogCoreStateless``), never left unhandled;
# - tRPC client links (``@trpc/client`` ``httpLink`` / ``httpBatchLink`` / ``httpBatchStreamLink``
#   and the ``unstable_`` names, ``{ fetch }``): the link's requester runs ``fetch`` in a promise
#   whose ``.catch`` hands the error to the operation's observer as a ``TRPCClientError``
#   (``httpLinkFactory``), which the procedure call rejects with / the React Query hook keeps as
#   its ``error``, like any failed request.
JS_LIBRARY_CALLED_OPTIONS: dict[str, frozenset[str]] = {
    "posthog-node.PostHog": frozenset({"fetch"}),
    **{f"@trpc/client.{link}": frozenset({"fetch"})
       for link in ("httpLink", "httpBatchLink", "httpBatchStreamLink", "unstable_httpBatchStreamLink")},
}
# trigger.dev (v4 ``@trigger.dev/sdk``, v3 ``@trigger.dev/sdk/v3``): the runner calls a task's
# ``run``, catches what it throws, records the failed attempt on the run and retries it, per the
# task's ``retry`` option or else the ``retries.default`` of the project's ``trigger.config.*``
# (``defineConfig``). ERR001 counts a task as a Celery task with ``autoretry_for``: handled when
# retries are configured (``maxAttempts`` above 1, or not written).
TRIGGER_TASK_CALLS = frozenset(f"{pkg}.{fn}" for pkg in ("@trigger.dev/sdk", "@trigger.dev/sdk/v3")
                               for fn in ("task", "schemaTask", "schedules.task"))
TRIGGER_CONFIG_CALLS = frozenset(f"{pkg}.defineConfig" for pkg in ("@trigger.dev/sdk", "@trigger.dev/sdk/v3"))
# Library calls that run the function given in an option and return its rejection to their
# caller: ``await queryClient.fetchQuery({ queryKey, queryFn })`` rejects when ``queryFn`` does.
JS_REJECTION_RETURNED_OPTIONS: dict[str, frozenset[str]] = {
    f"{pkg}.{client}.{method}": frozenset({"queryFn"}) for pkg in _TANSTACK_QUERY for client in _TANSTACK_CLIENTS
    for method in ("fetchQuery", "fetchInfiniteQuery", "ensureQueryData", "ensureInfiniteQueryData")
}
# next-safe-action: the client ``createSafeActionClient()`` makes (and what ``.use(...)`` derives
# from it) catches whatever an action throws and hands it to ``handleServerError``.
SAFE_ACTION_CLIENTS = frozenset({"next-safe-action.createSafeActionClient"})
SAFE_ACTION_METHODS = frozenset({"action", "stateAction"})

# Imports that make Express 4 forward async rejections to error middleware.
EXPRESS_ASYNC_PATCHES = frozenset({"express-async-errors", "express-async-handler", "express-promise-router",
                                   "@awaitjs/express"})
