import path from "node:path";
import { Router } from "express";
import multer from "multer";
import { exchangeRate } from "../clients/payments";
import { prisma } from "../db";
import { requireAuth } from "../middleware/auth";

export const productsRouter = Router();

const upload = multer({ dest: path.join(process.cwd(), "uploads") }); // vcx-demo: MEM002

productsRouter.get("/", async (req, res) => {
  const take = Math.min(Number(req.query.limit) || 50, 200);
  const skip = Number(req.query.offset) || 0;
  const currency = typeof req.query.currency === "string" ? req.query.currency.toUpperCase() : "USD";
  const rate = currency === "USD" ? 1 : await exchangeRate(currency);
  const products = await prisma.product.findMany({ orderBy: { id: "asc" }, take, skip });
  res.json(products.map((p) => ({ id: p.id, sku: p.sku, name: p.name, price: Number(p.price) * rate, currency })));
});

productsRouter.get("/export.csv", requireAuth, async (_req, res) => {
  const products = await prisma.product.findMany({ orderBy: { sku: "asc" } }); // vcx-demo: MEM001
  const rows = products.map((p) => [p.sku, JSON.stringify(p.name), p.price.toString(), p.stock].join(","));
  res.type("text/csv").send(["sku,name,price,stock", ...rows].join("\n"));
});

productsRouter.post("/:id/image", requireAuth, upload.single("image"), async (req, res) => { // vcx-demo: RATE001
  if (!req.file) return res.status(400).json({ error: "image is required" });
  const product = await prisma.product.update({ where: { id: Number(req.params.id) }, data: { imagePath: req.file.path } });
  res.json({ id: product.id, imagePath: product.imagePath });
});

productsRouter.delete("/:id", async (req, res) => { // vcx-demo: RATE002
  await prisma.product.delete({ where: { id: Number(req.params.id) } });
  res.sendStatus(204);
});
