"""What a DRF view's ``get_serializer_class()`` returns for a list request: the ``Return`` facts of
the Python front end (with the conditions of the branches they sit in) and NPQ002's reading of them."""

from __future__ import annotations

import pytest

from vcx import cache
from vcx.frontends import extract
from vcx.rules.per_row import _holds_for_list

VIEW = b'''from . import serializers


class OrderViewSet(Base):
    def get_serializer_class(self):
        if self.action == "list":
            if self.brief:
                return serializers.BriefOrderSerializer
            return OrderRowSerializer
        elif self.action in ("retrieve", "update"):
            return OrderDetailSerializer
        else:
            return super().get_serializer_class()
        return self.serializer_class


def helper():
    return build().value
'''


def test_returns_carry_the_conditions_of_their_branches() -> None:
    facts = extract(VIEW, "python", "shop/views.py")
    got = [(r.func, r.value.text, r.loc.line, r.conditions) for r in facts.returns]
    assert got == [
        ("OrderViewSet.get_serializer_class", "serializers.BriefOrderSerializer", 8,
         (("self.brief", True), ('self.action == "list"', True))),
        ("OrderViewSet.get_serializer_class", "OrderRowSerializer", 9, (('self.action == "list"', True),)),
        ("OrderViewSet.get_serializer_class", "OrderDetailSerializer", 11,
         (('self.action in ("retrieve", "update")', True), ('self.action == "list"', False))),
        ("OrderViewSet.get_serializer_class", "super().get_serializer_class()", 13,
         (('self.action == "list"', False), ('self.action in ("retrieve", "update")', False))),
        ("OrderViewSet.get_serializer_class", "self.serializer_class", 14, ()),
    ]  # `return build().value` is neither a name nor super(): not kept
    assert facts.returns[0].value.ref == "import:.:serializers.BriefOrderSerializer"


def test_returns_round_trip_through_the_cache_codec() -> None:
    facts = extract(VIEW, "python", "shop/views.py")
    assert cache.encode(cache.loads(cache.dumps(facts))) == cache.encode(facts)
    assert cache.loads(cache.dumps(facts)).returns == facts.returns


@pytest.mark.parametrize(("condition", "holds"), [
    ('self.action == "list"', True),
    ("'list' == self.action", True),
    ('self.action != "list"', False),
    ('self.action in ("list", "retrieve")', True),
    ('self.action not in ["create", "update"]', True),
    ('self.action in {"destroy"}', False),
    ('not self.action == "list"', False),
    ('(self.action == "list")', True),
    ('self.action == "export" and self.request.method == "POST"', False),
    ('self.request.method == "GET" and self.action == "list"', True),
    ('self.brief or self.action == "list"', True),
    ('self.brief or self.action == "retrieve"', None),  # a brief list takes it
    ('self.brief and self.action == "list"', None),
    ("self.brief", None),
    ('"expand" in self.request.query_params', None),
    ("self.action == LIST_ACTION", None),  # not a literal
    ('(self.brief) and (self.action == "list")', None),
    ('self.action == "a" or (self.action == "b")', False),
])
def test_conditions_read_for_a_list_request(condition: str, holds: bool | None) -> None:
    assert _holds_for_list(condition) is holds
