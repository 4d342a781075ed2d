"""Settings from the environment, with embedded defaults that need nothing set up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal

from dialogs.session import DEFAULT_IDLE_SECONDS, DEFAULT_MAX_SESSIONS
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
    max_memory_sessions: int = DEFAULT_MAX_SESSIONS
    """In-memory sessions kept at most; the least recently used goes first (``/healthz``)."""
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
    """Hex HMAC key of the consultation register; empty: ``register_key_file``."""
    register_key_file: Path | None = None
    """A file holding the hex key, best outside the data dir; None: ``register.key`` in it."""
    register_head_file: Path | None = None
    """Where each append writes the register's head mark; None: ``register.head`` in the data
    dir. Put it on other storage (or let the log carry it) to catch a register cut short."""
    register_retention: str = "24m"
    """How long register records are kept (``verbind register purge``), in months."""
    intakes_file: Path | None = None
    """YAML file naming each partner's intake (Teams/Slack channel or webhook)."""
    pickup_days: float = 7.0
    """How long a pick-up link or button works after the request was sent, in days."""
    public_url: str = ""
    """The server's public https address, for pick-up links in webhook requests."""
    web_page: WebPageMode = "auto"
    """The local web chat page: auto (this machine only), on (everyone) or off."""
    database_url: str = ""
    """PostgreSQL for sessions and the register (shared by instances); empty: embedded."""
    web_cookie_key: str = ""
    """Hex key that seals the web page's cookie; empty: derived from the register key."""
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    """Addresses of reverse proxies in front of Verbind: their requests are never "local"."""
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
    db_pool_timeout_seconds: float = 3.0
    """How long a request waits for a pooled PostgreSQL connection before it is answered 503."""
    db_connect_timeout_seconds: float = 5.0
    """How long connecting to PostgreSQL may take."""
    inbox_secret: str = ""
    """A shared secret that opens the partner inbox (``/inbox``) on a trusted network; empty:
    the inbox follows the web page's rule only."""
    report_secret: str = ""
    """A shared secret that opens the manager's report (``/rapport``) with a login; empty: the
    report opens on this machine only (never to everyone)."""

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
            max_memory_sessions=int(values.get("VERBIND_MAX_SESSIONS", str(DEFAULT_MAX_SESSIONS))),
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
            register_key_file=_path(values.get("VERBIND_REGISTER_KEY_FILE")),
            register_head_file=_path(values.get("VERBIND_REGISTER_HEAD_FILE")),
            register_retention=values.get("VERBIND_REGISTER_RETENTION", "24m"),
            intakes_file=_path(values.get("VERBIND_INTAKES")),
            public_url=values.get("VERBIND_PUBLIC_URL", "").rstrip("/"),
            pickup_days=float(values.get("VERBIND_PICKUP_DAYS", "7")),
            web_page=_web_page_mode(values.get("VERBIND_WEB_PAGE", "auto")),
            database_url=values.get("VERBIND_DATABASE_URL", "").strip(),
            web_cookie_key=values.get("VERBIND_WEB_COOKIE_KEY", "").strip(),
            trusted_proxies=_networks(values.get("VERBIND_TRUSTED_PROXIES", "")),
            allow_unauthenticated=values.get("VERBIND_ALLOW_UNAUTHENTICATED", "") == "1",
            teams_openid_metadata_url=values.get("VERBIND_TEAMS_OPENID_METADATA_URL", ""),
            inbox_secret=values.get("VERBIND_INBOX_SECRET", ""),
            report_secret=values.get("VERBIND_REPORT_SECRET", ""),
        )


def _networks(value: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """``VERBIND_TRUSTED_PROXIES``: addresses or networks, separated by commas or spaces."""
    try:
        return tuple(ip_network(part, strict=False) for part in value.replace(",", " ").split())
    except ValueError:
        raise ValueError(
            f"VERBIND_TRUSTED_PROXIES moet adressen of netwerken bevatten, niet {value!r}"
        ) from None


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


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
