"""Helpers shared by the language front ends."""

from __future__ import annotations

import re
from collections.abc import Iterable

import tree_sitter as ts

from vcx.facts import Call, Function, Loc, ModuleFacts, Value

_TO_HIGH = bytes(range(128)) + b"\x80" * 128  # a translate table: every non-ASCII byte to 0x80
_new_tuple = tuple.__new__
SUPPRESSION_RE = re.compile(r"vcx:\s*ignore(?:\[([A-Za-z0-9_,\s-]*)\])?")


class Source:
    """The bytes of one file with cheap text and position helpers."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.ascii = data.isascii()
        self._line_starts: list[int] | None = None
        self._wide_rows: frozenset[int] | None = None  # 0-based rows with a non-ASCII byte

    def _rows_with_non_ascii(self) -> frozenset[int]:
        """The rows on which a byte column is not a character column, found once by C scans
        (``translate``, ``find``: cheaper than a regex over the whole file, which cost more
        than the rest of ``loc``), one step per such row."""
        if self._wide_rows is None:
            data = self.data
            marked = data.translate(_TO_HIGH)
            rows: set[int] = set()
            row = counted_to = 0
            pos = marked.find(b"\x80")
            while pos >= 0:
                row += data.count(b"\n", counted_to, pos)  # in source order: newlines counted once
                counted_to = pos
                rows.add(row)
                nl = data.find(b"\n", pos)
                pos = marked.find(b"\x80", nl) if nl >= 0 else -1  # the next row with one
            self._wide_rows = frozenset(rows)
        return self._wide_rows

    def text(self, node: ts.Node, limit: int = 0) -> str:
        start, end = node.start_byte, node.end_byte
        if limit and end - start > limit * 4:
            end = start + limit * 4  # never decode a huge node only to cut it
        raw = self.data[start:end].decode("utf-8", "replace")
        if limit and len(raw) > limit:
            return raw[: limit - 1] + "…"
        return raw

    def snippet(self, node: ts.Node, limit: int = 60) -> str:
        """The start of a node's text on one line, for messages."""
        start = node.start_byte
        raw = self.data[start:min(node.end_byte, start + limit * 6)].decode("utf-8", "replace")
        return short(raw, limit)

    def _col(self, row: int, byte_col: int) -> int:
        # Columns are characters, not bytes: decode the line prefix when it has non-ASCII.
        if self._line_starts is None:
            starts = [0]
            find = self.data.find
            i = find(b"\n")
            while i != -1:
                starts.append(i + 1)
                i = find(b"\n", i + 1)
            self._line_starts = starts
        start = self._line_starts[row] if row < len(self._line_starts) else 0
        prefix = self.data[start:start + byte_col]
        if prefix.isascii():
            return byte_col + 1
        return len(prefix.decode("utf-8", "replace")) + 1

    def loc(self, node: ts.Node) -> Loc:
        (sr, sc), (er, ec) = node.start_point, node.end_point
        if not self.ascii:
            wide = self._wide_rows if self._wide_rows is not None else self._rows_with_non_ascii()
            sc = self._col(sr, sc) - 1 if sr in wide else sc
            ec = self._col(er, ec) - 1 if er in wide else ec
        return _new_tuple(Loc, (sr + 1, sc + 1, er + 1, ec + 1))  # Loc(...) without its Python __new__


def short(text: str, limit: int = 60) -> str:
    """One line of at most ``limit`` characters, for messages."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suppression(comment: str) -> tuple[str, ...] | None:
    """Rule ids named by a ``vcx: ignore[...]`` comment; () for a bare ignore; None if absent."""
    m = SUPPRESSION_RE.search(comment)
    if not m:
        return None
    if m.group(1) is None:
        return ()
    return tuple(x.strip().upper() for x in m.group(1).split(",") if x.strip())


def error_ranges(root: ts.Node) -> list[tuple[int, int]]:
    """Line ranges of ERROR and MISSING nodes (no finding may come from inside one), sorted,
    overlapping ranges merged. Every one is kept: a cap would let findings through from
    the error regions past it."""
    if not root.has_error:
        return []
    found: list[tuple[int, int]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append((node.start_point[0] + 1, node.end_point[0] + 1))
            continue
        if node.has_error:
            stack.extend(node.children)
    found.sort()
    out: list[tuple[int, int]] = []
    for lo, hi in found:
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def param_of_enclosing(functions: dict[str, Function], name: str, scope: str | None) -> bool:
    """``name`` is a parameter of the function ``scope`` or of a function around it (``next(err)``
    in middleware, ``func(*args)`` in a decorator's wrapper)."""
    for _ in range(1000):
        fn = functions.get(scope) if scope is not None else None
        if fn is None:
            return False
        if name in fn.params:
            return True
        scope = fn.parent
    return False


def renumber_calls(facts: ModuleFacts, kept: list[Call], call_values: Iterable[Value]) -> ModuleFacts:
    """Give the calls a front end kept dense ids (ids are list indexes) and renumber every
    reference to them: enclosing calls, ``with`` blocks, values naming a call, callbacks.
    Each value is renumbered once: a loop's iterable is among the call values too, and
    renumbering it twice sent it to the wrong call, or none."""
    remap = {c.id: i for i, c in enumerate(kept)}
    for c in kept:
        c.id = remap[c.id]
        if c.arg_of is not None:
            c.arg_of = remap.get(c.arg_of)
        if c.withs:
            c.withs = tuple(remap[w] for w in c.withs if w in remap)
    values = {id(v): v for v in call_values}
    values.update((id(lp.iter), lp.iter) for lp in facts.loops if lp.iter is not None)
    for v in values.values():
        if v.call_id is not None:
            v.call_id = remap.get(v.call_id)
    for fn in facts.functions.values():
        if fn.callback_of is not None:
            fn.callback_of = remap.get(fn.callback_of)
        if fn.invoked_by is not None:
            fn.invoked_by = remap.get(fn.invoked_by)
        if fn.settles:
            fn.settles = _renumber_settles(fn.settles, remap)
        if fn.early_exit is not None and fn.early_exit[3]:
            calls = tuple(remap.get(c, -1) for c in fn.early_exit[3])
            fn.early_exit = None if -1 in calls else (*fn.early_exit[:3], calls)
    for h in facts.handlers:
        if h.waits:
            h.waits = tuple(remap[w] for w in h.waits) if all(w in remap for w in h.waits) else ()
    facts.calls = kept
    return facts


def _renumber_settles(deps: tuple[tuple[int, str], ...], remap: dict[int, int]
                      ) -> tuple[tuple[int, str], ...] | None:
    """``Function.settles`` with its calls renumbered (the front end names only calls it keeps;
    one that is gone leaves the function unproven: None)."""
    out: list[tuple[int, str]] = []
    for cid, how in deps:
        new = remap.get(cid)
        if new is None:
            return None
        out.append((new, how))
    return tuple(out)
