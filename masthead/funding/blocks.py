"""Blocks editors place: the goal bar (home page) and other ways to give (bank, crypto)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class GoalBarBlock(blocks.StructBlock):
    """The current campaign's monthly goal bar with a heading, a line of text and a button."""

    heading = blocks.CharBlock(required=False, default="Help us reach this month’s goal")
    text = blocks.TextBlock(
        required=False,
        help_text=_("Leave empty to use the call to action text from the reader funding settings."),
    )
    button = blocks.CharBlock(required=False, default="Support us")

    class Meta:
        icon = "pick"
        label = _("Funding goal bar")
        template = "funding/blocks/goal_bar_block.html"


class BankDetailsBlock(blocks.StructBlock):
    label = blocks.CharBlock(default="Bank transfer", help_text=_("E.g. “Bank transfer (EUR)”."))
    account_holder = blocks.CharBlock()
    iban = blocks.CharBlock(label=_("IBAN or account number"))
    bic = blocks.CharBlock(label=_("BIC / SWIFT or routing number"), required=False)
    bank_name = blocks.CharBlock(required=False)
    reference = blocks.CharBlock(
        required=False, help_text=_("What readers should write as the payment reference.")
    )

    class Meta:
        icon = "doc-full"
        template = "funding/blocks/bank_details.html"


class CryptoAddressBlock(blocks.StructBlock):
    currency = blocks.CharBlock(help_text=_("E.g. “Bitcoin (BTC)”."))
    network = blocks.CharBlock(required=False, help_text=_("E.g. “Ethereum mainnet”."))
    address = blocks.CharBlock()

    class Meta:
        icon = "code"
        template = "funding/blocks/crypto_address.html"


class OtherWaysToGiveBlock(blocks.StreamBlock):
    bank = BankDetailsBlock()
    crypto = CryptoAddressBlock()

    class Meta:
        help_text = _(
            "Gifts made this way count towards the goal only once an editor records them by hand."
        )


class OtherWaysToGivePromoBlock(blocks.StructBlock):
    """The site's bank and crypto details (kept in the reader funding settings), on a page."""

    heading = blocks.CharBlock(required=False, default="Other ways to give")

    class Meta:
        icon = "doc-full"
        label = _("Other ways to give")
        template = "funding/blocks/other_ways_promo.html"
