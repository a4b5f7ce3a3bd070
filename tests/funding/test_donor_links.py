import base64
import contextlib
import zlib

import pytest
from django.core import signing

from masthead.funding.donor_links import (
    LINK_EXPIRED,
    LINK_INVALID,
    SALT,
    BadDonorLink,
    donor_from_token,
    donor_token,
)
from tests.funding.factories import make_donor

pytestmark = pytest.mark.django_db


def readable_text(token: str) -> bytes:
    """Everything the parts of a token decode to, as anyone holding the link could decode them."""
    found = [token.encode()]
    for part in token.replace(".", ":").split(":"):
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        found.append(decoded)
        with contextlib.suppress(zlib.error):
            found.append(zlib.decompress(decoded))
    return b" ".join(found)


def test_a_donor_link_shows_nothing_of_the_address(client):
    donor = make_donor(email="rita@example.com")
    token = donor_token(donor)
    assert b"rita" not in readable_text(token)
    assert client.get(f"/donate/manage/{token}/").status_code == 200


def test_a_link_stops_working_when_the_address_changes_or_it_expires(client):
    donor = make_donor(email="rita@example.com")
    token = donor_token(donor)
    with pytest.raises(BadDonorLink, match=LINK_EXPIRED):
        donor_from_token(token, max_age=-1)
    donor.email = "rita.new@example.com"
    donor.save()
    refused = client.get(f"/donate/manage/{token}/")
    assert refused.status_code == 403 and LINK_INVALID in refused.content.decode()


def test_a_link_naming_another_donor_or_no_donor_is_refused(client):
    donor, other = make_donor(), make_donor()
    pk, rest = donor_token(donor).split(":", 1)
    for forged in (f"{other.pk}:{rest}", f"{10**30}:{rest}", f"0:{rest}", f"{pk}:"):
        response = client.get(f"/donate/manage/{forged}/")
        assert response.status_code == 403 and LINK_INVALID in response.content.decode()


def test_links_sent_in_the_readable_format_keep_working_until_they_expire(client):
    donor = make_donor(email="rita@example.com")
    old = signing.dumps({"d": donor.pk, "e": donor.email}, salt=SALT, compress=True)
    assert b"rita@example.com" in readable_text(old)  # why the format changed
    assert client.get(f"/donate/manage/{old}/").status_code == 200
    with pytest.raises(BadDonorLink, match=LINK_EXPIRED):
        donor_from_token(old, max_age=-1)
    donor.email = "rita.new@example.com"
    donor.save()
    assert client.get(f"/donate/manage/{old}/").status_code == 403
