"""The address a sign-in attempt is counted against: socket peer, listed proxies, XFF."""

from __future__ import annotations

import pytest
from uvicorn.middleware.proxy_headers import _TrustedHosts

from segmentation.proxies import UVICORN_DEFAULT, TrustedProxies, client_address

NONE = TrustedProxies()
LOCAL_PROXY = TrustedProxies.parse(["127.0.0.1"])
LAN = TrustedProxies.parse("10.0.0.1, 10.0.0.0/8")


def served(peer: str, xff: list[str], server: str = UVICORN_DEFAULT) -> str | None:
    """The address Streamlit reports for a connection from ``peer`` sending ``xff``: what
    uvicorn's own ProxyHeadersMiddleware makes of it (``None`` for loopback, as
    ``st.context.ip_address``)."""
    hosts = _TrustedHosts(server)
    host = peer
    if peer in hosts and xff:
        picked, _ = hosts.get_trusted_client_address(", ".join(xff))
        host = picked or peer
    return None if host in ("127.0.0.1", "::1") else host


@pytest.mark.parametrize(("peer", "xff", "trusted", "expected"), [
    # no proxy listed: the socket peer, whatever the headers say
    ("198.51.100.7", [], NONE, "198.51.100.7"),
    ("198.51.100.7", ["1.2.3.4"], NONE, "198.51.100.7"),
    ("198.51.100.7", ["198.51.100.7"], NONE, "127.0.0.1"),  # indistinguishable from a
    # loopback hop uvicorn rewrote; still one fixed bucket, not a made-up one
    ("127.0.0.1", [], NONE, "127.0.0.1"),
    ("127.0.0.1", ["6.6.6.6"], NONE, "127.0.0.1"),  # uvicorn believed it; we do not
    ("::1", ["6.6.6.6, 7.7.7.7"], NONE, "127.0.0.1"),
    # a local proxy the administrator listed: the client it appended
    ("127.0.0.1", ["203.0.113.9"], LOCAL_PROXY, "203.0.113.9"),
    ("127.0.0.1", ["6.6.6.6, 203.0.113.9"], LOCAL_PROXY, "203.0.113.9"),
    ("127.0.0.1", ["6.6.6.6", "203.0.113.9"], LOCAL_PROXY, "203.0.113.9"),  # two headers
    ("127.0.0.1", ["203.0.113.9:5123"], LOCAL_PROXY, "203.0.113.9"),
    ("127.0.0.1", ["garbage"], LOCAL_PROXY, "127.0.0.1"),
    # a proxy on the LAN (uvicorn does not trust it; the app does)
    ("10.0.0.1", ["6.6.6.6, 203.0.113.9"], LAN, "203.0.113.9"),
    ("10.0.0.1", ["203.0.113.9, 10.0.0.2"], LAN, "203.0.113.9"),  # two listed proxies
    ("10.0.0.1", ["10.0.0.3, 10.0.0.2"], LAN, "10.0.0.3"),  # all listed: the left-most
    ("10.0.0.1", [], LAN, "10.0.0.1"),
    ("10.0.0.1", ["[2001:db8::1]:443"], LAN, "2001:db8::1"),
    # not a listed proxy: its header is ignored
    ("192.0.2.50", ["6.6.6.6"], LAN, "192.0.2.50"),
], ids=lambda v: str(v) if not isinstance(v, TrustedProxies) else "")
def test_client_address(peer, xff, trusted, expected):
    assert client_address(served(peer, xff), xff, trusted=trusted) == expected


def test_made_up_headers_from_an_untrusted_peer_are_one_address():
    for peer in ("127.0.0.1", "198.51.100.7"):
        seen = {client_address(served(peer, [f"10.{i}.{i}.{i}"]), [f"10.{i}.{i}.{i}"],
                               trusted=NONE) for i in range(50)}
        assert len(seen) == 1, (peer, seen)


def test_a_server_told_to_trust_nothing_reports_the_peer():
    server = TrustedProxies.parse("")  # FORWARDED_ALLOW_IPS="" : uvicorn trusts nobody
    assert client_address("198.51.100.7", ["198.51.100.7"], trusted=NONE,
                          server_trusted=server) == "198.51.100.7"
    assert client_address(None, ["6.6.6.6"], trusted=NONE,
                          server_trusted=server) == "127.0.0.1"


def test_parse_keeps_bad_entries_apart():
    proxies = TrustedProxies.parse(["10.0.0.1", "not-an-ip", " ", "fd00::/8"])
    assert proxies.invalid == ("not-an-ip",)
    assert "10.0.0.1" in proxies and "fd00::5" in proxies
    assert "10.0.0.2" not in proxies and "::ffff:10.0.0.1" in proxies
    assert not TrustedProxies.parse(None) and not TrustedProxies.parse("")
