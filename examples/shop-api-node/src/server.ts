import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { startJobs } from "./jobs/scheduler";
import { authRouter } from "./routes/auth";
import { ordersRouter } from "./routes/orders";
import { productsRouter } from "./routes/products";

const app = express();

app.use(helmet());
app.use(express.json({ limit: "50mb" })); // vcx-demo: MEM002

app.get("/health", (_req, res) => {
  res.json({ status: "ok" });
});

app.use("/auth", authRouter);
app.use("/orders", ordersRouter);
app.use("/products", productsRouter);

app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  console.error(err);
  res.status(500).json({ error: "Internal Server Error" });
});

startJobs();

app.listen(3000, () => { // vcx-demo: CFG001
  console.log("shop-api listening on port 3000");
});
