"""Settings from the environment and `.env`, parsed once at start-up and passed on as a value."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import DirectoryPath, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduler.policy import ReminderPolicy, parse_days, parse_hours
from scheduler.throttle import Limits


def _default_database_url() -> str:
    """A SQLite file under ./data, so a first run needs no database server."""
    return f"sqlite:///{(Path.cwd() / 'data' / 'planbot.db').resolve()}"


class Settings(BaseSettings):
    """Everything the bot reads from its environment; real environment variables win over .env."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    database_url: str = Field(default_factory=_default_database_url)
    timezone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    plans_dir: DirectoryPath | None = None

    telegram_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None

    zalo_bot_token: str | None = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com/bot"

    reminder_days: str = Field(default="7,3,1,0", pattern=r"^\s*\d+(\s*,\s*\d+)*\s*$")
    reminder_time: time = time(7, 30)
    quiet_hours: str = Field(
        default="21:00-07:00", pattern=r"^\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*$"
    )
    telegram_rate: float = Field(default=29.0, gt=0)
    telegram_chat_interval: float = Field(default=1.0, ge=0)
    zalo_rate: float = Field(default=10.0, gt=0)
    zalo_chat_interval: float = Field(default=1.0, ge=0)
    reminder_tick_seconds: int = Field(default=60, ge=5)
    reminder_lease_seconds: int = Field(default=600, ge=10)

    public_url: str | None = None
    web_host: str = "0.0.0.0"
    web_port: int = 8080
    webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{16,256}$")

    @property
    def reminder_policy(self) -> ReminderPolicy:
        quiet_from, quiet_until = parse_hours(self.quiet_hours)
        return ReminderPolicy(
            parse_days(self.reminder_days),
            self.reminder_time,
            quiet_from,
            quiet_until,
            self.timezone,
        )

    @property
    def send_limits(self) -> dict[str, Limits]:
        """Per platform: Telegram takes about 30 messages/s and 1/s per chat; Zalo publishes no
        figure, so its pace is a setting too."""
        return {
            "telegram": Limits(self.telegram_rate, self.telegram_chat_interval),
            "zalo": Limits(self.zalo_rate, self.zalo_chat_interval),
        }

    @property
    def telegram_file_base_url(self) -> str:
        """Bot API servers serve files beside the methods: …/bot<token> → …/file/bot<token>."""
        base = self.telegram_api_base_url
        return f"{base.removesuffix('bot')}file/bot" if base.endswith("bot") else base
