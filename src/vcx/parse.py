"""Stage 2: bytes to syntax tree, with tree-sitter.

Also decodes the source: vcx analyses UTF-8 text (a UTF-8 or UTF-16 byte-order mark is
honoured, and so is a Python file's PEP 263 ``# -*- coding: ... -*-`` declaration);
anything else is reported as undecodable and skipped. Parsing runs under the file's
deadline (:mod:`vcx.limits`).
"""

from __future__ import annotations

import codecs
import re
from functools import cache

import tree_sitter as ts

from vcx import limits


class Undecodable(ValueError):
    pass


@cache
def language(name: str) -> ts.Language:
    if name == "python":
        import tree_sitter_python  # each grammar loaded only when a file needs it

        return ts.Language(tree_sitter_python.language())
    if name == "javascript":
        import tree_sitter_javascript

        return ts.Language(tree_sitter_javascript.language())
    if name == "typescript":
        import tree_sitter_typescript

        return ts.Language(tree_sitter_typescript.language_typescript())
    if name == "tsx":
        import tree_sitter_typescript

        return ts.Language(tree_sitter_typescript.language_tsx())
    raise ValueError(f"unknown language {name!r}")


@cache
def parser(name: str) -> ts.Parser:
    return ts.Parser(language(name))


# PEP 263: a comment on the first or second line naming the source encoding.
CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def _coding(data: bytes) -> str | None:
    """The encoding a Python file declares (PEP 263), or None."""
    for i, line in enumerate(data.split(b"\n", 2)[:2]):
        m = CODING_RE.match(line)
        if m:
            return m.group(1).decode("ascii", "replace")
        if i == 0 and line.strip() and not line.lstrip().startswith(b"#"):
            return None  # the declaration must be on line 1, or line 2 below a comment
    return None


def decode(data: bytes, language: str | None = None) -> bytes:
    """Return the source as UTF-8 bytes, or raise :class:`Undecodable`."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeError as exc:
            raise Undecodable(f"undecodable: invalid UTF-16 ({exc.reason})") from None
    elif language == "python":
        name = _coding(data)
        if name is not None:
            try:
                info = codecs.lookup(name)
            except LookupError:
                raise Undecodable(f"undecodable: unknown encoding {name!r} declared") from None
            if info.name not in ("utf-8", "utf-8-sig"):
                return _decode_declared(data, info)
    if data.isascii():
        return data  # valid UTF-8, checked in C without building a str
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Undecodable(f"undecodable: not valid UTF-8 (byte {exc.start})") from None
    return data


def _decode_declared(data: bytes, info: codecs.CodecInfo) -> bytes:
    if not getattr(info, "_is_text_encoding", True):
        raise Undecodable(f"undecodable: {info.name!r} is not a text encoding") from None
    try:
        text = info.decode(data)[0]
    except (UnicodeError, ValueError) as exc:
        raise Undecodable(f"undecodable: not valid {info.name} ({exc})") from None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from an escape codec
        raise Undecodable(f"undecodable: {info.name} text with lone surrogates") from None


def parse(source: bytes, lang: str) -> ts.Tree:
    """The syntax tree of UTF-8 ``source``; cancelled with :class:`limits.AnalysisTimeout`
    when the current file's deadline passes. Only the Python front end's query has text
    predicates (the JS front end reads comments' text itself), so only Python trees need
    the source text kept (see ``limits.parse``)."""
    return limits.parse(parser(lang), source, text_predicates=lang == "python")
