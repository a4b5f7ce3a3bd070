"""Who the mail Masthead sends on a site's behalf comes from."""

from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings


def sender(site_name: str) -> str:
    """DEFAULT_FROM_EMAIL under the publication's name ("The Harbour Ledger <newsroom@…>"), so
    that readers see who writes to them. A name the operator gave there ("News <newsroom@…>")
    is kept as it is."""
    configured = settings.DEFAULT_FROM_EMAIL
    configured_name, address = parseaddr(configured)
    name = " ".join(str(site_name or "").split())  # a From header is one line
    if configured_name or not address or not name:
        return configured
    try:
        return str(Address(display_name=name, addr_spec=address))  # quoted where it must be
    except (HeaderParseError, IndexError, ValueError):
        return configured  # an address the mail library cannot place a name before
