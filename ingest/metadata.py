"""Official-document metadata from the Nghị định 30/2020/NĐ-CP header and signature layout.

Works on the first and last blocks of a read document (tables unrolled column by column). Every field
that is not found stays None: nothing is guessed.

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


@lru_cache(maxsize=1)
def _vocab() -> dict:
    raw = yaml.safe_load(resources.files("parlens.ingest").joinpath("data/doc_types.yaml").read_text("utf-8"))
    raw["codes_upper"] = {k.upper(): v for k, v in raw["codes"].items()}
    raw["title_names"] = {t: t.capitalize() for t in raw["titles"]}
    raw["motto_folded"] = [fold(m) for m in raw["motto"]]
    raw["surnames_upper"] = {n.upper() for n in raw["surnames"]}
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
    m = _PLACE_DATE.search(line) if "ngày" in lower else None
    if m and m.start() > 0:
        prefix = line[:m.start()]
        if _NUMBER.search(prefix) or is_all_caps(prefix) or _SUBJECT_LINE.match(prefix.strip()):
            # keep the 'Số: ...' part apart: the place is the capitalised words before ', ngày'
            words = line[:m.end()].split()
            k = len(words) - 1
            start_words = []
            while k > 0:
                w = words[k - 1]
                if w[:1].isupper() or w in ("phố",):
                    if _NUMBER.fullmatch(w) or "/" in w or w.rstrip(":") in ("Số", "SỐ"):
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


def _group_issuer(lines: list[str]) -> list[str]:
    continuations = tuple(w + " " for w in _vocab()["issuer_continuations"])
    groups: list[str] = []
    for ln in lines:
        if groups and (ln.startswith(continuations) or groups[-1].endswith((" VÀ", "-", ",")) or ln.startswith(("VÀ ", "- "))):
            groups[-1] = f"{groups[-1]} {ln}"
        else:
            groups.append(ln)
    return groups


def _is_body(line: str) -> bool:
    return line.startswith(_BODY_STARTERS) or classify_line(line)[2] is not None or len(line) > 160


def metadata_from_lines(head: list[str], tail: list[str] | None = None) -> DocumentMetadata:
    """Metadata from header lines in reading order (and signature-area lines, default the same)."""
    meta = DocumentMetadata()
    tail = head if tail is None else tail
    head = [_strip_rules(_clean(part)) for line in head for part in _split_markers(_clean(line))]
    tail = [_strip_rules(_clean(part)) for line in tail for part in _split_markers(_clean(line))]
    head = [ln for ln in head if ln]
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

    # number and date may sit after a left-aligned title line; search up to the first body line
    body = next((i for i, ln in enumerate(head) if i >= end and (_is_body(ln) or ln.startswith(("Kính gửi", "Kính gởi")))), len(head))
    for line in head[end:body]:
        if meta.number is None and _NUMBER.match(line) and (m := _NUMBER.search(line)):
            meta.number = re.sub(r"\s+", "", m.group(1)).rstrip(".,;")
        elif meta.issued_on is None and (d := _parse_date(line)) and _place(line) is not None:
            meta.issued_on, meta.place = d, _place(line)
    issuer_lines: list[str] = []
    number_seen = motto_seen = False
    for line in region:
        if meta.number is None and (m := _NUMBER.search(line)):
            meta.number = re.sub(r"\s+", "", m.group(1)).rstrip(".,;")
            number_seen = True
            continue
        if meta.issued_on is None and (d := _parse_date(line)):
            meta.issued_on = d
            meta.place = _place(line)
            continue
        if _SEPARATOR.match(line) or _is_motto(line):
            motto_seen = motto_seen or _is_motto(line)
            continue
        if meta.subject is None and _SUBJECT_LINE.match(line):
            meta.subject = line
            continue
        if (is_all_caps(line) and not number_seen and not _is_body(line) and not _is_authority(line)
                and not _looks_name(line)):  # the issuing body sits above the number
            issuer_lines.append(line)
    kinh_gui: list[str] = []
    for i, line in enumerate(head):
        if line.startswith(("Kính gửi", "Kính gởi")):
            rest = line.split(":", 1)[1].strip() if ":" in line else ""
            kinh_gui.extend(p.strip().rstrip(".,") for p in rest.split(";") if p.strip().rstrip(".,"))
            kinh_gui.extend(_bullets(head[i + 1:]))
            break
    if meta.subject and len(region) > 0:  # a wrapped 'V/v' line continues in lower case
        idx = region.index(meta.subject)
        for nxt in region[idx + 1: idx + 3]:
            if nxt[:1].islower() and not _is_body(nxt):
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
        subject_parts = [rest] if rest else []
        for nxt in head[title_index + 1: title_index + 10]:
            if _SEPARATOR.match(nxt) or _is_header_line(nxt):
                continue
            if not subject_parts:
                if _is_body(nxt) or _is_authority(nxt):
                    break
                subject_parts.append(nxt)
                continue
            last = subject_parts[-1]
            if (nxt[:1].islower() or (_upper(last) and _upper(nxt) and not _is_authority(nxt))) and not _is_body(nxt) and not last.endswith((".", ";")):
                subject_parts.append(nxt)
            else:
                break
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


def _is_header_line(line: str) -> bool:
    """Motto, number or place-and-date lines (they can follow a left-aligned title in reading order)."""
    return _is_motto(line) or bool(_NUMBER.match(line)) or (_parse_date(line) is not None and _place(line) is not None) or (
        _upper(line) and len(line) <= 4)


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
