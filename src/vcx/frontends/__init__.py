"""Stage 3: language front ends, one syntax tree to :class:`vcx.facts.ModuleFacts`."""

from __future__ import annotations

from vcx.facts import ModuleFacts
from vcx.limits import Limits, check_brackets, check_depth, check_errors
from vcx.parse import decode, parse


def prepare(languages: set[str]) -> None:
    """Load the front ends of ``languages`` and compile their parsers and queries now: worker
    processes forked afterwards share them instead of each building its own copy."""
    from vcx.parse import parser

    for lang in languages:
        parser(lang)
    if "python" in languages:
        from vcx.frontends import python

        python._query()
    if languages - {"python"}:
        from vcx.frontends import javascript

        for lang in languages - {"python"}:
            javascript._query(lang)


def extract(source: bytes, language: str, path: str, limits: Limits | None = None) -> ModuleFacts:
    """Decode, parse and extract one file.

    Raises ``parse.Undecodable``, ``limits.TooDeep`` (a tree deeper than ``max-nesting``),
    ``limits.TooBroken`` (syntax-error regions too large to query) and, under a deadline,
    ``limits.AnalysisTimeout``.
    """
    limits = limits or Limits()
    data = decode(source, language)
    check_brackets(data, limits.max_nesting)
    tree = parse(data, language)
    check_depth(tree.root_node, limits.max_nesting)
    check_errors(tree.root_node)
    if language == "python":
        from vcx.frontends import python

        return python.extract(data, tree, path)
    from vcx.frontends import javascript

    return javascript.extract(data, tree, path, language)
