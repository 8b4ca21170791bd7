"""The Zalo adapter against a fake Zalo Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import json
import time
import unicodedata
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_zalo import (
    FakeZalo,
    image_update,
    sticker_update,
    text_update,
    webhook_body,
)

from bot.media import MediaStore
from bot.zalo import (
    MAX_TEXT,
    SECRET_HEADER,
    ZaloChannel,
    ZaloClient,
    ZaloError,
    ZaloRateLimited,
    ZaloUnavailable,
    incoming_from_update,
)
from handlers.messages import (
    Button,
    FileReply,
    ImageReply,
    Incoming,
    Reply,
    TextReply,
)

SECRET = "test-webhook-secret-0123456789"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class StandIn:
    """A handler that records what it got and answers through `respond`."""

    def __init__(self, respond: Callable[[Incoming], list[Reply]] | None = None) -> None:
        self.received: list[Incoming] = []
        self._respond = respond or (lambda message: [TextReply(f"Bạn nói: {message.text}")])

    async def handle(self, message: Incoming) -> list[Reply]:
        self.received.append(message)
        return self._respond(message)


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(max_poll_wait=0.2) as server:
        yield server


@pytest.fixture
async def client(zalo: FakeZalo) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(zalo.base_url, zalo.token) as api:
        yield api


def make_channel(
    client: ZaloClient,
    handler: StandIn,
    *,
    public_url: str | None = None,
    media: MediaStore | None = None,
) -> ZaloChannel:
    return ZaloChannel(
        client,
        handler,
        secret=SECRET,
        media=media or MediaStore(),
        public_url=public_url,
        poll_timeout=1,
        backoff=(0.01, 0.05),
    )


async def test_polling_round_trip(zalo: FakeZalo, client: ZaloClient) -> None:
    handler = StandIn()
    channel = make_channel(client, handler)
    zalo.webhook_url = "https://old.example/zalo/webhook"  # left over from a webhook deployment
    await channel.start(None)
    update = zalo.push(text_update("chat-1", "Xin chào", display_name="Trần Thị Bình"))
    await zalo.wait_for("sendMessage")
    await channel.stop()

    methods = [call.method for call in zalo.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    assert handler.received == [
        Incoming(
            channel="zalo",
            chat_id="chat-1",
            user_id="chat-1",
            text="Xin chào",
            user_name="Trần Thị Bình",
            message_id=update["message"]["message_id"],
        )
    ]
    assert zalo.calls_to("sendChatAction") == [{"chat_id": "chat-1", "action": "typing"}]
    assert zalo.calls_to("sendMessage") == [{"chat_id": "chat-1", "text": "Bạn nói: Xin chào"}]


async def test_stop_is_prompt_during_a_long_poll() -> None:
    async with FakeZalo(max_poll_wait=30) as server:
        api = ZaloClient(server.base_url, server.token)
        channel = ZaloChannel(
            api, StandIn(), secret=SECRET, media=MediaStore(), public_url=None, poll_timeout=30
        )
        await channel.start(None)
        await server.wait_for("getUpdates")
        started = time.monotonic()
        await channel.stop()
        assert time.monotonic() - started < 1.0


async def test_polling_survives_errors_and_backs_off(zalo: FakeZalo, client: ZaloClient) -> None:
    zalo.fail("getUpdates", times=2, status=502)
    zalo.fail("getUpdates", status=429, retry_after=0.01)
    handler = StandIn()
    channel = make_channel(client, handler)
    await channel.start(None)
    zalo.push(text_update("chat-1", "còn đó không?"))
    await zalo.wait_for("sendMessage")
    await channel.stop()
    assert len(zalo.calls_to("getUpdates")) >= 4
    assert [message.text for message in handler.received] == ["còn đó không?"]


async def test_updates_delivered_as_a_list_are_accepted(client: ZaloClient) -> None:
    async with FakeZalo(max_poll_wait=0.2, updates_as_list=True) as server:
        api = ZaloClient(server.base_url, server.token)
        server.push(text_update("chat-9", "một"))
        assert [u["message"]["text"] for u in await api.get_updates(1)] == ["một"]
        assert await api.get_updates(1) == []  # 408: nothing came
        await api.close()


async def test_handler_failure_does_not_stop_the_channel(
    zalo: FakeZalo, client: ZaloClient
) -> None:
    def respond(message: Incoming) -> list[Reply]:
        if message.text == "hỏng":
            raise RuntimeError("boom")
        return [TextReply("ổn")]

    channel = make_channel(client, StandIn(respond))
    await channel.start(None)
    zalo.push(text_update("chat-1", "hỏng"))
    zalo.push(text_update("chat-1", "tiếp"))
    await zalo.wait_for("sendMessage")
    await channel.stop()
    assert zalo.texts == ["ổn"]


async def test_buttons_become_numbered_lines(zalo: FakeZalo, client: ZaloClient) -> None:
    reply = TextReply(
        "Chọn đơn vị:",
        buttons=(
            (Button("Trường A", "unit:a"), Button("Trường B", "unit:b")),
            (Button("Huỷ", "cancel"),),
        ),
    )
    channel = make_channel(client, StandIn())
    await channel.send("chat-1", [reply])
    assert zalo.texts == [
        "Chọn đơn vị:\n\n1. Trường A\n2. Trường B\n3. Huỷ\n(Trả lời bằng một chữ số)"
    ]


async def test_long_reply_is_split_without_loss(zalo: FakeZalo, client: ZaloClient) -> None:
    words = [f"từ{i}" for i in range(1000)]
    paragraphs = [" ".join(words[i : i + 50]) for i in range(0, 1000, 50)]
    text = "\n\n".join(paragraphs)
    text = text[:4500].rsplit(" ", 1)[0]
    assert 4400 < len(text) <= 4500

    channel = make_channel(client, StandIn())
    ids = await channel.send("chat-1", [TextReply(text)])

    assert len(zalo.texts) == 3 and len(ids) == 3
    assert all(0 < len(chunk) <= MAX_TEXT for chunk in zalo.texts)
    assert " ".join(zalo.texts).split() == text.split()


async def test_send_returns_platform_message_ids(zalo: FakeZalo, client: ZaloClient) -> None:
    channel = make_channel(client, StandIn())
    ids = await channel.send("chat-1", [TextReply("một"), TextReply("hai")])
    assert len(ids) == 2 and all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == 2


async def test_image_reply_is_sent_by_url_served_from_media(
    zalo: FakeZalo, client: ZaloClient
) -> None:
    media = MediaStore()
    app = web.Application()
    app.router.add_get("/media/{token}.png", media.serve)
    async with TestClient(TestServer(app)) as web_client:
        public_url = str(web_client.make_url("/")).rstrip("/")
        channel = make_channel(client, StandIn(), public_url=public_url, media=media)
        ids = await channel.send("chat-1", [ImageReply(PNG, caption="Tiến độ quý I")])

        [photo] = zalo.calls_to("sendPhoto")
        assert ids and photo["chat_id"] == "chat-1" and photo["caption"] == "Tiến độ quý I"
        assert photo["photo"].startswith(f"{public_url}/media/")
        assert photo["photo"].endswith(".png")
        path = photo["photo"].removeprefix(public_url)
        served = await web_client.get(path)
        assert served.status == 200 and await served.read() == PNG
        assert served.content_type == "image/png"
        missing = await web_client.get("/media/not-a-real-token.png")
        assert missing.status == 404
    assert zalo.calls_to("sendMessage") == []


async def test_image_without_public_url_falls_back_to_text(
    zalo: FakeZalo, client: ZaloClient
) -> None:
    media = MediaStore()
    channel = make_channel(client, StandIn(), public_url=None, media=media)
    await channel.send("chat-1", [ImageReply(PNG, caption="Tiến độ quý I")])
    assert zalo.calls_to("sendPhoto") == []
    [text] = zalo.texts
    assert text.startswith("Tiến độ quý I\n\n") and "PUBLIC_URL" in text


async def test_image_with_a_long_caption_sends_the_caption_as_text(
    zalo: FakeZalo, client: ZaloClient
) -> None:
    caption = "chú thích " * 300
    channel = make_channel(client, StandIn(), public_url="https://bot.example")
    ids = await channel.send("chat-1", [ImageReply(PNG, caption=caption)])
    [photo] = zalo.calls_to("sendPhoto")
    assert "caption" not in photo and photo["photo"].startswith("https://bot.example/media/")
    assert len(ids) == 1 + len(zalo.texts) and " ".join(zalo.texts).split() == caption.split()


async def test_file_reply_points_to_telegram_or_cli(zalo: FakeZalo, client: ZaloClient) -> None:
    channel = make_channel(client, StandIn())
    await channel.send("chat-1", [FileReply(b"docx", "bao-cao.docx", caption="Báo cáo tháng")])
    [text] = zalo.texts
    assert text.startswith("Báo cáo tháng")
    assert "bao-cao.docx" in text and "Telegram" in text and "CLI" in text


async def test_image_and_sticker_events_are_marked_unsupported(
    zalo: FakeZalo, client: ZaloClient
) -> None:
    handler = StandIn(lambda message: [TextReply(f"không đọc được {message.unsupported}")])
    channel = make_channel(client, handler)
    await channel.start(None)
    zalo.push(image_update("chat-1", caption="ảnh đây"))
    zalo.push(sticker_update("chat-1"))
    await zalo.wait_for("sendMessage", 2)
    await channel.stop()
    assert [(m.unsupported, m.text) for m in handler.received] == [("image", ""), ("sticker", "")]
    assert zalo.texts == ["không đọc được image", "không đọc được sticker"]


def test_incoming_from_update_reads_names_and_ignores_noise() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà Bình")
    update = text_update("c", decomposed, user_id="u")
    update["message"]["from"] = {"id": "u", "first_name": "Lê Văn C"}
    message = incoming_from_update(update)
    assert message is not None
    assert message.text == "Hoà Bình" and message.user_id == "u" and message.chat_id == "c"
    assert message.user_name == "Lê Văn C"

    echo = text_update("c", "bot nói")
    echo["message"]["from"]["is_bot"] = True
    assert incoming_from_update(echo) is None
    assert incoming_from_update({"event_name": "user.follow"}) is None
    unknown = text_update("c", "x")
    unknown["event_name"] = "message.link.received"
    assert incoming_from_update(unknown) == Incoming(
        channel="zalo",
        chat_id="c",
        user_id="c",
        user_name="Nguyễn Văn An",
        message_id=unknown["message"]["message_id"],
        unsupported="link",
    )
    for bad in (
        {},
        {"event_name": 3},
        {"event_name": "message.text.received", "message": "x"},
        {"event_name": "message.text.received", "message": {"chat": {}, "from": {}}},
    ):
        with pytest.raises(ValueError):
            incoming_from_update(bad)


async def test_client_errors_map_to_exceptions(zalo: FakeZalo, client: ZaloClient) -> None:
    zalo.fail("sendMessage", status=429, retry_after=3)
    with pytest.raises(ZaloRateLimited) as limited:
        await client.send_message("chat-1", "a")
    assert limited.value.retry_after == 3.0 and limited.value.error_code == 429

    zalo.fail("sendMessage", status=200, error_code=-32, description="Quota exceeded for today")
    with pytest.raises(ZaloRateLimited) as quota:
        await client.send_message("chat-1", "a")
    assert quota.value.retry_after is None

    zalo.fail("sendMessage", status=503)
    with pytest.raises(ZaloUnavailable):
        await client.send_message("chat-1", "a")

    zalo.fail("sendMessage", status=502, description="<html>Bad gateway</html>", json_body=False)
    with pytest.raises(ZaloUnavailable) as gateway:
        await client.send_message("chat-1", "a")
    assert gateway.value.error_code == 502

    with pytest.raises(ZaloError) as too_long:
        await client.send_message("chat-1", "x" * (MAX_TEXT + 1))
    assert type(too_long.value) is ZaloError and too_long.value.error_code == 400

    assert await client.send_message("chat-1", "x" * MAX_TEXT)


async def test_bad_token_is_a_plain_error_and_never_leaks(zalo: FakeZalo) -> None:
    token = "999:very-secret-token"
    async with ZaloClient(zalo.base_url, token) as wrong:
        with pytest.raises(ZaloError) as refused:
            await wrong.get_me()
        assert type(refused.value) is ZaloError and refused.value.error_code == 401
        assert token not in str(refused.value) and token not in repr(wrong)


async def test_network_failure_is_unavailable_without_the_token(zalo: FakeZalo) -> None:
    port = zalo.port
    await zalo.close()
    token = "999:very-secret-token"
    async with ZaloClient(f"http://127.0.0.1:{port}/bot", token) as offline:
        with pytest.raises(ZaloUnavailable) as down:
            await offline.send_message("chat-1", "a")
    assert token not in str(down.value)
    assert down.value.__cause__ is None and down.value.__suppress_context__


async def test_client_methods_against_the_fake(zalo: FakeZalo, client: ZaloClient) -> None:
    me = await client.get_me()
    assert me["account_name"] == "bot.FakePlan"
    await client.set_webhook("https://bot.example/zalo/webhook", SECRET)
    assert (await client.get_webhook_info())["url"] == "https://bot.example/zalo/webhook"
    with pytest.raises(ZaloError):
        await client.get_updates(1)  # a webhook is active
    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""
    await client.send_chat_action("chat-1")
    assert await client.send_photo("chat-1", "https://example.org/a.png")
    assert zalo.calls_to("sendPhoto") == [
        {"chat_id": "chat-1", "photo": "https://example.org/a.png"}
    ]


@pytest.fixture
async def hosted(
    zalo: FakeZalo, client: ZaloClient
) -> AsyncIterator[tuple[ZaloChannel, StandIn, TestClient[Any, Any]]]:
    """A channel in webhook mode, its webhook on a real aiohttp server on 127.0.0.1."""
    handler = StandIn()
    channel = make_channel(client, handler)
    app = web.Application()
    app.router.add_post(channel.webhook_path, channel.webhook)
    async with TestClient(TestServer(app)) as web_client:
        await channel.start("https://bot.example/zalo/webhook")
        yield channel, handler, web_client
        await channel.stop()


async def post(web_client: TestClient[Any, Any], body: Any, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    data = io.BytesIO(body if isinstance(body, bytes) else json.dumps(body).encode())
    response = await web_client.post("/zalo/webhook", data=data, headers=headers)
    return response.status


async def test_webhook_mode_registers_and_processes(
    zalo: FakeZalo, hosted: tuple[ZaloChannel, StandIn, TestClient[Any, Any]]
) -> None:
    _, handler, web_client = hosted
    assert zalo.calls_to("setWebhook") == [
        {"url": "https://bot.example/zalo/webhook", "secret_token": SECRET}
    ]
    assert zalo.calls_to("getUpdates") == []

    assert await post(web_client, webhook_body(text_update("chat-1", "chào bot"))) == 200
    assert await post(web_client, text_update("chat-2", "không bọc")) == 200
    await zalo.wait_for("sendMessage", 2)
    assert sorted(m.text for m in handler.received) == ["chào bot", "không bọc"]


async def test_webhook_rejects_bad_requests_without_500(
    zalo: FakeZalo, hosted: tuple[ZaloChannel, StandIn, TestClient[Any, Any]]
) -> None:
    _, handler, web_client = hosted
    valid = webhook_body(text_update("chat-1", "x"))
    assert await post(web_client, valid, secret=None) == 403
    assert await post(web_client, valid, secret="wrong-secret") == 403
    assert await post(web_client, valid, secret=SECRET + "x") == 403
    assert await post(web_client, b"{not json") == 400
    assert await post(web_client, b"\xff\xfe") == 400
    shapes: list[Any] = [
        [],
        "text",
        5,
        None,
        {},
        {"ok": True, "result": "x"},
        {"event_name": 1},
        {"event_name": "message.text.received", "message": []},
        {"event_name": "message.text.received", "message": {"chat": {"id": "c"}}},
    ]
    for shape in shapes:
        assert await post(web_client, shape) == 400, shape
    big = json.dumps({"event_name": "x", "pad": "a" * (1024 * 1024)}).encode()
    assert await post(web_client, big) == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * (64 * 1024)

    response = await web_client.post(
        "/zalo/webhook", data=chunks(), headers={SECRET_HEADER: SECRET}
    )
    assert response.status == 413
    assert handler.received == []


async def test_webhook_keeps_each_chat_in_order_and_drops_redeliveries(
    zalo: FakeZalo, client: ZaloClient
) -> None:
    async def slow_then_fast(message: Incoming) -> list[Reply]:
        await asyncio.sleep(0.2 if message.text == "1" else 0)
        return [TextReply(f"{message.chat_id}:{message.text}")]

    class Slow(StandIn):
        async def handle(self, message: Incoming) -> list[Reply]:
            self.received.append(message)
            return await slow_then_fast(message)

    handler = Slow()
    channel = make_channel(client, handler)
    app = web.Application()
    app.router.add_post(channel.webhook_path, channel.webhook)
    async with TestClient(TestServer(app)) as web_client:
        await channel.start("https://bot.example/zalo/webhook")
        first = text_update("chat-1", "1")
        assert await post(web_client, webhook_body(first)) == 200
        assert await post(web_client, webhook_body(text_update("chat-1", "2"))) == 200
        assert await post(web_client, webhook_body(text_update("chat-2", "3"))) == 200
        assert await post(web_client, webhook_body(first)) == 200  # Zalo retried
        await zalo.wait_for("sendMessage", 3)
        await channel.stop()
    assert zalo.texts == ["chat-2:3", "chat-1:1", "chat-1:2"]
    assert len(handler.received) == 3
