"""Client for the ShipFast carrier API (rates, labels, tracking) and our warehouse service."""

import logging
import time

import requests

from app import settings

logger = logging.getLogger(__name__)

WAREHOUSE_URL = "http://warehouse.internal:8080/api"  # vcx-demo: CFG002
MAX_RETRIES = 3  # vcx-demo: CFG001

_session = requests.Session()
_session.headers.update({"Authorization": f"Bearer {settings.SHIPPING_API_KEY}"})

# Rates change rarely, so keep them for the life of the process.
_rate_cache: dict[tuple[str, int], list[dict]] = {}  # vcx-demo: MEM003


def get_rates(postcode: str, weight_grams: int) -> list[dict]:
    """Carrier quotes for one parcel."""
    key = (postcode, weight_grams)
    if key in _rate_cache:
        return _rate_cache[key]
    resp = _session.post(  # vcx-demo: ERR001
        f"{settings.SHIPPING_API_URL}/rates",
        json={"postcode": postcode, "weight": weight_grams},
        timeout=settings.HTTP_TIMEOUT,
    )
    resp.raise_for_status()
    rates = resp.json()["rates"]
    _rate_cache[key] = rates
    return rates


def create_label(order_id: int, postcode: str, address: str) -> str:
    """Buys a shipping label and returns its tracking number. Callers handle RequestException."""
    resp = _session.post(
        f"{settings.SHIPPING_API_URL}/labels",
        json={"reference": f"order-{order_id}", "postcode": postcode, "address": address},
        timeout=settings.HTTP_TIMEOUT,
    )
    resp.raise_for_status()
    return resp.json()["tracking_number"]


def track(tracking_number: str) -> dict | None:
    try:
        return _session.get(f"{settings.SHIPPING_API_URL}/tracking/{tracking_number}", timeout=settings.HTTP_TIMEOUT).json()  # vcx-demo: ERR002
    except requests.RequestException:
        logger.warning("tracking lookup failed for %s", tracking_number, exc_info=True)
        return None


def list_shipments(updated_since: str) -> list[dict]:
    """Every shipment updated since the given ISO timestamp, across all pages."""
    shipments: list[dict] = []
    page = 1
    while True:
        try:
            resp = _session.get(
                f"{settings.SHIPPING_API_URL}/shipments",
                params={"updated_since": updated_since, "page": page},
                timeout=settings.HTTP_TIMEOUT,
            )
            resp.raise_for_status()
        except requests.RequestException:
            logger.exception("listing shipments failed on page %d", page)
            break
        body = resp.json()
        shipments.extend(body["data"])  # vcx-demo: MEM004
        if not body.get("next_page"):
            break
        page += 1
    return shipments


def reserve_items(reference: str, lines: list[dict]) -> bool:
    """Asks the warehouse to hold stock for an order; False when it could not."""
    for attempt in range(MAX_RETRIES):
        try:
            resp = requests.post(f"{WAREHOUSE_URL}/reservations", json={"reference": reference, "lines": lines})  # vcx-demo: ERR003
            if resp.status_code == 409:
                return False
            resp.raise_for_status()
            return True
        except requests.RequestException:
            logger.warning("warehouse reservation failed (attempt %d)", attempt + 1, exc_info=True)
            time.sleep(2**attempt)
    return False
