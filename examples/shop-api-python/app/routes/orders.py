import asyncio
import uuid

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.clients import payments, shipping
from app.db import get_db
from app.models import Customer, Order
from app.security import get_current_user, limiter
from app.services.orders import (
    Line,
    cancel_order,
    check_availability,
    past_holiday_cutoff,
    place_order,
    quote_total,
    set_delivery_promise,
    ship_order,
)

router = APIRouter(prefix="/orders", tags=["orders"])


class LineIn(BaseModel):
    product_id: int
    quantity: int = Field(gt=0, le=100)


class OrderIn(BaseModel):
    lines: list[LineIn] = Field(min_length=1, max_length=50)
    card_token: str
    postcode: str
    address: str


class StatusIn(BaseModel):
    status: str


class PromiseIn(BaseModel):
    promised_delivery: str


class CancelIn(BaseModel):
    reason: str = ""


def _own_order(db: Session, order_id: int, user: Customer) -> Order:
    order = db.get(Order, order_id)
    if order is None or order.customer_id != user.id:
        raise HTTPException(status_code=404, detail="Order not found")
    return order


@router.get("")
def list_orders(limit: int = 20, offset: int = 0, user: Customer = Depends(get_current_user),
                db: Session = Depends(get_db)):
    stmt = (
        select(Order)
        .where(Order.customer_id == user.id)
        .options(selectinload(Order.items))
        .order_by(Order.created_at.desc())
        .limit(min(limit, 100))
        .offset(offset)
    )
    return [
        {"id": o.id, "status": o.status, "total": str(o.total),
         "items": [{"product_id": i.product_id, "quantity": i.quantity} for i in o.items]}
        for o in db.scalars(stmt)
    ]


@router.post("", status_code=201)
@limiter.limit("10/minute")
def create_order(request: Request, body: OrderIn, user: Customer = Depends(get_current_user),
                 db: Session = Depends(get_db)):
    lines = [Line(product_id=ln.product_id, quantity=ln.quantity) for ln in body.lines]
    missing = check_availability(db, lines)
    if missing:
        raise HTTPException(status_code=409, detail={"out_of_stock": missing})
    reservation = str(uuid.uuid4())
    if not shipping.reserve_items(reservation, [{"product_id": ln.product_id, "qty": ln.quantity} for ln in lines]):
        raise HTTPException(status_code=409, detail="Items could not be reserved")
    total = quote_total(db, lines)
    charge_id = payments.charge(user.id, int(total * 100), body.card_token, idempotency_key=reservation)
    if charge_id is None:
        raise HTTPException(status_code=402, detail="Payment declined")
    order = place_order(db, user.id, lines, charge_id, body.postcode, body.address)
    return {"id": order.id, "total": str(order.total), "late_for_holidays": past_holiday_cutoff()}


@router.get("/{order_id}/shipping-quote")
def shipping_quote(order_id: int, user: Customer = Depends(get_current_user), db: Session = Depends(get_db)):
    order = _own_order(db, order_id, user)
    return {"rates": shipping.get_rates(order.ship_postcode, order.weight_grams)}


@router.post("/{order_id}/cancel")
def cancel(order_id: int, body: CancelIn, user: Customer = Depends(get_current_user),
           db: Session = Depends(get_db)):
    order = _own_order(db, order_id, user)
    if order.status not in ("pending", "paid"):
        raise HTTPException(status_code=409, detail=f"Order is already {order.status}")
    if order.charge_id and not payments.refund(order.charge_id, int(order.total * 100)):
        raise HTTPException(status_code=502, detail="Refund failed, please try again")
    cancel_order(db, order.id, body.reason)
    return {"status": "cancelled"}


@router.patch("/{order_id}/status")  # vcx-demo: RATE002
def update_status(order_id: int, body: StatusIn, db: Session = Depends(get_db)):
    """Used by the warehouse dashboard."""
    order = db.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    if body.status == "shipped" and ship_order(db, order) is None:
        raise HTTPException(status_code=502, detail="Carrier unavailable")
    return {"id": order.id, "status": order.status, "tracking_number": order.tracking_number}


@router.put("/{order_id}/delivery-promise")
def update_delivery_promise(order_id: int, body: PromiseIn, user: Customer = Depends(get_current_user),
                            db: Session = Depends(get_db)):
    order = db.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404, detail="Order not found")
    set_delivery_promise(db, order, body.promised_delivery)
    return {"id": order.id, "promised_delivery": order.promised_delivery}


@router.post("/{order_id}/dispute")
async def open_dispute(order_id: int, user: Customer = Depends(get_current_user), db: Session = Depends(get_db)):
    order = _own_order(db, order_id, user)
    order.status = "disputed"
    db.commit()
    payments.notify_fraud_service(order.id, "dispute", int(order.total * 100))  # vcx-demo: ERR005
    return {"status": order.status}


@router.post("/{order_id}/chargeback-review")
async def chargeback_review(order_id: int, user: Customer = Depends(get_current_user),
                            db: Session = Depends(get_db)):
    order = _own_order(db, order_id, user)
    asyncio.create_task(payments.notify_fraud_service(order.id, "review", int(order.total * 100)))  # vcx-demo: ERR005
    return {"status": "under review"}


@router.post("/{order_id}/confirm-delivery")
async def confirm_delivery(order_id: int, background: BackgroundTasks,
                           user: Customer = Depends(get_current_user), db: Session = Depends(get_db)):
    order = _own_order(db, order_id, user)
    order.status = "delivered"
    db.commit()
    background.add_task(payments.notify_fraud_service, order.id, "delivered", int(order.total * 100))
    await payments.notify_fraud_service(order.id, "confirmed", int(order.total * 100))
    return {"status": order.status}
