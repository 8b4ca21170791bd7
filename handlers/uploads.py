"""Plan documents sent in chat by an admin are imported like `planbot import` would."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath

from handlers.messages import Attachment
from handlers.people import Person, Role
from handlers.turn import Turn
from knowledge.document import MAX_BYTES, DocumentError
from knowledge.importer import import_file
from knowledge.store import describe_counts

ACCEPTED = (".docx", ".txt", ".md")
STATUS = {"created": "Đã nạp", "updated": "Đã cập nhật", "unchanged": "Không có gì thay đổi ở"}


def refusal(person: Person | None, attachment: Attachment) -> str | None:
    """Why this upload cannot be taken, decided before its bytes are fetched; None if it can."""
    if person is None or person.role != Role.ADMIN:
        return "Chỉ quản trị viên được nạp kế hoạch. Bạn có thể gõ câu hỏi về kế hoạch."
    if PurePath(attachment.file_name).suffix.lower() not in ACCEPTED:
        return "Chỉ nhận tệp kế hoạch .docx, .txt hoặc .md."
    if attachment.size > MAX_BYTES:
        return f"Tệp quá lớn (tối đa {MAX_BYTES >> 20} MB)."
    return None


def import_upload(turn: Turn, content: bytes) -> None:
    """Import the uploaded plan; a document the reader refuses changes nothing."""
    attachment = turn.message.attachment
    assert attachment is not None
    name = PurePath(attachment.file_name).name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{PurePath(name).suffix.lower()}"
        path.write_bytes(content)
        try:
            result = import_file(turn.session, path, source_name=name)
        except DocumentError as error:
            turn.say(f"Không nạp được “{name}”: {error}")
            return
    plan = result.plan
    turn.say(f"{STATUS[result.status]} kế hoạch {plan.display_name} ({describe_counts(plan)}).")
