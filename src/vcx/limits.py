"""Limits on the analysis of one file: time and syntax-tree depth (size is checked by discover).

A scanner runs unattended on code nobody has looked at, so every file gets a budget:

- ``timeout``: wall-clock seconds for decoding, parsing and extracting one file
  (``per-file-timeout``). tree-sitter's parse is cancelled through its progress callback;
  the front ends' Python work is interrupted by ``SIGALRM`` (when running in the main
  thread, as the worker processes and the command do) and can also check
  :func:`check` in long loops. A file over its budget raises :class:`AnalysisTimeout`,
  which the pipeline reports as a skipped file.
- ``max_nesting``: the deepest syntax tree analysed (``max-nesting``). Deeper trees
  (100k-deep brackets, endless ``else if`` chains, generated expressions) would make the
  front ends' walks up the tree quadratic; they are rejected right after parsing by
  :func:`check_depth`, which costs next to nothing on ordinary files.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter as ts

DEFAULT_TIMEOUT = 20.0  # seconds
DEFAULT_MAX_NESTING = 500  # syntax-tree levels


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT  # seconds per file; 0 = no limit
    max_nesting: int = DEFAULT_MAX_NESTING  # 0 = no limit
    max_file_bytes: int = 0  # checked again when the file is read (it may grow); 0 = no limit


class AnalysisTimeout(BaseException):
    """A file's time is up. A BaseException, so that ``except Exception`` cannot swallow it."""


class TooDeep(Exception):
    """The syntax tree is deeper than ``max-nesting``."""


def describe_timeout(seconds: float) -> str:
    shown = f"{seconds:g}"
    return f"analysis timed out after {shown} s (per-file-timeout)"


def describe_depth(limit: int) -> str:
    return f"nested too deeply: syntax tree deeper than {limit} levels (max-nesting)"


# -- the deadline of the file being analysed -----------------------------------------------

_deadline: float | None = None  # time.monotonic() value, or None outside a deadline
_in_native = False  # inside a tree-sitter call with a progress callback: cancel, do not raise


def expired() -> bool:
    return _deadline is not None and time.monotonic() >= _deadline


def check() -> None:
    """Raise :class:`AnalysisTimeout` when the current file is over its time (for long loops)."""
    if _deadline is not None and time.monotonic() >= _deadline:
        raise AnalysisTimeout


def _on_alarm(signum: int, frame: object) -> None:
    if _deadline is None or _in_native:
        return  # the deadline is over, or a progress callback will cancel the parse
    raise AnalysisTimeout


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Run the body with a time budget of ``seconds`` (0 or less: none)."""
    global _deadline
    if not seconds or seconds <= 0:
        yield
        return
    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = None
    _deadline = time.monotonic() + seconds
    try:
        if use_alarm:
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        _deadline = None  # from here on a late alarm is ignored
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if previous is not None:
                signal.signal(signal.SIGALRM, previous)


# -- tree-sitter calls under the deadline ---------------------------------------------------

def parse(parser: ts.Parser, source: bytes) -> ts.Tree:
    """``parser.parse(source)``, cancelled when the deadline passes."""
    global _in_native
    if _deadline is None:
        return parser.parse(source)
    view = memoryview(source)

    def read(offset: int, _point: object) -> memoryview:
        return view[offset:]

    def progress(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() >= _deadline if _deadline is not None else False

    _in_native = True
    try:
        tree = parser.parse(read, progress_callback=progress)
    except ValueError:  # "Parsing failed": the progress callback cancelled it
        parser.reset()
        if expired():
            raise AnalysisTimeout from None
        raise
    except BaseException:
        parser.reset()
        raise
    finally:
        _in_native = False
    check()  # an alarm that rang during the parse was held back
    # A tree parsed from a callback has no source text, and py-tree-sitter's query text
    # predicates (#match?, #eq?) crash on it: parse again from the bytes, reusing the whole
    # tree (no edits), which costs a few percent of the first parse.
    return parser.parse(source, old_tree=tree)


def check_depth(root: ts.Node, limit: int) -> None:
    """Raise :class:`TooDeep` when the tree under ``root`` is more than ``limit`` levels deep.

    A depth-first walk that enters a subtree only when it has enough descendants to reach
    past the limit: on ordinary files it looks at a handful of nodes near the root.
    """
    if limit <= 0 or root.descendant_count <= limit:
        return
    cursor = root.walk()
    depth = 0
    while True:
        node = cursor.node
        if node is not None and node.descendant_count + depth > limit and cursor.goto_first_child():
            depth += 1
            if depth > limit:
                raise TooDeep(describe_depth(limit))
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return
            depth -= 1
