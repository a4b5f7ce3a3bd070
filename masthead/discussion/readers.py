"""Who is reading: an account, or a guest known by a signed cookie, and a salted hash of their address.

The raw IP address is never stored; its keyed hash is enough to cap votes and rates per network.
"""

import ipaddress
import json
import secrets
from dataclasses import dataclass
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.signing import BadSignature
from django.utils.crypto import salted_hmac

from masthead.discussion import conf

COOKIE_SALT = "masthead.discussion.reader"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Reader:
    user: object | None
    key: str
    ip_hash: str
    is_new: bool = False
    # The hash of the full address, as every address was hashed before IPv6 counted per /64:
    # only address bans made before then hold it (see legacy_address_hash).
    address_hash: str = ""

    @property
    def is_guest(self) -> bool:
        return self.user is None


def address_network(address: str) -> str:
    """The part of a client address that one subscriber holds: an IPv4 address, an IPv6 /64.

    A home or phone gets a whole IPv6 /64 and may pick any address in it, so counting full IPv6
    addresses would let one reader pass any per-address limit. An IPv4-mapped IPv6 address is its
    IPv4 address. Anything that is not an address is returned as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False))


def hash_address(address: str) -> str:
    """The keyed hash of the address's network (see address_network); "" for no address."""
    if not address:
        return ""
    network = address_network(address)
    return salted_hmac("masthead.ip-address", network, algorithm="sha256").hexdigest()[:40]


def legacy_address_hash(address: str) -> str:
    """The keyed hash of the whole address as given, as hash_address made it before it counted
    IPv6 per /64; "" for no address. The same as hash_address for IPv4. Address bans made before
    then hold this hash, and no stored address exists to recompute them, so they still match by it.
    """
    if not address:
        return ""
    return salted_hmac("masthead.ip-address", address, algorithm="sha256").hexdigest()[:40]


def client_address(request) -> str:
    # uvicorn rewrites REMOTE_ADDR from X-Forwarded-For only for proxies listed in
    # --forwarded-allow-ips, so REMOTE_ADDR can be trusted here.
    return request.META.get("REMOTE_ADDR", "")


def request_network(request) -> str:
    """The keyed hash of the network a request comes from (what per-address limits count)."""
    return hash_address(client_address(request))


def reader_for_request(request, *, create: bool = True) -> Reader | None:
    """The reader behind a request. A guest without a cookie gets a new key (set it on the response)."""
    address = client_address(request)
    hashes = {"ip_hash": hash_address(address), "address_hash": legacy_address_hash(address)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Reader(user=user, key=f"u{user.pk}", **hashes)
    key = guest_key(request)
    if key:
        return Reader(user=None, key=key, **hashes)
    if not create:
        return None
    return Reader(user=None, key="g" + secrets.token_urlsafe(18), is_new=True, **hashes)


def guest_key(request) -> str | None:
    """The key in the guest's signed cookie; None without one, or for a cookie we did not sign."""
    try:
        return request.get_signed_cookie(conf.READER_COOKIE, default=None, salt=COOKIE_SALT)
    except BadSignature:
        return None


def remember_reader(response, reader: Reader | None) -> None:
    """Set the guest's cookie on the response the first time we meet them."""
    if reader is None or not reader.is_new or not reader.is_guest:
        return
    response.set_signed_cookie(
        conf.READER_COOKIE,
        reader.key,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def has_reader_identity(request) -> bool:
    """Whether this request carries a personal view of threads (own votes, own pending comments)."""
    user = getattr(request, "user", None)
    return bool(
        (user is not None and user.is_authenticated) or request.COOKIES.get(conf.READER_COOKIE)
    )


def remember_commenter(response, *, request, comment, remember: bool) -> None:
    """After a guest's comment is posted: keep their name, e-mail and website in a cookie if they
    ticked "Save my name...", or forget what was kept if they did not.

    Readable by the page's script, which fills the form from it: the details never go into the
    HTML of a page that the page cache may share with other readers."""
    if comment.user_id is not None:
        return  # an account fills in its own name
    if not remember:
        if conf.COMMENTER_COOKIE in request.COOKIES:
            response.delete_cookie(conf.COMMENTER_COOKIE, samesite="Lax")
        return
    details = {
        "name": comment.author_name,
        "email": comment.author_email,
        "url": comment.author_url,
    }
    response.set_cookie(
        conf.COMMENTER_COOKIE,
        # Percent-encoded JSON: plain cookie characters, which the script decodes as it is.
        quote(json.dumps(details, ensure_ascii=False), safe=""),
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def remembered_commenter(request) -> dict[str, str]:
    """The name, e-mail and website a guest asked this browser to keep ({} when none)."""
    try:
        details = json.loads(unquote(request.COOKIES.get(conf.COMMENTER_COOKIE, "")))
    except ValueError:
        return {}
    if not isinstance(details, dict):
        return {}
    return {
        key: details[key] for key in ("name", "email", "url") if isinstance(details.get(key), str)
    }
