"""Date/time APIs: which calls give server-local or naive time, which parse ambiguously,
which schedule in the server's zone. Facts from FRAMEWORKS.md section 4."""

from __future__ import annotations

# Python calls that return naive or server-local time, with what makes them safe:
# "never" = always naive/local; "tz_arg:N" = safe when a tz is passed (kwarg ``tz`` or
# positional index N).
PY_NAIVE_CALLS: dict[str, str] = {
    "datetime.datetime.now": "tz_arg:0",
    "datetime.datetime.today": "never",
    "datetime.datetime.utcnow": "never",
    "datetime.datetime.utcfromtimestamp": "never",
    "datetime.datetime.fromtimestamp": "tz_arg:1",
    "datetime.date.today": "never",
    "time.localtime": "never",
    "time.mktime": "never",
    "pendulum.now": "tz_arg:0",
    "pendulum.today": "tz_arg:0",
    "arrow.now": "tz_arg:0",
}

# The same functions passed as callables (``default=datetime.utcnow``).
PY_NAIVE_CALLABLES = frozenset({
    "datetime.datetime.now", "datetime.datetime.today", "datetime.datetime.utcnow", "datetime.date.today",
})

# Calls on the same line that make a value aware.
PY_MAKE_AWARE = ("astimezone", "localize", "make_aware")
# Calls that return an aware datetime whatever their arguments (the datetime constructors and
# "now" calls with a zone argument are judged by their arguments).
PY_AWARE_CALLS = frozenset({
    "django.utils.timezone.now", "django.utils.timezone.localtime", "django.utils.timezone.make_aware",
    "pendulum.now", "pendulum.datetime", "pendulum.parse", "arrow.utcnow", "arrow.now", "arrow.get",
})

PY_STRPTIME = frozenset({"datetime.datetime.strptime"})
# ISO-only parsers: naive when the string has no offset (judged only for a literal argument).
PY_FROMISO = frozenset({"datetime.datetime.fromisoformat", "dateutil.parser.isoparse"})
PY_DATEUTIL_PARSE = frozenset({"dateutil.parser.parse"})

# JS Date methods that read or write the server's local calendar fields.
JS_LOCAL_DATE_METHODS = frozenset({
    "getFullYear", "getMonth", "getDate", "getDay", "getHours",
    "setFullYear", "setMonth", "setDate", "setHours",
})
JS_LOCAL_FORMAT_METHODS = frozenset({"toDateString", "toLocaleDateString"})
# The calls whose value the front ends follow (``Call.uses``): TZ002 reports a day name only
# when it is compared or used as a key; TZ001 / TZ003 let a value made aware later, a
# duration or a re-format pass.
JS_FOLLOWED_METHODS = JS_LOCAL_FORMAT_METHODS
PY_FOLLOWED_CALLS = PY_STRPTIME | PY_FROMISO | PY_DATEUTIL_PARSE | frozenset({
    "datetime.datetime.now", "datetime.datetime.today", "datetime.datetime.utcnow", "datetime.datetime",
})

# date-fns helpers that compute calendar boundaries in the server's zone.
DATE_FNS_LOCAL = frozenset({
    "startOfDay", "endOfDay", "startOfWeek", "endOfWeek", "startOfMonth", "endOfMonth",
    "startOfYear", "endOfYear", "startOfToday", "endOfToday", "startOfTomorrow", "startOfYesterday",
    "addDays", "subDays", "addWeeks", "subWeeks", "addMonths", "subMonths", "addYears", "subYears",
    "differenceInCalendarDays", "isToday", "isTomorrow", "isYesterday", "isSameDay", "eachDayOfInterval",
    "setHours", "setDate",
    # local-field getters and setters, date-fns' form of Date's getDate() / getMonth() / setMonth()
    "getDaysInMonth", "getDate", "getDay", "getMonth", "getYear", "getHours", "getISODay", "getDayOfYear",
    "getWeek", "getISOWeek", "getQuarter", "getDaysInYear", "setMonth", "setYear", "setDay",
    "lastDayOfMonth", "isFirstDayOfMonth", "isLastDayOfMonth", "isWeekend",
})
DATE_FNS_TZ_MODULES = ("date-fns-tz", "@date-fns/tz")

# Chained calls that keep a moment/dayjs/luxon value an absolute instant.
INSTANT_CHAIN = frozenset({"add", "subtract", "plus", "minus", "toDate", "toJSDate", "toISOString",
                           "toISO", "valueOf", "toMillis", "unix", "diff", "isBefore", "isAfter",
                           "toJSON", "toSeconds", "getTime"})
SMALL_UNITS = ("ms", "millisecond", "second", "minute", "hour", "s", "m", "h")
UTC_CHAIN = frozenset({"utc", "tz", "setZone", "toUTC", "utcOffset"})

APSCHEDULER_TRIGGERS = frozenset({
    "apscheduler.triggers.cron.CronTrigger", "apscheduler.triggers.cron.CronTrigger.from_crontab",
})
