from typing import NamedTuple

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masthead.discussion import conf
from masthead.discussion.models import SubscriptionKind
from masthead.publishing.page_cache import response_marker

STARTED_SALT = "masthead.discussion.form-started"
# In the reader's own words on the form; pages and e-mails address them ("your comments").
NOTIFY_CHOICES = [
    ("", _("Don't notify me")),
    (SubscriptionKind.ALL, _("New follow-up comments")),
    (SubscriptionKind.REPLIES, _("New replies to my comments")),
]


# Stands in the rendered form, so a cached page still tells how long each reader took.
FORM_STARTED_MARKER = response_marker("FORM_STARTED")


def form_started_token(now=None) -> str:
    return signing.dumps((now or timezone.now()).timestamp(), salt=STARTED_SALT)


class FormTiming(NamedTuple):
    """What a form's start token tells of its submission."""

    # Seconds between showing the form and its submission (None without a valid token).
    seconds: float | None
    # No token this site signed: a script posting straight to the form's address, as no page of
    # the site sends it so. A token expired is not forged (a page left open for a week).
    forged: bool


def form_timing(token: str, now=None) -> FormTiming:
    try:
        started = signing.loads(token, salt=STARTED_SALT, max_age=7 * 24 * 3600)
    except signing.SignatureExpired:
        return FormTiming(seconds=None, forged=False)
    except (signing.BadSignature, TypeError):
        return FormTiming(seconds=None, forged=True)
    return FormTiming(seconds=(now or timezone.now()).timestamp() - float(started), forged=False)


def comment_box(rows: int) -> forms.Textarea:
    """A textarea for a comment's text. The limit is the service's to enforce, with a message
    that says by how much the text is over: a maxlength attribute would make the browser cut a
    pasted comment short without a word. The page's script counts against data-max-length."""
    return forms.Textarea(
        attrs={"rows": rows, "dir": "auto", "data-max-length": conf.COMMENT_MAX_LENGTH}
    )


class CommentForm(forms.Form):
    """The comment box. Business rules live in services.comment_post; this keeps the reader's text."""

    body = forms.CharField(label=_("Comment"), widget=comment_box(4), required=False)
    author_name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=conf.COMMENT_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    author_email = forms.CharField(
        label=_("E-mail (never shown)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    author_url = forms.CharField(label=_("Website (optional)"), required=False, max_length=300)
    notify = forms.ChoiceField(label=_("Notify of"), choices=NOTIFY_CHOICES, required=False)
    # Off unless the guest asks: the details then stay in a cookie of their browser (see
    # readers.remember_commenter), never in the pages the page cache shares.
    remember = forms.BooleanField(
        label=_("Save my name, e-mail and website in this browser for the next time I comment."),
        required=False,
    )
    parent_id = forms.CharField(required=False, widget=forms.HiddenInput)
    anchor_quote = forms.CharField(required=False, widget=forms.HiddenInput)
    anchor_prefix = forms.CharField(required=False, widget=forms.HiddenInput)
    anchor_suffix = forms.CharField(required=False, widget=forms.HiddenInput)
    # Left empty by people (it is hidden from them); bots fill in every field they find.
    homepage = forms.CharField(required=False, label=_("Leave this empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, invitation: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["placeholder"] = invitation
        self.fields["author_name"].widget.attrs["autocomplete"] = "name"
        self.fields["author_url"].widget.attrs["autocomplete"] = "url"
        # Required of guests only (an account supplies both), so not `required` for the browser.
        for name in ("body", "author_name", "author_email"):
            self.fields[name].widget.attrs["aria-required"] = "true"
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial.setdefault("started", FORM_STARTED_MARKER)


class EditCommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=comment_box(5), required=False)
