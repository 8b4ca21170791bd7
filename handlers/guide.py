"""Short help, fitted to who is asking."""

from __future__ import annotations

from handlers.commands import COMMANDS
from handlers.people import ROLE_NAMES, Person, Role

_FOR_ROLES = {
    "baocao": {Role.REPORTER},
    "tonghop": {Role.STAFF, Role.ADMIN},
}
NOT_REGISTERED = (
    "Bạn chưa đăng ký. Gửi mã mời của đơn vị (10 ký tự) để bắt đầu, ví dụ: /start ABCDE23456.\n"
    "Chưa có mã? Hãy xin cán bộ phụ trách của Phòng/Sở."
)
TEXT_ONLY = "Mình chỉ hiểu tin nhắn chữ. Bạn gõ câu hỏi hoặc lệnh, ví dụ /trogiup."


def help_text(person: Person | None) -> str:
    if person is None:
        return NOT_REGISTERED
    role = Role(person.role)
    lines = [
        f"/{command.name} – {command.description}"
        for command in COMMANDS
        if command.name != "start" and role in _FOR_ROLES.get(command.name, set(Role))
    ]
    unit = f", {person.unit.name}" if person.unit else ""
    who = f"Bạn là {ROLE_NAMES[role]}{unit}."
    tip = "Hoặc cứ gõ câu hỏi, ví dụ: “hạn báo cáo quý 4?”, “chỉ tiêu chữ ký số?”"
    if role == Role.ADMIN:
        tip += "\nGửi tệp kế hoạch (.docx, .txt) để nạp vào hệ thống."
    return "\n".join([who, *lines, tip])
