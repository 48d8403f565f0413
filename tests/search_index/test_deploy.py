"""docker-compose.yml and Dockerfile: checked by parsing, and the parlens service's command, environment and
health check run here as plain processes (Docker cannot run containers in CI here)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from parlens.settings import REPO_ROOT, Settings


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


def test_opensearch_service_is_pinned_to_2_19_single_node_and_health_checked():
    node = _compose()["services"]["opensearch"]
    assert re.fullmatch(r"opensearchproject/opensearch:2\.19\.\d+", node["image"])  # the line the test node runs
    env = node["environment"]
    assert env["discovery.type"] == "single-node" and env["DISABLE_SECURITY_PLUGIN"] == "true"
    assert re.search(r"-Xms(\d+[mg]) -Xmx\1", env["OPENSEARCH_JAVA_OPTS"])
    assert "_cluster/health" in " ".join(node["healthcheck"]["test"])


def test_each_profile_starts_one_engine_and_parlens_finds_it():
    services = _compose()["services"]
    assert services["elasticsearch"]["profiles"] == ["elasticsearch"] and services["opensearch"]["profiles"] == ["opensearch"]
    app = services["parlens"]
    assert "profiles" not in app and app["build"] == "."
    for engine in ("elasticsearch", "opensearch"):
        assert app["depends_on"][engine] == {"condition": "service_healthy", "required": False}
    example = _dotenv(REPO_ROOT / ".env.example")
    assert example["COMPOSE_PROFILES"] == "elasticsearch"
    env = _service_env({**example, "PARLENS_ADMIN_KEY": TEST_ADMIN_KEY})
    assert env["PARLENS_SEARCH_BACKEND"] == "auto" and env["PARLENS_ES_URL"] == "http://elasticsearch:9200"
    switched = _service_env({**example, "PARLENS_ADMIN_KEY": TEST_ADMIN_KEY, "COMPOSE_PROFILES": "opensearch",
                             "PARLENS_ES_URL": "http://opensearch:9200"})
    assert switched["PARLENS_ES_URL"] == "http://opensearch:9200"
    assert "PARLENS_ES_URL=http://opensearch:9200" in (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    assert Settings(search_backend=env["PARLENS_SEARCH_BACKEND"]).search_backend == "auto"


def test_dockerfile_builds_the_package_with_vietnamese_ocr():
    text = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert "tesseract-ocr-vie" in text and "pip install ." in text
    for src in re.findall(r"^COPY (\S+) ", text, flags=re.M):
        if "*" not in src:
            assert (REPO_ROOT / src).exists(), src
    assert "sync(open_store())" in text  # the index catches up with the store before serving


# -- the parlens service: admin key from .env, health check on /health -----------------------------

TEST_ADMIN_KEY = "compose-kiem-thu-7f3a9c1e5b2d4f6a8c0e"
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0


class ComposeInterpolationError(Exception):
    """What ``docker compose`` prints when a required ``${VAR:?message}`` is unset or empty."""


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?err}`` and ``${VAR?err}``."""
    def substitute(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2) or "", match.group(3) or ""
        found = env.get(name)
        missing = found is None or (op.startswith(":") and found == "")
        if missing and op.endswith("?"):
            raise ComposeInterpolationError(f"required variable {name} is missing a value: {arg}")
        if missing and op.endswith("-"):
            return arg
        return found or ""

    return re.sub(r"\$\{(\w+)(?:(:?[?-])([^}]*))?\}", substitute, value)


def _dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file (comments and blank lines skipped)."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def _service_env(dotenv: dict[str, str]) -> dict[str, str]:
    """The parlens container's environment as compose would build it from ``dotenv``."""
    return {name: _interpolate(str(value), dotenv) for name, value in _compose()["services"]["parlens"]["environment"].items()}


def test_parlens_service_binds_all_addresses_with_a_required_admin_key_and_checks_health():
    app = _compose()["services"]["parlens"]
    env = app["environment"]
    assert env["PARLENS_HOST"] == "0.0.0.0"
    assert re.fullmatch(r"\$\{PARLENS_ADMIN_KEY:\?[^}]*\.env\.example[^}]*\}", env["PARLENS_ADMIN_KEY"])
    test = app["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python" and "curl" not in " ".join(test)
    assert "/health'" in test[-1] and "urllib.request.urlopen" in test[-1]
    with pytest.raises(ComposeInterpolationError, match="cp .env.example .env"):
        _service_env({})
    with pytest.raises(ComposeInterpolationError):
        _service_env(_dotenv(REPO_ROOT / ".env.example"))  # copied but not filled in: compose refuses to start
    assert _service_env({"PARLENS_ADMIN_KEY": TEST_ADMIN_KEY})["PARLENS_ADMIN_KEY"] == TEST_ADMIN_KEY


def test_env_files_stay_out_of_git_and_the_image():
    for ignore in (".gitignore", ".dockerignore"):
        assert ".env" in (REPO_ROOT / ignore).read_text(encoding="utf-8").split(), ignore
    assert "PARLENS_ADMIN_KEY=" in (REPO_ROOT / ".env.example").read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _container_command() -> list[str]:
    """The image's CMD (the compose service sets no command of its own)."""
    assert "command" not in _compose()["services"]["parlens"]
    found = re.search(r"^CMD (\[.*\])\s*$", (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8"), flags=re.M)
    return json.loads(found.group(1))


def _local_env(tmp_path: Path, dotenv: dict[str, str], port: int) -> dict[str, str]:
    """The compose environment with a local data folder, the embedded backend and a free port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLENS_") and k != "FORWARDED_ALLOW_IPS"}
    env.update(_service_env(dotenv))
    env.update(PARLENS_DATA_DIR=str(tmp_path / "data"), PARLENS_SEARCH_BACKEND="embedded", PARLENS_PORT=str(port),
               PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # python and parlens as in the image
    return env


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w", encoding="utf-8") as out:
        return subprocess.Popen(_container_command(), env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def _wait_healthy(proc: subprocess.Popen, port: int, log: Path) -> httpx.Response:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            pytest.fail(f"the service exited with {proc.returncode}:\n{log.read_text(encoding='utf-8')}")
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2.0)
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"no answer within {START_TIMEOUT} s:\n{log.read_text(encoding='utf-8')}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group started for this service only
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _healthcheck(env: dict[str, str]) -> int:
    test = _compose()["services"]["parlens"]["healthcheck"]["test"]
    return subprocess.run(test[1:], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=30).returncode


def test_the_compose_service_starts_with_the_key_from_env_and_is_healthy(tmp_path):
    (tmp_path / ".env").write_text(f"# test\nPARLENS_ADMIN_KEY={TEST_ADMIN_KEY}\n", encoding="utf-8")
    port = _free_port()
    env = _local_env(tmp_path, _dotenv(tmp_path / ".env"), port)
    base = f"http://127.0.0.1:{port}"
    for attempt, log in enumerate((tmp_path / "first.log", tmp_path / "restart.log")):
        proc = _start(env, log)
        try:
            assert _wait_healthy(proc, port, log).status_code == 200
            assert _healthcheck(env) == 0
            refused = httpx.get(f"{base}/documents", timeout=10)
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "PARLENS-E050"
            assert httpx.get(f"{base}/documents", headers={"X-API-Key": TEST_ADMIN_KEY}, timeout=10).status_code == 200
        finally:
            _stop(proc)
        text = log.read_text(encoding="utf-8")
        assert f"http://0.0.0.0:{port}/" in text and TEST_ADMIN_KEY not in text
        assert ("đã tạo / created" if attempt == 0 else "already present") in text
    from parlens.search_api.http.keys import list_keys
    from parlens.store import open_store

    with open_store(Settings(data_dir=tmp_path / "data")) as store:
        keys = list_keys(store)
    assert [(k.role, k.label, k.revoked_at) for k in keys] == [("admin", "PARLENS_ADMIN_KEY", None)]
    assert _healthcheck(env) != 0  # and the check fails once nothing answers


def test_the_compose_service_without_a_key_still_refuses_to_bind_all_addresses(tmp_path):
    env = _local_env(tmp_path, {"PARLENS_ADMIN_KEY": TEST_ADMIN_KEY}, _free_port())
    del env["PARLENS_ADMIN_KEY"]  # what compose would have run before the key became required
    log = tmp_path / "serve.log"
    proc = _start(env, log)
    try:
        assert proc.wait(timeout=START_TIMEOUT) == 2
    finally:
        _stop(proc)
    assert "Refusing to bind 0.0.0.0" in log.read_text(encoding="utf-8")
