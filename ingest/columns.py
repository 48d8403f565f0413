"""Reading order for two-column bands: the Nghị định 30 header and the signature block.

An official document sets the issuing body beside the national motto, the number beside place and
date, and "Nơi nhận" beside the signer. Read line by line these interleave; a band of such lines is
unrolled into its left column, then its right column.

>>> lines = [[Segment(0, 15, "ỦY BAN NHÂN DÂN"), Segment(30, 60, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")],
...          [Segment(2, 14, "TỈNH NAM ĐỊNH"), Segment(33, 58, "Độc lập - Tự do - Hạnh phúc")]]
>>> [text for text, _, _ in order_lines(lines)]
['ỦY BAN NHÂN DÂN', 'TỈNH NAM ĐỊNH', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from parlens.nlp.numbering import is_numbered

_BULLETS = frozenset({"bullet", "sub_bullet"})  # "- Sở Nội vụ;" in a 'Nơi nhận' list (nlp.numbering)


@dataclass
class Segment:
    """A run of text on one line between wide gaps, with its horizontal extent."""

    x0: float
    x1: float
    text: str
    info: Any = None  # reader-specific (e.g. the PDF line's vertical position)


def _two_column(line: list[Segment]) -> bool:
    return len(line) >= 2


def order_lines(lines: list[list[Segment]], mid: float | None = None) -> list[tuple[str, list[Segment], bool]]:
    """Lines in reading order as (text, segments, in a band?), bands of two-column lines unrolled column by column.

    A line outside a band is its segments joined by a space; inside a band every segment stands alone.
    With ``mid`` (the page centre), runs of short lines that keep to one side of it also form a band
    when both sides are used, e.g. "Nơi nhận:" beside "KT. CHỦ TỊCH" set at slightly different heights.
    """
    if mid is not None:
        return _order_with_mid(lines, mid)
    out: list[tuple[str, list[Segment], bool]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not _two_column(line):
            out.append((" ".join(s.text for s in line), line, False))
            i += 1
            continue
        split = min(s.x0 for s in line[1:])  # where the right column starts
        left_end = line[0].x1
        j = i
        band: list[list[Segment]] = []
        while j < len(lines):
            cur = lines[j]
            if _two_column(cur):
                band.append(cur)
                split = min(split, min(s.x0 for s in cur[1:]))
            elif len(cur) == 1 and (cur[0].x0 >= split - 0.1 * split or cur[0].x1 <= max(left_end, split * 0.95)):
                band.append(cur)
            else:
                break
            j += 1
        j = _trim_trailing_left(lines, i, j, split)
        band = band[: j - i]
        left: list[Segment] = []
        right: list[Segment] = []
        for cur in band:
            if len(cur) == 1:
                seg = cur[0]
                (right if seg.x0 >= split - 0.1 * split else left).append(seg)
                continue
            left_part = [cur[0]] + [s for s in cur[1:] if s.x0 < split - 1e-6]
            right_part = [s for s in cur[1:] if s.x0 >= split - 1e-6]
            left.append(_merge(left_part))
            right.append(_merge(right_part))
        out.extend((s.text, [s], True) for s in left)
        out.extend((s.text, [s], True) for s in right)
        i = j
    return out


def _one_sided(seg: Segment, ref: float, mid: float | None = None) -> str | None:
    """Which column a lone segment keeps to: left of the column split, right of it, or neither."""
    if seg.x0 >= ref - 2:
        return "right"
    if seg.x1 <= ref + 2:
        return "left"
    if mid is not None and seg.x0 >= mid - 2:  # a signer's name centred under the title can start left of it
        return "right"
    return None


def _order_with_mid(lines: list[list[Segment]], mid: float) -> list[tuple[str, list[Segment], bool]]:
    out: list[tuple[str, list[Segment], bool]] = []
    i = 0
    while i < len(lines):
        j = i
        split: float | None = None
        while j < len(lines):
            ln = lines[j]
            if len(ln) >= 2:
                split = min(split if split is not None else float("inf"), min(s.x0 for s in ln[1:]))
            elif _one_sided(ln[0], split if split is not None else mid, mid) is None:
                break
            j += 1
        ref = split if split is not None else mid
        start = i
        if j > i:
            j = _trim_trailing_left(lines, i, j, ref)
            i = _trim_leading_left(lines, i, j, ref, out)
        if i >= len(lines):
            break
        run = lines[i:j]
        left: list[Segment] = []
        right: list[Segment] = []
        for ln in run:
            if len(ln) >= 2:
                rp = [s for s in ln[1:] if s.x0 >= ref - 2]
                lp = [ln[0]] + [s for s in ln[1:] if s.x0 < ref - 2]
                left.append(_merge(lp))
                if rp:
                    right.append(_merge(rp))
            else:
                (right if _one_sided(ln[0], ref, mid) == "right" else left).append(ln[0])
        if run and left and right:
            out.extend((s.text, [s], True) for s in left)
            out.extend((s.text, [s], True) for s in right)
            i = j
            continue
        if i > start:  # leading lines were emitted as ordinary lines; look again from here
            continue
        out.append((" ".join(s.text for s in lines[i]), lines[i], False))
        i += 1
    return out


def _trim_trailing_left(lines: list[list[Segment]], i: int, j: int, ref: float) -> int:
    """End a band at its last line with a right-hand segment, keeping a trailing 'V/v ...' subject.

    A left-aligned title ("KẾ HOẠCH") right under the header is not part of the header's left column.
    """
    last_right = max((k for k in range(i, j) if any(len(lines[k]) > 1 or _one_sided(s, ref) == "right" for s in lines[k])),
                     default=None)
    if last_right is None:
        return j
    end = last_right + 1
    # a 'V/v ...' subject under the number can wrap below the right column's last line
    left_texts = [lines[k][0].text for k in range(i, end) if len(lines[k]) > 1 or _one_sided(lines[k][0], ref) == "left"]
    in_subject = any(_opens_subject(t) for t in left_texts[-3:])
    recipients = any(seg.text.lower().startswith("nơi nhận") for k in range(i, end) for seg in lines[k])
    archived = any(re.search(r"lưu\s*:?\s*\w", seg.text.lower()) for k in range(i, end) for seg in lines[k])
    while end < j:
        text = " ".join(s.text for s in lines[end]).strip()
        if recipients and not archived and _one_sided(lines[end][0], ref) == "left":
            archived = bool(re.search(r"lưu\s*:?\s*\w", text.lower()))  # a 'Nơi nhận' list flowing on below the signer, up to 'Lưu: VT'
            end += 1
            continue
        previous = " ".join(s.text for s in lines[end - 1]).strip()
        if _opens_subject(text):
            in_subject = True
        elif in_subject and len(lines[end]) == 1 and _one_sided(lines[end][0], ref) == "left" and (
                text[:1].islower() or (not previous.endswith((".", ":", ";")) and not text.lower().startswith("kính"))):
            pass  # 'thủ tục hành chính quý I' / 'Ủy ban nhân dân tỉnh năm 2025': the subject wraps on
        elif not is_numbered(text, styles=_BULLETS):
            break  # recipients ("- Sở Nội vụ;") continue the left column below the signer
        end += 1
    return end


def _opens_subject(text: str) -> bool:
    """A 'V/v ...' or 'Về việc ...' subject line (trích yếu of a công văn)."""
    return text[:3].lower() == "v/v" or text.lower().startswith("về việc")


def _trim_leading_left(lines: list[list[Segment]], i: int, j: int, ref: float, out: list) -> int:
    """Lines of ordinary text before a band's first two-sided line are emitted as they are."""
    while i < j and len(lines[i]) == 1 and _one_sided(lines[i][0], ref) == "left":
        text = lines[i][0].text
        letters = [c for c in text if c.isalpha()]
        if letters and not any(c.islower() for c in letters):  # capitals: an issuer line of the header
            break
        if text.lower().startswith("nơi nhận"):
            break
        out.append((text, lines[i], False))
        i += 1
    return i


def _merge(segments: list[Segment]) -> Segment:
    if len(segments) == 1:
        return segments[0]
    return Segment(segments[0].x0, segments[-1].x1, " ".join(s.text for s in segments), segments[0].info)
