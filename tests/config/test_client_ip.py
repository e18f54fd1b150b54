"""The client address (responsibilities/client_ip.py): X-Forwarded-For only from a trusted proxy."""

from __future__ import annotations

from django.test import RequestFactory, override_settings

from responsibilities.client_ip import client_ip


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored():
    assert address("203.0.113.9", "10.0.0.1") == "203.0.113.9"


@override_settings(ZEREN_TRUSTED_PROXIES=["10.0.0.0/8", "127.0.0.1"])
def test_from_a_trusted_proxy_the_nearest_untrusted_entry_is_the_client():
    assert address("10.1.2.3", "198.51.100.4") == "198.51.100.4"
    # The client put a forged entry first; the proxy appended the real one last.
    assert address("10.1.2.3", "6.6.6.6, 198.51.100.4") == "198.51.100.4"
    # Two proxies in a row: both trusted, skipped.
    assert address("127.0.0.1", "198.51.100.4, 10.9.9.9") == "198.51.100.4"
    # From an untrusted address the header counts for nothing.
    assert address("203.0.113.9", "198.51.100.4") == "203.0.113.9"


@override_settings(ZEREN_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_junk_in_the_header_falls_back_to_the_proxy():
    assert address("10.1.2.3", "not-an-address") == "10.1.2.3"
    assert address("10.1.2.3", "") == "10.1.2.3"
    assert address("10.1.2.3", "2001:db8::1") == "2001:db8::1"


def test_a_missing_remote_address_is_unknown():
    assert address("") == "unknown"
