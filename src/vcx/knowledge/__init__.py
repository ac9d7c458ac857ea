"""What vcx knows about libraries, as data: one module per domain.

``PY_KEEP_UNRESOLVED`` / the JS equivalent name the methods worth keeping as facts when the
receiver resolves to nothing known (most calls of a code base are such calls and no rule
reads them, so front ends drop the others).
"""

from __future__ import annotations

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
    "map",  # map(Out.from_orm, rows): a pydantic model applied to each row
    "add_child", "add_sibling", "add_root",  # django-treebeard inserts (databases.TREE_INSERT_METHODS)
})
