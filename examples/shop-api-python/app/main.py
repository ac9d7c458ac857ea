import logging
import os
from contextlib import asynccontextmanager

import uvicorn
from apscheduler.schedulers.background import BackgroundScheduler
from fastapi import FastAPI
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded

from app.routes import auth, orders, products
from app.security import limiter
from app.services.orders import expire_pending_orders

logging.basicConfig(level=os.getenv("LOG_LEVEL", "INFO"))

# In-process housekeeping; reports and syncs run in the worker (app/jobs.py).
housekeeping = BackgroundScheduler()  # vcx-demo: TZ004
housekeeping.add_job(expire_pending_orders, "cron", minute="*/10", id="expire-pending-orders")


@asynccontextmanager
async def lifespan(app: FastAPI):
    housekeeping.start()
    yield
    housekeeping.shutdown(wait=False)


app = FastAPI(title="Shop API", version="1.4.0", lifespan=lifespan)
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)

app.include_router(auth.router)
app.include_router(orders.router)
app.include_router(products.router)


@app.get("/health")
def health():
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run("app.main:app", host=os.getenv("HOST", "0.0.0.0"), port=8000, reload=False)  # vcx-demo: CFG001
