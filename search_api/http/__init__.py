"""The HTTP API (FastAPI): routes grouped by resource, API keys with roles, background ingest jobs.

>>> from parlens.search_api.http import create_app  # doctest: +SKIP
>>> uvicorn.run(create_app(), host="127.0.0.1", port=8000)  # doctest: +SKIP
"""

from parlens.search_api.http.app import create_app

__all__ = ["create_app"]
