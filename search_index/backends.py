"""Which backend the settings name, opened once per process: the embedded index or a cluster."""

from __future__ import annotations

from parlens.errors import ParlensError
from parlens.search_index.protocol import SearchBackend
from parlens.settings import Settings, get_settings

_BACKENDS: dict[tuple, SearchBackend] = {}


def open_backend(settings: Settings | None = None) -> SearchBackend:
    """A new backend for ``settings.search_backend``.

    ``embedded`` (the default) is a tantivy index in ``index_dir``. ``elasticsearch``, ``opensearch`` and
    ``auto`` are the cluster backend at ``es_url``: the engine is read from the server's ``GET /``, and a
    named engine that is not what the server runs is PARLENS-E040.
    """
    settings = settings or get_settings()
    if settings.search_backend != "embedded":
        if not settings.es_url:
            raise ParlensError("PARLENS-E040", f"PARLENS_SEARCH_BACKEND={settings.search_backend} needs PARLENS_ES_URL")
        from parlens.search_index.cluster import ClusterBackend
        from parlens.search_index.engines import resolve_engine

        engine = resolve_engine(settings.search_backend, settings.es_url)
        return ClusterBackend(settings.es_url, engine=engine, alias=settings.es_index, embedding_model=settings.embedding_model,
                              shards=settings.es_shards, replicas=settings.es_replicas)
    from parlens.search_index.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.index_dir)


def get_backend(settings: Settings | None = None) -> SearchBackend:
    """The process-wide backend for these settings, opened once."""
    settings = settings or get_settings()
    key = (settings.search_backend, str(settings.index_dir), settings.es_url, settings.es_index)
    if key not in _BACKENDS:
        _BACKENDS[key] = open_backend(settings)
    return _BACKENDS[key]
