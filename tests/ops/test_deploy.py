"""The Prometheus configuration, alert rules and Grafana dashboard under deploy/ name only
metrics the code exports; promtool checks the rules and the configuration when installed."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from bot.ops import metrics
from bot.settings import PROJECT_ROOT

PROMETHEUS = PROJECT_ROOT / "deploy" / "prometheus"
DASHBOARD = PROJECT_ROOT / "deploy" / "grafana" / "intake.json"
NAME = re.compile(r"\bintake_[a-z0-9_]+\b")
ALERTS = ("IntakeProcessDown", "IntakeOutboxBacklogGrowing", "IntakeForwardingFailing",
          "IntakeFallbackRateDoubled", "IntakeCasesOverdue")


def rules() -> list[dict]:
    document = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel["targets"]]


def test_the_alerts_the_issue_asks_for_are_there_with_a_runbook():
    by_name = {rule["alert"]: rule for rule in rules()}
    assert set(ALERTS) <= set(by_name)
    operations = (PROJECT_ROOT / "docs" / "operations.md").read_text()
    for rule in by_name.values():
        assert rule["expr"].strip() and rule["labels"]["severity"] in ("warning", "critical")
        anchor = rule["annotations"]["runbook"].split("#", 1)[1]
        assert f"### {anchor}" in operations.lower(), anchor
    assert by_name["IntakeForwardingFailing"]["for"] == "15m"
    for anchor in ("intakeoutboxoldmessage", "intakeforwarderstalled"):
        assert anchor in operations.lower()


@pytest.mark.parametrize("where", ["alerts", "dashboard"])
def test_every_metric_named_is_one_the_code_exports(where):
    exprs = [r["expr"] for r in rules()] if where == "alerts" else dashboard_exprs()
    named = {name for expr in exprs for name in NAME.findall(expr)}
    assert named, where
    assert named - metrics.metric_names() == set()


def test_the_check_fails_on_a_metric_that_does_not_exist():
    assert "intake_messages_totl" not in metrics.metric_names()
    assert "intake_messages_total" in metrics.metric_names()


def test_the_scrape_config_loads_the_rules_and_scrapes_every_process():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    assert config["rule_files"] == ["alerts.yml"]
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert jobs == {f"intake-{process}" for process in metrics.PROCESSES}
    # IntakeProcessDown covers every job.
    assert all(re.fullmatch(r"intake-.*", job) for job in jobs)


def test_on_kubernetes_every_process_is_scraped_on_its_metrics_port_under_its_job():
    """deploy/prometheus/kubernetes.yml finds the annotated pods and names their job as the alerts
    expect; each Deployment's annotation, container port and ConfigMap setting agree."""
    config = yaml.safe_load((PROMETHEUS / "kubernetes.yml").read_text())
    assert config["rule_files"] == ["alerts.yml"]
    (job,) = config["scrape_configs"]
    relabel = {tuple(r["source_labels"]): r for r in job["relabel_configs"]}
    naming = relabel[("__meta_kubernetes_pod_label_app_kubernetes_io_component",)]
    assert naming["target_label"] == "job" and naming["replacement"] == "intake-$1"
    assert relabel[("__meta_kubernetes_pod_container_port_name",)]["regex"] == "metrics"
    kube = PROJECT_ROOT / "deploy" / "kubernetes"
    settings = yaml.safe_load((kube / "configmap.yaml").read_text())["data"]
    found = {}
    for process in metrics.PROCESSES:
        (deployment,) = [d for d in yaml.safe_load_all((kube / f"{process}.yaml").read_text())
                         if d and d["kind"] == "Deployment"]
        template = deployment["spec"]["template"]
        component = template["metadata"]["labels"]["app.kubernetes.io/component"]
        port = int(settings[f"INTAKE_METRICS_{process.upper()}_PORT"])
        annotations = template["metadata"]["annotations"]
        assert annotations == {"prometheus.io/scrape": "true", "prometheus.io/port": str(port)}, process
        declared = [p for c in template["spec"]["containers"] for p in c.get("ports", [])
                    if p["name"] == "metrics"]
        assert [p["containerPort"] for p in declared] == [port], process
        found[process] = "intake-" + component
    assert found == {process: f"intake-{process}" for process in metrics.PROCESSES}
    assert settings["INTAKE_METRICS_HOST"] == "0.0.0.0"  # the pod's address, reached by Prometheus


def promtool() -> str | None:
    return os.environ.get("INTAKE_PROMTOOL") or shutil.which("promtool")


@pytest.mark.skipif(promtool() is None, reason="promtool is not installed (Debian: prometheus)")
def test_promtool_accepts_the_rules_and_the_config():
    # (Not kubernetes.yml: Debian's Prometheus is built without Kubernetes service discovery, so
    # its promtool refuses kubernetes_sd_configs; that file's own test checks what it can.)
    for args in (["check", "rules", "alerts.yml"], ["check", "config", "prometheus.yml"]):
        result = subprocess.run([promtool(), *args], cwd=PROMETHEUS, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
