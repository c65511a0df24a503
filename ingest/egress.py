"""The egress policy: which addresses Vigie may connect to. Pure: no IO, no environment.

Vigie fetches URLs that strangers control (feeds and their redirects) and posts to URLs that
users type (channels). Every outbound connection is checked here first, then made to the very
address that was checked (``ingest.egress_net``), so a name cannot resolve to a public address
for the check and to a private one for the connection (DNS rebinding).

Refused unless allowed: loopback, private (RFC 1918, ULA), link-local, multicast, unspecified,
shared (CGNAT) and reserved ranges, the IPv4-mapped, NAT64, 6to4 and Teredo forms of those, and
the cloud metadata addresses, whatever the notation (``0x7f000001``, ``2130706433``,
``0177.0.0.1``, ``127.1``, ``[::ffff:127.0.0.1]``). ``allow_private`` lifts the private rules
(demo, tests); metadata addresses stay refused unless an allowed network lists them.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass, field

from kernel.errors import VigieError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Cloud metadata and platform endpoints: credentials live behind them.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.169.253",  # AWS DNS
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server (a public address)
        "192.0.0.192",  # Oracle Cloud
    )
)
#: Host names that mean this machine or a metadata service, refused before any DNS lookup.
REFUSED_NAMES: dict[str, str] = {
    "localhost": "loopback",
    "localhost.localdomain": "loopback",
    "ip6-localhost": "loopback",
    "ip6-loopback": "loopback",
    "metadata": "metadata",
    "metadata.google.internal": "metadata",
    "metadata.goog": "metadata",
    "instance-data": "metadata",
    "instance-data.ec2.internal": "metadata",
    "metadata.azure.com": "metadata",
}
LOOPBACK_ADDRESSES = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))
NAT64_NETWORKS = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
)
SHARED_NETWORK = ipaddress.ip_network("100.64.0.0/10")
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")

#: Every rule a target can break, as named in errors, logs and metrics.
RULES = (
    "metadata",
    "unspecified",
    "loopback",
    "link-local",
    "multicast",
    "private",
    "shared",
    "reserved",
    "local-socket",
)
#: Rules ``allow_private`` lifts: everything but the metadata addresses.
PRIVATE_RULES = frozenset(RULES) - {"metadata"}

# inet_aton accepts 1 to 4 parts, each decimal, octal (leading 0) or hex (0x): 127.1, 0x7f.1
_NUMERIC_IPV4 = re.compile(r"^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}\.?$", re.IGNORECASE)


class EgressRefused(VigieError):
    """A connection target was refused; ``rule`` says which rule it broke."""

    def __init__(self, host: str, address: str, rule: str) -> None:
        self.host = host
        self.address = address
        self.rule = rule
        where = host if not address or address == host else f"{host} ({address})"
        super().__init__(
            f"{where} is a {rule} address and outbound connections there are refused; "
            "allow it with VIGIE_ALLOWED_TARGETS (CIDRs or host names)"
        )


def parse_address(host: str) -> IPAddress | None:
    """The IP address ``host`` denotes in any notation a resolver accepts, else ``None``."""
    text = normalise_host(host)
    if not text:
        return None
    try:
        # "%eth0": a zone index does not change which address it is.
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_IPV4.match(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def _plain_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(normalise_host(host).split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, NAT64, 6to4, Teredo client), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in NAT64_NETWORKS[0]:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def address_rule(ip: IPAddress) -> str | None:
    """The rule that refuses ``ip``, or ``None`` when it is a public unicast address."""
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return address_rule(inner)
        if ip in NAT64_NETWORKS[1]:
            return "private"
    if ip.is_unspecified or ip in THIS_NETWORK:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in SHARED_NETWORK:
        return "shared"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def name_rule(host: str) -> str | None:
    """The rule a host name breaks by itself (``localhost``, metadata names), before DNS."""
    name = host.strip().rstrip(".").lower()
    if name in REFUSED_NAMES:
        return REFUSED_NAMES[name]
    if name.endswith(".localhost"):
        return "loopback"
    return None


def normalise_host(host: str) -> str:
    """A host as compared against the allow-list: lower case, no brackets, no trailing dot."""
    return host.strip().strip("[]").rstrip(".").lower()


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    """What may be reached besides public addresses: everything private, or an allow-list."""

    allow_private: bool = False
    #: Networks reachable whatever the rules say (an intranet feed, a chat server on the LAN).
    allowed_networks: tuple[IPNetwork, ...] = ()
    #: Host names reachable at any non-metadata address; ``.example.org`` covers subdomains.
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, allowed_targets: str = "", *, allow_private: bool = False) -> EgressPolicy:
        """Read a comma-separated allow-list of CIDRs, addresses and host names."""
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for raw in allowed_targets.split(","):
            entry = raw.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            name = normalise_host(entry.removeprefix("*"))
            if not re.fullmatch(r"\.?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?", name):
                raise ValueError(
                    f"allowed target {entry!r} is neither a CIDR, an address nor a host name"
                )
            hosts.add(name)
        return cls(allow_private, tuple(networks), frozenset(hosts))

    def host_is_allowed(self, host: str) -> bool:
        """Whether the operator listed ``host`` (or a parent domain with a leading dot)."""
        name = normalise_host(host)
        if name in self.allowed_hosts:
            return True
        return any(
            entry.startswith(".") and (name.endswith(entry) or name == entry[1:])
            for entry in self.allowed_hosts
        )

    def refusal(self, host: str, address: IPAddress) -> str | None:
        """The rule that refuses connecting to ``address`` for ``host``, or ``None``."""
        if self._listed(address):
            return None
        rule = address_rule(address)
        if rule is None or rule == "metadata":
            return rule
        if self.allow_private or self.host_is_allowed(host):
            return None
        return rule

    def check_host(self, host: str, *, numeric_forms: bool = True) -> None:
        """Refuse ``host`` when its name or literal address alone breaks a rule (no DNS).

        ``numeric_forms=False`` reads only the usual notations (``127.0.0.1``, ``[::1]``), for
        URLs whose "host" may be a token of digits (Apprise's ``tgram://123456:ABC/…``).
        """
        literal = parse_address(host) if numeric_forms else _plain_address(host)
        if literal is not None:
            self.check_address(host, literal)
            return
        rule = name_rule(host)
        if rule is not None and not self._name_is_allowed(host, rule):
            raise EgressRefused(host, "", rule)

    def check_address(self, host: str, address: IPAddress | str) -> IPAddress:
        """Return the address when it may be reached for ``host``; raise ``EgressRefused``."""
        ip = parse_address(address) if isinstance(address, str) else address
        if ip is None:
            raise EgressRefused(host, str(address), "reserved")
        rule = self.refusal(host, ip)
        if rule is not None:
            raise EgressRefused(host, str(ip), rule)
        return ip

    def check_resolved(self, host: str, addresses: list[str]) -> list[IPAddress]:
        """Every address ``host`` resolved to, checked; one refused address refuses the host."""
        self.check_host(host)
        if not addresses:
            raise EgressRefused(host, "", "reserved")
        # All or nothing: a name that mixes public and private answers is a rebinding attempt.
        checked = [self.check_address(host, address) for address in addresses]
        return list(dict.fromkeys(checked))

    def _listed(self, address: IPAddress) -> bool:
        forms = [address]
        if isinstance(address, ipaddress.IPv6Address):
            inner = _embedded_ipv4(address)
            if inner is not None:
                forms.append(inner)
        return any(form in network for form in forms for network in self.allowed_networks)

    def _name_is_allowed(self, host: str, rule: str) -> bool:
        if rule == "metadata":
            return False
        if self.allow_private or self.host_is_allowed(host):
            return True
        # "localhost" is loopback: an allowed network holding loopback covers the name too.
        return rule == "loopback" and any(self._listed(ip) for ip in LOOPBACK_ADDRESSES)


#: The policy of the embedded demo and of tests that talk to servers on this machine.
ALLOW_PRIVATE = EgressPolicy(allow_private=True)
#: Closed by default: public addresses only.
PUBLIC_ONLY = EgressPolicy()
