"""/start with an invitation code: a chat account becomes a person with a role in a unit."""

from __future__ import annotations

from handlers.guide import NOT_REGISTERED, help_text
from handlers.invites import redeem
from handlers.people import ROLE_NAMES, Account, Role
from handlers.turn import Turn


def start(turn: Turn, args: str) -> None:
    """`/start` greets; `/start CODE` (or a bare code) registers the account."""
    if not args:
        turn.say(f"Chào bạn! Mình là Trợ lý kế hoạch.\n{help_text(turn.person)}")
        return
    message = turn.message
    account = Account(message.channel, message.user_id, message.chat_id, message.user_name)
    outcome = redeem(turn.session, account, args, turn.now)
    if outcome.person is None:
        turn.say(outcome.problem or NOT_REGISTERED)
        return
    turn.person = outcome.person
    unit = outcome.person.unit
    where = f" của {unit.name}" if unit else ""
    role = ROLE_NAMES[Role(outcome.person.role)]
    turn.say(f"Đăng ký xong: bạn là {role}{where}.\n\n{help_text(outcome.person)}")
