"""Whole conversations through `planbot run`'s composition: the real conversation core, the
real python-telegram-bot Application and our Zalo client, against fake platform servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiohttp
from fake_telegram import FakeTelegram
from fake_zalo import FakeZalo, text_update
from sqlalchemy.orm import Session, sessionmaker
from test_conversation import invite_code

from bot.config import Settings
from bot.runner import serve
from handlers.people import Role


@asynccontextmanager
async def running(settings: Settings, sessions: sessionmaker[Session]) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, sessions, stop))
    await asyncio.sleep(0.3)
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def code(sessions: sessionmaker[Session], unit: str, role: Role) -> str:
    return invite_code(sessions, unit, role, datetime.now(UTC))


async def test_a_telegram_conversation(db_url: str, sample_sessions: sessionmaker[Session]) -> None:
    async with FakeTelegram() as telegram:
        settings = Settings(
            database_url=db_url,
            telegram_token=telegram.token,
            telegram_api_base_url=telegram.base_url,
        )
        async with running(settings, sample_sessions):
            menu = (await telegram.wait_for("setMyCommands"))[0].params["commands"]
            assert {"command": "baocao", "description": "Báo cáo số liệu tiến độ của trường"} in (
                menu
            )
            principal = code(sample_sessions, "Trường THCS Hoa Lư", Role.REPORTER)
            telegram.send_text(f"/start {principal}", user_id=7, chat_id=7)
            await telegram.wait_for("sendMessage", 1)
            telegram.send_text("han bao cao quy 4?", user_id=7, chat_id=7)
            await telegram.wait_for("sendMessage", 2)
            telegram.send_text("/nhacnho", user_id=7, chat_id=7)
            [*_, offer] = await telegram.wait_for("sendMessage", 3)
            keyboard = offer.params["reply_markup"]["inline_keyboard"]
            assert keyboard[2][0]["callback_data"] == "remind:off"
            telegram.press_button("remind:off", user_id=7, chat_id=7)
            await telegram.wait_for("answerCallbackQuery")
            await telegram.wait_for("sendMessage", 4)
            staff = code(sample_sessions, "UBND phường Hoa Lư", Role.STAFF)
            telegram.send_text(f"/start {staff}", user_id=8, chat_id=8)
            await telegram.wait_for("sendMessage", 5)
            telegram.send_text("/tonghop 2025-Q4", user_id=8, chat_id=8)
            await telegram.wait_for("sendDocument")
        texts = telegram.texts
        assert "Đăng ký xong: bạn là hiệu trưởng / người báo cáo" in texts[0]
        assert "Nguồn: Ninh Bình – 27/KH-SGDĐT, mục V.3." in texts[1]
        assert texts[3] == "Đã lưu: tắt nhắc nhở."
        assert texts[5].startswith("Tổng hợp quý IV/2025 – UBND phường Hoa Lư: 0/3 trường")
        assert len(telegram.calls("sendPhoto")) == 1


async def test_a_zalo_conversation_with_numbered_choices(
    db_url: str, sample_sessions: sessionmaker[Session]
) -> None:
    async with FakeZalo(max_poll_wait=1) as zalo:
        settings = Settings(
            database_url=db_url, zalo_bot_token=zalo.token, zalo_api_base_url=zalo.base_url
        )
        async with running(settings, sample_sessions):
            teacher = code(sample_sessions, "Trường Tiểu học Tam Chúc", Role.TEACHER)
            for count, text in enumerate(
                [teacher, "chỉ tiêu tỷ lệ hồ sơ TTHC trực tuyến?", "/nhacnho", "2"], 1
            ):
                zalo.push(text_update("z1", text))
                await zalo.wait_for("sendMessage", count)
        texts = zalo.texts
        assert "giáo viên của Trường Tiểu học Tam Chúc" in texts[0]
        assert "Nguồn: Tam Chúc" in texts[1]
        assert "1. Nhắc đủ" in texts[2] and "(Trả lời bằng một chữ số)" in texts[2]
        assert texts[3] == "Đã lưu: chỉ nhắc lần cuối (đúng ngày hạn)."


async def test_webhook_mode_serves_health_and_rejects_forgeries(
    db_url: str, sample_sessions: sessionmaker[Session], unused_tcp_port: int
) -> None:
    async with FakeZalo() as zalo:
        settings = Settings(
            database_url=db_url,
            zalo_bot_token=zalo.token,
            zalo_api_base_url=zalo.base_url,
            public_url="https://bot.example.vn",
            web_host="127.0.0.1",
            web_port=unused_tcp_port,
            webhook_secret="s" * 32,
        )
        base = f"http://127.0.0.1:{unused_tcp_port}"
        async with running(settings, sample_sessions), aiohttp.ClientSession() as http:
            assert zalo.webhook_url == "https://bot.example.vn/zalo/webhook"
            async with http.get(f"{base}/healthz") as health:
                assert health.status == 200
                assert await health.json() == {"status": "ok", "channels": ["zalo"]}
            forged = {"X-Bot-Api-Secret-Token": "wrong"}
            async with http.post(f"{base}/zalo/webhook", json={}, headers=forged) as response:
                assert response.status == 403
            real = {"X-Bot-Api-Secret-Token": "s" * 32}
            async with http.post(f"{base}/zalo/webhook", data=b"{", headers=real) as response:
                assert response.status == 400
            async with http.get(f"{base}/media/unknown.png") as response:
                assert response.status == 404
