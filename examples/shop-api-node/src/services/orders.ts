import type { Order } from "@prisma/client";
import { createLabel } from "../clients/shipping";
import { prisma } from "../db";

export interface OrderLine {
  productId: number;
  quantity: number;
}

export class OutOfStockError extends Error {
  constructor(public readonly productId: number) {
    super(`product ${productId} is out of stock`);
  }
}

const BLACK_FRIDAY_START = new Date("2024-11-29 00:00:00"); // vcx-demo: TZ003
const BLACK_FRIDAY_END = new Date("2024-12-02T23:59:59Z");

export function isBlackFriday(now = new Date()): boolean {
  return now >= BLACK_FRIDAY_START && now <= BLACK_FRIDAY_END;
}

/** Ids of the products that cannot cover the requested quantity. */
export async function checkAvailability(lines: OrderLine[]): Promise<number[]> {
  const missing: number[] = [];
  for (const line of lines) {
    const product = await prisma.product.findUnique({ where: { id: line.productId } }); // vcx-demo: NPQ001
    if (!product || product.stock < line.quantity) missing.push(line.productId);
  }
  return missing;
}

export async function quoteTotal(lines: OrderLine[]): Promise<number> {
  const products = await prisma.product.findMany({ where: { id: { in: lines.map((l) => l.productId) } } });
  const price = new Map(products.map((p) => [p.id, Number(p.price)]));
  const total = lines.reduce((sum, l) => sum + (price.get(l.productId) ?? 0) * l.quantity, 0);
  return isBlackFriday() ? total * 0.8 : total;
}

export async function placeOrder(
  customerId: number,
  lines: OrderLine[],
  chargeId: string,
  shipping: { postcode: string; address: string },
): Promise<Order> {
  const products = await prisma.product.findMany({ where: { id: { in: lines.map((l) => l.productId) } } });
  const byId = new Map(products.map((p) => [p.id, p]));
  const total = await quoteTotal(lines);
  return prisma.$transaction(async (tx) => {
    const order = await tx.order.create({
      data: {
        customerId,
        status: "PAID",
        total,
        chargeId,
        shipPostcode: shipping.postcode,
        shipAddress: shipping.address,
        weightGrams: lines.reduce((g, l) => g + (byId.get(l.productId)?.weightGrams ?? 0) * l.quantity, 0),
        items: {
          create: lines.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: byId.get(l.productId)!.price })),
        },
      },
    });
    await tx.orderEvent.create({ data: { orderId: order.id, kind: "created" } });
    return order;
  });
}

export async function decrementStock(productId: number, quantity: number): Promise<void> {
  const product = await prisma.product.findUnique({ where: { id: productId } });
  if (!product || product.stock < quantity) throw new OutOfStockError(productId);
  await prisma.product.update({ where: { id: productId }, data: { stock: product.stock - quantity } }); // vcx-demo: TXN002
}

export async function restock(productId: number, quantity: number): Promise<void> {
  await prisma.product.update({ where: { id: productId }, data: { stock: { increment: quantity } } });
}

export async function cancelOrder(orderId: number, reason: string): Promise<void> {
  await prisma.order.update({ where: { id: orderId }, data: { status: "CANCELLED" } });
  await prisma.orderEvent.create({ data: { orderId, kind: "cancelled", note: reason } }); // vcx-demo: TXN001
}

export async function shipOrder(orderId: number): Promise<Order | null> {
  const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
  let trackingNumber: string;
  try {
    trackingNumber = await createLabel(order.id, order.shipPostcode, order.shipAddress);
  } catch (err) {
    console.error(`could not buy a label for order ${order.id}`, err);
    return null;
  }
  return prisma.order.update({
    where: { id: orderId },
    data: { status: "SHIPPED", trackingNumber, shippedAt: new Date() },
  });
}

/** `date` ("2024-12-18") and `time` ("17:00") come from the warehouse dashboard. */
export async function setDeliveryPromise(orderId: number, date: string, time: string): Promise<void> {
  const promisedDelivery = new Date(`${date}T${time}:00`); // vcx-demo: TZ003
  await prisma.order.update({ where: { id: orderId }, data: { promisedDelivery } });
}

/** `windowEnd` comes from the carrier with an offset, e.g. "2024-12-18T17:00:00+01:00". */
export async function setDeliveryWindowEnd(orderId: number, windowEnd: string): Promise<void> {
  await prisma.order.update({ where: { id: orderId }, data: { promisedDelivery: new Date(windowEnd) } });
}

export async function revenueToday(): Promise<number> {
  const start = new Date();
  start.setHours(0, 0, 0, 0); // vcx-demo: TZ002
  const agg = await prisma.order.aggregate({ _sum: { total: true }, where: { createdAt: { gte: start }, status: "PAID" } });
  return Number(agg._sum.total ?? 0);
}

export async function revenueSinceUtcMidnight(): Promise<number> {
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  const agg = await prisma.order.aggregate({ _sum: { total: true }, where: { createdAt: { gte: start }, status: "PAID" } });
  return Number(agg._sum.total ?? 0);
}
