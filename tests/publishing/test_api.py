import pytest

pytestmark = pytest.mark.django_db


def test_articles_api_lists_published_articles_newest_first(client, newsroom):
    response = client.get("/api/v1/articles")
    assert response.status_code == 200
    items = response.json()
    assert [item["title"] for item in items] == [
        "Ferry service extended",
        "New telescope opens",
        "Council election results",
    ]
    ferry = items[0]
    assert ferry["id"] == newsroom["articles"]["ferry"].pk
    assert ferry["url"] == "http://testserver" + newsroom["articles"]["ferry"].url
    assert ferry["section"] == "World"
    assert ferry["published"].startswith(
        newsroom["articles"]["ferry"].first_published_at.date().isoformat()
    )
    assert response["X-Total-Count"] == "3"


def test_articles_api_filters_and_pages(client, newsroom):
    assert [i["title"] for i in client.get("/api/v1/articles?section=science").json()] == [
        "New telescope opens"
    ]
    assert [i["title"] for i in client.get("/api/v1/articles?limit=1&offset=1").json()] == [
        "New telescope opens"
    ]


def test_articles_api_refuses_bad_parameters_clearly(client, newsroom):
    response = client.get("/api/v1/articles?section=nope")
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]
    response = client.get("/api/v1/articles?limit=1000")
    assert response.status_code == 422
    response = client.get(f"/api/v1/articles?offset={10**20}")
    assert response.status_code == 422


@pytest.mark.parametrize("section", ["a%00b", "science%00", "a b", "../science"])
def test_articles_api_answers_a_section_that_is_not_a_slug_as_unknown(
    client, newsroom, section, database_refuses_nul
):
    # PostgreSQL refuses a query with a NUL character in it: that was a 500.
    response = client.get(f"/api/v1/articles?section={section}")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No section with the slug")


def test_openapi_schema_documents_the_articles_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/articles" in schema["paths"]


def test_the_api_docs_page_uses_the_sites_own_files(client, db):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html  # a newsroom's server may have no way out to the internet


def test_articles_api_names_each_article_at_the_sites_address_whichever_host_was_asked(
    newsroom, settings
):
    """A client that reached the API by an alias or the server's IP was given article links on
    that host; the pages' canonical links, sitemaps and feeds name the site's own address."""
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver", "alias.example", "10.0.0.5"]
    ferry = newsroom["articles"]["ferry"]
    for host in ("alias.example", "10.0.0.5"):
        items = Client(HTTP_HOST=host).get("/api/v1/articles").json()
        by_title = {item["title"]: item["url"] for item in items}
        assert by_title["Ferry service extended"] == "http://testserver" + ferry.url
        assert all(url.startswith("http://testserver/") for url in by_title.values())
