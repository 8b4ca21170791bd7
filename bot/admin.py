"""`planbot units` and `planbot invite`: the office's people and units, from the terminal."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from handlers.invites import create_invite, describe, list_invites, revoke_invite
from handlers.people import ROLE_NAMES, parse_role, unknown_role
from handlers.units import LEVEL_NAMES, Level, Unit, UnitError, find_unit, import_units


class AdminError(Exception):
    """A mistake in an administration command, worded for the user (Vietnamese)."""


def units_import(path: Path, sessions: sessionmaker[Session]) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise AdminError(f"không đọc được {path}: {error}") from None
    try:
        with sessions.begin() as session:
            summary = import_units(session, text)
    except UnitError as error:
        raise AdminError(f"{path}: {error}") from None
    return f"Đã thêm {summary.created} đơn vị, cập nhật {summary.updated} đơn vị."


def units_tree(sessions: sessionmaker[Session]) -> str:
    """The units as an indented tree, with level and own plan."""
    with sessions() as session:
        units = list(session.scalars(select(Unit).order_by(Unit.id)))
        children: dict[int | None, list[Unit]] = {}
        for unit in units:
            children.setdefault(unit.parent_id, []).append(unit)
        lines: list[str] = []

        def walk(parent: int | None, depth: int) -> None:
            for unit in children.get(parent, []):
                level = f", {LEVEL_NAMES[Level(unit.level)]}" if unit.level else ""
                plan = f" — kế hoạch {unit.plan.display_name}" if unit.plan else ""
                lines.append(f"{'  ' * depth}{unit.name}{level}{plan}")
                walk(unit.id, depth + 1)

        walk(None, 0)
    return "\n".join(lines) or "Chưa có đơn vị nào. Nạp bằng: planbot units import TỆP.csv"


def invite(args: argparse.Namespace, settings: Settings, sessions: sessionmaker[Session]) -> str:
    """Create, list or revoke invitation codes, as the arguments ask."""
    now = datetime.now(UTC)
    with sessions.begin() as session:
        if args.list:
            found = list_invites(session)
            return "\n".join(describe(i, settings.timezone) for i in found) or "Chưa có mã mời."
        if args.revoke:
            revoked = revoke_invite(session, args.revoke, now)
            if revoked is None:
                raise AdminError(f"không có mã mời “{args.revoke}”.")
            return f"Đã thu hồi: {describe(revoked, settings.timezone)}"
        if not args.unit or not args.role:
            raise AdminError("cần --unit TÊN và --role VAI_TRÒ (hoặc --list, --revoke MÃ).")
        role = parse_role(args.role)
        if role is None:
            raise AdminError(unknown_role(args.role))
        unit = find_unit(session, args.unit)
        if unit is None:
            raise AdminError(f"không có đơn vị “{args.unit}” (xem: planbot units).")
        if args.uses < 1 or args.expires < 1:
            raise AdminError("--uses và --expires phải từ 1 trở lên.")
        created, code = create_invite(session, unit, role, now, args.uses, args.expires)
        expiry = created.expires_at.astimezone(settings.timezone)
        lines = [
            f"Mã mời: {code}",
            f"Cho: {ROLE_NAMES[role]} – {unit.name}; dùng được {args.uses} lần,"
            f" hết hạn {expiry:%H:%M %d/%m/%Y}.",
        ]
    if settings.telegram_bot_username:
        lines.append(f"Telegram: https://t.me/{settings.telegram_bot_username}?start={code}")
    lines.append(f"Zalo (hoặc Telegram): gửi cho bot tin nhắn “/start {code}”.")
    return "\n".join(lines)
