"""What moderation does when a reader's account changes: bans on their address follow them to a
new one; a deleted account's names and addresses leave the records that quoted them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.accounts.services import account_delete, account_email_change
from masthead.discussion.models import CommentStatus
from masthead.discussion.readers import Reader
from masthead.moderation.models import Ban, BanKind, CommentVerdict, Decision, Report
from masthead.moderation.services import (
    ban_lift,
    comment_remove,
    comment_report,
    decision_undo,
    email_bans_carry,
    reader_ban,
)
from masthead.moderation.services.readers import CARRIED_NOTE, ERASED_MENTION
from tests.moderation.conftest import HEATED

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(django_user_model):
    return django_user_model.objects.create_user(
        "rosa", "rosa@example.org", "pw", first_name="Rosa Marquez"
    )


def as_reader(user) -> Reader:
    return Reader(user=user, key=f"u{user.pk}", ip_hash=f"address-of-{user.username}")


def move(user, email):
    account_email_change(user=user, email=email, site_name="The Test Gazette")


def test_an_e_mail_ban_follows_the_account_to_its_new_address_until_the_same_end(
    post, moderator, rosa
):
    comment = post(HEATED, reader=as_reader(rosa))
    decision = reader_ban(
        comment=comment, moderator=moderator, kinds=(BanKind.EMAIL,), days=7, reason="insults"
    )
    banned = Ban.objects.get()

    move(rosa, "rosa@new.example")

    carried = Ban.objects.get(value="rosa@new.example")
    assert (carried.kind, carried.expires, carried.decision) == ("email", banned.expires, decision)
    assert carried.created_by == moderator
    assert carried.reason == f"insults ({CARRIED_NOTE})"  # shown in the list of bans
    assert post("New address, same me.", reader=as_reader(rosa)).status == CommentStatus.SPAM

    decision_undo(decision=decision, moderator=moderator)  # lifts the ban and its copy
    assert post("Forgiven.", reader=as_reader(rosa)).status == CommentStatus.PUBLISHED


def test_only_standing_bans_are_carried_and_each_once(rosa):
    now = timezone.now()
    lifted = Ban.objects.create(kind=BanKind.EMAIL, value="rosa@example.org")
    ban_lift(ban=lifted)
    Ban.objects.create(kind=BanKind.EMAIL, value="rosa@example.org", expires=now)  # over
    Ban.objects.create(kind=BanKind.EMAIL, value="someone@example.org")

    move(rosa, "rosa@new.example")
    assert not Ban.objects.filter(value="rosa@new.example").exists()

    standing = Ban.objects.create(
        kind=BanKind.EMAIL, value="rosa@new.example", expires=now + timedelta(days=3)
    )
    move(rosa, "rosa@third.example")
    move(rosa, "rosa@new.example")  # back where the ban was carried from
    assert Ban.objects.filter(value="rosa@third.example").count() == 1
    assert list(Ban.objects.filter(value="rosa@new.example")) == [standing]
    assert email_bans_carry(old_email="rosa@new.example", new_email="") == []


def test_a_deleted_accounts_name_and_address_leave_moderations_records_but_not_its_labels(
    article, post, moderator, rosa, make_guest
):
    mine = post("Write to rosa@example.org for the real story.", reader=as_reader(rosa))
    CommentVerdict.objects.filter(comment=mine).update(
        reasons=["author name advertises something: Rosa Marquez", "link to a bare IP address"]
    )
    scores = CommentVerdict.objects.get(comment=mine).scores
    comment_report(comment=mine, reader=make_guest(), reason="abuse", note="ROSA MARQUEZ again")
    comment_remove(comment=mine, moderator=moderator, note="rosa keeps at it, Rosa Marquez")
    banning = reader_ban(comment=post(HEATED, reader=as_reader(rosa)), moderator=moderator, days=7,
                     reason="Rosa Marquez, rosa@example.org: insults")  # fmt: skip
    someone_else = post("Also from a Rosa Marquez fan.", name="Rosa Marquez")
    comment_report(comment=someone_else, reader=make_guest(), reason="spam", note="Rosa Marquez")

    account_delete(user=rosa)

    verdict = CommentVerdict.objects.get(comment=mine)
    assert verdict.reasons == [
        f"author name advertises something: {ERASED_MENTION}",
        "link to a bare IP address",
    ]
    assert verdict.scores == scores
    assert Report.objects.get(comment=mine).note == f"{ERASED_MENTION} again"
    removal = Decision.objects.get(comment=mine)
    assert removal.note == f"{ERASED_MENTION} keeps at it, {ERASED_MENTION}"
    assert removal.label == "abuse"
    assert {ban.reason for ban in banning.bans.all()} == {
        f"{ERASED_MENTION}, {ERASED_MENTION}: insults"
    }
    assert Report.objects.get(comment=someone_else).note == "Rosa Marquez"  # not hers
