from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import settings
from app.db import get_db
from app.mailer import send_email
from app.models import Customer
from app.security import create_access_token, create_token, hash_password, limiter, verify_password

router = APIRouter(prefix="/auth", tags=["auth"])


class SignupIn(BaseModel):
    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=10, max_length=128)


class PasswordResetIn(BaseModel):
    email: EmailStr


@router.post("/login")
@limiter.limit("5/minute")
def login(request: Request, form: OAuth2PasswordRequestForm = Depends(), db: Session = Depends(get_db)):
    user = db.scalar(select(Customer).where(Customer.email == form.username.lower()))
    if user is None or not verify_password(form.password, user.password_hash):
        raise HTTPException(status_code=401, detail="Incorrect email or password")
    return {"access_token": create_access_token(user.id), "token_type": "bearer"}


@router.post("/signup", status_code=201)  # vcx-demo: RATE001
def signup(body: SignupIn, db: Session = Depends(get_db)):
    if db.scalar(select(Customer.id).where(Customer.email == body.email.lower())):
        raise HTTPException(status_code=409, detail="Email already registered")
    customer = Customer(email=body.email.lower(), name=body.name, password_hash=hash_password(body.password))
    db.add(customer)
    db.commit()
    send_email(customer.email, "Welcome to Shop", f"Hi {customer.name}, thanks for signing up!")
    return {"id": customer.id, "access_token": create_access_token(customer.id), "token_type": "bearer"}


@router.post("/password-reset", status_code=202)  # vcx-demo: RATE001
def request_password_reset(body: PasswordResetIn, db: Session = Depends(get_db)):
    customer = db.scalar(select(Customer).where(Customer.email == body.email.lower()))
    if customer is not None:
        token = create_token(customer.id, "reset", settings.RESET_TOKEN_EXPIRE_MINUTES)
        send_email(customer.email, "Reset your password",
                   f"Follow {settings.FRONTEND_URL}/reset-password?token={token} to choose a new password.")
    return {"status": "If the address is registered, an email is on its way."}
