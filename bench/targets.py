"""What ``bench/run.sh`` measures on a running site, found through the site's own API.

Subcommands (every ``BASE`` is ``http://127.0.0.1:PORT``; nothing else is asked):

- ``discover BASE --out FILE [--like FILE] [--fresh-word]``: choose the pages to
  measure and write them to ``FILE`` (JSON); print one ``name<TAB>path`` line per
  page. With ``--like``, the article, category, tag and word of an earlier
  choice are kept (only the deep page is found again, and the word too with
  ``--fresh-word``), so two sites of different sizes are measured on the same pages.
- ``views BASE FILE``: print the ``views`` of the chosen article (``/api/v1/articles/<id>``).
- ``check BASE PATH...``: exit 1, naming them, when some paths do not answer 200
  (redirects are not followed: a 301 is a fault here, since wrk would time the redirect).

Choices: the newest public article; the category with the most public articles
(sub-categories included, as its page lists them), its page 1 and a deep page
(page :data:`DEEP_PAGE` when it exists, else the last); the tag and the search
word most frequent among the :data:`SAMPLE` newest articles (a word counts once
per article, in its title and summary). Errors: :class:`BenchError` (exit 2).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

#: The deep listing page asked for; the last page when the list is shorter.
DEEP_PAGE = 50
#: How many of the newest articles the tag and the search word are chosen from.
SAMPLE = 100
#: Seconds one request may take (a slow page at 100,000 articles included).
TIMEOUT = 120.0
#: Largest number of tag-list pages read to find the chosen tag's slug.
TAG_PAGES_MAX = 50
#: Words of a title or summary (letters with their diacritics, digits).
WORD = re.compile(r"\w+")


class BenchError(Exception):
    """The site did not answer what the benchmark needs (message says what)."""


def fetch(base: str, path: str) -> tuple[int, bytes]:
    """GET ``base + path`` without following redirects; return (status, body).

    Raises :class:`BenchError` when ``base`` is not ``http://host:port`` or
    the connection fails, :class:`TimeoutError` past :data:`TIMEOUT` seconds.
    """
    parts = urlsplit(base)
    if parts.scheme != "http" or not parts.hostname:
        raise BenchError(f"{base!r} is not an http://host:port address")
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers={"User-Agent": "", "Accept": "*/*"})
        response = connection.getresponse()
        return response.status, response.read()
    except OSError as exc:
        raise BenchError(f"GET {base}{path}: {exc}") from exc
    finally:
        connection.close()


def fetch_json(base: str, path: str) -> Any:
    """GET a JSON document; :class:`BenchError` unless it answers 200."""
    status, body = fetch(base, path)
    if status != 200:
        raise BenchError(f"GET {base}{path} answered {status}")
    return json.loads(body)


def path_of(url: str) -> str:
    """The path of an absolute URL the API gave (its host is the request's)."""
    return urlsplit(url).path


def newest_articles(base: str, count: int) -> list[dict[str, Any]]:
    """The ``count`` (at most 100) newest public articles, as the API lists them."""
    return list(fetch_json(base, f"/api/v1/articles?per_page={count}")["items"])


def public_total(base: str, **filters: str | int) -> int:
    """How many public articles match ``filters`` (API ``category``, ``tag``, ``q``)."""
    query = urlencode({**filters, "per_page": 1})
    return int(fetch_json(base, f"/api/v1/articles?{query}")["total"])


def biggest_category(base: str) -> dict[str, Any]:
    """The category listing the most public articles (ties: the lower id)."""
    categories = fetch_json(base, "/api/v1/categories?per_page=100")["items"]
    if not categories:
        raise BenchError("the site has no category")
    sized = [(public_total(base, category=c["id"]), -c["id"], c) for c in categories]
    category = max(sized, key=lambda item: item[:2])[2]
    return {"id": category["id"], "slug": category["slug"], "path": path_of(category["url"])}


def answers(base: str, path: str) -> bool:
    """Whether ``path`` answers 200."""
    return fetch(base, path)[0] == 200


def deep_page(base: str, listing: str) -> int:
    """Page :data:`DEEP_PAGE` of ``listing`` if it exists, else its last page.

    Pages past the last answer 404 (``cms.paging.page_or_404``), so the last
    page is found by bisection in a few requests.
    """
    if answers(base, f"{listing}?page={DEEP_PAGE}"):
        return DEEP_PAGE
    good, bad = 1, DEEP_PAGE
    while bad - good > 1:
        middle = (good + bad) // 2
        if answers(base, f"{listing}?page={middle}"):
            good = middle
        else:
            bad = middle
    return good


def common_tag(base: str, articles: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The tag most of ``articles`` carry (ties: by name), with its slug and path."""
    counts = Counter(name for article in articles for name in set(article.get("tags") or []))
    if not counts:
        raise BenchError("no article has a tag")
    name = min(counts, key=lambda tag: (-counts[tag], tag))
    for page in range(1, TAG_PAGES_MAX + 1):
        items = fetch_json(base, f"/api/v1/tags?per_page=100&page={page}")["items"]
        for tag in items:
            if tag["name"] == name:
                return {"id": tag["id"], "slug": tag["slug"], "path": path_of(tag["url"])}
        if not items:
            break
    raise BenchError(f"tag {name!r} is not in the tag list")


def common_word(articles: Sequence[dict[str, Any]]) -> str:
    """The word in the most titles and summaries of ``articles`` (ties: alphabetical).

    Words are lowercased runs of letters and digits, two characters or more, not
    all digits; each counts once per article.
    """
    counts: Counter[str] = Counter()
    for article in articles:
        text = f"{article.get('title') or ''} {article.get('summary') or ''}".lower()
        counts.update({w for w in WORD.findall(text) if len(w) > 1 and not w.isdigit()})
    if not counts:
        raise BenchError("the articles have no words to search for")
    return min(counts, key=lambda word: (-counts[word], word))


def discover(base: str, like: dict[str, Any] | None = None, fresh_word: bool = False) -> dict:
    """Choose the pages to measure on the site at ``base`` (see the module docstring).

    Returns ``{"article": {"id", "path"}, "category": {"id", "slug", "path"},
    "deep_page": int, "tag": {"id", "slug", "path"}, "word": str,
    "public_articles": int, "targets": [[name, path], ...]}``.
    """
    sample = newest_articles(base, SAMPLE)
    if like is None:
        if not sample:
            raise BenchError("the site has no public article")
        article = {"id": sample[0]["id"], "path": path_of(sample[0]["url"])}
        category, tag = biggest_category(base), common_tag(base, sample)
        word = common_word(sample)
    else:
        article, category, tag = like["article"], like["category"], like["tag"]
        word = common_word(sample) if fresh_word else like["word"]
    page = deep_page(base, category["path"])
    search = "/search?" + urlencode({"q": word}, quote_via=quote)
    targets = [
        ["article-cached", article["path"]],
        ["article", article["path"]],
        ["home", "/"],
        ["category", category["path"]],
        ["category-deep", f"{category['path']}?page={page}"],
        ["tag", tag["path"]],
        ["search", search],
        ["api-articles", "/api/v1/articles"],
    ]
    return {
        "article": article,
        "category": category,
        "deep_page": page,
        "tag": tag,
        "word": word,
        "public_articles": public_total(base),
        "targets": targets,
    }


def article_views(base: str, chosen: dict[str, Any]) -> int:
    """The ``views`` the API gives for the chosen article."""
    return int(fetch_json(base, f"/api/v1/articles/{int(chosen['article']['id'])}")["views"])


def failing(base: str, paths: Sequence[str]) -> list[str]:
    """``"PATH answered STATUS"`` for each of ``paths`` that does not answer 200."""
    problems = []
    for path in paths:
        status = fetch(base, path)[0]
        if status != 200:
            problems.append(f"{base}{path} answered {status}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; 0 when done, 1 when ``check`` found a fault, 2 on :class:`BenchError`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    found = commands.add_parser("discover", help="choose the pages to measure")
    found.add_argument("base")
    found.add_argument("--out", type=Path, required=True)
    found.add_argument("--like", type=Path)
    found.add_argument("--fresh-word", action="store_true")
    views = commands.add_parser("views", help="print the chosen article's views")
    views.add_argument("base")
    views.add_argument("chosen", type=Path)
    check = commands.add_parser("check", help="exit 1 unless every path answers 200")
    check.add_argument("base")
    check.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    try:
        if args.command == "discover":
            like = json.loads(args.like.read_text(encoding="utf-8")) if args.like else None
            chosen = discover(args.base, like, args.fresh_word)
            args.out.write_text(json.dumps(chosen, ensure_ascii=False, indent=1), "utf-8")
            for name, path in chosen["targets"]:
                print(f"{name}\t{path}")
        elif args.command == "views":
            print(article_views(args.base, json.loads(args.chosen.read_text(encoding="utf-8"))))
        else:
            problems = failing(args.base, args.paths)
            for problem in problems:
                print(f"NOT 200: {problem}", file=sys.stderr)
            return 1 if problems else 0
    except (BenchError, TimeoutError, KeyError, ValueError) as exc:
        print(f"{parser.prog} {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
