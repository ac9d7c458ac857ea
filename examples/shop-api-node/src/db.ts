import { PrismaClient } from "@prisma/client";
import { config } from "./config";

export const prisma = new PrismaClient({
  datasources: { db: { url: config.databaseUrl } },
  log: config.env === "development" ? ["query", "warn", "error"] : ["warn", "error"],
});
