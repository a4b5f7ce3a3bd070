"""moderation.assess as discussion calls it: bans, the filter with the site's knowledge, modes."""

import importlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.crypto import salted_hmac

from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.readers import hash_address
from masthead.moderation.models import Ban, BanKind, CommentVerdict, ModerationSettings
from tests.discussion.test_views import form_data
from tests.moderation.conftest import HEATED, SCAM

pytestmark = pytest.mark.django_db


def settings_for(article):
    return ModerationSettings.for_site(article.get_site())


def test_scam_in_the_model_pages_shape_is_never_published(post):
    comment = post(SCAM, name="Jenny")
    assert comment.status in (CommentStatus.SPAM, CommentStatus.PENDING)
    verdict = CommentVerdict.objects.get(comment=comment)
    joined = " | ".join(verdict.reasons)
    assert "obfuscated words: Goog-l-e → google" in joined
    assert "earnings claim" in joined
    assert verdict.scores["spam"] > 0.9 and verdict.fingerprint


def test_heated_political_comment_is_published(post):
    comment = post(HEATED)
    assert comment.status == CommentStatus.PUBLISHED
    assert CommentVerdict.objects.get(comment=comment).action == "publish"


def test_abuse_is_held_for_review_never_spammed_by_default(post):
    comment = post("Immigrants are vermin and parasites, drive them out of our town.")
    assert comment.status == CommentStatus.PENDING
    assert any(
        "dehumanising" in reason for reason in CommentVerdict.objects.get(comment=comment).reasons
    )


def test_an_insult_aimed_at_a_reader_is_held_with_the_insult_named_not_spammed(post):
    comment = post("You are a complete idiot and a moron, the author should be ashamed")
    assert comment.status == CommentStatus.PENDING
    reasons = CommentVerdict.objects.get(comment=comment).reasons
    assert "insult aimed at a reader: idiot" in reasons
    assert "insult aimed at a reader: moron" in reasons


def test_site_can_send_abuse_straight_to_spam(article, post):
    options = settings_for(article)
    options.abuse_action = "spam"
    options.save()
    assert post("Immigrants are vermin and parasites, drive them out.").status == CommentStatus.SPAM


def test_banned_author_is_stopped_on_the_next_post(article, post, make_guest):
    Ban.objects.create(kind=BanKind.EMAIL, value="troll@example.com")
    comment = post(HEATED, email="Troll@Example.com")
    assert comment.status == CommentStatus.SPAM
    assert CommentVerdict.objects.get(comment=comment).reasons == ["banned (e-mail address)"]


def test_expired_ban_no_longer_applies(post):
    Ban.objects.create(
        kind=BanKind.EMAIL, value="late@example.com", expires=timezone.now() - timedelta(days=1)
    )
    assert post(HEATED, email="late@example.com").status == CommentStatus.PUBLISHED


# Three different readers' comments (the same text a third time would be held as a flood).
HEATED_GUEST = "The ferry cuts are a scandal and the council knew it. Shame on every one of them."
HEATED_FIRST = "First time commenting: this budget is a disgrace and the minister should resign."


@pytest.mark.parametrize(
    ("mode", "guest_held", "first_timer_held", "regular_held"),
    [
        ("post", False, False, False),
        ("pre_all", True, True, True),
        ("pre_guests", True, False, False),
        ("pre_first", True, True, False),
    ],
)
def test_moderation_modes(
    article, post, django_user_model, mode, guest_held, first_timer_held, regular_held
):
    from masthead.discussion.readers import Reader
    from masthead.discussion.services import comment_post

    options = settings_for(article)
    options.mode = mode
    options.save()
    regular = django_user_model.objects.create_user("regular", "regular@example.com", "pw")
    comment_post(
        article=article,
        reader=Reader(user=regular, key=f"u{regular.pk}", ip_hash="r"),
        body=HEATED,
        now=timezone.now() - timedelta(days=30),
    )
    from masthead.discussion.models import Comment

    Comment.objects.filter(user=regular).update(status=CommentStatus.PUBLISHED)
    first_timer = django_user_model.objects.create_user("newbie", "newbie@example.com", "pw")

    def held(comment):
        return comment.status == CommentStatus.PENDING

    assert held(post(HEATED_GUEST, email="guest@example.com")) is guest_held
    assert (
        held(
            comment_post(
                article=article,
                reader=Reader(user=first_timer, key=f"u{first_timer.pk}", ip_hash="f"),
                body=HEATED_FIRST,
            )
        )
        is first_timer_held
    )
    assert (
        held(
            comment_post(
                article=article,
                reader=Reader(user=regular, key=f"u{regular.pk}", ip_hash="r"),
                body=HEATED,
            )
        )
        is regular_held
    )


@pytest.mark.parametrize(
    ("mode", "held_until_confirmed"),
    [("post", False), ("pre_guests", True), ("pre_first", True), ("pre_all", True)],
)
def test_an_account_whose_address_is_unconfirmed_is_moderated_as_a_guest(
    article, post, django_user_model, mode, held_until_confirmed
):
    from masthead.accounts import email_links
    from masthead.accounts import services as account_services
    from masthead.discussion.models import Comment
    from masthead.discussion.readers import Reader

    options = settings_for(article)
    options.mode = mode
    options.save()
    newcomer = django_user_model.objects.create_user("newcomer", "newcomer@example.com", "pw")
    account_services.account_signed_up(user=newcomer, site_name="The Test Gazette")
    reader = Reader(user=newcomer, key=f"u{newcomer.pk}", ip_hash="n")

    first = post(HEATED_GUEST, reader=reader)
    assert (first.status == CommentStatus.PENDING) is held_until_confirmed
    if held_until_confirmed and mode != "pre_all":
        reasons = CommentVerdict.objects.get(comment=first).reasons
        assert any(reason.startswith("pre-moderation:") for reason in reasons)

    Comment.objects.filter(pk=first.pk).update(status=CommentStatus.PUBLISHED)  # approved
    token = email_links.email_confirm_token(user_id=newcomer.pk, email=newcomer.email)
    account_services.account_email_confirm(token=token)
    if mode == "pre_guests":
        # Confirmed, the account is no guest: its next comment is published.
        assert post(HEATED_FIRST, reader=reader).status == CommentStatus.PUBLISHED


def test_an_article_can_be_stricter_than_the_site(article, post):
    article.comment_moderation = "pre_all"
    article.save()
    comment = post(HEATED)
    assert comment.status == CommentStatus.PENDING
    assert (
        "pre-moderation: every comment is reviewed before it is published"
        in CommentVerdict.objects.get(comment=comment).reasons
    )


def test_link_allow_and_block_lists(article, post):
    options = settings_for(article)
    options.block_domains = "bad-pharma.example"
    options.allow_domains = "harbour-trust.example"
    options.save()
    assert (
        post("Cheap pills at http://bad-pharma.example/buy", email="a@example.com").status
        == CommentStatus.SPAM
    )
    assert (
        post(
            "The trust's report: https://harbour-trust.example/report", email="b@example.com"
        ).status
        == CommentStatus.PUBLISHED
    )


def test_lexicon_additions_hold_a_word_of_the_sites_choosing(article, post):
    options = settings_for(article)
    options.lexicon_additions = "gullscum"
    options.save()
    assert post("You are nothing but gullscum.").status == CommentStatus.PENDING


def test_a_hashtag_in_the_lexicon_holds_comments_and_notes_beside_it_hold_nothing(article, post):
    options = settings_for(article)
    options.lexicon_additions = "# words from the harbour spam wave\n  # found in March\n#scamcoin"
    options.save()
    assert post("Words from the harbour spam wave were found in March.").status == (
        CommentStatus.PUBLISHED
    )
    assert post("Get rich with #scamcoin today.").status == CommentStatus.PENDING


def test_near_duplicate_of_a_recent_comment_is_flagged(post):
    text = "Visit my profile for the best deals on harbour boat trips, cheapest in town, message me now"
    post(text, email="one@example.com")
    second = post(text + "!", email="two@example.com")
    assert any(
        "duplicate" in reason for reason in CommentVerdict.objects.get(comment=second).reasons
    )


def test_the_third_near_identical_comment_is_held(post):
    text = "The new steps are much better for prams and wheelchairs, thank you for covering this"
    first = post(text, email="one@example.com")
    second = post(text + "!", email="one@example.com")
    assert first.status == second.status == CommentStatus.PUBLISHED
    third = post(text + "!!", email="one@example.com")
    assert third.status == CommentStatus.PENDING
    assert "posted 3 times in the last days, near-identical" in (
        CommentVerdict.objects.get(comment=third).reasons
    )


def test_posting_fast_with_the_honeypot_or_an_instant_form_is_spam(post):
    assert post(HEATED, honeypot="http://x.example").status == CommentStatus.SPAM
    instant = post("Nice article, check my site", seconds_to_submit=0.4, email="fast@example.com")
    assert (
        "form sent 0.4s after it was opened" in CommentVerdict.objects.get(comment=instant).reasons
    )


@pytest.mark.parametrize(("minimum", "flagged"), [(3.0, True), (1.0, False)])
def test_how_soon_a_form_may_be_sent_is_the_deployments_setting(
    post, monkeypatch, minimum, flagged
):
    from masthead.moderation import conf

    monkeypatch.setattr(conf, "MIN_SECONDS_TO_SUBMIT", minimum)
    comment = post("The ferry timetable is better now.", seconds_to_submit=2.0)
    reasons = CommentVerdict.objects.get(comment=comment).reasons
    assert ("form sent 2.0s after it was opened" in reasons) is flagged


def test_edits_are_assessed_again(post, make_guest):
    from masthead.discussion.services import comment_edit

    reader = make_guest()
    comment = post(HEATED, reader=reader)
    comment_edit(
        comment=comment, reader=reader, body=SCAM, now=comment.created + timedelta(minutes=1)
    )
    assert comment.status in (CommentStatus.SPAM, CommentStatus.PENDING)


def test_on_a_pre_moderated_site_an_approved_comment_edited_goes_back_to_review(
    article, post, make_guest, moderator
):
    from masthead.discussion.services import comment_edit
    from masthead.moderation.services import comment_approve

    options = settings_for(article)
    options.mode = "pre_all"
    options.save()
    reader = make_guest()
    comment = post("Is the footpath part of the plan?", reader=reader)
    assert comment.status == CommentStatus.PENDING
    comment_approve(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED

    comment_edit(
        comment=comment,
        reader=reader,
        body="Something else entirely, never reviewed by anyone.",
        now=comment.created + timedelta(minutes=2),
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_a_comment_a_moderator_removed_cannot_be_edited_back_and_stays_undoable(
    post, make_guest, moderator
):
    from masthead.discussion.services import CommentRefused, comment_edit
    from masthead.moderation.services import comment_remove, decision_undo

    reader = make_guest()
    comment = post("The new timetable ignores the school run entirely.", reader=reader)
    removal = comment_remove(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    with pytest.raises(CommentRefused) as refused:
        comment_edit(
            comment=comment,
            reader=reader,
            body="Tickets cheaper from me, call 07700 900123",
            now=comment.created + timedelta(minutes=1),
        )
    assert refused.value.status == 403 and "moderator has removed" in refused.value.message
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    assert comment.body == "The new timetable ignores the school run entirely."
    decision_undo(decision=removal, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_an_edit_never_brings_a_comment_out_of_spam(post, make_guest, moderator):
    from masthead.discussion.services import comment_edit
    from masthead.moderation.services import comment_mark_spam

    reader = make_guest()
    comment = post("The new timetable ignores the school run entirely.", reader=reader)
    comment_mark_spam(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    comment_edit(
        comment=comment,
        reader=reader,
        body="Tickets cheaper from me, call 07700 900123",  # held, were it not spam already
        now=comment.created + timedelta(minutes=1),
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.SPAM


def test_a_guest_is_known_by_their_address_whatever_its_case(article, post):
    options = settings_for(article)
    options.mode = "pre_first"
    options.save()
    first = post(HEATED, email="Rosa.Field@Example.org")
    assert first.status == CommentStatus.PENDING  # a first comment waits
    assert first.author_email == "rosa.field@example.org"
    first.status = CommentStatus.PUBLISHED
    first.save(update_fields=["status"])
    assert post("And another thing.", email="rosa.field@EXAMPLE.org").status == (
        CommentStatus.PUBLISHED
    )


@pytest.mark.parametrize("mode", ["post", "pre_all"])
def test_subscribers_hear_of_a_comment_once_even_if_an_edit_is_reviewed(
    article, post, make_guest, moderator, mode, monkeypatch
):
    from masthead.discussion.services import comment_edit
    from masthead.discussion.services import comments as comment_rules
    from masthead.moderation.services import comment_approve

    announced = []  # comments subscribers are told of (and live readers shown)
    monkeypatch.setattr(comment_rules, "_after_publish", lambda c: announced.append(c.pk))
    options = settings_for(article)
    options.mode = mode
    options.save()
    reader = make_guest()
    comment = post("Is the footpath part of the plan?", reader=reader)
    if comment.status == CommentStatus.PENDING:
        comment_approve(comment=comment, moderator=moderator)
    options.mode = "pre_all"
    options.save()
    comment_edit(
        comment=comment,
        reader=reader,
        body="Is the footpath part of the plan, and the cycle lane?",
        now=comment.created + timedelta(minutes=2),
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    comment_approve(comment=comment, moderator=moderator)
    assert announced == [comment.pk]


def _post_from(article, address, body):
    Client(REMOTE_ADDR=address).post(
        f"/comments/{article.pk}/post/",
        form_data(body=body, author_email=f"reader-{address.replace(':', '-')}@example.com"),
    )
    return Comment.objects.latest("id")


def test_an_address_ban_from_before_ipv6_networks_still_bans_that_one_address(article):
    """Such a ban holds the hash of the full IPv6 address, which cannot be turned into its /64."""
    old_hash = salted_hmac("masthead.ip-address", "2001:db8:5:7::1", algorithm="sha256")
    Ban.objects.create(kind=BanKind.ADDRESS, value=old_hash.hexdigest()[:40], legacy_address=True)
    banned = _post_from(article, "2001:db8:5:7::1", HEATED)
    assert banned.status == CommentStatus.SPAM
    assert CommentVerdict.objects.get(comment=banned).reasons == [
        "banned (network address (hashed))"
    ]
    neighbour = _post_from(article, "2001:db8:5:7::2", HEATED + " Indeed.")
    assert neighbour.status == CommentStatus.PUBLISHED


def test_an_address_ban_covers_the_whole_ipv6_64(article):
    Ban.objects.create(kind=BanKind.ADDRESS, value=hash_address("2001:db8:5:7::1"))
    assert _post_from(article, "2001:db8:5:7::2", HEATED).status == CommentStatus.SPAM
    other_network = _post_from(article, "2001:db8:5:8::1", HEATED + " Indeed.")
    assert other_network.status == CommentStatus.PUBLISHED


def test_address_bans_made_before_the_upgrade_are_marked_as_one_address():
    from django.apps import apps

    migration = importlib.import_module("masthead.moderation.migrations.0010_ban_legacy_address")
    address = Ban.objects.create(kind=BanKind.ADDRESS, value="f" * 40)
    email = Ban.objects.create(kind=BanKind.EMAIL, value="troll@example.com")
    migration.mark_existing_address_bans(apps, None)
    address.refresh_from_db()
    email.refresh_from_db()
    assert address.legacy_address and not email.legacy_address


def test_entries_set_aside_with_a_hash_before_the_upgrade_stay_set_aside(article, post):
    """Before "#word" was a hashtag term, "#idiot" in the lexicon additions was a word set
    aside. The migration makes such lines notes ("# idiot"), so the word still holds nothing;
    notes, indented lines and the other entries are left as they were."""
    from django.apps import apps

    migration = importlib.import_module(
        "masthead.moderation.migrations.0020_old_hashed_lines_become_notes"
    )
    options = ModerationSettings.for_site(article.get_site())
    options.lexicon_additions = "#zorblax\r\n# found in March\r\nbanana-brain\r\n  #kept\r\n#"
    options.block_domains = "#spam-site.example\nscam.example"
    options.alert_recipients = "#night@example.org\ndesk@example.org"
    options.save()

    migration.hashed_lines_to_notes(apps, None)

    options.refresh_from_db()
    assert options.lexicon_additions == (
        "# zorblax\r\n# found in March\r\nbanana-brain\r\n  #kept\r\n#"
    )
    assert options.block_domains == "# spam-site.example\nscam.example"
    assert options.alert_recipients == "# night@example.org\ndesk@example.org"
    assert ModerationSettings.lines(options.lexicon_additions) == ["banana-brain", "#kept"]
    options.full_clean()  # the settings page saves them again without a question
    assert post("The councillor is a zorblax, frankly.").status == CommentStatus.PUBLISHED
    assert post("What a banana-brain.").status == CommentStatus.PENDING
    assert migration.as_notes("") == "" and migration.as_notes(None) == ""


CAMPAIGN = (
    "Everyone must read the real story about the harbour vote that the media refuses to "
    "report, share it with ten friends before they delete it"
)
CAMPAIGN_REWORDED = (
    "The media refuses to report the real story about the harbour vote!! Everyone must read "
    "it and share it with 10 friends before they delete it 🙏"
)


@pytest.mark.parametrize("decision", ["mark spam", "remove"])
def test_a_reworded_copy_of_a_comment_a_moderator_took_down_is_held(post, moderator, decision):
    from masthead.moderation.services import comment_mark_spam, comment_remove

    assert post(CAMPAIGN_REWORDED, email="probe@example.com").status == CommentStatus.PUBLISHED
    first = post(CAMPAIGN, email="first@example.com")
    if decision == "mark spam":
        comment_mark_spam(comment=first, moderator=moderator)
    else:
        comment_remove(comment=first, moderator=moderator)
    reworded = post(CAMPAIGN_REWORDED, email="second@example.com")
    assert reworded.status != CommentStatus.PUBLISHED
    assert any(
        "near-identical to a comment a moderator" in reason
        for reason in CommentVerdict.objects.get(comment=reworded).reasons
    )


def test_honest_replies_quoting_the_same_comment_are_published(post):
    text = (
        "The council spent two million pounds on consultants to tell them the new bus lanes "
        "along the harbour road were a good idea, while three libraries closed this year."
    )
    parent = post(text, email="parent@example.com")
    replies = [
        post(f"> {text}\n\n{own}", email=f"r{n}@example.com", parent_id=parent.pk)
        for n, own in enumerate(["Source? I can't find it.", "Which libraries?"])
    ]
    replies.append(
        post(
            '"three libraries closed this year" - two reopened as community hubs, to be fair.',
            email="c@example.com",
            parent_id=parent.pk,
        )
    )
    assert [reply.status for reply in replies] == [CommentStatus.PUBLISHED] * 3
    for reply in replies:
        reasons = CommentVerdict.objects.get(comment=reply).reasons
        assert not any("near-identical" in r or "near-duplicate" in r for r in reasons)


def test_a_reply_that_is_only_an_insult_waits_for_a_moderator(post):
    parent = post(
        "The bus lanes were the right call; traffic is down a fifth.", email="p@example.com"
    )
    reply = post("Idiot.", email="r@example.com", parent_id=parent.pk)
    assert reply.status == CommentStatus.PENDING
    assert "insult aimed at a reader: idiot" in CommentVerdict.objects.get(comment=reply).reasons
    assert post("Idiot.", email="t@example.com").status == CommentStatus.PUBLISHED


def test_a_person_in_the_story_spoken_to_by_name_is_not_a_reader(article, post):
    """ "Sit down, Boris, you clown" under a story about Boris Johnson is heckling a politician:
    published. The same words to a name the story does not have may be aimed at a reader."""
    from tests.factories import make_article

    story = make_article(
        section=article.get_parent().specific,
        title="Johnson defends the partygate inquiry",
        body_text="Boris Johnson told MPs on Tuesday that the rules were followed. Look at them.",
    )
    heckle = post("Sit down, Boris, you clown.", on=story)
    assert heckle.status == CommentStatus.PUBLISHED, CommentVerdict.objects.get(comment=heckle)
    to_a_reader = post("Sit down, Dave, you clown.", on=story)
    assert to_a_reader.status == CommentStatus.PENDING
    assert "insult aimed at a reader: clown" in (
        CommentVerdict.objects.get(comment=to_a_reader).reasons
    )
    elsewhere = post("Sit down, Boris, you clown.")  # a story that does not name him
    assert elsewhere.status == CommentStatus.PENDING
    # a capital at the start of the story's sentence ("Look at them.") is not a name
    assert post("Look, you clown.", on=story).status == CommentStatus.PENDING
