"""The one passage builder: a stored document -> searchable passages (blocks or windows of sentences).

Short blocks (headings, one-line items) are joined to the next block on the same page; long blocks are
cut into windows of whole sentences (tables into groups of rows). Every passage is a contiguous span
``document.text[start:end]`` so a hit points back into the document.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, NamedTuple

from parlens.model import Block, Document
from parlens.nlp.segment import split_sentences
from parlens.search_index.protocol import BODY, Passage
from parlens.search_index.sections import section_annotations

MAX_CHARS = 700  # a passage longer than this is cut into sentence windows
MIN_CHARS = 80  # a block shorter than this is joined to the next one


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, from the one sentence splitter (``nlp.segment``)."""
    spans = [(start + s, start + e) for s, e in split_sentences(text[start:end])]
    return spans or ([(start, end)] if text[start:end].strip() else [])


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a long span into windows of whole sentences, each at most MAX_CHARS when sentences allow."""
    windows: list[tuple[int, int]] = []
    cur_start = cur_end = None
    for s, e in _sentences(text, start, end):
        while e - s > MAX_CHARS:  # one huge sentence: cut at a space
            cut = text.rfind(" ", s, s + MAX_CHARS)
            cut = cut if cut > s else s + MAX_CHARS
            if cur_start is not None:
                windows.append((cur_start, cur_end))
                cur_start = None
            windows.append((s, cut))
            s = cut + 1 if text[cut : cut + 1] == " " else cut
        if cur_start is None:
            cur_start, cur_end = s, e
        elif e - cur_start <= MAX_CHARS:
            cur_end = e
        else:
            windows.append((cur_start, cur_end))
            cur_start, cur_end = s, e
    if cur_start is not None:
        windows.append((cur_start, cur_end))
    return [(s, e) for s, e in windows if text[s:e].strip()]


_CLOSED = re.compile(r"[.;:!?…)\"”]\s*$")


class PassageSpan(NamedTuple):
    """Where one passage is: ``document.text[start:end]`` on ``page``, all of one ``section``."""

    start: int
    end: int
    page: int | None
    section: str = BODY


def _pieces(doc: Document, blocks: list[Block]) -> list[tuple[Block, str]]:
    """Blocks cut where the section changes (``sections.document_sections``), each with its section.

    A piece keeps its block's kind and page; a block of one section stays whole.
    """
    by_line = {span.start: span for span in section_annotations(doc.text, blocks)}
    pieces: list[tuple[Block, str]] = []
    for block in blocks:
        runs: list[list] = []  # [start, end, section]
        pos = block.start
        while pos < block.end:
            nl = doc.text.find("\n", pos, block.end)
            stop = block.end if nl < 0 else nl
            span = by_line.get(pos)
            if span is not None:
                if runs and runs[-1][2] == span.section:
                    runs[-1][1] = span.end
                else:
                    runs.append([span.start, span.end, span.section])
            pos = stop + 1
        if len(runs) <= 1:
            pieces.append((block, runs[0][2] if runs else BODY))
            continue
        runs[0][0] = block.start
        for i, (start, end, section) in enumerate(runs):
            end = runs[i + 1][0] - 1 if i + 1 < len(runs) else block.end  # the line break stays with the line before it
            pieces.append((Block(block.kind, doc.text[start:end], start, end, page=block.page), section))
    return pieces


def passage_spans(doc: Document) -> list[PassageSpan]:
    """Where each passage of ``doc`` is, in document order.

    Consecutive text blocks are joined while the running text does not end a sentence (a PDF line or a
    paragraph cut by a page break continues in the next block) or is shorter than MIN_CHARS, up to
    MAX_CHARS; a table starts and ends its own passages; longer spans are cut into sentence windows.
    Boilerplate (header, preamble, recipients, signature: :mod:`~parlens.search_index.sections`) is never
    joined to body text, so a passage has one section and search can rank it by that.
    """
    spans: list[PassageSpan] = []
    blocks = [b for b in doc.blocks if b.text.strip()]
    if not blocks and doc.text.strip():
        blocks = [Block("paragraph", doc.text, 0, len(doc.text))]

    def emit(start: int, end: int, page: int | None, section: str) -> None:
        if end - start <= MAX_CHARS:
            spans.append(PassageSpan(start, end, page, section))
        else:
            spans.extend(PassageSpan(s, e, page, section) for s, e in _windows(doc.text, start, end))

    current: PassageSpan | None = None
    for block, section in _pieces(doc, blocks):
        if block.kind == "table":
            if current is not None:
                emit(*current)
                current = None
            emit(block.start, block.end, block.page, section)
            continue
        if current is not None:
            start, end, page, current_section = current
            open_sentence = not _CLOSED.search(doc.text[start:end])
            if section == current_section and (open_sentence or end - start < MIN_CHARS) and block.end - start <= MAX_CHARS:
                current = PassageSpan(start, block.end, page, section)
                continue
            emit(*current)
        current = PassageSpan(block.start, block.end, block.page, section)
    if current is not None:
        emit(*current)
    return spans


def criterion_ancestors(code: str) -> list[str]:
    """A code and its parents: 'PAR.3.1' -> ['PAR', 'PAR.3', 'PAR.3.1']."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def build_passages(
    document_id: int,
    doc: Document,
    tasks: Iterable[Any] = (),
    doc_criteria: Iterable[Any] = (),
    *,
    segmented: bool = False,
) -> list[Passage]:
    """Passages of one document with filter fields drawn from its tasks and criterion links.

    >>> from parlens.model import Block, Document
    >>> d = Document(text="Kế hoạch cải cách hành chính năm 2025 của tỉnh, giao Sở Nội vụ chủ trì thực hiện.",
    ...              blocks=[Block("paragraph", "Kế hoạch cải cách hành chính năm 2025 của tỉnh, giao Sở Nội vụ chủ trì thực hiện.", 0, 83)])
    >>> [(p.passage_id, p.start, p.end) for p in build_passages(7, d)]
    [('7:0', 0, 83)]
    """
    tasks = list(tasks)
    meta = doc.metadata
    agencies = sorted({a for t in tasks if (a := _get(t, "agency_id"))})
    codes: set[str] = set()
    for link in [*doc_criteria, *(c for t in tasks for c in (_get(t, "criteria") or []))]:
        code = link if isinstance(link, str) else _get(link, "code")
        if code:
            codes.update(criterion_ancestors(code))
    deadline_spans = [(_get(t, "start"), _get(t, "end")) for t in tasks if _get(t, "deadline")]
    issued = meta.issued_on.isoformat() if meta.issued_on else None
    passages = []
    for ordinal, (start, end, page, section) in enumerate(passage_spans(doc)):
        text = doc.text[start:end]
        passages.append(
            Passage(
                passage_id=f"{document_id}:{ordinal}",
                document_id=document_id,
                ordinal=ordinal,
                text=text,
                start=start,
                end=end,
                page=page,
                title=meta.title or meta.subject or doc.source_name or None,
                doc_type=meta.doc_type,
                issuer=meta.issuer,
                province=meta.province,
                issued_on=issued,
                year=meta.issued_on.year if meta.issued_on else None,
                agencies=agencies,
                criteria=sorted(codes),
                has_deadline=any(s is not None and e is not None and s < end and e > start for s, e in deadline_spans),
                section=section,
            )
        )
    if segmented:
        from parlens.search_index.analysis import segment_words

        for p in passages:
            p.segmented = " ".join(segment_words(p.text))
    return passages
