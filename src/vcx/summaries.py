"""Function summaries over the linked project: which functions read, write, call the network
or open a transaction, directly or through the project functions they call; and (JS/TS) which
cannot fail: neither throw nor give a promise that rejects (``Summaries.settles``).

A worklist over ``Project.callers`` propagates each effect from the function that performs it
to its callers, once per (function, effect): linear in functions and calls. Each summary keeps
the first site that explains it, so messages can name the helper chain.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from vcx.facts import Call, Function, ModuleFacts, Value, argument_for
from vcx.knowledge import PY_KEEP_UNRESOLVED
from vcx.knowledge import databases as kdb
from vcx.knowledge.javascript import MUTATION_CACHES, MUTATION_HOOKS, is_request_scope_call
from vcx.knowledge.network import (
    HTTP_WRITE_METHODS,
    JS_STATUS_CHECKS,
    PY_STATUS_CHECKS,
    VERB_METHODS,
    network_call,
)
from vcx.link import ClassRef, FuncRef, Project


@dataclass(slots=True)
class Op:
    kind: str  # read | write | staged | commit | txn | network | cache
    path: str
    call: Call
    batch: bool = False
    addressed: bool = False  # network: URL built from a value (a template with holes)
    sql: str = ""
    url_root: str = ""  # network read whose URL is an attribute of this name (``fetch(att.url)``)
    # Root names of what fills the URL template's holes (``f"{API}/users/{u.id}"`` -> API, u);
    # None when unknown. A URL addressed by the loop element names the element here.
    url_holes: tuple[str, ...] | None = None
    # network: the HTTP method sent, upper case ("GET", "POST", ...); "" when unknown (a method
    # given by a variable, an options object vcx cannot see).
    method: str = ""
    # A write on a SQLAlchemy / SQLModel ORM Session (``session.execute(update(...))``): it runs in
    # the session's open transaction and stays uncommitted until a ``commit()``, like a staged one.
    session: bool = False
    # A commit in a unit-of-work context manager (``@contextmanager`` committing after its
    # ``yield``, ``__exit__`` / ``__aexit__``): it commits what the ``with`` block staged.
    unit: bool = False


@dataclass
class Summary:
    # effect -> (the call in this function that has it, the op at the end of the chain)
    via: dict[str, tuple[str, Call, Op]] = field(default_factory=dict)


_SQL_METHODS = kdb.SQL_METHODS
# Every method name classify() can turn into an operation (the cache commands aside).
_OP_METHODS = (kdb.TXN_METHODS | _SQL_METHODS | kdb.WRITE_METHODS | kdb.BATCH_METHODS | kdb.READ_METHODS
               | kdb.READ_MANY | {"commit", "execute", "exec", "add", "add_all", "delete", "merge", "flush"})
_HEAD = re.compile(r"[\w$]+")


def _method(call: Call) -> tuple[str, str]:
    """(receiver text, method name) from the callee text: ``self.session.add`` -> ("session", "add")."""
    text = call.text.replace("?.", ".")
    recv, _, meth = text.rpartition(".")
    if recv.startswith(("self.", "this.")):
        recv = recv.split(".", 1)[1]
    return recv, meth


def _is_get(call: Call) -> bool:
    """A read request: ``requests.get`` / ``axios.get`` / ``fetch(url)`` without a non-GET ``method``."""
    meth = call.callee.rsplit(".", 1)[-1].lower()
    if meth in ("post", "put", "patch", "delete", "options", "request"):
        return False
    for v in (*call.args[1:], *call.kwargs.values()):
        m = v.key("method") if v.kind == "object" else None
        if m is not None and not (m.kind == "str" and isinstance(m.value, str) and m.value.upper() == "GET"):
            return False
    return "method" not in call.kwargs


def http_method(call: Call) -> str:
    """The HTTP method a client call sends, upper case, or "" when the code does not say it with
    a literal: the verb of the method called (``axios.post``, ``requests.delete``,
    ``httpx.AsyncClient().put``); the ``method`` of an options object (``fetch(url, { method:
    "POST" })``, ``axios({ method: "post", url })``, ``got(url, { method })``) or keyword
    (``aiohttp.request(method=...)``); the first argument of a ``request(method, url)`` (requests,
    httpx, aiohttp, urllib3). A bare client call with no method given sends GET (``fetch(url)``,
    ``axios(url)``)."""
    last = call.callee.rsplit(".", 1)[-1]
    verb = VERB_METHODS.get(last.lower()) if "." in call.callee else None
    if verb is not None:
        return verb
    given: Value | None = call.kwargs.get("method")
    if given is None:
        for v in call.args:
            if v.kind == "object" and v.keys is not None and "method" in v.keys:
                given = v.keys["method"]
                break
    if given is None and last in ("request", "stream") and call.args and call.args[0].kind == "str" and \
            len(call.args) >= 2:
        given = call.args[0]  # requests.request("POST", url), httpx.stream("GET", url)
    if given is not None:
        return given.value.upper() if given.kind == "str" and isinstance(given.value, str) else ""
    if last in ("request", "stream", "send", "urlopen", "open", "ws_connect") or \
            any(v.kind in ("name", "attr", "call", "spread", "other") for v in call.args[1:]):
        return ""  # request(config), send(req), urlopen(url, data), fetch(url, init) with an unknown init
    return "GET"


def _sql(call: Call) -> str:
    for a in call.args[:1]:
        if a.kind in ("str", "template") and isinstance(a.value, str):
            return a.value
    return ""


# Transaction statements: BEGIN [DEFERRED | IMMEDIATE | EXCLUSIVE] [TRANSACTION | WORK] (SQLite,
# PostgreSQL), BEGIN ISOLATION LEVEL ..., START TRANSACTION [READ WRITE | ...], COMMIT / END /
# ROLLBACK [TRANSACTION | WORK].
_TXN_SQL = re.compile(
    r"\s*(?:BEGIN(?:\s+(?:DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+(?:TRANSACTION|WORK))?(?:\s+ISOLATION\s+LEVEL[\w\s]+)?"
    r"|START\s+TRANSACTION(?:\s+[\w\s,]+)?"
    r"|(?:COMMIT|END|ROLLBACK)(?:\s+(?:TRANSACTION|WORK))?)\s*;?\s*", re.IGNORECASE)


def _looks_like_sql(sql: str) -> bool:
    kind = kdb.sql_kind(sql)
    if kind in ("txn", "commit"):
        return _TXN_SQL.fullmatch(sql) is not None
    return kind in ("read", "write") and len(sql.split(None, 2)) >= 2


def _rollback(sql: str) -> bool:
    return sql.lstrip().upper().startswith("ROLLBACK")


# SQLAlchemy / SQLModel statement builders: calls that construct SQL without running it.
SA_BUILDERS = ("sqlalchemy.update", "sqlalchemy.insert", "sqlalchemy.delete", "sqlalchemy.select",
               "sqlmodel.update", "sqlmodel.insert", "sqlmodel.delete", "sqlmodel.select",
               "sqlalchemy.dialects.postgresql.insert", "sqlalchemy.dialects.sqlite.insert",
               "sqlalchemy.dialects.mysql.insert", "sqlalchemy.text")


# Builders of INSERT / UPDATE / DELETE statements that ``execute()`` runs.
SA_WRITE_BUILDERS = ("sqlalchemy.update", "sqlalchemy.insert", "sqlalchemy.delete", "sqlmodel.update",
                     "sqlmodel.insert", "sqlmodel.delete", "sqlalchemy.dialects.postgresql.insert",
                     "sqlalchemy.dialects.sqlite.insert", "sqlalchemy.dialects.mysql.insert")
_BUILDER_METHODS = frozenset({"insert", "update", "delete"})
_EXECUTES = frozenset({"execute", "exec", "scalars", "scalar"})


def _statement_builder(mod: ModuleFacts, call: Call) -> bool:
    """(Python) ``insert`` / ``update`` / ``delete`` that builds a SQLAlchemy statement rather
    than running one: on a Core table (``Model.__table__.insert()``), or whose result, also
    through a chain (``.values(...).on_conflict_do_nothing()``), is the first argument of an
    ``execute()`` (``session.execute(db.queries.insert(Model), rows)``) or is kept in a name the
    function's ``execute()`` is given (``stmt = db.queries.insert(Model).values(...)``;
    ``session.execute(stmt)``): a project method returning a dialect ``Insert``, which the
    ``execute()`` runs."""
    text = call.text
    if ".__table__." in text or text.startswith("__table__."):
        return True
    if call.context in ("arg", "chain") and call.arg_of is not None and call.arg_of < len(mod.calls):
        outer = mod.calls[call.arg_of]
        return outer.text.rsplit(".", 1)[-1] in _EXECUTES and bool(outer.args) and outer.args[0].kind == "call"
    name = call.assigned_to
    if not name or call.context not in ("assign", "chain"):
        return False
    return any(c.func == call.func and c.loc > call.loc and c.text.rsplit(".", 1)[-1] in _EXECUTES and
               _statement_name(mod, c) == name for c in mod.calls)


def _statement_name(mod: ModuleFacts, call: Call) -> str | None:
    """The local name whose statement an ``execute()`` runs: ``session.execute(stmt)``, also
    ``session.scalars(stmt.returning(T.id))``."""
    first = call.args[0] if call.args else None
    if first is None:
        return None
    if first.kind == "name":
        return first.text
    if first.kind == "call":
        text = mod.calls[first.call_id].text if first.call_id is not None and first.call_id < len(mod.calls) \
            else (first.text or "")
        root, dot, _ = text.partition(".")
        return root if dot and _PLAIN_NAME.fullmatch(root) else None
    return None


def _runs_built_write(mod: ModuleFacts, call: Call) -> bool:
    """(Python) An ``execute()`` whose first argument is an INSERT / UPDATE / DELETE statement
    built in the function (``_statement_builder``), passed directly or through a name."""
    first = call.args[0]
    name = _statement_name(mod, call)
    for c in mod.calls:
        if c.func != call.func or c.text.rsplit(".", 1)[-1] not in _BUILDER_METHODS:
            continue
        given = (first.kind == "call" and c.arg_of == call.id and c.context in ("arg", "chain")) or (
            name is not None and c.assigned_to == name and c.loc < call.loc and c.context in ("assign", "chain"))
        if not given:
            continue
        if c.callee.startswith(SA_WRITE_BUILDERS) or _statement_builder(mod, c):
            return True
    return False


# SQLAlchemy's textual SQL construct: ``text("INSERT ...")``, run by ``execute()``.
SA_TEXT = ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text")


# A model class's scope chain before the query: Collection.unscoped().findOne, User.scope("x").findAll.
_MODEL_RECEIVER = re.compile(r"(?:[\w$]+\.)*[A-Z][\w$]*(?:\.(?:scope|unscoped|schema)\([^)]*\))*")


# Import specifiers that name no third-party library ModuleView.other_library() means: the
# project's own (relative, rooted, aliased) and database, database-like and cache packages.
_NOT_LIBRARIES = (".", "/", "@/", "~", "#", *kdb.DB_LIBS, *kdb.DB_LIKE_PACKAGES, *kdb.OTHER_STORES)


@dataclass
class ModuleView:
    """What classify() needs to know about the module a call sits in, worked out once per
    module: the callee prefixes that name the project's own packages (``@server/models.``), the
    third-party packages it imports that are neither databases nor caches, whether it runs
    only in a browser, and whether the project uses a JS ORM whose rows save themselves."""

    project_prefixes: tuple[str, ...] = ()
    in_browser: bool = False
    active_record: bool = True
    library_prefixes: tuple[str, ...] = ()
    # (function, local name) -> (line, callee) of the calls whose result the name was assigned
    origins: dict[tuple[str | None, str], list[tuple[int, str]]] = field(default_factory=dict)
    # A receiver as callees write it (``local:EngineContext``, ``import:./cmd:RenameCommand``)
    # names a project class that is no ORM model (``Project.is_model``): its statics and
    # classmethods are the project's or another library's, not a model's queries.
    plain_class: Callable[[str], bool] = field(default=lambda owner: False)
    # (function, local name) bound to the client of a remote API's SDK (``kdb.api_sdk``): made by
    # the call (``client = OpenAI()``) or returned by the project function it calls (``client =
    # self.get_client()``, ``return OpenAI(api_key=...)``).
    sdk_names: frozenset[tuple[str | None, str]] = frozenset()

    @classmethod
    def of(cls, mod: ModuleFacts, project_prefixes: tuple[str, ...], in_browser: bool,
           active_record: bool) -> ModuleView:
        libraries = tuple({f"{imp.module}." for imp in mod.imports
                           if not (imp.relative or imp.module.startswith(_NOT_LIBRARIES)
                                   or f"{imp.module}." in project_prefixes)})
        origins: dict[tuple[str | None, str], list[tuple[int, str]]] = {}
        if mod.language != "python":
            for c in mod.calls:
                if c.assigned_to:
                    origins.setdefault((c.func, c.assigned_to), []).append((c.loc.line, c.callee))
        return cls(project_prefixes, in_browser, active_record, libraries, origins)

    def other_library(self, callee: str) -> bool:
        """``callee`` is reached through a third-party package the module imports that is
        neither a database library nor a cache (``konva.Stage().destroy``,
        ``intercom-client.IntercomClient().contacts.create``)."""
        if not callee or callee.startswith(("local:", "import:")) or callee.startswith(self.project_prefixes):
            return False
        return bool(self.library_prefixes) and callee.startswith(self.library_prefixes)

    def origin(self, call: Call, recv: str) -> str:
        """The callee of the call whose result the receiver ``recv`` (a plain local name) was
        assigned from earlier in the same function: ``pdfDoc`` in ``const pdfDoc = await
        PDFDocument.load(b)``."""
        found = ""
        for line, callee in self.origins.get((call.func, recv), ()):
            if line <= call.loc.line:
                found = callee
        return found


_NO_VIEW = ModuleView()


def classify(mod: ModuleFacts, call: Call, view: ModuleView = _NO_VIEW) -> Op | None:
    """What ``call`` does to the outside world: a network request, a database read or write,
    a transaction step, a cache command, or nothing we know (None). ``view.in_browser``: the module
    runs only in a browser, which has no database: only a database library's own API counts
    there (``document.save()`` on a client-side model is a request to the API, not a write).
    ``view.active_record``: the project uses a JS ORM whose rows save themselves (Mongoose,
    Sequelize, TypeORM, ...); without one, ``doc.save()`` / ``stage.destroy()`` on a local
    name is some other library's object (a pdf-lib document, a konva stage), not a row."""
    callee = call.callee
    client = network_call(call)
    path = mod.path
    if client is not None:
        url = call.args[0] if call.args else call.kwargs.get("url")
        if url is not None and url.kind == "str" and len(call.args) >= 2 and \
                callee.rsplit(".", 1)[-1] in ("request", "stream") and \
                isinstance(url.value, str) and url.value.lower() in (*VERB_METHODS, "get"):
            url = call.args[1]  # requests.request("GET", url)
        root = ""
        if url is not None and url.kind == "attr" and _is_get(call):
            root = url.text.split(".", 1)[0]  # fetch(attachment.url): a download addressed by the element
        holes = None
        if url is not None and url.kind == "template" and url.items is not None:
            holes = tuple((h.text or "").split(".", 1)[0].split("[", 1)[0] for h in url.items)
        return Op("network", path, call, addressed=url is not None and url.kind == "template", url_root=root,
                  url_holes=holes, method=http_method(call))
    meth = call.text.rpartition(".")[2]  # as _method() reads it, which most calls need not pay for
    if not meth or (view.in_browser and not callee.startswith(kdb.DB_LIBS)):
        return None
    if meth in kdb.TREE_INSERT_METHODS and "instance" in call.kwargs and mod.language == "python":
        return Op("write", path, call)  # treebeard: inserts the node (form.save(commit=False) built it)
    if meth not in _OP_METHODS and meth.lower() not in kdb.CACHE_COMMANDS and not callee.startswith(kdb.OTHER_STORES):
        return None  # useState(), items.push(): no method any database, cache or transaction has
    recv, meth = _method(call)
    if kdb.api_sdk(callee) or (view.sdk_names and (call.func, recv.split(".", 1)[0]) in view.sdk_names):
        return None  # stripe.customers.create(), client.beta.threads.create(): the vendor's API, no database
    if mod.language == "python" and (call.factory or (recv in ("self", "cls") and callee == call.text and
                                                      meth not in PY_KEEP_UNRESOLVED)):
        return None  # self.m() / repo.m() on a factory's result that link found no method for
    if mod.language == "python" and (kdb.sqlalchemy_not_a_query(callee) or recv in kdb.DJANGO_SESSION_RECEIVERS
                                     or recv.endswith(".request.session")):
        return None  # URL.create(...), create_engine(...), event.remove(...); request.session.save()
    if meth == "save" and mod.language == "python" and _false(call.kwargs.get("commit")):
        # Django ModelForm / formset ``form.save(commit=False)``: builds the unsaved instance
        # (and defers deletions and many-to-many rows), writes nothing; its later ``obj.save()`` does.
        return None
    if mod.language == "python" and not callee.startswith(kdb.DB_LIBS) and "." in recv:
        owner, _, resource = recv.partition(".")
        if resource in kdb.PY_SDK_RESOURCES and owner.lower().endswith(kdb.PY_SDK_CLIENT_NAMES):
            return None  # client.chat.completions.create(...): an API SDK's resource, not a table
    base = recv.rsplit(".", 1)[-1].lower() if recv else ""
    m = _HEAD.match(recv)
    head = m.group(0).lower() if m else ""  # trx("users").where(...) -> "trx"
    if m is not None and (recv[m.end():m.end() + 1] == "[" or head in kdb.DB_NAMES_AS_RECEIVER_ONLY):
        head = ""  # conn[i].create(...): an element of a list; collection.breadcrumbs.get(...): a field
    either = _EITHER.fullmatch(recv) if recv[:1] == "(" else None
    if either is not None:  # (conn or db).insert(...): a database handle when either name is one
        head = next((n.lower() for n in either.groups() if n.lower() in kdb.DB_NAMES), head)
    canon = callee.split(":")[-1] if callee.startswith(("import:", "local:")) else callee
    if callee.startswith(kdb.OTHER_STORES) or (
            (base in kdb.CACHE_NAMES or head in kdb.CACHE_NAMES) and meth.lower() in kdb.CACHE_COMMANDS and
            (call.args or call.kwargs or meth.lower() in kdb.CACHE_KEYLESS_COMMANDS)):
        # (a command that takes a key given none, `r.get()` on a rule object `r`, is no cache's)
        if meth.lower() in kdb.MESSAGE_COMMANDS:
            return None  # redis.publish(channel, msg): a message to subscribers, no read or write of a store
        return Op("cache", path, call)  # a cache named `cache` is a store only when spoken to like one
    project_prefixes = view.project_prefixes
    aliased = next((p for p in project_prefixes if callee.startswith(p)), None) \
        if project_prefixes and callee.startswith(project_prefixes) else None
    if mod.language != "python" and aliased is None and not callee.startswith(kdb.DB_LIBS) and \
            (view.other_library(callee) or (
                _PLAIN_NAME.fullmatch(recv) is not None and
                view.other_library(view.origin(call, recv)))):
        # this.client.contacts.create() on `new IntercomClient()`, stage.destroy() on a konva
        # Stage, doc.save() on a pdf-lib PDFDocument: a library that is no database, whatever
        # the receiver is called. Only its SQL (if any) can still say it queries.
        if not (meth in _SQL_METHODS and _looks_like_sql(_sql(call))):
            return None
    evidence = callee.startswith(kdb.DB_LIBS) or kdb.through_django_manager(canon) or canon[-8:] == ".objects" or \
        ".query." in canon or base in kdb.DB_NAMES or head in kdb.DB_NAMES or base.endswith(("repository", "repo")) \
        or "Session()" in callee or "sessionmaker" in callee
    if not evidence and meth in ("findUnique", "findMany", "findFirst", "createMany", "upsert") and \
            len(recv.split(".")) >= 2:
        evidence = True  # prisma.<model>.<op> on any client name
    if not evidence and recv and (aliased is not None or callee.startswith(("local:", "import:"))):
        model = (callee[len(aliased):] if aliased is not None else canon).rsplit(".", 1)[0]
        if mod.language == "python":  # Product.objects..., StockQuerySet().aggregate (FILES is no class)
            last = model.rsplit(".", 1)[-1]
            name = last.split("(", 1)[0]
            evidence = name[:1].isupper() and not name.isupper() and (
                meth in kdb.READ_METHODS or meth in kdb.WRITE_METHODS or meth in kdb.BATCH_METHODS)
            if evidence and last.endswith(")"):  # an instance: a queryset's, or a row's own save()/delete()
                evidence = name.endswith(kdb.PY_QUERYSET_CLASS_SUFFIXES) or meth in kdb.PY_ROW_METHODS
        else:  # Course.findAll, Course.unscoped().findOne: a model class's own statics
            # (not SETTINGS.find(...): an UPPER_CASE constant is an array, not a model class)
            evidence = meth in kdb.JS_MODEL_STATICS and _MODEL_RECEIVER.fullmatch(model) is not None and \
                not (len(last := model.split("(", 1)[0].rsplit(".", 1)[-1]) > 1 and last.isupper())
        if evidence and view.plain_class(callee.rsplit(".", 1)[0]):
            evidence = False  # Command.create() on a project class with no model base: not Model.create()
    if not evidence and meth in ("save", "destroy", "populate") and \
            (view.active_record or mod.language == "python") and not any(
            a.kind == "str" for a in call.args) and _PLAIN_NAME.fullmatch(recv or "") and \
            not (mod.language == "python" and call.args and recv != "cls"):
        # row.save() / doc.populate() on ORM rows (a plain local name, not this.x[k]); in JS only
        # when the project uses an ORM whose rows save themselves. A Python row's save() takes
        # keywords only (update_fields=, force_insert=); img.save(dest, "WEBP"), workbook.save(path)
        # write a file (but cls.save(info, instance) is a mutation's own helper).
        evidence = True
    if not evidence and meth in _SQL_METHODS:
        evidence = _looks_like_sql(_sql(call))  # c.query("UPDATE ...") on any receiver: the SQL says what it is
    if evidence and mod.language != "python":
        step = _js_entity_step(call, recv, meth, base, head)
        if step is not None:
            return Op("staged", path, call) if step == "staged" else None
    if not evidence:
        return None
    chain_text = callee
    if callee.startswith(SA_BUILDERS):
        return None  # update(T).where(...): builds a statement; the session's execute() runs it
    if mod.language == "python" and meth in _BUILDER_METHODS and _statement_builder(mod, call):
        return None  # Model.__table__.insert(), db.queries.insert(Model) run by an execute(): a statement
    if meth in _EXECUTES and call.args and call.args[0].kind in ("call", "name"):
        built = (call.args[0].ref or "").split("()", 1)[0] if call.args[0].kind == "call" else ""
        if (built in SA_WRITE_BUILDERS and meth in ("execute", "exec")) or (
                mod.language == "python" and _runs_built_write(mod, call)):
            return Op("write", path, call)  # also session.scalars(insert(T).returning(T.id))
        if built in ("sqlalchemy.select", "sqlmodel.select") and meth in ("execute", "exec"):
            return Op("read", path, call)
        if built in SA_TEXT and call.args[0].call_id is not None and call.args[0].call_id < len(mod.calls):
            # conn.execute(text("INSERT ...")): the SQL inside text() says it writes. Only writes
            # (a SELECT stays the read it was classified as by name).
            sql = _sql(mod.calls[call.args[0].call_id])
            if kdb.sql_kind(sql) == "notify":
                return None  # session.execute(text("NOTIFY ch, 'x'")): a message to listeners, no query
            if kdb.sql_kind(sql) == "write" and _looks_like_sql(sql):
                batch = kdb.is_sql_batch(sql) or (len(call.args) > 1 and call.args[1].kind == "array")
                return Op("write", path, call, batch=batch, sql=sql)
    if meth in kdb.TXN_METHODS:
        return Op("txn", path, call)
    sql = _sql(call)
    if meth in _SQL_METHODS and sql:
        kind = kdb.sql_kind(sql)
        if kind == "txn":
            return Op("txn", path, call)
        if kind == "commit":
            return None if _rollback(sql) else Op("commit", path, call)  # a ROLLBACK writes nothing
        if kind == "notify":
            return None
        batch = meth == "executemany" or kdb.is_sql_batch(sql)
        if kind == "write":
            return Op("write", path, call, batch=batch, sql=sql)
        return Op("read", path, call, batch=batch, sql=sql)
    if meth == "commit":
        return Op("commit", path, call)
    if meth in ("rollback", "close", "release", "connect", "acquire", "cursor", "refresh"):
        return None
    batch = meth in kdb.BATCH_METHODS or any(
        k.endswith("__in") or k == "$in" for k in call.kwargs) or any(
        a.keys is not None and ("$in" in a.keys or "in" in a.keys) for a in call.args) or "__in" in chain_text
    if meth == "create" and call.text.startswith("this.") and call.text.count(".") == 2 and \
            mod.language != "python" and not callee.startswith(kdb.JS_INSERTING_CREATE):
        return None  # TypeORM repository.create() builds an entity; save() writes it (a Mongoose model's inserts)
    if meth in ("add", "add_all", "delete", "merge", "flush") and ("session" in recv.lower() or "Session" in callee):
        return Op("staged", path, call, batch=batch)
    if meth in kdb.WRITE_METHODS or meth in kdb.BATCH_METHODS - {"in_bulk", "mget"}:
        return Op("write", path, call, batch=batch)
    if meth in kdb.READ_METHODS or meth in kdb.READ_MANY:
        return Op("read", path, call, batch=batch)
    return None


_PLAIN_NAME = re.compile(r"[A-Za-z_$][\w$]*")
# Exceptions a read raises when the row is missing (Django, DRF / werkzeug, SQLAlchemy).
_NOT_FOUND = ("DoesNotExist", "NotFound", "NoResultFound", "ObjectDoesNotExist")
_EITHER = re.compile(r"\(\s*([A-Za-z_]\w*)\s+or\s+([A-Za-z_]\w*)\s*\)")


def _context_manager(mod: ModuleFacts, fid: str | None) -> bool:
    """(Python) The function is a context manager's: decorated ``@contextmanager`` /
    ``@asynccontextmanager``, or a class's ``__exit__`` / ``__aexit__``."""
    fn = mod.functions.get(fid) if fid is not None and mod.language == "python" else None
    if fn is None:
        return False
    return fn.name in ("__exit__", "__aexit__") or any(
        (d.ref or d.text or "").split("(")[0].endswith(("contextmanager", "asynccontextmanager"))
        for d in fn.decorators)


def on_session(mod: ModuleFacts, call: Call) -> bool:
    """(Python) A call on a SQLAlchemy / SQLModel ORM ``Session`` (``session``, ``self.session``,
    ``db.session``, ``db_session``, a parameter annotated ``AsyncSession``): a 2.0-style Session
    never autocommits, so what it runs belongs to the transaction a later ``commit()`` ends. Not
    Django's ``request.session`` (the session store), nor a session of another driver the front
    end resolved (a Cassandra or Neo4j session runs each statement on its own)."""
    if mod.language != "python":
        return False
    recv, _ = _method(call)
    if not recv or recv in kdb.DJANGO_SESSION_RECEIVERS or recv.endswith(".request.session"):
        return False
    callee = call.callee
    if callee.startswith(("sqlalchemy.", "sqlmodel.", "flask_sqlalchemy.")):
        return "Session" in callee or ".session." in callee
    if "Session()." in callee:
        return True  # a parameter annotated with a Session class (the project may re-export it)
    if callee.startswith((*kdb.DB_LIBS, *kdb.OTHER_STORES, "cassandra", "neo4j", "boto3", "botocore")):
        return False  # another driver's session (a MongoDB client session, a Cassandra session)
    last = recv.rsplit(".", 1)[-1].lower()
    return last.endswith("session") or last == "sess"


def _false(v: Value | None) -> bool:
    """The literal ``False``."""
    return v is not None and v.kind == "bool" and v.value is False
_FIELD_OF_INSTANCE = re.compile(r"\)\.([\w$]+)$")  # SerializationContext().visited


def _js_entity_step(call: Call, recv: str, meth: str, base: str, head: str) -> str | None:
    """JS/TS calls on a database handle that run no query themselves: "none" or "staged"
    (None: a query as classified). TypeORM's and MikroORM's entity managers build
    (``create``) and merge entity objects and MikroORM stages them (``persist``) until a
    flush; ``knex.raw("?", [x])`` handed to another query is a fragment of it; metadata
    lookups (``em.getMetadata().get(Entity)``) and the Set/Map fields of a library's objects
    (``ctx.visited.add(x)``) read no table."""
    manager = base in kdb.ENTITY_MANAGER_NAMES or (head in kdb.ENTITY_MANAGER_NAMES and recv.count(".") == 0)
    if manager and meth in ("create", "merge", "assign"):
        return "none"
    if manager and meth == "persist":
        return "staged"
    if meth == "raw" and not (call.awaited or call.context in ("return", "await", "stmt") or call.chain):
        return "none"
    if "getMetadata()" in recv:
        return "none"
    field = _FIELD_OF_INSTANCE.search(call.callee.rsplit(".", 1)[0])
    if field is not None and field.group(1).lower() not in kdb.DB_NAMES and meth in kdb.JS_COLLECTION_METHODS \
            and not call.callee.startswith("@prisma/client"):
        return "none"
    return None


# Decorators that memoize a function's result (the last name, before any call parentheses):
# Flask-Caching ``@cache.memoize()`` / ``@cache.cached()``, ``functools.lru_cache`` /
# ``functools.cache``, cachetools ``@cached(...)`` / ``@cachedmethod``, async-lru. Not
# ``cached_property``: it caches per instance, so a loop over rows still reads once per row.
MEMOIZERS = frozenset({"memoize", "memoized", "cached", "lru_cache", "cache", "ttl_cache", "alru_cache",
                       "cachedmethod"})
# Effects a memoized function does not pass on to its callers: its result is served from the
# cache after the first call with the same arguments, so a call of it is not a query per call.
READ_EFFECTS = frozenset({"read", "query", "network", "network_addressed"})
# Effects (n-plus-one's) a one-time initialisation does not pass on to its function nor that
# function to its callers: its block runs once per process, whatever calls it (see ``runs_once``).
ONCE_EFFECTS = frozenset({"query", "network_addressed", "network_write_addressed"})


def memoized(fn: Function) -> bool:
    """``fn`` is decorated with a memoizing cache (see ``MEMOIZERS``)."""
    return any((d.ref or d.text or "").split("(", 1)[0].rsplit(".", 1)[-1] in MEMOIZERS for d in fn.decorators)


class Summaries:
    """Per project function: the effects it has and the first call that explains each.

    A memoized function (``@cache.memoize()``, ``@lru_cache``) keeps its writes but not its reads:
    repeated calls are answered by the cache, so ``get_config(key)`` in a loop over a helper
    that reads through ``@cache.memoize() def _get_config(key)`` is no query per element. A
    one-time initialisation (see :meth:`runs_once`) passes no n-plus-one effect (``ONCE_EFFECTS``)
    on: its block runs once per process; the other effects (reads, writes, network calls, for the
    other rules) stay."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.ops: dict[tuple[str, int], Op] = {}
        self.funcs: dict[FuncRef, Summary] = {}
        # See settles(): verdicts per (function, whether waiting for its result counts too), and
        # per module the calls made outside any try and the callbacks of each call.
        self._settles: dict[tuple[FuncRef, bool], bool] = {}
        self._unguarded_calls: dict[str, dict[str, list[Call]]] = {}
        self._callback_index: dict[str, dict[int, list[str]]] = {}
        self._settles_extra: dict[tuple[str, FuncRef], bool] = {}  # ERR004's verdicts, see shown_or_expected
        self._mutation_cache: bool | None = None
        self._returned: dict[FuncRef, str] = {}
        self._factories: frozenset[FuncRef] | None = None  # see _sdk_factories()
        self._lazy: dict[FuncRef, bool] = {}  # see lazy_getter()
        self.memoized: set[FuncRef] = {FuncRef(path, fn.id) for path, mod in project.modules.items()
                                       if mod.language == "python"
                                       for fn in mod.functions.values() if fn.decorators and memoized(fn)}
        work: deque[tuple[FuncRef, str]] = deque()
        # Project functions that run the SQL they are given (see ``_sql_wrappers``), and the calls
        # of them judged by the SQL literal they pass instead of by the wrapper's body.
        self.sql_wrappers = sql_wrappers = self._sql_wrappers()
        self.sql_sites: set[tuple[str, int]] = set()
        active_record = any(dep.startswith(kdb.JS_ACTIVE_RECORD) for dep in project.npm_deps) or any(
            imp.module.startswith(kdb.JS_ACTIVE_RECORD) for mod in project.modules.values()
            if mod.language != "python" for imp in mod.imports)
        for path, mod in project.modules.items():
            has_commit: dict[str | None, bool] = {}
            prefixes = tuple(f"{spec}." for spec in project.package_specs(path))
            view = ModuleView.of(mod, prefixes, project.runs_in_browser(path), active_record)
            view.plain_class = self._plain_class_test(path)
            view.sdk_names = self._sdk_names(path, mod)
            found: list[tuple[Call, Op]] = []  # the module's operations, in call order
            for call in mod.calls:
                op = self._sql_site(path, call) if sql_wrappers else None
                if op is not None:
                    self.sql_sites.add((path, call.id))
                else:
                    op = classify(mod, call, view)
                    if op is None or self._project_code(path, call):
                        continue
                if op.kind == "commit":
                    has_commit[call.func] = True
                    op.unit = _context_manager(mod, call.func)
                elif op.kind == "write" and on_session(mod, call):
                    op.session = True
                self.ops[(path, call.id)] = op
                found.append((call, op))
            if has_commit and mod.language == "python":
                for call, op in found:
                    # DB-API connections (autocommit off): writes before one commit are one transaction.
                    if op.kind == "write" and has_commit.get(call.func) and "asyncpg" not in call.callee:
                        op.kind = "staged"
            for call, op in found:
                if call.func is None:
                    continue
                ref = FuncRef(path, call.func)
                once = self.runs_once(path, call)
                for eff in self._effects(op):
                    if once and eff in ONCE_EFFECTS:
                        continue
                    if eff != "staged":  # phase 2
                        self._add(ref, eff, path, call, op, work)
        self._spread(work)
        # Phase 2, "staged": the function leaves writes on a session uncommitted for its caller to
        # commit: a staged write (its own or a helper's) not followed by a commit in the function
        # (its own, a helper's, or the exit of a committing ``with`` block around it). Needs the
        # "commit" effects, final after phase 1.
        self._commit_points: dict[str, dict[str | None, list[tuple[int, int]]]] = {}
        self._committing: dict[tuple[str, int], bool] = {}
        for path, mod in project.modules.items():
            for call in mod.calls:
                op = self.ops.get((path, call.id))
                if call.func is not None and op is not None and self.stages(op) and \
                        not self.committed_after(path, call):
                    self._add(FuncRef(path, call.func), "staged", path, call, op, work)
        self._spread(work, staged=True)
        # Phase 3: a commit that ends writes staged before it in the function writes them.
        for path, mod in project.modules.items():
            for fid, (call, op) in self._commits_of_staged(path, mod).items():
                ref = FuncRef(path, fid)
                for eff in (("write",) if op.batch else ("write", "query")):
                    self._add(ref, eff, path, call, op, work)
        self._spread(work)

    def _sdk_names(self, path: str, mod: ModuleFacts) -> frozenset[tuple[str | None, str]]:
        """``ModuleView.sdk_names`` for the module ``path``."""
        factories = self._sdk_factories()
        out: set[tuple[str | None, str]] = set()
        for call in mod.calls:
            if not call.assigned_to:
                continue
            made = call.callee
            if not kdb.api_sdk(made):
                if not factories:
                    continue
                ref = self.project.target(path, call)
                made = self._returned_callee(ref) if ref in factories else ""
            if made and kdb.api_sdk(made):
                out.add((call.func, call.assigned_to))
        return frozenset(out)

    def _sdk_factories(self) -> frozenset[FuncRef]:
        """The project functions with a ``return`` of a remote-API SDK client (``return
        OpenAI(key)``): the only ones :meth:`_returned_callee` can find one in."""
        if self._factories is None:
            self._factories = frozenset(
                FuncRef(path, c.func) for path, mod in self.project.modules.items() for c in mod.calls
                if c.context == "return" and c.func is not None and kdb.api_sdk(c.callee))
        return self._factories

    def _returned_callee(self, ref: FuncRef) -> str:
        """The callee of the call a project function returns (``return OpenAI(key)``), when it
        returns one and only one; "" otherwise."""
        hit = self._returned.get(ref)
        if hit is None:
            mod = self.project.modules.get(ref.path)
            found = {c.callee for c in mod.calls if c.func == ref.func and c.context == "return"} \
                if mod is not None else set()
            hit = self._returned[ref] = found.pop() if len(found) == 1 else ""
        return hit

    def _plain_class_test(self, path: str) -> Callable[[str], bool]:
        """``ModuleView.plain_class`` for the module ``path``."""
        project = self.project
        memo: dict[str, bool] = {}

        def plain_class(owner: str) -> bool:
            hit = memo.get(owner)
            if hit is None:
                cls = project.class_of(path, owner)
                hit = memo[owner] = cls is not None and not project.is_model(cls)
            return hit
        return plain_class

    def _sql_wrappers(self) -> dict[FuncRef, str]:
        """Project functions whose SQL is a parameter, with that parameter: ``def execute(self,
        query, values)`` running ``self.conn.execute(text(query), values)`` (or ``cur.execute(query)``,
        ``pool.query(sql, params)``), also through another such function it passes the parameter
        on to (``Database.fetchone(query)`` -> ``conn.fetchone(query)``). What such a wrapper does
        at a call is what the SQL passed there does, not what its body does for any SQL (a commit
        after a ``SELECT`` writes nothing)."""
        project = self.project
        base: dict[FuncRef, str] = {}
        calls_on: list[tuple[FuncRef, str, Call]] = []  # (function, its parameter, a call passing it)
        params_of: dict[tuple[str, str], frozenset[str]] = {}

        def params(path: str, mod: ModuleFacts, func: str) -> frozenset[str]:
            hit = params_of.get((path, func))
            if hit is None:
                fn = mod.functions.get(func)
                hit = params_of[(path, func)] = frozenset(p.lstrip("*") for p in fn.params) - {"self", "cls"} \
                    if fn is not None else frozenset()
            return hit

        for path, mod in project.modules.items():  # the driver calls running a parameter's SQL
            for call in mod.calls:
                if not call.args or call.func is None or \
                        call.text.replace("?.", ".").rsplit(".", 1)[-1] not in _SQL_METHODS:
                    continue
                first = call.args[0]
                for _ in range(3):  # execute(text(query)), execute(text(self.rewrite_query(query)))
                    if first.kind != "call" or first.call_id is None or first.call_id >= len(mod.calls):
                        break
                    inner = mod.calls[first.call_id]
                    if not inner.args:
                        break
                    first = inner.args[0]
                if first.kind == "name" and first.text in params(path, mod, call.func) and \
                        not self._project_code(path, call):
                    op = classify(mod, call)
                    if op is not None and op.kind in ("read", "write", "staged"):
                        base.setdefault(FuncRef(path, call.func), first.text)
        if not base:
            return {}
        for path, mod in project.modules.items():  # calls handing a parameter on
            for call in mod.calls:
                if not call.args or call.func is None:
                    continue
                names = params(path, mod, call.func)
                for a in (*call.args, *call.kwargs.values()):
                    if a.kind == "name" and a.text in names:
                        calls_on.append((FuncRef(path, call.func), a.text, call))
        out = dict(base)
        for _ in range(6):  # wrappers of wrappers
            grew = False
            for ref, param, call in calls_on:
                if ref in out:
                    continue
                target = project.target(ref.path, call)
                inner_param = out.get(target) if target is not None else None
                fn = project.function(target) if inner_param is not None else None
                arg = argument_for(fn, call, inner_param) if fn is not None else None  # type: ignore[arg-type]
                if arg is not None and arg.kind == "name" and arg.text == param:
                    out[ref] = param
                    grew = True
            if not grew:
                break
        return out

    def _sql_site(self, path: str, call: Call) -> Op | None:
        """A call of a SQL wrapper (``_sql_wrappers``) passing a SQL literal it recognises: the
        operation that SQL is, as if the driver ran it here (``db.fetchone("SELECT ...")`` a read,
        ``db.execute("DELETE ...")`` a write, ``db.execute("CREATE SCHEMA ...")`` schema DDL, which
        no rule counts as a write, classified as a driver call's DDL is). None: not such a call,
        or SQL it does not judge (a name, a ``NOTIFY``, a ``COMMIT`` / ``ROLLBACK``): the wrapper's
        summary holds."""
        target = self.project.target(path, call)
        param = self.sql_wrappers.get(target) if target is not None else None
        fn = self.project.function(target) if param is not None else None
        arg = argument_for(fn, call, param) if fn is not None else None  # type: ignore[arg-type]
        if arg is not None and arg.kind == "name" and arg.text:
            # count_query = f"SELECT COUNT(*) ..."; self.execute(count_query): the texts the name was given
            mod = self.project.modules[path]
            texts = [sql for f, name, line, sql in mod.local_sql
                     if f == call.func and name == arg.text and line < call.loc.line]
            kinds = {kdb.sql_kind(t) for t in texts}
            if not texts or len(kinds) != 1:
                return None
            arg = Value("str", arg.text, texts[0])
        if arg is None or arg.kind not in ("str", "template") or not isinstance(arg.value, str):
            return None
        sql = arg.value
        head = sql.lstrip(" \n\t(").split(None, 1)
        kind = kdb.sql_kind(sql)
        if not head or (kind is None and head[0].upper().rstrip(";") not in kdb.SCHEMA_SQL):
            return None
        if kind == "txn":
            return Op("txn", path, call) if _TXN_SQL.fullmatch(sql) else None
        if kind in ("commit", "notify"):
            return None  # db.execute("COMMIT"): as the wrapper's body has it
        return Op("write" if kind == "write" else "read", path, call, batch=kdb.is_sql_batch(sql), sql=sql)

    def _add(self, ref: FuncRef, eff: str, path: str, call: Call, op: Op,
             work: deque[tuple[FuncRef, str]]) -> None:
        if eff in READ_EFFECTS and ref in self.memoized:
            return
        s = self.funcs.setdefault(ref, Summary())
        if eff not in s.via:
            s.via[eff] = (path, call, op)
            work.append((ref, eff))

    def _spread(self, work: deque[tuple[FuncRef, str]], staged: bool = False) -> None:
        """Propagate effects from functions to their callers; "staged" (``staged``) only to a
        caller that does not commit after the call."""
        project = self.project
        while work:
            ref, eff = work.popleft()
            op = self.funcs[ref].via[eff][2]
            for cpath, call in (*project.callers_of(ref), *project.test_callers.get(ref, ())):
                if call.func is None or (eff in ONCE_EFFECTS and self.runs_once(cpath, call)):
                    continue
                if (cpath, call.id) in self.sql_sites:
                    continue  # a call of a SQL wrapper: the SQL it passes says what it does
                if staged and self.committed_after(cpath, call):
                    continue
                self._add(FuncRef(cpath, call.func), eff, cpath, call, op, work)

    @staticmethod
    def stages(op: Op) -> bool:
        """A staged write, or a write on a Session (uncommitted until a ``commit()``)."""
        return op.kind == "staged" or (op.kind == "write" and op.session)

    def runs_once(self, path: str, call: Call) -> bool:
        """(Python) ``call`` sits in a one-time initialisation (:attr:`ModuleFacts.once_arms`): behind
        a class-level or global flag its block sets (``if not getattr(cls, "_init", False): ...;
        cls._init = True``), or behind an instance flag (``if not self.running: ...; self.running =
        True``) of a class that defines ``__new__`` (its instances are shared: a singleton)."""
        mod = self.project.modules.get(path)
        if mod is None or not mod.once_arms or not call.branches:
            return False
        for arm in call.branches:
            kind = mod.once_arms.get(arm)
            if kind in ("class", "global"):
                return True
            if kind == "instance":
                fn = mod.functions.get(call.func or "")
                if fn is not None and fn.class_name and f"{fn.class_name}.__new__" in mod.functions:
                    return True
        return False

    def has(self, ref: FuncRef | None, eff: str) -> bool:
        s = self.funcs.get(ref) if ref is not None else None
        return s is not None and eff in s.via

    def committing_with(self, path: str, call: Call) -> bool:
        """``with scope() as session:`` / ``async with SessionScope() as s:`` on a project context
        manager that commits (after its ``yield``, or in ``__exit__`` / ``__aexit__``): the
        block is one unit of work, committed when it exits."""
        key = (path, call.id)
        hit = self._committing.get(key)
        if hit is None:
            hit = self._committing[key] = call.context == "with" and self._commits_on_exit(path, call)
        return hit

    def _commits_on_exit(self, path: str, call: Call) -> bool:
        project = self.project
        ref = project.target(path, call)
        fn = project.function(ref) if ref is not None else None
        if fn is not None:
            return self.has(ref, "commit") and any(
                (d.ref or d.text or "").split("(")[0].endswith(("contextmanager", "asynccontextmanager"))
                for d in fn.decorators)
        cls = project.resolve_class(path, call.callee) if call.callee.startswith(("local:", "import:")) else None
        for _ in range(4):
            if cls is None:
                return False
            mod = project.modules[cls.path]
            for name in ("__exit__", "__aexit__"):
                if f"{cls.name}.{name}" in mod.functions:
                    return self.has(FuncRef(cls.path, f"{cls.name}.{name}"), "commit")
            info = mod.classes.get(cls.name)
            bases = info.bases if info is not None else ()
            cls = project.resolve_class(cls.path, bases[0]) if bases else None
        return False

    def _commit_event(self, path: str, call: Call) -> bool:
        """A commit outside a ``with`` item: ``session.commit()``, or a call of a project
        function that commits."""
        op = self.ops.get((path, call.id))
        if op is not None:
            return op.kind == "commit"
        return call.context != "with" and self.has(self.project.target(path, call), "commit")

    def committed_after(self, path: str, call: Call) -> bool:
        """A commit follows the call in its function: a commit further down, or the exit of a
        committing ``with`` block around it."""
        mod = self.project.modules[path]
        if any(w < len(mod.calls) and self.committing_with(path, mod.calls[w]) for w in call.withs):
            return True
        points = self._commit_points.get(path)
        if points is None:
            points = self._commit_points[path] = {}
            for c in mod.calls:
                if c.func is not None and self._commit_event(path, c):
                    points.setdefault(c.func, []).append((c.loc.line, c.loc.col))
        here = (call.loc.line, call.loc.col)
        return any(p > here for p in points.get(call.func, ()))

    def staged_event(self, path: str, call: Call) -> bool:
        """The call stages a write for a later commit: its own, or one a project function it
        calls leaves uncommitted."""
        op = self.ops.get((path, call.id))
        if op is not None:
            return self.stages(op)
        return self.has(self.project.target(path, call), "staged")

    def _commits_of_staged(self, path: str, mod: ModuleFacts) -> dict[str, tuple[Call, Op]]:
        """Per function, the first commit that ends writes the function staged before it (or the
        first staged write of a committing ``with`` block): the function writes through it."""
        out: dict[str, tuple[Call, Op]] = {}
        first_staged: dict[str, Call] = {}
        for call in mod.calls:
            fid = call.func
            if fid is None or fid in out:
                continue
            if self.staged_event(path, call):
                if any(w < len(mod.calls) and self.committing_with(path, mod.calls[w]) for w in call.withs):
                    out[fid] = (call, self._op_of(path, call))
                    continue
                if fid not in first_staged or (call.loc.line, call.loc.col) < \
                        (first_staged[fid].loc.line, first_staged[fid].loc.col):
                    first_staged[fid] = call
            elif self._commit_event(path, call) and fid in first_staged and \
                    (first_staged[fid].loc.line, first_staged[fid].loc.col) < (call.loc.line, call.loc.col):
                out[fid] = (call, self._op_of(path, call))
        return out

    def _op_of(self, path: str, call: Call) -> Op:
        op = self.ops.get((path, call.id))
        if op is not None:
            return op
        via = self.funcs.get(self.project.target(path, call))  # type: ignore[arg-type]
        for eff in ("commit", "staged"):
            if via is not None and eff in via.via:
                return via.via[eff][2]
        return Op("commit", path, call)

    def _project_code(self, path: str, call: Call) -> bool:
        """The call reaches a project function that is not an ORM model's own method: what it
        does comes from its summary, not from its name (``AttributeAssignmentMixin.save(...)``
        is a project helper, not ``Model.save()``)."""
        ref = self.project.target(path, call)
        if ref is None:
            return False
        fn = self.project.function(ref)
        if fn is None:
            return False
        cls = fn.id.rsplit(".", 1)[0] if "." in fn.id else ""
        info = self.project.modules[ref.path].classes.get(cls) if cls else None
        if info is not None and self.project.is_model(ClassRef(ref.path, cls)):
            return False  # an overridden Model.save() (also through a project base model): still the ORM write
        return True

    @staticmethod
    def _effects(op: Op) -> tuple[str, ...]:
        if op.kind == "network":
            if not op.addressed:
                return ("network",)
            # a request whose URL is built from a value: a read (or a method vcx cannot tell), or a
            # POST / PUT / PATCH / DELETE (n-plus-one tells them apart: see QueryInLoop)
            return ("network", "network_write_addressed" if op.method in HTTP_WRITE_METHODS else "network_addressed")
        if op.kind == "commit":
            # A commit may flush rows changed by attribute assignment (not tracked): a write,
            # except a unit-of-work context manager's (``Summaries`` marks it ``unit``), whose
            # block's writes are what it commits (Summaries phase 3).
            return ("commit",) if op.unit else ("write", "query", "commit")
        if op.kind == "write" and op.session:
            return ("staged",) if op.batch else ("staged", "query")
        if op.kind == "write":
            return ("write",) if op.batch else ("write", "query")
        if op.kind == "read":
            return ("read",) if op.batch else ("read", "query")
        if op.kind == "staged":
            return ("staged",)
        return ()

    def settles(self, ref: FuncRef) -> bool:
        """A call of the function, and waiting for what it returns, cannot fail: it neither
        throws nor gives a promise that rejects (JS/TS; see ``Function.settles``)."""
        return self._proven((ref, True))

    def settles_call(self, path: str, call: Call) -> bool:
        """This call of a project function cannot fail (JS/TS): the function settles whatever
        it is given (``settles``), or the call passes a literal that makes the function return at
        its start, before anything that can fail (``Function.early_exit``: ``update(x, false)``
        of ``async update(x, sync = true) { ...; if (!sync) return; await save(x); }``), and the
        project functions it calls before that cannot throw."""
        ref = self.project.target(path, call)
        if ref is None:
            return False
        if self.settles(ref):
            return True
        fn = self.project.function(ref)
        exit_ = fn.early_exit if fn is not None else None
        if exit_ is None:
            return False
        position, test, default, before = exit_
        if any(a.kind == "spread" for a in call.args[:position + 1]):
            return False
        given = _literal_arg(call.args[position]) if position < len(call.args) else "undefined"
        if given == "undefined":
            given = default  # an omitted or undefined argument takes the default
        if not _fires(test, given):
            return False
        mod = self.project.modules[ref.path]
        for cid in before:
            target = self.project.target(ref.path, mod.calls[cid])
            if target is not None and not self.never_throws(target):
                return False
        return True

    def never_throws(self, ref: FuncRef) -> bool:
        """A call of the function cannot throw synchronously (JS/TS): it is async (its failures
        are its promise's), or neither its own code nor a function it calls outside a ``try``
        throws (``Function.throws``)."""
        return self._proven((ref, False))

    def _proven(self, goal: tuple[FuncRef, bool]) -> bool:
        """``settles`` (goal ``(ref, True)``) or ``never_throws`` (``(ref, False)``): the least
        fixed point over what each function depends on, worked out on demand and kept. Not
        proven: a function whose own code can fail, one that waits for a call reaching no
        project function (a library's promise), one that depends on itself (recursion proves
        nothing). A call made outside any ``try`` without waiting for it must not throw: one
        reaching no project function is taken not to (logging, toasts, state setters), one
        reaching an async function cannot. A value returned by a function that is not async may
        be a promise: a database, cache or network operation's, or ``Promise.*``'s, is."""
        memo = self._settles
        hit = memo.get(goal)
        if hit is not None:
            return hit
        on_stack: set[tuple[FuncRef, bool]] = set()
        stack: list[tuple[tuple[FuncRef, bool], list[tuple[FuncRef, bool]], int]] = []

        def enter(g: tuple[FuncRef, bool]) -> bool | None:
            """The answer when it needs no other function's, else push what it needs."""
            need = self._needs(g)
            if need is None or not need:
                return need is not None
            on_stack.add(g)
            stack.append((g, need, 0))
            return None

        first = enter(goal)
        if first is not None:
            memo[goal] = first
            return first
        while stack:
            g, need, i = stack[-1]
            verdict: bool | None = True
            while i < len(need):
                dep = need[i]
                known = memo.get(dep)
                if known is None and dep in on_stack:
                    known = False  # a cycle: nothing proves it
                if known is None:
                    stack[-1] = (g, need, i)  # come back to this dependency when it is known
                    known = enter(dep)
                    if known is None:
                        verdict = None  # descend first
                        break
                    memo[dep] = known
                if not known:
                    verdict = False
                    break
                i += 1
            if verdict is None:
                continue
            stack.pop()
            on_stack.discard(g)
            memo[g] = verdict
        return memo[goal]

    def _needs(self, goal: tuple[FuncRef, bool]) -> list[tuple[FuncRef, bool]] | None:
        """What ``goal`` takes besides the function's own code (see ``_proven``); None when it
        cannot hold."""
        ref, full = goal
        project = self.project
        fn = project.function(ref)
        mod = project.modules.get(ref.path)
        if fn is None or mod is None or mod.language == "python":
            return None
        if not full and fn.is_async:
            return []
        if fn.throws or (full and fn.settles is None):
            return None
        need: list[tuple[FuncRef, bool]] = []
        for call in self._unguarded(ref):  # made outside any try: must not throw
            target = project.target(ref.path, call)
            if target is not None:
                need.append((target, False))
        if not full:
            return need
        for cid, how in fn.settles or ():
            if how == "callbacks":
                need.extend((FuncRef(ref.path, cb), True) for cb in self._callbacks(ref.path, cid))
                continue
            call = mod.calls[cid]
            target = project.target(ref.path, call)
            if target is None:
                if how == "wait" or call.callee.startswith("Promise.") or (ref.path, cid) in self.ops:
                    return None
                continue
            need.append((target, True))
        return need

    def _unguarded(self, ref: FuncRef) -> list[Call]:
        """The calls a function makes outside any ``try`` with a handler."""
        index = self._unguarded_calls.get(ref.path)
        if index is None:
            index = self._unguarded_calls[ref.path] = {}
            for call in self.project.modules[ref.path].calls:
                if call.func is not None and not call.handlers:
                    index.setdefault(call.func, []).append(call)
        return index.get(ref.func, [])

    def _callbacks(self, path: str, cid: int) -> list[str]:
        """The functions passed to call ``cid`` of a module (``Function.callback_of``)."""
        index = self._callback_index.get(path)
        if index is None:
            index = self._callback_index[path] = {}
            for fn in self.project.modules[path].functions.values():
                if fn.callback_of is not None:
                    index.setdefault(fn.callback_of, []).append(fn.id)
        return index.get(cid, [])

    # -- errors already shown, failures expected (ERR004) ---------------------------------------
    def shown_or_expected(self, path: str, call: Call) -> str:
        """Why a failure of this awaited call (JS/TS) is no silent loss for an empty ``catch``
        around it, "" when nothing says so:

        * "mutation": ``m.mutateAsync(x)`` where ``m`` is bound in the function or an enclosing
          one (the component) to a TanStack Query / tRPC ``useMutation({ onError })``, directly or
          through project hooks that return one; or ``m.isError`` / ``m.error`` is read there (the
          component shows the error); or the project installs ``new MutationCache({ onError })``.
          TanStack calls ``onError`` before ``mutateAsync`` rejects.
        * "reported": a project function whose every awaited call sits in a ``try`` whose
          ``catch`` reports the error (a toast, ``setError``, a log) and rethrows it.
        * "request-scope": a Next.js ``cookies()`` / ``headers()`` call, or a project function
          that only reads or sets request cookies / headers (through such functions too).
        """
        mod = self.project.modules.get(path)
        if mod is None or mod.language == "python":
            return ""
        if is_request_scope_call(call.callee):
            return "request-scope"
        text = call.text.replace("?.", ".")
        if text.endswith(".mutateAsync"):
            return "mutation" if self._mutation_shows_error(path, mod, call, text[: -len(".mutateAsync")]) else ""
        ref = self.project.target(path, call)
        if ref is None:
            return ""
        if self._request_scope_only(ref, 0):
            return "request-scope"
        if self._reports_then_rethrows(ref):
            return "reported"
        return ""

    def _mutation_shows_error(self, path: str, mod: ModuleFacts, call: Call, recv: str) -> bool:
        if self._global_mutation_handler():
            return True
        scope = call.func
        for _ in range(16):
            if scope is None:
                return False
            for c in mod.calls:
                if c.func == scope and c.assigned_to == recv and c.context in ("assign", "await"):
                    return self._makes_shown_mutation(path, c, 0) or any(
                        a.name == recv and a.attr in ("isError", "error") and
                        (a.func == scope or (a.func or "").startswith(scope + "."))
                        for a in mod.accesses)
            fn = mod.functions.get(scope)
            scope = fn.parent if fn is not None else None
        return False

    def _makes_shown_mutation(self, path: str, call: Call, depth: int) -> bool:
        """``call`` is ``useMutation({ ..., onError })`` or a project hook that returns one
        (``return useMutation(...)``, or ``const m = useMutation(...); ...; return m``)."""
        if call.text.replace("?.", ".").rsplit(".", 1)[-1] in MUTATION_HOOKS:
            return any(a.kind == "object" and a.key("onError") is not None for a in call.args)
        ref = self.project.target(path, call)
        mod = self.project.modules.get(ref.path) if ref is not None else None
        if ref is None or mod is None or depth > 3:
            return False
        returned = {name for f, name, how in mod.name_uses if f == ref.func and how == "return"}
        return any(c.func == ref.func and (c.context == "return" or
                                           (c.context == "assign" and c.assigned_to in returned))
                   and self._makes_shown_mutation(ref.path, c, depth + 1) for c in mod.calls)

    def _global_mutation_handler(self) -> bool:
        """The project installs a mutation ``onError`` for every mutation: ``new MutationCache({
        onError })``, or ``new QueryClient({ defaultOptions: { mutations: { onError } } })``."""
        hit = self._mutation_cache
        if hit is None:
            hit = False
            for _path, _mod, c in self.project.iter_calls():
                last = c.callee.rsplit(".", 1)[-1].removesuffix("()")
                for a in c.args[:1]:
                    if a.kind != "object":
                        continue
                    if last in MUTATION_CACHES and a.key("onError") is not None:
                        hit = True
                    elif last == "QueryClient":
                        d = a.key("defaultOptions")
                        m = d.key("mutations") if d is not None and d.kind == "object" else None
                        hit = hit or (m is not None and m.kind == "object" and m.key("onError") is not None)
                if hit:
                    break
            self._mutation_cache = hit
        return hit

    def _request_scope_only(self, ref: FuncRef, depth: int) -> bool:
        """A project function that does nothing but use Next.js's request scope (``cookies()``,
        a cookie store's ``get``/``set``/``delete``, ``headers()``), directly or through such
        functions: no other library call, no throw, no database or network effect."""
        key = ("scope", ref)
        memo = self._settles_extra
        if key in memo:
            return memo[key]
        memo[key] = False  # a cycle proves nothing
        fn = self.project.function(ref)
        mod = self.project.modules.get(ref.path)
        ok = fn is not None and mod is not None and not fn.throws and depth < 6 and not (
            ref in self.funcs and self.funcs[ref].via)
        uses = 0
        if ok and mod is not None:
            for c in mod.calls:
                if c.func != ref.func:
                    continue
                if is_request_scope_call(c.callee):
                    uses += 1
                    continue
                target = self.project.target(ref.path, c)
                if target is None or not self._request_scope_only(target, depth + 1):
                    ok = False
                    break
                uses += 1
        memo[key] = ok = ok and uses > 0
        return ok

    def _reports_then_rethrows(self, ref: FuncRef) -> bool:
        """A project function whose failures all pass through a ``catch`` that reports the error
        and rethrows it (``catch (e) { toast.error(...); throw e }``): its every awaited or
        returned call sits in the ``try`` of such a handler. (``Function.throws`` cannot tell the
        rethrow from a ``throw`` of its own outside the ``try``; the latter is not looked for.)"""
        fn = self.project.function(ref)
        mod = self.project.modules.get(ref.path)
        if fn is None or mod is None:
            return False
        shown = {h.id for h in mod.handlers if h.func == ref.func and h.body == "reraise" and h.reports}
        if not shown:
            return False
        waited = [c for c in mod.calls if c.func == ref.func and (c.awaited or c.context == "return")]
        return bool(waited) and all(c.handlers and c.handlers[0] in shown for c in waited)

    def checks_status(self, ref: FuncRef, index: int, depth: int = 0) -> bool:
        """The project function checks the HTTP status of what a call passes as its argument
        ``index`` (a response): it reads ``.ok`` / ``.status`` (Python ``.status_code``,
        ``.raise_for_status()`` ...: ``knowledge.network.*_STATUS_CHECKS``) on that parameter, or
        hands the parameter on, by name, to a project function that does (up to three calls deep):
        ``await this.checkResponseStatus(response)`` where ``checkResponseStatus(r)`` throws unless
        ``r.ok``. A Python method's ``self`` / ``cls`` is not counted as an argument."""
        mod = self.project.modules.get(ref.path)
        fn = mod.functions.get(ref.func) if mod is not None else None
        if fn is None or mod is None or depth > 3:
            return False
        python = mod.language == "python"
        params = fn.params[1:] if python and fn.params and fn.params[0] in ("self", "cls") else fn.params
        if index >= len(params):
            return False
        param = params[index]
        checks = PY_STATUS_CHECKS if python else JS_STATUS_CHECKS
        if any(a.func == fn.id and a.name == param and a.attr in checks for a in mod.accesses):
            return True
        for c in mod.calls:
            if c.func != fn.id:
                continue
            for i, v in enumerate(c.args):
                if v.kind == "name" and v.text == param:
                    target = self.project.target(ref.path, c)
                    if target is not None and target != ref and self.checks_status(target, i, depth + 1):
                        return True
        return False

    def lazy_getter(self, ref: FuncRef | None, depth: int = 0) -> bool:
        """(Python) A function that reads a row and writes only to create it when the read found
        none: every write it makes (a commit too) sits in the body of ``if not row:`` / ``if row is
        None:`` / ``if len(rows) == 0:`` on a name assigned from a read earlier in the function
        (``wallets = get_wallets(uid); if len(wallets) == 0: create_wallet(uid)``), or in an
        ``except ...DoesNotExist`` / ``NotFound`` / ``NoResultFound`` handler of a ``try`` that reads
        (``try: return Settings.objects.get() except Settings.DoesNotExist: return
        Settings.objects.create()``), or is a call of another such function. Under an ``if``, the
        write gives the row it makes back (``card = Card.objects.create(...)``, ``return
        create(...)``), not a record of the miss before a ``raise``. A lazy get-or-create: the row it makes is what
        any later call would make."""
        if ref is None:
            return False
        memo = self._lazy
        hit = memo.get(ref)
        if hit is not None:
            return hit
        memo[ref] = False  # recursion proves nothing
        fn = self.project.function(ref)
        mod = self.project.modules.get(ref.path)
        summ = self.funcs.get(ref)
        if fn is None or mod is None or mod.language != "python" or depth > 4 or summ is None or \
                not ({"write", "staged", "commit"} & set(summ.via)):
            return False
        reads: dict[str, Call] = {}
        read_tries: set[int] = set()
        writes: list[tuple[Call, FuncRef | None]] = []
        for c in mod.calls:
            if c.func != ref.func:
                continue
            op = self.ops.get((ref.path, c.id))
            target = None if op is not None else self.project.target(ref.path, c)
            got = self.funcs.get(target) if target is not None else None
            if op is not None:
                if op.kind in ("write", "staged", "commit"):
                    writes.append((c, None))
                    continue
                is_read = op.kind == "read"
            else:
                if got is not None and {"write", "staged", "commit"} & set(got.via):
                    writes.append((c, target))
                    continue
                is_read = got is not None and "read" in got.via
            if is_read:
                read_tries.update(c.handlers)
                if c.assigned_to:
                    reads.setdefault(c.assigned_to, c)
        if not writes:
            return False
        missing = [h for h in mod.handlers if h.func == ref.func and h.id in read_tries and h.form == "clause"
                   and any(t.endswith(_NOT_FOUND) for t in h.types)]
        ok = True
        for c, target in writes:
            if target is not None and self.lazy_getter(target, depth + 1):
                continue
            here = (c.loc.line, c.loc.col)
            if any((h.loc.line, h.loc.col) <= here <= (h.loc.end_line, h.loc.end_col) for h in missing):
                continue
            if (c.assigned_to or c.context == "return") and any(
                    key in mod.empty_arms and any(n in reads and reads[n].loc < c.loc for n in mod.empty_arms[key])
                    for key in c.branches):
                continue  # under `if not row:`, the row made is what the function hands back
            ok = False
            break
        memo[ref] = ok
        return ok

    def of(self, ref: FuncRef | None) -> Summary | None:
        return self.funcs.get(ref) if ref is not None else None

    def chain(self, ref: FuncRef, eff: str, limit: int = 8) -> list[tuple[str, str, int, Call]]:
        """(path, function, line, call) from ``ref`` down to the call that has the effect."""
        out: list[tuple[str, str, int, Call]] = []
        seen: set[FuncRef] = set()
        cur: FuncRef | None = ref
        while cur is not None and cur not in seen and len(out) < limit:
            seen.add(cur)
            s = self.funcs.get(cur)
            if s is not None and eff == "write" and eff not in s.via and "staged" in s.via:
                eff = "staged"  # committed by the caller: the chain goes on to what was staged
            if s is None or eff not in s.via:
                break
            path, call, _ = s.via[eff]
            out.append((path, cur.func, call.loc.line, call))
            # a SQL wrapper's call has the effect of the SQL it passes: the chain ends there
            cur = None if (path, call.id) in self.sql_sites else self.project.target(path, call)
        return out


def _literal_arg(v: Value) -> str:
    """An argument as ``Function.early_exit`` reads it: "true", "false", "null", "undefined",
    "truthy" / "falsy" (another literal), "?" (not a literal)."""
    if v.kind == "bool":
        return "true" if v.value else "false"
    if v.kind == "none":
        return "null" if v.text == "null" else "undefined"
    if v.kind == "num" and isinstance(v.value, float):
        return "truthy" if v.value != 0 else "falsy"
    if v.kind == "str" and isinstance(v.value, str):
        return "truthy" if v.value else "falsy"
    return "?"


def _fires(test: str, given: str) -> bool:
    """The test of ``Function.early_exit`` holds for the value ``given`` (see _literal_arg)."""
    if test == "falsy":
        return given in ("false", "null", "undefined", "falsy")
    if test == "truthy":
        return given in ("true", "truthy")
    return given == test  # "true" / "false": `p === true` / `p === false`


_CACHE: dict[int, Summaries] = {}


def summaries(project: Project) -> Summaries:
    """The summaries of a project, computed once per scan and shared by the rules."""
    key = id(project)
    hit = _CACHE.get(key)
    if hit is None or hit.project is not project:
        _CACHE.clear()
        hit = _CACHE[key] = Summaries(project)
    return hit
