"""Retry decorators (Python): when giving up returns instead of raising.

Used by ERR001: a retry decorator handles the errors of the function it wraps only when its
give-up, after the last attempt, returns a value instead of letting the error escape. Retrying
alone handles nothing: by default both libraries below end by raising.

Read from the libraries' sources:

* backoff 2.2.1 (``backoff/_sync.py`` ``retry_exception``, ``backoff/_async.py``, README
  "raise_on_giveup"): ``@backoff.on_exception(wait_gen, exception, ..., raise_on_giveup=True)``
  retries when the call raises one of ``exception`` (a class or a tuple of classes). On give-up
  (``max_tries`` / ``max_time`` reached, or ``giveup(e)`` true) it re-raises the exception,
  unless ``raise_on_giveup=False``: then the decorated function returns ``None``. The one
  exception: a wait generator that runs out (``backoff.constant(interval=[1, 2, 3])``, a list
  of intervals) re-raises whatever ``raise_on_giveup`` says; ``expo``, ``fibo``, ``decay``,
  ``runtime`` and ``constant`` with one interval never run out.
  ``backoff.on_predicate`` retries on return values, not exceptions: it handles nothing.
* tenacity 9.1 (``tenacity/__init__.py`` ``BaseRetrying._post_stop_check_actions``, ``RetryError``):
  ``@tenacity.retry(...)`` / bare ``@retry``. When the ``stop`` condition is reached it raises
  ``RetryError`` (``reraise=True``: the last attempt's own exception), unless
  ``retry_error_callback=f`` is given: then the decorated function returns ``f(retry_state)``
  whatever ``reraise`` says. That applies only to the exceptions the ``retry`` predicate
  retries: the default (``retry_if_exception_type()``) retries every ``Exception``;
  ``retry_if_exception_type(A, ...)`` only ``A``; an exception the predicate does not retry is
  raised at once. Other predicates (on results, messages, combinations) are not read: vcx
  cannot tell which exceptions they retry.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryDecorator:
    library: str
    # Where the decorator's call names the exception classes it retries, as (keyword, position);
    # None when a predicate decides (``predicate_kw``).
    exceptions_arg: tuple[str, int] | None
    # The keyword option whose value makes giving up return instead of raise, and the literal
    # value it must have (``raise_on_giveup=False``); None: any value other than ``None``
    # (``retry_error_callback=log_and_return_none``).
    quiet_kw: str
    quiet_value: bool | None
    # tenacity: the keyword taking the retry predicate, the predicates that name the exception
    # classes they retry (in their positional arguments, default ``Exception``).
    predicate_kw: str | None = None
    exception_predicates: frozenset[str] = frozenset()
    # backoff: the wait generators that can run out, and the keyword that makes them (a list).
    finite_wait: tuple[tuple[str, str], ...] = ()


BACKOFF_ON_EXCEPTION = RetryDecorator(
    "backoff", ("exception", 1), "raise_on_giveup", False,
    finite_wait=(("backoff.constant", "interval"), ("backoff._wait_gen.constant", "interval")))
TENACITY_RETRY = RetryDecorator(
    "tenacity", None, "retry_error_callback", None, predicate_kw="retry",
    exception_predicates=frozenset({"tenacity.retry_if_exception_type", "tenacity.retry.retry_if_exception_type"}))

# Canonical decorator callee -> what it does on give-up.
PY_RETRY_DECORATORS: dict[str, RetryDecorator] = {
    "backoff.on_exception": BACKOFF_ON_EXCEPTION,
    "backoff._decorator.on_exception": BACKOFF_ON_EXCEPTION,
    "tenacity.retry": TENACITY_RETRY,
}


# Job-runner decorators that retry a failed run when given a retry count (ERR001: a retried job is
# handled, as a Celery task with ``autoretry_for`` is): canonical decorator callee -> the keyword
# of the count. Prefect 2/3 (``prefect/tasks.py`` ``task(..., retries=None, retry_delay_seconds=...)``,
# ``prefect/flows.py`` ``flow(..., retries=None, ...)``): the engine reruns a run that raised, up
# to ``retries`` more times, then records it as Failed with the exception. No count (or 0) runs
# it once.
PY_RETRYING_JOB_DECORATORS: dict[str, str] = {
    "prefect.task": "retries", "prefect.tasks.task": "retries",
    "prefect.flow": "retries", "prefect.flows.flow": "retries",
}
