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
import itertools
import operator
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

def parse(parser: ts.Parser, source: bytes, text_predicates: bool = True) -> ts.Tree:
    """``parser.parse(source)``, cancelled when the deadline passes. ``text_predicates=False``
    when the tree's queries use no text predicates (``#match?``, ``#eq?``): see below."""
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
    return parser.parse(source, old_tree=tree) if text_predicates else tree


_BRACKETS = bytes.maketrans(b"([{)]}", b"\x02\x02\x02\x00\x00\x00")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"([{)]}")
BRACKET_FACTOR = 100  # bytes checked against 100 x max-nesting: far past any real code


def check_brackets(source: bytes, limit: int) -> None:
    """Raise :class:`TooDeep` when brackets open more than ``BRACKET_FACTOR * limit`` levels deep.

    Runs before parsing, in C speed (a translate and an accumulate): tree-sitter needs about
    1 KB per level to parse a million nested brackets, and a flat run of unclosed brackets
    makes its queries quadratic. Brackets in strings and comments count too, which is why
    the bound is far above ``max-nesting``.
    """
    if limit <= 0 or len(source) <= limit * BRACKET_FACTOR:
        return
    levels = source.translate(_BRACKETS, _NOT_BRACKETS)
    deepest = max(map(operator.sub, itertools.accumulate(levels), itertools.count(1)), default=0)
    if deepest > limit * BRACKET_FACTOR:
        raise TooDeep(f"nested too deeply: brackets open {deepest} levels deep "
                      f"(more than {limit * BRACKET_FACTOR}; see max-nesting)")


class TooBroken(Exception):
    """Syntax-error regions so large that querying the tree would take quadratic time."""


MAX_ERROR_COST = 1_000_000_000  # sum of (tokens in an ERROR node)^2: about a second of querying


def check_errors(root: ts.Node, budget: int = MAX_ERROR_COST) -> None:
    """Raise :class:`TooBroken` when the tree's ERROR regions would make queries too slow.

    tree-sitter's query cursor takes time quadratic in the number of tokens directly under
    an ERROR node (40k unclosed brackets: over a second; 2M: about an hour, in C, where no
    deadline can stop it). Findings never come from inside ERROR nodes, so such a file has
    nothing to lose by being skipped.
    """
    if not root.has_error:
        return
    cost = 0
    stack = [root]
    while stack:
        node = stack.pop()
        count = node.child_count
        if node.is_error:
            cost += count * count
            if cost > budget:
                raise TooBroken(f"too broken to analyse: a syntax-error region of {count} tokens "
                                f"(lines {node.start_point[0] + 1}-{node.end_point[0] + 1})")
        stack.extend(c for c in node.children if c.has_error)


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
