"""The replica manifests (Docker can not run here): valid YAML whose every reference holds —
ports, probe paths, the image's user and version, selectors, and nginx's config."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app import __version__
from app.client.transport import InProcessTransport
from app.main import create_app
from benchmarks._deploy import nginx_binary

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = (ROOT / "Dockerfile").read_text()
IMAGE = f"gradient-descent-playground:{__version__}"


def dockerfile_port() -> int:
    (exposed,) = re.findall(r"^EXPOSE (\d+)$", DOCKERFILE, flags=re.MULTILINE)
    assert f'"--port", "{exposed}"' in DOCKERFILE  # CMD serves where EXPOSE says
    return int(exposed)


def dockerfile_uid() -> int:
    (uid,) = re.findall(r"useradd .*--uid (\d+) playground", DOCKERFILE)
    return int(uid)


def answers(path: str) -> int:
    transport = InProcessTransport(create_app())
    with httpx.Client(transport=transport, base_url="http://replica") as client:
        return client.get(path).status_code


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def kubernetes() -> dict[str, dict[str, Any]]:
    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()))
    by_kind = {doc["kind"]: doc for doc in documents}
    assert len(by_kind) == len(documents) == 3
    return by_kind


def test_compose_builds_this_image_as_replicas(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).resolve() == (
        ROOT / "Dockerfile"
    )
    assert app["image"] == IMAGE
    assert app["deploy"]["replicas"] >= 2
    assert app["expose"] == [str(dockerfile_port())]
    probe = app["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"]
    (url,) = re.findall(r"'(http://[^']+)'", probe[3])
    assert url == f"http://127.0.0.1:{dockerfile_port()}/api/v1/health"
    assert answers("/api/v1/health") == 200


def test_compose_balancer_uses_its_config_and_waits_for_health(compose: dict[str, Any]) -> None:
    lb = compose["services"]["lb"]
    (volume,) = lb["volumes"]
    source, target, mode = volume.split(":")
    assert (DEPLOY / source).is_file() and target == "/etc/nginx/nginx.conf" and mode == "ro"
    assert lb["depends_on"] == {"app": {"condition": "service_healthy"}}
    conf = (DEPLOY / source).read_text()
    assert f"server app:{dockerfile_port()} max_fails=0;" in conf
    (published,) = lb["ports"]
    assert published.endswith(":80") and "listen 80;" in conf


@pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")
def test_compose_nginx_config_is_valid_nginx(tmp_path: Path) -> None:
    # "app" resolves only inside compose's network; everything else is checked as it stands.
    conf = (DEPLOY / "nginx-compose.conf").read_text().replace("server app:", "server 127.0.0.1:")
    (tmp_path / "nginx.conf").write_text(conf)
    check = [str(nginx_binary()), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    check += ["-g", f"pid {tmp_path}/nginx.pid; error_log stderr;"]
    done = subprocess.run(check, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_kubernetes_deployment_runs_the_image_with_real_probes(kubernetes) -> None:
    deployment = kubernetes["Deployment"]
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    (container,) = spec["template"]["spec"]["containers"]
    assert container["image"] == IMAGE
    (port,) = container["ports"]
    assert port == {"name": "http", "containerPort": dockerfile_port()}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["port"] == "http"
        assert answers(get["path"]) == 200
    security = spec["template"]["spec"]["securityContext"]
    assert security == {"runAsNonRoot": True, "runAsUser": dockerfile_uid()}


def test_kubernetes_service_and_ingress_reach_the_pods(kubernetes) -> None:
    labels = kubernetes["Deployment"]["spec"]["template"]["metadata"]["labels"]
    service = kubernetes["Service"]
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] == "http"
    ingress = kubernetes["Ingress"]
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    backend = path["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": port["name"]}}
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
