"""timezone: server-local or naive time where UTC/aware time is needed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from vcx.facts import Call, ModuleFacts, Value
from vcx.findings import Finding
from vcx.knowledge import time as tk
from vcx.link import Project
from vcx.rules import Rule
from vcx.rules.error_handling import fn_name

DISPLAY_SINKS = ("print", "click.echo", "typer.echo", "console.log")


def _same_line_calls(mod: ModuleFacts, call: Call) -> list[Call]:
    return [c for c in mod.calls if c.loc.line == call.loc.line and c.id != call.id]


def _made_aware_on_line(mod: ModuleFacts, call: Call) -> bool:
    """The value is made aware where it is made: on the same line (``.replace(tzinfo=...)``,
    ``.astimezone(...)``), or as the argument of ``make_aware(...)`` / ``localize(...)``
    spanning several lines."""
    for c in _same_line_calls(mod, call):
        last = c.callee.rsplit(".", 1)[-1]
        if last in tk.PY_MAKE_AWARE:
            return True
        if last == "replace" and "tzinfo" in c.kwargs:
            return True
    if call.context == "arg":
        for c in mod.calls:
            if c.callee.rsplit(".", 1)[-1] in tk.PY_MAKE_AWARE and \
                    any(a.call_id == call.id for a in (*c.args, *c.kwargs.values())):
                return True
    return False


# How a naive value kept in a name is made aware later (:attr:`Call.uses`): ``.astimezone(...)``
# and ``.timestamp()`` read a naive value as server-local time, which a local "now" is (and a
# UTC "now" or a parsed string is not); ``.replace(tzinfo=...)``, ``localize(...)`` and
# ``make_aware(...)`` name the zone the digits are meant in.
_NAMES_ZONE = frozenset({"arg:localize:0", "arg:make_aware:0"})
_READS_AS_LOCAL = frozenset({"call:astimezone", "call:timestamp"})


def _names_zone(use: str) -> bool:
    if use in _NAMES_ZONE:
        return True
    kind, _, rest = use.partition(":")
    method, _, keywords = rest.partition(":")
    return kind == "call" and method == "replace" and "tzinfo" in keywords.split(",")


def _own_uses(call: Call) -> list[str]:
    """:attr:`Call.uses` without the names the value is kept in (``var:``) and the kinds of the
    values it is compared with (``with:``, which always come with a ``compare`` / ``sub``)."""
    return [u for u in call.uses if not u.startswith(("var:", "with:"))]


def _made_aware_later(call: Call) -> bool:
    """The value is kept in a name, and every read of the name makes it aware (TZ001): a local
    "now" by ``.astimezone(...)`` / ``.timestamp()`` / naming its zone, a UTC one by naming UTC."""
    uses = _own_uses(call)
    if not uses or not any(u.startswith("var:") for u in call.uses):
        return False
    local = call.callee != "datetime.datetime.utcnow"
    return all(_names_zone(u) or (local and u in _READS_AS_LOCAL) for u in uses)


# Local "now" calls whose naive value converts back to the right instant: ``.timestamp()`` and
# ``time.mktime(....timetuple())`` read a naive value as server-local time, which it is.
_LOCAL_NOW = frozenset({"datetime.datetime.now", "datetime.datetime.today"})


def _epoch_roundtrip(mod: ModuleFacts, call: Call) -> bool:
    """The local time is only turned into an epoch timestamp: ``datetime.now().timestamp()``,
    ``time.mktime(datetime.now().timetuple())``, ``time.mktime(time.localtime())`` (the mktime
    call and the now() inside it). The epoch does not depend on the server's zone."""
    if call.callee == "time.localtime" and not call.args and call.context == "arg":
        return any(c.callee == "time.mktime" and c.args and c.args[0].call_id == call.id for c in mod.calls)
    if call.callee in _LOCAL_NOW:
        if call.chain[:1] == ("timestamp",):
            return True
        if call.chain[:1] == ("timetuple",) and call.outer_context == "arg":
            return any(c.callee == "time.mktime" and c.args and c.args[0].call_id is not None and
                       c.args[0].call_id < len(mod.calls) and
                       (mod.calls[c.args[0].call_id].loc[:2] == call.loc[:2]) for c in mod.calls)
        return False
    if call.callee == "time.mktime" and call.args and call.args[0].kind == "call" and \
            call.args[0].call_id is not None and call.args[0].call_id < len(mod.calls):
        inner = mod.calls[call.args[0].call_id]
        if inner.callee == "time.localtime" and not inner.args:
            return True
        recv, _, meth = inner.callee.rpartition("().")
        return meth == "timetuple" and recv in _LOCAL_NOW and inner.args == [] and \
            not any(c.loc[:2] == inner.loc[:2] and c.callee in _LOCAL_NOW and ("tz" in c.kwargs or c.args)
                    for c in mod.calls)
    return False


# Fields of a local "now" that are the same in every zone whose offset is whole hours.
_ZONE_FREE_FIELDS = frozenset({"attr:minute", "attr:second", "attr:microsecond"})


def _only_minutes(call: Call) -> bool:
    """Only the minute, second or microsecond of a local ``now()`` / ``today()`` is read (TZ001):
    ``datetime.now().minute // 10`` picks the same bucket at the same instant in UTC and in every
    whole-hour zone."""
    uses = _own_uses(call)
    return call.callee in _LOCAL_NOW and bool(uses) and all(u in _ZONE_FREE_FIELDS for u in uses)


# Django lookups that compare a column with the value they are given (``created__lt=d``).
_LOOKUP_COMPARE = re.compile(r"^kw:\w+__(?:lt|lte|gt|gte|range|exact)$")


def _naive_literal_meets(mod: ModuleFacts, call: Call, aware: bool | None) -> tuple[str | None, bool | None]:
    """How the naive ``datetime(...)`` literal ``call`` meets an aware value (TZ001), from
    :attr:`Call.uses` (in place, through the name it is kept in, a module constant included):
    compared with or subtracted from an operand the front end knows is aware; or from one of
    unknown kind (a parameter, an attribute, a call's result) or in a Django lookup
    (``created__lt=``) in a module that works with aware datetimes (``aware``, computed once).
    Returns the message part (None: not reported) and ``aware``."""
    withs = {u[5:] for u in call.uses if u.startswith("with:")}
    if "aware" in withs:
        return "is a naive datetime compared with (or subtracted from) an aware value, which raises TypeError", \
            aware
    if "unknown" in withs or any(_LOOKUP_COMPARE.match(u) for u in call.uses):
        if aware is None:
            aware = _uses_aware_time(mod)
        if aware:
            return "is a naive datetime in a module that works with aware ones; comparing them raises " \
                   "TypeError", aware
    return None, aware


def _printed(mod: ModuleFacts, call: Call) -> bool:
    """The value only goes to a person: the call sits inside the arguments of print(...)."""
    start = (call.loc.line, call.loc.col)
    end = (call.loc.end_line, call.loc.end_col)
    for outer in mod.calls:
        if outer.callee in DISPLAY_SINKS and outer.id != call.id and \
                (outer.loc.line, outer.loc.col) <= start and end <= (outer.loc.end_line, outer.loc.end_col):
            return True
    return False


LOG_SINKS = ("console.", "logger.", "log.", "this.logger.", "winston.", "pino.")


def _logged(mod: ModuleFacts, call: Call) -> bool:
    """The value only goes into a log line (display for a person, not a key or a comparison)."""
    start = (call.loc.line, call.loc.col)
    end = (call.loc.end_line, call.loc.end_col)
    for outer in mod.calls:
        if outer.id != call.id and outer.text.startswith(LOG_SINKS) and \
                (outer.loc.line, outer.loc.col) <= start and end <= (outer.loc.end_line, outer.loc.end_col):
            return True
    return False


def _partial_zone(call: Call, ref: str) -> bool:
    """``functools.partial(datetime.now, timezone.utc)`` / ``partial(datetime.now, tz=...)``: the
    callable is bound to a zone, as the call ``datetime.now(timezone.utc)`` is (TZ001)."""
    rule = tk.PY_NAIVE_CALLS.get(ref, "never")
    if not rule.startswith("tz_arg:"):
        return False
    idx = int(rule.split(":")[1])
    return "tz" in call.kwargs or "tzinfo" in call.kwargs or len(call.args) - 1 > idx


AWARE_MARKERS = ("timezone.utc", "UTC", "ZoneInfo", "pytz", "tzinfo", "django.utils.timezone")


def _uses_aware_time(mod: ModuleFacts) -> bool:
    """The module works with aware datetimes (so a naive one there will be mixed with them)."""
    for c in mod.calls:
        if "tz" in c.kwargs or "tzinfo" in c.kwargs or c.callee.startswith("django.utils.timezone."):
            return True
        if c.callee in tk.PY_NAIVE_CALLS and c.args and any(
                m in (a.ref or a.text) for a in c.args for m in AWARE_MARKERS):
            return True
    return False


# Methods that look up or compare what they are given first: a Map or Set key, a search.
_KEY_ARGUMENTS = frozenset({"get", "set", "has", "add", "delete"})
_SEARCH_ARGUMENTS = frozenset({"includes", "indexOf", "lastIndexOf", "localeCompare"})
# Calls whose callback returns the key of a group or the order (lodash, Object.groupBy, d3).
_KEY_CALLBACKS = frozenset({"groupBy", "countBy", "keyBy", "uniqBy", "sortBy", "orderBy", "group", "rollup",
                            "index"})
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def _names_a_key(name: str) -> bool:
    """``key``, ``dayKey``, ``cache_key``, ``KEYS``: a name that says its value is a key."""
    return any(w.lower() in ("key", "keys") for w in _WORDS.findall(name))


def _day_name_use(mod: ModuleFacts, call: Call) -> str | None:
    """How a day name (``toDateString()`` / ``toLocaleDateString()``) is used as a key or compared,
    from :attr:`Call.uses`, for the message; None when it is not (shown, sent, stored as text)."""
    uses = call.uses
    for u in uses:
        if u == "compare" or u == "call:localeCompare":
            return "compares it"
        if u == "key":
            return "uses it as a key"
        kind, _, rest = u.partition(":")
        if kind == "arg":
            name, _, pos = rest.rpartition(":")
            if pos == "0" and name in _KEY_ARGUMENTS:
                return f"uses it as a key (`{name}`)"
            if name in _SEARCH_ARGUMENTS:
                return f"compares it (`{name}`)"
        elif kind in ("var", "prop") and _names_a_key(rest):
            return f"uses it as a key (`{rest}`)"
    if "return" in uses and call.func is not None:
        fn = mod.functions.get(call.func)
        if fn is not None and fn.callback_of is not None and fn.callback_of < len(mod.calls):
            outer = mod.calls[fn.callback_of].callee.rsplit(".", 1)[-1]
            if outer in _KEY_CALLBACKS:
                return f"returns it as the key of `{outer}`"
        if fn is not None and _names_a_key(fn.name):
            return f"returns it as a key (`{fn.name}`)"
    return None


class NaiveDatetime(Rule):
    """Finds naive or server-local "now" and timestamp conversions in Python.

    **What it finds.** `datetime.now()` / `datetime.today()` without a zone,
    `datetime.utcnow()`, `datetime.utcfromtimestamp()`, `datetime.fromtimestamp(ts)`
    without `tz`, `date.today()`, `time.localtime()` / `time.mktime()` — also when passed as
    a callable (`default=datetime.utcnow` on a model column runs on every insert).

    **Why it breaks production.** The result depends on the server's zone (containers
    default to UTC, laptops do not) or is naive, and comparing naive with aware values
    raises `TypeError` — or silently shifts expiry times and day boundaries by hours.
    `utcnow()` is deprecated since Python 3.12 because its naive result is read as local
    time by `astimezone()` and `timestamp()`.

    **Example.**

        expires_at = datetime.utcnow() + timedelta(hours=1)     # TZ001

    **Use instead.** Aware UTC time: `datetime.now(timezone.utc)` (or `datetime.now(UTC)`),
    `datetime.fromtimestamp(ts, tz=timezone.utc)`, Django's `timezone.now()`.

    **Not reported:** values made aware where they are made (`.replace(tzinfo=...)`,
    `.astimezone(...)` on the line, or the argument of `make_aware(...)` / `localize(...)` over
    several lines); a "now" kept in a name whose every read further down the function makes it
    aware (`now = datetime.now()`, then only `now.astimezone(tz)`): for a local `now()` /
    `today()` that is `.astimezone(...)`, `.timestamp()`, `.replace(tzinfo=...)`,
    `localize(...)` or `make_aware(...)`; for `utcnow()` only `.replace(tzinfo=...)` (its
    `.astimezone()` reads UTC digits as local time, a bug). A name also stored, compared or
    returned as it is stays reported. Local "now" only turned into an epoch (`datetime.now().timestamp()`,
    `time.mktime(datetime.now().timetuple())`, `time.mktime(time.localtime())`): the epoch is
    the same in every zone (the spec is silent; `time.time()` is simpler, but nothing breaks);
    values only printed for a person; a callable bound to a zone by `functools.partial`
    (`default_factory=partial(datetime.now, timezone.utc)` or `tz=...`), which is the call
    `datetime.now(timezone.utc)` deferred (`partial(datetime.now)` alone stays reported).

    **Only the minute or second of a local "now"** (the spec is silent): a `now()` / `today()`
    whose every use reads `.minute`, `.second` or `.microsecond` (`datetime.now().minute // 10`
    picks a rotation bucket) is not reported. These fields are the same at the same instant in
    UTC and in every zone whose offset is whole hours; in the few half- and quarter-hour zones
    (India +5:30, Nepal +5:45) the minute is shifted by a fixed amount, so a bucket or an
    "every N minutes" test still turns at the same rate, only phase-shifted: nothing is stored,
    compared with another instant or mixed with aware values. TZ004's minute-only cron
    schedules are exempt for the same reason. Any other read besides (`.hour`, `.isoformat()`,
    a comparison) keeps it reported, and `utcnow()` stays reported whatever is read (deprecated).

    **Naive `datetime(...)` literals: what they meet** (RULES.md: "compared with or subtracted
    from an aware value"). The front end follows the literal, in place and through the name it
    is kept in (a module constant is followed into every function of the module), and for each
    comparison or subtraction records what the other operand is (`Call.uses` `with:`): aware
    (`datetime.now(tz)`, `timezone.now()`, `.astimezone(...)`, `.replace(tzinfo=zone)`,
    `localize` / `make_aware`, `datetime(..., tzinfo=...)`, `d ± delta` of those, or a name whose
    assignment reaching the use is one of them), naive (`.replace(tzinfo=None)`, `utcnow()`,
    `now()` without a zone, another naive literal; also a name reassigned to a naive value
    under `if name.tzinfo is not None:`), or unknown (a parameter, an attribute, a call's
    result). The literal is reported when it meets an aware operand; when it meets an unknown
    one (or is given to a Django lookup, `created__lt=...`) only in a module that works with
    aware datetimes (a `tz=` / `tzinfo=` argument, a zone passed to `now()`, Django's
    `timezone`); not when every operand is naive (a floating wall-clock anchor, an epoch
    subtracted from UTC digits), nor when it is never compared or subtracted (passed to a
    parser to validate an expression, stored, returned: the spec names only comparison and
    subtraction). Arithmetic (`ANCHOR + timedelta(...)`) is not followed further.
    """

    id = "TZ001"
    slug = "naive-datetime"
    category = "timezone"
    severity = "medium"
    languages = ("python",)
    summary = "Naive or server-local datetime (now, utcnow, fromtimestamp, date.today)"
    fix = "Use aware UTC time: datetime.now(timezone.utc), fromtimestamp(ts, tz=timezone.utc)."

    def check(self, project: Project) -> Iterator[Finding]:
        for path, mod in project.modules.items():
            if mod.language != "python":
                continue
            aware: bool | None = None
            for call in mod.calls:
                rule = tk.PY_NAIVE_CALLS.get(call.callee)
                if rule is not None:
                    if rule.startswith("tz_arg:"):
                        idx = int(rule.split(":")[1])
                        if "tz" in call.kwargs or "tzinfo" in call.kwargs or len(call.args) > idx:
                            continue
                    if _made_aware_on_line(mod, call) or _printed(mod, call) or _epoch_roundtrip(mod, call) or \
                            _made_aware_later(call) or _only_minutes(call):
                        continue
                    name = call.callee.replace("datetime.datetime.", "datetime.").replace(
                        "datetime.date.", "date.")
                    yield self.finding(path, call.loc, f"`{call.snippet}` in `{fn_name(mod, call.func)}` "
                                       f"gives {self._what(name)}")
                if call.callee == "datetime.datetime" and "tzinfo" not in call.kwargs and \
                        "**" not in call.kwargs and 3 <= len(call.args) < 8 and \
                        not any(a.kind == "spread" for a in call.args):
                    how, aware = _naive_literal_meets(mod, call, aware)
                    if how and not _made_aware_on_line(mod, call):
                        yield self.finding(path, call.loc, f"`{call.snippet}` {how}")
                for i, v in enumerate(chain(call.args, call.kwargs.values())):
                    if v.ref in tk.PY_NAIVE_CALLABLES and v.kind in ("name", "attr"):
                        if i == 0 and call.callee == "functools.partial" and _partial_zone(call, v.ref):
                            continue
                        what = self._what(v.ref.replace("datetime.datetime.", "datetime."))
                        yield self.finding(path, call.loc, f"`{v.text}` passed as a callable in "
                                           f"`{call.snippet}` produces {what} on every call")

    @staticmethod
    def _what(name: str) -> str:
        if "utc" in name:
            return "a naive UTC datetime (deprecated since Python 3.12) that is read as local time"
        if name.startswith("time."):
            return "server-local time"
        return "naive server-local time"


class LocalTimeArithmetic(Rule):
    """Finds date arithmetic and day boundaries computed in the server's local zone (JS/TS).

    **What it finds.** `Date` local getters/setters used to compute days and hours
    (`d.setDate(d.getDate() + 7)`, `d.setHours(0, 0, 0, 0)`, `getHours()`), the local
    constructor `new Date(y, m, d)`, `moment()` / `dayjs()` without `.utc()`, date-fns
    `startOfDay` / `addDays` without date-fns-tz, Luxon `DateTime.now()` / `local()` without
    `setZone`; `toDateString()` / `toLocaleDateString()` without `timeZone` whose day is
    compared or used as a key.

    **Why it breaks production.** The server's zone decides where "today" starts: UTC in
    the container, Europe/Paris on the developer's laptop. Quotas reset at the wrong hour,
    daily reports miss or double-count a slice of the day, and DST days are 23 or 25 hours.

    **Example.**

        const start = new Date();
        start.setHours(0, 0, 0, 0);          // TZ002: local midnight of whichever server

    **Use instead.** UTC methods (`setUTCHours`, `getUTCDate`, `Date.UTC(...)`), or an explicit
    zone (`date-fns-tz`, `dayjs.tz`, Luxon `setZone`). Millisecond arithmetic on
    `Date.now()` and hour-or-smaller offsets that end in an instant are fine.

    **Day names: only compared or used as a key** (RULES.md). `toDateString()` /
    `toLocaleDateString()` without `timeZone` is reported when the front end sees its value
    (directly, through a template literal or string `+`, or through the local name it is kept
    in: `Call.uses`) compared (`===`, `<`, ..., a `switch` value or `case`, `localeCompare`,
    `includes` / `indexOf`), used as a key (a subscript `m[day]`, a computed key `{[day]: x}`,
    the first argument of `get` / `set` / `has` / `add` / `delete` of a Map or Set, the value a
    `groupBy` / `countBy` / `keyBy` / `uniqBy` / `sortBy` callback returns), or kept in a name
    that says it is a key (`cacheKey`, `day_key`, an object's `key:`) or returned by a function
    so named (`dailyQuotaKey()`). Not reported when it only reaches text: a template for a mail
    or an alert, an object property or array cell of an export, JSX, a log line, or the return
    value of a formatter (`formatLabel(d)`). Decision where RULES.md is silent: a day name
    returned by a function is not followed into its callers (a formatter is the usual
    case), nor into a project function it is passed to.

    **Not reported: browser code**, where the local zone is the user's and "today" is meant
    in it. A module is browser code when it is marked `"use client"`, is a `.tsx`/`.jsx` file
    under `components/`, mounts the UI (`createRoot(...)`, `render(<App />, ...)`,
    `createApp(App).mount(...)`), or is imported only by browser code — statically, through
    `import()` or `import.meta.glob`, or re-exported; `import type` does not count. A module
    the server also imports (a `shared/` folder) is checked. Storybook stories
    (`*.stories.ts`) are browser code too: a component library only they and the front end
    import is not server code.

    Browser code is also decided per function: a function of such a shared module is
    browser code when every place in production code that calls it (or passes it to a call,
    `xs.map(timeAgo)`) is browser code — a browser-only module, or another function so
    decided, transitively — and every module outside browser code that imports it calls it
    (one that imports it without a call, say to render it as a component, may use it on the
    server). A function nothing calls is judged as its module is, and so is a function of a
    `"use server"` module (a server action runs on the server whoever calls it). A function
    nested in another, without callers of its own, is as the one around it is. ERR003 and
    the ERR005 message use the same per-function view; the database classification of calls
    (`summaries`: `doc.save()` in browser code is not a write) stays per module.

    Decisions where RULES.md is silent:

    - A UTC input does not make date-fns arithmetic zone-free: `subDays(new Date(Date.UTC(y,
      m, d)), 1)` still steps local calendar days (`setDate(getDate() - 1)`), so across a DST
      change of the server's zone the result is an hour off UTC midnight. Reported.
    - date-fns' local-field getters read the server's calendar as `Date`'s do
      (`getDaysInMonth`, `getISODay`, `getYear`, `getDayOfYear`, `getWeek`, `getQuarter`,
      `isWeekend`, `isFirstDayOfMonth`, `lastDayOfMonth`, `setMonth` ...):
      reported like `startOfDay` (not with date-fns-tz). `getDaysInMonth(new Date(Date.UTC(y,
      m, 1)))` is the previous month's length on a server west of UTC. `getDate` / `getDay` /
      `getMonth` / `getHours` of date-fns are reported by the `Date` getter check, as before.
      Minutes and seconds (`getMinutes`) are not listed: they are the same in whole-hour zones.
      Nor are `isSameMonth` / `isSameYear`: they read both of their dates in the same zone, and
      the uses seen (grouping dates parsed as local midnight, choosing whether a label shows the
      year) come out the same in every zone.
    - `process.env.TZ = 'UTC'` set only for tests (a `jest.config.ts`, a test setup file) fixes
      the zone of the tests, not of the server; it silences nothing. (A zone set by the
      production entry point is not recognised yet.)
    """

    id = "TZ002"
    slug = "local-time-arithmetic"
    category = "timezone"
    severity = "medium"
    languages = ("javascript", "typescript")
    summary = "Date arithmetic or day boundaries in the server's local zone"
    fix = "Use the UTC methods (setUTCHours, getUTCDate, Date.UTC) or an explicit time zone."

    def check(self, project: Project) -> Iterator[Finding]:
        luxon_default_zone = any(a.target.endswith("Settings.defaultZone") for m in project.modules.values()
                                 for a in m.assigns)
        for path, mod in project.modules.items():
            if mod.language == "python" or project.runs_in_browser(path):
                continue
            has_dfns_tz = any(i.module.startswith(tk.DATE_FNS_TZ_MODULES) for i in mod.imports)
            reported: set[int] = set()
            for call in mod.calls:
                msg = self._problem(mod, call, has_dfns_tz, luxon_default_zone)
                if msg and call.loc.line not in reported and not project.runs_in_browser(path, call.func):
                    reported.add(call.loc.line)
                    yield self.finding(path, call.loc, msg)

    def _problem(self, mod: ModuleFacts, call: Call, has_dfns_tz: bool, luxon_zone: bool) -> str | None:
        callee = call.callee
        last = callee.rsplit(".", 1)[-1]
        if call.is_new and callee == "Date" and len(call.args) >= 2 and all(
                a.kind != "spread" for a in call.args):
            return f"`{call.snippet}` in `{fn_name(mod, call.func)}` builds a date in the server's local zone"
        if last == "getFullYear" and call.context == "display" and call.text == "new Date().getFullYear":
            return None  # `© ${new Date().getFullYear()}`: this year, shown; wrong for a few hours a year at most
        if last in tk.JS_LOCAL_DATE_METHODS and self._date_receiver(callee):
            utc = last.replace("get", "getUTC", 1) if last.startswith("get") else last.replace("set", "setUTC", 1)
            return f"`{call.snippet}` in `{fn_name(mod, call.func)}` uses the server's local zone (use {utc})"
        if last in tk.JS_LOCAL_FORMAT_METHODS and self._date_receiver(callee) and not _logged(mod, call):
            if not any(v.kind == "object" and v.keys and "timeZone" in v.keys for v in call.args):
                how = _day_name_use(mod, call)
                if how is None:
                    return None  # shown, sent or stored as text: RULES.md reports a key or a comparison
                return (f"`{call.snippet}` in `{fn_name(mod, call.func)}` names the day in the server's local "
                        f"zone and {how}: on a host in another zone the same instant gives another day")
        if callee in ("moment", "dayjs") and not call.is_new:
            if self._instant_or_utc(mod, call):
                return None
            return f"`{call.snippet}` in `{fn_name(mod, call.func)}` works in the server's local zone"
        if callee.startswith("date-fns.") and last in tk.DATE_FNS_LOCAL and not has_dfns_tz:
            if last.startswith("get"):
                return (f"`{call.snippet}` in `{fn_name(mod, call.func)}` reads a calendar field in the server's "
                        "local zone")
            return f"`{call.snippet}` in `{fn_name(mod, call.func)}` computes calendar days in the server's local zone"
        if callee in ("luxon.DateTime.now", "luxon.DateTime.local") and not luxon_zone:
            if self._instant_or_utc(mod, call):
                return None
            return f"`{call.snippet}` in `{fn_name(mod, call.func)}` uses the server's local zone"
        return None

    @staticmethod
    def _date_receiver(callee: str) -> bool:
        """Whether a method is called on a Date (known, or not known to be anything else)."""
        if callee.startswith("Date()."):
            return True
        root = callee.split(".", 1)[0]
        if ":" in root or root in ("moment", "dayjs", "luxon") or ("()" in callee.rsplit(".", 1)[0] \
                and not callee.startswith("Date()")):
            return False
        return "." in callee

    @staticmethod
    def _instant_or_utc(mod: ModuleFacts, call: Call) -> bool:
        if any(c in tk.UTC_CHAIN for c in call.chain):
            return True
        if not call.chain:
            return False
        if not all(c in tk.INSTANT_CHAIN for c in call.chain):
            return False
        # add/plus/subtract only in hours or smaller units.
        for c in _same_line_calls(mod, call):
            last = c.callee.rsplit(".", 1)[-1]
            if last in ("add", "subtract", "plus", "minus"):
                units = " ".join(str(v.value if v.kind == "str" else " ".join(v.keys or {}))
                                 for v in c.args).lower()
                if not units or not any(u in units.split() or units.startswith(u) or
                                        any(w.rstrip("s") == u for w in units.split())
                                        for u in tk.SMALL_UNITS):
                    return False
        return True


ISO_DATE_ONLY = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
HAS_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
HAS_TIME = re.compile(r"\d{1,2}:\d{2}")


def _ambiguous_js_string(v: Value) -> bool:
    if v.kind == "str" and isinstance(v.value, str):
        s = v.value.strip()
        if not s or ISO_DATE_ONLY.match(s) or HAS_OFFSET.search(s):
            return False
        if HAS_TIME.search(s) or re.search(r"[A-Za-z]{3}|/", s):
            return True
        return False
    if v.kind == "template" and isinstance(v.value, str):
        s = v.value.strip()
        if HAS_OFFSET.search(s):
            return False
        return bool(re.search(r"\{\}[T ]", s) or HAS_TIME.search(s))
    return False


_PY_TIME_DIRECTIVE = re.compile(r"%[HIMSfpXcTRr]")  # strptime directives that read a time of day
_LITERAL_Z = re.compile(r"(?<!%)Z")  # "%Y-%m-%dT%H:%M:%SZ": the string is declared UTC
# Reads of a parsed value that involve no zone: re-formatting the same wall-clock digits as a
# label, reading its calendar fields. Not ``.isoformat()``: an ISO string without an offset is the
# form another system reads back as an instant, so it sends the ambiguity out.
_ZONE_FREE_READS = frozenset({"call:strftime", "call:date", "call:time", "call:weekday",
                              "call:isoweekday", "attr:year", "attr:month", "attr:day", "attr:hour",
                              "attr:minute", "attr:second", "attr:microsecond"})
PY_PARSES = tk.PY_STRPTIME | tk.PY_FROMISO | tk.PY_DATEUTIL_PARSE


def _parse_use_zone_free(mod: ModuleFacts, call: Call) -> bool:
    """Every use of a parsed value (:attr:`Call.uses`) leaves the server's zone out of it: it is
    re-formatted or its fields are read, it is made aware by naming its zone (``localize``,
    ``make_aware``, ``.replace(tzinfo=...)``), or it is only subtracted from or by another value
    parsed in the same function (a duration between two times of one source)."""
    uses = _own_uses(call)
    if not uses:
        return False
    for u in uses:
        if u in _ZONE_FREE_READS or _names_zone(u) or u == "guard:tzinfo":
            continue
        if u.startswith("sub:") and any(c.func == call.func and c.id != call.id and c.callee in PY_PARSES and
                                        f"var:{u[4:]}" in c.uses for c in mod.calls):
            continue
        return False
    return True


class AmbiguousParse(Rule):
    """Finds date-time strings parsed without an offset, so the server's zone decides.

    **What it finds.** JS `new Date("2024-03-01 10:00")` / `Date.parse(...)` of a date-time
    literal (or a template literal that composes a date and a time) without `Z` or an
    offset; non-ISO formats; Python `datetime.strptime(s, fmt)` whose format has no `%z`,
    `datetime.fromisoformat("...")` and `dateutil.parser.isoparse("...")` of a literal without
    offset (both are ISO-only parsers; a variable argument is not reported, as RULES.md says of
    `fromisoformat`: `isoparse` returns an aware value whenever the string has an offset, and
    what an ISO string from elsewhere carries is not known here), `dateutil.parser.parse(s)`
    without `tzinfos` / a default zone — when the result is not made aware on the spot.

    **Why it breaks production.** The same string means a different instant on each
    server: `new Date("2024-03-01T10:00:00")` is 10:00 local time, so the value stored or
    compared moves by the server's offset. Date-only ISO strings are UTC and are fine, and so
    is a Python `strptime` format with no time of day (`"%Y-%m-%d"`, `"%Y%m%d"`): RULES.md
    speaks of date-time strings, and a calendar date read as such names no instant.

    **Example.**

        started = datetime.strptime(payload["started"], "%Y-%m-%d %H:%M:%S")   # TZ003

    **Use instead.** Parse with an offset (`%z`, a trailing `Z`) or attach the zone on the
    same line: `datetime.strptime(s, fmt).replace(tzinfo=timezone.utc)`.

    **When the result is stored, compared or sent out** (RULES.md), Python: the front end
    records how the parsed value is used (`Call.uses`: in place, and through the local name it
    is kept in). A parse is not reported when every use leaves the server's zone out of it:
    re-formatted as a label (`strptime(s, f).strftime("%H:%M")`) or only its calendar fields
    read (`.date()`, `.weekday()`, `.hour`); made aware by naming its zone on a later line
    (`tz.localize(naive)`, `make_aware(naive)`, `naive.replace(tzinfo=...)`); or only
    subtracted from (or by) another value parsed in the same function, a duration between two
    times of one source. Any other use (stored in an attribute or a row, passed to a call,
    returned, compared, subtracted from a `now()`) keeps it reported, and so does a value also
    used so besides. Decisions where RULES.md is silent: `.isoformat()` of the naive value is
    sending it out (an ISO string without an offset is the form another system reads back as
    an instant); `.astimezone(...)` on a later line does not make it aware (it reads the digits
    as the server's local time, which is the ambiguity itself); a format with a literal `Z`
    (`"%Y-%m-%dT%H:%M:%SZ"`) declares the string UTC and is not reported (a naive UTC value is
    TZ001's topic). JS parses are reported as before, whatever their use.

    **A tzinfo guard** right after the parse, in the same block, handles the naive case:
    `if value.tzinfo is None:` (`== None`, `if not value.tzinfo:`), with no `elif`, whose body
    ends by reassigning the name, returning or raising. What the body does with the value is
    judged as above (`value = value.replace(tzinfo=UTC)` or `return value.replace(...)`,
    `localize`, `make_aware` name the zone; a `raise` refuses the naive value), and reads after
    the guard and in its `else` are not followed: there the value has a zone. `.astimezone(...)` in the guard
    keeps it reported, as on a later line (it reads the naive digits as server-local time).
    A guard whose body returns the naive value (`return value`) keeps it reported.
    """

    id = "TZ003"
    slug = "ambiguous-parse"
    category = "timezone"
    severity = "medium"
    summary = "Date-time string parsed without an offset"
    fix = "Include an offset (Z / %z) in what you parse, or attach the zone explicitly on the same line."

    def check(self, project: Project) -> Iterator[Finding]:
        for path, mod in project.modules.items():
            for call in mod.calls:
                msg = self._py(mod, call) if mod.language == "python" else self._js(mod, call)
                if msg:
                    yield self.finding(path, call.loc, msg)

    @staticmethod
    def _py(mod: ModuleFacts, call: Call) -> str | None:
        if call.context == "stmt":
            return None  # result discarded: only validates the format
        if call.callee in tk.PY_STRPTIME:
            fmt = call.args[1] if len(call.args) > 1 else call.kwargs.get("format")
            if fmt is None or fmt.kind != "str" or not isinstance(fmt.value, str):
                return None
            if "%z" in fmt.value or "%Z" in fmt.value:
                return None
            if not _PY_TIME_DIRECTIVE.search(fmt.value):
                return None  # "%Y%m%d": a date, not a date-time; midnight means no instant here
            if _LITERAL_Z.search(fmt.value.replace("%%", "")):
                return None  # a literal Z: the string says it is UTC (naive UTC is TZ001's concern)
            if call.chain and call.chain[0] in ("date", "time"):
                return None
            if _made_aware_on_line(mod, call) or _printed(mod, call) or _parse_use_zone_free(mod, call):
                return None
            return (f"`{call.snippet}` in `{fn_name(mod, call.func)}` parses a time without an offset "
                    f"(\"{fmt.value}\" has no %z); the result is naive")
        if call.callee in tk.PY_FROMISO:
            if not call.args or call.args[0].kind != "str":
                return None
            s = str(call.args[0].value)
            if HAS_OFFSET.search(s.strip()) or _made_aware_on_line(mod, call) or _parse_use_zone_free(mod, call):
                return None
            return (f"`{call.snippet}` in `{fn_name(mod, call.func)}` parses a literal without an offset; "
                    "the result is naive")
        if call.callee in tk.PY_DATEUTIL_PARSE:
            if "tzinfos" in call.kwargs or "default" in call.kwargs or _made_aware_on_line(mod, call) or \
                    _parse_use_zone_free(mod, call):
                return None
            if call.args and call.args[0].kind == "str" and HAS_OFFSET.search(str(call.args[0].value)):
                return None
            return (f"`{call.snippet}` in `{fn_name(mod, call.func)}` returns a naive datetime when the "
                    "string has no offset")
        return None

    @staticmethod
    def _js(mod: ModuleFacts, call: Call) -> str | None:
        if not ((call.is_new and call.callee == "Date" and len(call.args) == 1) or call.callee == "Date.parse"):
            return None
        if not call.args or not _ambiguous_js_string(call.args[0]):
            return None
        arg = call.args[0]
        shown = f'"{arg.value}"' if arg.kind == "str" else (arg.text or "a template literal")
        return (f"`{call.snippet}` in `{fn_name(mod, call.func)}` parses {shown} without an "
                "offset: the server's zone decides which instant it is")


APS_SCHEDULER_PREFIX = "apscheduler.schedulers."


class ScheduleWithoutTimezone(Rule):
    """Finds recurring schedules whose zone is the server's.

    **What it finds.** `node-cron` `schedule()` without the `timezone` option, `cron`'s
    `CronJob` without `timeZone`, APScheduler `CronTrigger(...)` without `timezone` (and a
    scheduler constructed without `timezone` that gets cron jobs), Celery beat `crontab`
    schedules when the project sets no `timezone` / `CELERY_TIMEZONE`.

    **Why it breaks production.** "Every day at 02:00" then means 02:00 in whatever zone the
    host runs in: it moves when the job moves to another region or container image, and
    on DST days it runs twice or not at all.

    **Example.**

        cron.schedule("0 2 * * *", runNightlyBilling);            // TZ004

    **Use instead.** Name the zone: `cron.schedule(expr, fn, { timezone: "Etc/UTC" })`,
    `CronTrigger(hour=2, timezone="UTC")`, `app.conf.timezone = "UTC"`.
    """

    id = "TZ004"
    slug = "schedule-without-timezone"
    category = "timezone"
    severity = "low"
    summary = "Recurring schedule that runs in the server's zone"
    fix = "Pass an explicit time zone to the schedule (timezone / timeZone option)."

    def check(self, project: Project) -> Iterator[Finding]:
        celery_tz = _celery_timezone_set(project)
        jobs: dict[str, list[tuple[ModuleFacts, Call]]] = {}
        for _path, mod, call in project.iter_calls():
            if call.instance_ctor and call.instance_ctor.startswith(APS_SCHEDULER_PREFIX):
                jobs.setdefault(call.instance_ctor, []).append((mod, call))
        for path, mod in project.modules.items():
            if mod.language == "python":
                yield from self._python(path, mod, celery_tz, jobs)
            else:
                yield from self._js(path, mod)

    def _python(self, path: str, mod: ModuleFacts, celery_tz: bool,
                jobs: dict[str, list[tuple[ModuleFacts, Call]]]) -> Iterator[Finding]:
        schedulers: dict[str, Call] = {}
        for call in mod.calls:
            if call.callee in tk.APSCHEDULER_TRIGGERS:
                if "timezone" not in call.kwargs and "**" not in call.kwargs:
                    yield self.finding(path, call.loc, f"`{call.snippet}` has no timezone=, so the cron "
                                       "fields are read in the server's local zone")
            elif call.callee.startswith(APS_SCHEDULER_PREFIX) and call.callee.endswith("Scheduler"):
                schedulers[call.callee] = call
            elif call.callee in ("celery.schedules.crontab",) and not celery_tz and \
                    not _crontab_minute_only(call):
                yield self.finding(path, call.loc, f"`{call.snippet}` runs in a zone the project never sets "
                                   "(no timezone / CELERY_TIMEZONE)",
                                   fix="Set app.conf.timezone (or CELERY_TIMEZONE) to the zone the "
                                       "schedule is meant in.")
        for ctor_name, ctor in schedulers.items():
            if "timezone" in ctor.kwargs or "**" in ctor.kwargs:
                continue
            gets_cron = False
            configured = False
            for _owner, c in jobs.get(ctor_name, []):
                last = c.callee.rsplit(".", 1)[-1]
                if last == "configure" and "timezone" in c.kwargs:
                    configured = True
                if last in ("add_job", "scheduled_job"):
                    trig = c.kwargs.get("trigger") or (c.args[1] if last == "add_job" and len(c.args) > 1
                                                       else c.args[0] if last == "scheduled_job" and c.args
                                                       else None)
                    if trig is not None and trig.kind == "str" and trig.value == "cron" and \
                            "timezone" not in c.kwargs:
                        gets_cron = True
            if gets_cron and not configured:
                yield self.finding(path, ctor.loc, f"`{ctor.snippet}` has no timezone= and runs cron jobs, "
                                   "so they fire in the server's local zone")

    def _js(self, path: str, mod: ModuleFacts) -> Iterator[Finding]:
        for call in mod.calls:
            callee = call.callee
            if callee == "@nestjs/schedule.Cron":
                if len(call.args) >= 2 and (call.args[1].kind != "object" or call.args[1].keys is None or
                                            "timeZone" in call.args[1].keys or "utcOffset" in call.args[1].keys
                                            or "..." in call.args[1].keys):
                    continue
                if call.args and _minute_only(call.args[0]):
                    continue
                yield self.finding(path, call.loc, f"`@{call.snippet}` has no timeZone option, so the job "
                                   "runs in the server's local zone")
                continue
            if callee not in _JS_SCHEDULERS or (call.args and _minute_only(call.args[0])):
                continue
            if callee in ("node-cron.schedule", "node-cron.default.schedule"):
                if len(call.args) >= 3:
                    opts = call.args[2]
                    if opts.kind != "object" or opts.keys is None or "timezone" in opts.keys or \
                            "..." in opts.keys:
                        continue
                yield self.finding(path, call.loc, f"`{call.snippet}` has no timezone option, so the cron "
                                   "expression runs in the server's local zone")
            elif callee == "cron.CronJob" and call.is_new:
                if call.args and call.args[0].kind == "object":
                    keys = call.args[0].keys or {}
                    if "timeZone" in keys or "utcOffset" in keys or "..." in keys:
                        continue
                elif _positional_zone(call.args):
                    continue
                yield self.finding(path, call.loc, f"`{call.snippet}` has no timeZone, so it runs in the "
                                   "server's local zone")
            elif callee in ("cron.CronJob.from", "cron.job"):
                opts = call.args[0] if call.args else None
                if opts is not None and (opts.kind != "object" or opts.keys is None or
                                         "timeZone" in opts.keys or "utcOffset" in opts.keys or
                                         "..." in opts.keys):
                    continue
                yield self.finding(path, call.loc, f"`{call.snippet}` has no timeZone, so it runs in the "
                                   "server's local zone")


# The calls ScheduleWithoutTimezone._js looks at after Nest's @Cron.
_JS_SCHEDULERS = frozenset({"node-cron.schedule", "node-cron.default.schedule", "cron.CronJob", "cron.CronJob.from",
                            "cron.job"})


def _positional_zone(args: list[Value]) -> bool:
    """``new CronJob(time, onTick, onComplete, start, timeZone, context, runOnInit, utcOffset)``."""
    if any(a.kind == "spread" for a in args):
        return True
    return (len(args) >= 5 and args[4].kind != "none") or (len(args) >= 8 and args[7].kind != "none")


def _minute_only(expr: Value) -> bool:
    """A schedule that fires at the same instants in every zone (hour field ``*``)."""
    if expr.kind == "str" and isinstance(expr.value, str):
        fields = expr.value.split()
        if len(fields) not in (5, 6):
            return False
        hour, dom, _mon, dow = fields[-4:]
        return hour == "*" and dom in ("*", "?") and dow in ("*", "?")
    name = (expr.ref or expr.text).rsplit(".", 1)[-1]
    return expr.kind in ("attr", "name") and ("SECOND" in name or "MINUTE" in name or name == "EVERY_HOUR")


def _crontab_minute_only(call: Call) -> bool:
    if call.args:  # positional crontab(minute, hour, ...)
        return False
    return all(k not in call.kwargs or (call.kwargs[k].kind == "str" and call.kwargs[k].value == "*")
               for k in ("hour", "day_of_week", "day_of_month", "month_of_year"))


def _celery_timezone_set(project: Project) -> bool:
    for mod in project.modules.values():
        if mod.language != "python":
            continue
        for a in mod.assigns:
            t = a.target
            last = t.rsplit(".", 1)[-1]
            if last in ("timezone", "CELERY_TIMEZONE", "celery_timezone") and a.value.kind != "none":
                return True
            if a.func is None and t in ("timezone", "CELERY_TIMEZONE") and a.value.kind != "none":
                return True
        for c in mod.calls:
            if "timezone" in c.kwargs and (c.callee.endswith("conf.update") or c.callee == "celery.Celery"):
                return True
    return False
