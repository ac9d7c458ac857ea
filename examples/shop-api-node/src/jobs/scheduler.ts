import axios from "axios";
import dayjs from "dayjs";
import cron from "node-cron";
import { getTracking, listShipments } from "../clients/shipping";
import { config } from "../config";
import { prisma } from "../db";
import { getLoyaltyTier, getLoyaltyTiers } from "../services/loyalty";
import { sendMail } from "../services/mailer";
import { revenueToday } from "../services/orders";

async function nightlyLoyaltyReport(): Promise<void> {
  const customers = await prisma.customer.findMany({ select: { id: true, email: true } }); // vcx-demo: MEM001
  const rows = await Promise.all(
    customers.map(async (c) => `${c.email},${await getLoyaltyTier(c.id)}`), // vcx-demo: NPQ001
  );
  const month = dayjs().format("YYYY-MM"); // vcx-demo: TZ002
  await sendMail(config.reportRecipients, `Loyalty tiers (${month})`, rows.join("\n"));
}

async function weeklyDigest(): Promise<void> {
  const since = new Date();
  since.setDate(since.getDate() - 7); // vcx-demo: TZ002
  const orders = await prisma.order.findMany({
    where: { createdAt: { gte: since } },
    include: { customer: true, items: true },
    orderBy: { id: "asc" },
    take: 5000,
  });
  const tiers = await getLoyaltyTiers([...new Set(orders.map((o) => o.customerId))]);
  const lines = orders.map((o) => `${o.customer.email} [${tiers.get(o.customerId)}]: order ${o.id}, ${o.items.length} items`);
  await sendMail(config.reportRecipients, "Weekly order digest", lines.join("\n"));
}

async function syncTracking(): Promise<void> {
  const shipped = await prisma.order.findMany({ where: { status: "SHIPPED", trackingNumber: { not: null } }, take: 500 });
  const delivered: number[] = [];
  for (const order of shipped) {
    const tracking = await getTracking(order.trackingNumber!); // vcx-demo: NPQ001
    if (tracking?.state === "delivered") delivered.push(order.id);
  }
  if (delivered.length > 0) {
    await prisma.order.updateMany({ where: { id: { in: delivered } }, data: { status: "DELIVERED", deliveredAt: new Date() } });
  }
}

async function reconcileShipments(): Promise<void> {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  const lost = (await listShipments(since)).filter((s) => s.state === "lost");
  if (lost.length > 0) {
    await sendMail(config.reportRecipients, `${lost.length} shipments reported lost`, lost.map((s) => s.trackingNumber).join("\n"));
  }
}

export function startJobs(): void {
  cron.schedule("30 2 * * *", async () => { // vcx-demo: TZ004
    try {
      await nightlyLoyaltyReport();
    } catch (err) {
      console.error("loyalty report failed", err);
    }
  });

  cron.schedule("0 7 * * 1", async () => {
    try {
      await weeklyDigest();
    } catch (err) {
      console.error("weekly digest failed", err);
    }
  }, { timezone: "UTC" });

  cron.schedule("*/15 * * * *", async () => {
    try {
      await syncTracking();
    } catch (err) {
      console.error("tracking sync failed", err);
    }
  }, { timezone: "UTC" });

  cron.schedule("0 3 * * *", async () => {
    try {
      await reconcileShipments();
    } catch (err) {
      console.error("shipment reconciliation failed", err);
    }
  }, { timezone: "UTC" });

  cron.schedule("55 23 * * *", async () => {
    const revenue = await revenueToday();
    await axios.post(config.slackWebhookUrl, { text: `Revenue today: $${revenue.toFixed(2)}` }, { timeout: config.httpTimeoutMs }); // vcx-demo: ERR001
  }, { timezone: "UTC" });
}
