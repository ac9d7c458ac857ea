import { config } from "../config";

const headers = {
  Authorization: `Bearer ${config.paymentsApiKey}`,
  "Content-Type": "application/json",
};

/** Charges a card; resolves to the charge id, or null when the charge did not go through. */
export async function charge(customerId: number, amountCents: number, cardToken: string, idempotencyKey: string): Promise<string | null> {
  try {
    const res = await fetch(`${config.paymentsApiUrl}/charges`, {
      method: "POST",
      headers: { ...headers, "Idempotency-Key": idempotencyKey },
      body: JSON.stringify({ amount: amountCents, currency: "usd", source: cardToken, metadata: { customerId } }),
      signal: AbortSignal.timeout(config.httpTimeoutMs),
    });
    if (!res.ok) {
      console.error(`charge for customer ${customerId} declined: HTTP ${res.status}`);
      return null;
    }
    const body = (await res.json()) as { id: string };
    return body.id;
  } catch (err) {
    console.error(`charge for customer ${customerId} failed`, err);
    return null;
  }
}

export async function refund(chargeId: string, amountCents: number): Promise<boolean> {
  try {
    const res = await fetch(`${config.paymentsApiUrl}/charges/${chargeId}/refunds`, { // vcx-demo: ERR003
      method: "POST",
      headers,
      body: JSON.stringify({ amount: amountCents }),
    });
    return res.ok;
  } catch (err) {
    console.error(`refund of ${chargeId} failed`, err);
    return false;
  }
}

export async function exchangeRate(currency: string): Promise<number> {
  try {
    const body = await fetch(`${config.paymentsApiUrl}/fx/${currency}`, { headers, signal: AbortSignal.timeout(config.httpTimeoutMs) }).then((res) => res.json()); // vcx-demo: ERR002
    return body.rate;
  } catch (err) {
    console.warn(`no exchange rate for ${currency}, using 1`, err);
    return 1;
  }
}

export async function voidAuthorization(chargeId: string): Promise<void> {
  await fetch(`${config.paymentsApiUrl}/charges/${chargeId}/void`, { method: "POST", headers, signal: AbortSignal.timeout(config.httpTimeoutMs) }).catch(() => {}); // vcx-demo: ERR004
}

export async function notifyFraudService(orderId: number, event: string, amountCents: number): Promise<void> {
  try {
    const res = await fetch(`${config.fraudApiUrl}/events`, {
      method: "POST",
      headers,
      body: JSON.stringify({ orderId, event, amount: amountCents }),
      signal: AbortSignal.timeout(config.httpTimeoutMs),
    });
    if (!res.ok) console.warn(`fraud event ${event} for order ${orderId} rejected: HTTP ${res.status}`);
  } catch (err) {
    console.warn(`fraud event ${event} for order ${orderId} not delivered`, err);
  }
}
