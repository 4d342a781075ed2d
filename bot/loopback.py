"""Is an address this machine? Loopback checks for peers, hosts and URLs.

Used where Verbind serves or posts only locally: the local web page (``VERBIND_WEB_PAGE=auto``),
Teams' local mode (no MicrosoftAppId) and ``verbind serve``'s refusal of a network address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

__all__ = ["is_loopback_address", "is_loopback_host", "is_loopback_url"]


@lru_cache(maxsize=1024)
def is_loopback_address(address: str | None) -> bool:
    """A loopback IP address (IPv4, IPv6, or IPv4 mapped into IPv6; a zone id is ignored).
    Remembered per address: a server asks this about the same few peers on every request."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def is_loopback_host(host: str | None) -> bool:
    """``localhost`` or a loopback address (not ``0.0.0.0``, ``::`` or "": those are every
    interface)."""
    return host is not None and (host.lower() == "localhost" or is_loopback_address(host))


def is_loopback_url(url: str) -> bool:
    """A URL whose host is this machine; False for one that cannot be parsed."""
    try:
        return is_loopback_host(urlsplit(url).hostname)
    except ValueError:
        return False
