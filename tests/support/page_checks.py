"""Accessibility checks of a rendered page, shared by the page tests.

:func:`assert_accessible` checks landmarks, a skip link, a title, one h1, a label for every
control, unique ids, CSRF tokens in every POST form, and nothing loaded from another site.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Page", "assert_accessible", "parse"]


@dataclass
class Page:
    """What the checks need to know about a page, gathered while parsing it."""

    lang: str | None = None
    title: str = ""
    tags: Counter[str] = field(default_factory=Counter)
    ids: list[str] = field(default_factory=list)
    labels_for: set[str] = field(default_factory=set)
    controls: list[dict[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    forms: list[dict[str, str]] = field(default_factory=list)
    csrf_in_form: list[bool] = field(default_factory=list)
    first_link: str | None = None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._in_title = False
        self._svg_depth = 0  # a <title> inside inline SVG names a graphic, not the page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        page = self.page
        page.tags[tag] += 1
        if "id" in a:
            page.ids.append(a["id"])
        if tag == "html":
            page.lang = a.get("lang")
        elif tag == "svg":
            self._svg_depth += 1
        elif tag == "title" and not self._svg_depth:
            self._in_title = True
        elif tag == "label" and "for" in a:
            page.labels_for.add(a["for"])
        elif tag in {"input", "select", "textarea"}:
            page.controls.append({"tag": tag, **a})
            if a.get("name") == "csrf_token" and page.csrf_in_form:
                page.csrf_in_form[-1] = True
        elif tag == "a":
            page.links.append(a.get("href", ""))
            page.first_link = page.first_link or a.get("href")
        elif tag in {"link", "script", "img", "iframe"}:
            page.resources.append(a.get("href") or a.get("src") or "")
        elif tag == "form":
            page.forms.append(a)
            page.csrf_in_form.append(False)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "svg":
            self._svg_depth = max(self._svg_depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


def parse(html: str) -> Page:
    collector = _Collector()
    collector.feed(html)
    return collector.page


def assert_accessible(html: str) -> None:
    page = parse(html)
    assert page.lang == "en"
    assert page.title.strip().endswith("Software Marketplace")
    assert page.tags["h1"] == 1
    assert page.first_link == "#main", "the skip link comes first"
    assert "main" in page.ids
    for landmark in ("header", "nav", "main", "footer"):
        assert page.tags[landmark] >= 1, landmark
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids {duplicates}"
    for control in page.controls:
        if control.get("type") in {"hidden", "submit"}:
            continue
        labelled = control.get("id") in page.labels_for or control.get("aria-label")
        assert labelled, f"no label for {control}"
    for form, has_token in zip(page.forms, page.csrf_in_form, strict=True):
        if form.get("method", "get").lower() == "post":
            assert has_token, f"POST form to {form.get('action')} has no CSRF token"
    for url in page.links + page.resources:
        assert not url.startswith(("http:", "https:", "//")), f"external address {url}"
    scripts = [url for url in page.resources if url.endswith(".js")]
    assert page.tags["script"] == len(scripts), "inline scripts (the CSP refuses them)"
    assert all(url.startswith("/static/") for url in scripts), scripts
