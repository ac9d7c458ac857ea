import { prisma } from "../db";

export type Tier = "gold" | "silver" | "bronze";

const PAID = ["PAID", "SHIPPED", "DELIVERED"];

export function tierFor(spent: number): Tier {
  if (spent >= 1000) return "gold";
  if (spent >= 250) return "silver";
  return "bronze";
}

export async function getLoyaltyTier(customerId: number): Promise<Tier> {
  const agg = await prisma.order.aggregate({
    _sum: { total: true },
    where: { customerId, status: { in: PAID } },
  });
  return tierFor(Number(agg._sum.total ?? 0));
}

/** The tiers of many customers in one query. */
export async function getLoyaltyTiers(customerIds: number[]): Promise<Map<number, Tier>> {
  const rows = await prisma.order.groupBy({
    by: ["customerId"],
    _sum: { total: true },
    where: { customerId: { in: customerIds }, status: { in: PAID } },
  });
  const spent = new Map(rows.map((r) => [r.customerId, Number(r._sum.total ?? 0)]));
  return new Map(customerIds.map((id) => [id, tierFor(spent.get(id) ?? 0)]));
}
