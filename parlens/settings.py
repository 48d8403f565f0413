"""Typed settings for every part of parlens, read once from the environment (prefix ``PARLENS_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All configuration in one place; each field maps to ``PARLENS_<NAME>``.

    >>> Settings(data_dir="/tmp/tinh-thanh-hoa").store_path.name
    'parlens.sqlite3'
    """

    model_config = SettingsConfigDict(env_prefix="PARLENS_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Folder holding the store, originals and the embedded index.")
    max_file_bytes: int = Field(50 * 1024 * 1024, description="Files larger than this are refused (PARLENS-E004).")
    max_unzipped_bytes: int = Field(300 * 1024 * 1024, description="A DOCX expanding beyond this is a zip bomb (PARLENS-E007).")
    ocr_enabled: bool = Field(True, description="OCR pages with no usable text layer when tesseract is installed.")
    ocr_languages: str = Field("vie", description="tesseract language codes.")
    ocr_dpi: int = Field(300, description="Rendering resolution for OCR.")
    ocr_max_pages: int = Field(500, ge=0, description="Pages OCRed per PDF at most; later pages without text get a warning.")
    min_text_quality: float = Field(0.6, description="Pages whose share of valid Vietnamese syllables is lower are OCRed.")

    search_backend: Literal["embedded", "elasticsearch", "opensearch", "auto"] = Field(
        "embedded", description="Search backend: the embedded index, a cluster of the named engine, or auto (the engine PARLENS_ES_URL answers with).")
    es_url: str | None = Field(None, description="Elasticsearch or OpenSearch URL, e.g. http://localhost:9200.")
    es_index: str = Field("parlens-passages", description="Alias the cluster backend serves from.")
    es_shards: int = Field(1, ge=1, le=64, description="Primary shards of each new cluster index.")
    es_replicas: int = Field(0, ge=0, le=8, description="Replicas of each shard in the cluster (1 or more on two or more nodes).")

    embedding_model: Path | None = Field(None, description="Local path of a sentence-transformers model (never downloaded).")
    criteria_taxonomy: Path = Field(REPO_ROOT / "corpora" / "par" / "taxonomy.yaml", description="PAR/SIPAS/PAPI taxonomy file.")
    criteria_threshold: float = Field(0.35, description="Criterion links scoring below this are dropped.")

    host: str = Field("127.0.0.1", description="Address `parlens serve` binds.")
    port: int = Field(8000, description="Port `parlens serve` binds.")
    allowed_hosts: str = Field("", description="Comma-separated Host names served besides loopback, once an API key exists (e.g. parlens.sonoivu.gov.vn).")
    trusted_proxies: str = Field("", description="Comma-separated proxy addresses whose X-Forwarded-For/-Proto headers are believed (none by default).")
    admin_key: str | None = Field(None, description="An admin API key provisioned at `parlens serve` start (docker compose reads it from .env).")
    session_hours: int = Field(12, ge=1, le=24 * 30, description="Web sign-in sessions expire after this many hours.")
    max_request_bytes: int = Field(200 * 1024 * 1024, ge=1, description="An upload request larger than this is refused (PARLENS-E054).")
    ingest_workers: int = Field(1, ge=1, le=16, description="Worker processes reading uploads (the service stays responsive while they work).")
    ingest_timeout_seconds: float = Field(600.0, gt=0, description="A file whose processing takes longer is stopped (PARLENS-E024).")
    ocr_pages_per_request: int = Field(100, ge=0, description="Pages OCRed at most per upload request; later pages get a warning.")
    ocr_seconds_per_request: float = Field(300.0, ge=0, description="OCR CPU seconds at most per upload request.")
    ocr_pages_per_user_hour: int = Field(500, ge=0, description="Pages OCRed at most per user (API key, or the local user) in any hour.")
    ocr_seconds_per_user_hour: float = Field(1800.0, ge=0, description="OCR CPU seconds at most per user in any hour.")
    scope_province: str | None = Field(None, description="Default scope of task lists, exports and the dashboard: this province's documents (e.g. Quảng Ninh); `province=` (empty) widens to all.")
    scope_issuer: str | None = Field(None, description="Default scope by issuer (part of the name, e.g. Sở Nội vụ); `issuer=` (empty) widens to all.")
    search_cache_size: int = Field(512, ge=0, description="Search results the service keeps until the index changes (0 = off).")

    @property
    def store_path(self) -> Path:
        return self.data_dir / "parlens.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


_in_use: Settings | None = None


@lru_cache(maxsize=1)
def _from_environment() -> Settings:
    return Settings()


def get_settings() -> Settings:
    """The process-wide settings: those given to :func:`use_settings`, else read from the environment once."""
    return _in_use if _in_use is not None else _from_environment()


def use_settings(settings: Settings | None) -> None:
    """Make ``settings`` the process-wide settings (an ingest worker takes its app's); None goes back to the environment."""
    global _in_use
    _in_use = settings


def _clear() -> None:
    global _in_use
    _in_use = None
    _from_environment.cache_clear()


get_settings.cache_clear = _clear  # type: ignore[attr-defined]  # tests reset the settings between cases
