"""Reading the JSON files that describe a JS/TS project: ``package.json`` manifests (and,
through ``vcx.tsconfig``, tsconfig files). A file that cannot be read, is not JSON or is not
an object is as good as absent: it never stops a scan.

Every such read and every probe for such a file goes through here, so that a scan can
record them (``recording``): which module an import reaches depends on these files, so a
stored result holds only while each of them, and each place looked at and found empty, is
as it was (``unchanged``).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DEPENDENCY_SECTIONS = ("dependencies", "devDependencies", "peerDependencies")

# Absolute path -> [SHA-256, size, mtime_ns, inode] of the file read, or None when there was no
# regular file there.
ProjectFiles = dict[str, "list[str | int] | None"]
MANIFEST_NAMES = frozenset({"package.json", "tsconfig.json", "jsconfig.json"})
# A file modified this recently may change again within the clock's resolution keeping its
# size and time: its stat record is not trusted (as git's index; FactsCache uses it too).
RACY_NS = 2_000_000_000


class _Recording:
    def __init__(self, listed_folders: set[str], present: set[str]) -> None:
        self.files: ProjectFiles = {}
        self.listed_folders = listed_folders
        self.present = present

    def known_absent(self, full: str) -> bool:
        """No such file in a folder whose listing was already read: no need to look."""
        folder, name = os.path.split(full)
        return name in MANIFEST_NAMES and folder in self.listed_folders and full not in self.present


_recording: ContextVar[_Recording | None] = ContextVar("vcx_project_files", default=None)


@contextmanager
def recording(listed_folders: set[str] | None = None, present: set[str] | None = None) -> Iterator[ProjectFiles]:
    """Record the project files read or looked for while the block runs (one scan).

    ``listed_folders`` (absolute paths): folders whose MANIFEST_NAMES files the caller
    already knows, ``present`` (absolute paths): those files (discovery lists them, and the
    cache keys on that list). Looking there for one that is not present needs neither a look
    at the disk nor a record: in a monorepo link looks for a package.json in every folder of
    every module, thousands of places to check again."""
    rec = _Recording(listed_folders or set(), present or set())
    token = _recording.set(rec)
    try:
        yield rec.files
    finally:
        _recording.reset(token)


def _note_absent(path: Path) -> None:
    rec = _recording.get()
    if rec is None:
        return
    full = os.path.abspath(path)
    if not rec.known_absent(full):
        rec.files.setdefault(full, None)


def _known_absent(path: Path) -> bool:
    rec = _recording.get()
    return rec is not None and rec.known_absent(os.path.abspath(path))


def _read(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (recorded), or None when there is none."""
    if _known_absent(path):
        return None
    try:
        if not path.is_file():  # never open a FIFO or a device: it would block the scan
            _note_absent(path)
            return None
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
    except OSError:
        _note_absent(path)
        return None
    rec = _recording.get()
    if rec is not None:
        digest = hashlib.sha256(data).hexdigest()
        # Size, time and inode tell an unchanged file only when it was not modified just now.
        trusted = st.st_mtime_ns < time.time_ns() - RACY_NS
        rec.files[os.path.abspath(path)] = [digest, st.st_size, st.st_mtime_ns, st.st_ino] if trusted \
            else [digest, -1, -1, -1]
    return data


def is_file(path: Path) -> bool:
    """Whether ``path`` is a regular file (recorded when it is not: a file appearing there later
    changes the scan's result; the caller reads it when it is)."""
    if _known_absent(path):
        return False
    found = path.is_file()
    if not found:
        _note_absent(path)
    return found


def read_json_object(path: Path, prepare: Callable[[str], str] | None = None) -> dict[str, object] | None:
    """The JSON object in ``path`` (its text passed through ``prepare`` first: tsconfig files
    allow comments), or None."""
    data = _read(path)
    if data is None:
        return None
    text = data.decode("utf-8", "replace")
    try:
        parsed = json.loads(prepare(text) if prepare is not None else text)
    except (ValueError, RecursionError):  # invalid, or 100k-deep JSON
        return None
    return parsed if isinstance(parsed, dict) else None


def unchanged(files: ProjectFiles) -> bool:
    """Whether every recorded project file still has the content it had (or is still absent);
    a file whose size, modification time and inode are those recorded is not read again."""
    for path, was in files.items():
        try:
            st = os.stat(path)
        except OSError:
            if was is not None:
                return False
            continue
        if not stat.S_ISREG(st.st_mode):
            if was is not None:
                return False
            continue
        if was is None or len(was) != 4:
            return False
        if [st.st_size, st.st_mtime_ns, st.st_ino] == was[1:]:
            continue
        try:
            with open(path, "rb") as fh:
                if hashlib.sha256(fh.read()).hexdigest() != was[0]:
                    return False
        except OSError:
            return False
    return True


def dependencies(manifest: dict[str, object]) -> dict[str, str]:
    """Package name -> version spec, from every dependency section of a package.json."""
    out: dict[str, str] = {}
    for key in DEPENDENCY_SECTIONS:
        section = manifest.get(key)
        if isinstance(section, dict):
            for name, version in section.items():
                out.setdefault(str(name), str(version))
    return out
