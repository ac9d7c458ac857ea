"""Loyalty tiers, from what a customer has spent on paid orders."""

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Order

PAID = ("paid", "shipped", "delivered")


def tier_for(spent: Decimal) -> str:
    if spent >= 1000:
        return "gold"
    if spent >= 250:
        return "silver"
    return "bronze"


def get_customer_tier(db: Session, customer_id: int) -> str:
    spent = db.scalar(
        select(func.coalesce(func.sum(Order.total), 0))
        .where(Order.customer_id == customer_id, Order.status.in_(PAID))
    )
    return tier_for(Decimal(spent))


def get_customer_tiers(db: Session, customer_ids: set[int]) -> dict[int, str]:
    """The tiers of many customers in one query."""
    rows = db.execute(
        select(Order.customer_id, func.sum(Order.total))
        .where(Order.customer_id.in_(customer_ids), Order.status.in_(PAID))
        .group_by(Order.customer_id)
    )
    spent = dict(rows.tuples())
    return {cid: tier_for(Decimal(spent.get(cid, 0))) for cid in customer_ids}
