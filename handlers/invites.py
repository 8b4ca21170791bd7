"""Invitation codes: how a chat account becomes a person with a role in a unit.

A code grants one role in one unit, a limited number of times, until it expires or is
revoked. Only its hash is stored, and an account that keeps guessing is locked out for a
while, so codes cannot be found by trying.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import ForeignKey, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from bot.db import Base, UtcDateTime
from handlers.people import ROLE_NAMES, Account, Person, Role, enrol
from handlers.units import Unit

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread on a phone
CODE_LENGTH = 10
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    role: Mapped[str] = mapped_column(String(16))
    max_uses: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    unit: Mapped[Unit] = relationship()


class FailedRedemption(Base):
    """One wrong code typed by an account; recent ones lock the account out."""

    __tablename__ = "failed_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code) and " " not in text


def _hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def create_invite(
    session: Session, unit: Unit, role: Role, now: datetime, uses: int = 1, days: int = 7
) -> tuple[Invite, str]:
    """A new invite and its code; the code is shown once and never stored."""
    if uses < 1 or days < 1:
        raise ValueError("uses and days must be at least 1")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    invite = Invite(
        code_hash=_hash(code),
        unit=unit,
        role=role,
        max_uses=uses,
        used=0,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(invite)
    session.flush()
    return invite, code


def revoke_invite(session: Session, code_or_id: str, now: datetime) -> Invite | None:
    """Revoke by code, or by the number `planbot invite --list` shows."""
    query = select(Invite).where(Invite.code_hash == _hash(code_or_id))
    if code_or_id.isdigit():
        query = select(Invite).where(Invite.id == int(code_or_id))
    invite = session.scalar(query)
    if invite is not None and invite.revoked_at is None:
        invite.revoked_at = now
    return invite


def list_invites(session: Session) -> list[Invite]:
    return list(session.scalars(select(Invite).order_by(Invite.id)))


@dataclass(frozen=True)
class Redemption:
    """The outcome of typing a code: the person it made, or why not (Vietnamese)."""

    person: Person | None
    problem: str | None = None


def _locked_out(session: Session, channel: str, user_id: str, now: datetime) -> bool:
    session.execute(delete(FailedRedemption).where(FailedRedemption.at < now - LOCKOUT))
    failures = session.scalar(
        select(func.count())
        .select_from(FailedRedemption)
        .where(FailedRedemption.channel == channel, FailedRedemption.user_id == user_id)
    )
    return (failures or 0) >= MAX_FAILURES


def redeem(session: Session, account: Account, code: str, now: datetime) -> Redemption:
    """Give `account` the invite's role and unit.

    Wrong, expired, revoked and used-up codes count as failed attempts; the caller must
    commit either way so that the attempt is remembered."""
    if _locked_out(session, account.channel, account.user_id, now):
        minutes = int(LOCKOUT.total_seconds() // 60)
        return Redemption(None, f"Bạn đã nhập sai mã quá nhiều lần. Thử lại sau {minutes} phút.")
    invite = session.scalar(select(Invite).where(Invite.code_hash == _hash(code)).with_for_update())
    problem = None
    if invite is None:
        problem = "Mã mời không đúng. Kiểm tra lại mã (10 ký tự) hoặc xin mã mới."
    elif invite.revoked_at is not None:
        problem = "Mã mời này đã bị thu hồi. Hãy xin mã mới."
    elif invite.expires_at <= now:
        problem = "Mã mời đã hết hạn. Hãy xin mã mới."
    elif invite.used >= invite.max_uses:
        problem = "Mã mời đã được dùng hết lượt. Hãy xin mã mới."
    if problem is not None or invite is None:
        session.add(FailedRedemption(channel=account.channel, user_id=account.user_id, at=now))
        return Redemption(None, problem)
    invite.used += 1
    return Redemption(enrol(session, account, Role(invite.role), invite.unit, now))


def describe(invite: Invite, zone: tzinfo) -> str:
    """One line for lists: number, unit, role, uses and expiry in local time."""
    expiry = f"hết hạn {invite.expires_at.astimezone(zone):%H:%M %d/%m/%Y}"
    state = "đã thu hồi" if invite.revoked_at else expiry
    role = ROLE_NAMES[Role(invite.role)]
    uses = f"đã dùng {invite.used}/{invite.max_uses}"
    return f"[{invite.id}] {invite.unit.name} – {role}, {uses}, {state}"
