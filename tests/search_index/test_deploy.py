"""docker-compose.yml and Dockerfile are checked by parsing (Docker cannot run in CI here)."""

from __future__ import annotations

import re

import yaml

from parlens.settings import REPO_ROOT


def _compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_elasticsearch_service_is_pinned_single_node_and_health_checked():
    es = _compose()["services"]["elasticsearch"]
    assert re.fullmatch(r"docker\.elastic\.co/elasticsearch/elasticsearch:\d+\.\d+\.\d+", es["image"])
    env = es["environment"]
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "false"
    assert re.search(r"-Xms(\d+[mg]) -Xmx\1", env["ES_JAVA_OPTS"])  # equal min and max heap
    assert "_cluster/health" in " ".join(es["healthcheck"]["test"])


def test_elasticsearch_major_matches_the_client():
    from importlib.metadata import version

    image_major = _compose()["services"]["elasticsearch"]["image"].rsplit(":", 1)[1].split(".")[0]
    assert image_major == version("elasticsearch").split(".")[0]  # the client sends compatible-with=<major>


def test_parlens_service_uses_elasticsearch_once_healthy():
    services = _compose()["services"]
    app = services["parlens"]
    assert app["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    env = app["environment"]
    assert env["PARLENS_SEARCH_BACKEND"] == "elasticsearch"
    assert env["PARLENS_ES_URL"] == "http://elasticsearch:9200"
    assert app["build"] == "."


def test_dockerfile_builds_the_package_with_vietnamese_ocr():
    text = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "tesseract-ocr-vie" in text and "pip install ." in text
    for src in re.findall(r"^COPY (\S+) ", text, flags=re.M):
        if "*" not in src:
            assert (REPO_ROOT / src).exists(), src
    assert "sync(open_store())" in text  # the index catches up with the store before serving
