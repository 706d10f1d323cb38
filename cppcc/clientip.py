"""The client address of a request, the one way django-axes and the security log resolve it.

`X-Forwarded-For` is a header anyone can send. It is believed only when the direct peer
(`REMOTE_ADDR`) is one of the reverse proxies named in `TRUSTED_PROXIES` (addresses or networks,
default none). Then the header is read from the right, skipping trusted proxies, and the first
address that is not one of them is the client: entries further left were written by the client
itself and prove nothing.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The client address of `request` (a Django request): see the module docstring."""
    meta = getattr(request, "META", {}) or {}
    peer = _parse(str(meta.get("REMOTE_ADDR") or ""))
    if peer is None:
        return None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not _trusted(peer, networks):
        return str(peer)
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    for entry in reversed(forwarded.split(",")):
        address = _parse(entry)
        if address is None:
            break  # a malformed entry: nothing left of it can be believed
        if not _trusted(address, networks):
            return str(address)
    return str(peer)
