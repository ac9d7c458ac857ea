import csv
import io
import logging
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import get_db
from app.models import Customer, Product
from app.security import get_current_user

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/products", tags=["products"])


@router.get("")
def list_products(limit: int = 50, offset: int = 0, db: Session = Depends(get_db)):
    stmt = select(Product).order_by(Product.id).limit(min(limit, 200)).offset(offset)
    return [{"id": p.id, "sku": p.sku, "name": p.name, "price": str(p.price)} for p in db.scalars(stmt)]


@router.get("/export.csv")
def export_products(user: Customer = Depends(get_current_user), db: Session = Depends(get_db)):
    products = db.scalars(select(Product).order_by(Product.sku)).all()  # vcx-demo: MEM001
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["sku", "name", "price", "stock"])
    for p in products:
        writer.writerow([p.sku, p.name, p.price, p.stock])
    buf.seek(0)
    return StreamingResponse(buf, media_type="text/csv")


@router.post("/import")
async def import_products(request: Request, user: Customer = Depends(get_current_user),
                          db: Session = Depends(get_db)):
    rows = await request.json()  # vcx-demo: MEM002
    products, rejected = [], 0
    for row in rows:
        try:
            products.append(Product(sku=row["sku"], name=row["name"], price=Decimal(str(row["price"])),
                                    stock=int(row.get("stock", 0))))
        except Exception:  # vcx-demo: ERR004
            continue
    db.add_all(products)
    db.commit()
    return {"imported": len(products), "rejected": rejected}


@router.post("/import-one")
def import_product(row: dict, user: Customer = Depends(get_current_user), db: Session = Depends(get_db)):
    try:
        product = Product(sku=row["sku"], name=row["name"], price=Decimal(str(row["price"])))
    except (KeyError, InvalidOperation) as exc:
        logger.info("rejected product row %r: %s", row, exc)
        raise HTTPException(status_code=422, detail="sku, name and a numeric price are required") from exc
    db.add(product)
    db.commit()
    return {"id": product.id}


@router.delete("/{product_id}", status_code=204)  # vcx-demo: RATE002
def delete_product(product_id: int, db: Session = Depends(get_db)):
    product = db.get(Product, product_id)
    if product is None:
        raise HTTPException(status_code=404, detail="Product not found")
    db.delete(product)
    db.commit()
