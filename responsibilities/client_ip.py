"""The client's address: REMOTE_ADDR, or the X-Forwarded-For entry added by a trusted proxy.

X-Forwarded-For is read only when the request comes from an address in ZEREN_TRUSTED_PROXIES; a
client talking to the app directly cannot pick its address by sending the header. Entries are read
from the right (the nearest proxy first), skipping trusted proxies: the first other one is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in getattr(settings, "ZEREN_TRUSTED_PROXIES", []):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


def _parse(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(raw.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return "unknown"
    networks = _networks()
    if not _trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for raw in reversed(forwarded.split(",")[:50]):
        address = _parse(raw)
        if address is None:
            break  # junk in the chain: trust nothing before it
        if not _trusted(address, networks):
            return str(address)
    return str(remote)
