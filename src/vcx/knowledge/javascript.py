"""JavaScript / TypeScript: what the front end needs to know about libraries.

Which constructors make instances worth tracking by name (so that ``pool.query(...)``
resolves to ``pg.Pool().query``), and which expressions read configuration. Facts from
``shared/reference/FRAMEWORKS.md`` sections 0, 1.2, 2.4, 4.2 and 4.3.
"""

from __future__ import annotations

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
    # HTTP dispatchers.
    "undici.Agent", "undici.Pool", "undici.Client",
    # Schedulers and queues.
    "cron.CronJob", "bullmq.Queue", "bullmq.Worker", "bull",
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
    "mongodb.Collection": "mongodb.Collection",
    "mongodb.Db": "mongodb.Db",
    "knex.Knex": "knex",
    "kysely.Kysely": "kysely.Kysely",
    "@nestjs/axios.HttpService": "@nestjs/axios.HttpService",
}
