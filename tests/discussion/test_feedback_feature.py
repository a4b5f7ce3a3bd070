import json

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
