import { rateLimit } from "express-rate-limit";
import { config } from "../config";

export const loginLimiter = rateLimit({
  windowMs: config.loginWindowMs,
  limit: config.loginMaxAttempts,
  standardHeaders: "draft-7",
  legacyHeaders: false,
});

export const checkoutLimiter = rateLimit({
  windowMs: config.checkoutWindowMs,
  limit: config.checkoutMaxAttempts,
  standardHeaders: "draft-7",
  legacyHeaders: false,
});
