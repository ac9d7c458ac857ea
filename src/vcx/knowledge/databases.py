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
