"""transaction: related writes without a transaction; lost updates (RULES.md "transaction")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vcx.facts import Assign, Call, ModuleFacts, Value, argument_for, exclusive
from vcx.findings import Finding
from vcx.knowledge import databases as kdb
from vcx.link import ClassRef, FuncRef
from vcx.rules import Rule
from vcx.summaries import Op, Summaries, summaries

if TYPE_CHECKING:
    from vcx.link import Project

TXN_DECORATORS = ("atomic", "transactional", "Transactional", "transaction")


def _atomic_requests(project: Project) -> bool:
    def walk(v: Value | None, depth: int = 0) -> bool:
        if v is None or depth > 4:
            return False
        if v.keys:
            hit = v.keys.get("ATOMIC_REQUESTS")
            if hit is not None and hit.kind == "bool" and hit.value:
                return True
            return any(walk(x, depth + 1) for x in v.keys.values())
        return False
    for mod in project.modules.values():
        for a in mod.assigns:
            if not a.target.endswith(("ATOMIC_REQUESTS", "DATABASES")):
                continue  # the test below needs one of them
            if a.func is None and ((a.target.endswith("ATOMIC_REQUESTS") and a.value.kind == "bool" and a.value.value)
                                   or (a.target.endswith("DATABASES") and walk(a.value))):
                return True
    return False


class _Txn:
    """Whether a call runs inside a transaction the code opened."""

    def __init__(self, project: Project, s: Summaries) -> None:
        self.project, self.s = project, s
        self.atomic_requests = _atomic_requests(project)
        self._memo: dict[tuple[FuncRef, ClassRef | None], bool] = {}
        self._wrappers: dict[FuncRef, bool] = {}
        self.txn_managers = self._transaction_context_managers()

    def _transaction_context_managers(self) -> set[FuncRef]:
        """Project context managers that open a transaction around their ``yield``:
        ``@contextmanager def traced_atomic(): with transaction.atomic(): yield``, or
        ``conn.execute("BEGIN IMMEDIATE")`` before it (and ``COMMIT`` / ``ROLLBACK`` after)."""
        out: set[FuncRef] = set()
        for path, mod in self.project.modules.items():
            for fn in mod.functions.values():
                if not fn.decorators or not any(
                        (d.ref or d.text).split("(")[0].endswith(("contextmanager", "asynccontextmanager"))
                        for d in fn.decorators):
                    continue
                for c in mod.calls:
                    if c.func != fn.id:
                        continue
                    op = self.s.ops.get((path, c.id))
                    if c.context != "with" and op is not None and op.kind == "txn":
                        out.add(FuncRef(path, fn.id))
                        break
                    if c.context == "with":
                        if (op is not None and op.kind == "txn") or c.text.rsplit(".", 1)[-1] in kdb.TXN_METHODS:
                            out.add(FuncRef(path, fn.id))
                            break
        return out

    def call_protected(self, path: str, mod: ModuleFacts, call: Call, cls: ClassRef | None = None) -> bool:
        """``cls``: the class of the object a registry gave, when the question is whether a method of
        it runs in a transaction (``Project.registry_callers``): a ``with`` item called on what a
        registry gives is then that class's method."""
        for w in call.withs:
            op = self.s.ops.get((path, w))
            if (op is not None and op.kind == "txn") or (w < len(mod.calls) and \
                    mod.calls[w].text.rsplit(".", 1)[-1] in kdb.TXN_METHODS):
                return True
            if w < len(mod.calls) and self._opens_transaction(path, mod.calls[w], cls):
                return True  # with traced_atomic_transaction(): a project helper around atomic()
        if self._batched(path, mod, call):
            return True
        for v in (*call.args, *call.kwargs.values()):
            if v.keys and ("transaction" in v.keys or "session" in v.keys):
                return True
        if "transaction" in call.kwargs or ("session" in call.kwargs and mod.language != "python"):
            return True
        recv = call.text.split(".", 1)[0]
        if recv in ("tx", "trx", "t", "transaction", "manager", "em") and call.func is not None:
            fn = mod.functions.get(call.func)
            if fn is not None and recv in fn.params:
                return True
        # BEGIN / startTransaction earlier in the same function.
        scopes = {call.func}
        fid = call.func
        while fid is not None and fid in mod.functions:
            fid = mod.functions[fid].parent
            scopes.add(fid)
        for c in mod.calls:
            if c.func in scopes and c.loc.line < call.loc.line and c.id != call.id:
                op = self.s.ops.get((path, c.id))
                if op is not None and op.kind == "txn" and c.context not in ("with", "arg", "return") and \
                        not any(f.callback_of == c.id for f in mod.functions.values()):
                    return True
        return self.func_protected(path, mod, call.func, cls=cls)

    def _opens_transaction(self, path: str, call: Call, cls: ClassRef | None = None) -> bool:
        """A ``with`` item that is a project transaction scope: a project context manager around
        one (:meth:`_transaction_context_managers`), or a project function or method that returns
        one (``def transaction_atomic_context(self, job): return transaction.atomic()``, also
        through another such function); on what a registry gives
        (``job_type.transaction_atomic_context(job)``, ``Project.registry_targets``), the method of
        the registered class ``cls`` when one is asked about, else each method it may reach."""
        target = self.project.target(path, call)
        if target is not None:
            refs: tuple[FuncRef, ...] = (target,)
        else:
            pairs = self.project.registry_targets.get((path, call.id), ())
            refs = tuple(r for c, r in pairs if c == cls) or tuple(r for _, r in pairs)
        return bool(refs) and all(r in self.txn_managers or self._returns_transaction(r, 0) for r in refs)

    def _returns_transaction(self, ref: FuncRef, depth: int) -> bool:
        """The project function returns a transaction scope it does not enter: ``return
        transaction.atomic()``, ``return traced_atomic(...)`` (a project context manager around
        one), or the value of another such function."""
        if depth > 4:
            return False
        mod = self.project.modules.get(ref.path)
        if mod is None or ref.func not in mod.functions:
            return False
        returned = [c for c in mod.calls if c.func == ref.func and c.context == "return"]
        for c in returned:
            op = self.s.ops.get((ref.path, c.id))
            if (op is not None and op.kind == "txn") or (c.text.rsplit(".", 1)[-1] in kdb.TXN_METHODS and
                                                         c.callee.startswith(kdb.DB_LIBS)):
                return True
            t = self.project.target(ref.path, c)
            if t is not None and t != ref and (t in self.txn_managers or self._returns_transaction(t, depth + 1)):
                return True
        return False

    def _batched(self, path: str, mod: ModuleFacts, call: Call) -> bool:
        """A query handed, unawaited, to a transaction call (``prisma.$transaction([prisma.a.create(...),
        prisma.b.create(...)])``, also inside a list) or to a project function that passes its
        argument on to one (``transaction([client.team.create(...), ...])`` with ``function
        transaction(ops) { return client.$transaction(ops); }``): the transaction runs it."""
        cur = call
        fn = mod.functions.get(call.func) if call.func is not None else None
        if not call.awaited and call.context == "return" and fn is not None and fn.callback_of is not None and \
                fn.callback_of < len(mod.calls) and \
                mod.calls[fn.callback_of].text.rsplit(".", 1)[-1] in ("map", "flatMap"):
            cur = mod.calls[fn.callback_of]  # items.map((i) => prisma.item.create(...)): the array carries it
        if self._collected(path, mod, cur):
            return True
        for _ in range(4):
            if cur.awaited or cur.context != "arg" or cur.arg_of is None or cur.arg_of >= len(mod.calls):
                return False
            outer = mod.calls[cur.arg_of]
            if self._runs_a_transaction(path, outer):
                return True
            cur = outer
        return False

    def _collected(self, path: str, mod: ModuleFacts, call: Call) -> bool:
        """A lazy query kept, unawaited, in a local array that a later Prisma ``$transaction(ops)`` /
        ``$transaction([...ops])`` of the same function runs: an element of an array literal
        (``const ops = [prisma.a.create(...)]``), an argument of a call the facts do not keep
        (``ops.push(prisma.b.update(...))``), or the result of a ``map`` kept in the name passed
        (``const ops = items.map((i) => prisma.c.create(...))``). A Prisma query runs only when
        awaited (or ``then``-ed) or handed to ``$transaction``; not kept this way, it is not
        batched. Nothing else in the function may take the array (``Promise.all(ops)`` runs the
        queries one by one, outside any transaction)."""
        if call.awaited or call.chain:
            return False
        if call.context == "assign":
            if not call.assigned_to or call.text.rsplit(".", 1)[-1] not in ("map", "flatMap"):
                return False
        elif not (call.context == "other" or (call.context == "arg" and call.arg_of is None)):
            return False
        names: set[str] = set()
        runner: Call | None = None
        for c in mod.calls:
            if c.func != call.func or c.loc <= call.loc or not c.text.endswith("$transaction"):
                continue
            got = _array_names(c)
            if got and self._runs_a_transaction(path, c):
                names |= got
                runner = runner or c
        if runner is None or (call.context == "assign" and call.assigned_to not in names):
            return False
        # the array goes nowhere else: no other call of the function is given it
        return not any(c.func == call.func and not c.text.endswith("$transaction") and (_array_names(c) & names)
                       for c in mod.calls)

    def _runs_a_transaction(self, path: str, call: Call) -> bool:
        """``call`` runs what it is given in a transaction: a transaction call of a known client
        (``prisma.$transaction``, ``db.transaction``) or a project function that opens one
        around what it is given (:meth:`wrapper`)."""
        op = self.s.ops.get((path, call.id))
        if (op is not None and op.kind == "txn") or call.text.rsplit(".", 1)[-1] in kdb.TXN_METHODS:
            return True
        target = self.project.target(path, call)
        return target is not None and self.wrapper(target)

    def wrapper(self, ref: FuncRef) -> bool:
        """A project function that opens a transaction and runs a callback it is given inside it:
        ``async function inTransaction(fn) { await c.query("BEGIN"); await fn(c); ... }``,
        ``def atomically(work): with conn.transaction(): return work(conn)``."""
        if ref in self._wrappers:
            return self._wrappers[ref]
        self._wrappers[ref] = False
        fn = self.project.function(ref)
        mod = self.project.modules.get(ref.path)
        ok = False
        if fn is not None and mod is not None and fn.params:
            params = {p.lstrip("*") for p in fn.params}
            begin = min((c.loc.line for c in mod.calls if c.func == ref.func and
                         (op := self.s.ops.get((ref.path, c.id))) is not None and op.kind == "txn"), default=None)
            for c in mod.calls:
                if c.func != ref.func:
                    continue
                if begin is not None and c.text in params and (c.loc.line > begin or c.withs):
                    ok = True
                elif any(a.kind == "name" and a.text in params for a in c.args) and (
                        ((op := self.s.ops.get((ref.path, c.id))) is not None and op.kind == "txn")
                        or c.text.rsplit(".", 1)[-1] in kdb.TXN_METHODS):
                    ok = True  # return db.transaction(fn)
            if not ok:
                ok = any(self.wrapper(t) for c in mod.calls if c.func == ref.func and
                         any(a.kind == "name" and a.text in params for a in c.args) and
                         (t := self.project.target(ref.path, c)) is not None and t != ref)
        self._wrappers[ref] = ok
        return ok

    def func_protected(self, path: str, mod: ModuleFacts, fid: str | None, depth: int = 0,
                       cls: ClassRef | None = None) -> bool:
        while fid is not None:
            fn = mod.functions.get(fid)
            if fn is None:
                return False
            for d in fn.decorators:
                if (d.ref or d.text or "").rsplit(".", 1)[-1].split("(")[0] in TXN_DECORATORS:
                    return True
                if d.call_id is not None and d.call_id < len(mod.calls) and \
                        self.project.target(path, mod.calls[d.call_id]) in self.txn_managers:
                    return True  # @traced_atomic_transaction(): a project context manager around atomic()
            if fn.callback_of is not None and fn.callback_of < len(mod.calls):
                if self._runs_a_transaction(path, mod.calls[fn.callback_of]):
                    return True  # also inTransaction(async (client) => ...): BEGIN ... fn(client) ... COMMIT
            if self.atomic_requests and mod.language == "python" and fn.params[:1] in (["request"], ["self"]) \
                    and "view" in path:
                return True
            if fn.parent is None:
                break
            fid = fn.parent
        if fid is None or depth > 3:
            return False
        ref = FuncRef(path, fid)
        key = (ref, cls)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = False
        # A receiver of a project signal runs inside each ``sig.send(...)`` that sends it. What a
        # registry gives runs its registered classes' methods (``Project.registry_callers``): the
        # callers of such a call are asked about that class (the object the registry gave is
        # taken to be the same along the chain: ``with job_type.transaction_atomic_context(job):
        # JobHandler.run(job)``, where ``run`` looks the job's type up again).
        callers = [(p, c, cls) for p, c in (*self.project.callers_of(ref), *self.project.signal_senders.get(ref, ()))]
        callers += self.project.registry_callers.get(ref, ())
        ok = bool(callers) and all(self.call_protected(p, self.project.modules[p], c, k) for p, c, k in callers)
        passed = self.project.passed.get(ref)
        if not ok and not callers and passed:  # withTransaction(applyTransfer)
            ok = all((w := self.project.target(p, c)) is not None and self.wrapper(w) for p, c, _ in passed)
        self._memo[key] = ok
        return ok


class MissingTransaction(Rule):
    """Finds two or more writes in one function that are not inside one transaction.

    What it finds: a function that performs two distinct writes (insert/update/delete through
    a driver or ORM, directly or through project helpers in any file) outside a single
    transaction: no ``transaction.atomic()`` / ``ATOMIC_REQUESTS``, no ``session.begin()``,
    ``conn.transaction()``, ``$transaction``, ``sequelize.transaction``, ``knex.transaction``,
    ``db.transaction``, ``BEGIN``...``COMMIT`` on one client, no project helper that opens a
    transaction and runs the callback it is given inside it (``inTransaction(async (c) => ...)``)
    or passes the queries it is given on to one (``transaction([client.a.create(...),
    client.b.create(...)])`` with ``function transaction(q) { return client.$transaction(q) }``,
    also reached as ``const { transaction } = db`` from a default-exported object), and no
    transaction opened by every caller. SQLAlchemy / DB-API writes staged and committed by
    one ``commit()`` are one transaction; each further ``commit()`` is another write.

    Prisma batches built in a variable (decided where the spec is silent): Prisma queries are
    lazy and run only when awaited (or ``then``-ed) or handed to ``$transaction``. A write kept,
    unawaited, in a local array that a later ``prisma.$transaction(ops)`` /
    ``$transaction([...ops, ...])`` of the same function runs is inside that transaction: an
    element of an array literal (``const ops = [prisma.a.create(...)]``), a ``push`` onto it
    (``ops.push(prisma.b.update(...))``), or the query a ``map`` callback returns into it
    (``const ops = items.map((i) => prisma.c.create(...))``). Not when any other call of the
    function is given the array (``Promise.all(ops)`` runs them without a transaction), and
    not for writes that are awaited where they stand: those run at once and stay reported.

    SQLAlchemy sessions (decided where the spec is silent): a 2.0-style ``Session`` never
    autocommits, so every write on one (``add``, ``delete``, ``merge``, ``flush``,
    ``execute(insert/update/delete(...))``, ``execute(text("INSERT ..."))``, also a statement
    built by a project method or a Core table and run by ``execute()`` / ``scalars()``:
    ``session.execute(db.queries.insert(Model).values(...))``, ``stmt = ...; session.execute(stmt)``,
    ``session.execute(Model.__table__.insert(), rows)``: the builder runs nothing, on ``session``,
    ``self.session``, ``db.session``, ``db_session`` or a parameter annotated ``Session`` /
    ``AsyncSession``) is staged until a ``commit()``, wherever that commit is: in the same
    function, in a project helper the function calls (``finish(session)``), in the caller, in a
    FastAPI dependency that commits after the endpoint, or in a unit-of-work context manager.
    A function whose writes are all staged on a session and that does not commit between them
    is therefore not reported: its caller's commit makes them one transaction. Each commit that
    ends staged writes is one write (reported at the first write it commits, "committed at line
    N"), so ``add; commit; add; commit`` and two services that each commit their own writes
    (``add_cart(s); add_event(s)``, each ``add(...); commit()``) stay reported. A ``commit()`` with
    nothing staged before it in the function is still a write: it flushes rows changed by
    attribute assignment (``challenge.value = v; session.commit()``), which vcx does not track;
    except in a SQL wrapper (below), whose commit only makes the statement it ran stick.

    SQL wrappers (decided where the spec is silent): a project function whose SQL is a parameter
    (``async def execute(self, query, values): r = await self.conn.execute(text(query), values);
    await self.conn.commit()``, also ``text(self.rewrite(query))`` and wrappers of such wrappers:
    ``Database.fetchone(query)`` running ``conn.fetchone(query)``) does at each call what the SQL
    passed there does, not what its body does for any SQL: ``db.fetchone("SELECT ...")`` and
    ``db.execute("SELECT COUNT(*) ...")`` read, ``db.execute("DELETE ...")`` writes, schema DDL
    (``CREATE`` / ``ALTER`` / ``DROP`` / ``CREATE INDEX`` / ``CREATE SCHEMA`` / ``ATTACH``) writes no
    row and is no write. A local name assigned SQL literals only of one kind counts as that SQL
    (``count_query = f"SELECT COUNT(*) ..."; self.execute(count_query)``); any other SQL (a
    parameter, a built string, ``COMMIT``) leaves the wrapper judged by its body, the commit a
    write. So a project ``@asynccontextmanager`` that prepares a schema with DDL before its
    ``yield`` (``await conn.execute("CREATE SCHEMA IF NOT EXISTS ...")``) writes nothing at its
    ``with`` line, and ``async with db.connect() as conn: await a(conn=conn); await b(conn=conn)``
    over a wrapper that commits each statement is two writes, reported at ``b``. A call on
    ``(conn or db)`` is a call on the connection passed (typed by its annotation), else on the
    module's ``db``.
    A project context manager that commits a session (``@contextmanager`` /
    ``@asynccontextmanager`` committing after its ``yield``, or a class committing in ``__exit__``
    / ``__aexit__``) is a transaction scope: its ``with`` line is no write, the writes staged in
    its block are one write committed when the block exits (a block that only reads writes
    nothing: ``with get_session() as s: return s.query(Org).one()``), and two such blocks in a row that
    each write are two transactions, reported at the first write of the second block. Django,
    Prisma and the other ORMs are unchanged: their writes commit on their own.

    Not database writes: building a SQLAlchemy URL, engine or session factory
    (``URL.create``, ``make_url``, ``create_engine``, ``create_async_engine``, ``sessionmaker``,
    ``async_sessionmaker``, ``scoped_session``) and (un)registering event hooks (``event.listen``
    / ``event.remove``); Django's ``request.session`` (``save()``, ``flush()``, ``cycle_key()``,
    item assignment) and ``django.contrib.auth.login()`` / ``logout()`` /
    ``update_session_auth_hash()``, which write the session store: another store, even when the
    database backs it (``login()``'s update of ``last_login`` is a signal handler's write, not
    followed).

    Repositories: ``repo = OrderRepository.from_session(session)``, where ``from_session`` is a
    classmethod that returns ``cls(...)`` or is annotated ``-> Self``, makes ``repo`` an
    ``OrderRepository``, and ``repo.create(...)`` / ``repo.get_by_email(...)`` is followed into the
    project method (also one inherited from a project base class, ``RepositoryBase[Order].create``,
    as are ``repo.create(...)`` on ``repo = OrderRepository(session)`` and
    ``self.get_one_or_none(...)`` in a subclass) instead of being judged by its name. JS/TS
    statics likewise: ``RenameCommand.create({...})`` runs ``BaseCommand.create`` when the
    command class inherits it from a project base (a builder that validates an input object:
    no write). A capitalised project class counts as a model (``Shelf.update(...)``, Python
    ``EngineContext.get()``) only when it or a project base derives from an ORM's model base
    (Sequelize / Objection ``Model``, TypeORM ``BaseEntity``, Django ``models.Model``,
    SQLAlchemy's declarative base, ...; a base the project writes as a name no class or import
    explains, named like a model base, counts too); a class whose bases end in the project or in
    another library (pydantic ``BaseModel``, a DTO base) is no model, whatever its method names.
    Writes are ordered as they run: a call in another call's arguments (or receiver) runs
    before it, so ``await a.update(x, await b.insert(y))`` reports the update as the second
    write. A Mongoose model's ``this.model.create(doc)`` inserts (unlike a TypeORM
    repository's ``create``, which only builds the entity).

    Registries (decided where the spec is silent): plugin code calls its actions and hooks
    through a registry of instances keyed by class. ``registry.get_by_type(X).do(...)`` and
    ``registry.get(X.type).do(...)`` (also through a local, ``action = registry.get(X.type);
    action.do(...)``) call ``X.do`` (own or inherited): a call like any other, whose writes count in
    the caller and whose caller's transaction covers them. Only these lookups are read so
    (``knowledge.PY_CLASS_KEYED_LOOKUPS`` / ``PY_NAME_KEYED_LOOKUPS``): ``get_by_type`` /
    ``get_by_class`` given the class ``X`` or a string attribute of it, ``get`` /
    ``get_by_type_name`` given a string attribute of ``X`` that its class body (or a project
    base's) assigns (``type = "create_row"``); a class given to ``get`` is not (a dict keyed by
    classes maps them to anything), nor a key computed at run time. A lookup keyed at run time
    (``job_type = job_type_registry.get_by_model(job); job_type.run(job)``) on a module-level
    instance of a project class with which production code registers instances of project classes
    (``job_type_registry.register(ExportJobType())``) reaches the method of every class registered
    there: those calls decide whether the method runs in a transaction (every one of them must
    be inside one), but their writes are not added up at the call (it would make every caller of
    the registry write everything). A ``with`` item that calls a project function or method that
    returns a transaction scope without entering it (``def transaction_atomic_context(self, job):
    return transaction.atomic()``, also returning another such function's value or a project
    context manager around ``atomic()``) opens a transaction. On what a registry gives
    (``with job_type.transaction_atomic_context(job): JobHandler.run(job)``) it is the method of
    the class in question: when the writes are those of a registered class's method reached from
    a registry call further down the same chain (``JobHandler.run`` calling
    ``job_type_registry.get_by_model(job).run(...)``), that class's own
    ``transaction_atomic_context`` must return a transaction (the object the registry gives is
    taken to be the same along the chain, as the same job is looked up); otherwise every method
    the item may reach must. A job type whose scope is no transaction (one per application, or
    none) keeps its writes reported.

    Signals (decided where the spec is silent): Django runs the receivers of a signal
    synchronously inside ``sig.send(...)`` / ``sig.send_robust(...)``, in the sender's transaction.
    A receiver of a signal the project defines (``sig = Signal()``, ``@receiver(sig)`` or
    ``sig.connect(fn)``) is called by each send of production code: it is in a transaction when
    every such send (and every other caller) is. Its writes are still not added to the sender's
    (the spec: writes of signal handlers are not followed). Django's own signals (``post_save``)
    have no send in the project: their receivers stay judged on their own.

    Why it breaks production: when the second write fails (constraint, timeout, deploy), the
    first one stays: money debited and never credited, a user without a profile.

    Not reported: writes to another store (redis/cache, queues, e-mail, files); a single helper
    call that itself writes twice (the helper is reported); one write repeated in a loop (NPQ001);
    a lazy get-or-create (decided where the spec is silent): a project function that reads a row
    and writes only to create it when the read found none, in the ``except ...DoesNotExist`` /
    ``NotFound`` handler of the read (``try: return Settings.objects.get() except
    Settings.DoesNotExist: return Settings.objects.create()``) or under ``if not row:`` / ``if row
    is None:`` / ``if len(rows) == 0:`` after it (``wallets = get_wallets(uid); if len(wallets) ==
    0: wallet = create_wallet(uid)``, the write under the ``if`` keeping or returning the row
    it makes, not a failure record written before a ``raise``), or through such functions: the
    row it makes is the one any later call would make, so a failure before or after it leaves
    nothing half done, and it is no write to pair (the real pair of the caller is reported
    instead); a Django ``get_or_create`` keyed by
    the result of an earlier write site of the function that creates rows of that model
    (``member = signup(...)`` creating ``Preferences(member=...)``, then
    ``Preferences.objects.get_or_create(member=member)``, also through a helper keyed by its
    parameter): it gets the row that write made; a raw-SQL upsert (``INSERT ... ON CONFLICT DO
    NOTHING / DO UPDATE``, ``INSERT IGNORE``, ``INSERT OR IGNORE / REPLACE``, ``ON DUPLICATE KEY
    UPDATE``) followed by a Prisma ``update`` / ``updateMany`` / ``upsert`` of the same table whose
    ``where`` names only values the INSERT inserted (``$executeRaw`INSERT INTO "media" ... VALUES
    (${id}, ${projectId}) ON CONFLICT DO NOTHING``` then ``prisma.media.updateMany({ where: { id,
    projectId } })``), also through a helper whose only writes are that upsert and updates of its
    row, keyed by what the caller passes (a parameter, or a key of an object parameter it
    destructures): the upsert exemption below;
    an idempotent upsert followed by an update of the same row (``obj, _ =
    M.objects.get_or_create(...)`` then ``obj.save()``; Prisma ``upsert`` then ``update`` with the
    same ``where``, also when a project helper does the upsert keyed by the argument the caller
    passes, ``await ensureBilling(orgId)`` then ``prisma.billing.update({ where: { organizationId:
    orgId } })``); a Django ``get_or_create`` of the row an earlier ``get_or_create`` with the same
    lookup keywords wrote, also through a project helper keyed by the argument the caller passes
    (``Profile.objects.get_or_create(user=user)`` then ``get_redirection_path(user=user)``); a
    second call of an idempotent project helper (every write an upsert, or a save
    of the row it upserted) with the same arguments, directly or through another helper
    (``embed_to_editor_html(url)`` then ``get_embed(url)``): the repeat writes nothing new (the spec
    is silent; decided as for a repeated save); Django ``form.save(commit=False)``, which builds
    the row without writing it (with the ``obj.save()`` and ``form.save_m2m()`` that follow, it
    is the form's one save, as ``form.save()`` is); writes of framework signal handlers (``post_save``), which are
    not followed; writes that never run one after the other: in different branches of one
    ``if``, or the first followed by a ``return`` / ``throw`` / ``raise`` before the second is
    reached (``if (gone) { await delete(); return; } ... await update()``, ``if not
    attachments: record_skip(); return``); inside a ``try`` that holds until the code that may
    still run next: a return in the ``try`` body ends the branch for the rest of that body
    (``try { if (a) { await w1(); return 200; } if (b) { await w2(); ... } } catch ...``), not
    for its ``catch`` / ``except``, ``finally`` or the code after the ``try`` (an exception thrown
    between the write and the return lands in the handler); a ``raise`` / ``throw`` / ``return``
    in a handler ends it for the code after the ``try`` (``except Exception: row.save(); raise``
    then ``row.save()``), not for a ``finally``, nor past an enclosing ``try`` whose handler may
    fall through; calls on objects of third-party libraries that are no database (an Intercom or Stripe SDK
    client named ``client``, a pdf-lib document's ``save()``, a konva node's ``destroy()``);
    calls on the client of a remote API's SDK (Stripe, OpenAI / Anthropic, Twilio, googleapiclient
    and ``google.cloud`` / ``@google-cloud`` clients other than their databases Firestore,
    BigQuery, Spanner, Datastore and Bigtable), also when the client comes from a getter or
    field typed with the SDK's class (``get stripe(): Stripe``, ``const client = this.stripe``),
    a parameter annotated with it, or a project function that returns one (``client =
    self.get_client()`` returning ``OpenAI(...)``): requests to another system; a cache command on
    a field or getter typed with a project alias of cache clients (``type Client = Redis |
    Cluster``): another store; and
    in JS/TS ``x.save()`` / ``x.destroy()`` on a local name when the project uses no ORM whose
    rows save themselves (Mongoose, Sequelize, TypeORM, ...);
    a write in an ``except`` handler / ``catch`` block after a write in its ``try`` body (``try:
    ProcessedMail.objects.create(status="SUCCESS") except Exception:
    ProcessedMail.objects.create(status="FAILED")``; ``try { await runJob(id) } catch (e) { await
    prisma.job.update({ data: { status: "ERROR" } }); throw e }``): only writes that can both
    complete on one path are paired, and the handler runs when the try's write (or what follows
    it) failed, so that write may never have happened; the handler records the failure or undoes
    the first write, and one transaction around both would roll that record back too (the spec
    is silent). A write before the ``try``, two writes in the ``try`` body, and two writes in one
    handler stay reported; a ``ROLLBACK`` (it writes nothing). Transactions opened in SQL count in any
    spelling (``BEGIN IMMEDIATE``, ``START TRANSACTION READ WRITE``, ``COMMIT WORK``), also by a
    project ``@contextmanager`` that runs ``BEGIN`` before its ``yield``.

    Reported, though the spec could be read otherwise: two idempotent recomputations of
    different tables (``populate_api_buckets(); populate_feature_buckets()``): the spec counts
    writes to different tables, and until a retry the two disagree; two writes started together
    (``Promise.all([w1(), w2()])``, ``asyncio.gather``): they are not one after the other, but
    when one fails the other's change stays (the message says they run concurrently); a
    function called through a variable (``factory = a if x else b; factory()``) or through a
    registry lookup other than those above has no known caller, so a transaction its caller opens
    is not seen.

    Example:
        await adjust_balance(conn, src, -amount)
        await adjust_balance(conn, dst, amount)

    Use instead: ``async with conn.transaction():`` / ``with transaction.atomic():`` /
    ``prisma.$transaction(async (tx) => ...)`` around both writes.
    """

    id = "TXN001"
    slug = "missing-transaction"
    category = "transaction"
    severity = "high"
    summary = "Two or more related writes not inside one transaction"
    fix = "Run the writes in one transaction (transaction.atomic, session.begin, $transaction, ...)."

    def check(self, project: Project) -> Iterator[Finding]:
        s = summaries(project)
        txn = _Txn(project, s)
        for path, mod in project.modules.items():
            if project.is_test(path):
                continue
            sites: dict[str | None, list[tuple[Call, str]]] = {}
            # Writes staged since the last commit, per (function, innermost committing `with` block
            # or None): a commit in that scope, or the block's exit, writes them as one.
            staged: dict[tuple[str | None, int | None], list[Call]] = {}
            blocks: dict[int, Call] = {}
            for call in mod.calls:
                if call.func is None or call.loops:
                    continue
                block = next((w for w in call.withs if w < len(mod.calls) and
                              s.committing_with(path, mod.calls[w])), None)
                if block is not None:
                    blocks[block] = mod.calls[block]
                scope = (call.func, block)
                op = s.ops.get((path, call.id))
                label = ""
                if op is not None:
                    if s.stages(op):
                        staged.setdefault(scope, []).append(call)
                    elif op.kind == "commit" and staged.get(scope):
                        # A unit-of-work commit: the write is what it flushes; report there.
                        first_staged = staged.pop(scope)[0]
                        sites.setdefault(call.func, []).append(
                            (first_staged, f"`{_short(first_staged.snippet, 50)}` (committed at line "
                                           f"{call.loc.line})"))
                        continue
                    elif op.kind == "write" or (op.kind == "commit" and not op.unit):
                        label = f"`{_short(call.text)}`"
                else:
                    ref = project.target(path, call)
                    summ = s.of(ref)
                    if summ is not None and not summ.via.keys().isdisjoint(("write", "staged", "commit")) and \
                            s.lazy_getter(ref):
                        continue  # get_settings(): creates the row only when it is missing
                    if ref is not None and summ is not None and "write" in summ.via:
                        last = s.chain(ref, "write")
                        label = f"`{_short(call.text)}` (writes via `{_short(last[-1][3].text)}`)" if last \
                            else f"`{_short(call.text)}`"
                        if "commit" in summ.via and call.context != "with":
                            staged.pop(scope, None)  # its commit ends what was staged before it
                    elif summ is not None and "commit" in summ.via and call.context != "with":
                        if staged.get(scope):  # a helper that commits what the caller staged
                            first_staged = staged.pop(scope)[0]
                            sites.setdefault(call.func, []).append(
                                (first_staged, f"`{_short(first_staged.snippet, 50)}` (committed by "
                                               f"`{_short(call.text)}` at line {call.loc.line})"))
                        continue
                    if summ is not None and "staged" in summ.via:
                        staged.setdefault(scope, []).append(call)
                if label:
                    sites.setdefault(call.func, []).append((call, label))
            for (fid, block), calls in staged.items():
                if block is not None and calls:  # committed when the block exits
                    opener = blocks[block]
                    sites.setdefault(fid, []).append(
                        (calls[0], f"`{_short(calls[0].snippet, 50)}` (committed when the "
                                   f"`{_short(opener.snippet, 40)}` block at line {opener.loc.line} exits)"))
            same: _SameRow | None = None
            for fid, group in sites.items():
                same = same or _SameRow(project, s, path)
                group = _drop_repeats(_drop_same_row(group, same), same)
                if len(group) < 2 or txn.func_protected(path, mod, fid):
                    continue
                group.sort(key=lambda g: run_order(g[0]))
                unprotected = [g for g in group if not txn.call_protected(path, mod, g[0])]
                if not unprotected or (len(unprotected) == len(group) and len(group) < 2):
                    continue
                if len(unprotected) < 2 and len(unprotected) == len(group):
                    continue
                # The first write that can run before an unprotected later one (not in another
                # branch of the same if, and not followed by a return/throw before it).
                pair = next(((f, g) for i, g in enumerate(group) if i and g in unprotected
                             for f in group[:i] if not exclusive(f[0], g[0])), None)
                if pair is None:
                    continue
                first, second = pair
                if first[0].text == second[0].text and first[0].text.rsplit(".", 1)[-1] in ("commit", "save") and \
                        len(group) == 2 and not _between(mod, first[0], second[0], s, path):
                    continue  # the same save/commit repeated with nothing new staged or changed
                together = _run_together(mod, first[0], second[0])
                if together is not None:
                    yield self.finding(path, second[0].loc,
                                       f"{second[1]} runs concurrently with {first[1]} at line {first[0].loc.line} "
                                       f"(`{together}`) in `{fid}`, without a transaction: when one fails, the "
                                       "other's change stays")
                    continue
                yield self.finding(path, second[0].loc,
                                   f"{second[1]} is a second write after {first[1]} at line {first[0].loc.line} "
                                   f"in `{fid}`, without a transaction: a failure between them leaves a partial "
                                   "change")


CONCURRENT = ("Promise.all", "Promise.allSettled", "asyncio.gather")


def _array_names(call: Call) -> set[str]:
    """The local names a call is given as arrays: ``f(ops)``, ``f([...ops, x])``."""
    out: set[str] = set()
    for v in call.args:
        if v.kind == "name" and v.text:
            out.add(v.text)
        elif v.kind == "array":
            out.update((x.text or "").lstrip(".") for x in v.items or () if x.kind in ("spread", "name"))
    out.discard("")
    return out


def _combiners(mod: ModuleFacts, call: Call) -> list[int]:
    """The calls that ``call`` is an argument of, innermost first (up to four levels)."""
    out: list[int] = []
    cur = call
    while len(out) < 4 and cur.context == "arg" and cur.arg_of is not None and cur.arg_of < len(mod.calls):
        out.append(cur.arg_of)
        cur = mod.calls[cur.arg_of]
    return out


def _run_together(mod: ModuleFacts, a: Call, b: Call) -> str | None:
    """``Promise.all([w1(), w2()])`` / ``asyncio.gather(w1(), w2())``: the combiner that starts both
    writes at once (its callee text), or None when they run one after the other."""
    if a.awaited or b.awaited:
        return None
    outer = set(_combiners(mod, a))
    shared = next((c for c in _combiners(mod, b) if c in outer), None)
    if shared is None or mod.calls[shared].callee not in CONCURRENT:
        return None
    return mod.calls[shared].text


UPSERTS = ("update_or_create", "get_or_create", "aupdate_or_create", "aget_or_create", "upsert", "findOrCreate")


class _SameRow:
    """What a write site does to a row, looking into the project helper it calls: upserts one
    (every write of the helper is an upsert: ``get_or_create`` there), or updates the row it is
    given (every write of the helper saves or updates its parameter's row: ``update_metadata(row,
    items)`` running ``row._meta.model.objects.filter(pk=row.pk).update(...)`` or ``row.save()``)."""

    def __init__(self, project: Project, s: Summaries, path: str) -> None:
        self.project, self.s, self.path = project, s, path
        self._writes_of: dict[FuncRef, list[tuple[str, Call, FuncRef | None]]] = {}
        self._idempotent: dict[FuncRef, bool] = {}

    def _writes(self, ref: FuncRef) -> list[tuple[str, Call, FuncRef | None]]:
        """The write sites of a project function: (path, call, the helper it calls or None)."""
        found = self._writes_of.get(ref)
        if found is None:  # asked again for each write site that calls the helper
            found = self._writes_of[ref] = self._find_writes(ref)
        return found

    def _find_writes(self, ref: FuncRef) -> list[tuple[str, Call, FuncRef | None]]:
        mod = self.project.modules.get(ref.path)
        out: list[tuple[str, Call, FuncRef | None]] = []
        for c in mod.calls if mod is not None else ():
            if c.func != ref.func:
                continue
            op = self.s.ops.get((ref.path, c.id))
            target = self.project.target(ref.path, c)
            summ = self.s.of(target)
            if op is not None and op.kind in ("write", "commit", "staged"):
                out.append((ref.path, c, None))
            elif op is None and summ is not None and "write" in summ.via:
                out.append((ref.path, c, target))
        return out

    def upserts(self, path: str, call: Call, depth: int = 0) -> bool:
        if call.text.replace("?.", ".").rpartition(".")[2] in UPSERTS:
            return True
        ref = self.project.target(path, call)
        if ref is None or depth > 3:
            return False
        writes = self._writes(ref)
        return bool(writes) and all(self.upserts(p, c, depth + 1) for p, c, _ in writes)

    def row_writes(self, path: str, call: Call, subst: dict[str, str] | None = None,
                   depth: int = 0) -> frozenset[tuple[str, str, str]] | None:
        """The Prisma rows a write site upserts or updates, as ("upsert" | "update", model receiver,
        ``where`` signature): the call's own (``prisma.billing.upsert({ where })``), or those of
        every write of the project helper it calls, keyed by the helper's parameters
        (``ensureBilling(orgId)`` running ``prisma.billing.upsert({ where: { organizationId } })``
        on its parameter ``organizationId`` upserts ``{ organizationId: orgId }``). None when a
        write is anything else or keyed by what the caller cannot name (a local of the helper, a
        member, a call). ``subst``: the signatures the caller's arguments give the parameters of
        the function ``call`` sits in (None: the function being checked, whose names stand for
        themselves)."""
        recv, _, meth = call.text.replace("?.", ".").rpartition(".")
        if meth in ("get_or_create", "aget_or_create") and not call.args and call.kwargs and \
                "**" not in call.kwargs:
            # Django: the row its lookup keywords name (``defaults`` only fill a new row).
            lookup = Value("object", "", keys={k: v for k, v in call.kwargs.items() if k != "defaults"})
            where = _sig_mapped(lookup, subst)
            if where is None or (subst is not None and recv.split(".", 1)[0] in subst):
                return None
            return frozenset({("upsert", recv, where)})
        if meth in ("upsert", "update", "updateOne"):
            first = call.args[0] if call.args else None
            w = first.key("where") if first is not None and first.kind == "object" else None
            where = _sig_mapped(w, subst) if w is not None else None
            if where is None or (subst is not None and recv.split(".", 1)[0] in subst):
                return None  # keyed by something the caller does not pass, or on a client it passes
            return frozenset({("upsert" if meth == "upsert" else "update", recv, where)})
        ref = self.project.target(path, call)
        fn = self.project.function(ref) if ref is not None else None
        if ref is None or fn is None or depth > 3:
            return None
        writes = self._writes(ref)
        inner: dict[str, str] = {}
        for param in fn.params:
            arg = argument_for(fn, call, param)
            sig = _sig_mapped(arg, subst) if arg is not None else None
            if sig is not None:
                inner[param] = sig
        out: set[tuple[str, str, str]] = set()
        for p, c, _ in writes:
            found = self.row_writes(p, c, inner, depth + 1)
            if found is None:
                return None
            out |= found
        return frozenset(out) if out else None

    def reached(self, path: str, call: Call, subst: dict[str, str] | None = None,
                depth: int = 0) -> set[tuple[FuncRef, tuple[str, ...]]]:
        """The project functions a write site calls to write, with what it passes them: its target
        and, down the helpers it writes through, theirs, each as (function, the signature of the
        value of each parameter, "=" for its default), where every argument can be named in the
        function being checked (a name, a member, a literal, ``form.cleaned_data["url"]``)."""
        ref = self.project.target(path, call)
        fn = self.project.function(ref) if ref is not None else None
        if ref is None or fn is None or depth > 3:
            return set()
        inner: dict[str, str] = {}
        passed: list[str] | None = []
        for param in fn.params:
            if param in ("self", "cls") and fn.class_name is not None:
                continue
            arg = argument_for(fn, call, param)
            sig = _stable_sig(arg, subst) if arg is not None else "="
            if sig is None:
                passed = None
            else:
                inner[param] = sig
                if passed is not None:
                    passed.append(sig)
        if fn.class_name is not None and fn.params[:1] in (["self"], ["cls"]):
            passed = None  # a method: which instance it runs on is not compared
        out = {(ref, tuple(passed))} if passed is not None else set()
        for p, c, helper in self._writes(ref):
            if helper is not None:
                out |= self.reached(p, c, inner, depth + 1)
        return out

    def idempotent(self, ref: FuncRef, depth: int = 0) -> bool:
        """Every write of the project function upserts a row (``update_or_create``, ``upsert``, a
        helper that only does so), apart from saves and updates of the rows it upserted: called
        again with the same arguments, it writes nothing new."""
        if ref in self._idempotent:
            return self._idempotent[ref]
        self._idempotent[ref] = False
        writes = self._writes(ref)
        group = [(c, "") for _, c, _ in writes]
        ok = bool(writes) and depth <= 3 and all(
            self.upserts(ref.path, c) for c, _ in _drop_same_row(group, _SameRow(self.project, self.s, ref.path)))
        self._idempotent[ref] = ok
        return ok

    def raw_upsert(self, path: str, call: Call, depth: int = 0) -> tuple[str, set[str]] | None:
        """A raw-SQL upsert (``_RAW_UPSERT``) the write site runs, as (table, the names of the
        function being checked that its values come from): its own (``prisma.$executeRaw`INSERT
        ... VALUES (${id}, ...) ON CONFLICT DO NOTHING```), or the only write of the project helper
        it calls (apart from updates of that row), its values mapped to what the caller passes (a
        parameter, or a key of an object parameter the helper destructures: ``upsertMedia({
        mediaId, projectId })`` with ``const { mediaId, projectId } = params``)."""
        op = self.s.ops.get((path, call.id))
        if op is not None:
            m = _RAW_UPSERT.match(op.sql) if op.sql else None
            if m is None or not (m.group(1) or _UPSERT_TAIL.search(op.sql)):
                return None
            holes = {(v.text or "").split(".", 1)[0] for a in call.args[:1] for v in (a.items or ())
                     if v.kind == "name"}
            return _table_key(m.group(2)), holes
        ref = self.project.target(path, call)
        fn = self.project.function(ref) if ref is not None else None
        if ref is None or fn is None or depth > 0:
            return None
        writes = self._writes(ref)
        if not writes or any(helper is not None for _, _, helper in writes):
            return None
        inner = self.raw_upsert(writes[0][0], writes[0][1], depth + 1)
        if inner is None or not all(_updates_raw_upserted(c, [inner]) for _, c, _ in writes[1:]):
            return None  # its other writes update only the row it upserted
        table, names = inner
        mod = self.project.modules[ref.path]
        unpacked = {local: (src, key) for f, src, key, local in mod.unpacks if f == ref.func}
        mapped: set[str] = set()
        for name in names:
            src, key = unpacked.get(name, (name, ""))
            arg = argument_for(fn, call, src)
            if arg is not None and key and arg.kind == "object":
                arg = arg.key(key)
            elif key:
                arg = None
            if arg is not None and arg.kind == "name" and arg.text:
                mapped.add(arg.text)
        return table, mapped

    def creates(self, path: str, call: Call, depth: int = 0) -> frozenset[str]:
        """The Django managers a write site creates rows through (``Profile.objects.create`` ->
        "Profile.objects"), its own or, down the project helpers it calls, theirs."""
        recv, _, meth = call.text.replace("?.", ".").rpartition(".")
        if meth in ("create", "acreate", "get_or_create", "aget_or_create") and recv.endswith(".objects"):
            return frozenset({recv})
        ref = self.project.target(path, call)
        if ref is None or depth > 3:
            return frozenset()
        out: set[str] = set()
        for p, c, helper in self._writes(ref):
            if helper is not None or c.text.rpartition(".")[2] in ("create", "acreate", "get_or_create"):
                out |= self.creates(p, c, depth + 1)
        return frozenset(out)

    def updates_row(self, call: Call, rows: set[str]) -> bool:
        """``row.save()``, ``M.objects.filter(pk=row.pk).update(...)``, or a helper given ``row``
        that only saves or updates the row of that parameter, for a ``row`` in ``rows``."""
        if any(_updates(call, r) for r in rows):
            return True
        ref = self.project.target(self.path, call)
        fn = self.project.function(ref) if ref is not None else None
        if ref is None or fn is None:
            return False
        writes = self._writes(ref)
        params = {c.text.split(".", 1)[0] for _, c, _ in writes}
        if len(params) != 1 or any(helper is not None for _, _, helper in writes):
            return False
        param = params.pop()
        arg = argument_for(fn, call, param)
        return arg is not None and arg.kind == "name" and arg.text in rows and \
            all(_updates(c, param) for _, c, _ in writes)


def _updates(call: Call, row: str) -> bool:
    """``row.save()`` / ``M.objects.filter(pk=row.pk).update(...)``: a write of that row."""
    recv, _, meth = call.text.replace("?.", ".").rpartition(".")
    if meth in ("save", "asave"):
        return recv == row
    return meth in ("update", "aupdate") and \
        re.search(rf"\b(?:pk|id)\s*=\s*{re.escape(row)}\.(?:pk|id)\b", call.snippet) is not None


def _drop_repeats(group: list[tuple[Call, str]], same: _SameRow) -> list[tuple[Call, str]]:
    """Drop a call of an idempotent project helper (see ``_SameRow.idempotent``) that an earlier
    write site of the group already made with the same arguments, directly or through its own
    helper (``embed_to_editor_html(url)`` running ``get_embed(url)``, then ``get_embed(url)``):
    the repeat writes nothing new, so a failure after it leaves nothing half done."""
    if len(group) < 2:
        return group
    out: list[tuple[Call, str]] = []
    seen: dict[tuple[FuncRef, tuple[str, ...]], Call] = {}
    calls = same.project.modules[same.path].calls
    for call, label in sorted(group, key=lambda g: run_order(g[0])):
        reached = same.reached(same.path, call)
        ref = same.project.target(same.path, call)
        own = next((r for r in reached if r[0] == ref), None)
        before = seen.get(own) if own is not None else None
        if before is not None and same.idempotent(own[0]):  # type: ignore[index]
            names = {(v.text or "").split(".", 1)[0].split("[", 1)[0] for v in (*call.args, *call.kwargs.values())}
            if not any(c.func == call.func and c.assigned_to in names and before.loc < c.loc < call.loc
                       for c in calls):
                continue  # the same call again (not after `x = load()` rebinds what it is given)
        for r in reached:
            seen.setdefault(r, call)
        out.append((call, label))
    return out


def _drop_same_row(group: list[tuple[Call, str]], same: _SameRow) -> list[tuple[Call, str]]:
    """Drop the writes that update the row an idempotent upsert just wrote: ``obj, _ =
    M.objects.get_or_create(...)`` then ``obj.save()`` or ``M.objects.filter(pk=obj.pk).update()``,
    also through project helpers (``meta = get_or_create_meta(x)`` then ``update_metadata(meta,
    items)``); Prisma ``upsert({ where: W })`` then ``update({ where: W })`` (or another upsert)
    on the same model, also through project helpers keyed by their parameters (``await
    ensureBilling(orgId)`` upserting ``{ where: { organizationId } }``, then
    ``prisma.billing.update({ where: { organizationId: orgId } })`` or a helper that only updates
    that row). Retrying the pair converges on the same row."""
    if len(group) < 2:
        return group
    rows: set[str] = set()  # receivers bound to an upserted row
    upserted: set[tuple[str, str]] = set()  # (model receiver, where signature)
    raw: list[tuple[str, set[str]]] = []  # (table, the names its values come from) of raw-SQL upserts
    created: dict[str, frozenset[str]] = {}  # a name bound to what a write site returned -> the models it creates
    out: list[tuple[Call, str]] = []
    for call, label in sorted(group, key=lambda g: run_order(g[0])):
        if rows and same.updates_row(call, rows):
            continue
        if raw and _updates_raw_upserted(call, raw):
            continue
        found = same.raw_upsert(same.path, call)
        if found is not None:
            raw.append(found)
        keys = same.row_writes(same.path, call)
        if keys and upserted and all((recv, where) in upserted for _, recv, where in keys):
            continue  # updates (or upserts again) only rows an upsert before wrote
        if keys and created and all(kind == "upsert" and any(recv in models and f"name:{name}:" in where
                                                             for name, models in created.items())
                                    for kind, recv, where in keys):
            continue  # user = signup(); Profile.objects.get_or_create(user=user): the profile signup made
        if call.assigned_to:
            models = same.creates(same.path, call)
            if models:
                created[call.assigned_to] = models
        if same.upserts(same.path, call):
            if call.assigned_to:
                rows.add(call.assigned_to)
            if keys and len(keys) == 1:
                upserted.update((recv, where) for _, recv, where in keys)
        out.append((call, label))
    return out


# Raw SQL that inserts a row unless it exists (or updates it): ``INSERT ... ON CONFLICT DO
# NOTHING / DO UPDATE``, ``INSERT IGNORE``, ``INSERT OR IGNORE / REPLACE``, ``... ON DUPLICATE KEY
# UPDATE``: an idempotent upsert of the row its values key.
_RAW_UPSERT = re.compile(r"\s*INSERT\s+(IGNORE\s+|OR\s+(?:IGNORE|REPLACE)\s+)?INTO\s+[`\"]?([\w.]+?)[`\"]?[\s(]",
                         re.IGNORECASE)
_UPSERT_TAIL = re.compile(r"\bON\s+CONFLICT\b|\bON\s+DUPLICATE\s+KEY\s+UPDATE\b", re.IGNORECASE)


def _table_key(name: str) -> str:
    """A table or model name compared loosely: ``trace_media`` / ``traceMedia`` / ``TraceMedias``."""
    key = name.rsplit(".", 1)[-1].replace("_", "").lower()
    return key[:-1] if key.endswith("s") else key


def _updates_raw_upserted(call: Call, raw: list[tuple[str, set[str]]]) -> bool:
    """A Prisma ``update`` / ``updateMany`` / ``upsert`` of the table a raw-SQL upsert before it wrote,
    whose ``where`` names only values that upsert inserted (``INSERT INTO "media" (...) VALUES
    (${mediaId}, ${projectId}, ...) ON CONFLICT DO NOTHING`` then ``prisma.media.updateMany({ where:
    { id: mediaId, projectId } })``): an update of the row the upsert made sure of."""
    recv, _, meth = call.text.replace("?.", ".").rpartition(".")
    if meth not in ("update", "updateMany", "upsert") or not recv or not call.args or call.args[0].kind != "object":
        return False
    where = call.args[0].key("where")
    if where is None or where.kind != "object":
        return False
    names: list[str] = []

    def leaves(v: Value, depth: int = 0) -> bool:
        if v.keys is not None and depth < 3:
            return all(leaves(x, depth + 1) for x in v.keys.values())
        if v.kind != "name" or not v.text:
            return False
        names.append(v.text.split(".", 1)[0])
        return True
    if not leaves(where) or not names:
        return False
    table = _table_key(recv)
    return any(t == table and all(n in holes for n in names) for t, holes in raw)


_LITERALS = ("str", "num", "bool", "none")


_ACCESS = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[(?:\"[^\"\\]*\"|'[^'\\]*'|\d+)\])*")


def _stable_sig(v: Value, subst: dict[str, str] | None) -> str | None:
    """``_sig_mapped`` of an argument that reads the same value when evaluated twice: names,
    members, literals, subscripts by a literal (``form.cleaned_data["url"]``), not calls."""
    if subst is None:
        if v.keys or v.items:
            parts = [_stable_sig(x, None) for x in (*(v.keys or {}).values(), *(v.items or ()))]
            return None if any(p is None for p in parts) else _sig(v)
        if v.kind in (*_LITERALS, "name", "attr") or (v.kind == "other" and _ACCESS.fullmatch(v.text or "")):
            return _sig(v)
        return None
    return _sig_mapped(v, subst)


def _sig_mapped(v: Value, subst: dict[str, str] | None, depth: int = 0) -> str | None:
    """``_sig`` of a value in a helper, its parameters replaced by the signatures of what the
    caller passes (``subst``); None when it holds anything else (a local, a member, a call) that
    the caller's code cannot be compared with. ``subst`` None: ``_sig`` itself."""
    if subst is None:
        return _sig(v, depth)
    if depth > 4:
        return None
    if v.keys:
        parts = [(k, _sig_mapped(x, subst, depth + 1)) for k, x in sorted(v.keys.items())]
        return None if any(p is None for _, p in parts) else "{" + ",".join(f"{k}:{p}" for k, p in parts) + "}"
    if v.items:
        items = [_sig_mapped(x, subst, depth + 1) for x in v.items]
        return None if any(p is None for p in items) else "[" + ",".join(items) + "]"  # type: ignore[arg-type]
    if v.kind == "name":
        return subst.get(v.text)
    return _sig(v, depth) if v.kind in _LITERALS else None


def _sig(v: Value, depth: int = 0) -> str:
    """A structural signature of a value (object literals keep no source text)."""
    if depth > 4:
        return "…"
    if v.keys:
        return "{" + ",".join(f"{k}:{_sig(x, depth + 1)}" for k, x in sorted(v.keys.items())) + "}"
    if v.items:
        return "[" + ",".join(_sig(x, depth + 1) for x in v.items) + "]"
    return f"{v.kind}:{' '.join((v.text or '').split())}:{v.value}"


def _writes_back(path: str, s: Summaries, read: Call, write: Op | None, project: Project) -> bool:
    """The write updates what the read read: an UPDATE of the table the SELECT read, or an ORM update/save."""
    if write is None:
        return False
    if not write.sql:
        meth = write.call.text.rsplit(".", 1)[-1]
        return meth in ("update", "save", "updateOne", "update_one", "findOneAndUpdate", "findByIdAndUpdate",
                        "replaceOne", "upsert", "set", "nativeUpdate", "updateTable")
    m = re.match(r"\s*UPDATE\s+([\w.\"]+)", write.sql, re.IGNORECASE)
    if m is None:
        return False
    rop = s.ops.get((path, read.id))
    if rop is None:
        ref = project.target(path, read)
        chain = s.chain(ref, "read") if ref is not None else []
        rop = s.ops.get((chain[-1][0], chain[-1][3].id)) if chain else None
    if rop is None or not rop.sql:
        return True
    return re.search(rf"\bFROM\s+{re.escape(m.group(1))}\b", rop.sql, re.IGNORECASE) is not None


def run_order(call: Call) -> tuple[int, int, int, int]:
    """The order calls of one function run in: a call ends after every call inside it (its
    receiver, its arguments) has run, so ``execute(Cmd.create(x))`` runs ``Cmd.create`` first, and
    calls one after another end in their order too."""
    loc = call.loc
    return loc.end_line, loc.end_col, loc.line, loc.col


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _between(mod: ModuleFacts, a: Call, b: Call, s: Summaries, path: str) -> bool:
    """Something is staged, written or changed on the saved object between two identical saves/commits."""
    for c in mod.calls:
        if c.func == a.func and a.loc.line < c.loc.line < b.loc.line:
            op = s.ops.get((path, c.id))
            if op is not None and op.kind in ("staged", "write"):
                return True
    obj = a.text.rsplit(".", 1)[0] + "."
    return any(x.func == a.func and a.loc.line < x.loc.line < b.loc.line and
               (x.target.startswith(obj) or x.text.startswith(obj)) for x in mod.assigns)


ARITH = re.compile(r"[-+*/]")


class LostUpdate(Rule):
    """Finds a read-modify-write of a stored value without a lock or an atomic update.

    What it finds: a row or value is read (directly or through a project helper), changed in
    application code from its old value (``wallet.balance -= amount``, ``stock - qty``,
    ``count + 1``) and written back, with no ``select_for_update()`` / ``with_for_update()`` /
    ``SELECT ... FOR UPDATE`` on the read and no atomic expression on the write
    (``F("balance") - amount``, ``{ decrement: n }``, ``increment()``,
    ``UPDATE ... SET x = x - $1``, ``$inc``).

    What is a write-back (decided where the spec is silent): an update, upsert or save that
    may target the row read, not an insert. ``create`` / ``createMany`` / ``bulk_create`` /
    ``insert`` ... of new rows built from a row read (a "duplicate" feature:
    ``create({ data: { ...old, name: old.name + " (copy)" } })``, ``bulk_create(a + b,
    ignore_conflicts=True)``) leave the row read untouched, so no concurrent change of it is
    lost. An update of another model than the one read (``prisma.room.findUnique`` then
    ``prisma.team.update``, ``Room.objects.get`` then ``Team.objects.filter(...).update``, the
    read followed into a project helper) is not a write-back either; where the callee does not
    name the model (``obj.save()``) it counts. The change must be arithmetic from the old
    value: a ``+`` that appends a string literal (``old.name + " (old)"``) builds text, which a
    concurrent writer does not accumulate into, and is not counted.

    Why it breaks production: two concurrent requests read the same old value and both write
    their result; one of the changes is lost (double spending, overselling stock).

    Example:
        wallet = Wallet.objects.get(user=user)
        wallet.balance -= amount
        wallet.save()

    Use instead: lock the row (``select_for_update()`` inside ``transaction.atomic()``) or
    update atomically (``Wallet.objects.filter(pk=...).update(balance=F("balance") - amount)``).
    """

    id = "TXN002"
    slug = "lost-update"
    category = "transaction"
    severity = "high"
    summary = "A read-modify-write of a stored value without a lock or atomic update"
    fix = "Lock the row when reading (SELECT ... FOR UPDATE) or update atomically in the database."
    _collections: frozenset[str] = frozenset()  # relationship collections of the project's models

    def check(self, project: Project) -> Iterator[Finding]:
        s = summaries(project)
        from vcx.rules.n_plus_one import _relation_fields
        self._collections = frozenset(
            name for p, _, name, kind, _ in _relation_fields(project)
            if project.modules[p].language == "python" and not kind.endswith(("ForeignKey", "OneToOneField")))
        for path, mod in project.modules.items():
            if project.is_test(path):
                continue
            reads: dict[str | None, list[Call]] = {}
            for call in mod.calls:
                if call.func is None or not call.assigned_to:
                    continue
                op = s.ops.get((path, call.id))
                ref = project.target(path, call)
                summ = s.of(ref)
                if (op is not None and op.kind == "read") or (op is None and summ is not None and "read" in summ.via):
                    if self._locked(path, call, s, ref):
                        continue
                    reads.setdefault(call.func, []).append(call)
            if not reads:
                continue
            reported: set[int] = set()
            for call in mod.calls:
                group = reads.get(call.func)
                if not group:
                    continue
                op = s.ops.get((path, call.id))
                ref = project.target(path, call)
                summ = s.of(ref)
                is_write = (op is not None and op.kind in ("write", "commit", "staged")) or \
                    (op is None and summ is not None and (
                        "write" in summ.via or "commit" in summ.via or
                        ("staged" in summ.via and summ.via["staged"][2].session)))  # an UPDATE run on a Session
                if not is_write:
                    continue
                texts = _texts(call, mod)
                written = call.snippet + texts
                if any(m in written for m in kdb.ATOMIC_MARKERS):
                    continue
                if op is not None and op.sql and _self_update(op.sql):
                    continue
                inserts = op is not None and not op.sql and call.text.rsplit(".", 1)[-1] in INSERT_METHODS
                for read in group:
                    if read.loc.line >= call.loc.line or inserts:
                        continue  # a new row built from the one read writes nothing back to it
                    if not self._same_model(path, s, project, read, call):
                        continue
                    var = read.assigned_to or ""
                    related = call.text.split(".", 1)[0] == var or re.search(rf"\b{re.escape(var)}\b", texts) \
                        or call.text.endswith("commit") or op is None
                    # const next = row.balance - amount; UPDATE t SET balance = next
                    derived = any(re.fullmatch(r"[\w$]+", a.target) and a.func == call.func and
                                  read.loc.line < a.loc.line <= call.loc.line and _changes_from_old(a, var) and
                                  re.search(rf"\b{re.escape(a.target)}\b", texts) for a in mod.assigns) and \
                        _writes_back(path, s, read, op, project)
                    if derived or (related and self._modified(mod, call, read, var, self._collections)):
                        yield self.finding(path, call.loc,
                                           f"`{call.snippet}` writes back a value computed from `{var}` read by "
                                           f"`{read.snippet}` (line {read.loc.line}) without a lock or atomic "
                                           "update: concurrent requests lose updates")
                        reported.add(read.id)
                        break
            yield from self._unit_of_work(path, mod, s, reads, reported)

    def _unit_of_work(self, path: str, mod: ModuleFacts, s: Summaries, reads: dict[str | None, list[Call]],
                      reported: set[int]) -> Iterator[Finding]:
        """A row loaded through an ORM session inside ``session.begin()`` (or ``transaction()``) and
        changed from its old value is flushed when the block ends: the assignment is the write-back."""
        for group in reads.values():
            for read in group:
                var = read.assigned_to or ""
                if read.id in reported or not var or not self._session_read(mod, read):
                    continue
                if not any((op := s.ops.get((path, w))) is not None and op.kind == "txn" for w in read.withs):
                    continue
                for a in mod.assigns:
                    if a.func == read.func and a.loc.line > read.loc.line and a.target.startswith(var + ".") \
                            and _changes_from_old(a, var) and a.target[len(var) + 1:] not in self._collections:
                        yield self.finding(path, a.loc,
                                           f"`{a.text}` is changed from its old value read by `{read.snippet}` "
                                           f"(line {read.loc.line}) and flushed when the transaction block ends, "
                                           "without a lock or atomic update: concurrent requests lose updates")
                        break

    @staticmethod
    def _same_model(path: str, s: Summaries, project: Project, read: Call, write: Call) -> bool:
        """The write-back may go to the model the read read: not known to be another one
        (``prisma.room.findUnique`` then ``prisma.team.update``), the read followed into the
        project helper that makes it."""
        w = _model(write.text)
        if w is None:
            return True
        r = _model(read.text)
        if r is None:
            ref = project.target(path, read)
            chain = s.chain(ref, "read") if ref is not None else []
            r = _model(chain[-1][3].text) if chain else None
        return r is None or r == w

    @staticmethod
    def _session_read(mod: ModuleFacts, read: Call) -> bool:
        """SQLAlchemy / SQLModel / Tortoise-style unit of work: changed rows are written on flush."""
        recv = read.text.rsplit(".", 1)[0].lower()
        return mod.language == "python" and ("Session" in read.callee or "session" in recv)

    @staticmethod
    def _locked(path: str, call: Call, s: Summaries, ref: FuncRef | None) -> bool:
        if any(m in call.callee or m in call.snippet for m in kdb.LOCK_MARKERS):
            return True
        if any(k in ("with_for_update", "for_update", "lock_mode") for k in call.kwargs):
            return True  # session.get(Model, pk, with_for_update=True)
        own = s.ops.get((path, call.id))
        if own is not None and "FOR UPDATE" in own.sql.upper():
            return True
        if ref is not None:
            chain = s.chain(ref, "read")
            if chain:
                last = chain[-1][3]
                op = s.ops.get((chain[-1][0], last.id))
                if op is not None and "FOR UPDATE" in op.sql.upper():
                    return True
        return False

    @staticmethod
    def _modified(mod: ModuleFacts, write: Call, read: Call, var: str,
                  collections: frozenset[str] = frozenset()) -> bool:
        """The value read into ``var`` is changed from its old value before ``write``. Not a
        relationship collection of the row (``to_food.ingredients += from_food.ingredients``, a
        SQLAlchemy ``relationship()`` list or Django many-to-many): the ORM writes the moved rows'
        keys, no stored value computed from an old one (the spec is silent; nothing to lose)."""
        pat = re.compile(rf"\b{re.escape(var)}\b")
        for a in mod.assigns:
            if a.func == write.func and read.loc.line < a.loc.line <= write.loc.line and \
                    (a.target.startswith(var + ".") or a.target == var) and _changes_from_old(a, var) and \
                    a.target[len(var) + 1:] not in collections:
                return True
        text = _texts(write, mod)
        # qs.n - 1, stock * 2; not `f(qs, **data)`, whose `**` unpacks the next argument, nor
        # `row.name + " (copy)"`, a string built from the old one
        return bool(pat.search(text) and re.search(
            rf"\b{re.escape(var)}\b[\w.\[\]'\"]*\s*(?:[-+]|\*(?!\*))(?!\s*[\"'`])", text))


# ORM calls that insert new rows: their values may be built from a row read, but nothing is
# written back to it (``create({ data: { ...old, name: old.name + " (copy)" } })``,
# ``bulk_create(a + b, ignore_conflicts=True)``).
INSERT_METHODS = frozenset({
    "create", "createMany", "createManyAndReturn", "create_many", "bulk_create", "abulk_create", "acreate",
    "insert", "insertMany", "insert_one", "insert_many", "insertOne", "bulkCreate"})


def _model(text: str) -> str | None:
    """The model a query's callee names: ``prisma.room.update`` -> room, ``Room.objects.get`` ->
    Room; None when it does not say (``account.save``, a project helper)."""
    parts = text.split(".")
    if len(parts) == 3 and parts[1] == "objects":
        return parts[0]
    if len(parts) == 3 and parts[0] in ("prisma", "db", "tx", "client", "ctx.prisma", "this.prisma") \
            and not parts[1].startswith("$"):
        return parts[1]
    if len(parts) == 4 and ".".join(parts[:2]) in ("ctx.prisma", "this.prisma", "ctx.db", "this.db"):
        return parts[2]
    return None


def _changes_from_old(a: Assign, var: str) -> bool:
    """``x.n -= 1`` / ``x.n = x.n + 1`` / ``x = x * 2``: the new value is computed from the old one."""
    val = a.value.text or ""
    if val[:2] in ("-=", "+=", "*="):
        return not re.match(r"\+=\s*[fFbBrRuU]?[\"'`]", val)  # x.name += " (copy)": text, not arithmetic
    val = re.sub(r"\+\s*[fFbBrRuU]?[\"'`]", " ", val)  # x.name + " (copy)"
    return bool(re.search(rf"\b{re.escape(var)}\b", val) and ARITH.search(val))


def _texts(call: Call, mod: ModuleFacts | None = None) -> str:
    """The source texts of a call's arguments, nested ones included: the arguments of a call
    passed as an argument too (``db.execute(update(T).values(stock=row.stock - n))``)."""
    out: list[str] = []
    seen: set[int] = set()

    def walk(v: Value | None, depth: int = 0) -> None:
        if v is None or depth > 4:
            return
        out.append(v.text or "")
        for x in (v.keys or {}).values():
            walk(x, depth + 1)
        for x in v.items or ():
            walk(x, depth + 1)
        if mod is not None and v.kind == "call" and v.call_id is not None and v.call_id < len(mod.calls) \
                and v.call_id not in seen:
            seen.add(v.call_id)
            inner = mod.calls[v.call_id]
            for x in (*inner.args, *inner.kwargs.values()):
                walk(x, depth + 1)
    for v in (*call.args, *call.kwargs.values()):
        walk(v)
    return " ".join(out)


def _self_update(sql: str) -> bool:
    m = re.search(r"SET\s+(\w+)\s*=\s*(\w+)\s*[-+]", sql, re.IGNORECASE)
    return bool(m and m.group(1) == m.group(2))
