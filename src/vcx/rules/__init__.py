"""Stage 5: the rules. One module per category, one class per rule id.

A rule reads the linked :class:`vcx.link.Project` and yields findings; it never walks a
syntax tree. Its class docstring is its documentation (``vcx explain RULE``) and follows
one shape: what it finds, why it breaks production, an example, what to do instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from vcx.facts import Loc
from vcx.findings import Finding

if TYPE_CHECKING:
    from vcx.link import Project

CATEGORIES = {
    "error-handling": "ERR",
    "n-plus-one": "NPQ",
    "rate-limit": "RATE",
    "hardcoded-config": "CFG",
    "unbounded-memory": "MEM",
    "transaction": "TXN",
    "timezone": "TZ",
}


class Rule:
    id: ClassVar[str]
    slug: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[str]
    languages: ClassVar[tuple[str, ...]] = ("python", "javascript", "typescript")
    summary: ClassVar[str]  # one line for `vcx rules`
    fix: ClassVar[str]  # the default one-sentence fix

    def check(self, project: Project) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, path: str, loc: Loc, message: str, fix: str | None = None,
                severity: str | None = None) -> Finding:
        if "\n" in message or "  " in message:  # code quoted from several lines: one line of text
            message = " ".join(message.split())
        return Finding(rule_id=self.id, rule=self.slug, category=self.category,
                       severity=severity or self.severity, path=path, line=loc.line, column=loc.col,
                       end_line=loc.end_line, end_column=loc.end_col, message=message,
                       fix=fix or self.fix)

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")


def all_rules() -> list[type[Rule]]:
    """Every rule, ordered by id."""
    from vcx.rules import error_handling, n_plus_one, timezone, transaction

    rules: list[type[Rule]] = []
    for module in (error_handling, n_plus_one, transaction, timezone):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule and hasattr(obj, "id"):
                rules.append(obj)
    return sorted(rules, key=lambda r: (list(CATEGORIES.values()).index(_prefix(r.id)), r.id))


def _prefix(rule_id: str) -> str:
    return rule_id.rstrip("0123456789")


def rule_by_id(rule_id: str) -> type[Rule] | None:
    rule_id = rule_id.upper()
    for r in all_rules():
        if r.id == rule_id:
            return r
    return None


def matches(rule: type[Rule], selector: str) -> bool:
    """Whether a selector (``TZ001``, ``TZ``, ``timezone``, ``naive-datetime``, ``ALL``) names the rule."""
    s = selector.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    if s.lower() == rule.category or s.lower() == rule.slug:
        return True
    return rule.id.startswith(s.upper())


def valid_selector(selector: str) -> bool:
    return any(matches(r, selector) for r in all_rules()) or selector.lower() in CATEGORIES or \
        selector.upper() in CATEGORIES.values()
