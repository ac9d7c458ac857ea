"""What vcx knows about libraries, as data: one module per domain.

``PY_KEEP_UNRESOLVED`` / the JS equivalent name the methods worth keeping as facts when the
receiver resolves to nothing known (most calls of a code base are such calls and no rule
reads them, so front ends drop the others).
"""

from __future__ import annotations

# Base classes that make a Python class an enum (``Project.enum_members``): iterating the class
# goes over its members, a number fixed in code.
PY_ENUM_BASES = frozenset({
    "enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum",
    "strenum.StrEnum", "django.db.models.TextChoices", "django.db.models.IntegerChoices",
    "django.db.models.Choices", "django.db.models.enums.TextChoices", "django.db.models.enums.IntegerChoices",
    "django.db.models.enums.Choices",
})

# Display sinks (TZ001 ignores time that only goes to print()).
# Database methods (n-plus-one, transaction): ``cur.execute(sql)`` on a cursor from
# ``conn.cursor()``, ``async with conn.transaction():`` on an acquired connection.
PY_KEEP_UNRESOLVED = frozenset({
    "print",
    "execute", "executemany", "executescript", "fetch", "fetchrow", "fetchval", "fetchone", "fetchall",
    "fetchmany", "transaction", "begin", "begin_nested", "atomic", "commit", "rollback", "save", "delete",
    "create", "add", "add_all", "merge", "flush", "find", "find_one", "insert_one", "insert_many",
    "update_one", "update_many", "delete_one", "delete_many", "replace_one", "find_one_and_update",
    "find_one_and_delete", "bulk_write", "select_for_update", "with_for_update", "bulk_create",
    "get_or_create", "update_or_create", "delete_instance", "fetch_related", "scalars", "scalar",
    "select_related", "prefetch_related", "options",
    "paginate_queryset", "get_queryset", "filter_queryset",  # DRF list views: what a serializer is given
    "get_serializer",
    "map",  # map(Out.from_orm, rows): a pydantic model applied to each row
    "add_child", "add_sibling", "add_root",  # django-treebeard inserts (databases.TREE_INSERT_METHODS)
})

# Registry lookups keyed by a project class (link, ``Project`` call graph): ``registry.get_by_type(X)``
# gives the instance the registry holds for the class ``X``, and ``registry.get(X.type)`` the one
# it holds under ``X``'s own type name (a string class attribute of ``X``). A method ``m`` called on
# what they give (``registry.get_by_type(X).do(...)``, or on a local assigned from them) reaches
# ``X.m``. ``PY_CLASS_KEYED_LOOKUPS`` take the class itself (or one of its string attributes);
# ``PY_NAME_KEYED_LOOKUPS`` only a string class attribute of it: ``mapping.get(Model)`` on a dict
# keyed by classes gives whatever the dict maps the class to (a serializer, a handler), not an
# instance of it.
PY_CLASS_KEYED_LOOKUPS = frozenset({"get_by_type", "get_by_class"})
PY_NAME_KEYED_LOOKUPS = frozenset({"get", "get_by_type_name"})

# Methods of ``super()`` worth keeping as facts (its other calls are dropped like those of an
# unresolved receiver): a DRF view's own ``list()`` that calls ``super().list()`` still runs the
# default list action (n-plus-one: the view's ``serializer_class`` over ``get_queryset()``).
PY_KEEP_SUPER_METHODS = frozenset({"list"})

# Methods that never make a call on an unresolved receiver a dynamic dispatch to the project's
# own classes (``ModuleFacts.dispatches``, ERR001): those of the built-in containers and
# strings and of a logger. ``x.get(k)``, ``items.append(i)``, ``log.info(...)`` on a name the
# front end cannot resolve is a dict, a list or a logger far more often than a plugin, and
# these calls fill the try blocks of every code base.
PY_UNDISPATCHED_METHODS = frozenset({
    # dict, list, set, frozenset, str, bytes, tuple (their public methods, Python 3.11)
    "add", "append", "capitalize", "casefold", "center", "clear", "copy", "count", "decode", "difference",
    "difference_update", "discard", "encode", "endswith", "expandtabs", "extend", "find", "format",
    "format_map", "fromhex", "fromkeys", "get", "hex", "index", "insert", "intersection",
    "intersection_update", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isdisjoint",
    "isidentifier", "islower", "isnumeric", "isprintable", "isspace", "issubset", "issuperset", "istitle",
    "isupper", "items", "join", "keys", "ljust", "lower", "lstrip", "maketrans", "partition", "pop",
    "popitem", "remove", "removeprefix", "removesuffix", "replace", "reverse", "rfind", "rindex", "rjust",
    "rpartition", "rsplit", "rstrip", "setdefault", "sort", "split", "splitlines", "startswith", "strip",
    "swapcase", "symmetric_difference", "symmetric_difference_update", "title", "translate", "union",
    "update", "upper", "values", "zfill",
    # logging.Logger
    "debug", "info", "warning", "warn", "error", "exception", "critical", "log",
})

# Calls that return an exception class, written as what an ``except`` names: the class they give
# (anyio's cancellation exception is asyncio's under asyncio; trio's ``Cancelled`` under trio).
# Any other call there names some class too, just not one vcx knows: it is kept as the callee
# followed by ``()``, never read as a bare ``except:`` (ERR004).
PY_EXCEPTION_CLASS_CALLS = {"anyio.get_cancelled_exc_class": "asyncio.CancelledError"}

# JS/TS: methods that a call on a receiver the front end could not resolve is taken to call on a
# built-in object (Array, Map, Set, String, Promise, JSON-ish response bodies), an event emitter or
# a console-like logger, never on a project plugin (``ModuleFacts.dispatches``, ``vcx.dispatch``).
JS_UNDISPATCHED_METHODS = frozenset({
    "add", "apply", "at", "bind", "call", "catch", "clear", "concat", "delete", "emit", "endsWith",
    "entries", "every", "fill", "filter", "finally", "find", "findIndex", "flat", "flatMap", "forEach",
    "get", "has", "includes", "indexOf", "join", "json", "keys", "lastIndexOf", "map", "match", "off",
    "on", "once", "padEnd", "padStart", "pop", "push", "reduce", "removeListener", "replace", "replaceAll",
    "reverse", "set", "shift", "slice", "some", "sort", "splice", "split", "startsWith", "text", "then",
    "toLowerCase", "toString", "toUpperCase", "trim", "unshift", "values",
    "debug", "info", "warn", "error", "log", "trace", "fatal",
})
