"""``--diff REF``: the lines added or changed in the working tree since the git revision REF.

``git diff REF`` (the working tree, staged or not, against REF) gives the changed lines of
tracked files; untracked files that are not ignored count as wholly new. Renames are not
followed: a renamed file is new in its new place. Lines only deleted mark no line.

git runs with a fixed environment: no pager, no external diff or text conversion, paths
unquoted (``core.quotepath=off``), no optional locks (nothing written into ``.git``), and
never the network (no transport allowed, no lazy fetch of a partial clone's objects).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from vcx.config import ConfigError

TIMEOUT = 300  # seconds per git command

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {ord("a"): 7, ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12, ord("r"): 13,
            ord('"'): 34, ord("\\"): 92}


class DiffError(ConfigError):
    """``--diff`` cannot be honoured: no git, not a repository, an unknown revision (exit code 2)."""


class Changes:
    """The changed lines of each file, by absolute real path (None: the whole file is new)."""

    def __init__(self, ref: str, lines: dict[str, set[int] | None]) -> None:
        self.ref = ref
        self.lines = lines
        self._real: dict[str, str] = {}

    def changed(self, display: str, line: int, cwd: Path) -> bool:
        real = self._real.get(display)
        if real is None:
            real = self._real[display] = os.path.realpath(os.path.join(cwd, display))
        if real not in self.lines:
            return False
        got = self.lines[real]
        return got is None or line in got


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_PAGER", "PAGER", "GIT_TRACE")}
    env.update(GIT_PAGER="cat", PAGER="cat", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0",
               GIT_NO_LAZY_FETCH="1", LC_ALL="C", LANGUAGE="C")
    return env


GIT_OPTIONS = ("-c", "core.quotepath=off", "-c", "core.fsmonitor=false", "-c", "protocol.allow=never",
               "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false")


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *GIT_OPTIONS, *args], cwd=cwd, env=_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=TIMEOUT, check=False)
    except FileNotFoundError:
        raise DiffError("--diff needs git, which is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise DiffError(f"--diff: `git {args[0]}` took longer than {TIMEOUT} s") from None
    except OSError as exc:
        raise DiffError(f"--diff: cannot run git: {exc.strerror or exc}") from None


def _first_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "(no message)"


def _unquote(raw: bytes) -> bytes:
    """A path as git writes it between double quotes (C escapes, octal bytes)."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return raw
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c == 92 and i + 1 < len(body):  # backslash
            nxt = body[i + 1]
            if i + 3 < len(body) and all(48 <= b <= 55 for b in body[i + 1:i + 4]):
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def parse_diff(output: bytes) -> dict[bytes, set[int]]:
    """Changed lines per new path (relative to the repository's top) from
    ``git diff --unified=0`` output. A file deleted since REF has none."""
    out: dict[bytes, set[int]] = {}
    current: bytes | None = None
    in_header = False
    for line in output.split(b"\n"):
        if line.startswith(b"diff --git "):
            in_header, current = True, None
        elif in_header and line.startswith(b"+++ "):
            name = _unquote(line[4:].rstrip(b"\r").split(b"\t")[0] if not line[4:].startswith(b'"')
                            else line[4:].rstrip(b"\r"))
            current = name[2:] if name.startswith(b"b/") else None  # /dev/null: deleted
            if current is not None:
                out.setdefault(current, set())
        elif line.startswith(b"@@ "):
            in_header = False
            m = _HUNK.match(line)
            if m and current is not None:
                start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
                out[current].update(range(start, start + count))
    return out


def changes(ref: str, targets: list[Path]) -> Changes:
    """The lines changed since ``ref`` in the repository that holds the first of ``targets``."""
    if not ref or ref.startswith("-"):
        raise DiffError(f"--diff needs a git revision (a branch, tag or commit), got {ref!r}")
    first = Path(os.path.realpath(targets[0] if targets else Path.cwd()))
    where = first if first.is_dir() else first.parent
    top = _git(["rev-parse", "--show-toplevel"], where)
    if top.returncode != 0:
        detail = _first_line(top.stderr)
        if "not a git repository" in detail:
            raise DiffError(f"--diff needs a git repository, and {where} is not in one")
        raise DiffError(f"--diff: git rev-parse failed: {detail}")
    toplevel = Path(os.path.realpath(os.fsdecode(top.stdout.rstrip(b"\n"))))
    rev = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], toplevel)
    if rev.returncode != 0:
        raise DiffError(f"--diff: unknown git revision {ref!r} (in CI, fetch it first, e.g. "
                        "`git fetch origin main`, with enough depth to reach it)")
    commit = rev.stdout.decode("ascii", "replace").strip()
    specs: list[str] = []
    for t in targets or [Path(".")]:
        rel = os.path.relpath(os.path.realpath(t), toplevel).replace(os.sep, "/")
        if rel == ".":
            specs = []
            break
        if not rel.startswith("../"):
            specs.append(f":(top,literal){rel}")
    diff = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
                 "--no-relative", "--src-prefix=a/", "--dst-prefix=b/", commit, "--", *specs], toplevel)
    if diff.returncode != 0:
        raise DiffError(f"--diff: git diff failed: {_first_line(diff.stderr)}")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--", *specs], toplevel)
    if untracked.returncode != 0:
        raise DiffError(f"--diff: git ls-files failed: {_first_line(untracked.stderr)}")
    top_s = str(toplevel)
    lines: dict[str, set[int] | None] = {}
    for name, changed in parse_diff(diff.stdout).items():
        if changed:
            lines[os.path.join(top_s, os.fsdecode(name))] = changed
    for name in untracked.stdout.split(b"\0"):
        if name:
            lines[os.path.join(top_s, os.fsdecode(name))] = None
    return Changes(ref, lines)
