"""PayFlow payment gateway and FraudGuard clients."""

import logging

import httpx

from app import settings

logger = logging.getLogger(__name__)

_client = httpx.Client(
    base_url=settings.PAYMENTS_API_URL,
    headers={"Authorization": f"Bearer {settings.PAYMENTS_API_KEY}"},
    timeout=settings.HTTP_TIMEOUT,
)


def charge(customer_id: int, amount_cents: int, card_token: str, idempotency_key: str) -> str | None:
    """Charges a card; returns the charge id, or None when the charge did not go through."""
    try:
        resp = _client.post(
            "/charges",
            json={"amount": amount_cents, "currency": "usd", "source": card_token,
                  "metadata": {"customer_id": customer_id}},
            headers={"Idempotency-Key": idempotency_key},
        )
        resp.raise_for_status()
    except httpx.HTTPError:
        logger.exception("charge of %d cents for customer %d failed", amount_cents, customer_id)
        return None
    return resp.json()["id"]


def refund(charge_id: str, amount_cents: int) -> bool:
    try:
        resp = _client.post(f"/charges/{charge_id}/refunds", json={"amount": amount_cents}, timeout=None)  # vcx-demo: ERR003
        resp.raise_for_status()
        return True
    except httpx.HTTPError:
        logger.exception("refund of charge %s failed", charge_id)
        return False


def void_authorization(charge_id: str) -> None:
    try:
        _client.post(f"/charges/{charge_id}/void").raise_for_status()
    except Exception:  # vcx-demo: ERR004
        pass


async def notify_fraud_service(order_id: int, event: str, amount_cents: int) -> None:
    async with httpx.AsyncClient(base_url=settings.FRAUD_API_URL, timeout=settings.HTTP_TIMEOUT) as client:
        try:
            resp = await client.post("/events", json={"order_id": order_id, "event": event, "amount": amount_cents})
            resp.raise_for_status()
        except httpx.HTTPError:
            logger.warning("fraud event %s for order %d not delivered", event, order_id, exc_info=True)
