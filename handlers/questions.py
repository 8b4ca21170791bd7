"""Plan questions in chat: free text or /hoi, answered by the engine within the asker's plans
unless the question names another; close matches are offered as buttons."""

from __future__ import annotations

import re

from handlers.messages import Button
from handlers.turn import Turn
from knowledge.answer import NOT_FOUND, SUGGEST
from knowledge.text import fold, shorten

LABEL_WIDTH = 60


def ask(turn: Turn, args: str) -> None:
    """/hoi with a question answers it; alone, it waits for the question."""
    if args:
        answer(turn, args)
        return
    turn.wait_for("question")
    turn.say("Bạn muốn hỏi gì? Ví dụ: “hạn báo cáo quý 4?”, “ai chủ trì kho học liệu số?”")


def answer(turn: Turn, question: str) -> None:
    small_talk = _small_talk(question)
    if small_talk:
        turn.say(small_talk)
        return
    home = (turn.person.plan_ids() if turn.person else None) or ()
    reply = turn.services.engine.current().ask(question, turn.today, home=home)
    if not reply.suggestions:
        turn.say(reply.text)
        return
    buttons = [
        [Button(shorten(suggestion.label, LABEL_WIDTH), f"item:{suggestion.item_id}")]
        for suggestion in reply.suggestions
    ]
    turn.say(f"{NOT_FOUND}\n{SUGGEST}", buttons)


def show_item(turn: Turn, item_id: str) -> None:
    """A suggestion was picked: answer with that item's fact."""
    if not item_id.isdigit():
        turn.say(NOT_FOUND)
        return
    turn.say(turn.services.engine.current().about_item(int(item_id), turn.today).text)


_GREETING = re.compile(r"^(?:xin )?(?:chao|hello|hi|alo)\b")
_THANKS = re.compile(r"\b(?:cam on|thank|thanks|tks)\b")


def _small_talk(text: str) -> str | None:
    """A greeting or thanks on its own gets a friendly word, not a search."""
    folded = " ".join(fold(text).split())
    if len(folded.split()) > 5:
        return None
    if _THANKS.search(folded):
        return "Không có gì ạ! Cần gì bạn cứ hỏi nhé."
    if _GREETING.match(folded):
        return "Chào bạn! Bạn cứ gõ câu hỏi về kế hoạch, ví dụ “hạn báo cáo quý 4?”, hoặc /trogiup."
    return None
