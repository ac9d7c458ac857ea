// Runtime configuration. Everything environment-specific should come from process.env.

export const config = {
  env: process.env.NODE_ENV ?? "development",
  databaseUrl: process.env.DATABASE_URL ?? "postgresql://shop:shop_pass_2024@localhost:5432/shop", // vcx-demo: CFG003
  jwtSecret: process.env.JWT_SECRET || "my-super-secret-jwt-key-2024", // vcx-demo: CFG003
  jwtExpiresIn: "7d",
  frontendUrl: process.env.FRONTEND_URL ?? "http://localhost:5173",

  httpTimeoutMs: Number(process.env.HTTP_TIMEOUT_MS ?? 10_000),
  shippingApiUrl: process.env.SHIPPING_API_URL ?? "https://api.shipfast.io/v2",
  shippingApiKey: process.env.SHIPPING_API_KEY ?? "",
  paymentsApiUrl: process.env.PAYMENTS_API_URL ?? "https://api.payflow.com/v1",
  paymentsApiKey: process.env.PAYMENTS_API_KEY ?? "",
  fraudApiUrl: process.env.FRAUD_API_URL ?? "https://api.fraudguard.io/v1",
  inventoryServiceUrl: "http://inventory.internal:8080", // vcx-demo: CFG002
  slackWebhookUrl: process.env.SLACK_WEBHOOK_URL ?? "",

  smtpHost: process.env.SMTP_HOST ?? "smtp.mailgun.org",
  smtpPort: Number(process.env.SMTP_PORT ?? 587),
  smtpUser: process.env.SMTP_USER ?? "",
  smtpPass: process.env.SMTP_PASS ?? "",
  mailFrom: process.env.MAIL_FROM ?? "Shop <no-reply@shop.example>",
  reportRecipients: (process.env.REPORT_RECIPIENTS ?? "ops@shop.example").split(","),

  loginWindowMs: Number(process.env.LOGIN_WINDOW_MS ?? 15 * 60 * 1000),
  loginMaxAttempts: Number(process.env.LOGIN_MAX_ATTEMPTS ?? 5),
  checkoutWindowMs: Number(process.env.CHECKOUT_WINDOW_MS ?? 60 * 1000),
  checkoutMaxAttempts: Number(process.env.CHECKOUT_MAX_ATTEMPTS ?? 10),
  quoteCacheTtlMs: 5 * 60 * 1000, // vcx-demo: CFG001
};
