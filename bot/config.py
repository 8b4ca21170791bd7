"""Settings from the environment and `.env`, parsed once at start-up and passed on as a value."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import DirectoryPath, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    public_url: str | None = None
    web_host: str = "0.0.0.0"
    web_port: int = 8080
    webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{16,256}$")

    @property
    def telegram_file_base_url(self) -> str:
        """Bot API servers serve files beside the methods: …/bot<token> → …/file/bot<token>."""
        base = self.telegram_api_base_url
        return f"{base.removesuffix('bot')}file/bot" if base.endswith("bot") else base
