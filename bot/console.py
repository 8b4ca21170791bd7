"""The console channel: chat with the bot in a terminal, no token or server needed.

Buttons show as numbered lines (answer with the digit); images and files the bot sends
are saved under the output folder and their path is printed.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from handlers.messages import FileReply, Handler, ImageReply, Incoming, Reply, numbered

CHANNEL = "console"
USER_ID = "console"


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "tep"


class ConsoleChannel:
    """Reads lines from `source`, answers on `sink`, until end of input or 'thoat'."""

    name = CHANNEL

    def __init__(
        self,
        handler: Handler,
        output_dir: Path,
        sink: TextIO,
        read_line: Callable[[], str] | None = None,
    ) -> None:
        self._handler = handler
        self._output_dir = output_dir
        self._sink = sink
        self._read_line = read_line or (lambda: input("> "))

    async def run(self, greeting: str = "/start") -> None:
        await self._exchange(greeting)
        while True:
            try:
                line = await asyncio.to_thread(self._read_line)
            except (EOFError, KeyboardInterrupt):
                break
            if line.strip().lower() in {"thoat", "thoát", "exit", "quit"}:
                break
            await self._exchange(line)
        self._print("Tạm biệt!")

    async def _exchange(self, text: str) -> None:
        message = Incoming(channel=CHANNEL, chat_id=USER_ID, user_id=USER_ID, text=text)
        for reply in await self._handler.handle(message):
            self._print(self._render(reply))

    def _render(self, reply: Reply) -> str:
        if isinstance(reply, ImageReply | FileReply):
            name = "bieu-do.png" if isinstance(reply, ImageReply) else reply.file_name
            content = reply.png if isinstance(reply, ImageReply) else reply.content
            self._output_dir.mkdir(parents=True, exist_ok=True)
            path = self._output_dir / _safe_name(name)
            path.write_bytes(content)
            return f"{reply.caption}\n[Đã lưu tệp: {path}]".strip()
        return numbered(reply)

    def _print(self, text: str) -> None:
        print(f"\n{text}\n", file=self._sink, flush=True)
