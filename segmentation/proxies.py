"""Which address a sign-in attempt comes from: the socket peer, or, behind a proxy an
administrator lists, the client the proxy names in ``X-Forwarded-For``.

The sign-in throttle counts failures per client address (:mod:`segmentation.users`).
A header is written by whoever sends the request, so ``X-Forwarded-For`` is only
believed when the connection comes from a listed proxy, and then only its
right-most address that is not itself a listed proxy (each proxy appends the
address it received the request from; everything to the left of that may be
made up by the client).

One complication: Streamlit runs on uvicorn, whose ``ProxyHeadersMiddleware``
already replaces the peer by an ``X-Forwarded-For`` address when the peer is one
of the hosts in the ``FORWARDED_ALLOW_IPS`` environment variable (default
``127.0.0.1,::1``), before the app sees it. :func:`client_address` undoes that:
when the reported address is exactly what uvicorn would have picked from the
header, the real peer was one of uvicorn's trusted hosts, and the app's own list
decides again.

>>> trusted = TrustedProxies.parse(["10.0.0.0/8"])
>>> client_address("10.0.0.5", ["1.2.3.4, 203.0.113.9"], trusted=trusted)
'203.0.113.9'
>>> client_address("198.51.100.7", ["1.2.3.4"], trusted=trusted)
'198.51.100.7'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["LOOPBACK", "UVICORN_DEFAULT", "TrustedProxies", "client_address",
           "forwarded_chain"]

#: the address of a connection Streamlit reports as ``None`` (``st.context.ip_address``)
LOOPBACK = "127.0.0.1"
#: uvicorn's ``forwarded_allow_ips`` when ``FORWARDED_ALLOW_IPS`` is unset
UVICORN_DEFAULT = "127.0.0.1,::1"
#: addresses kept from one header (a longer chain is cut from the left, the made-up end)
_MAX_HOPS = 32

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> _Address | None:
    """An IP address from ``text`` (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, ``::1``)."""
    value = text.strip().strip('"')
    if value.startswith("["):
        value = value[1:value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class TrustedProxies:
    """Proxies whose ``X-Forwarded-For`` is believed: addresses and networks.

    ``invalid`` keeps the entries that are neither (shown to the administrator);
    ``everything`` is uvicorn's ``*``.
    """

    networks: tuple[_Network, ...] = ()
    invalid: tuple[str, ...] = ()
    everything: bool = False

    @classmethod
    def parse(cls, entries: Iterable[str] | str | None) -> TrustedProxies:
        """From a list, or a comma-separated string, of addresses and CIDR networks."""
        if entries is None:
            return cls()
        if isinstance(entries, str):
            entries = entries.split(",")
        networks: list[_Network] = []
        invalid: list[str] = []
        everything = False
        for raw in entries:
            entry = str(raw).strip()
            if not entry:
                continue
            if entry == "*":
                everything = True
                continue
            try:
                network = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                invalid.append(entry)
                continue
            networks.append(network)
        return cls(tuple(networks), tuple(invalid), everything)

    def __bool__(self) -> bool:
        return self.everything or bool(self.networks)

    def __contains__(self, address: object) -> bool:
        if isinstance(address, str):
            address = _address(address)
        if address is None:
            return False
        return self.everything or any(
            address.version == net.version and address in net for net in self.networks)

    def overlaps(self, other: TrustedProxies) -> bool:
        """Whether a host of ``other`` may be one of these proxies."""
        if self.everything:
            return bool(other)
        return any(a.version == b.version and a.overlaps(b)
                   for a in self.networks for b in other.networks)

    def uvicorn_pick(self, chain: Sequence[str]) -> str | None:
        """The address uvicorn's middleware takes from ``chain`` when these are its hosts."""
        if not chain:
            return None
        if self.everything:
            return chain[0]
        for hop in reversed(chain):
            if hop not in self:
                return hop
        return chain[0]


def forwarded_chain(values: Iterable[str]) -> list[str]:
    """The hops of every ``X-Forwarded-For`` header, left to right, as written."""
    hops = [hop.strip() for value in values for hop in str(value).split(",")]
    hops = [hop for hop in hops if hop]
    return hops[-_MAX_HOPS:]


def _canonical(text: str) -> str:
    address = _address(text)
    return str(address) if address is not None else text[:64]


def client_address(reported: str | None, forwarded_for: Sequence[str], *,
                   trusted: TrustedProxies,
                   server_trusted: TrustedProxies | None = None) -> str:
    """The address a request is counted against.

    Parameters
    ----------
    reported : the address the web server reports (``st.context.ip_address``;
        ``None`` for a loopback connection).
    forwarded_for : the values of every ``X-Forwarded-For`` header of the request.
    trusted : the proxies an administrator lists (``[access] trusted_proxies``).
    server_trusted : the hosts the web server itself trusts (uvicorn's
        ``FORWARDED_ALLOW_IPS``, default :data:`UVICORN_DEFAULT`).

    Returns
    -------
    The socket peer when it is not a listed proxy; else the right-most address of
    the chain that is not a listed proxy (the left-most when all are); the peer
    again when that address is not an IP address.
    """
    if server_trusted is None:
        server_trusted = TrustedProxies.parse(UVICORN_DEFAULT)
    chain = forwarded_chain(forwarded_for)
    peer = reported or LOOPBACK
    if chain and server_trusted and peer == server_trusted.uvicorn_pick(chain):
        # the server put a forwarded address where the socket peer was: the peer was
        # one of the hosts the server trusts, and that host is a proxy only if listed
        peer_is_proxy = trusted.overlaps(server_trusted)
        peer = ("forwarded" if server_trusted.everything or not server_trusted.networks
                else str(server_trusted.networks[0].network_address))
    else:
        peer_is_proxy = peer in trusted
    if not peer_is_proxy or not chain:
        return _canonical(peer)
    for hop in reversed(chain):
        if hop not in trusted:
            return _canonical(hop) if _address(hop) is not None else _canonical(peer)
    return _canonical(chain[0])
