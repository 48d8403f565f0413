"""HTML press-article reader (trafilatura + lxml): main text, title, date, publisher, source URL.

Menus, related-article lists ("Tin cùng chuyên mục"), comments, scripts and styles are dropped; no
script is ever run (the page is only parsed). A page that holds no document (a CMS error page such as
"Trang không tồn tại", a login form, menus only) is refused with PARLENS-E014; the phrases that tell
are data (``data/no_content.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml
from lxml import etree

from parlens.errors import ParlensError
from parlens.ingest.draft import Draft
from parlens.ingest.readers import register
from parlens.ingest.repair import repair_text
from parlens.ingest.structure import DocumentBuilder
from parlens.model import DocumentMetadata
from parlens.nlp.normalize import fold

if TYPE_CHECKING:
    from parlens.settings import Settings

# Section titles after which a news page lists other articles or reader comments.
_TRAILERS = re.compile(
    r"^(tin cung chuyen muc|tin lien quan|bai viet lien quan|tin khac|cac tin khac|doc them|xem them|tin moi"
    r"|tin noi bat|y kien ban doc|binh luan|gui binh luan|y kien cua ban|chia se|tu khoa|tags?)\b[\s:]*"
)


def _inline(el) -> str:
    parts = []
    for node in el.iter():
        if node.tag == "lb":
            parts.append(" ")
        if node is not el and node.tag in ("list", "table"):
            continue
        if node.text and (node is el or node.getparent() is not None and node.getparent().tag not in ("list", "table")):
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return " ".join("".join(parts).split())


def _walk(el, builder: DocumentBuilder, depth: int = 0) -> bool:
    """Add the blocks under ``el``; returns False once a trailer section ('Tin cùng chuyên mục') starts."""
    for child in el:
        tag = child.tag
        if tag == "head":
            text = repair_text(_inline(child))
            if _TRAILERS.match(fold(text)):
                return False
            level = int(child.get("rend", "h2")[1:] or 2) if re.fullmatch(r"h\d", child.get("rend", "")) else 2
            builder.add_paragraph(text, kind="heading", level=level)
        elif tag in ("p", "quote", "code"):
            text = repair_text(_inline(child))
            if _TRAILERS.match(fold(text)):
                return False
            builder.add_paragraph(text)
        elif tag == "list":
            ordered = child.get("rend") == "ol"
            for n, item in enumerate(child.iterchildren("item"), 1):
                text = repair_text(_inline(item))
                if text:
                    label = f"{n}." if ordered else "-"
                    builder.add_paragraph(f"{label} {text}" if not text.startswith(label) else text,
                                          kind="list_item", level=5 + depth if not ordered else 2 + depth, numbering=label)
                for sub in item.iterchildren("list"):
                    wrapper = etree.Element("x")
                    wrapper.append(sub)
                    _walk(wrapper, builder, depth + 1)
        elif tag == "table":
            grid, texts = [], {}
            for r, row in enumerate(child.iter("row")):
                keys = []
                for c, cell in enumerate(row.iterchildren("cell")):
                    key = (r, c)
                    texts[key] = repair_text(_inline(cell))
                    span = int(cell.get("colspan", "1") or 1) if str(cell.get("colspan", "1")).isdigit() else 1
                    keys.extend([key] * max(1, min(span, 50)))
                if keys:
                    grid.append(keys)
            if grid:
                width = max(len(r) for r in grid)
                for r, row in enumerate(grid):
                    while len(row) < width:
                        key = (r, len(row), "pad")
                        texts[key] = ""
                        row.append(key)
                builder.add_table(grid, texts, style="table")
        elif len(child):
            if not _walk(child, builder, depth):
                return False
    return True


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _parse_page(data: bytes | str):
    """The page as an lxml tree, decoded as UTF-8 when it is (lxml alone assumes Latin-1 without a charset).

    Parsed with libxml2's huge-tree option: without it a page nested deeper than 256 elements, or with one
    text or attribute over 10 MB, loses everything from there on without an error. libxml2 builds the tree
    without recursion and every walk below is iterative, so depth costs nothing but memory.
    """
    from lxml import html as lxml_html

    source: str | bytes = data
    if isinstance(data, bytes):
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    parser = lxml_html.HTMLParser(huge_tree=True, remove_comments=True)
    try:
        tree = lxml_html.fromstring(source, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        tree.set(_TOO_DEEP, "1")  # libxml2 stops at depth 2048 even so; what lies deeper is missing
    return tree


_TOO_DEEP = "data-parlens-too-deep"
_SKIPPED = ("script", "style", "noscript", "template", "nav", "iframe", "object", "embed")
_BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "title", "section",
           "article", "blockquote", "table", "ul", "ol", "header", "footer", "main"}


def _flat_text(data: bytes | str) -> str:
    """Visible text of a page read tag by tag with no tree at all (for pages nested too deep for lxml).

    >>> _flat_text("<div><div><p>Tin <b>mới</b></p><script>x = 1</script><iframe srcdoc='a'>b</iframe></div>")
    'Tin mới'
    """
    from html.parser import HTMLParser

    class Flat(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.skip = 0
            self.parts: list[str] = []

        def handle_starttag(self, tag, attrs) -> None:
            if tag in _SKIPPED and tag != "embed":  # embed is void: it has no content to skip
                self.skip += 1
            elif tag in _BLOCKS:
                self.parts.append("\n")

        def handle_endtag(self, tag) -> None:
            if tag in _SKIPPED:
                self.skip = max(0, self.skip - 1)
            elif tag in _BLOCKS:
                self.parts.append("\n")

        def handle_data(self, data) -> None:
            if not self.skip:
                self.parts.append(data)

    flat = Flat()
    flat.feed(data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data)
    flat.close()
    return "\n".join(" ".join(line.split()) for line in "".join(flat.parts).split("\n") if line.strip())


_MAX_ATTRIBUTE = 64 * 1024  # no attribute an article needs is longer; inline data: URIs and srcdoc pages can be


def _sanitised(data: bytes) -> tuple[bytes | str, bool]:
    """(the page ready for trafilatura, nested too deep to read as a tree?).

    NUL bytes are removed and attributes over 64 KB dropped: trafilatura runs regular expressions over the
    serialised page many times, so a single 5 MB attribute cost seconds, and one over 10 MB made lxml drop
    the rest of the page. Other pages are handed over unchanged (as bytes, for trafilatura's own charset
    detection).
    """
    data = data.replace(b"\x00", b"")
    tree = _parse_page(data)
    if tree is None:
        return data, False
    if tree.get(_TOO_DEEP):
        return data, True
    if len(data) <= _MAX_ATTRIBUTE:
        return data, False
    changed = False
    for el in tree.iter():
        attrib = getattr(el, "attrib", None)
        if not attrib:
            continue
        for key in [k for k, v in attrib.items() if len(v) > _MAX_ATTRIBUTE]:
            del attrib[key]
            changed = True
    if not changed:
        return data, False
    from lxml import html as lxml_html

    return lxml_html.tostring(tree, encoding="unicode"), False


def _fallback_text(data: bytes | str) -> str:
    """Visible text of a page trafilatura found no article in (scripts and styles removed)."""
    tree = _parse_page(data)
    if tree is None:
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template|//nav|//iframe|//object|//embed"):
        bad.drop_tree()
    return "\n".join(t.strip() for t in tree.itertext() if t.strip())


def _visible_lead(data: bytes | str, description: str, main_text: str) -> str | None:
    """The article's lead (sapo) when trafilatura dropped it: the page's description, shown in its body.

    News pages often set the lead apart (bold, its own class) and extractors skip it. It is taken back
    only when the same text stands in a visible element of the body, so hidden text never gets in.
    """
    key = fold(" ".join(description.split()))
    if len(key) < 40 or key in fold(" ".join(main_text.split())):
        return None
    tree = _parse_page(data)
    if tree is None:
        return None
    hidden = "//script|//style|//noscript|//template|//*[@hidden]|//*[contains(translate(@style,' ',''),'display:none')]"
    for bad in tree.xpath(hidden):
        bad.drop_tree()
    for el in tree.xpath("//body//p|//body//div|//body//h2|//body//strong"):
        text = " ".join(el.text_content().split())
        if len(key) // 2 <= len(text) <= 3 * len(key) + 10 and fold(text) == key:  # folding every element cost seconds
            return text
    return None


# ---------------------------------------------------------------------------------------------- no content

_CONTENT_WORDS = 120  # a page with more words of its own than this is content, whatever its title says
_LOGIN_WORDS = 40  # a password field beside fewer words of its own, and no sentence: a login page
_SENTENCE_WORDS = 12  # a line this long is a sentence, not a form label (a short article beside a login box)
_NAVIGATION_OWN_WORDS = 8  # fewer words of its own than this ...
_NAVIGATION_WORDS = 30  # ... beside at least this many words of menus and links: a navigation page
_INVISIBLE = {"head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas"}
_CHROME_TAGS = {"nav", "header", "footer", "aside", "menu", "select", "button"}
_CHROME_NAMES = {"menu", "menus", "submenu", "megamenu", "nav", "navbar", "navigation", "breadcrumb", "breadcrumbs",
                 "sidebar", "header", "footer", "topbar", "banner", "cookie", "cookies", "social", "share", "toolbar"}
_NEVER_CHROME = {"html", "body", "main", "article"}
_TITLE_PARTS = re.compile(r"\s+[|\-–—:»·]+\s+|\s*[|»·]\s*")


@dataclass
class PageProfile:
    """What a page shows besides its menus: its own text line by line, and how much else there is."""

    title: str = ""
    headings: list[str] = field(default_factory=list)  # h1/h2 texts, menus included
    lines: list[str] = field(default_factory=list)  # the page's own text: no menus, headers, footers or links
    link_words: int = 0  # words of links outside menus
    chrome_words: int = 0  # words of menus, headers, footers, sidebars
    password: bool = False  # a password field anywhere

    @property
    def words(self) -> int:
        return sum(len(line.split()) for line in self.lines)


@lru_cache(maxsize=1)
def _no_content_phrases() -> dict[str, list[re.Pattern[str]]]:
    """The phrases of ``data/no_content.yaml`` as whole-word patterns over folded text, per kind."""
    raw = yaml.safe_load(resources.files("parlens.ingest").joinpath("data/no_content.yaml").read_text("utf-8"))
    out: dict[str, list[re.Pattern[str]]] = {}
    for kind, phrases in raw.items():
        patterns = []
        for phrase in phrases:
            words = [r"(?:\w+ ){0,4}" if w == "…" else re.escape(w) + " " for w in fold(str(phrase)).split()]
            patterns.append(re.compile(r"(?<!\w)" + "".join(words)[:-1] + r"(?!\w)"))
        out[kind] = patterns
    return out


def _says(text: str, kind: str, share: float) -> bool:
    """Whether a phrase of ``kind`` makes up at least ``share`` of the words of ``text``.

    >>> _says("Trang bạn tìm kiếm không tồn tại", "missing", 0.5), _says("Lỗi 404 trên cổng dịch vụ công đã được khắc phục", "missing", 0.5)
    (True, False)
    """
    folded = " ".join(re.findall(r"\w+", fold(text)))
    total = len(folded.split())
    if not total:
        return False
    for pattern in _no_content_phrases()[kind]:
        found = pattern.search(folded)
        if found and len(found.group().split()) >= share * total:
            return True
    return False


def _chrome(el, tag: str) -> str | None:
    """'invisible' for elements never shown, 'chrome' for menus, headers, footers and sidebars, else None."""
    if tag in _INVISIBLE or el.get("hidden") is not None or "display:none" in (el.get("style") or "").replace(" ", ""):
        return "invisible"
    if tag in _CHROME_TAGS or (el.get("role") or "") in ("navigation", "banner", "contentinfo", "menu"):
        return "chrome"
    if tag not in _NEVER_CHROME:
        names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if names.strip() and _CHROME_NAMES.intersection(re.split(r"[\s_-]+", names)):
            return "chrome"
    return None


def profile_page(tree) -> PageProfile:
    """The page's own text and how many words its menus and links hold (one pass, no recursion)."""
    profile = PageProfile()
    title = tree.xpath("//title")
    profile.title = " ".join(title[0].text_content().split()) if title else ""
    profile.headings = [" ".join(h.text_content().split()) for h in tree.xpath("//h1|//h2")[:20]]
    profile.password = bool(tree.xpath("//input[translate(@type, 'PASWORD', 'pasword') = 'password']"))
    parts: list[str] = []
    links = 0  # depth inside <a>

    def take(text: str | None) -> None:
        if not text:
            return
        if links:
            profile.link_words += len(text.split())
        else:
            parts.append(text)

    walker = etree.iterwalk(tree, events=("start", "end"))
    for event, el in walker:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        skip = _chrome(el, tag) if tag else "invisible"
        if event == "start":
            if skip:
                if skip == "chrome":
                    profile.chrome_words += len(el.text_content().split())
                walker.skip_subtree()
                continue
            links += tag == "a"
            if tag in _BLOCKS:
                parts.append("\n")
            take(el.text)
        else:
            if not skip:
                links -= tag == "a"
                if tag in _BLOCKS:
                    parts.append("\n")
            take(el.tail)
    profile.lines = [" ".join(line.split()) for line in "".join(parts).split("\n") if line.strip()]
    return profile


def no_content_reason(profile: PageProfile, main_words: int = 0) -> str | None:
    """Why the page is not a document (an error page, a login form, only navigation), or None.

    ``main_words`` counts the article text an extractor found; a page with more than 120 words of its own
    is never refused, so a press article that only mentions "404" or "đăng nhập" is read.

    >>> no_content_reason(PageProfile(title="404 - Trang không tồn tại | Sở Nội vụ", lines=["Quay lại trang chủ"]))
    "the page's title says '404 - Trang không tồn tại | Sở Nội vụ'"
    >>> no_content_reason(PageProfile(title="Thông báo", lines=["Sở Nội vụ thông báo lịch họp giao ban tháng 10."])) is None
    True
    """
    words = max(profile.words, main_words)
    if words > _CONTENT_WORDS:
        return None
    parts = [p for p in _TITLE_PARTS.split(profile.title) if p.strip()]
    if any(_says(p, "missing", 0.5) for p in parts):
        return f"the page's title says {profile.title!r}"
    for text in profile.headings:
        if _says(text, "missing", 0.5):
            return f"the page says {text!r}"
    for line in profile.lines:
        if len(line.split()) <= 20 and _says(line, "missing", 0.4):
            return f"the page says {line!r}"
    sentence = max((len(line.split()) for line in profile.lines), default=0) >= _SENTENCE_WORDS
    if (words < _LOGIN_WORDS and not sentence
            and (profile.password or any(_says(t, "login", 0.5) for t in [*parts, *profile.headings]))):
        return "a login form and no document text"
    if words < _NAVIGATION_OWN_WORDS and profile.link_words + profile.chrome_words >= _NAVIGATION_WORDS:
        return f"only menus and links ({profile.link_words + profile.chrome_words} words), no document text"
    return None


def _refuse_no_content(data: bytes | str, name: str, main_words: int) -> None:
    """Raise PARLENS-E014 when the page is an error, login or navigation page (see ``no_content_reason``)."""
    if main_words > _CONTENT_WORDS:
        return
    tree = _parse_page(data)
    if tree is None:
        return
    reason = no_content_reason(profile_page(tree), main_words)
    if reason:
        raise ParlensError("PARLENS-E014", f"{name}: {reason}")


def read_html(data: bytes, name: str, settings: Settings | None = None) -> Draft:
    """Read a press article; metadata gets title, date, publisher and source URL (doc_type 'Bài báo').

    An error page ("Trang không tồn tại", "404 Not Found"), a login form or a page of menus only is no
    document: PARLENS-E014.
    """
    import trafilatura

    draft = Draft(builder=DocumentBuilder(), media_type="text/html")
    data, too_deep = _sanitised(data)
    meta = DocumentMetadata(doc_type="Bài báo")
    if too_deep:
        from parlens.ingest.text import build_text_blocks

        draft.warnings.append("PARLENS-W005 page nested more than 2048 elements deep; read its visible text tag by tag")
        build_text_blocks(draft.builder, _flat_text(data))
        draft.metadata = meta
        return draft
    xml = trafilatura.extract(data, output_format="xml", include_tables=True, include_comments=False,
                              include_images=False, include_links=False, with_metadata=True, favor_precision=True)
    root = None
    main = None
    if xml:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
        root = etree.fromstring(xml.encode("utf-8"), parser)
        main = root.find("main")
    _refuse_no_content(data, name, len(_inline(main).split()) if main is not None else 0)
    if root is not None:
        title = repair_text(root.get("title") or "") or None
        meta.title = title
        meta.issued_on = _date(root.get("date"))
        meta.publisher = repair_text(root.get("sitename") or "") or root.get("hostname") or None
        meta.source_url = root.get("url") or None
        if title and (main is None or not len(main) or fold(_inline(main[0])) != fold(title)):
            draft.builder.add_paragraph(title, kind="heading", level=1)
        lead = _visible_lead(data, root.get("description") or "", _inline(main) if main is not None else "")
        if lead:
            draft.builder.add_paragraph(repair_text(lead))
        if main is not None:
            _walk(main, draft.builder)
    else:
        from parlens.ingest.text import build_text_blocks

        draft.warnings.append("PARLENS-W005 no article body found; read the visible text of the page")
        build_text_blocks(draft.builder, _fallback_text(data))
    draft.metadata = meta
    return draft


class HtmlReader:
    """The HTML :class:`~parlens.ingest.readers.Reader`: a press article's main text (no script is ever run).

    >>> HtmlReader().kind, HtmlReader().error_codes
    ('html', ('PARLENS-E014',))
    """

    kind = "html"
    media_type = "text/html"
    error_codes = ("PARLENS-E014",)  # no document content (markup itself never fails: it is read leniently)

    def read(self, data: bytes, name: str, settings: Settings | None) -> Draft:
        return read_html(data, name, settings)


register(HtmlReader())
