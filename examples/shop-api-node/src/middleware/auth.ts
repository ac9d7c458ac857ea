import type { NextFunction, Request, Response } from "express";
import jwt from "jsonwebtoken";
import { config } from "../config";

export interface AuthedRequest extends Request {
  user?: { id: number };
}

export function requireAuth(req: AuthedRequest, res: Response, next: NextFunction) {
  const header = req.headers.authorization ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7) : null;
  if (!token) return res.status(401).json({ error: "Missing bearer token" });
  try {
    const claims = jwt.verify(token, config.jwtSecret) as { sub: string; purpose?: string };
    if (claims.purpose !== "access") return res.status(401).json({ error: "Invalid token" });
    req.user = { id: Number(claims.sub) };
    return next();
  } catch (err) {
    return res.status(401).json({ error: "Invalid or expired token" });
  }
}

export function signAccessToken(customerId: number): string {
  return jwt.sign({ sub: String(customerId), purpose: "access" }, config.jwtSecret, { expiresIn: config.jwtExpiresIn });
}
