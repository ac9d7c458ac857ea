"""Database clients: calls that return promises/coroutines or run queries.

A first table for ERR005 (a query call left floating never runs or crashes the process);
the n-plus-one and transaction rules extend it.
"""

from __future__ import annotations

PRISMA_OPS = frozenset({
    "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "count", "aggregate",
    "groupBy", "create", "createMany", "createManyAndReturn", "update", "updateMany", "upsert", "delete",
    "deleteMany",
})
PRISMA_CLIENT_OPS = frozenset({"$transaction", "$executeRaw", "$executeRawUnsafe", "$queryRaw",
                               "$queryRawUnsafe", "$disconnect", "$connect"})

# Receiver names that conventionally hold a Prisma client (FRAMEWORKS.md section 0).
PRISMA_NAMES = frozenset({"prisma", "this.prisma", "db", "this.db", "tx", "client", "this.client"})


def is_prisma_call(callee_text: str) -> bool:
    """``prisma.user.create`` / ``this.prisma.order.update`` / ``prisma.$transaction``."""
    parts = callee_text.split(".")
    if parts and parts[0] == "this":
        parts = ["this." + parts[1], *parts[2:]] if len(parts) > 1 else parts
    if len(parts) == 3 and parts[0] in PRISMA_NAMES and parts[2] in PRISMA_OPS:
        return True
    return len(parts) == 2 and parts[0] in PRISMA_NAMES and parts[1] in PRISMA_CLIENT_OPS


# -- n-plus-one and transaction: what a database call does ---------------------------------------
# FRAMEWORKS.md section 2. A call is classified by its method name, once something says the
# receiver is a database client: the canonical callee names a driver/ORM, a Django manager
# (``.objects.``), a Flask-SQLAlchemy ``Model.query``, or the receiver's name is one of the
# conventional client names (section 0).

# Django model managers: ``M.objects.filter(...)``, ``model._default_manager.get(...)``. A call
# through one is a query whatever the model is, also when the front end cannot tell which model
# a name holds (a loop variable, a parameter, ``apps.get_model(...)``, ``ct.model_class()``).
DJANGO_MANAGERS = ("objects", "_default_manager", "_base_manager")
_MANAGER_SEGMENTS = tuple(f".{m}." for m in DJANGO_MANAGERS)
_MANAGER_SEGMENTS_B = tuple(s.encode() for s in _MANAGER_SEGMENTS)


def through_django_manager(text: str) -> bool:
    """A callee written through a Django manager (``model.objects.filter``,
    ``ct.model_class()._default_manager.get``). ``self.objects`` is no manager: Django refuses
    manager access from an instance, so that is some other collection."""
    return (".objects." in text or "._default_manager." in text or "._base_manager." in text) \
        and not text.startswith("self.objects.")


def through_django_manager_bytes(text: bytes) -> bool:
    """:func:`through_django_manager` on source bytes (the front end's cheap first look)."""
    return any(s in text for s in _MANAGER_SEGMENTS_B) and not text.startswith(b"self.objects.")


DB_LIBS = ("asyncpg", "psycopg", "psycopg2", "sqlite3", "pymongo", "motor", "sqlalchemy", "flask_sqlalchemy",
           "sqlmodel", "django.db", "peewee", "tortoise", "pymysql", "MySQLdb", "aiosqlite", "databases",
           "pg.", "pg-promise", "mysql2", "@prisma/client", "typeorm", "sequelize", "knex", "mongoose", "mongodb",
           "drizzle-orm", "kysely", "@mikro-orm", "better-sqlite3", "postgres")
# Packages that speak to a database without being one of the libraries the rules know by API
# (their calls count by receiver name or SQL): a receiver built from any *other* third-party
# package is no database, whatever its name (``this.client.contacts.create()`` on an Intercom
# client, ``stage.destroy()`` on a konva Stage).
DB_LIKE_PACKAGES = ("@prisma/", "mysql", "mssql", "oracledb", "tedious", "sqlite", "@libsql/", "@neondatabase/",
                    "@vercel/postgres", "@planetscale/", "cassandra-driver", "@google-cloud/firestore",
                    "@google-cloud/spanner", "@google-cloud/bigquery", "firebase", "@supabase/", "arangojs",
                    "neo4j-driver", "couchbase", "nano", "pouchdb", "dynamoose", "objection", "bookshelf",
                    "@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb", "edgedb", "gel", "surrealdb", "faunadb",
                    "slonik", "@electric-sql/", "@xata.io/", "@tursodatabase/", "duckdb", "@duckdb/", "orchid-orm",
                    "@vercel/kv", "@databases/", "postgres", "pg")
# JS/TS ORMs whose rows write themselves (``doc.save()``, ``row.destroy()``): without one of
# them in the project, such a call on a local name is another library's object.
JS_ACTIVE_RECORD = ("mongoose", "sequelize", "typeorm", "@mikro-orm", "objection", "bookshelf", "waterline",
                    "@adonisjs/lucid", "sequelize-typescript", "@typegoose", "dynamoose", "camo", "mongorito",
                    "@nestjs/mongoose", "@nestjs/sequelize", "@nestjs/typeorm")
# Model base classes of the ORMs, by how their names end: what a base written as a name the
# project does not define (``Base = declarative_base()``, ``db.Model``) and no import leads to a
# library class says it is.
ORM_BASE_SUFFIXES = ("Model", "Base", "Document", "Entity", "SQLModel")
# Python packages whose classes are rows of a database (besides ``DB_LIBS``): a project class
# derived from one of their classes is a model.
PY_ORM_PACKAGES = ("mongoengine", "beanie", "odmantic", "ormar", "piccolo", "pony", "neomodel", "pynamodb",
                   "gino", "edgy", "redis_om", "umongo", "elasticsearch_dsl", "elasticsearch.dsl", "opensearch_dsl",
                   "djongo", "django_mongodb_backend", "sqlalchemy_utils", "flask_mongoengine", "couchdb",
                   "cqlengine", "cassandra.cqlengine", "playhouse", "sqlobject", "orm", "prisma")
OTHER_STORES = ("redis", "ioredis", "@redis/client", "@upstash/redis", "aioredis", "django.core.cache",
                "flask_caching", "memcache", "pymemcache")
# SQLAlchemy calls that configure or connect and run no statement: building a database URL
# (``URL.create(...)``, ``make_url(...)``, and the URL's own ``set`` / ``update_query_*``),
# making an engine or a session factory, and registering or removing event hooks
# (``event.listen`` / ``event.remove``). Matched on the whole callee (a factory) or as a prefix
# ending in "." (every call under it); an engine's or a factory's own methods (``engine.begin()``,
# ``Session.begin()``) are not these.
SA_NOT_QUERIES = frozenset({
    "sqlalchemy.make_url", "sqlalchemy.engine.make_url", "sqlalchemy.engine.url.make_url",
    "sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlalchemy.engine_from_config", "sqlalchemy.ext.asyncio.async_engine_from_config",
    "sqlalchemy.orm.sessionmaker", "sqlalchemy.ext.asyncio.async_sessionmaker", "sqlalchemy.orm.scoped_session",
    "sqlalchemy.ext.asyncio.async_scoped_session", "sqlalchemy.pool.NullPool", "sqlalchemy.pool.QueuePool",
})
SA_NOT_QUERY_PREFIXES = ("sqlalchemy.URL.", "sqlalchemy.engine.URL.", "sqlalchemy.engine.url.", "sqlalchemy.event.",
                         "sqlalchemy.URL().", "sqlalchemy.engine.URL().")


def sqlalchemy_not_a_query(callee: str) -> bool:
    """A SQLAlchemy call that runs no statement (see ``SA_NOT_QUERIES``)."""
    return callee.startswith("sqlalchemy.") and (callee in SA_NOT_QUERIES or callee.startswith(SA_NOT_QUERY_PREFIXES))


# Django's per-visitor session (``request.session``, a ``SessionBase``): its ``save()`` /
# ``flush()`` / ``cycle_key()`` / ``delete()`` write the session store, which RULES.md counts as
# another store even when the database backs it. Receivers as ``_method`` reads them (a leading
# ``self.`` dropped).
DJANGO_SESSION_RECEIVERS = ("request.session", "req.session")


def is_database_driver(package: str) -> bool:
    """An npm package that connects to a database or a cache server (``pg``, ``mysql2``,
    ``@prisma/client``, ``mongoose``, ``ioredis``, ...): code that uses it runs on a server."""
    return package in ("pg", "prisma") or package.startswith(DB_LIBS + OTHER_STORES)


DB_NAMES = frozenset({
    "db", "conn", "connection", "cur", "cursor", "session", "sess", "pool", "client", "tx", "trx", "prisma",
    "repo", "em", "manager", "knex", "queryrunner", "qr", "dbsession", "db_session", "con", "database",
    "mongo", "collection", "coll",
})
# SDKs of remote HTTP APIs (payments, AI models, cloud control planes), as canonical callee
# prefixes: a ``create`` / ``update`` / ``delete`` / ``get`` on one of their clients
# (``stripe.subscriptionSchedules.create``, ``OpenAI().beta.threads.create``, a googleapiclient
# ``Resource().jobs().delete``) is a request to the vendor's API, another system than the
# application's database, however the client is named. A prefix ending in "." or "/" covers a
# family of packages; the database services among them (``DB_API_SDK_EXCEPTIONS``) stay databases.
API_SDK_PACKAGES = ("stripe", "openai", "anthropic", "@anthropic-ai/sdk", "twilio", "cohere", "mistralai", "groq",
                    "googleapiclient", "googleapis", "google.cloud.", "@google-cloud/", "google.generativeai",
                    "@google/generative-ai", "@google/genai", "google.genai")
DB_API_SDK_EXCEPTIONS = ("google.cloud.firestore", "google.cloud.bigquery", "google.cloud.spanner",
                         "google.cloud.datastore", "google.cloud.bigtable", "google.cloud.ndb", "google.cloud.sql",
                         "google.cloud.alloydb", "@google-cloud/firestore", "@google-cloud/spanner",
                         "@google-cloud/bigquery", "@google-cloud/datastore", "@google-cloud/bigtable")


def api_sdk(callee: str) -> bool:
    """``callee`` (canonical) is reached through the client of a remote API's SDK
    (``API_SDK_PACKAGES``): ``stripe().customers.create``, ``openai.OpenAI().files.delete``."""
    if not callee.startswith(API_SDK_PACKAGES) or callee.startswith(DB_API_SDK_EXCEPTIONS):
        return False
    for p in API_SDK_PACKAGES:
        if callee.startswith(p) and (p.endswith((".", "/")) or len(callee) == len(p) or callee[len(p)] in ".(/"):
            return True
    return False


# Resources of HTTP API SDKs reached through a client object usually named `client` (OpenAI /
# Anthropic `client.chat.completions.create(...)`, `client.messages.create(...)`, Twilio
# `client.messages.create(to=...)`): a `create` there is a remote call, not a database write.
# Python only: the receiver text after the client name.
PY_SDK_RESOURCES = frozenset({
    "chat.completions", "completions", "embeddings", "moderations", "responses", "messages", "images",
    "audio.speech", "audio.transcriptions", "audio.translations", "beta.chat.completions", "fine_tuning.jobs",
    "batches", "vector_stores", "calls",
})
# ... when the object is named like such a client (`client`, `openai_client`, `anthropic`); not
# `thread.messages.create(...)`, a Django related manager.
PY_SDK_CLIENT_NAMES = ("client", "openai", "anthropic", "twilio", "llm")
# Names in DB_NAMES that are also everyday words for a domain object (a document collection):
# evidence when they are the receiver (`collection.find()`), not when the receiver is one of
# their fields (`collection.breadcrumbs.get(id)`).
DB_NAMES_AS_RECEIVER_ONLY = frozenset({"collection", "coll"})
CACHE_NAMES = frozenset({"redis", "cache", "r", "rds", "redis_client", "redisclient", "cache_client"})
# Cache commands that take no key (every other one in ``CACHE_COMMANDS`` takes at least one
# argument): what a receiver merely named like a cache (``r.get()``) is called with tells them apart.
CACHE_KEYLESS_COMMANDS = frozenset({"pipeline"})
# Pub/sub commands of a cache server (redis ``PUBLISH`` / ``SPUBLISH``), lower-cased: they send a
# message to a channel's subscribers, they neither read nor store anything (no cache command).
MESSAGE_COMMANDS = frozenset({"publish", "spublish"})
# Commands of a cache/key-value store (redis, Django's cache, memcached), lower-cased.
CACHE_COMMANDS = frozenset({
    "get", "set", "setex", "psetex", "setnx", "mget", "mset", "getset", "delete", "del", "unlink", "exists",
    "expire", "pexpire", "ttl", "incr", "incrby", "decr", "decrby", "hget", "hset", "hgetall", "hmget", "hmset",
    "hdel", "hincrby", "lpush", "rpush", "lpop", "rpop", "lrange", "sadd", "srem", "smembers", "sismember",
    "zadd", "zrange", "zrem", "zscore", "get_many", "set_many", "delete_many", "get_or_set", "touch",
    "keys", "scan", "pipeline", "eval", "evalsha",
})

READ_METHODS = frozenset({
    "get", "fetch", "fetchrow", "fetchval", "fetchone", "fetchall", "fetchmany", "find_one", "find",
    "findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "findOne", "findAll",
    "findByPk", "findById", "findBy", "findOneBy", "findOneOrFail", "findAndCount", "findAndCountAll",
    "count", "exists", "aggregate", "scalars", "scalar", "first", "one", "one_or_none", "get_or_none",
    "count_documents", "countDocuments", "distinct", "aget", "afirst", "getMany", "getOne", "getRawMany",
    "in_bulk", "latest", "earliest", "hget", "hgetall", "mget", "smembers", "lrange", "zrange",
    "select", "pluck", "executeTakeFirst", "executeTakeFirstOrThrow", "get_by_id", "query", "execute",
})
READ_MANY = frozenset({"fetch", "fetchall", "find", "findMany", "findAll", "findBy", "findAndCount",
                       "findAndCountAll", "all", "filter", "scalars", "getMany", "getRawMany", "select"})
# Lazy query builders (Python). A Django QuerySet method of this table returns a new QuerySet and
# runs nothing: the query runs when the QuerySet is evaluated (iterated, ``list()`` / ``len()`` /
# ``bool()``, sliced with a step, ``.count()`` / ``.exists()`` / ``.first()`` / ``.get()`` /
# ``.update()`` ..., pickled). So do SQLAlchemy's legacy ``Query`` methods of the second table
# (``session.query(M).filter(...)``), which run at ``.all()`` / ``.first()`` / ``.one()`` / ``.count()``
# / iteration; SQLAlchemy's ``select()`` statements are builders already (``SA_BUILDERS`` in
# vcx.summaries). Such a call is a query only where its result is evaluated: see
# ``n_plus_one.composed()`` for where it is not (combined with ``|``, refined, a subquery).
LAZY_QUERYSET_METHODS = frozenset({
    "all", "filter", "exclude", "order_by", "select_related", "prefetch_related", "annotate", "alias", "values",
    "values_list", "distinct", "only", "defer", "using", "none", "union", "intersection", "difference", "reverse",
    "select_for_update", "extra", "complex_filter", "dates", "datetimes",
})
LAZY_SA_QUERY_METHODS = frozenset({
    "query", "filter", "filter_by", "join", "outerjoin", "options", "order_by", "group_by", "having", "limit",
    "offset", "distinct", "with_entities", "select_from", "where", "correlate", "subquery", "scalar_subquery",
    "union", "union_all", "intersect", "except_", "with_for_update",
})
# Calls that make the lazy query given to them a part of their own (a subquery): Django's
# ``Subquery(qs)`` / ``Exists(qs)``, ``qs.union(other)``; SQLAlchemy ``col.in_(query)``. A keyword
# ending in ``__in`` does too (``filter(id__in=Other.objects.filter(...).values("id"))``).
SUBQUERY_TAKERS = frozenset({"Subquery", "Exists", "union", "intersection", "difference", "in_", "not_in",
                             "notin_", "union_all", "intersect", "except_"})
SUBQUERY_KEYWORD_SUFFIX = "__in"
# Attributes of a QuerySet that read no rows (``qs.model._meta``, ``str(qs.query)``, ``qs.db``).
QUERYSET_ATTRIBUTES = frozenset({"model", "query", "db", "ordered", "_db", "_hints"})
WRITE_METHODS = frozenset({
    "add", "add_all", "save", "delete", "create", "update", "insert", "upsert", "remove", "destroy",
    "insert_one", "update_one", "delete_one", "replace_one", "find_one_and_update", "find_one_and_delete",
    "update_many", "delete_many", "updateOne", "deleteOne", "updateMany", "deleteMany", "findOneAndUpdate",
    "findByIdAndUpdate", "findOneAndDelete", "findByIdAndDelete", "replaceOne", "increment", "decrement",
    "persist", "persistAndFlush", "nativeInsert", "nativeUpdate", "nativeDelete", "get_or_create",
    "update_or_create", "findOrCreate", "acreate", "asave", "adelete", "aupdate", "delete_instance",
    "softDelete", "softRemove", "restore", "del", "merge", "insertInto", "updateTable", "deleteFrom",
    "$executeRaw", "$executeRawUnsafe", "executemany", "commit",
})
# Static methods of JS/TS model classes that query or write (Sequelize Model, TypeORM
# BaseEntity, Mongoose Model): with a capitalised project class as receiver (`Ticket.findByPk`,
# `Order.unscoped().findAll`) they mark the class as a model. Generic verbs such as `add`,
# `get` or `select` are not among them: `MathBN.add(a, b)` and `Cache.get(k)` are no queries.
JS_MODEL_STATICS = frozenset({
    "findAll", "findOne", "findByPk", "findOrCreate", "findAndCountAll", "findCreateFind", "count", "max", "min",
    "sum", "create", "bulkCreate", "update", "destroy", "upsert", "increment", "decrement", "truncate", "restore",
    "aggregate", "find", "findBy", "findOneBy", "findOneOrFail", "findOneByOrFail", "findAndCount",
    "findAndCountBy", "countBy", "save", "remove", "insert", "delete", "softRemove", "softDelete", "findById",
    "findByIdAndUpdate", "findByIdAndDelete", "findOneAndUpdate", "findOneAndDelete", "findOneAndReplace",
    "insertMany", "updateOne", "updateMany", "deleteOne", "deleteMany", "countDocuments", "exists", "distinct",
    "bulkWrite", "replaceOne", "query",
})
# A parameter typed with a project class (`stocks: StockQuerySet`, `order: Order`) queries when the
# class is a queryset or manager, or when a row writes itself; `value_data: AttributeInput` and its
# `.get(...)` is a plain object.
PY_QUERYSET_CLASS_SUFFIXES = ("QuerySet", "Queryset", "Manager", "Query")
PY_ROW_METHODS = frozenset({"save", "asave", "delete", "adelete", "refresh_from_db", "arefresh_from_db"})
# django-treebeard node methods that insert the unsaved row they are given as ``instance=``
# (``parent.add_child(instance=page)``, ``page.add_sibling("right", instance=p)``, ``Page.add_root(instance=p)``).
TREE_INSERT_METHODS = frozenset({"add_child", "add_sibling", "add_root"})
# Models whose ``create()`` inserts the row (``this.model.create(doc)`` on a field typed
# ``Model<T>`` of Mongoose, a Sequelize model), unlike a TypeORM repository's, which only builds
# the entity: canonical callee prefixes.
JS_INSERTING_CREATE = ("mongoose.", "@nestjs/mongoose.", "@typegoose/", "sequelize.", "sequelize-typescript.")
# Receivers that conventionally hold a TypeORM / MikroORM entity manager, whose create(),
# merge() and (MikroORM) persist() build or stage entities without a query.
ENTITY_MANAGER_NAMES = frozenset({"manager", "em", "entitymanager", "entity_manager", "orm.em"})
# Methods of JS Sets and Maps: on a plain field of a library's object they touch memory only.
JS_COLLECTION_METHODS = frozenset({"add", "has", "get", "set", "delete", "clear"})
# Writes that are one statement for many rows: not an N+1 when looped over chunks, never per element.
BATCH_METHODS = frozenset({"bulk_create", "bulk_update", "createMany", "createManyAndReturn", "insertMany",
                           "insert_many", "bulkCreate", "bulkWrite", "bulk_write", "executemany",
                           "add_all", "in_bulk", "copy_records_to_table", "execute_values", "mget", "mset"})
TXN_METHODS = frozenset({"transaction", "$transaction", "atomic", "begin", "begin_nested", "startTransaction",
                         "beginTransaction", "withTransaction", "transactional", "start_transaction",
                         "in_transaction", "startSession"})
LOCK_MARKERS = ("select_for_update", "with_for_update", "FOR UPDATE", "for_update", "lock:", "pessimistic_write")
ATOMIC_MARKERS = ("F(", "increment", "decrement", "$inc", "{ decrement", "{ increment", "decrement:", "increment:")
# Arguments of an eager-loading call that name the relations at run time (``*fields``, a
# variable): any relation may be among them, so none is reported as not loaded.
DYNAMIC_VALUE_KINDS = ("spread", "name")
EAGER_METHODS = ("select_related", "prefetch_related", "selectinload", "joinedload", "subqueryload",
                 "contains_eager", "populate", "include", "relations", "leftJoinAndSelect", "Prefetch", "with")
# Methods that run the SQL text they are given, on any receiver (``c.query("UPDATE ...")``).
SQL_METHODS = frozenset({"execute", "query", "fetch", "fetchrow", "fetchval", "fetchone", "fetchall", "executemany",
                         "$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe", "raw"})
ITERATION_METHODS = frozenset({"map", "forEach", "flatMap", "reduce", "filter", "each", "eachSeries",
                               "mapSeries", "some", "every"})
# Leading keywords of schema and administration statements (DDL): they change no rows, so no
# rule counts them as writes (``CREATE SCHEMA IF NOT EXISTS``, ``ALTER TABLE``, ``ATTACH``).
SCHEMA_SQL = frozenset({"CREATE", "DROP", "ALTER", "INSTALL", "LOAD", "GRANT", "REVOKE", "ATTACH",
                        "DETACH", "COMMENT"})
SQL_WRITE = ("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE")
SQL_READ = ("SELECT", "WITH", "SHOW")


# PostgreSQL's pub/sub statements: ``NOTIFY channel, 'payload'`` sends a message to the channel's
# listeners (like ``SELECT pg_notify(...)`` and redis ``PUBLISH``), ``LISTEN`` / ``UNLISTEN``
# subscribe; none reads or writes a table.
PUBSUB_SQL = frozenset({"NOTIFY", "LISTEN", "UNLISTEN"})


def sql_kind(sql: str) -> str | None:
    """"read" / "write" / "txn" / "commit" / "notify" (pub/sub: ``NOTIFY``, ``SELECT pg_notify(...)``)
    for a SQL text by its leading keyword."""
    head = sql.lstrip(" \n\t(").split(None, 1)
    if not head:
        return None
    kw = head[0].upper().rstrip(";")
    if kw in PUBSUB_SQL:
        return "notify"
    if kw in ("BEGIN", "START"):
        return "txn"
    if kw in ("COMMIT", "ROLLBACK", "END"):
        return "commit"
    if kw in SQL_WRITE:
        return "write"
    if kw == "WITH":
        up = sql.upper()
        return "write" if any(f" {w} " in up for w in ("INSERT", "UPDATE", "DELETE")) else "read"
    if kw in SQL_READ:
        if "pg_notify" in sql:
            return "notify"
        return "read"
    return None


def is_sql_batch(sql: str) -> bool:
    up = sql.upper()
    return " IN (" in up or "ANY(" in up.replace(" ", "") or "UNNEST(" in up.replace(" ", "") or " IN(" in up
