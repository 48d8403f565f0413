"""One process-wide lock for PDFium: the library is not thread-safe, so every pypdfium2 call holds it.

Concurrent reads from threads (the HTTP service's thread pool, a CLI batch) otherwise corrupt PDFium's
global state: "Failed to load page" for every PDF afterwards, or a crash (double free, segmentation fault).
The service also reads uploads in worker processes; the lock keeps any in-process use safe too.

>>> with PDFIUM_LOCK:
...     PDFIUM_LOCK.acquire(blocking=False)  # re-entrant: a holder may take it again
True
>>> PDFIUM_LOCK.release()
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
