"""`planbot run`: every configured channel in one process and one event loop.

With PUBLIC_URL set, the bot's web server receives the platforms' webhooks, serves chart
images to Zalo and answers GET /healthz; without it, channels poll for updates. SIGTERM and
SIGINT stop the channels, which finish the replies under way, then the web server. The
reminder tick runs in the same loop and sends through the same channels.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_conversation
from bot.channel import Channel
from bot.config import Settings
from bot.media import MediaStore
from bot.reminders import build_sender, sender_lock
from bot.telegram import TelegramChannel
from bot.zalo import ZaloChannel, ZaloClient
from handlers.commands import COMMANDS
from handlers.messages import Handler
from scheduler.jobs import ReminderJobs

log = logging.getLogger(__name__)


class NoChannel(Exception):
    """Neither TELEGRAM_TOKEN nor ZALO_BOT_TOKEN is configured."""


def build_channels(
    settings: Settings, handler: Handler, media: MediaStore, secret: str
) -> list[Channel]:
    channels: list[Channel] = []
    if settings.telegram_token:
        menu = [(command.name, command.description) for command in COMMANDS]
        channels.append(
            TelegramChannel(
                settings.telegram_token,
                handler,
                base_url=settings.telegram_api_base_url,
                file_base_url=settings.telegram_file_base_url,
                secret=secret,
                commands=menu,
            )
        )
    if settings.zalo_bot_token:
        client = ZaloClient(settings.zalo_api_base_url, settings.zalo_bot_token)
        channels.append(
            ZaloChannel(client, handler, secret=secret, media=media, public_url=settings.public_url)
        )
    return channels


def web_app(
    channels: list[Channel], media: MediaStore, sessions: sessionmaker[Session]
) -> web.Application:
    async def healthz(_request: web.Request) -> web.Response:
        try:
            with sessions() as session:
                session.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check: database unreachable")
            return web.json_response({"status": "database unreachable"}, status=503)
        return web.json_response({"status": "ok", "channels": [c.name for c in channels]})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/media/{token}.png", media.serve)
    for channel in channels:
        app.router.add_post(channel.webhook_path, channel.webhook)
    return app


async def serve(settings: Settings, sessions: sessionmaker[Session], stop: asyncio.Event) -> None:
    """Run until `stop` is set; raises NoChannel when there is nothing to run."""
    media = MediaStore()
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    channels = build_channels(settings, build_conversation(settings, sessions), media, secret)
    if not channels:
        raise NoChannel
    runner = None
    public_url = settings.public_url.rstrip("/") if settings.public_url else None
    if public_url:
        runner = web.AppRunner(web_app(channels, media, sessions))
        await runner.setup()
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
    started: list[Channel] = []
    try:
        for channel in channels:
            await channel.start(f"{public_url}{channel.webhook_path}" if public_url else None)
            started.append(channel)
            mode = "webhook" if public_url else "polling"
            log.info("channel %s started (%s)", channel.name, mode)
        with sender_lock(settings.database_url):
            sender = build_sender(settings, sessions, {c.name: c for c in channels})
            jobs = ReminderJobs(sender, settings.reminder_tick_seconds, settings.timezone)
            jobs.start()
            try:
                await stop.wait()
            finally:
                await jobs.stop()
    finally:
        for channel in reversed(started):
            await channel.stop()
        if runner is not None:
            await runner.cleanup()


async def run_until_signalled(settings: Settings, sessions: sessionmaker[Session]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await serve(settings, sessions, stop)
