"""Background work for reader funding (Django Tasks): receipt e-mails."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task
from wagtail.models import Site

from masthead import task_queues
from masthead.funding.donor_links import donor_manage_url
from masthead.funding.models import LedgerEntry
from masthead.funding.money import DEFAULT_STYLE
from masthead.funding.selectors import funding_settings, payment_returned_minor
from masthead.mail import sender

logger = logging.getLogger(__name__)


@task(**task_queues.READER_FACING)
def donation_receipt_send(ledger_entry_id: int) -> bool:
    """E-mail the donor a receipt for one ledger payment, with their signed self-service link.

    The receipt is for the money kept when it is sent: refunds and chargebacks already recorded
    (one may come before its payment: Stripe does not deliver events in order) are taken off,
    and a payment that went back in full gets no receipt."""
    entry = (
        LedgerEntry.objects.select_related("donation__donor", "campaign")
        .filter(pk=ledger_entry_id, kind=LedgerEntry.Kind.PAYMENT)
        .first()
    )
    donor = entry.donation.donor if entry and entry.donation else None
    if donor is None:
        return False
    returned_minor = payment_returned_minor(entry)
    if returned_minor >= entry.amount_minor:
        logger.info("No receipt for ledger entry %s: the payment went back in full", entry.pk)
        return False
    site = Site.objects.filter(is_default_site=True).first()
    from masthead.publishing.models import SiteIdentity

    site_name = SiteIdentity.name_for(site)
    panel = funding_settings(site)
    context = {
        "money_style": panel.money_style if panel else DEFAULT_STYLE,
        "entry": entry,
        "kept_minor": entry.amount_minor - returned_minor,
        "returned_minor": returned_minor,
        "donation": entry.donation,
        "donor": donor,
        "campaign": entry.campaign,
        "site_name": site_name,
        "manage_url": donor_manage_url(donor),
    }
    subject = render_to_string("funding/emails/receipt_subject.txt", context).strip()
    body = render_to_string("funding/emails/receipt.txt", context)
    send_mail(subject, body, sender(site_name), [donor.email])
    logger.info("Receipt for ledger entry %s sent", entry.pk)
    return True
