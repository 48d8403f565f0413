"""Every message a web user sees is Vietnamese, said once, with what to do in the UI (issue 12, item 1).

The catalogue carries a Vietnamese title and UI hint beside the English ones; the web error page and the
upload results show the Vietnamese ones and keep the English detail under "Chi tiết kỹ thuật".
"""

from __future__ import annotations

import re

import pytest

from parlens.errors import CATALOGUE, ParlensError, describe_warning

# Letters only Vietnamese uses (with diacritics): a Vietnamese sentence has some, an English one none.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
CLI_ADVICE = re.compile(r"`|\bparlens\s+[a-z-]+|PARLENS_[A-Z_]+|\bGET /|\bPOST /|X-API-Key")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_a_vietnamese_title_and_a_ui_hint(code: str) -> None:
    entry = CATALOGUE[code]
    assert entry.title and entry.hint, "the CLI and the API keep their English title and hint"
    assert VIETNAMESE.search(entry.title_vi), f"{code}: no Vietnamese title"
    assert VIETNAMESE.search(entry.hint_vi), f"{code}: no Vietnamese hint"
    assert not CLI_ADVICE.search(entry.hint_vi), f"{code}: the UI hint names a command, setting or route: {entry.hint_vi}"
    assert entry.title_vi != entry.title and entry.hint_vi != entry.hint


def test_the_cli_message_stays_english_and_the_api_body_adds_the_vietnamese() -> None:
    error = ParlensError("PARLENS-E020", "no document #9")
    assert str(error) == "[PARLENS-E020] document not found: no document #9. List documents with `parlens list` or GET /documents."
    body = error.to_dict()
    assert body["title"] == "document not found" and body["title_vi"] == "Không tìm thấy văn bản"
    assert "trang Văn bản" in body["hint_vi"]


def test_a_warning_is_described_by_its_code() -> None:
    seen = describe_warning("PARLENS-E011 mislabelled file: ke-hoach.pdf is named as PDF but contains HTML; read as HTML")
    assert seen["code"] == "PARLENS-E011" and seen["title_vi"] == "Tệp đặt sai đuôi"
    assert describe_warning("some note without a code") == {"code": None, "title": None, "title_vi": None,
                                                            "text": "some note without a code"}
