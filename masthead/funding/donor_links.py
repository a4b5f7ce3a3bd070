"""Signed links in receipts that let a donor see their gifts and stop a monthly donation.

The token is the donor's id, dated and signed with SECRET_KEY. The signature also covers the
donor's e-mail address without carrying it, so the address never travels in a URL (browser
history, server logs, referrers) and the link stops working if the address changes. It expires
after conf.DONOR_LINK_MAX_AGE. No account, no password.
"""

from django.core import signing
from django.urls import reverse

from masthead.funding import conf
from masthead.funding.models import Donor
from masthead.ids import parse_id
from masthead.links import absolute_url

SALT = "masthead.funding.donor-link"
LINK_INVALID = "This link is not valid. Use the link in your most recent receipt."
LINK_EXPIRED = "This link has expired. Use the link in your most recent receipt, or write to us."


class BadDonorLink(Exception):
    pass


def _signer(email: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{SALT}:{email}")


def donor_token(donor: Donor) -> str:
    return _signer(donor.email).sign(str(donor.pk))


def donor_manage_url(donor: Donor) -> str:
    path = reverse("funding:donor", kwargs={"token": donor_token(donor)})
    return absolute_url(path)


def donor_from_token(token: str, *, max_age: int | None = None) -> Donor:
    max_age = conf.DONOR_LINK_MAX_AGE if max_age is None else max_age
    donor_id = parse_id(token.split(":", 1)[0])
    if donor_id is None:
        return _donor_from_readable_token(token, max_age=max_age)
    donor = Donor.objects.filter(pk=donor_id).first()
    if donor is None:
        raise BadDonorLink(LINK_INVALID)
    try:
        _signer(donor.email).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise BadDonorLink(LINK_EXPIRED) from None
    except signing.BadSignature:
        raise BadDonorLink(LINK_INVALID) from None
    return donor


def _donor_from_readable_token(token: str, *, max_age: int) -> Donor:
    """Receipts sent before links became opaque carry the address in the token (signing.dumps of
    id and address). They keep working until they expire, so this can go DONOR_LINK_MAX_AGE after
    the change is deployed."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadDonorLink(LINK_EXPIRED) from None
    except signing.BadSignature:
        raise BadDonorLink(LINK_INVALID) from None
    donor = Donor.objects.filter(pk=data.get("d"), email=data.get("e")).first()
    if donor is None:
        raise BadDonorLink(LINK_INVALID)
    return donor
