import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import requests
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import settings
from app.clients import shipping
from app.db import SessionLocal
from app.models import Order, OrderEvent, OrderItem, Product

logger = logging.getLogger(__name__)

BLACK_FRIDAY_START = datetime.fromisoformat("2024-11-29T00:00:00")  # vcx-demo: TZ003
BLACK_FRIDAY_END = datetime(2024, 12, 2, 23, 59, 59, tzinfo=timezone.utc)


class OutOfStock(Exception):
    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} is out of stock")
        self.product_id = product_id


@dataclass
class Line:
    product_id: int
    quantity: int


def is_black_friday() -> bool:
    return BLACK_FRIDAY_START <= datetime.now(timezone.utc) <= BLACK_FRIDAY_END


def past_holiday_cutoff() -> bool:
    """Orders placed after the cutoff are not guaranteed to arrive before Christmas."""
    cutoff = datetime(2024, 12, 20, 12, 0)  # vcx-demo: TZ001
    return datetime.now(timezone.utc) > cutoff


def check_availability(db: Session, lines: list[Line]) -> list[int]:
    """Ids of the products that cannot cover the requested quantity."""
    missing = []
    for line in lines:
        product = db.get(Product, line.product_id)  # vcx-demo: NPQ001
        if product is None or product.stock < line.quantity:
            missing.append(line.product_id)
    return missing


def quote_total(db: Session, lines: list[Line]) -> Decimal:
    products = {p.id: p for p in db.scalars(select(Product).where(Product.id.in_([ln.product_id for ln in lines])))}
    total = sum((products[ln.product_id].price * ln.quantity for ln in lines), Decimal("0"))
    return total * Decimal("0.8") if is_black_friday() else total


def place_order(db: Session, customer_id: int, lines: list[Line], charge_id: str,
                postcode: str, address: str) -> Order:
    products = {p.id: p for p in db.scalars(select(Product).where(Product.id.in_([ln.product_id for ln in lines])))}
    order = Order(
        customer_id=customer_id,
        status="paid",
        total=quote_total(db, lines),
        charge_id=charge_id,
        ship_postcode=postcode,
        ship_address=address,
    )
    order.items = [
        OrderItem(product_id=ln.product_id, quantity=ln.quantity,
                  unit_price=products[ln.product_id].price, weight_grams=products[ln.product_id].weight_grams)
        for ln in lines
    ]
    db.add(order)
    db.add(OrderEvent(order=order, kind="created"))
    db.commit()
    return order


def reserve_stock(db: Session, product_id: int, quantity: int) -> None:
    product = db.get(Product, product_id)
    if product is None or product.stock < quantity:
        raise OutOfStock(product_id)
    db.execute(update(Product).where(Product.id == product_id).values(stock=product.stock - quantity))  # vcx-demo: TXN002
    db.commit()


def restock(db: Session, product_id: int, quantity: int) -> None:
    db.execute(update(Product).where(Product.id == product_id).values(stock=Product.stock + quantity))
    db.commit()


def cancel_order(db: Session, order_id: int, reason: str) -> None:
    db.execute(update(Order).where(Order.id == order_id).values(status="cancelled"))
    db.commit()
    db.add(OrderEvent(order_id=order_id, kind="cancelled", note=reason))  # vcx-demo: TXN001
    db.commit()


def ship_order(db: Session, order: Order) -> Order | None:
    try:
        tracking_number = shipping.create_label(order.id, order.ship_postcode, order.ship_address)
    except requests.RequestException:
        logger.exception("could not buy a label for order %d", order.id)
        return None
    order.tracking_number = tracking_number
    order.status = "shipped"
    order.shipped_at = datetime.now()  # vcx-demo: TZ001
    db.commit()
    return order


def set_delivery_promise(db: Session, order: Order, promised: str) -> None:
    """`promised` comes from the warehouse dashboard as "2024-12-18 17:00"."""
    order.promised_delivery = datetime.strptime(promised, "%Y-%m-%d %H:%M")  # vcx-demo: TZ003
    db.commit()


def set_delivery_window_end(db: Session, order: Order, window_end: str) -> None:
    """`window_end` comes from the carrier as "2024-12-18T17:00:00+0100"."""
    order.promised_delivery = datetime.strptime(window_end, "%Y-%m-%dT%H:%M:%S%z")
    db.commit()


def expire_pending_orders() -> int:
    cutoff = datetime.now(timezone.utc) - timedelta(minutes=settings.PENDING_ORDER_TTL_MINUTES)
    with SessionLocal() as db:
        result = db.execute(
            update(Order).where(Order.status == "pending", Order.created_at < cutoff).values(status="expired")
        )
        db.commit()
        return result.rowcount
