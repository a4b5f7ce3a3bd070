import json

import pytest
from django.core.cache import cache
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from masthead.discussion.anchors import feedback_passages
from masthead.publishing.blocks import BODY_RICH_TEXT_FEATURES


def test_editors_mark_a_passage_open_for_feedback_in_the_rich_text_editor(db):
    converter = ContentstateConverter(features=BODY_RICH_TEXT_FEATURES)
    editor_state = {
        "blocks": [
            {
                "key": "a",
                "text": "Tolls have not been decided. Other text.",
                "type": "unstyled",
                "depth": 0,
                "inlineStyleRanges": [{"offset": 0, "length": 28, "style": "FEEDBACK"}],
                "entityRanges": [],
            }
        ],
        "entityMap": {},
    }
    html = converter.to_database_format(json.dumps(editor_state))
    assert (
        html
        == '<p data-block-key="a"><span data-feedback="true">Tolls have not been decided.</span> Other text.</p>'
    )
    back = json.loads(converter.from_database_format(html))
    assert back["blocks"][0]["inlineStyleRanges"] == [
        {"offset": 0, "length": 28, "style": "FEEDBACK"}
    ]


def test_marked_passages_are_found_in_the_article(article):
    from wagtail.rich_text import RichText

    article.body = [
        (
            "paragraph",
            RichText(
                '<p>Intro. <span data-feedback="true">Tolls have not been decided.</span></p>'
            ),
        )
    ]
    assert feedback_passages(article) == ["Tolls have not been decided."]


def panel_items(html) -> list:
    """The panel's list items as (comment id, [replies...]), in the order shown."""
    from bs4 import BeautifulSoup

    def tree(items):
        return [
            (int(item["data-comment-id"]), tree(item.select(":scope > ol > li"))) for item in items
        ]

    return tree(BeautifulSoup(html, "html.parser").find_all("li", recursive=False))


def deepest_level(article, max_depth):
    from masthead.discussion.models import DiscussionSettings

    options = DiscussionSettings.for_site(article.get_site())
    options.max_depth = max_depth
    options.save()


SPRING = "The bridge will open in spring."


@pytest.mark.parametrize("max_depth", [1, 3])
def test_answers_to_a_passage_comment_at_the_deepest_level_are_in_its_panel_and_count(
    client, article, post, max_depth
):
    """They sit beside the comment they answer (in the thread as in the panel), not below it."""
    from masthead.discussion import selectors
    from masthead.discussion.services import AnchorInput

    deepest_level(article, max_depth)
    above = None
    if max_depth > 1:
        top = post("Not about any passage.")
        above = post("Nor is this.", parent_id=top.pk)
    on_passage = post(
        "Spring is optimistic.", anchor=AnchorInput(quote=SPRING), parent_id=above and above.pk
    )
    assert on_passage.depth == max_depth - 1
    answer = post("Councils rarely meet their dates.", parent_id=on_passage.pk)
    answer_to_answer = post("This one has so far.", parent_id=answer.pk)
    assert answer.replied_to_id == on_passage.pk and answer.parent_id == on_passage.parent_id
    if above:
        post("Beside, but answering the comment above.", parent_id=above.pk)
    else:
        post("Another conversation.")

    [passage] = selectors.passage_anchors(article)
    panel = client.get(f"/comments/{article.pk}/?anchor={passage['id']}")
    assert panel_items(panel.content.decode()) == [
        (on_passage.pk, []),
        (answer.pk, []),
        (answer_to_answer.pk, []),
    ]
    assert passage["count"] == 3
    assert (
        f'in reply to <a href="#comment-{on_passage.pk}"><bdi>Alex</bdi></a>'
        in panel.content.decode()
    )
    assert "X-Passage-Limit" not in panel


def test_answers_beside_a_removed_passage_comment_show_under_its_placeholder(client, article, post):
    from masthead.discussion import selectors
    from masthead.discussion.models import Comment
    from masthead.discussion.services import AnchorInput

    deepest_level(article, 1)
    removed = post("Rude.", anchor=AnchorInput(quote=SPRING))
    answer = post("Please keep it civil.", parent_id=removed.pk)
    spam = post("Cheap watches.", parent_id=answer.pk)
    post("Under the spam.", parent_id=spam.pk)
    Comment.objects.filter(pk=removed.pk).update(status="removed")
    Comment.objects.filter(pk=spam.pk).update(status="spam")

    [passage] = selectors.passage_anchors(article)
    panel = client.get(f"/comments/{article.pk}/?anchor={passage['id']}").content.decode()
    assert panel_items(panel) == [(removed.pk, []), (answer.pk, [])]
    assert "Comment removed by a moderator" in panel
    assert passage["count"] == 1


def test_the_panel_says_when_a_passage_has_more_comments_than_it_lists(
    client, article, post, monkeypatch
):
    from masthead.discussion import conf, selectors
    from masthead.discussion.services import AnchorInput

    monkeypatch.setattr(conf, "PASSAGE_PANEL_COMMENTS", 2)
    spring = AnchorInput(quote=SPRING)
    first = post("Spring is optimistic.", anchor=spring)
    post("It is.", parent_id=first.pk)
    middle = post("I hope it is on time.", anchor=spring)
    last = post("Spring, or summer?", anchor=spring)

    [passage] = selectors.passage_anchors(article)
    assert passage["count"] == 4  # every comment, whatever the panel lists
    panel = client.get(f"/comments/{article.pk}/?anchor={passage['id']}")
    assert panel_items(panel.content.decode()) == [(last.pk, []), (middle.pk, [])]
    assert panel["X-Passage-Limit"] == "2"

    monkeypatch.setattr(conf, "PASSAGE_PANEL_COMMENTS", 3)
    cache.clear()  # a new limit comes with a restart, and the panel is in the page cache
    panel = client.get(f"/comments/{article.pk}/?anchor={passage['id']}")
    assert len(panel_items(panel.content.decode())) == 3
    assert "X-Passage-Limit" not in panel


def test_an_edit_scheduled_to_go_live_is_the_text_passages_are_found_in_once_it_is_live(article):
    from wagtail.models import Page
    from wagtail.rich_text import RichText

    from masthead.discussion.anchors import article_text

    article.save_revision().publish()
    article.body = [("paragraph", RichText("<p>The bridge will open in autumn.</p>"))]
    scheduled = article.save_revision()  # the latest revision while the old text is live
    live = Page.objects.get(pk=article.pk).specific
    assert "in spring" in article_text(live)  # readers read, the old text is remembered

    scheduled.publish()

    assert article_text(Page.objects.get(pk=article.pk).specific) == (
        "The bridge will open in autumn."
    )
