import bcrypt from "bcryptjs";
import { Router } from "express";
import jwt from "jsonwebtoken";
import { z } from "zod";
import { config } from "../config";
import { prisma } from "../db";
import { signAccessToken } from "../middleware/auth";
import { loginLimiter } from "../middleware/rateLimit";
import { sendPasswordResetEmail, sendWelcomeEmail } from "../services/mailer";

export const authRouter = Router();

const credentials = z.object({ email: z.string().email(), password: z.string().min(10).max(128) });
const signupBody = credentials.extend({ name: z.string().min(1).max(200) });

authRouter.post("/login", loginLimiter, async (req, res) => {
  const parsed = credentials.safeParse(req.body);
  if (!parsed.success) return res.status(400).json({ error: "Email and password are required" });
  const user = await prisma.customer.findUnique({ where: { email: parsed.data.email.toLowerCase() } });
  if (!user || !(await bcrypt.compare(parsed.data.password, user.passwordHash))) {
    return res.status(401).json({ error: "Incorrect email or password" });
  }
  res.json({ accessToken: signAccessToken(user.id), tokenType: "Bearer" });
});

authRouter.post("/signup", async (req, res) => { // vcx-demo: RATE001
  const parsed = signupBody.safeParse(req.body);
  if (!parsed.success) return res.status(400).json({ error: parsed.error.flatten() });
  const email = parsed.data.email.toLowerCase();
  if (await prisma.customer.findUnique({ where: { email } })) {
    return res.status(409).json({ error: "Email already registered" });
  }
  const user = await prisma.customer.create({
    data: { email, name: parsed.data.name, passwordHash: await bcrypt.hash(parsed.data.password, 12) },
  });
  try {
    await sendWelcomeEmail(user.email, user.name);
  } catch (err) { // vcx-demo: ERR004
    // the welcome email is best effort
  }
  res.status(201).json({ id: user.id, accessToken: signAccessToken(user.id), tokenType: "Bearer" });
});

authRouter.post("/password-reset", async (req, res) => { // vcx-demo: RATE001
  const email = String(req.body?.email ?? "").toLowerCase();
  const user = await prisma.customer.findUnique({ where: { email } });
  if (user) {
    const token = jwt.sign({ sub: String(user.id), purpose: "reset" }, config.jwtSecret, { expiresIn: "30m" });
    sendPasswordResetEmail(user.email, token); // vcx-demo: ERR005
  }
  res.status(202).json({ status: "If the address is registered, an email is on its way." });
});
