"""The facts cache: per file, keyed by content hash + vcx version + extraction settings.

Entries are JSON, never pickle: the cache directory usually lives inside the scanned
tree, and loading a pickle planted there would execute code. An entry that is missing,
truncated, corrupted or written by another version is ignored and rebuilt. Writes are
atomic (temporary file + rename), so concurrent scans never read half an entry. A cache
directory that cannot be written turns the cache off with one warning.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import itertools
import json
import operator
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vcx import __version__
from vcx.facts import Access, Assign, Call, ClassInfo, Function, Handler, Import, Loc, Loop, ModuleFacts, Return, Value
from vcx.manifests import RACY_NS

FORMAT = 31
DEFAULT_DIR = ".vcx_cache"
LAST_RESULT = "last.json"  # in results/: the key and content keys of the last result stored


def _code_fingerprint() -> str:
    """vcx's own source: facts and results made by other code (a development build with the
    same version number) are never reused."""
    h = hashlib.sha256()
    pkg = Path(__file__).parent
    for f in sorted(pkg.rglob("*.py")):
        with contextlib.suppress(OSError):
            h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


PARSER_PACKAGES = ("tree_sitter", "tree_sitter_python", "tree_sitter_javascript", "tree_sitter_typescript")


def _parser_fingerprint() -> str:
    """The installed tree-sitter binding and grammars (the size and time of each compiled
    library, found without importing it): after an upgrade of a grammar, which can change
    the syntax trees and so the facts, no entry made with the old one is reused."""
    import importlib.util

    h = hashlib.sha256()
    for name in PARSER_PACKAGES:
        libs: list[tuple[str, int, int]] = []
        try:
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin:
                with os.scandir(os.path.dirname(spec.origin)) as entries:
                    libs = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries
                                  if e.name.endswith((".so", ".pyd", ".dylib")))
        except (ImportError, ValueError, OSError):
            pass
        h.update(f"{name} {libs}\n".encode())
    return h.hexdigest()[:16]


CODE = _code_fingerprint()
PARSERS = _parser_fingerprint()
STAMP = f"{__version__}+{CODE}+{PARSERS}"  # written into every entry, checked on every read


# -- codec ----------------------------------------------------------------------------------
# Facts are written as columns: per kind of fact (calls, imports, ...) one list per field, not
# one list per fact, and every Value of a file in one table of its own. Rebuilding is then
# ``map(Class, *columns)``: the objects are made from C, with no Python-level step per fact
# or per field (a warm scan rebuilds every cached fact; the parent of the workers, every
# extracted one). A column whose every entry is the field's default is not written (None).
# Decoding runs on entries read from the scanned tree: it evaluates nothing, and whatever it
# raises on a malformed entry is caught by the caller (the entry is then rebuilt).

PLAIN, LOC, TUPLE, PAIRS, OPT_PAIR, VALUE, OPT_VALUE, VALUES, VALUE_DICT, OPT_PAIRS, OPT_NESTED = range(11)

# How each field is written, by class (fields not listed: PLAIN, as they are).
_KINDS: dict[type, dict[str, int]] = {
    Function: {"loc": LOC, "decorators": VALUES, "settles": OPT_PAIRS, "early_exit": OPT_NESTED,
               "hook_returns": PAIRS, "returns_new": TUPLE},
    Call: {"loc": LOC, "args": VALUES, "kwargs": VALUE_DICT, "chain": TUPLE, "reuses": TUPLE, "uses": TUPLE,
           "handlers": TUPLE, "instance": OPT_VALUE, "receiver": OPT_VALUE, "loops": TUPLE, "withs": TUPLE,
           "branches": PAIRS, "exits_at": OPT_PAIR, "exits_until": OPT_PAIR},
    Handler: {"loc": LOC, "types": TUPLE, "waits": TUPLE},
    Access: {"loc": LOC, "arms": TUPLE},
    Assign: {"value": VALUE, "loc": LOC},
    Import: {"loc": LOC},
    Loop: {"loc": LOC, "targets": TUPLE, "iter": OPT_VALUE, "derived": TUPLE},
    ClassInfo: {"loc": LOC, "bases": TUPLE, "generic_bases": TUPLE, "implements": TUPLE, "members": TUPLE},
    Return: {"value": VALUE, "loc": LOC, "conditions": PAIRS},
}
_NO_DEFAULT = object()


def _layout(cls: type) -> tuple[tuple[str, ...], tuple[int, ...], tuple[Any, ...]]:
    """Field names (in the order of the class's __init__), kinds and defaults (a fresh
    ``[]``/``{}`` stands for a default factory, _NO_DEFAULT for a required field)."""
    import dataclasses

    fields = dataclasses.fields(cls)
    kinds = _KINDS.get(cls, {})
    defaults = tuple(f.default if f.default is not dataclasses.MISSING else
                     f.default_factory() if f.default_factory is not dataclasses.MISSING else _NO_DEFAULT
                     for f in fields)
    return tuple(f.name for f in fields), tuple(kinds.get(f.name, PLAIN) for f in fields), defaults


_LAYOUTS = {cls: _layout(cls) for cls in _KINDS}
_VALUE_FIELDS = ("kind", "text", "value", "ref", "call_id", "func_id", "from_config")
_VALUE_DEFAULTS = (_NO_DEFAULT, _NO_DEFAULT, None, None, None, None, False)
_new_loc = functools.partial(tuple.__new__, Loc)
_to_pairs = functools.partial(map, tuple)


def _columns(objs: list[Any], names: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The fields ``names`` of ``objs`` as columns (attrgetter and zip: no Python-level loop)."""
    if len(names) == 1:
        return [tuple(map(operator.attrgetter(names[0]), objs))]
    return list(zip(*map(operator.attrgetter(*names), objs), strict=True))


def _all_default(col: tuple[Any, ...], default: Any) -> bool:
    """Every entry is the (immutable) default. ``count`` compares with ==, but no field mixes
    the types that would make that ambiguous (0 and False, 1 and True)."""
    return default is not _NO_DEFAULT and not isinstance(default, (list, dict)) and col.count(default) == len(col)


class _ValueWriter:
    """Collects the Values of one file, in the order the decoder takes them back."""

    def __init__(self) -> None:
        self.values: list[Value] = []

    def extend(self, values: Iterable[Value]) -> None:
        self.values.extend(values)

    def table(self) -> list[Any]:
        """The values as columns, then their containers: [i, start, names] for a Value whose
        ``keys`` are ``values[start:start + len(names)]``, [i, start, length] for ``items``
        (nested values follow the top-level ones, each container's contiguous)."""
        values = self.values
        keys: list[list[Any]] = []
        items: list[list[Any]] = []
        i = 0
        while i < len(values):  # grows as the nested values are appended
            v = values[i]
            if v.keys is not None:
                keys.append([i, len(values), list(v.keys)])
                values.extend(v.keys.values())
            if v.items is not None:
                items.append([i, len(values), len(v.items)])
                values.extend(v.items)
            i += 1
        if not values:
            return []
        cols: list[Any] = [None if _all_default(c, d) else c
                           for c, d in zip(_columns(values, _VALUE_FIELDS), _VALUE_DEFAULTS, strict=True)]
        return [*cols, keys, items]


def _value_table(table: list[Any]) -> list[Value]:
    if not table:
        return []
    *cols, keys, items = table
    if cols[0] is None or cols[1] is None:
        raise ValueError("Value: a required column is missing")
    n = len(cols[0])
    columns = [itertools.repeat(d, n) if c is None else _sized(c, n) for c, d in zip(cols, _VALUE_DEFAULTS,
                                                                                     strict=True)]
    kind, text, value, ref, call_id, func_id, from_config = columns
    values = list(map(Value, kind, text, value, ref, itertools.repeat(None, n), itertools.repeat(None, n),
                      call_id, func_id, from_config))
    for i, start, names in keys:
        values[i].keys = dict(zip(names, values[start:start + len(names)], strict=True))
    for i, start, length in items:
        values[i].items = values[start:start + length]
    return values


def _sized(col: Any, n: int) -> Any:
    if len(col) != n:
        raise ValueError("columns of different lengths")
    return col


def _locs(flat: list[int], n: int) -> Iterable[Loc]:
    """``n`` Locs from their numbers in a row (line, col, end_line, end_col, line, ...)."""
    it = iter(_sized(flat, 4 * n))
    return map(_new_loc, zip(it, it, it, it, strict=True))


class _ValueReader:
    """Hands out the values of a file's table in the order _ValueWriter took them."""

    def __init__(self, values: list[Value]) -> None:
        self.values = values
        self.pos = 0

    def take(self, n: int) -> list[Value]:
        got = self.values[self.pos:self.pos + n]
        if len(got) != n:
            raise ValueError("value table too short")
        self.pos += n
        return got

    def slices(self, lengths: Iterable[int]) -> list[list[Value]]:
        """Consecutive runs of the given lengths (each a new list)."""
        bounds = list(itertools.accumulate(lengths, initial=self.pos))
        if bounds[-1] > len(self.values):
            raise ValueError("value table too short")
        self.pos = bounds[-1]
        return list(map(self.values.__getitem__, map(slice, bounds, bounds[1:])))


def _table(objs: Iterable[Any], cls: type, out: _ValueWriter) -> list[Any]:
    """Facts of one class as columns (None: every entry at the field's default)."""
    objs = list(objs)
    if not objs:
        return []
    names, kinds, defaults = _LAYOUTS[cls]
    cols: list[Any] = []
    for col, kind, default in zip(_columns(objs, names), kinds, defaults, strict=True):
        if kind == LOC:
            cols.append(list(itertools.chain.from_iterable(col)))
        elif kind == VALUE:
            out.extend(col)
            cols.append(None)
        elif kind == VALUES:
            if not any(col):
                cols.append(None)
                continue
            out.extend(itertools.chain.from_iterable(col))
            cols.append(list(map(len, col)))
        elif kind == VALUE_DICT:
            if not any(col):
                cols.append(None)
                continue
            out.extend(itertools.chain.from_iterable(map(dict.values, col)))
            cols.append(list(map(list, col)))
        elif kind == OPT_VALUE:
            if _all_default(col, None):
                cols.append(None)
                continue
            out.extend(v for v in col if v is not None)
            cols.append([0 if v is None else 1 for v in col])
        elif _all_default(col, default):
            cols.append(None)
        else:  # PLAIN, TUPLE, PAIRS, OPT_PAIR, OPT_PAIRS, OPT_NESTED: tuples are written as lists
            cols.append(col)
    return cols


def _untable(cols: list[Any], cls: type, values: _ValueReader) -> list[Any]:
    if not cols:
        return []
    names, kinds, defaults = _LAYOUTS[cls]
    if len(cols) != len(names):
        raise ValueError(f"{cls.__name__}: {len(cols)} columns")
    n = len(cols[0])
    args: list[Any] = []
    for col, kind, default in zip(cols, kinds, defaults, strict=True):
        if kind == VALUE:
            args.append(values.take(n))
        elif kind == VALUES:
            args.append([[] for _ in range(n)] if col is None else values.slices(_sized(col, n)))
        elif kind == VALUE_DICT:
            args.append([{} for _ in range(n)] if col is None else
                        list(map(dict, map(zip, _sized(col, n), values.slices(map(len, col))))))
        elif kind == OPT_VALUE:
            if col is None:
                args.append(itertools.repeat(None, n))
            else:
                present = iter(values.take(sum(_sized(col, n))))
                args.append([next(present) if flag else None for flag in col])
        elif kind == LOC:
            args.append(_locs(col, n))
        elif col is None:
            if default is _NO_DEFAULT:
                raise ValueError(f"{cls.__name__}: a required column is missing")
            args.append(itertools.repeat(default, n))
        elif kind == TUPLE:
            args.append(map(tuple, _sized(col, n)))
        elif kind == PAIRS:
            args.append(map(tuple, map(_to_pairs, _sized(col, n))))
        elif kind == OPT_PAIR:
            args.append([None if x is None else tuple(x) for x in _sized(col, n)])
        elif kind == OPT_PAIRS:
            args.append([None if x is None else tuple(map(tuple, x)) for x in _sized(col, n)])
        elif kind == OPT_NESTED:  # a tuple whose items may be tuples (of scalars)
            args.append([None if x is None else tuple(tuple(e) if isinstance(e, list) else e for e in x)
                         for x in _sized(col, n)])
        else:
            args.append(_sized(col, n))
    return list(map(cls, *args))


def encode(m: ModuleFacts) -> dict[str, Any]:
    """The facts as plain lists, dicts and scalars (JSON for the cache, marshal between
    processes); equal facts give equal encodings (``pipeline._reuse_last_result`` compares them)."""
    out = _ValueWriter()
    doc: dict[str, Any] = {
        "path": m.path, "language": m.language, "lines": m.lines,
        "functions": _table(m.functions.values(), Function, out),
        "calls": _table(m.calls, Call, out),
        "handlers": _table(m.handlers, Handler, out),
        "accesses": _table(m.accesses, Access, out),
        "assigns": _table(m.assigns, Assign, out),
        "imports": _table(m.imports, Import, out),
        "exports": list(m.exports),
        "refs": [list(t) for t in zip(*m.refs, strict=True)],
        "name_uses": [list(t) for t in zip(*m.name_uses, strict=True)],
        "unpacks": [list(t) for t in m.unpacks],
        "directives": m.directives,
        "suppressions": [[line, list(ids)] for line, ids in m.suppressions.items()],
        "loops": _table(m.loops, Loop, out),
        "classes": _table(m.classes.values(), ClassInfo, out),
        "interfaces": _table(m.interfaces.values(), ClassInfo, out),
        "member_reads": _table(m.member_reads, Access, out),
        "returns": _table(m.returns, Return, out),
        "dispatches": _table(m.dispatches, Call, out),
        "literal_arms": [[a, b, list(names)] for (a, b), names in m.literal_arms.items()],
        "once_arms": [[a, b, kind] for (a, b), kind in m.once_arms.items()],
        "empty_arms": [[a, b, list(names)] for (a, b), names in m.empty_arms.items()],
        "local_sql": [list(x) for x in m.local_sql],
        "has_errors": m.has_errors,
        "error_ranges": [list(r) for r in m.error_ranges],
        "type_aliases": [[k, v] for k, v in m.type_aliases.items()],
    }
    out.extend(m.exports.values())
    if doc["refs"]:
        doc["refs"][1] = list(itertools.chain.from_iterable(doc["refs"][1]))
    doc["values"] = out.table()
    return doc


def decode(d: dict[str, Any]) -> ModuleFacts:
    m = ModuleFacts(path=d["path"], language=d["language"], lines=d["lines"])
    values = _ValueReader(_value_table(d["values"]))
    # In the order encode wrote the values.
    functions = _untable(d["functions"], Function, values)
    m.functions = {f.id: f for f in functions}
    m.calls = _untable(d["calls"], Call, values)
    m.handlers = _untable(d["handlers"], Handler, values)
    m.accesses = _untable(d["accesses"], Access, values)
    m.assigns = _untable(d["assigns"], Assign, values)
    m.imports = _untable(d["imports"], Import, values)
    m.loops = _untable(d["loops"], Loop, values)
    m.classes = {c.name: c for c in _untable(d["classes"], ClassInfo, values)}
    m.interfaces = {c.name: c for c in _untable(d["interfaces"], ClassInfo, values)}
    m.member_reads = _untable(d["member_reads"], Access, values)
    m.returns = _untable(d["returns"], Return, values)
    m.dispatches = _untable(d["dispatches"], Call, values)
    names = d["exports"]
    m.exports = dict(zip(names, values.take(len(names)), strict=True))
    if d["refs"]:
        names, locs, funcs = d["refs"]
        m.refs = list(zip(names, _locs(locs, len(names)), _sized(funcs, len(names)), strict=True))
    if d["name_uses"]:
        m.name_uses = list(zip(*d["name_uses"], strict=True))
    m.unpacks = [(str(f), str(src), str(key), str(local)) for f, src, key, local in d["unpacks"]]
    m.directives = list(d["directives"])
    m.literal_arms = {(int(a), int(b)): tuple(names) for a, b, names in d["literal_arms"]}
    m.once_arms = {(int(a), int(b)): str(kind) for a, b, kind in d["once_arms"]}
    m.empty_arms = {(int(a), int(b)): tuple(names) for a, b, names in d["empty_arms"]}
    m.local_sql = [(str(f), str(n), int(line), str(sql)) for f, n, line, sql in d["local_sql"]]
    m.suppressions = {int(line): tuple(ids) for line, ids in d["suppressions"]}
    m.has_errors = bool(d["has_errors"])
    m.error_ranges = [(int(a), int(b)) for a, b in d["error_ranges"]]
    m.type_aliases = {str(k): str(v) for k, v in d["type_aliases"]}
    return m


def dumps(m: ModuleFacts) -> bytes:
    return dumps_encoded(encode(m))


def dumps_encoded(encoded: dict[str, Any]) -> bytes:
    """The cache entry of facts already encoded (a worker encodes once for the cache and the parent).

    ASCII JSON (other characters as ``\\u`` escapes, lone surrogates included): the encoder's
    fastest path, and no UTF-8 pass after it; the facts hold no cycles, so none is looked for.
    Together about a third cheaper than UTF-8 output, for entries about 0.4 % larger."""
    return json.dumps(encoded, separators=(",", ":"), check_circular=False).encode("ascii")


def loads(data: bytes) -> ModuleFacts:
    return decode(json.loads(data))


def _entry_path(directory: Path, key: str) -> Path:
    return directory / "facts" / key[:2] / f"{key}.json"


# Skip reasons that depend on the moment (load, memory, races), not on the files.
TRANSIENT_SKIPS = ("analysis timed out", "analysis crashed", "out of memory", "internal error", "vanished",
                   "unreadable", "too large: grew")
KEY_RE = re.compile(r"[0-9a-f]{64}")  # what entry_key makes; anything else in an index is foreign
MAX_ENTRY_BYTES = 256_000_000


def _read_regular(path: Path, limit: int = MAX_ENTRY_BYTES) -> bytes:
    """Read a file of the cache: never through a symbolic link, never a FIFO or a device
    (a cache folder can come with the scanned tree), never more than ``limit`` bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            raise OSError(errno.EINVAL, "not a regular cache file")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _no_links(*paths: Path) -> None:
    """Refuse to write through a symbolic link planted inside the cache folder."""
    for p in paths:
        if os.path.islink(p):
            raise OSError(errno.ELOOP, f"symbolic link inside the cache: {p}")


def write_entry(directory: Path, key: str, payload: bytes) -> bool:
    """Store one entry atomically (temporary file + rename). False when it cannot be written.

    A worker writes hundreds of entries: each folder of the cache is created and checked for
    planted links once per process (``_ready_folders``), and the temporary file is named by
    process and counter, not by ``tempfile``'s random names (``O_EXCL`` still refuses one that
    exists)."""
    folder = os.path.join(directory, "facts", key[:2])
    data = b'{"key":"' + key.encode() + b'","version":"' + STAMP.encode() + b'","facts":' + payload + b"}"
    try:
        if folder not in _ready_folders:
            facts = os.path.join(directory, "facts")
            _no_links(Path(facts), Path(folder))
            os.makedirs(folder, exist_ok=True)
            _no_links(Path(facts), Path(folder))
            _ready_folders.add(folder)
        tmp = os.path.join(folder, f".tmp-{os.getpid()}-{next(_tmp_numbers)}.json")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, os.path.join(folder, f"{key}.json"))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


_ready_folders: set[str] = set()  # cache folders this process has created and checked
_tmp_numbers = itertools.count()


# -- store ----------------------------------------------------------------------------------

def entry_key(content: bytes, path: str, language: str, settings: str = "") -> str:
    h = hashlib.sha256()
    for part in (f"vcx {STAMP} format {FORMAT}", path, language, settings):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    h.update(content)
    return h.hexdigest()


class FactsCache:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.enabled = True
        self.warning: str | None = None
        self.hits = 0
        self.used: set[str] = set()

    def _file(self, key: str) -> Path:
        return _entry_path(self.dir, key)

    def has(self, key: str) -> bool:
        """An entry exists for ``key`` (it may still prove unusable when loaded)."""
        return self.enabled and os.path.isfile(self._file(key))

    def get(self, key: str) -> ModuleFacts | None:
        if not self.enabled:
            return None
        try:
            raw = _read_regular(self._file(key))
            doc = json.loads(raw)
            if not isinstance(doc, dict) or doc.get("key") != key or doc.get("version") != STAMP:
                return None
            facts = decode(doc["facts"])
        except Exception:  # missing, truncated, corrupted (even 100k-deep JSON) or foreign: rebuild
            return None
        self.hits += 1
        self.used.add(key)
        return facts

    def put(self, key: str, facts: ModuleFacts) -> None:
        if not self.enabled:
            return
        if not write_entry(self.dir, key, dumps(facts)):
            self.enabled = False
            self.warning = f"cache disabled: cannot write to {self.dir}"
            return
        self.used.add(key)

    # -- what each file's content key was, by its size, modification time and inode ---------
    # A warm scan then reads no file that has not changed (as git's index and ruff's cache
    # do). A record is trusted only when the file had not been modified for RACY_NS before
    # the record was written: a file changed twice within the clock's resolution, keeping
    # its size, must not look unchanged.
    RACY_NS = RACY_NS

    def stat_keys(self) -> dict[str, tuple[int, int, int, str]]:
        """display path -> (size, mtime_ns, inode, content key) from the last scan."""
        if not self.enabled:
            return {}
        try:
            doc = json.loads(_read_regular(self.dir / "files.json"))
            if not isinstance(doc, dict) or doc.get("version") != STAMP:
                return {}
            written = int(doc["written_ns"])
            out: dict[str, tuple[int, int, int, str]] = {}
            for display, rec in doc["files"].items():
                size, mtime, inode, key = rec
                if isinstance(display, str) and isinstance(key, str) and KEY_RE.fullmatch(key) and \
                        all(isinstance(x, int) for x in (size, mtime, inode)) and mtime < written - self.RACY_NS:
                    out[display] = (size, mtime, inode, key)
            return out
        except Exception:  # missing or damaged: every file is read and hashed
            return {}

    def put_stat_keys(self, records: dict[str, tuple[int, int, int, str]]) -> None:
        if not self.enabled:
            return
        doc = {"version": STAMP, "written_ns": time.time_ns(), "files": {d: list(r) for d, r in records.items()}}
        with contextlib.suppress(OSError):
            _no_links(self.dir / "files.json")
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass"))
            os.replace(tmp, self.dir / "files.json")

    def get_results(self, key: str):  # type: ignore[no-untyped-def]
        """A whole earlier scan result with the same inputs, the content keys of the
        non-production helpers it analysed (display path -> key) and the project files its
        link read (``vcx.manifests.ProjectFiles``), or None."""
        from vcx.findings import Finding
        from vcx.pipeline import ScanResult, Stats

        try:
            doc = json.loads(_read_regular(self.dir / "results" / f"{key}.json"))
            if doc.get("key") != key or doc.get("version") != STAMP:
                return None
            findings = [Finding(**f) for f in doc["findings"]]
            stats = Stats(files=int(doc["files"]), lines=int(doc["lines"]),
                          non_production=int(doc["non_production"]))
            skipped = [(p, r) for p, r in doc["skipped"]]
            if not all(_well_typed(f) for f in findings) or not all(
                    isinstance(p, str) and isinstance(r, str) for p, r in skipped):
                return None
            helpers = doc.get("helpers", {})
            if not isinstance(helpers, dict) or not all(
                    isinstance(p, str) and isinstance(k, str) for p, k in helpers.items()):
                return None
            project_files = doc["project_files"]
            if not isinstance(project_files, dict) or not all(
                    isinstance(p, str) and (d is None or (isinstance(d, list) and len(d) == 4 and isinstance(d[0], str)
                                                          and all(type(x) is int for x in d[1:])))
                    for p, d in project_files.items()):
                return None
            return ScanResult(findings=findings, skipped=skipped, stats=stats,
                              suppressed=int(doc["suppressed"])), helpers, project_files
        except Exception:  # anything wrong with the entry: scan afresh
            return None

    def put_results(self, key: str, result, helpers: dict[str, str],  # type: ignore[no-untyped-def]
                    frame: str = "", keys: dict[str, str] | None = None,
                    project_files: dict[str, list[str | int] | None] | None = None) -> None:
        """Store a scan's result under its key; with ``frame`` and ``keys`` (the result's
        frame key and content keys), remember it as the last result (``last_result``)."""
        import dataclasses

        doc = {"key": key, "version": STAMP, "files": result.stats.files, "lines": result.stats.lines,
               "non_production": result.stats.non_production, "helpers": helpers, "project_files": project_files or {},
               "suppressed": result.suppressed, "skipped": result.skipped,
               "findings": [dataclasses.asdict(f) for f in result.findings]}
        if any(reason.startswith(TRANSIENT_SKIPS) for _, reason in result.skipped):
            return  # a timeout or a crash may not happen next time: never replay it
        folder = self.dir / "results"
        try:
            _no_links(folder)
            folder.mkdir(parents=True, exist_ok=True)
            old = sorted((p for p in folder.glob("*.json") if p.name != LAST_RESULT), key=lambda p: p.stat().st_mtime)
            for stale in old[:-4]:  # keep the last few results only
                with contextlib.suppress(OSError):
                    stale.unlink()
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass"))
            os.replace(tmp, folder / f"{key}.json")
            if keys is not None:
                last = {"version": STAMP, "frame": frame, "key": key, "keys": keys}
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(json.dumps(last, ensure_ascii=False).encode("utf-8", "surrogatepass"))
                os.replace(tmp, folder / LAST_RESULT)
        except OSError:
            return

    def last_result(self) -> tuple[str, str, dict[str, str]] | None:
        """The frame key, result key and content keys (display path -> key) of the last
        result stored, or None."""
        if not self.enabled:
            return None
        try:
            doc = json.loads(_read_regular(self.dir / "results" / LAST_RESULT))
            frame, key, keys = doc["frame"], doc["key"], doc["keys"]
            if doc.get("version") != STAMP or not isinstance(frame, str) or not isinstance(key, str) or \
                    not isinstance(keys, dict) or not all(isinstance(d, str) and isinstance(k, str)
                                                          for d, k in keys.items()):
                return None
            return frame, key, keys
        except Exception:  # missing or damaged: the scan runs in full
            return None

    def raw_facts(self, key: str) -> dict[str, Any] | None:
        """The encoded facts of an entry (as ``encode`` makes them), not rebuilt into objects."""
        if not self.enabled:
            return None
        try:
            doc = json.loads(_read_regular(self._file(key)))
            if not isinstance(doc, dict) or doc.get("key") != key or doc.get("version") != STAMP or \
                    not isinstance(doc.get("facts"), dict):
                return None
            return doc["facts"]  # type: ignore[no-any-return]
        except Exception:  # missing, truncated, corrupted or foreign
            return None

    def prepare(self) -> None:
        """Create the directory (with a .gitignore) or disable the cache with a warning."""
        _ready_folders.clear()  # checked again in every scan: a link may have been planted since
        try:
            _no_links(self.dir / "facts", self.dir / "results", self.dir / "index.json")
            (self.dir / "facts").mkdir(parents=True, exist_ok=True)
            gi = self.dir / ".gitignore"
            if not os.path.lexists(gi):  # never write through a (dangling) link
                fd = os.open(gi, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write("# created by vcx\n*\n")
            probe = self.dir / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            self.enabled = False
            self.warning = f"cache disabled: cannot write to {self.dir} ({exc.strerror or exc})"

    def prune(self, scanned: dict[str, str]) -> int:
        """Remove the entries of files that changed or no longer exist.

        ``scanned`` maps the absolute path of every file of this scan to its key. An index
        (key -> absolute path) remembers which file each entry was made for; an entry that
        was not used now is removed when its file was scanned with other content or is gone.
        Entries of files outside this scan's paths are kept (another scan may use them).
        """
        if not self.enabled:
            return 0
        index_file = self.dir / "index.json"
        try:
            index = json.loads(_read_regular(index_file))
            if not isinstance(index, dict):
                index = {}
        except Exception:  # unreadable or corrupted (even 100k-deep JSON): start a new index
            index = {}
        live = set(scanned.values())
        removed = 0
        for key, path in list(index.items()):
            if not KEY_RE.fullmatch(key):  # a planted "../../x" must not name a file to delete
                del index[key]
                continue
            if key in live or not isinstance(path, str):
                continue
            if path in scanned or not os.path.exists(path):
                with contextlib.suppress(OSError):
                    _entry_path(self.dir, key).unlink()
                    removed += 1
                del index[key]
        for path, key in scanned.items():
            index[key] = path
        with contextlib.suppress(OSError):
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(index, ensure_ascii=False).encode("utf-8", "surrogatepass"))
            os.replace(tmp, index_file)
        return removed

# -- results of a whole scan ------------------------------------------------------------------

def _well_typed(f: object) -> bool:
    """A finding read back from the results cache has the field types the reports rely on."""
    import dataclasses

    return all(isinstance(getattr(f, fl.name), int if fl.type in ("int", int) else str)
               and not isinstance(getattr(f, fl.name), bool) for fl in dataclasses.fields(f))  # type: ignore[arg-type]


def frame_key(discovery_skips: list[tuple[str, str]], early: dict[str, object], config: object, root: Path,
              unanalysed: list[str] = (), manifests: list[str] = ()) -> str:  # type: ignore[assignment]
    """Everything that decides a scan's result but the content of the files analysed: what
    discovery skipped, the settings (which, with vcx's code in STAMP, decide the rules that
    run), the package.json files of the root and the folders below it (the dependencies the
    rules know), where the project files link reads are (``manifests``: package.json,
    tsconfig/jsconfig; the content of those link read is checked against the stored result),
    and the paths of the files not analysed (a test helper that appears may be one production
    code imports; the content of the helpers analysed is checked against the stored result)."""
    import dataclasses

    h = hashlib.sha256(f"vcx {STAMP} frame {FORMAT}".encode())
    for path, reason in sorted(discovery_skips):
        h.update(f"skip {path}\0{reason}\n".encode("utf-8", "surrogatepass"))
    for path in sorted(early):
        h.update(f"early {path}\0{early[path]}\n".encode("utf-8", "surrogatepass"))
    # The severity floor, the baseline and --diff apply to the stored result (filter.narrow).
    after = ("source", "min_severity", "baseline", "baseline_origin", "diff_ref")
    settings = {k: v for k, v in dataclasses.asdict(config).items() if k not in after}  # type: ignore[call-overload]
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for path in unanalysed:
        h.update(f"unanalysed {path}\n".encode("utf-8", "surrogatepass"))
    for path in manifests:
        h.update(f"manifest {path}\n".encode("utf-8", "surrogatepass"))
    for name in ("package.json", "tsconfig.json", "jsconfig.json"):
        for f in [root / name, *sorted(root.glob(f"*/{name}"))]:
            with contextlib.suppress(OSError):
                if f.is_file():  # never open a FIFO or a device: it would block the scan
                    h.update(f"{f.relative_to(root)}\0".encode() + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def result_key(frame: str, keys: dict[str, str]) -> str:
    """Everything that decides a scan's result: its frame (``frame_key``) and every
    analysed file's content key."""
    h = hashlib.sha256(f"vcx {STAMP} results {FORMAT} {frame}".encode())
    for display in sorted(keys):
        h.update(f"{display}\0{keys[display]}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()
