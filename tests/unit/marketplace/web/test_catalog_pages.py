import re

import fake_uow
import pytest
from fastapi.testclient import TestClient

HITS = re.compile(r'<h2 id="hit-\d+"><a href="/products/([^"]+)">')


def test_home_page_has_a_search_box_and_the_categories(client: TestClient) -> None:
    page = client.get("/").text

    assert '<form class="big-search" role="search" action="/search" method="get">' in page
    assert '<label for="q">Search software</label>' in page
    assert "Browse by category" in page
    assert 'href="/search?category=DevOps"' in page
    assert "46 products in the catalog." in page


def test_search_shows_the_count_and_links_each_hit_to_its_page(client: TestClient) -> None:
    page = client.get("/search").text

    assert "<title>All software · Software Marketplace</title>" in page
    assert "46 results, page 1 of 3" in page
    hits = HITS.findall(page)
    assert len(hits) == 20
    for product_id in hits[:3]:
        assert client.get(f"/products/{product_id}").status_code == 200


def test_search_for_text_names_it_in_the_title_and_the_box(client: TestClient) -> None:
    page = client.get("/search", params={"q": "observability"}).text

    assert "Search results for “observability”" in page
    assert 'name="q" value="observability"' in page
    assert "/products/prod-rich" in page


def test_search_has_labelled_filters_with_an_apply_button(client: TestClient) -> None:
    page = client.get("/search").text

    assert "<legend>Filter results</legend>" in page
    for name, label in [
        ("pricing_model", "Pricing model"),
        ("delivery_method", "Delivery method"),
        ("category", "Category"),
    ]:
        assert f'<label for="{name}">{label}</label>' in page
        assert f'<select id="{name}" name="{name}">' in page
    assert '<button type="submit" class="button">Apply filters</button>' in page
    assert '<option value="free_trial"' in page
    assert '<option value="ml_model"' in page


def test_a_filter_narrows_the_results_and_stays_selected(client: TestClient) -> None:
    everything = client.get("/search").text
    page = client.get("/search", params={"pricing_model": "free"}).text

    assert '<option value="free" selected>' in page
    count = int(re.search(r"(\d+) results?", page).group(1))  # type: ignore[union-attr]
    assert 0 < count < 46
    assert "Clear filters" in page
    assert "Clear filters" not in everything
    for product_id in HITS.findall(page):
        assert "Free" in client.get(f"/products/{product_id}").text


def test_pagination_links_to_the_other_pages(client: TestClient) -> None:
    first = client.get("/search").text
    second = client.get("/search", params={"page": "2"}).text

    assert '<nav class="pagination" aria-label="Pagination">' in first
    assert 'href="/search?page=2" rel="next"' in first
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1</a>' in first
    assert 'href="/search?page=1" rel="prev"' in second
    assert len(HITS.findall(second)) == 20
    assert set(HITS.findall(second)).isdisjoint(HITS.findall(first))


def test_pagination_links_keep_the_query_and_filters(client: TestClient) -> None:
    page = client.get("/search", params={"q": "suite", "delivery_method": "saas"}).text

    for link in re.findall(r'href="(/search\?[^"]*page=\d+)"', page):
        assert "q=suite" in link
        assert "delivery_method=saas" in link


def test_a_search_that_finds_nothing_says_so(client: TestClient) -> None:
    page = client.get("/search", params={"q": "zzzz-no-such-thing"}).text

    assert "0 results" in page
    assert "Nothing matches your search." in page


def test_an_unknown_filter_value_is_a_friendly_400_page(client: TestClient) -> None:
    response = client.get("/search", params={"pricing_model": "bogus", "page": "x"})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "There is no pricing model called &#39;bogus&#39;." in response.text
    assert "The page must be a whole number from 1." in response.text


def test_a_too_long_search_is_a_friendly_400_page(client: TestClient) -> None:
    response = client.get("/search", params={"q": "x" * 500})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")


def test_product_page_shows_what_it_is_and_who_sells_it(client: TestClient) -> None:
    page = client.get("/products/prod-rich").text

    assert "<title>Observability Suite · Software Marketplace</title>" in page
    assert '<h1 id="product-title">Observability Suite</h1>' in page
    assert "Sold by <strong>Northwind Software</strong>" in page
    assert ">DevOps</a>, <a" in page
    assert ">Monitoring</a>" in page
    assert "<dt>Delivery method</dt><dd>SaaS</dd>" in page
    assert "<p>First paragraph about telemetry.</p>" in page
    assert "<p>Second paragraph about alerts.</p>" in page


def test_product_page_shows_every_offer_with_its_prices_and_terms(client: TestClient) -> None:
    page = client.get("/products/prod-rich").text

    assert "3 offers" in page
    for name in ("Team contract", "Enterprise agreement", "Try it first"):
        assert f">{name}" in page
    assert "<dd>SaaS contract</dd>" in page
    assert "$1,200.00 per user / month" in page
    assert "$0.10 per GB" in page
    assert "1 month, 12 months, 24 months or 36 months" in page
    assert "<dd>Contract with flexible payment schedule</dd>" in page
    assert "At the start of the agreement</th><td>$50,000.00</td>" in page
    assert "12 months after the start</th><td>$25,000.50</td>" in page
    assert "30-day free trial" in page


def test_an_unknown_product_is_a_friendly_404_page(client: TestClient) -> None:
    response = client.get("/products/prod-nope")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text


def test_a_search_past_the_count_limit_says_more_than(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake_uow, "COUNT_LIMIT", 1)

    page = client.get("/search", params={"q": "suite"}).text

    assert "More than 1 result" in page
