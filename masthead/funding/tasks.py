"""Background work for reader funding (Django Tasks): receipt e-mails."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task
from wagtail.models import Site

from masthead.funding.donor_links import donor_manage_url
from masthead.funding.models import LedgerEntry
from masthead.funding.money import DEFAULT_STYLE
from masthead.funding.selectors import funding_settings

logger = logging.getLogger(__name__)


@task()
def donation_receipt_send(ledger_entry_id: int) -> bool:
    """E-mail the donor a receipt for one ledger payment, with their signed self-service link."""
    entry = (
        LedgerEntry.objects.select_related("donation__donor", "campaign")
        .filter(pk=ledger_entry_id, kind=LedgerEntry.Kind.PAYMENT)
        .first()
    )
    donor = entry.donation.donor if entry and entry.donation else None
    if donor is None:
        return False
    site = Site.objects.filter(is_default_site=True).first()
    from masthead.publishing.models import SiteIdentity

    site_name = SiteIdentity.name_for(site)
    panel = funding_settings(site)
    context = {
        "money_style": panel.money_style if panel else DEFAULT_STYLE,
        "entry": entry,
        "donation": entry.donation,
        "donor": donor,
        "campaign": entry.campaign,
        "site_name": site_name,
        "manage_url": donor_manage_url(donor),
    }
    subject = render_to_string("funding/emails/receipt_subject.txt", context).strip()
    body = render_to_string("funding/emails/receipt.txt", context)
    send_mail(subject, body, None, [donor.email])
    logger.info("Receipt for ledger entry %s sent", entry.pk)
    return True
