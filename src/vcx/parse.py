"""Stage 2: bytes to syntax tree, with tree-sitter.

Also decodes the source: vcx analyses UTF-8 text (a UTF-8 or UTF-16 byte-order mark is
honoured); anything else is reported as undecodable and skipped.
"""

from __future__ import annotations

import codecs
from functools import cache

import tree_sitter as ts
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_typescript


class Undecodable(ValueError):
    pass


@cache
def language(name: str) -> ts.Language:
    if name == "python":
        return ts.Language(tree_sitter_python.language())
    if name == "javascript":
        return ts.Language(tree_sitter_javascript.language())
    if name == "typescript":
        return ts.Language(tree_sitter_typescript.language_typescript())
    if name == "tsx":
        return ts.Language(tree_sitter_typescript.language_tsx())
    raise ValueError(f"unknown language {name!r}")


@cache
def parser(name: str) -> ts.Parser:
    return ts.Parser(language(name))


def decode(data: bytes) -> bytes:
    """Return the source as UTF-8 bytes, or raise :class:`Undecodable`."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeError as exc:
            raise Undecodable(f"undecodable: invalid UTF-16 ({exc.reason})") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Undecodable(f"undecodable: not valid UTF-8 (byte {exc.start})") from None
    return data


def parse(source: bytes, lang: str) -> ts.Tree:
    return parser(lang).parse(source)
