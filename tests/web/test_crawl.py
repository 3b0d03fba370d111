"""A crawler signs in as each demo role, follows every link and filter: no 500, no bad words.

Each kind of page (its path with the numbers taken out) is visited at most twice, so every
page the demo reaches is tried without visiting every apprentice. Each search or filter form
(``method="get"``) is submitted with each of its choices and with awkward text: fullwidth
digits, a huge number and a year out of range. Every page read must also write dates as
GOV.UK does ("15 September 2026") and double no phrase ("Not sampled: not sampled").
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from django.test import Client

from openepa.accounts.models import User
from openepa.demo.build import create_demo

#: Visits of one kind of page, and pages in all, for one person.
PER_KIND = 2
MOST_PAGES = 1500
#: What a person might type into a search box or a number field.
AWKWARD = ("１２３", "²", "99999999999999999999", "-1", "'; drop table", "")
SKIPPED = ("/sign-out/", "/django-admin/", "/static/")
#: Words on a page that break GOV.UK's style: a date as 2026-09-15, 15 Sep 2026 or Sept. 15,
#: 2026 (an example of a format to type, "like 2005-03-27", is allowed), or a phrase doubled.
BAD_WORDS = re.compile(
    r"(?<!like )\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d{4}\b"
    r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\. \d{1,2}, \d{4}",
)
#: A phrase said twice in a row within one piece of text ("Not sampled: not sampled").
DOUBLED = re.compile(r"\b([^\W\d_]+(?: [^\W\d_]+)?)[:,]? \1\b", re.IGNORECASE)


class PageLinks(HTMLParser):
    """The links of a page, its GET forms with their fields and choices, and its words."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self.words: list[str] = []
        self._select: str | None = None
        self._hidden = 0

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag in ("script", "style", "textarea"):
            self._hidden += 1
        if tag == "a" and found.get("href"):
            self.links.append(found["href"])
        elif tag == "form" and found.get("method", "get").lower() == "get":
            self.forms.append({"action": found.get("action", ""), "fields": {}, "choices": {}})
        elif tag == "form":
            self.forms.append({"post": True})
        elif not self.forms or self.forms[-1].get("post"):
            return
        elif tag == "input" and found.get("name") and found.get("type") not in ("submit",):
            self.forms[-1]["fields"][found["name"]] = found.get("value", "")
        elif tag == "select" and found.get("name"):
            self._select = found["name"]
            self.forms[-1]["choices"].setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self.forms[-1]["choices"][self._select].append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag in ("script", "style", "textarea"):
            self._hidden -= 1

    def text(self) -> str:
        """The page's words as read, on one line."""
        return " ".join(" ".join(self.words).split())


def kind_of(url: str) -> str:
    """A page's kind: its address with every ordinary number taken out (a huge one kept)."""
    parts = urlsplit(url)
    query = "&".join(sorted(parts.query.split("&")))
    return re.sub(r"(?<!\d)\d{1,9}(?!\d)", "N", f"{parts.path}?{query}")


def filter_urls(page_url: str, form: dict[str, Any]) -> list[str]:
    """The URLs a GET form gives with each of its choices, and with awkward text typed in."""
    action = urljoin(page_url, form["action"] or page_url).split("?")[0]
    base = dict(form["fields"])
    for name, options in form["choices"].items():
        base.setdefault(name, options[0] if options else "")
    urls = [f"{action}?{urlencode(base)}"]
    for name, options in form["choices"].items():
        urls += [f"{action}?{urlencode({**base, name: option})}" for option in options[:6]]
    for name in form["fields"]:
        urls += [f"{action}?{urlencode({**base, name: text})}" for text in AWKWARD]
    return urls


def crawl(client: Client) -> tuple[list[str], int]:
    """Follow every link and filter from the home page; the URLs that failed, and the count."""
    queue: deque[str] = deque(["/"])
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    filtered: set[str] = set()
    failures: list[str] = []
    visited = 0
    while queue and visited < MOST_PAGES:
        url = queue.popleft()
        if url in seen or kinds[kind_of(url)] >= PER_KIND:
            continue
        seen.add(url)
        kinds[kind_of(url)] += 1
        visited += 1
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url}")
            continue
        if response.status_code in (301, 302, 303):
            queue.append(urljoin(url, response["Location"]))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageLinks()
        parser.feed(response.content.decode())
        text = parser.text()
        failures += [
            f"{url} reads {text[max(0, m.start() - 40) : m.end() + 20]!r}"
            for m in BAD_WORDS.finditer(text)
        ]
        failures += [
            f"{url} doubles {m.group(0)!r} in {' '.join(words.split())!r}"
            for words in parser.words
            for m in DOUBLED.finditer(" ".join(words.split()))
        ]
        for href in parser.links:
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/"):
                continue
            if not target.startswith(SKIPPED):
                queue.append(target)
        path_kind = re.sub(r"\d+", "N", urlsplit(url).path)
        if path_kind not in filtered:  # each kind of page's filters are tried once
            filtered.add(path_kind)
            for form in parser.forms:
                if not form.get("post"):
                    queue.extend(filter_urls(url, form))
    return failures, visited


def test_a_crawler_signed_in_as_each_demo_role_finds_no_server_error(db: Any) -> None:
    logins = create_demo(40)
    assert sorted(login.role for login in logins) == sorted(User.Role.values)
    found: dict[str, list[str]] = {}
    for login in logins:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(email=login.email))
        failures, visited = crawl(client)
        assert visited > 10, f"the crawler reached only {visited} pages as {login.role}"
        if failures:
            found[login.role] = failures
    assert found == {}
