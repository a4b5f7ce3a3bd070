"""Signed links in receipts that let a donor see their gifts and stop a monthly donation.

The token names the donor and their e-mail address, signed with SECRET_KEY and dated: it stops
working after conf.DONOR_LINK_MAX_AGE, or if the address changes. No account, no password.
"""

from django.core import signing
from django.urls import reverse

from masthead.funding import conf
from masthead.funding.models import Donor
from masthead.links import absolute_url

SALT = "masthead.funding.donor-link"
LINK_INVALID = "This link is not valid. Use the link in your most recent receipt."
LINK_EXPIRED = "This link has expired. Use the link in your most recent receipt, or write to us."


class BadDonorLink(Exception):
    pass


def donor_token(donor: Donor) -> str:
    return signing.dumps({"d": donor.pk, "e": donor.email}, salt=SALT, compress=True)


def donor_manage_url(donor: Donor) -> str:
    path = reverse("funding:donor", kwargs={"token": donor_token(donor)})
    return absolute_url(path)


def donor_from_token(token: str, *, max_age: int | None = None) -> Donor:
    try:
        data = signing.loads(
            token, salt=SALT, max_age=conf.DONOR_LINK_MAX_AGE if max_age is None else max_age
        )
    except signing.SignatureExpired:
        raise BadDonorLink(LINK_EXPIRED) from None
    except signing.BadSignature:
        raise BadDonorLink(LINK_INVALID) from None
    donor = Donor.objects.filter(pk=data.get("d"), email=data.get("e")).first()
    if donor is None:
        raise BadDonorLink(LINK_INVALID)
    return donor
