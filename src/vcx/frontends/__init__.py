"""Stage 3: language front ends, one syntax tree to :class:`vcx.facts.ModuleFacts`."""

from __future__ import annotations

from vcx.facts import ModuleFacts
from vcx.limits import Limits, check_depth
from vcx.parse import decode, parse


def extract(source: bytes, language: str, path: str, limits: Limits | None = None) -> ModuleFacts:
    """Decode, parse and extract one file.

    Raises ``parse.Undecodable``, ``limits.TooDeep`` (a tree deeper than ``max-nesting``)
    and, under a deadline, ``limits.AnalysisTimeout``.
    """
    data = decode(source, language)
    tree = parse(data, language)
    check_depth(tree.root_node, (limits or Limits()).max_nesting)
    if language == "python":
        from vcx.frontends import python

        return python.extract(data, tree, path)
    from vcx.frontends import javascript

    return javascript.extract(data, tree, path, language)
