"""Settings from the environment, with embedded defaults that need nothing set up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dialogs.session import DEFAULT_IDLE_SECONDS
from knowledge.loader import DEFAULT_CONTENT

__all__ = ["TEAMS_SDKS", "WEB_PAGE_MODES", "Settings", "TeamsSdk", "WebPageMode"]

WebPageMode = Literal["auto", "on", "off"]
WEB_PAGE_MODES: tuple[WebPageMode, ...] = ("auto", "on", "off")
TeamsSdk = Literal["botbuilder", "agents"]
TEAMS_SDKS: tuple[TeamsSdk, ...] = ("botbuilder", "agents")
AGENTS_CONNECTION = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
"""The prefix of the Microsoft 365 Agents SDK's own names for the bot's credentials."""


@dataclass(frozen=True)
class Settings:
    """Run-time settings. ``data_dir`` holds every file Verbind writes."""

    content_dir: Path = DEFAULT_CONTENT
    data_dir: Path = Path("var")
    session_idle_seconds: float = DEFAULT_IDLE_SECONDS
    session_purge_seconds: float = 300.0
    host: str = "127.0.0.1"
    port: int = 3978
    max_body_bytes: int = 256 * 1024
    app_id: str = ""
    """MicrosoftAppId; empty means local mode (no JWT check)."""
    app_password: str = ""
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    teams_sdk: TeamsSdk = "botbuilder"
    """The SDK Teams runs on: botbuilder (Bot Framework, archived) or agents (Microsoft 365
    Agents SDK, supported); both answer alike."""
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: str = "https://slack.com/api/"
    """The Slack Web API base URL (tests point it at a local fake)."""
    register_key: str = ""
    """Hex HMAC key of the consultation register; empty: ``register.key`` in the data dir."""
    register_retention: str = "24m"
    """How long register records are kept (``verbind register purge``), in months."""
    intakes_file: Path | None = None
    """YAML file naming each partner's intake (Teams/Slack channel or webhook)."""
    public_url: str = ""
    """The server's public https address, for pick-up links in webhook requests."""
    web_page: WebPageMode = "auto"
    """The local web chat page: auto (this machine only), on (everyone) or off."""
    database_url: str = ""
    """PostgreSQL for sessions and the register (shared by instances); empty: embedded."""
    allow_unauthenticated: bool = False
    """``VERBIND_ALLOW_UNAUTHENTICATED=1``: serve on a network address without MicrosoftAppId
    (local mode then still answers only requests from this machine)."""
    teams_openid_metadata_url: str = ""
    """Where the Teams signing keys are announced; empty: Microsoft's own addresses."""
    teams_key_timeout_seconds: float = 5.0
    """How long fetching the Teams signing keys may take before the request gets 503."""
    send_timeout_seconds: float = 10.0
    """How long posting a reply to the Bot Connector or an intake webhook may take."""
    slack_api_timeout_seconds: float = 10.0
    """How long one Slack Web API call may take."""

    @property
    def slack_enabled(self) -> bool:
        """Slack is mounted only when both the token and the signing secret are set."""
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``VERBIND_*`` variables; unset ones keep their defaults."""
        values = os.environ if env is None else env
        return cls(
            content_dir=Path(values.get("VERBIND_CONTENT_DIR", str(DEFAULT_CONTENT))),
            data_dir=Path(values.get("VERBIND_DATA_DIR", "var")),
            session_idle_seconds=float(
                values.get("VERBIND_SESSION_IDLE_SECONDS", DEFAULT_IDLE_SECONDS)
            ),
            host=values.get("VERBIND_HOST", "127.0.0.1"),
            port=int(values.get("VERBIND_PORT", "3978")),
            app_id=_credential(values, "MicrosoftAppId", "CLIENTID"),
            app_password=_credential(values, "MicrosoftAppPassword", "CLIENTSECRET"),
            app_type=values.get("MicrosoftAppType", "MultiTenant"),
            app_tenant_id=_credential(values, "MicrosoftAppTenantId", "TENANTID"),
            teams_sdk=_teams_sdk(values.get("VERBIND_TEAMS_SDK", "botbuilder")),
            slack_bot_token=values.get("SLACK_BOT_TOKEN", ""),
            slack_signing_secret=values.get("SLACK_SIGNING_SECRET", ""),
            slack_api_url=values.get("SLACK_API_URL", "https://slack.com/api/"),
            register_key=values.get("VERBIND_REGISTER_KEY", ""),
            register_retention=values.get("VERBIND_REGISTER_RETENTION", "24m"),
            intakes_file=Path(values["VERBIND_INTAKES"]) if values.get("VERBIND_INTAKES") else None,
            public_url=values.get("VERBIND_PUBLIC_URL", "").rstrip("/"),
            web_page=_web_page_mode(values.get("VERBIND_WEB_PAGE", "auto")),
            database_url=values.get("VERBIND_DATABASE_URL", "").strip(),
            allow_unauthenticated=values.get("VERBIND_ALLOW_UNAUTHENTICATED", "") == "1",
            teams_openid_metadata_url=values.get("VERBIND_TEAMS_OPENID_METADATA_URL", ""),
        )


def _web_page_mode(value: str) -> WebPageMode:
    """``VERBIND_WEB_PAGE`` checked; a typo must not silently open the page to everyone."""
    mode = value.strip().lower()
    if mode not in WEB_PAGE_MODES:
        raise ValueError(f"VERBIND_WEB_PAGE moet auto, on of off zijn, niet {value!r}")
    return mode


def _teams_sdk(value: str) -> TeamsSdk:
    """``VERBIND_TEAMS_SDK`` checked: a typo must not silently pick the other SDK."""
    sdk = value.strip().lower()
    if sdk not in TEAMS_SDKS:
        raise ValueError(f"VERBIND_TEAMS_SDK moet botbuilder of agents zijn, niet {value!r}")
    return sdk


def _credential(values: Mapping[str, str], bot_framework: str, agents: str) -> str:
    """A bot credential under its Bot Framework name (``MicrosoftAppId``) or the Agents SDK's
    (``CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID``); the first one set wins."""
    return values.get(bot_framework) or values.get(AGENTS_CONNECTION + agents, "")
