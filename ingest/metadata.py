"""Official-document metadata from the Nghị định 30/2020/NĐ-CP header and signature layout.

Works on the first and last blocks of a read document (tables unrolled column by column). Header lines
that a narrow column wrapped are read as printed ('ỦY BAN NHÂN DÂN THÀNH' / 'PHỐ HỒ CHÍ MINH', '..., ngày 12
tháng 3' / 'năm 2025'), and the trích yếu runs from the type title to the first body line. Every field that
is not found stays None: nothing is guessed.

>>> lines = ["UBND TỈNH THANH HÓA", "VĂN PHÒNG", "Số: 1234/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
...          "Thanh Hóa, ngày 15 tháng 9 năm 2021", "KẾ HOẠCH", "Cải cách hành chính năm 2026"]
>>> m = metadata_from_lines(lines)
>>> m.issuer, m.issuer_parent, m.number, m.doc_type, m.issued_on.isoformat(), m.title
('VĂN PHÒNG', 'UBND TỈNH THANH HÓA', '1234/KH-UBND', 'Kế hoạch', '2021-09-15', 'Kế hoạch Cải cách hành chính năm 2026')
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib import resources

import yaml

from parlens.ingest.structure import classify_line, is_all_caps
from parlens.model import Block, DocumentMetadata
from parlens.nlp.normalize import fold

_HEAD_BLOCKS = 40
_LONGEST_LINE = 1000  # header lines are short; longer lines are cut to this before the header is read
_TAIL_BLOCKS = 60
_NUMBER = re.compile(r"\bS[ốỐoO]\s*(?:hiệu)?\s*[:.]?\s*([0-9]*\s*[-/]\s*[\wĐđ./-]*[A-Za-zĐđ][\wĐđ./-]*)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATE_NUMERIC = re.compile(r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.I)
_PLACE_DATE = re.compile(r"(?:[^\W\d_]+\.?\s){0,4}[^\W\d_]+,\s*ngày\s")
_SEPARATOR = re.compile(r"^[\s\-_=*.…·—–~]+$")
_SUBJECT_PREFIX = re.compile(r"^(V/v|Về việc|Về)\b", re.I)
_SUBJECT_LINE = re.compile(r"^(V/v|Về việc)\b", re.I)
_BODY_STARTERS = ("Căn cứ", "Thực hiện", "Kính gửi", "Xét đề nghị", "Theo đề nghị", "Để ", "Nhằm ", "Trong ", "Ngày ",
                  "Thời gian", "Hiện nay", "Qua ", "Năm ")
_SIGNED = re.compile(r"^\(?\s*(đã ký|ký|ký tên|ký, ghi rõ|ký tên, đóng dấu|ký và đóng dấu|signed)[^)]*\)?$", re.I)
_BULLET = re.compile(r"^\s*[-–—•+*]\s*")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_.]*\.?$")
_RULE = "-----"  # a printed rule (under the issuer, the motto or the trích yếu), kept as a header line of its own
_RULE_END = re.compile(r"(?:^|\s)[-–—_=*]{3,}\s*$")  # 'TỈNH BẮC NINH -------'
_RULE_MID = re.compile(r"\s[-–—=*]{5,}\s")  # a rule between two lines a converter ran together
_DATE_OPEN = re.compile(r"\bngày(?:\s+\d{1,2}(?:\s+tháng(?:\s+\d{1,2}(?:\s+năm)?)?)?)?\s*$", re.I)  # '..., ngày 12 tháng'
_PLACE_REST = re.compile(r"^(?:[^\W\d_]+\s){0,3}[^\W\d_]+,\s*ngày\s|^ngày\s+\d", re.I)  # 'Minh, ngày 12 ...' or 'ngày 12 ...'
_PLACE_PIECE = re.compile(r"^[^\W\d_]+\.?(?:\s[^\W\d_]+\.?){0,5}$")  # 'Thành phố Hồ Chí' (letters only)
_END_PUNCT = (".", ":", ";", "!", "?")


@lru_cache(maxsize=1)
def _vocab() -> dict:
    raw = yaml.safe_load(resources.files("parlens.ingest").joinpath("data/doc_types.yaml").read_text("utf-8"))
    raw["codes_upper"] = {k.upper(): v for k, v in raw["codes"].items()}
    raw["title_names"] = {t: t.capitalize() for t in raw["titles"]}
    raw["motto_folded"] = [fold(m) for m in raw["motto"]]
    raw["surnames_upper"] = {n.upper() for n in raw["surnames"]}
    return raw


@lru_cache(maxsize=1)
def _header_words() -> dict:
    """Issuer words that show a wrapped line, and the lines that end a trích yếu (data/header_words.yaml)."""
    raw = yaml.safe_load(resources.files("parlens.ingest").joinpath("data/header_words.yaml").read_text("utf-8"))
    raw["issuer_open_ends"] = tuple(" " + w for w in raw["issuer_open_ends"])
    raw["issuer_open_starts"] = tuple(raw["issuer_open_starts"])
    raw["subject_stops"] = tuple(raw["subject_stops"])
    return raw


@lru_cache(maxsize=1)
def _provinces() -> list[tuple[str, str]]:
    """(folded name or alias, canonical name), longest first; empty if the gazetteer is absent."""
    try:
        raw = yaml.safe_load(resources.files("parlens.nlp").joinpath("data/provinces.yaml").read_text("utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return []
    pairs = []
    for p in raw.get("provinces", []):
        for n in [p["name"], *p.get("aliases", [])]:
            pairs.append((fold(n), p["name"]))
    return sorted(pairs, key=lambda x: len(x[0]), reverse=True)


def _split_markers(line: str) -> list[str]:
    """Split a line where a motto or a 'Place, ngày' date starts mid-line (header columns run together)."""
    if len(line) > 160:  # header lines are short; body paragraphs are never split
        return [line]
    lower = line.lower()
    cuts = set()
    if "cộng" in lower or "độc" in lower or "đảng" in lower:
        folded = fold(line)
        for motto in _vocab()["motto_folded"]:
            i = folded.find(motto[:16])
            if i > 0:
                cuts.add(i)
            if i >= 0 and len(folded) == len(line) and folded.startswith(motto, i) and line[i + len(motto):].strip():
                cuts.add(i + len(motto))  # '... Hạnh phúc Thành phố Hồ Chí Minh, ngày ...': a cell read as one line
    if (n := _NUMBER.search(line)) and n.start() > 0 and is_all_caps(line[:n.start()]) and not _is_motto(line[:n.start()]):
        cuts.add(n.start())  # 'ỦY BAN NHÂN DÂN TỈNH X Số: 12/KH-UBND': the issuer and the number in one cell
    m = _PLACE_DATE.search(line) if "ngày" in lower else None
    if m and m.start() > 0:
        prefix = line[:m.start()]
        if _NUMBER.search(prefix) or is_all_caps(prefix) or _SUBJECT_LINE.match(prefix.strip()):
            # keep the 'Số: ...' part apart: the place is the capitalised words before ', ngày'
            words = line[:m.end()].split()
            k = len(words) - 1
            start_words: list[str] = []
            shouting = None  # the place is written in capitals or not, all through ('THÀNH PHỐ X Thành phố X, ngày')
            while k > 0:
                w = words[k - 1]
                if w[:1].isupper() or w in ("phố",):
                    if _NUMBER.fullmatch(w) or "/" in w or w.rstrip(":") in ("Số", "SỐ"):
                        break
                    if not w.endswith("."):  # 'TP.' goes with either
                        if shouting is None:
                            shouting = _upper(w)
                        elif _upper(w) != shouting:
                            break
                    start_words.insert(0, w)
                    k -= 1
                else:
                    break
            place_text = " ".join(start_words)
            idx = line.rfind(place_text, 0, m.end()) if place_text else -1
            if idx > 0:
                cuts.add(idx)
    if not cuts:
        return [line]
    parts, last = [], 0
    for c in sorted(cuts):
        parts.append(line[last:c])
        last = c
    parts.append(line[last:])
    return [p.strip() for p in parts if p.strip()]


def _block_lines(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    for b in blocks:
        if b.kind == "table" and b.rows:
            ncols = max(len(r) for r in b.rows)
            seen: set[int] = set()
            for c in range(ncols):
                for row in b.rows:
                    if c < len(row) and id(row[c]) not in seen:
                        seen.add(id(row[c]))
                        if row[c].text.strip():
                            lines.append(row[c].text.strip())
        else:
            lines.append(b.text.strip())
    return lines


def extract_metadata(blocks: list[Block], text: str = "") -> DocumentMetadata:
    """Metadata from a document's blocks (header from the first blocks, signature from the last)."""
    head = _block_lines(blocks[:_HEAD_BLOCKS])
    tail = _block_lines(blocks[-_TAIL_BLOCKS:]) if len(blocks) > _HEAD_BLOCKS else _block_lines(blocks)
    return metadata_from_lines(head, tail)


_NOISE = re.compile(r"[_\"“”|]+")


def _clean(line: str) -> str:
    """OCR and layout noise off a header line: underscores, stray quotes and bars, a trailing dash or dot."""
    line = " ".join(_NOISE.sub(" ", line).split())
    line = line.rstrip(" -–.")
    if not (line[:1].islower() or _SUBJECT_LINE.match(line)):  # a wrapped subject keeps 'một số xã,'
        line = line.rstrip(" -–.,")
    return line.lstrip(" .,")


_TRAILING_RULE = re.compile(r"\s*[-_=*.…]{3,}\s*$")


def _strip_rules(line: str) -> str:
    """'TỈNH BẮC NINH -------' -> 'TỈNH BẮC NINH' (the rule printed under a header line)."""
    return line if _SEPARATOR.match(line) else _TRAILING_RULE.sub("", line).strip()


def _is_motto(line: str) -> bool:
    lower = line.lower()
    if "cộng" not in lower and "độc" not in lower and "đảng" not in lower and "chủ nghĩa" not in lower:
        return False
    f = fold(line)
    return any(f.startswith(m[:16].rstrip()) for m in _vocab()["motto_folded"])


def _title_of(line: str) -> tuple[str, str] | None:
    """(type name, remainder) when ``line`` is a type title such as 'KẾ HOẠCH' or 'KẾ HOẠCH CẢI CÁCH ...'."""
    stripped = line.strip()
    for title, name in sorted(_vocab()["title_names"].items(), key=lambda x: -len(x[0])):
        if stripped == title:
            return name, ""
        if stripped.startswith(title + " ") and is_all_caps(stripped[: len(title)]):
            rest = stripped[len(title):].strip()
            if is_all_caps(rest) or _SUBJECT_PREFIX.match(rest):
                return name, rest
    return None


def parse_number(number: str) -> tuple[str | None, str | None]:
    """(doc type, issuer code) from a number and symbol.

    >>> parse_number("1234/KH-UBND"), parse_number("45/UBND-KSTTHC"), parse_number("1707-CV/TU")
    (('Kế hoạch', 'UBND'), ('Công văn', 'UBND'), ('Công văn', 'TU'))
    """
    codes = _vocab()["codes"]
    upper = _vocab()["codes_upper"]
    tokens = [t for t in re.split(r"[/\-]", number) if t and not t.isdigit()]
    if not tokens:
        return None, None
    first = tokens[0]
    name = codes.get(first) or upper.get(first.upper())
    if name and len(tokens) > 1:
        return name, tokens[1]
    if name:
        return name, None
    return "Công văn", first


def _parse_date(line: str) -> date | None:
    for rx in (_DATE_WORDS, _DATE_NUMERIC):
        m = rx.search(line)
        if m:
            d, mo, y = (int(x) for x in m.groups())
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def _place(line: str) -> str | None:
    m = re.search(r"^(.*?),?\s*ngày\s", line)
    if not m:
        return None
    prefix = m.group(1).strip().rstrip(",").strip()
    if not prefix or any(ch.isdigit() for ch in prefix) or len(prefix) > 60:
        return None
    return prefix


def _province(*texts: str | None, place: str | None = None) -> str | None:
    provinces = _provinces()
    for t in texts:
        if not t:
            continue
        f = fold(t)
        for key, name in provinces:
            if re.search(r"\b(?:tinh|thanh pho|tp\.?)\s+" + re.escape(key) + r"\b", f):
                return name
    if place:
        f = fold(place).strip()
        f = re.sub(r"^(?:tinh|thanh pho|tp\.?)\s*", "", f)
        for key, name in provinces:
            if f == key or f == re.sub(r"^(?:tinh|thanh pho|tp\.?)\s*", "", key):
                return name
    return None


def _continues_issuer(above: str, line: str) -> bool:
    """Whether issuer line ``line`` goes on from ``above`` ('ỦY BAN NHÂN DÂN' / 'TỈNH X', '... THÀNH' / 'PHỐ HỒ CHÍ MINH')."""
    words = _header_words()
    continuations = tuple(w + " " for w in _vocab()["issuer_continuations"])
    return (line.startswith(continuations) or above.endswith((" VÀ", "-", ",")) or line.startswith(("VÀ ", "- "))
            or f" {above}".endswith(words["issuer_open_ends"])
            or any(line == w or line.startswith(w + " ") for w in words["issuer_open_starts"]))


def _group_issuer(lines: list[str]) -> list[str]:
    groups: list[str] = []
    for ln in lines:
        if groups and _continues_issuer(groups[-1], ln):
            groups[-1] = f"{groups[-1]} {ln}"
        else:
            groups.append(ln)
    return groups


def _is_body(line: str) -> bool:
    return line != _RULE and (line.startswith(_BODY_STARTERS) or classify_line(line)[2] is not None or len(line) > 160)


def _head_lines(lines: list[str]) -> list[str]:
    """Header lines in reading order, cleaned and split where two columns ran together.

    A printed rule stays as a line of its own (``_RULE``: it closes the issuer, the motto and the trích yếu),
    and what a narrow column wrapped is joined again: a date ('..., ngày 12 tháng 3' / 'năm 2025'), a place
    ('Thành phố Hồ Chí' / 'Minh, ngày ...') and the motto ('CỘNG HÒA XÃ' / 'HỘI CHỦ NGHĨA VIỆT NAM').
    """
    out: list[str] = []

    def rule() -> None:
        if out and out[-1] != _RULE:
            out.append(_RULE)

    for raw in lines:
        raw = raw[:_LONGEST_LINE]  # a body paragraph only has to read as body, not be scanned whole
        pieces = _RULE_MID.split(f" {raw} ") if len(raw) <= 400 else [raw]
        for k, piece in enumerate(pieces):
            if k:
                rule()
            piece = piece.strip()
            if _SEPARATOR.match(piece) and len(piece) >= 3:
                rule()
                continue
            ruled = _RULE_END.search(piece)
            for part in _split_markers(_clean(piece[:ruled.start()] if ruled else piece)):
                part = _strip_rules(_clean(part))
                if not part:
                    continue
                if len(part) >= 40 and piece.rstrip().endswith(".") and part == _clean(piece) and any(c.islower() for c in part):
                    part += "."  # a sentence keeps its full stop: it ends the trích yếu above it
                if out and out[-1] != _RULE and (joined := _rejoin(out[-1], part)):
                    out[-1] = joined
                else:
                    out.append(part)
            if ruled:
                rule()
    return out


def _rejoin(above: str, line: str) -> str | None:
    """``above`` and ``line`` as one line when ``line`` finishes a date, a place or the motto ``above`` left open."""
    if len(above) <= 100 and len(line) <= 40 and _DATE_OPEN.search(above) and _parse_date(above) is None:
        joined = f"{above} {line}"
        if _parse_date(joined):
            return joined
    if (_PLACE_PIECE.match(above) and above[:1].isupper() and not _upper(above) and _PLACE_REST.match(line)
            and _parse_date(line)):
        return f"{above}, {line}" if line[:4].lower() == "ngày" else f"{above} {line}"
    folded = fold(above)
    mottos = _vocab()["motto_folded"]
    if len(folded) >= 4 and any(m.startswith(folded + " ") for m in mottos):
        joined = f"{above} {line}"
        if any(m.startswith(fold(joined)) and len(fold(joined)) >= 16 for m in mottos):
            return joined
    if (len(above) <= 40 and _upper(above) and _upper(line) and not _is_motto(above) and not _is_motto(line) and not _NUMBER.search(line)
            and not _is_authority(line) and (
            f" {above}".endswith(_header_words()["issuer_open_ends"])
            or any(line == w or line.startswith(w + " ") for w in _header_words()["issuer_open_starts"]))):
        return f"{above} {line}"  # 'THỦ' / 'TƯỚNG CHÍNH PHỦ': a name wrapped in a narrow column
    return None


def metadata_from_lines(head: list[str], tail: list[str] | None = None) -> DocumentMetadata:
    """Metadata from header lines in reading order (and signature-area lines, default the same)."""
    meta = DocumentMetadata()
    tail = head if tail is None else tail
    head = _head_lines(head)
    tail = [_strip_rules(_clean(part)) for line in tail for part in _split_markers(_clean(line))]
    tail = [ln for ln in tail if ln]
    title_index = None
    for i, line in enumerate(head):
        if _title_of(line):
            title_index = i
            break
    # the header starts at its first capitals, motto or number line (anything above it is not the header)
    first = next((i for i, ln in enumerate(head) if is_all_caps(ln) or _is_motto(ln) or _NUMBER.match(ln)), 0)
    if title_index is None:  # no title line (công văn): the header ends at the first body line
        end = next((i for i, ln in enumerate(head) if i >= first and (_is_body(ln) or ln.startswith(("Kính gửi", "Kính gởi")))), len(head))
    else:
        end = title_index
    region = head[first:end]

    issuer_lines: list[str] = []
    number_seen = motto_seen = False
    for line in region:
        if meta.number is None and (m := _NUMBER.search(line)):
            meta.number = re.sub(r"\s+", "", m.group(1)).rstrip(".,;")
            number_seen = True
            continue
        if meta.issued_on is None and (d := _parse_date(line)) and (_place(line) is not None or len(line) <= 60):
            meta.issued_on = d  # a place-and-date line, not a deadline in a sentence ('... trước ngày 31/8/2025')
            meta.place = _place(line)
            continue
        if _SEPARATOR.match(line) or _is_motto(line):
            motto_seen = motto_seen or _is_motto(line)
            continue
        if meta.subject is None and _SUBJECT_LINE.match(line):
            meta.subject = line
            continue
        if number_seen or _is_body(line) or _looks_name(line):
            continue
        if is_all_caps(line) and (not _is_authority(line) or not (issuer_lines or motto_seen)):
            issuer_lines.append(line)  # the issuing body sits above the number ('THỦ TƯỚNG CHÍNH PHỦ' heads it too)
        elif any(c.islower() for c in line):
            issuer_lines.clear()  # capitals above running text ('Các nội dung ...' of a web page) head something else
    # number and date may sit after a left-aligned title line; search up to the first body line
    body = next((i for i, ln in enumerate(head) if i >= end and (_is_body(ln) or ln.startswith(("Kính gửi", "Kính gởi")))), len(head))
    for line in head[end:body]:
        if meta.number is None and _NUMBER.match(line) and (m := _NUMBER.search(line)):
            meta.number = re.sub(r"\s+", "", m.group(1)).rstrip(".,;")
        elif meta.issued_on is None and _PLACE_DATE.match(line) and (d := _parse_date(line)):
            meta.issued_on, meta.place = d, _place(line)
    kinh_gui: list[str] = []
    for i, line in enumerate(head):
        if line.startswith(("Kính gửi", "Kính gởi")):
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            kinh_gui.extend(p.strip().rstrip(".,") for p in rest.split(";") if p.strip().rstrip(".,"))
            kinh_gui.extend(_bullets(head[i + 1:]))
            break
    if meta.subject and len(region) > 0:  # a 'V/v' line wrapped in the left column
        idx = region.index(meta.subject)
        for nxt in region[idx + 1: idx + 4]:
            if _subject_goes_on(meta.subject, nxt):
                meta.subject = f"{meta.subject} {nxt}"
            else:
                break

    groups = _group_issuer(issuer_lines)
    if groups and (meta.number or meta.issued_on or motto_seen):  # capitals alone are a heading, not an issuer
        meta.issuer = groups[-1]
        meta.issuer_parent = " ".join(groups[:-1]) or None

    if meta.number:
        doc_type, meta.issuer_code = parse_number(meta.number)
        meta.doc_type = doc_type
        if not meta.number[:1].isdigit():  # "Số:    /TB-UBND": the number is left blank for the signer
            meta.number = None
    if title_index is not None:
        name, rest = _title_of(head[title_index])  # type: ignore[misc]
        meta.doc_type = name
        stops = {fold(n) for n in (meta.issuer, meta.issuer_parent, *groups) if n}
        subject_parts = _trich_yeu(head[title_index + 1: title_index + 14], rest, stops)
        if subject_parts:
            subject = " ".join(subject_parts)
            meta.subject = meta.subject or subject
            meta.title = f"{name} {_lower_first(subject) if _SUBJECT_PREFIX.match(subject) else subject}"
        else:
            meta.title = name
    elif meta.doc_type and meta.subject:  # no title line: công văn "V/v ...", or a decision printed without it
        subject = meta.subject if meta.doc_type == "Công văn" else _lower_first(meta.subject)
        meta.title = f"{meta.doc_type} {subject}"

    meta.province = _province(meta.issuer_parent, meta.issuer, place=meta.place)
    _signature(tail, meta)
    recipients = _recipients(tail)
    if kinh_gui:
        recipients = kinh_gui + [r for r in recipients if fold(r) not in ("nhu tren",) and r not in kinh_gui]
    meta.recipients = recipients
    return meta


def _subject_goes_on(subject: str, line: str) -> bool:
    """Whether ``line`` wraps a 'V/v ...' subject under the number (lower case, or a capital after an open end)."""
    if line == _RULE or _is_body(line) or _is_header_line(line) or is_all_caps(line) or line.startswith(("Kính gửi", "Kính gởi")):
        return False
    if subject.endswith(_END_PUNCT):
        return False
    return line[:1].islower() or (len(line) <= 80 and not _title_of(line) and not line.endswith(_END_PUNCT))


def _stops_subject(line: str, issuers: set[str]) -> bool:
    """A line that certainly ends the trích yếu: a rule, 'Căn cứ ...', a numbered section, the authority."""
    return (line == _RULE or line.startswith(_header_words()["subject_stops"]) or classify_line(line)[2] is not None
            or _is_authority(line) or (_upper(line) and (fold(line) in issuers or line.rstrip().endswith(":"))))


def _trich_yeu(lines: list[str], rest: str, issuers: set[str]) -> list[str]:
    """The trích yếu under a type title ('KẾ HOẠCH' / 'Triển khai ...' / 'năm 2025'), as its lines.

    Lines up to a rule, an authority line or the first body line ('Căn cứ', 'Thực hiện', a numbered section)
    are the subject when such a line closes them; otherwise (a sentence ends first, or nothing closes them)
    only lines that plainly wrap the first one count (lower case, or capitals under capitals). ``rest`` is
    subject text printed on the title line itself.
    """
    parts = [rest] if rest else []
    k = 0
    while not parts and k < len(lines) and (lines[k] == _RULE or _is_header_line(lines[k]) or (
            _upper(lines[k]) and len(lines[k]) <= 4 and not (k + 1 < len(lines) and _upper(lines[k + 1])))):
        k += 1  # motto, number or date after a left-aligned title; a rule or a stray mark before the subject
    # greedy: every line up to one that certainly ends the trích yếu
    greedy: list[str] = []
    closed = False
    for line in lines[k:k + 6]:
        if _stops_subject(line, issuers) or (greedy and (line.startswith(_BODY_STARTERS) or (
                is_all_caps(line) and not _upper(greedy[-1])))):
            closed = True  # a rule, the authority (capitals under a trích yếu in lower case), 'Căn cứ', 'Thực hiện ...'
            break
        if line.endswith(_END_PUNCT) or len(line) > (160 if greedy else 400):
            break
        greedy.append(line)
    if closed and greedy:
        return parts + greedy
    # otherwise the first line and the lines that plainly wrap it
    for line in lines[k:k + 10]:
        if line == _RULE or _stops_subject(line, issuers):
            break
        if not parts:
            if line.startswith(_BODY_STARTERS) or len(line) > 400 or line.endswith(_END_PUNCT):  # a sentence
                break
            parts.append(line)
            continue
        last = parts[-1]
        wraps = line[:1].islower() or (_upper(last) and (_upper(line) or not any(c.isalpha() for c in line)))
        if wraps and not _is_body(line) and not last.endswith((".", ";")):
            parts.append(line)
        else:
            break
    return parts


def _is_header_line(line: str) -> bool:
    """Motto, number or place-and-date lines (they can follow a left-aligned title in reading order)."""
    return _is_motto(line) or bool(_NUMBER.match(line)) or (_parse_date(line) is not None and _place(line) is not None)


def _upper(line: str) -> bool:
    """Letters present and none lower-case ('NĂM 2025')."""
    return any(c.isalpha() for c in line) and not any(c.islower() for c in line)


def _is_authority(line: str) -> bool:
    """The authority line of a decision ('CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ...') or a signing line."""
    v = _vocab()
    s = line.strip()
    return s.startswith(tuple(v["signing_prefixes"])) or any(s == t or s.startswith(t + " ") for t in v["signing_titles"])


def _lower_first(text: str) -> str:
    """'Về việc ban hành ...' -> 'về việc ban hành ...' inside a title; capitals and 'V/v' kept."""
    if text[:2] == "V/" or _upper(text):
        return text
    return text[:1].lower() + text[1:]


def _bullets(lines: list[str]) -> list[str]:
    out = []
    for ln in lines:
        if not _BULLET.match(ln):
            break
        item = _BULLET.sub("", ln).strip().rstrip(" ;.,—–-_")
        if item:
            out.append(item)
    return out


def _recipients(lines: list[str]) -> list[str]:
    """Items of the 'Nơi nhận:' list, archive lines ('Lưu: VT') left out."""
    for i, line in enumerate(lines):
        if line[:8].lower() in ("nơi nhận", "noi nhan") or fold(line[:8]) == "noi nhan":
            rest = line.split(":", 1)[1] if ":" in line else ""
            k = i + 1
            # recipients flowing over several lines ('- Thường' / 'trực Tỉnh ủy; - ...') up to the archive line
            while k < len(lines) and not _BULLET.match(lines[k]) and "luu" not in fold(rest) and _flows(lines[k]):
                rest += " " + lines[k].strip()
                k += 1
            i = k - 1
            items = [p for p in re.split(r"(?:^|(?<=[;.,:]))\s*[-–•+]\s+", rest) if p.strip()]
            out = [p.strip().rstrip(" ;.,—–-_") for p in items]
            out += _bullets(lines[i + 1:])
            return [r for r in out if r and not fold(r).startswith("luu")]
    return []


def _flows(line: str) -> bool:
    """A line that can continue a recipients list: not a signing line, title or name."""
    s = line.strip()
    v = _vocab()
    return bool(s) and not s.startswith(tuple(v["signing_prefixes"])) and not is_all_caps(s) and not _looks_name(s)


def _looks_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 6 or any(ch.isdigit() for ch in line) or is_all_caps(line):
        return False
    if _is_authority(line) or _title_of(line):
        return False
    return all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


def _signature(lines: list[str], meta: DocumentMetadata) -> None:
    """Signing title lines (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH) and the signer's name below them."""
    v = _vocab()
    prefixes = tuple(v["signing_prefixes"])
    start = None
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].strip().startswith(prefixes):
            start = i
            # walk up over the other prefix lines (TM. above KT.)
            while start > 0 and (lines[start - 1].strip().startswith(prefixes) or (
                    start > 1 and lines[start - 2].strip().startswith(prefixes) and is_all_caps(lines[start - 1].strip())
                    and len(lines[start - 1].split()) <= 3)):  # 'TM. ỦY BAN' / 'NHÂN DÂN' wrapped above 'KT. ...'
                start -= 1
            break
    if start is None:
        for i in range(len(lines) - 1, max(-1, len(lines) - 15), -1):
            if lines[i].strip() in v["signing_titles"]:
                start = i
                break
    if start is None:
        return
    titles: list[str] = []
    parts: list[str] = []
    j = start
    while j < len(lines) and len(parts) < 6:
        s = lines[j].strip()
        if _title_line(s, prefixes, v, first=not parts):
            parts.append(s)
            j += 1
            if any(c.islower() for c in s):  # 'TỊCH Mai Sơn': the name ends the block
                name = [w for w in s.split() if any(c.islower() for c in w)]
                nxt = lines[j].strip() if j < len(lines) else ""
                if len(name) == 1 and nxt and len(nxt.split()) <= 3 and _NAME_WORD.match(nxt.split()[0]) and all(
                        w[:1].isupper() and any(c.islower() for c in w) for w in nxt.split()):
                    parts.append(nxt)  # 'CHỦ TỊCH Võ' / 'Minh Châu'
                    j += 1
                break
        else:
            break
    if parts:
        words = " ".join(parts).split()
        # a flattened or wrapped block 'TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Võ Tấn Đức': the name ends it
        k = len(words)
        while k > 0 and words[k - 1][:1].isupper() and any(c.islower() for c in words[k - 1]) and _NAME_WORD.match(words[k - 1]):
            k -= 1
        if 2 <= len(words) - k <= 5 and k > 0:
            meta.signer = " ".join(words[k:])
            words = words[:k]
        for piece in _split_prefixes(" ".join(words), prefixes):
            for part in piece.split(" / "):  # a title already written 'KT. X / PHÓ X'
                titles.extend(t.strip(" /") for t in _split_title(part.strip(" /"), prefixes, v["signing_titles"]))
    meta.signer_title = " / ".join(titles) or None
    if meta.signer:
        return
    for s in lines[j: j + 4]:
        s = s.strip()
        if not s or _SIGNED.match(s) or _SEPARATOR.match(s):
            continue
        if _looks_name(s) or (is_all_caps(s) and 2 <= len(s.split()) <= 5 and s.split()[0] in _vocab()["surnames_upper"]
                              and not any(c.isdigit() for c in s)):
            meta.signer = s
        break


def _title_line(s: str, prefixes: tuple[str, ...], v: dict, *, first: bool) -> bool:
    """Whether a line belongs to the signing-title block (a prefix line, a title, or a wrapped piece of one)."""
    if not s or _SIGNED.match(s) or _SEPARATOR.match(s):
        return False
    if s.startswith(prefixes):
        return True
    if is_all_caps(s):
        if _looks_name(s) or (2 <= len(s.split()) <= 5 and s.split()[0] in v["surnames_upper"] and not first):
            return False
        if s in v["signing_titles"] or any(s.startswith(t) for t in v["signing_titles"]) or s.startswith(("ỦY BAN", "UBND")):
            return True
        return not first and len(s.split()) <= 4 and not _title_of(s) and not s.startswith("PHỤ LỤC")
    words = s.split()  # 'TỊCH Mai Sơn': capitals then a name
    caps = 0
    while caps < len(words) and not any(c.islower() for c in words[caps]):
        caps += 1
    return not first and 0 < caps < len(words) and len(words) - caps <= 5


def _split_title(piece: str, prefixes: tuple[str, ...], known: list[str]) -> list[str]:
    """'KT. CHỦ TỊCH PHÓ CHỦ TỊCH' -> ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']: a prefix line flattened with the title under it."""
    if not piece.startswith(prefixes):
        return [piece]
    words = piece.split()
    for k in range(2, len(words)):
        tail = " ".join(words[k:])
        if tail in known:
            return [" ".join(words[:k]), tail]
    return [piece]


def _split_prefixes(line: str, prefixes: tuple[str, ...]) -> list[str]:
    pattern = "|".join(re.escape(p) for p in prefixes if p.endswith("."))
    parts = re.split(rf"\s+(?=(?:{pattern})\s)", line)
    return [p.strip() for p in parts if p.strip()]
