"""The links of an HTML page, for tests that follow them (linked-data server, static site)."""

from __future__ import annotations

from html.parser import HTMLParser


class Links(HTMLParser):
    """hrefs/srcs of a page (all, by tag, and the <a href>s), and its <link rel=alternate>s."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.alternates: dict[str, str] = {}
        self.urls: list[str] = []
        self.urls_by_tag: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.urls.append(a[key] or "")
        if a.get("href") or a.get("src"):
            self.urls_by_tag.append((tag, a.get("href") or a.get("src") or ""))
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates[a.get("type") or ""] = a.get("href") or ""

    def followed(self, tags: tuple[str, ...] = ("a", "link", "script")) -> list[str]:
        """The URL (href, else src) of every element of these tags that has one."""
        return [url for tag, url in self.urls_by_tag if tag in tags]


def parse_links(text: str) -> Links:
    p = Links()
    p.feed(text)
    return p
