"""The article chooser names an article's title as the article editor does: its headline."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def column_headings(admin_client, url: str) -> list[str]:
    response = admin_client.get(url)
    # The chooser opens as a modal (JSON); its search answers with the results' HTML.
    is_modal = response["Content-Type"] == "application/json"
    html = response.json()["html"] if is_modal else response.content.decode()
    return [th.get_text(" ", strip=True) for th in BeautifulSoup(html, "html.parser").select("th")]


def test_the_article_choosers_columns_say_headline_where_they_list_articles(admin_client, newsroom):
    world = newsroom["world"]
    articles = "page_type=publishing.articlepage"
    # Opened at a section (the pin and lead-story choosers), at the front page, and searching.
    for url in (
        f"/admin/choose-page/{world.pk}/?{articles}",
        f"/admin/choose-page/?{articles}",
        f"/admin/choose-page/search/?{articles}&q=Council",
    ):
        headings = column_headings(admin_client, url)
        assert "Headline" in headings and "Title" not in headings, (url, headings)

    # The article editor's field says the same.
    edit = admin_client.get(f"/admin/pages/{newsroom['articles']['election'].pk}/edit/")
    assert "Headline" in edit.content.decode()


def test_a_chooser_of_any_page_keeps_title(admin_client, newsroom):
    headings = column_headings(admin_client, f"/admin/choose-page/{newsroom['world'].pk}/")
    assert "Title" in headings and "Headline" not in headings
