"""The Telegram adapter, running the real python-telegram-bot against a fake Bot API server."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_telegram import DEFAULT_USER_ID, FakeTelegram
from telegram.error import InvalidToken

from bot.channel import Channel, RateLimited, Unavailable, Undeliverable
from bot.telegram import MAX_WEBHOOK_BODY, SECRET_HEADER, TelegramChannel
from handlers.messages import Button, FileReply, ImageReply, Incoming, Reply, TextReply

SECRET = "test-webhook-secret-0123456789"
COMMANDS = [("start", "Bắt đầu"), ("hoi", "Hỏi về kế hoạch"), ("huy", "Hủy thao tác")]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0" + b"\x00" * 40
PARAGRAPH = "Kế hoạch năm học " + "tăng cường kiểm tra nội bộ " * 20
LONG_TEXT = "\n\n".join(f"{number}. {PARAGRAPH}" for number in range(9))  # ~5,000 characters
YES_NO = ((Button("Có", "yes"), Button("Không", "no")),)

Respond = Callable[[Incoming], Awaitable[list[Reply]]]


async def default_respond(message: Incoming) -> list[Reply]:
    """Echoes, and answers a few words with the other reply kinds."""
    if message.payload == "boom" or message.text == "lỗi":
        raise RuntimeError("handler failed")
    if message.payload is not None:
        return [TextReply(f"Đã chọn {message.payload}")]
    if message.unsupported is not None:
        return [TextReply(f"Chưa đọc được {message.unsupported}")]
    if message.attachment is not None:
        data = await message.attachment.download()
        return [TextReply(f"Nhận {message.attachment.file_name}: {data.decode()}")]
    if message.text == "nút":
        return [TextReply("Bạn có muốn nhắc hạn không?", buttons=YES_NO)]
    if message.text == "dài":
        return [TextReply(LONG_TEXT, buttons=YES_NO)]
    if message.text == "ảnh":
        return [ImageReply(PNG, caption="Biểu đồ tiến độ " + "rất dài " * 200)]
    if message.text == "tệp":
        return [FileReply(b"PK\x03\x04 bang tong hop", "tổng hợp.xlsx", caption="Bảng tổng hợp")]
    return [TextReply(f"Bạn nói: {message.text}")]


class StandIn:
    """A handler that records what it got and answers through `respond`."""

    def __init__(self, respond: Respond = default_respond) -> None:
        self.received: list[Incoming] = []
        self._respond = respond

    async def handle(self, message: Incoming) -> list[Reply]:
        self.received.append(message)
        return await self._respond(message)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@asynccontextmanager
async def running(
    telegram: FakeTelegram, handler: StandIn, webhook_url: str | None = None
) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(
        telegram.token,
        handler,
        base_url=telegram.base_url,
        file_base_url=telegram.file_base_url,
        secret=SECRET,
        commands=COMMANDS,
        poll_timeout=1,
    )
    await channel.start(webhook_url)
    try:
        yield channel
    finally:
        await channel.stop()


def test_satisfies_the_channel_protocol() -> None:
    channel: Channel = TelegramChannel("1:x", StandIn(), secret=SECRET)
    assert (channel.name, channel.webhook_path) == ("telegram", "/telegram/webhook")


async def test_polling_round_trip(telegram: FakeTelegram) -> None:
    handler = StandIn()
    async with running(telegram, handler) as channel:
        update = telegram.send_text("Xin chào")
        await telegram.wait_for("sendMessage")
        telegram.send_text("Còn hạn nào?", reply_to=77)
        await telegram.wait_for("sendMessage", 2)
        assert channel.username == telegram.username

    assert telegram.texts == ["Bạn nói: Xin chào", "Bạn nói: Còn hạn nào?"]
    replies = [call.method for call in telegram.calls() if call.method.startswith("send")]
    assert replies == ["sendChatAction", "sendMessage"] * 2, "typing shows before each answer"
    assert telegram.calls("sendMessage")[0].params["chat_id"] == DEFAULT_USER_ID
    assert all("parse_mode" not in call.params for call in telegram.calls("sendMessage"))
    first, second = handler.received
    assert first == Incoming(
        channel="telegram",
        chat_id=str(DEFAULT_USER_ID),
        user_id=str(DEFAULT_USER_ID),
        text="Xin chào",
        user_name="Lan Nguyễn",
        message_id=str(update["message"]["message_id"]),
    )
    assert second.reply_to == "77"
    assert telegram.calls("deleteWebhook"), "polling starts by dropping any webhook"
    assert telegram.calls("getUpdates")[0].params["allowed_updates"] == [
        "message",
        "callback_query",
    ]


async def test_decomposed_vietnamese_arrives_composed(telegram: FakeTelegram) -> None:
    handler = StandIn()
    async with running(telegram, handler):
        telegram.send_text(unicodedata.normalize("NFD", "Hạn nộp báo cáo"), first_name="Hoà")
        await telegram.wait_for("sendMessage")
    (message,) = handler.received
    assert message.text == unicodedata.normalize("NFC", "Hạn nộp báo cáo")
    assert message.text != unicodedata.normalize("NFD", "Hạn nộp báo cáo")
    assert message.user_name == unicodedata.normalize("NFC", "Hoà Nguyễn")


async def test_start_sets_the_command_menu(telegram: FakeTelegram) -> None:
    async with running(telegram, StandIn()):
        pass
    (call,) = telegram.calls("setMyCommands")
    assert call.params["commands"] == [
        {"command": command, "description": description} for command, description in COMMANDS
    ]


async def test_button_press_is_answered_and_reaches_the_handler(telegram: FakeTelegram) -> None:
    handler = StandIn()
    async with running(telegram, handler):
        telegram.send_text("nút")
        (offer,) = await telegram.wait_for("sendMessage")
        update = telegram.press_button("yes")
        await telegram.wait_for("sendMessage", 2)

    assert offer.params["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Có", "callback_data": "yes"}, {"text": "Không", "callback_data": "no"}]
        ]
    }
    (answer,) = telegram.calls("answerCallbackQuery")
    assert answer.params["callback_query_id"] == update["callback_query"]["id"]
    press = handler.received[-1]
    assert press.payload == "yes"
    assert (press.chat_id, press.user_id, press.user_name) == ("1001", "1001", "Lan Nguyễn")
    assert press.reply_to == str(update["callback_query"]["message"]["message_id"])
    assert telegram.texts[-1] == "Đã chọn yes"


async def test_button_press_is_answered_even_when_the_handler_fails(
    telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(telegram, StandIn()):
        telegram.press_button("boom")
        await telegram.wait_for("answerCallbackQuery")
        telegram.send_text("vẫn chạy chứ?")
        await telegram.wait_for("sendMessage")

    assert telegram.texts == ["Bạn nói: vẫn chạy chứ?"]
    assert any(
        record.name == "bot.telegram" and record.levelno == logging.ERROR
        for record in caplog.records
    )


async def test_handler_errors_are_logged_and_the_bot_keeps_going(
    telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(telegram, StandIn()):
        telegram.send_text("lỗi")
        telegram.send_text("tiếp")
        await telegram.wait_for("sendMessage")

    assert telegram.texts == ["Bạn nói: tiếp"]
    failures = [record for record in caplog.records if record.name == "bot.telegram"]
    assert failures and failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], RuntimeError)


async def test_long_reply_is_split_with_buttons_under_the_last_part(
    telegram: FakeTelegram,
) -> None:
    async with running(telegram, StandIn()):
        telegram.send_text("dài")
        first, second = await telegram.wait_for("sendMessage", 2)

    assert len(LONG_TEXT) > 4096
    assert all(len(text) <= 4096 for text in telegram.texts)
    assert "reply_markup" not in first.params
    assert second.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert " ".join(" ".join(telegram.texts).split()) == " ".join(LONG_TEXT.split())


async def test_images_and_files_are_uploaded(telegram: FakeTelegram) -> None:
    async with running(telegram, StandIn()):
        telegram.send_text("ảnh")
        (photo,) = await telegram.wait_for("sendPhoto")
        telegram.send_text("tệp")
        (document,) = await telegram.wait_for("sendDocument")

    assert photo.uploads["photo"].data == PNG
    assert photo.params["caption"].startswith("Biểu đồ tiến độ")
    assert len(photo.params["caption"]) <= 1024
    upload = document.uploads["document"]
    assert (upload.file_name, upload.data) == ("tổng hợp.xlsx", b"PK\x03\x04 bang tong hop")
    assert document.params["caption"] == "Bảng tổng hợp"


async def test_document_is_downloadable_by_the_handler(telegram: FakeTelegram) -> None:
    handler = StandIn()
    content = "Kế hoạch tháng 9".encode()
    async with running(telegram, handler):
        telegram.send_document(content, "kh-thang-9.txt", caption="nhập")
        await telegram.wait_for("sendMessage")

    (message,) = handler.received
    assert message.attachment is not None
    assert (message.attachment.file_name, message.attachment.size) == (
        "kh-thang-9.txt",
        len(content),
    )
    assert message.text == "nhập"
    assert telegram.texts == ["Nhận kh-thang-9.txt: Kế hoạch tháng 9"]
    assert telegram.calls("getFile")


async def test_stickers_photos_are_unsupported_and_service_messages_ignored(
    telegram: FakeTelegram,
) -> None:
    handler = StandIn()
    async with running(telegram, handler):
        telegram.send_message({"new_chat_members": [{"id": 5, "is_bot": False, "first_name": "B"}]})
        telegram.send_sticker()
        telegram.send_photo(caption="ảnh chụp công văn")
        await telegram.wait_for("sendMessage", 2)

    assert [message.unsupported for message in handler.received] == ["sticker", "photo"]
    assert handler.received[1].text == "ảnh chụp công văn"
    assert telegram.texts == ["Chưa đọc được sticker", "Chưa đọc được photo"]


async def test_group_commands_lose_the_bot_mention(telegram: FakeTelegram) -> None:
    handler = StandIn()
    group = {"chat_id": -100123, "user_id": 2002}
    async with running(telegram, handler):
        telegram.send_text("/hoi@OtherBot chuyện khác", **group)
        telegram.send_text(f"/hoi@{telegram.username} lịch họp", **group)
        telegram.send_text(f"/huy@{telegram.username}", **group)
        await telegram.wait_for("sendMessage", 2)

    assert [message.text for message in handler.received] == ["/hoi lịch họp", "/huy"]
    assert {(message.chat_id, message.user_id) for message in handler.received} == {
        ("-100123", "2002")
    }
    assert {call.params["chat_id"] for call in telegram.calls("sendMessage")} == {-100123}


async def test_one_users_rapid_messages_are_handled_in_order(telegram: FakeTelegram) -> None:
    events: list[str] = []

    async def slow_first(message: Incoming) -> list[Reply]:
        events.append(f"start {message.text}")
        await asyncio.sleep(0.02 * (5 - int(message.text)))
        events.append(f"end {message.text}")
        return [TextReply(f"Trả lời {message.text}")]

    async with running(telegram, StandIn(slow_first)):
        for number in range(1, 6):
            telegram.send_text(str(number))
        await telegram.wait_for("sendMessage", 5)

    assert events == [f"{step} {n}" for n in range(1, 6) for step in ("start", "end")]
    assert telegram.texts == [f"Trả lời {n}" for n in range(1, 6)]


async def test_different_users_are_handled_concurrently(telegram: FakeTelegram) -> None:
    second_arrived = asyncio.Event()

    async def first_waits_for_second(message: Incoming) -> list[Reply]:
        if message.user_id == "1":
            await asyncio.wait_for(second_arrived.wait(), 3)
        else:
            second_arrived.set()
        return [TextReply(f"Chào {message.user_id}")]

    async with running(telegram, StandIn(first_waits_for_second)):
        telegram.send_text("một", user_id=1)
        telegram.send_text("hai", user_id=2)
        await telegram.wait_for("sendMessage", 2)

    assert sorted(telegram.texts) == ["Chào 1", "Chào 2"]


async def test_send_delivers_unprompted_and_returns_message_ids(telegram: FakeTelegram) -> None:
    async with running(telegram, StandIn()) as channel:
        ids = await channel.send(
            "4242",
            [TextReply(LONG_TEXT), ImageReply(PNG), FileReply(b"x", "a.docx")],
        )

    sent = telegram.calls()
    results = [call for call in sent if call.method in ("sendMessage", "sendPhoto", "sendDocument")]
    assert [call.method for call in results] == [
        "sendMessage",
        "sendMessage",
        "sendPhoto",
        "sendDocument",
    ]
    assert all(call.params["chat_id"] == 4242 for call in results)
    assert len(ids) == 4 and len(set(ids)) == 4 and all(i.isdigit() for i in ids)
    assert [int(i) for i in ids] == sorted(int(i) for i in ids)


async def test_send_surfaces_flood_control_and_server_errors(telegram: FakeTelegram) -> None:
    async with running(telegram, StandIn()) as channel:
        telegram.fail("sendMessage", status=429, retry_after=3)
        with pytest.raises(RateLimited) as flood:
            await channel.send("4242", [TextReply("Nhắc hạn báo cáo")])
        assert flood.value.retry_after == 3

        telegram.fail("sendPhoto", status=502)
        with pytest.raises(Unavailable):
            await channel.send("4242", [ImageReply(PNG)])

        telegram.fail(
            "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
        )
        with pytest.raises(Undeliverable):
            await channel.send("4242", [TextReply("Nhắc hạn báo cáo")])

        assert len(await channel.send("4242", [TextReply("Nhắc hạn báo cáo")])) == 1
    assert [call.status for call in telegram.calls("sendMessage", failed=True)] == [429, 403, 200]


async def test_fake_rate_limit_answers_429_beyond_the_limit() -> None:
    async with FakeTelegram(rate_limit=2) as telegram, running(telegram, StandIn()) as channel:
        await channel.send("1", [TextReply("một"), TextReply("hai")])
        with pytest.raises(RateLimited) as flood:
            await channel.send("1", [TextReply("ba")])
    assert flood.value.retry_after == 1
    assert telegram.texts == ["một", "hai"]


async def test_polling_survives_a_failing_get_updates(telegram: FakeTelegram) -> None:
    telegram.fail("getUpdates", status=502)
    async with running(telegram, StandIn()):
        telegram.send_text("còn đó không?")
        await telegram.wait_for("sendMessage")
    assert telegram.calls("getUpdates", failed=True)[0].status == 502


async def test_start_with_a_wrong_token_fails_cleanly(telegram: FakeTelegram) -> None:
    channel = TelegramChannel(
        "999:wrong",
        StandIn(),
        base_url=telegram.base_url,
        file_base_url=telegram.file_base_url,
        secret=SECRET,
    )
    with pytest.raises(InvalidToken):
        await channel.start(None)
    await channel.stop()


async def test_stop_answers_updates_already_received(telegram: FakeTelegram) -> None:
    started = asyncio.Event()

    async def slow(message: Incoming) -> list[Reply]:
        started.set()
        await asyncio.sleep(0.2)
        return [TextReply("xong")]

    async with running(telegram, StandIn(slow)):
        telegram.send_text("việc dài")
        await asyncio.wait_for(started.wait(), 5)
    assert telegram.texts == ["xong"]


@asynccontextmanager
async def webhook_server(channel_holder: dict[str, Any]) -> AsyncIterator[TestClient[Any, Any]]:
    """A real aiohttp server on 127.0.0.1 hosting the channel's webhook route."""

    async def route(request: web.Request) -> web.StreamResponse:
        channel: TelegramChannel = channel_holder["channel"]
        return await channel.webhook(request)

    app = web.Application(client_max_size=4 * MAX_WEBHOOK_BODY)
    app.router.add_post(TelegramChannel.webhook_path, route)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


async def test_webhook_mode_registers_and_processes_updates(telegram: FakeTelegram) -> None:
    holder: dict[str, Any] = {}
    handler = StandIn()
    async with webhook_server(holder) as client:
        url = str(client.make_url(TelegramChannel.webhook_path))
        async with running(telegram, handler, webhook_url=url) as channel:
            holder["channel"] = channel
            (registered,) = telegram.calls("setWebhook")
            assert registered.params["url"] == url
            assert registered.params["secret_token"] == SECRET
            assert registered.params["allowed_updates"] == ["message", "callback_query"]
            assert telegram.calls("setMyCommands")

            telegram.send_text("Qua webhook")
            await telegram.wait_for("sendMessage")

    assert [delivery.status for delivery in telegram.deliveries] == [200]
    assert telegram.texts == ["Bạn nói: Qua webhook"]
    assert not telegram.calls("getUpdates")


async def test_webhook_rejects_bad_requests(telegram: FakeTelegram) -> None:
    holder: dict[str, Any] = {}
    handler = StandIn()
    update = {
        "update_id": 1,
        "message": {
            "message_id": 9,
            "date": 1_700_000_000,
            "chat": {"id": 7, "type": "private"},
            "from": {"id": 7, "is_bot": False, "first_name": "An"},
            "text": "trực tiếp",
        },
    }
    async with webhook_server(holder) as client:
        url = str(client.make_url(TelegramChannel.webhook_path))
        async with running(telegram, handler, webhook_url=url) as channel:
            holder["channel"] = channel
            path = TelegramChannel.webhook_path
            good = {SECRET_HEADER: SECRET}

            async def status(body: object, headers: dict[str, str] | None = None) -> int:
                async with client.post(path, data=body, headers=headers) as response:
                    return response.status

            assert await status(json.dumps(update)) == 403
            assert await status(json.dumps(update), {SECRET_HEADER: SECRET + "x"}) == 403
            assert await status("{not json", good) == 400
            assert await status(b"\xff\xfe", good) == 400
            assert await status("[1, 2]", good) == 400
            assert await status(json.dumps({"message": {}}), good) == 400
            assert await status(json.dumps({"update_id": 2, "message": "x"}), good) == 400
            assert await status(io.BytesIO(b" " * (MAX_WEBHOOK_BODY + 1)), good) == 413

            async def chunks() -> AsyncIterator[bytes]:
                for _ in range(20):
                    yield b" " * 64 * 1024

            async with client.post(path, data=chunks(), headers=good) as response:
                assert response.status == 413

            assert handler.received == []
            assert await status(json.dumps(update), good) == 200
            await telegram.wait_for("sendMessage")

    assert [message.text for message in handler.received] == ["trực tiếp"]
    assert telegram.calls("sendMessage")[0].params["chat_id"] == 7


async def test_fake_server_follows_the_bot_api(telegram: FakeTelegram) -> None:
    """The fake itself, spoken to directly: GET and JSON bodies, limits, offsets, errors."""
    base = f"{telegram.base_url}{telegram.token}"

    async def call(method: str, *, get: bool = False, **params: Any) -> tuple[int, Any]:
        url = f"{base}/{method}"
        async with http.get(url, params=params) if get else http.post(url, json=params) as response:
            return response.status, await response.json()

    async with aiohttp.ClientSession() as http:
        assert (await call("getMe", get=True))[1]["result"]["username"] == telegram.username
        status, body = await call("sendMessage", chat_id=5, text="x" * 4097)
        assert (status, body["description"]) == (400, "Bad Request: message is too long")
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]}
        status, body = await call("sendMessage", chat_id=5, text="chào", reply_markup=markup)
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")

        first, second = telegram.send_text("một"), telegram.send_text("hai")
        _, body = await call("getUpdates", timeout=0)
        assert [update["update_id"] for update in body["result"]] == [
            first["update_id"],
            second["update_id"],
        ]
        _, body = await call("getUpdates", offset=second["update_id"], timeout=0)
        assert [update["message"]["text"] for update in body["result"]] == ["hai"]
        waiting = asyncio.create_task(call("getUpdates", offset=second["update_id"] + 1, timeout=5))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        telegram.send_text("ba")
        _, body = await asyncio.wait_for(waiting, 1)
        assert [update["message"]["text"] for update in body["result"]] == ["ba"]

        assert (await call("setWebhook", url="https://example.invalid/hook"))[0] == 200
        assert (await call("getUpdates", timeout=0))[0] == 409
        _, body = await call("getWebhookInfo")
        assert body["result"]["url"] == "https://example.invalid/hook"
        assert body["result"]["pending_update_count"] == 1
        assert telegram.deliveries == [], "only loopback webhooks are called"
        assert (await call("deleteWebhook", drop_pending_updates=True))[0] == 200
        assert (await call("getWebhookInfo"))[1]["result"]["pending_update_count"] == 0

        keyboard = {"inline_keyboard": [[{"text": "Xong", "callback_data": "done"}]]}
        _, body = await call(
            "editMessageReplyMarkup", chat_id=5, message_id=3, reply_markup=keyboard
        )
        assert body["result"]["reply_markup"] == keyboard

        telegram.fail("getMe", status=500)
        assert (await call("getMe"))[0] == 500
        assert (await call("getMe"))[0] == 200
        assert (await call("noSuchMethod"))[0] == 404
        async with http.post(f"{telegram.base_url}1:wrong/getMe") as response:
            assert response.status == 401
