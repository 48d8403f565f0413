"""The readers on the project's own sample corpus: metadata per document, exact legacy-font conversion."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from parlens.ingest import ocr, read_document
from parlens.model import to_jsonable
from parlens.nlp.normalize import normalize_text

CORPUS = Path(__file__).resolve().parents[2] / "corpora"
EXPECTED = CORPUS / "expected_metadata.jsonl"
RECORDS = [json.loads(line) for line in EXPECTED.read_text("utf-8").splitlines() if line.strip()] if EXPECTED.exists() else []
pytestmark = pytest.mark.skipif(not RECORDS, reason="corpora/expected_metadata.jsonl not present")


def _check(record: dict, fields: list[str] | None = None) -> None:
    doc = read_document(CORPUS / "samples" / record["doc"])
    got = to_jsonable(doc.metadata)
    wrong = {k: (got.get(k), v) for k, v in record.items() if k != "doc" and (fields is None or k in fields) and got.get(k) != v}
    assert not wrong, wrong


@pytest.mark.parametrize("record", [r for r in RECORDS if "_scan" not in r["doc"]], ids=lambda r: r["doc"])
def test_metadata_of_every_corpus_document(record):
    _check(record)


@pytest.mark.slow
@pytest.mark.skipif(not ocr.tesseract_available(), reason="tesseract not installed")
@pytest.mark.parametrize("record", [r for r in RECORDS if "_scan" in r["doc"]], ids=lambda r: r["doc"])
def test_metadata_of_scanned_corpus_document(record):
    # OCR misreads some characters (roman numerals in the subject); the header facts must still hold
    _check(record, ["doc_type", "number", "issuer", "issuer_parent", "issuer_code", "place", "issued_on",
                    "recipients", "signer", "signer_title", "province"])


@pytest.mark.parametrize("stem", ["cv_de_an30_2009_hatinh_tcvn3", "kh_tuyentruyen_2012_binhduong_vni"])
def test_legacy_corpus_samples_convert_exactly(stem):
    source = yaml.safe_load((CORPUS / "src" / f"{stem}.yaml").read_text("utf-8"))
    sample = next((CORPUS / "samples").glob(f"{stem}.*"))
    doc = read_document(sample)
    texts = [next(v for k, v in block.items() if k in ("h", "p", "li")) for block in source["body"]
             if any(k in ("h", "p", "li") for k in block)]
    assert texts
    missing = [t for t in texts if normalize_text(t) not in doc.text]
    assert not missing
    assert doc.metadata.issued_on == date.fromisoformat(str(source["header"]["date"]))
