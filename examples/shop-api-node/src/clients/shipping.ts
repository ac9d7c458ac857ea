import axios from "axios";
import { config } from "../config";

export interface Rate {
  carrier: string;
  service: string;
  amountCents: number;
}

export interface Shipment {
  trackingNumber: string;
  state: string;
  updatedAt: string;
}

const shippingApi = axios.create({
  baseURL: config.shippingApiUrl,
  timeout: config.httpTimeoutMs,
  headers: { Authorization: `Bearer ${config.shippingApiKey}` },
});

// Quotes are cached per postcode and weight for quoteCacheTtlMs.
const quoteCache = new Map<string, { rates: Rate[]; expiresAt: number }>(); // vcx-demo: MEM003

export async function getRates(postcode: string, weightGrams: number): Promise<Rate[]> {
  const key = `${postcode}:${weightGrams}`;
  const cached = quoteCache.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.rates;
  const { data } = await shippingApi.post("/rates", { postcode, weight: weightGrams }); // vcx-demo: ERR001
  quoteCache.set(key, { rates: data.rates, expiresAt: Date.now() + config.quoteCacheTtlMs });
  return data.rates;
}

/** Buys a label and returns its tracking number. Callers handle failures. */
export async function createLabel(orderId: number, postcode: string, address: string): Promise<string> {
  const { data } = await shippingApi.post("/labels", { reference: `order-${orderId}`, postcode, address });
  return data.trackingNumber;
}

export async function getTracking(trackingNumber: string): Promise<Shipment | null> {
  try {
    const { data } = await shippingApi.get(`/tracking/${encodeURIComponent(trackingNumber)}`);
    return data;
  } catch (err) {
    console.warn(`tracking lookup failed for ${trackingNumber}`, err);
    return null;
  }
}

/** Every shipment updated since `since` (ISO timestamp), across all pages. */
export async function listShipments(since: string): Promise<Shipment[]> {
  const all: Shipment[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await shippingApi.get("/shipments", { params: { updated_since: since, cursor } });
    all.push(...data.items); // vcx-demo: MEM004
    cursor = data.nextCursor;
  } while (cursor);
  return all;
}

export async function reserveStock(reference: string, lines: { productId: number; quantity: number }[]): Promise<boolean> {
  try {
    await axios.post(`${config.inventoryServiceUrl}/reservations`, { reference, lines }); // vcx-demo: ERR003
    return true;
  } catch (err) {
    console.error("inventory reservation failed", err);
    return false;
  }
}
