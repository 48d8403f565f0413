"""Stable error codes: every failure a user can meet has one, a message and a hint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: str
    title: str
    hint: str


# The catalogue; the README lists it and a test keeps the two in step.
CATALOGUE: dict[str, ErrorCode] = {
    e.code: e
    for e in [
        ErrorCode("PARLENS-E001", "empty file", "The file has no content; check the upload or the copy."),
        ErrorCode("PARLENS-E002", "unknown file type", "Supported: PDF, DOCX, HTML, plain text (UTF-8, UTF-16, cp1258)."),
        ErrorCode("PARLENS-E003", "corrupt or truncated PDF", "Re-export or re-download the PDF."),
        ErrorCode("PARLENS-E004", "file too large", "Raise PARLENS_MAX_FILE_BYTES or split the file."),
        ErrorCode("PARLENS-E005", "encrypted PDF", "Remove the password (qpdf --decrypt) and ingest again."),
        ErrorCode("PARLENS-E006", "corrupt DOCX", "The file is not a valid DOCX zip; re-save it from Word or LibreOffice."),
        ErrorCode("PARLENS-E007", "DOCX expands too far (zip bomb)", "Raise PARLENS_MAX_UNZIPPED_BYTES if the file is genuine."),
        ErrorCode("PARLENS-E008", "undecodable text", "Save the file as UTF-8 and ingest again."),
        ErrorCode("PARLENS-E009", "no text found", "The document has no readable text; install tesseract-ocr-vie for scans."),
        ErrorCode("PARLENS-E010", "file not found or unreadable", "Check the path and permissions."),
        ErrorCode("PARLENS-E011", "mislabelled file", "The extension does not match the content; the content decides."),
        ErrorCode("PARLENS-E012", "legacy DOC/XLS format", "Convert .doc to .docx (libreoffice --convert-to docx) first."),
        ErrorCode("PARLENS-E013", "not a task tracker workbook", "Import the .xlsx tracker exported by GET /tasks?format=xlsx, with its header row and its Mã column kept."),
        ErrorCode("PARLENS-E014", "no document content", "The file is an error or navigation page (e.g. 'Trang không tồn tại'), not a document; download the document itself."),
        ErrorCode("PARLENS-E015", "probable duplicate of a stored document", "The same issuer, number and date (or nearly the same text) is already stored; keep one of the two."),
        # Warnings: the file is stored, but something was read with less than full confidence.
        ErrorCode("PARLENS-W001", "page not OCRed", "Install tesseract-ocr-vie, enable OCR (PARLENS_OCR_ENABLED) or raise the OCR limits, then ingest again."),
        ErrorCode("PARLENS-W002", "OCR failed on a page", "Check the page in the original file; re-scan it at 300 dpi if it is unreadable."),
        ErrorCode("PARLENS-W003", "page without readable text", "The page is blank or an image OCR could not read; check it in the original file."),
        ErrorCode("PARLENS-W004", "legacy encoding converted", "The text was in a legacy encoding (cp1258, TCVN3, VNI) and was converted to Unicode; check names and diacritics."),
        ErrorCode("PARLENS-W005", "no article body found", "The page's visible text was read as a whole; menus and footers may be mixed in."),
        ErrorCode("PARLENS-E019", "unexpected error while processing the file", "Nothing was stored for this file and the batch went on; report it together with the file."),
        ErrorCode("PARLENS-E020", "document not found", "List documents with `parlens list` or GET /documents."),
        ErrorCode("PARLENS-E021", "store is newer than this program", "Upgrade parlens; the store's schema is from a later version."),
        ErrorCode("PARLENS-E022", "store cannot be opened", "Check PARLENS_DATA_DIR: the folder must be writable and parlens.sqlite3 must be a parlens store."),
        ErrorCode("PARLENS-E023", "disk full", "Free disk space under PARLENS_DATA_DIR; nothing was written, so retry afterwards."),
        ErrorCode("PARLENS-E024", "processing limit reached", "The file took longer or needed more OCR than the service allows; split it or raise the limit (see the README's settings)."),
        ErrorCode("PARLENS-E025", "processing cancelled", "The client went away before the file was processed; nothing was stored. Upload it again."),
        ErrorCode("PARLENS-E026", "task not found", "List tasks with GET /tasks or on the Nhiệm vụ page; a deleted task stays deleted."),
        ErrorCode("PARLENS-E027", "invalid task change", "Check the field: status is chua_thuc_hien, dang_thuc_hien or hoan_thanh; dates are YYYY-MM-DD; role is lead or support."),
        ErrorCode("PARLENS-E028", "evidence not found", "List a task's or a criterion's evidence with GET /tasks/{id}/evidence or GET /criteria/{code}/evidence."),
        ErrorCode("PARLENS-E030", "unknown criterion", "See `parlens criteria` for codes such as PAR.7 or SIPAS.2."),
        ErrorCode("PARLENS-E031", "invalid taxonomy file", "Fix the file named in PARLENS_CRITERIA_TAXONOMY."),
        ErrorCode("PARLENS-E032", "unknown agency", "Agency ids are listed by GET /agencies (e.g. so-noi-vu)."),
        ErrorCode("PARLENS-E033", "no matching criterion", "Use the words of a criterion (see `parlens criteria`) or its code, e.g. PAR.7.2."),
        ErrorCode("PARLENS-E040", "search backend unavailable", "Start Elasticsearch (docker compose up) or use PARLENS_SEARCH_BACKEND=embedded."),
        ErrorCode("PARLENS-E041", "invalid search query or filter", "Filters look like field=value, e.g. doc_type=Kế hoạch."),
        ErrorCode("PARLENS-E042", "search index damaged", "Rebuild it from the store with `parlens reindex`."),
        ErrorCode("PARLENS-E050", "missing or invalid API key", "Send the key in the X-API-Key header."),
        ErrorCode("PARLENS-E051", "permission denied", "This action needs a key with a higher role."),
        ErrorCode("PARLENS-E052", "invalid request", "See the API documentation at /docs."),
        ErrorCode("PARLENS-E053", "job not found", "Job ids are returned by POST /documents."),
        ErrorCode("PARLENS-E054", "request too large", "Send fewer or smaller files per request (PARLENS_MAX_REQUEST_BYTES)."),
        ErrorCode("PARLENS-E055", "host not allowed", "Open the service at http://127.0.0.1:PORT/ or configure an API key and PARLENS_ALLOWED_HOSTS."),
    ]
}


def split_warning(text: str) -> tuple[str | None, str]:
    """A stored warning's code (when it starts with one) and the rest of its text.

    >>> split_warning("PARLENS-W003 trang 2: no readable text")
    ('PARLENS-W003', 'trang 2: no readable text')
    """
    head, _, rest = text.partition(" ")
    if head in CATALOGUE:
        return head, rest
    return None, text


class ParlensError(Exception):
    """An error with a stable ``PARLENS-Exxx`` code, a message and what to do about it.

    >>> str(ParlensError("PARLENS-E001", "ke-hoach.pdf"))
    '[PARLENS-E001] empty file: ke-hoach.pdf. The file has no content; check the upload or the copy.'
    """

    def __init__(self, code: str, detail: str = "", *, hint: str | None = None) -> None:
        entry = CATALOGUE[code]
        self.code = code
        self.title = entry.title
        self.detail = detail
        self.hint = hint or entry.hint
        super().__init__(str(self))

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"[{self.code}] {self.title}{detail}. {self.hint}"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "title": self.title, "detail": self.detail, "hint": self.hint}
