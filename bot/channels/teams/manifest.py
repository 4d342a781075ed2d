"""The Teams app package: manifest (schema 1.22, the current one) and the two icons, zipped."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

__all__ = ["MANIFEST_VERSION", "build_manifest", "write_package"]

MANIFEST_VERSION = "1.22"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
ACCENT = "#1F5F8B"
COMMANDS = [
    ("help", "Wat Verbind kan en hoe u het gebruikt"),
    ("meldcode", "De vijf stappen van de meldcode"),
    ("afwegingskader", "De vijf vragen van het afwegingskader"),
    ("contact", "Veilig Thuis, vertrouwensarts of ketenpartner voor een plaats"),
    ("consultatie", "Leg vast dat u overlegd heeft (zonder cliëntgegevens)"),
    ("overleg aanvragen", "Vraag overleg aan bij Veilig Thuis of een ketenpartner"),
    ("menu", "Alle onderwerpen en acties"),
]
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$")


def build_manifest(
    *, app_id: str, website: str, domain: str | None = None, version: str = "1.0.0"
) -> dict[str, Any]:
    """The manifest for bot ``app_id``; ValueError for an id that is not a GUID or a bad URL."""
    try:
        uuid.UUID(app_id)
    except ValueError as exc:
        raise ValueError(f"de app-id moet een GUID zijn, niet {app_id!r}") from exc
    if not website.startswith("https://"):
        raise ValueError("de website moet met https:// beginnen")
    if domain is not None and not _DOMAIN.match(domain):
        raise ValueError(f"ongeldig domein: {domain}")
    scopes = ["personal", "team", "groupChat"]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": "Verbind",
            "websiteUrl": website,
            "privacyUrl": website,
            "termsOfUseUrl": website,
        },
        "name": {"short": "Verbind", "full": "Verbind — meldcode en Veilig Thuis"},
        "description": {
            "short": "Meldcode, afwegingskader en de juiste Veilig Thuis-contacten.",
            "full": (
                "Verbind helpt jeugdartsen en jeugdverpleegkundigen met de stappen van de meldcode "
                "en het afwegingskader, vindt Veilig Thuis, de vertrouwensarts en ketenpartners "
                "voor een plaats, en legt alleen vast dát er overleg was."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [
            {
                "botId": app_id,
                "scopes": scopes,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {
                        "scopes": scopes,
                        "commands": [{"title": t, "description": d} for t, d in COMMANDS],
                    }
                ],
            }
        ],
        "composeExtensions": [
            {
                "botId": app_id,
                "commands": [
                    {
                        "id": "zoekContact",
                        "type": "query",
                        "title": "Contact zoeken",
                        "description": "Zoek Veilig Thuis of een ketenpartner voor een plaats",
                        "initialRun": False,
                        "parameters": [
                            {
                                "name": "zoekterm",
                                "title": "Plaats of partner",
                                "description": "Bijvoorbeeld Zeist of SAVE",
                                "inputType": "text",
                            }
                        ],
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [domain] if domain else [],
    }


def _icon(size: int, *, outline: bool) -> bytes:
    """A speech bubble with a check: solid on the accent colour, or white on transparent."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0) if outline else ACCENT)
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255, 255)
    m = size // 6
    draw.rounded_rectangle(
        (m, m, size - m, size - 2 * m), radius=size // 8, outline=white, width=max(1, size // 24)
    )
    draw.polygon([(2 * m, size - 2 * m), (2 * m, size - m), (3 * m, size - 2 * m)], fill=white)
    draw.line(
        [
            (2 * m, size // 2 - m // 3),
            (size // 2 - m // 3, size // 2 + m // 2),
            (size - 2 * m, 2 * m),
        ],
        fill=white,
        width=max(1, size // 16),
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def write_package(manifest: dict[str, Any], out: Path) -> None:
    """Write the zip Teams accepts: manifest.json, color.png (192x192), outline.png (32x32)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        package.writestr("color.png", _icon(192, outline=False))
        package.writestr("outline.png", _icon(32, outline=True))
