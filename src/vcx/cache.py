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
import hashlib
import json
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from vcx import __version__
from vcx.facts import Access, Assign, Call, ClassInfo, Function, Handler, Import, Loc, Loop, ModuleFacts, Return, Value

FORMAT = 7
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


CODE = _code_fingerprint()
STAMP = f"{__version__}+{CODE}"  # written into every entry, checked on every read


# -- codec ----------------------------------------------------------------------------------

def _loc(x: Loc) -> list[int]:
    return [*x]  # [line, col, end_line, end_col]


def _unloc(x: list[int]) -> Loc:
    return tuple.__new__(Loc, x) if len(x) == 4 else Loc(*x)  # type: ignore[type-var]


_VALUE_DEFAULTS = ("other", "", None, None, None, None, None, None, False)


def _val(v: Value | None) -> list[Any] | None:
    if v is None:
        return None
    if v.keys is None and v.items is None and v.call_id is None and v.func_id is None and v.from_config is False:
        # Most values: a kind, a text, perhaps a literal and a name; the same list as below.
        if v.ref is not None:
            return [v.kind, v.text, v.value, v.ref]
        if v.value is not None:
            return [v.kind, v.text, v.value]
        return [v.kind, v.text] if v.text != "" else [v.kind]
    out = [v.kind, v.text, v.value, v.ref,
           None if v.keys is None else {k: _val(x) for k, x in v.keys.items()},
           None if v.items is None else [_val(x) for x in v.items],
           v.call_id, v.func_id, v.from_config]
    n = len(out)
    while n > 1 and out[n - 1] == _VALUE_DEFAULTS[n - 1] and out[n - 1] is not True:
        n -= 1  # trailing defaults are not written: most values are a kind and a text
    return out[:n]


def _unval(x: list[Any] | None) -> Value | None:
    if x is None:
        return None
    n = len(x)
    if 2 <= n <= 4:  # most values: a kind, a text, perhaps a literal and a name (no containers)
        return Value(*x)
    if n < 9:
        x = x + list(_VALUE_DEFAULTS[n:])
    keys = x[4]
    items = x[5]
    return Value(x[0], x[1], x[2], x[3],
                 None if keys is None else {k: _unval(v) for k, v in keys.items()},  # type: ignore[misc]
                 None if items is None else [_unval(v) for v in items],  # type: ignore[misc]
                 x[6], x[7], x[8])


def encode(m: ModuleFacts) -> dict[str, Any]:
    return {
        "path": m.path, "language": m.language, "lines": m.lines,
        "functions": [[f.id, f.name, _loc(f.loc), f.is_async, f.params, [_val(d) for d in f.decorators],
                       f.exported, f.class_name, f.parent, f.is_callback, f.callback_of]
                      for f in m.functions.values()],
        "calls": [[c.id, c.callee, c.text, c.snippet, _loc(c.loc), c.func, [_val(a) for a in c.args],
                   {k: _val(v) for k, v in c.kwargs.items()}, c.context, c.awaited, c.assigned_to, c.arg_of,
                   list(c.chain), list(c.handlers), c.catch_chained, c.instance_ctor, _val(c.instance),
                   list(c.loops), c.is_new, c.outer_context, list(c.withs),
                   [list(b) for b in c.branches], list(c.exits_at) if c.exits_at else None] for c in m.calls],
        "handlers": [[h.id, _loc(h.loc), list(h.types), h.catch_all, h.body, h.func, h.form, h.guards]
                     for h in m.handlers],
        "accesses": [[a.name, a.attr, _loc(a.loc), a.func, a.is_call, a.in_condition] for a in m.accesses],
        "assigns": [[a.target, _val(a.value), _loc(a.loc), a.func, a.text, a.annotation] for a in m.assigns],
        "imports": [[i.local, i.module, i.name, _loc(i.loc), i.relative, i.type_only] for i in m.imports],
        "exports": {k: _val(v) for k, v in m.exports.items()},
        "refs": [[name, _loc(loc), func] for name, loc, func in m.refs],
        "name_uses": [list(u) for u in m.name_uses],
        "directives": m.directives,
        "suppressions": [[line, list(ids)] for line, ids in m.suppressions.items()],
        "loops": [[lp.id, lp.kind, _loc(lp.loc), lp.func, list(lp.targets), _val(lp.iter), list(lp.derived),
                   lp.once_from] for lp in m.loops],
        "classes": [[c.name, _loc(c.loc), list(c.bases)] for c in m.classes.values()],
        "member_reads": [[a.name, a.attr, _loc(a.loc), a.func, a.is_call, a.in_condition] for a in m.member_reads],
        "returns": [[r.func, _val(r.value), _loc(r.loc), [list(c) for c in r.conditions]] for r in m.returns],
        "has_errors": m.has_errors,
        "error_ranges": [list(r) for r in m.error_ranges],
    }


def decode(d: dict[str, Any]) -> ModuleFacts:
    m = ModuleFacts(path=d["path"], language=d["language"], lines=d["lines"])
    for f in d["functions"]:
        fn = Function(id=f[0], name=f[1], loc=_unloc(f[2]), is_async=f[3], params=f[4],
                      decorators=[_unval(x) for x in f[5]],  # type: ignore[misc]
                      exported=f[6], class_name=f[7], parent=f[8], is_callback=f[9], callback_of=f[10])
        m.functions[fn.id] = fn
    # Positional, in the field order of Call (id, callee, text, snippet, loc, func, args,
    # kwargs, context, awaited, assigned_to, arg_of, chain, outer_context, handlers,
    # catch_chained, instance_ctor, instance, loops, is_new, withs, branches, exits_at): the hot path
    # of a warm scan, which rebuilds every cached call.
    unval, unloc = _unval, _unloc
    m.calls = [Call(c[0], c[1], c[2], c[3], unloc(c[4]), c[5], [unval(a) for a in c[6]],  # type: ignore[misc]
                    {k: unval(v) for k, v in c[7].items()} if c[7] else {},  # type: ignore[misc]
                    c[8], c[9], c[10], c[11], tuple(c[12]), c[19], tuple(c[13]), c[14], c[15], unval(c[16]),
                    tuple(c[17]), c[18], tuple(c[20]) if len(c) > 20 else (),
                    tuple((int(b[0]), int(b[1])) for b in c[21]) if len(c) > 21 and c[21] else (),
                    (int(c[22][0]), int(c[22][1])) if len(c) > 22 and c[22] else None)
               for c in d["calls"]]
    m.handlers = [Handler(id=h[0], loc=_unloc(h[1]), types=tuple(h[2]), catch_all=h[3], body=h[4], func=h[5],
                          form=h[6], guards=h[7] if len(h) > 7 else "") for h in d["handlers"]]
    m.accesses = [Access(name=a[0], attr=a[1], loc=_unloc(a[2]), func=a[3], is_call=a[4], in_condition=a[5])
                  for a in d["accesses"]]
    m.assigns = [Assign(a[0], _unval(a[1]), _unloc(a[2]), a[3], a[4], a[5] if len(a) > 5 else "")  # type: ignore[arg-type]
                 for a in d["assigns"]]
    m.imports = [Import(i[0], i[1], i[2], _unloc(i[3]), i[4], i[5]) for i in d["imports"]]
    m.exports = {k: _unval(v) for k, v in d["exports"].items()}  # type: ignore[misc]
    m.refs = [(r[0], _unloc(r[1]), r[2]) for r in d["refs"]]
    m.name_uses = [(u[0], u[1], u[2]) for u in d["name_uses"]]
    m.directives = list(d["directives"])
    m.suppressions = {int(line): tuple(ids) for line, ids in d["suppressions"]}
    m.loops = [Loop(x[0], x[1], _unloc(x[2]), x[3], tuple(x[4]), _unval(x[5]), tuple(x[6]) if len(x) > 6 else (),
                    x[7] if len(x) > 7 else 0) for x in d.get("loops", ())]
    m.classes = {x[0]: ClassInfo(x[0], _unloc(x[1]), tuple(x[2])) for x in d.get("classes", ())}
    m.member_reads = [Access(name=a[0], attr=a[1], loc=_unloc(a[2]), func=a[3], is_call=a[4], in_condition=a[5])
                      for a in d.get("member_reads", ())]
    m.returns = [Return(r[0], _unval(r[1]), _unloc(r[2]), tuple((c[0], bool(c[1])) for c in r[3]))  # type: ignore[arg-type]
                 for r in d.get("returns", ())]
    m.has_errors = bool(d["has_errors"])
    m.error_ranges = [(int(a), int(b)) for a, b in d["error_ranges"]]
    return m


def dumps(m: ModuleFacts) -> bytes:
    return dumps_encoded(encode(m))


def dumps_encoded(encoded: dict[str, Any]) -> bytes:
    """The cache entry of facts already encoded (a worker encodes once for the cache and the parent)."""
    return json.dumps(encoded, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


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
    """Store one entry atomically (temporary file + rename). False when it cannot be written."""
    target = _entry_path(directory, key)
    data = b'{"key":"' + key.encode() + b'","version":"' + STAMP.encode() + b'","facts":' + payload + b"}"
    try:
        _no_links(directory / "facts", target.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        _no_links(directory / "facts", target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


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
    RACY_NS = 2_000_000_000

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
            stats = Stats(files=int(doc["files"]), lines=int(doc["lines"]))
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
               "helpers": helpers, "project_files": project_files or {},
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
    settings = {k: v for k, v in dataclasses.asdict(config).items() if k not in ("source",)}  # type: ignore[call-overload]
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
