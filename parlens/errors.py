"""Stable error codes: every failure a user can meet has one, a message and a hint, in English and Vietnamese.

The English ``title``/``hint`` are for the CLI and the JSON API (a hint may name a command or a setting);
``title_vi``/``hint_vi`` are what the web UI shows staff: Vietnamese, and a hint says what to do in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    """One code of the catalogue: its English title and hint (CLI, API) and their Vietnamese UI wording."""

    code: str
    title: str
    hint: str
    title_vi: str = ""  # every code has both (tests/search_api/test_messages_vi.py walks the catalogue)
    hint_vi: str = ""


# The catalogue; the README lists it and a test keeps the two in step.
CATALOGUE: dict[str, ErrorCode] = {
    e.code: e
    for e in [
        ErrorCode("PARLENS-E001", "empty file", "The file has no content; check the upload or the copy.",
                  "Tệp rỗng", "Tệp không có nội dung; kiểm tra lại tệp gốc rồi tải lên lại."),
        ErrorCode("PARLENS-E002", "unknown file type", "Supported: PDF, DOCX, HTML, plain text (UTF-8, UTF-16, cp1258).",
                  "Không nhận ra loại tệp", "Chỉ nhận PDF, DOCX, HTML và văn bản thuần (.txt); lưu tệp sang một trong các dạng này rồi tải lên lại."),
        ErrorCode("PARLENS-E003", "corrupt or truncated PDF", "Re-export or re-download the PDF.",
                  "Tệp PDF bị hỏng hoặc không trọn vẹn", "Tải lại tệp PDF từ nguồn hoặc xuất lại từ phần mềm soạn thảo, rồi tải lên lại."),
        ErrorCode("PARLENS-E004", "file too large", "Raise PARLENS_MAX_FILE_BYTES or split the file.",
                  "Tệp quá lớn", "Tách tệp thành nhiều phần nhỏ hơn rồi tải lên, hoặc nhờ quản trị viên nâng giới hạn kích thước tệp."),
        ErrorCode("PARLENS-E005", "encrypted PDF", "Remove the password (qpdf --decrypt) and ingest again.",
                  "Tệp PDF có mật khẩu", "Mở tệp bằng mật khẩu, lưu một bản không mật khẩu rồi tải lên lại."),
        ErrorCode("PARLENS-E006", "corrupt DOCX", "The file is not a valid DOCX zip; re-save it from Word or LibreOffice.",
                  "Tệp DOCX bị hỏng", "Mở tệp bằng Word hoặc LibreOffice, lưu lại dạng .docx rồi tải lên lại."),
        ErrorCode("PARLENS-E007", "DOCX expands too far (zip bomb)", "Raise PARLENS_MAX_UNZIPPED_BYTES if the file is genuine.",
                  "Tệp DOCX giải nén ra quá lớn", "Tệp có thể không an toàn; nếu đúng là văn bản thật, nhờ quản trị viên nâng giới hạn giải nén."),
        ErrorCode("PARLENS-E008", "undecodable text", "Save the file as UTF-8 and ingest again.",
                  "Không đọc được bảng mã của văn bản", "Lưu tệp với bảng mã UTF-8 (Unicode) rồi tải lên lại."),
        ErrorCode("PARLENS-E009", "no text found", "The document has no readable text; install tesseract-ocr-vie for scans.",
                  "Không tìm thấy chữ trong tệp", "Tệp không có chữ đọc được (có thể là bản quét); tải lên bản có lớp chữ, hoặc nhờ quản trị viên bật nhận dạng chữ (OCR)."),
        ErrorCode("PARLENS-E010", "file not found or unreadable", "Check the path and permissions.",
                  "Không tìm thấy hoặc không đọc được tệp", "Chọn lại tệp rồi tải lên lại."),
        ErrorCode("PARLENS-E011", "mislabelled file", "The extension does not match the content; the content decides.",
                  "Tệp đặt sai đuôi", "Đuôi tệp không khớp với nội dung; hệ thống đọc theo nội dung thật. Kiểm tra đây có đúng là văn bản cần tải lên không."),
        ErrorCode("PARLENS-E012", "legacy DOC/XLS format", "Convert .doc to .docx (libreoffice --convert-to docx) first.",
                  "Định dạng DOC/XLS cũ", "Mở tệp bằng Word hoặc LibreOffice, lưu thành .docx rồi tải lên lại."),
        ErrorCode("PARLENS-E013", "not a task tracker workbook", "Import the .xlsx tracker exported by GET /tasks?format=xlsx, with its header row and its Mã column kept.",
                  "Không phải bảng theo dõi nhiệm vụ", "Dùng tệp Excel xuất từ trang Nhiệm vụ, giữ nguyên dòng tiêu đề và cột Mã, rồi nhập lại."),
        ErrorCode("PARLENS-E014", "no document content", "The file is an error or navigation page (e.g. 'Trang không tồn tại'), not a document; download the document itself.",
                  "Tệp không có nội dung văn bản", "Tệp là trang báo lỗi hoặc trang điều hướng (ví dụ 'Trang không tồn tại'), không phải văn bản; tải về chính văn bản rồi tải lên lại."),
        ErrorCode("PARLENS-E015", "probable duplicate of a stored document", "The same issuer, number and date (or nearly the same text) is already stored; keep one of the two.",
                  "Có thể trùng với văn bản đã có", "Đã có văn bản cùng cơ quan ban hành, số và ngày (hoặc nội dung gần như giống hệt); mở cả hai để so sánh và giữ lại một."),
        # Warnings: the file is stored, but something was read with less than full confidence.
        ErrorCode("PARLENS-W001", "page not OCRed", "Install tesseract-ocr-vie, enable OCR (PARLENS_OCR_ENABLED) or raise the OCR limits, then ingest again.",
                  "Trang chưa được nhận dạng chữ (OCR)", "Trang là ảnh nhưng chưa được nhận dạng chữ; nhờ quản trị viên bật OCR hoặc nâng hạn mức OCR, rồi tải lên lại."),
        ErrorCode("PARLENS-W002", "OCR failed on a page", "Check the page in the original file; re-scan it at 300 dpi if it is unreadable.",
                  "Nhận dạng chữ (OCR) thất bại ở một trang", "Kiểm tra trang đó trong tệp gốc; nếu khó đọc, quét lại ở 300 dpi rồi tải lên lại."),
        ErrorCode("PARLENS-W003", "page without readable text", "The page is blank or an image OCR could not read; check it in the original file.",
                  "Trang không có chữ đọc được", "Trang trắng hoặc là ảnh không nhận dạng được; kiểm tra trang đó trong tệp gốc."),
        ErrorCode("PARLENS-W004", "legacy encoding converted", "The text was in a legacy encoding (cp1258, TCVN3, VNI) and was converted to Unicode; check names and diacritics.",
                  "Đã chuyển bảng mã cũ sang Unicode", "Văn bản dùng bảng mã cũ (TCVN3, VNI, cp1258) và đã được chuyển sang Unicode; kiểm tra lại tên riêng và dấu."),
        ErrorCode("PARLENS-W005", "no article body found", "The page's visible text was read as a whole; menus and footers may be mixed in.",
                  "Không tìm thấy phần thân bài", "Đã đọc toàn bộ chữ của trang web nên trình đơn, chân trang có thể lẫn vào; nếu có, tải lên chính văn bản (PDF, DOCX)."),
        ErrorCode("PARLENS-W006", "text read as description: tasks not taken from it", "The document, or a section of it, reads as description (background, encyclopedia, Q&A); check the tasks if it does assign work.",
                  "Phần mô tả: không lấy nhiệm vụ", "Văn bản hoặc một phần của nó chỉ mô tả (bối cảnh, tra cứu, hỏi đáp) nên không lấy nhiệm vụ; nếu thật ra có giao việc, thêm nhiệm vụ trên trang văn bản."),
        ErrorCode("PARLENS-E019", "unexpected error while processing the file", "Nothing was stored for this file and the batch went on; report it together with the file.",
                  "Lỗi không mong muốn khi xử lý tệp", "Tệp này chưa được lưu, các tệp khác vẫn được xử lý; báo quản trị viên, gửi kèm tệp."),
        ErrorCode("PARLENS-E020", "document not found", "List documents with `parlens list` or GET /documents.",
                  "Không tìm thấy văn bản", "Xem danh sách ở trang Văn bản; văn bản có thể đã bị xóa."),
        ErrorCode("PARLENS-E021", "store is newer than this program", "Upgrade parlens; the store's schema is from a later version.",
                  "Kho dữ liệu mới hơn phiên bản phần mềm", "Báo quản trị viên nâng cấp phần mềm."),
        ErrorCode("PARLENS-E022", "store cannot be opened", "Check PARLENS_DATA_DIR: the folder must be writable and parlens.sqlite3 must be a parlens store.",
                  "Không mở được kho dữ liệu", "Báo quản trị viên kiểm tra thư mục dữ liệu (quyền ghi và tệp kho)."),
        ErrorCode("PARLENS-E023", "disk full", "Free disk space under PARLENS_DATA_DIR; nothing was written, so retry afterwards.",
                  "Hết dung lượng đĩa", "Chưa có gì được ghi; báo quản trị viên giải phóng dung lượng rồi thử lại."),
        ErrorCode("PARLENS-E024", "processing limit reached", "The file took longer or needed more OCR than the service allows; split it or raise the limit (see the README's settings).",
                  "Vượt giới hạn xử lý", "Tệp cần quá nhiều thời gian hoặc quá nhiều trang nhận dạng chữ; tách tệp thành phần nhỏ hơn, hoặc nhờ quản trị viên nâng giới hạn."),
        ErrorCode("PARLENS-E025", "processing cancelled", "The client went away before the file was processed; nothing was stored. Upload it again.",
                  "Đã hủy xử lý", "Tệp chưa được lưu vì việc tải lên bị hủy hoặc mất kết nối; tải lên lại."),
        ErrorCode("PARLENS-E026", "task not found", "List tasks with GET /tasks or on the Nhiệm vụ page; a deleted task stays deleted.",
                  "Không tìm thấy nhiệm vụ", "Xem danh sách ở trang Nhiệm vụ; nhiệm vụ đã xóa thì không khôi phục được."),
        ErrorCode("PARLENS-E027", "invalid task change", "Check the field: status is chua_thuc_hien, dang_thuc_hien or hoan_thanh; dates are YYYY-MM-DD; role is lead or support.",
                  "Thay đổi nhiệm vụ không hợp lệ", "Kiểm tra lại các ô đã nhập (tình trạng, ngày, vai trò; ngày hoàn thành không trước ngày ban hành văn bản) rồi lưu lại."),
        ErrorCode("PARLENS-E028", "evidence not found", "List a task's or a criterion's evidence with GET /tasks/{id}/evidence or GET /criteria/{code}/evidence.",
                  "Không tìm thấy minh chứng", "Mở lại trang nhiệm vụ hoặc trang tiêu chí để xem các minh chứng hiện có."),
        ErrorCode("PARLENS-E030", "unknown criterion", "See `parlens criteria` for codes such as PAR.7 or SIPAS.2.",
                  "Không có tiêu chí này", "Chọn tiêu chí ở trang Tiêu chí (mã dạng PAR.7 hoặc SIPAS.2)."),
        ErrorCode("PARLENS-E031", "invalid taxonomy file", "Fix the file named in PARLENS_CRITERIA_TAXONOMY.",
                  "Tệp danh mục tiêu chí không hợp lệ", "Báo quản trị viên sửa tệp danh mục tiêu chí."),
        ErrorCode("PARLENS-E032", "unknown agency", "Agency ids are listed by GET /agencies (e.g. so-noi-vu).",
                  "Không có cơ quan này", "Chọn cơ quan trong danh sách ở trang Nhiệm vụ."),
        ErrorCode("PARLENS-E033", "no matching criterion", "Use the words of a criterion (see `parlens criteria`) or its code, e.g. PAR.7.2.",
                  "Không tìm thấy tiêu chí phù hợp", "Dùng từ ngữ của tiêu chí hoặc mã tiêu chí (ví dụ PAR.7.2); xem danh sách ở trang Tiêu chí."),
        ErrorCode("PARLENS-E040", "search backend unavailable", "Start Elasticsearch or OpenSearch (docker compose up) or use PARLENS_SEARCH_BACKEND=embedded.",
                  "Máy tìm kiếm không hoạt động", "Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên."),
        ErrorCode("PARLENS-E041", "invalid search query or filter", "Filters look like field=value, e.g. doc_type=Kế hoạch.",
                  "Câu tìm kiếm hoặc bộ lọc không hợp lệ", "Sửa câu tìm kiếm hoặc bỏ bớt bộ lọc rồi tìm lại."),
        ErrorCode("PARLENS-E042", "search index damaged", "Rebuild it from the store with `parlens reindex`.",
                  "Chỉ mục tìm kiếm bị hỏng", "Báo quản trị viên dựng lại chỉ mục tìm kiếm; các văn bản đã lưu không bị mất."),
        ErrorCode("PARLENS-E043", "hybrid search unavailable",
                  "Hybrid ranking needs vectors: PARLENS_EMBEDDING_MODEL and Elasticsearch, or OpenSearch with its k-NN plugin. Use mode folded.",
                  "Không tìm theo nghĩa được", "Chọn cách tìm thông thường; tìm theo nghĩa chưa được bật trên máy chủ này."),
        ErrorCode("PARLENS-E050", "missing or invalid API key", "Send the key in the X-API-Key header.",
                  "Chưa đăng nhập hoặc khóa không hợp lệ", "Đăng nhập bằng khóa API do quản trị viên cấp."),
        ErrorCode("PARLENS-E051", "permission denied", "This action needs a key with a higher role.",
                  "Không đủ quyền", "Việc này cần quyền cao hơn; đăng nhập bằng khóa có quyền biên tập hoặc quản trị."),
        ErrorCode("PARLENS-E052", "invalid request", "See the API documentation at /docs.",
                  "Yêu cầu không hợp lệ", "Kiểm tra lại các ô lọc hoặc đường dẫn rồi thử lại."),
        ErrorCode("PARLENS-E053", "job not found", "Job ids are returned by POST /documents.",
                  "Không tìm thấy lượt tải lên", "Lượt tải lên có thể đã quá cũ; mở trang Tải lên để tải lại tệp."),
        ErrorCode("PARLENS-E054", "request too large", "Send fewer or smaller files per request (PARLENS_MAX_REQUEST_BYTES).",
                  "Yêu cầu quá lớn", "Chọn ít tệp hơn hoặc tệp nhỏ hơn cho mỗi lần tải lên."),
        ErrorCode("PARLENS-E055", "host not allowed", "Open the service at http://127.0.0.1:PORT/ or configure an API key and PARLENS_ALLOWED_HOSTS.",
                  "Địa chỉ truy cập không được phép", "Mở dịch vụ qua địa chỉ quản trị viên cung cấp (ví dụ http://127.0.0.1:8000/)."),
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


def describe_warning(text: str) -> dict[str, str | None]:
    """A stored warning as the UI and the upload results show it: its code, titles and the full text.

    >>> describe_warning("PARLENS-E011 mislabelled file: a.pdf is named as PDF but contains HTML")["title_vi"]
    'Tệp đặt sai đuôi'
    >>> describe_warning("decoded as cp1258")["code"] is None
    True
    """
    code, _ = split_warning(text)
    entry = CATALOGUE.get(code) if code else None
    return {"code": code, "title": entry.title if entry else None, "title_vi": entry.title_vi if entry else None,
            "text": text}


def is_vietnamese(text: str) -> bool:
    """Whether ``text`` is written in Vietnamese (has a letter only Vietnamese uses), so staff may read it as is.

    >>> is_vietnamese("bản khác của #32"), is_vietnamese("page 2: no readable text")
    (True, False)
    """
    return any(c in _VIETNAMESE_LETTERS for c in text.lower())


_VIETNAMESE_LETTERS = frozenset("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")


class ParlensError(Exception):
    """An error with a stable ``PARLENS-Exxx`` code, a message and what to do about it.

    >>> str(ParlensError("PARLENS-E001", "ke-hoach.pdf"))
    '[PARLENS-E001] empty file: ke-hoach.pdf. The file has no content; check the upload or the copy.'
    """

    def __init__(self, code: str, detail: str = "", *, hint: str | None = None, hint_vi: str | None = None) -> None:
        entry = CATALOGUE[code]
        self.code = code
        self.title = entry.title
        self.detail = detail
        self.hint = hint or entry.hint
        self.title_vi = entry.title_vi
        self.hint_vi = hint_vi or entry.hint_vi
        super().__init__(str(self))

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"[{self.code}] {self.title}{detail}. {self.hint}"

    def to_dict(self) -> dict[str, str]:
        """The JSON error body: English ``title``/``hint`` (as before) and the UI's ``title_vi``/``hint_vi``."""
        return {"code": self.code, "title": self.title, "detail": self.detail, "hint": self.hint,
                "title_vi": self.title_vi, "hint_vi": self.hint_vi}
