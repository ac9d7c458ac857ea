import nodemailer from "nodemailer";
import { config } from "../config";

const transport = nodemailer.createTransport({
  host: config.smtpHost,
  port: config.smtpPort,
  auth: { user: config.smtpUser, pass: config.smtpPass },
});

export async function sendMail(to: string | string[], subject: string, text: string): Promise<void> {
  await transport.sendMail({ from: config.mailFrom, to, subject, text });
}

export async function sendWelcomeEmail(to: string, name: string): Promise<void> {
  await sendMail(to, "Welcome to Shop", `Hi ${name}, thanks for signing up!`);
}

export async function sendPasswordResetEmail(to: string, token: string): Promise<void> {
  await sendMail(to, "Reset your password", `Follow ${config.frontendUrl}/reset-password?token=${token} to choose a new password.`);
}
