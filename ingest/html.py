"""HTML press-article reader (trafilatura + lxml): main text, title, date, publisher, source URL.

Menus, related-article lists ("Tin cùng chuyên mục"), comments, scripts and styles are dropped; no
script is ever run (the page is only parsed).
"""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from parlens.ingest.draft import Draft
from parlens.ingest.repair import repair_text
from parlens.ingest.structure import DocumentBuilder
from parlens.model import DocumentMetadata
from parlens.nlp.normalize import fold

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


def read_html(data: bytes, name: str) -> Draft:
    """Read a press article; metadata gets title, date, publisher and source URL (doc_type 'Bài báo')."""
    import trafilatura

    draft = Draft(builder=DocumentBuilder(), media_type="text/html")
    data, too_deep = _sanitised(data)
    meta = DocumentMetadata(doc_type="Bài báo")
    if too_deep:
        from parlens.ingest.text import build_text_blocks

        draft.warnings.append("page nested more than 2048 elements deep; read its visible text tag by tag")
        build_text_blocks(draft.builder, _flat_text(data))
        draft.metadata = meta
        return draft
    xml = trafilatura.extract(data, output_format="xml", include_tables=True, include_comments=False,
                              include_images=False, include_links=False, with_metadata=True, favor_precision=True)
    if xml:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
        root = etree.fromstring(xml.encode("utf-8"), parser)
        title = repair_text(root.get("title") or "") or None
        meta.title = title
        meta.issued_on = _date(root.get("date"))
        meta.publisher = repair_text(root.get("sitename") or "") or root.get("hostname") or None
        meta.source_url = root.get("url") or None
        main = root.find("main")
        if title and (main is None or not len(main) or fold(_inline(main[0])) != fold(title)):
            draft.builder.add_paragraph(title, kind="heading", level=1)
        lead = _visible_lead(data, root.get("description") or "", _inline(main) if main is not None else "")
        if lead:
            draft.builder.add_paragraph(repair_text(lead))
        if main is not None:
            _walk(main, draft.builder)
    else:
        from parlens.ingest.text import build_text_blocks

        draft.warnings.append("no article body found; read the visible text of the page")
        build_text_blocks(draft.builder, _fallback_text(data))
    draft.metadata = meta
    return draft
