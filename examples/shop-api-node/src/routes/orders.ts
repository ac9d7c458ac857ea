import { randomUUID } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { charge, notifyFraudService, refund, voidAuthorization } from "../clients/payments";
import { getRates, reserveStock } from "../clients/shipping";
import { prisma } from "../db";
import { type AuthedRequest, requireAuth } from "../middleware/auth";
import { checkoutLimiter } from "../middleware/rateLimit";
import { cancelOrder, checkAvailability, placeOrder, quoteTotal, setDeliveryPromise, shipOrder } from "../services/orders";

export const ordersRouter = Router();

const orderBody = z.object({
  lines: z.array(z.object({ productId: z.number().int(), quantity: z.number().int().min(1).max(100) })).min(1).max(50),
  cardToken: z.string(),
  postcode: z.string(),
  address: z.string(),
});

ordersRouter.get("/", requireAuth, async (req: AuthedRequest, res) => {
  const take = Math.min(Number(req.query.limit) || 20, 100);
  const skip = Number(req.query.offset) || 0;
  const orders = await prisma.order.findMany({
    where: { customerId: req.user!.id },
    include: { items: true },
    orderBy: { createdAt: "desc" },
    take,
    skip,
  });
  res.json(orders);
});

ordersRouter.post("/", requireAuth, checkoutLimiter, async (req: AuthedRequest, res) => {
  const parsed = orderBody.safeParse(req.body);
  if (!parsed.success) return res.status(400).json({ error: parsed.error.flatten() });
  const { lines, cardToken, postcode, address } = parsed.data;
  const missing = await checkAvailability(lines);
  if (missing.length > 0) return res.status(409).json({ outOfStock: missing });
  const reference = randomUUID();
  if (!(await reserveStock(reference, lines))) return res.status(409).json({ error: "Items could not be reserved" });
  const total = await quoteTotal(lines);
  const chargeId = await charge(req.user!.id, Math.round(total * 100), cardToken, reference);
  if (!chargeId) return res.status(402).json({ error: "Payment declined" });
  const order = await placeOrder(req.user!.id, lines, chargeId, { postcode, address });
  res.status(201).json(order);
});

ordersRouter.get("/:id/shipping-quote", requireAuth, async (req: AuthedRequest, res) => {
  const order = await prisma.order.findFirst({ where: { id: Number(req.params.id), customerId: req.user!.id } });
  if (!order) return res.status(404).json({ error: "Order not found" });
  res.json({ rates: await getRates(order.shipPostcode, order.weightGrams) });
});

ordersRouter.post("/:id/cancel", requireAuth, async (req: AuthedRequest, res) => {
  const order = await prisma.order.findFirst({ where: { id: Number(req.params.id), customerId: req.user!.id } });
  if (!order) return res.status(404).json({ error: "Order not found" });
  if (order.status === "PENDING" && order.chargeId) {
    await voidAuthorization(order.chargeId);
  } else if (order.status === "PAID" && order.chargeId) {
    if (!(await refund(order.chargeId, Math.round(Number(order.total) * 100)))) {
      return res.status(502).json({ error: "Refund failed, please try again" });
    }
  } else {
    return res.status(409).json({ error: `Order is already ${order.status}` });
  }
  await cancelOrder(order.id, String(req.body?.reason ?? ""));
  res.json({ status: "CANCELLED" });
});

// Used by the warehouse dashboard.
ordersRouter.patch("/:id/status", async (req, res) => { // vcx-demo: RATE002
  const id = Number(req.params.id);
  if (req.body?.status !== "SHIPPED") return res.status(400).json({ error: "Only SHIPPED can be set here" });
  const order = await shipOrder(id);
  if (!order) return res.status(502).json({ error: "Carrier unavailable" });
  res.json(order);
});

ordersRouter.put("/:id/delivery-promise", requireAuth, async (req, res) => {
  const { date, time } = req.body ?? {};
  if (typeof date !== "string" || typeof time !== "string") return res.status(400).json({ error: "date and time are required" });
  await setDeliveryPromise(Number(req.params.id), date, time);
  res.sendStatus(204);
});

ordersRouter.post("/:id/dispute", requireAuth, async (req: AuthedRequest, res) => {
  const order = await prisma.order.findFirst({ where: { id: Number(req.params.id), customerId: req.user!.id } });
  if (!order) return res.status(404).json({ error: "Order not found" });
  await prisma.order.update({ where: { id: order.id }, data: { status: "DISPUTED" } });
  notifyFraudService(order.id, "dispute", Math.round(Number(order.total) * 100)); // ok: it catches and logs its own failures
  res.json({ status: "DISPUTED" });
});

ordersRouter.post("/:id/confirm-delivery", requireAuth, async (req: AuthedRequest, res) => {
  const order = await prisma.order.findFirst({ where: { id: Number(req.params.id), customerId: req.user!.id } });
  if (!order) return res.status(404).json({ error: "Order not found" });
  await prisma.order.update({ where: { id: order.id }, data: { status: "DELIVERED", deliveredAt: new Date() } });
  void notifyFraudService(order.id, "delivered", Math.round(Number(order.total) * 100));
  res.json({ status: "DELIVERED" });
});
