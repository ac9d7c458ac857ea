"""Worker process: nightly reports and carrier syncs. Run with `python -m app.jobs`."""

import logging
from datetime import date, datetime, timedelta, timezone

import requests
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import settings
from app.clients import shipping
from app.db import SessionLocal
from app.mailer import send_email
from app.models import Customer, Order
from app.services.loyalty import get_customer_tier, get_customer_tiers

logger = logging.getLogger("jobs")

scheduler = BlockingScheduler(timezone="UTC")


def nightly_loyalty_report() -> None:
    today = date.today()  # vcx-demo: TZ001
    with SessionLocal() as db:
        customers = db.query(Customer).all()  # vcx-demo: MEM001
        rows = []
        for customer in customers:
            tier = get_customer_tier(db, customer.id)  # vcx-demo: NPQ001
            rows.append(f"{customer.email},{tier}")
    send_email(settings.REPORT_RECIPIENTS, f"Loyalty tiers {today:%Y-%m-%d}", "\n".join(rows))
    requests.post(settings.SLACK_WEBHOOK_URL, json={"text": f"Loyalty report sent ({len(rows)} customers)"},  # vcx-demo: ERR001
                  timeout=settings.HTTP_TIMEOUT)


def weekly_digest() -> None:
    since = datetime.now(timezone.utc) - timedelta(days=7)
    with SessionLocal() as db:
        orders = db.scalars(
            select(Order)
            .options(joinedload(Order.customer), selectinload(Order.items))
            .where(Order.created_at >= since)
            .order_by(Order.id)
            .limit(5000)
        ).unique().all()
        tiers = get_customer_tiers(db, {o.customer_id for o in orders})
        lines = [f"{o.customer.email} [{tiers[o.customer_id]}]: order {o.id}, {len(o.items)} items" for o in orders]
    send_email(settings.REPORT_RECIPIENTS, "Weekly order digest", "\n".join(lines))


def sync_tracking() -> None:
    with SessionLocal() as db:
        shipped = db.scalars(select(Order).where(Order.status == "shipped").limit(500)).all()
        for order in shipped:
            status = shipping.track(order.tracking_number)  # vcx-demo: NPQ001
            if status and status.get("state") == "delivered":
                order.status = "delivered"
                send_email(order.customer.email, "Your order was delivered", f"Order {order.id} has arrived.")  # vcx-demo: NPQ002
        db.commit()


def reconcile_shipments() -> None:
    since = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    shipments = shipping.list_shipments(since)
    lost = [s for s in shipments if s.get("state") == "lost"]
    if lost:
        send_email(settings.REPORT_RECIPIENTS, f"{len(lost)} shipments reported lost",
                   "\n".join(s["tracking_number"] for s in lost))


scheduler.add_job(nightly_loyalty_report, "cron", hour=2, minute=30, id="loyalty-report")
scheduler.add_job(weekly_digest, CronTrigger(day_of_week="mon", hour=7), id="weekly-digest")  # vcx-demo: TZ004
scheduler.add_job(sync_tracking, "interval", minutes=settings.TRACKING_SYNC_MINUTES, id="sync-tracking")
scheduler.add_job(reconcile_shipments, CronTrigger(hour=3, timezone="UTC"), id="reconcile-shipments")

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    scheduler.start()
