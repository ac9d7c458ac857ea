"""Application settings.

Most values come from the environment (see .env.example); the rest are defaults that
are the same everywhere.
"""

import os

APP_ENV = os.getenv("APP_ENV", "development")
DEBUG = APP_ENV == "development"

DATABASE_URL = "postgresql://shop:shop_pass_2024@localhost:5432/shop"  # vcx-demo: CFG003
REDIS_URL = "redis://localhost:6379/0"  # vcx-demo: CFG002

JWT_SECRET = "my-super-secret-jwt-key-2024"  # vcx-demo: CFG003
JWT_ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24  # vcx-demo: CFG001
RESET_TOKEN_EXPIRE_MINUTES = int(os.getenv("RESET_TOKEN_EXPIRE_MINUTES", "30"))

FRONTEND_URL = os.getenv("FRONTEND_URL", "http://localhost:5173")

HTTP_TIMEOUT = float(os.getenv("HTTP_TIMEOUT", "10"))
SHIPPING_API_URL = os.getenv("SHIPPING_API_URL", "https://api.shipfast.io/v2")
SHIPPING_API_KEY = os.getenv("SHIPPING_API_KEY", "")
PAYMENTS_API_URL = os.getenv("PAYMENTS_API_URL", "https://api.payflow.com/v1")
PAYMENTS_API_KEY = os.getenv("PAYMENTS_API_KEY", "")
FRAUD_API_URL = os.getenv("FRAUD_API_URL", "https://api.fraudguard.io/v1")
SLACK_WEBHOOK_URL = os.getenv("SLACK_WEBHOOK_URL", "")

SMTP_HOST = os.getenv("SMTP_HOST", "smtp.mailgun.org")
SMTP_PORT = int(os.getenv("SMTP_PORT", "587"))
SMTP_TIMEOUT = float(os.getenv("SMTP_TIMEOUT", "10"))
SMTP_USER = os.getenv("SMTP_USER", "postmaster@mg.shop.example")
SMTP_PASSWORD = os.getenv("SMTP_PASSWORD", "mg-pass-8812-prod")  # vcx-demo: CFG003
MAIL_FROM = os.getenv("MAIL_FROM", "Shop <no-reply@shop.example>")
REPORT_RECIPIENTS = os.getenv("REPORT_RECIPIENTS", "ops@shop.example").split(",")

PENDING_ORDER_TTL_MINUTES = int(os.getenv("PENDING_ORDER_TTL_MINUTES", "30"))
TRACKING_SYNC_MINUTES = int(os.getenv("TRACKING_SYNC_MINUTES", "15"))
