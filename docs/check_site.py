"""Does the built site load anything from the web? ``python docs/check_site.py [SITE_DIR]``.

The site must open from disk with no network, so no page may make the browser fetch an
http(s) URL: no script, style sheet, font, image, frame or media from a CDN, and no style
sheet that imports or points ``url(...)`` at one. Links (``<a href>``) are fine: nothing is
fetched until a reader follows them. Prints each reference found and exits 1 if there is any.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

WEB = re.compile(r"^\s*(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)
# the attributes through which a page makes the browser fetch something by itself
FETCHING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "source": ("src", "srcset"),
    "track": ("src",),
    "input": ("src",),
}
FETCHING_LINKS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "prefetch",
}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        names = FETCHING.get(tag, ())
        if tag == "link" and FETCHING_LINKS & set(values.get("rel", "").lower().split()):
            names = ("href",)
        for name in names:
            if WEB.match(values.get(name, "")):
                self.found.append(f"<{tag} {name}={values[name]!r}>")
        self.found += [f"<{tag} style> {url}" for url in CSS_URL.findall(values.get("style", ""))]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [f"<style> {url}" for url in CSS_URL.findall(data)]


def web_references_in_html(text: str) -> list[str]:
    """What an HTML page would fetch from the web by itself."""
    parser = _References()
    parser.feed(text)
    parser.close()
    return parser.found


def web_references_in_css(text: str) -> list[str]:
    """The web URLs a style sheet imports or points ``url(...)`` at."""
    return CSS_URL.findall(text)


def web_references(site: Path) -> list[str]:
    """Every web reference in the site's pages and style sheets, as ``path: reference``."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            refs = web_references_in_html(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".css":
            refs = web_references_in_css(path.read_text(encoding="utf-8", errors="replace"))
        else:
            continue
        found += [f"{path.relative_to(site)}: {ref}" for ref in refs]
    return found


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else Path(__file__).resolve().parent / "_build" / "html"
    if not (site / "index.html").is_file():
        print(f"no built site in {site}: run `make docs` first", file=sys.stderr)
        return 2
    found = web_references(site)
    for ref in found:
        print(ref)
    print(f"{len(found)} web reference(s) in {site}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
