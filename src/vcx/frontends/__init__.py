"""Stage 3: language front ends, one syntax tree to :class:`vcx.facts.ModuleFacts`."""

from __future__ import annotations

from vcx.facts import ModuleFacts
from vcx.parse import decode, parse


def extract(source: bytes, language: str, path: str) -> ModuleFacts:
    """Decode, parse and extract one file (raises ``parse.Undecodable``)."""
    data = decode(source)
    tree = parse(data, language)
    if language == "python":
        from vcx.frontends import python

        return python.extract(data, tree, path)
    from vcx.frontends import javascript

    return javascript.extract(data, tree, path, language)
