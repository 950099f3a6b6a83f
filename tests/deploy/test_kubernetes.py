"""The Kubernetes manifests in deploy/kubernetes: valid objects that fit together and the project.

Every object is validated against the Kubernetes API's JSON schema (strict: unknown fields are
errors too) by kubernetes-validate, whose wheel ships the schemas: nothing is downloaded, and the
validation runs with network connections switched off to prove it. It is held at 1.28.x because
later releases use jsonschema's `referencing` API (jsonschema >= 4.18) while Rasa 3.6 pins
jsonschema < 4.18; 1.28 knows every API version used here.

A schema says nothing about how the objects fit together, so the checks below do: env refers only
to keys the ConfigMap and the Secret have, Services and budgets select pods that exist and reach
ports those pods declare, probes hit declared ports, every setting is one bot/settings.py knows,
the Rasa server gets every variable endpoints.yml and credentials.yml read, the commands are the
Procfile's, and the pods pass the "restricted" pod security rules. Each check is a function that
returns the problems it finds, and each is shown to find the problem in a broken copy.
"""
from __future__ import annotations

import copy
import re
import shlex
import shutil
import socket
import subprocess
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from bot import settings
from bot.settings import PROJECT_ROOT

MANIFESTS = PROJECT_ROOT / "deploy" / "kubernetes"
NAMESPACE = "intake"
KUBERNETES_VERSION = "1.28"
IMAGE = "ghcr.io/example/intake"
CONFIGMAP, SECRET = "intake-settings", "intake-secrets"

# Settings the lock-store work adds to bot/settings.py (allowed here whether or not it has landed).
LOCK_STORE_SETTINGS = {"INTAKE_LOCK_STORE", "INTAKE_REDIS_HOST", "INTAKE_REDIS_PORT",
                       "INTAKE_REDIS_DB", "INTAKE_REDIS_PASSWORD"}
# Not settings of ours: the database password, from which each Deployment builds the URLs.
DATABASE_PASSWORD_KEYS = {"INTAKE_DB_PASSWORD"}
SECRET_SETTINGS = {"RASA_API_TOKEN", "STAFF_SECRET_KEY", "INTAKE_FORWARD_SECRET",
                   "FACEBOOK_APP_SECRET", "FACEBOOK_VERIFY_TOKEN", "FACEBOOK_PAGE_ACCESS_TOKEN",
                   "INTAKE_REDIS_PASSWORD", "INTAKE_ACTION_SECRET", "INTAKE_FILE_LINK_SECRET",
                   "INTAKE_REST_TOKEN"} | DATABASE_PASSWORD_KEYS
CONFIG_SETTINGS = {"INTAKE_POLICY", "RASA_PORT", "ACTION_PORT", "ACTION_HOST", "ACTION_SERVER_URL",
                   "INTAKE_CORS_ORIGINS", "INTAKE_WEBCHAT_ORIGINS", "RASA_TELEMETRY_ENABLED",
                   "FACEBOOK_GRAPH_API_URL", "STAFF_HOST", "STAFF_PORT", "STAFF_SECURE_COOKIES",
                   "STAFF_TRUSTED_PROXIES", "INTAKE_TRUSTED_PROXIES", "INTAKE_LOCK_STORE", "INTAKE_REDIS_HOST",
                   "INTAKE_REDIS_PORT", "INTAKE_REDIS_DB", "TICKET_LOCK_LIFETIME"}
# Procfile process -> Deployment. `ready` only prints where to talk to a local assistant.
PROCESSES = {"rasa": "rasa", "actions": "actions", "staff": "staff", "forwarder": "forwarder"}
NOT_DEPLOYED = {"ready"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet"}
CLUSTER_SCOPED = {"Namespace"}
VAR_REFERENCE = re.compile(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


# --- loading -------------------------------------------------------------------------------------

def load_file(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [document for document in yaml.safe_load_all(handle) if document]


def manifest_files() -> list[Path]:
    return sorted(p for p in MANIFESTS.glob("*.yaml") if p.name != "kustomization.yaml")


def kustomization() -> dict:
    return load_file(MANIFESTS / "kustomization.yaml")[0]


def load_objects() -> list[dict]:
    return [obj for name in kustomization()["resources"] for obj in load_file(MANIFESTS / name)]


OBJECTS = load_objects()


def ident(obj: dict) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def find(objects: list[dict], kind: str, name: str) -> dict | None:
    for obj in objects:
        if obj.get("kind") == kind and obj.get("metadata", {}).get("name") == name:
            return obj
    return None


def get(objects: list[dict], kind: str, name: str) -> dict:
    obj = find(objects, kind, name)
    assert obj is not None, f"no {kind}/{name} in deploy/kubernetes"
    return obj


def workloads(objects: list[dict]) -> list[dict]:
    return [o for o in objects if o.get("kind") in WORKLOAD_KINDS]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: dict) -> dict:
    return workload["spec"]["template"].get("metadata", {}).get("labels", {}) or {}


def containers(workload: dict, init: bool = True) -> list[dict]:
    spec = pod_spec(workload)
    return list(spec.get("initContainers", []) if init else []) + list(spec.get("containers", []))


def container(objects: list[dict], deployment: str, name: str | None = None) -> dict:
    workload = get(objects, "Deployment", deployment)
    for c in pod_spec(workload)["containers"]:
        if c["name"] == (name or deployment):
            return c
    raise AssertionError(f"Deployment/{deployment} has no container {name or deployment}")


def selects(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container_env(objects: list[dict], c: dict) -> dict[str, tuple[str, str]]:
    """Every variable the container gets: name -> (source, value or key), in Kubernetes' order."""
    env: dict[str, tuple[str, str]] = {}
    for source in c.get("envFrom", []):
        if "configMapRef" in source:
            cm = find(objects, "ConfigMap", source["configMapRef"]["name"]) or {}
            env.update({k: ("value", str(v)) for k, v in (cm.get("data") or {}).items()})
        if "secretRef" in source:
            secret = find(objects, "Secret", source["secretRef"]["name"]) or {}
            env.update({k: ("secret", k) for k in (secret.get("stringData") or {})})
    for item in c.get("env", []):
        if "value" in item:
            env[item["name"]] = ("value", str(item["value"]))
        elif "secretKeyRef" in item.get("valueFrom", {}):
            env[item["name"]] = ("secret", item["valueFrom"]["secretKeyRef"]["key"])
        elif "configMapKeyRef" in item.get("valueFrom", {}):
            ref = item["valueFrom"]["configMapKeyRef"]
            cm = find(objects, "ConfigMap", ref["name"]) or {}
            env[item["name"]] = ("value", str((cm.get("data") or {}).get(ref["key"], "")))
        else:
            env[item["name"]] = ("other", "")
    return env


def literal(objects: list[dict], c: dict, name: str) -> str:
    """A variable's value in the container, with $(VAR) references to literal values expanded."""
    env = container_env(objects, c)
    source, value = env[name]
    assert source == "value", f"{name} is not a literal value in container {c['name']}"
    def expand(match: re.Match) -> str:
        source, expanded = env.get(match.group(1), ("", ""))
        return expanded if source == "value" else match.group(0)

    return VAR_REFERENCE.sub(expand, value)


def data(objects: list[dict], kind: str, name: str) -> dict[str, str]:
    obj = get(objects, kind, name)
    values = obj.get("stringData" if kind == "Secret" else "data") or {}
    return {k: str(v) for k, v in values.items()}


def port_matches(port, declared: list[dict]) -> bool:
    return any(port == p.get("name") or port == p.get("containerPort") for p in declared)


# --- the checks: each returns a list of problems ------------------------------------------------

def schema_problems(obj: dict) -> list[str]:
    """What the Kubernetes API's JSON schema (strict) has against one object."""
    try:
        with warnings.catch_warnings():
            # The schemas say "$schema": "http://json-schema.org/schema#", which jsonschema 4.17
            # reads as the latest draft (what kubernetes-validate intends), with a warning.
            warnings.filterwarnings("ignore", "The metaschema specified by \\$schema was not found",
                                    DeprecationWarning)
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(p) for p in error.path) or "(top)"
        return [f"{ident(obj)}: {where}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{ident(obj)}: {error.message}"]
    return []


def workload_problems(objects: list[dict]) -> list[str]:
    problems = []
    for w in workloads(objects):
        selector = w["spec"].get("selector", {}).get("matchLabels", {})
        if not selects(selector, pod_labels(w)):
            problems.append(f"{ident(w)}: selector {selector} does not match its pod labels")
        for c in containers(w):
            if not c.get("image"):
                problems.append(f"{ident(w)}: container {c.get('name')} has no image")
            resources = c.get("resources", {})
            for part in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in resources.get(part, {}):
                        problems.append(f"{ident(w)}: container {c.get('name')} has no "
                                        f"{part}.{resource}")
        volumes = {v["name"] for v in pod_spec(w).get("volumes", [])}
        volumes |= {t["metadata"]["name"] for t in w["spec"].get("volumeClaimTemplates", [])}
        for c in containers(w):
            for mount in c.get("volumeMounts", []):
                if mount["name"] not in volumes:
                    problems.append(f"{ident(w)}: container {c['name']} mounts unknown volume "
                                    f"{mount['name']}")
    return problems


def env_problems(objects: list[dict]) -> list[str]:
    """Env refers only to ConfigMaps, Secrets and keys that exist, and to variables defined."""
    problems = []
    for w in workloads(objects):
        for c in containers(w):
            where = f"{ident(w)} container {c['name']}"
            defined: set[str] = set()
            for source in c.get("envFrom", []):
                for kind, ref in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if ref in source:
                        obj = find(objects, kind, source[ref]["name"])
                        if obj is None:
                            problems.append(f"{where}: envFrom unknown {kind} "
                                            f"{source[ref]['name']}")
                        else:
                            defined |= set(obj.get("data") or {}) | set(obj.get("stringData") or {})
            for item in c.get("env", []):
                ref = item.get("valueFrom", {})
                for kind, key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                    if key in ref:
                        obj = find(objects, kind, ref[key]["name"])
                        keys = set((obj or {}).get("data") or {}) | \
                            set((obj or {}).get("stringData") or {})
                        if obj is None:
                            problems.append(f"{where}: {item['name']} refers to unknown {kind} "
                                            f"{ref[key]['name']}")
                        elif ref[key]["key"] not in keys:
                            problems.append(f"{where}: {item['name']} refers to key "
                                            f"{ref[key]['key']} that {kind} "
                                            f"{ref[key]['name']} lacks")
                # $(VAR) in a value expands only variables defined before it.
                for name in VAR_REFERENCE.findall(str(item.get("value", ""))):
                    if name not in defined:
                        problems.append(f"{where}: {item['name']} uses $({name}), "
                                        f"not defined before it")
                defined.add(item["name"])
            for part in ("command", "args"):
                for arg in c.get(part, []):
                    for name in VAR_REFERENCE.findall(str(arg)):
                        if name not in defined:
                            problems.append(f"{where}: {part} uses $({name}), "
                                            f"which it does not get")
    return problems


def service_problems(objects: list[dict]) -> list[str]:
    """Each Service selects pods of a workload and targets ports those pods declare."""
    problems = []
    for svc in (o for o in objects if o["kind"] == "Service"):
        selector = svc["spec"].get("selector", {})
        matched = [w for w in workloads(objects) if selects(selector, pod_labels(w))]
        if not matched:
            problems.append(f"{ident(svc)}: selector {selector} matches no Deployment or "
                            f"StatefulSet")
        for w in matched:
            declared = [p for c in containers(w, init=False) for p in c.get("ports", [])]
            for port in svc["spec"].get("ports", []):
                target = port.get("targetPort", port["port"])
                if not port_matches(target, declared):
                    problems.append(f"{ident(svc)}: targetPort {target} is not a containerPort "
                                    f"of {ident(w)}")
    for sts in (o for o in objects if o["kind"] == "StatefulSet"):
        governing = find(objects, "Service", sts["spec"].get("serviceName", ""))
        if governing is None:
            problems.append(f"{ident(sts)}: serviceName {sts['spec'].get('serviceName')} "
                            f"is no Service")
    return problems


def probe_problems(objects: list[dict]) -> list[str]:
    problems = []
    for w in workloads(objects):
        for c in containers(w, init=False):
            for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
                probe = c.get(probe_name)
                if not probe:
                    continue
                for handler in ("httpGet", "tcpSocket", "grpc"):
                    if handler in probe and not port_matches(probe[handler]["port"], c.get("ports", [])):
                        problems.append(f"{ident(w)} container {c['name']}: {probe_name} port "
                                        f"{probe[handler]['port']} is not a containerPort")
    return problems


def selection_problems(objects: list[dict]) -> list[str]:
    """Budgets select a workload's pods; autoscalers and ingresses point at things that exist."""
    problems = []
    for pdb in (o for o in objects if o["kind"] == "PodDisruptionBudget"):
        selector = pdb["spec"].get("selector", {}).get("matchLabels", {})
        matched = [w for w in workloads(objects) if selects(selector, pod_labels(w))]
        if not matched:
            problems.append(f"{ident(pdb)}: selector {selector} matches no workload")
        for w in matched:
            if pdb["spec"].get("minAvailable", 0) >= w["spec"].get("replicas", 1):
                problems.append(f"{ident(pdb)}: minAvailable leaves no pod of {ident(w)} to evict")
    for hpa in (o for o in objects if o["kind"] == "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        if find(objects, target["kind"], target["name"]) is None:
            problems.append(f"{ident(hpa)}: scales {target['kind']}/{target['name']}, which is not here")
    for ingress in (o for o in objects if o["kind"] == "Ingress"):
        tls_hosts = {h for t in ingress["spec"].get("tls", []) for h in t.get("hosts", [])}
        for rule in ingress["spec"].get("rules", []):
            if rule.get("host") not in tls_hosts:
                problems.append(f"{ident(ingress)}: host {rule.get('host')} has no TLS")
            for path in rule.get("http", {}).get("paths", []):
                backend = path["backend"]["service"]
                svc = find(objects, "Service", backend["name"])
                if svc is None:
                    problems.append(f"{ident(ingress)}: {path['path']} goes to unknown Service "
                                    f"{backend['name']}")
                    continue
                port = backend["port"].get("name", backend["port"].get("number"))
                if not any(port in (p.get("name"), p["port"]) for p in svc["spec"]["ports"]):
                    problems.append(f"{ident(ingress)}: {path['path']} goes to port {port}, which "
                                    f"{ident(svc)} lacks")
    return problems


def security_problems(objects: list[dict]) -> list[str]:
    """The Pod Security "restricted" rules, and a read-only root filesystem everywhere."""
    problems = []
    for w in workloads(objects):
        pod = pod_spec(w).get("securityContext", {})
        for c in containers(w):
            where = f"{ident(w)} container {c['name']}"
            ctx = c.get("securityContext", {})
            if not ctx.get("runAsNonRoot", pod.get("runAsNonRoot")):
                problems.append(f"{where}: not runAsNonRoot")
            if ctx.get("runAsUser", pod.get("runAsUser")) == 0:
                problems.append(f"{where}: runs as root")
            seccomp = ctx.get("seccompProfile", pod.get("seccompProfile", {})).get("type")
            if seccomp not in ("RuntimeDefault", "Localhost"):
                problems.append(f"{where}: no seccomp profile")
            if ctx.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if ctx.get("privileged"):
                problems.append(f"{where}: privileged")
            if "ALL" not in ctx.get("capabilities", {}).get("drop", []):
                problems.append(f"{where}: does not drop ALL capabilities")
            if ctx.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: root filesystem not read-only")
            if c.get("image", "").startswith(IMAGE) and \
                    "/tmp" not in {m["mountPath"] for m in c.get("volumeMounts", [])}:
                problems.append(f"{where}: read-only root filesystem but no writable /tmp")
    return problems


def peer_selects(peer: dict, labels: dict) -> bool:
    """Whether a NetworkPolicy peer's podSelector (matchLabels and In expressions) takes a pod."""
    selector = peer.get("podSelector")
    if selector is None or set(peer) - {"podSelector"}:
        return False  # only pods of this namespace are peers here (no namespaceSelector, ipBlock)
    if not all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        if expression["operator"] != "In" or labels.get(expression["key"]) not in expression["values"]:
            return False
    return bool(selector.get("matchLabels") or selector.get("matchExpressions"))


# Prometheus, from its own namespace: let in only to a metrics port (deploy/prometheus/kubernetes.yml).
MONITORING_PEER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}


def allowed_clients(objects: list[dict], policy: dict) -> set[str]:
    """The workloads whose pods a NetworkPolicy lets in."""
    return {w["metadata"]["name"] for rule in policy["spec"].get("ingress", [])
            for peer in rule.get("from", []) for w in workloads(objects)
            if peer_selects(peer, pod_labels(w))}


def network_policy_problems(objects: list[dict]) -> list[str]:
    """Each policy selects a workload's pods, limits what comes in, and names ports they declare."""
    problems = []
    for policy in (o for o in objects if o["kind"] == "NetworkPolicy"):
        spec = policy["spec"]
        selector = spec.get("podSelector", {}).get("matchLabels", {})
        matched = [w for w in workloads(objects) if selects(selector, pod_labels(w))]
        if not matched:
            problems.append(f"{ident(policy)}: podSelector {selector} matches no workload")
        if "Ingress" not in spec.get("policyTypes", []):
            problems.append(f"{ident(policy)}: does not limit Ingress")
        for rule in spec.get("ingress", []):
            if not rule.get("from"):
                problems.append(f"{ident(policy)}: a rule without `from` lets everyone in")
            if not rule.get("ports"):
                problems.append(f"{ident(policy)}: a rule without `ports` opens every port")
            for peer in rule.get("from", []):
                if peer == MONITORING_PEER:
                    if any(not port_matches(port.get("port"), [p for w in matched for c in containers(w, init=False)
                                                               for p in c.get("ports", []) if p["name"] == "metrics"])
                           for port in rule.get("ports", [])):
                        problems.append(f"{ident(policy)}: Prometheus let in on a port other than metrics")
                elif not any(peer_selects(peer, pod_labels(w)) for w in workloads(objects)):
                    problems.append(f"{ident(policy)}: a `from` peer {peer} matches no workload")
            for port in rule.get("ports", []):
                for w in matched:
                    declared = [p for c in containers(w, init=False) for p in c.get("ports", [])]
                    if not port_matches(port.get("port"), declared):
                        problems.append(f"{ident(policy)}: port {port.get('port')} is not a "
                                        f"containerPort of {ident(w)}")
    return problems


CHECKS = (workload_problems, env_problems, service_problems, probe_problems, selection_problems,
          security_problems, network_policy_problems)


# --- the files -----------------------------------------------------------------------------------

def test_kustomization_lists_every_manifest_and_sets_the_namespace():
    listed = kustomization()["resources"]
    assert sorted(listed) == sorted(p.name for p in manifest_files()), \
        "kustomization.yaml must list every manifest in deploy/kubernetes, and only those"
    assert len(listed) == len(set(listed))
    assert kustomization()["namespace"] == NAMESPACE


def test_every_object_is_in_the_namespace_and_has_a_unique_name():
    assert find(OBJECTS, "Namespace", NAMESPACE) is not None
    for obj in OBJECTS:
        if obj["kind"] not in CLUSTER_SCOPED:
            assert obj["metadata"].get("namespace") == NAMESPACE, ident(obj)
    names = [ident(o) for o in OBJECTS]
    assert len(names) == len(set(names)), "two objects of one kind with one name"


def test_kustomize_builds_the_same_objects():
    """`kubectl kustomize` (what `kubectl apply -k` applies) renders exactly these objects."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    built = subprocess.run([kubectl, "kustomize", str(MANIFESTS)], capture_output=True,
                           text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    rendered = [o for o in yaml.safe_load_all(built.stdout) if o]
    assert sorted(map(ident, rendered)) == sorted(map(ident, OBJECTS))
    for obj in rendered:
        assert obj["kind"] in CLUSTER_SCOPED or obj["metadata"]["namespace"] == NAMESPACE


# --- the schema ----------------------------------------------------------------------------------

@pytest.fixture
def offline(monkeypatch):
    """No network: validation that tried to fetch a schema would fail here."""
    def refuse(*args, **kwargs):
        raise OSError("the network is off in this test: nothing may be downloaded")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize("obj", OBJECTS, ids=ident)
def test_object_is_valid_against_the_kubernetes_schema(obj, offline):
    assert schema_problems(obj) == []


def deployment(**container_changes) -> dict:
    """A small valid Deployment, with changes to its one container."""
    obj = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "broken", "namespace": NAMESPACE},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "broken"}},
                    "template": {"metadata": {"labels": {"app": "broken"}},
                                 "spec": {"containers": [{"name": "c", "image": "busybox:1"}]}}}}
    obj["spec"]["template"]["spec"]["containers"][0].update(container_changes)
    return obj


def test_the_validator_accepts_a_valid_deployment(offline):
    assert schema_problems(deployment()) == []


@pytest.mark.parametrize("break_it, expected", [
    (lambda d: d["spec"].update(replicas="two"), "'two' is not of type 'integer'"),
    (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(containerport=5005),
     "'containerport' was unexpected"),
    (lambda d: d["spec"]["template"]["spec"]["containers"][0].pop("name"),
     "'name' is a required property"),
    (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(ports=[{"containerPort": "http"}]),
     "'http' is not of type 'integer'"),
    (lambda d: d["spec"].pop("selector"), "'selector' is a required property"),
], ids=["replicas-not-a-number", "misspelt-field", "container-without-name",
        "port-not-a-number", "no-selector"])
def test_the_validator_rejects_a_broken_manifest(break_it, expected, offline):
    broken = deployment()
    break_it(broken)
    problems = schema_problems(broken)
    assert len(problems) == 1 and expected in problems[0], problems


@pytest.mark.parametrize("break_it, expected", [
    (lambda o: container(o, "rasa")["securityContext"].update(readOnlyRootFilesytem=True),
     "'readOnlyRootFilesytem' was unexpected"),
    (lambda o: container(o, "actions")["readinessProbe"]["httpGet"].update(port=[5055]),
     "readinessProbe.httpGet.port"),
    (lambda o: get(o, "HorizontalPodAutoscaler", "rasa")["spec"].update(minReplicas="2"),
     "'2' is not of type 'integer'"),
    (lambda o: get(o, "Service", "rasa")["spec"].update(sessionAffinity=True),
     "True is not of type 'string'"),
], ids=["misspelt-security-field", "port-a-list", "replicas-a-string", "affinity-a-boolean"])
def test_the_validator_rejects_a_broken_copy_of_the_manifests(break_it, expected, offline):
    objects = copy.deepcopy(OBJECTS)
    break_it(objects)
    changed = [obj for obj, original in zip(objects, OBJECTS) if obj != original]
    assert len(changed) == 1
    problems = schema_problems(changed[0])
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_validator_rejects_an_unknown_kind(offline):
    problems = schema_problems({"apiVersion": "apps/v1", "kind": "Deploymnet",
                                "metadata": {"name": "x"}})
    assert problems and "Couldn't find schema" in problems[0]


def test_a_container_without_an_image_is_rejected():
    # The schema allows it (the API server's own validation refuses it), so our check does.
    broken = deployment()
    del broken["spec"]["template"]["spec"]["containers"][0]["image"]
    assert "Deployment/broken: container c has no image" in workload_problems([broken])


# --- how the objects fit together ----------------------------------------------------------------

@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_manifests_pass(check):
    assert check(OBJECTS) == []


def data_of(objects, kind, name) -> dict:
    obj = get(objects, kind, name)
    return obj["stringData" if kind == "Secret" else "data"]


def broken_copy(change) -> list[dict]:
    objects = copy.deepcopy(OBJECTS)
    change(objects)
    return objects


@pytest.mark.parametrize("change, check, expected", [
    (lambda o: container(o, "staff")["env"].append({"name": "POLICY", "valueFrom": {
        "configMapKeyRef": {"name": CONFIGMAP, "key": "INTAKE_POLICI"}}}),
     env_problems, "refers to key INTAKE_POLICI that ConfigMap intake-settings lacks"),
    (lambda o: data_of(o, "Secret", SECRET).pop("RASA_API_TOKEN"),
     env_problems, "refers to key RASA_API_TOKEN that Secret intake-secrets lacks"),
    (lambda o: container(o, "rasa")["envFrom"][0]["configMapRef"].update(name="intake-setings"),
     env_problems, "envFrom unknown ConfigMap intake-setings"),
    (lambda o: [e for e in container(o, "rasa")["env"] if e["name"] == "INTAKE_TRACKER_URL"][0]
     .update(value="postgresql://intake:$(INTAKE_DB_PASSWORD)@postgres:5432/intake$(NOPE)"),
     env_problems, "INTAKE_TRACKER_URL uses $(NOPE), not defined before it"),
    (lambda o: container(o, "rasa")["env"].reverse(),
     env_problems, "INTAKE_TRACKER_URL uses $(INTAKE_DB_PASSWORD), not defined before it"),
    (lambda o: get(o, "Service", "actions")["spec"]["selector"].update(
        {"app.kubernetes.io/component": "action"}),
     service_problems, "Service/actions: selector"),
    (lambda o: get(o, "Service", "staff")["spec"]["ports"][0].update(targetPort=8080),
     service_problems, "Service/staff: targetPort 8080 is not a containerPort of Deployment/staff"),
    (lambda o: container(o, "actions")["readinessProbe"]["httpGet"].update(port=5005),
     probe_problems, "readinessProbe port 5005 is not a containerPort"),
    (lambda o: get(o, "PodDisruptionBudget", "rasa")["spec"]["selector"]["matchLabels"].update(
        {"app.kubernetes.io/component": "rasa-server"}),
     selection_problems, "PodDisruptionBudget/rasa: selector"),
    (lambda o: get(o, "HorizontalPodAutoscaler", "actions")["spec"]["scaleTargetRef"].update(
        name="action"),
     selection_problems, "scales Deployment/action, which is not here"),
    (lambda o: get(o, "Ingress", "staff")["spec"]["rules"][0]["http"]["paths"][0]["backend"][
        "service"]["port"].update(name="https"),
     selection_problems, "goes to port https, which Service/staff lacks"),
    (lambda o: container(o, "staff")["securityContext"].update(readOnlyRootFilesystem=False),
     security_problems, "container staff: root filesystem not read-only"),
    (lambda o: container(o, "rasa")["securityContext"].pop("capabilities"),
     security_problems, "container rasa: does not drop ALL capabilities"),
    (lambda o: pod_spec(get(o, "Deployment", "forwarder"))["securityContext"].pop("runAsNonRoot"),
     security_problems, "container forwarder: not runAsNonRoot"),
    (lambda o: container(o, "rasa").update(volumeMounts=[]),
     security_problems, "container rasa: read-only root filesystem but no writable /tmp"),
    (lambda o: container(o, "rasa")["volumeMounts"][0].update(name="temp"),
     workload_problems, "container rasa mounts unknown volume temp"),
    (lambda o: container(o, "actions")["resources"].pop("limits"),
     workload_problems, "container actions has no limits.memory"),
    (lambda o: get(o, "NetworkPolicy", "redis")["spec"]["podSelector"]["matchLabels"].update(
        {"app.kubernetes.io/component": "cache"}),
     network_policy_problems, "NetworkPolicy/redis: podSelector"),
    (lambda o: get(o, "NetworkPolicy", "actions")["spec"]["ingress"][0]["ports"][0].update(port=5005),
     network_policy_problems, "port 5005 is not a containerPort of Deployment/actions"),
    (lambda o: get(o, "NetworkPolicy", "postgres")["spec"]["ingress"][0].pop("from"),
     network_policy_problems, "a rule without `from` lets everyone in"),
], ids=["configmap-key-missing", "secret-key-missing", "configmap-misnamed",
        "undefined-variable", "variable-used-before-defined", "service-selects-nothing",
        "service-wrong-target-port", "probe-wrong-port", "pdb-selects-nothing",
        "hpa-unknown-target", "ingress-unknown-port", "writable-root", "capabilities-kept",
        "root-allowed", "no-tmp", "unknown-volume", "no-limits", "policy-selects-nothing",
        "policy-wrong-port", "policy-open-to-all"])
def test_each_check_finds_its_problem(change, check, expected):
    assert check(OBJECTS) == []
    problems = check(broken_copy(change))
    assert any(expected in p for p in problems), problems



# --- settings --------------------------------------------------------------------------------------

def test_every_setting_in_the_configmap_and_secret_is_known():
    known = {s.name for s in settings.SETTINGS} | LOCK_STORE_SETTINGS | DATABASE_PASSWORD_KEYS
    keys = set(data(OBJECTS, "ConfigMap", CONFIGMAP)) | set(data(OBJECTS, "Secret", SECRET))
    assert keys - known == set(), "not a setting in bot/settings.py"


def test_settings_are_where_they_belong():
    configmap, secret = data(OBJECTS, "ConfigMap", CONFIGMAP), data(OBJECTS, "Secret", SECRET)
    assert CONFIG_SETTINGS - set(configmap) == set()
    assert SECRET_SETTINGS - set(secret) == set()
    assert SECRET_SETTINGS & set(configmap) == set(), "a secret in the ConfigMap"
    assert configmap["RASA_TELEMETRY_ENABLED"] == "false"
    assert configmap["STAFF_SECURE_COOKIES"] == "true"
    # One proxy, the ingress controller, in front of both the staff workspace and Rasa.
    assert configmap["STAFF_TRUSTED_PROXIES"] == configmap["INTAKE_TRUSTED_PROXIES"] == "1"
    assert configmap["INTAKE_LOCK_STORE"] == "redis"


def test_secrets_are_placeholders_and_come_only_from_the_secret():
    secret = get(OBJECTS, "Secret", SECRET)
    assert "data" not in secret, "use stringData with placeholders"
    for key, value in secret["stringData"].items():
        assert "replace" in value.lower(), f"{key} must be a placeholder marked 'replace'"
    for w in workloads(OBJECTS):
        for c in containers(w):
            for item in c.get("env", []):
                if item["name"] in SECRET_SETTINGS:
                    assert "secretKeyRef" in item.get("valueFrom", {}), \
                        f"{ident(w)} {c['name']}: {item['name']} must come from the Secret"


def test_every_app_container_gets_the_configmap():
    for w in workloads(OBJECTS):
        for c in containers(w):
            if c["image"].startswith(IMAGE):
                names = [s.get("configMapRef", {}).get("name") for s in c.get("envFrom", [])]
                assert CONFIGMAP in names, f"{ident(w)} {c['name']}"


def test_the_rasa_server_gets_every_variable_endpoints_and_credentials_read():
    """Rasa refuses to start when a ${VAR} of endpoints.yml or credentials.yml is unset."""
    env = container_env(OBJECTS, container(OBJECTS, "rasa"))
    for name in ("endpoints.yml", "credentials.yml"):
        wanted = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", (PROJECT_ROOT / name).read_text()))
        assert wanted, name
        assert wanted - set(env) == set(), f"{name} reads these; the rasa container lacks them"


def test_redis_password_is_the_one_rasa_sends():
    redis = container(OBJECTS, "redis")
    assert "--requirepass" in redis["args"]
    password = redis["args"][redis["args"].index("--requirepass") + 1]
    assert password == "$(INTAKE_REDIS_PASSWORD)"
    redis_key = container_env(OBJECTS, redis)["INTAKE_REDIS_PASSWORD"]
    rasa_key = container_env(OBJECTS, container(OBJECTS, "rasa"))["INTAKE_REDIS_PASSWORD"]
    assert redis_key == rasa_key == ("secret", "INTAKE_REDIS_PASSWORD")
    lock_store = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text()).get("lock_store") or {}
    assert lock_store.get("password") == "${INTAKE_REDIS_PASSWORD}", \
        "Redis requires a password: endpoints.yml's lock_store must send it"


def service_address(name: str) -> tuple[str, int]:
    svc = get(OBJECTS, "Service", name)
    return name, svc["spec"]["ports"][0]["port"]


def test_ports_and_addresses_agree_with_the_settings_and_services():
    configmap = data(OBJECTS, "ConfigMap", CONFIGMAP)
    for deployment_name, setting in (("rasa", "RASA_PORT"), ("actions", "ACTION_PORT"),
                                     ("staff", "STAFF_PORT")):
        ports = {p["name"]: p["containerPort"] for p in container(OBJECTS, deployment_name)["ports"]}
        assert ports == {"http": int(configmap[setting]),
                         "metrics": int(configmap[f"INTAKE_METRICS_{deployment_name.upper()}_PORT"])}
        assert service_address(deployment_name)[1] == int(configmap[setting])
    action_url = urlsplit(configmap["ACTION_SERVER_URL"])
    assert (action_url.hostname, action_url.port) == service_address("actions")
    assert action_url.path == "/webhook"
    assert (configmap["INTAKE_REDIS_HOST"], int(configmap["INTAKE_REDIS_PORT"])) == \
        service_address("redis")


def test_database_urls_point_at_the_postgres_service_and_its_role():
    postgres = get(OBJECTS, "StatefulSet", "postgres")
    pg_env = container_env(OBJECTS, pod_spec(postgres)["containers"][0])
    password_key = pg_env["POSTGRES_PASSWORD"]
    assert password_key[0] == "secret" and password_key[1] in DATABASE_PASSWORD_KEYS
    wanted = {"rasa": {"INTAKE_TRACKER_URL"}, "staff": {"INTAKE_DATABASE_URL", "INTAKE_TRACKER_URL"},
              "actions": {"INTAKE_DATABASE_URL"}, "forwarder": {"INTAKE_DATABASE_URL"}}
    seen = set()
    for w in workloads(OBJECTS):
        for c in containers(w):
            env = container_env(OBJECTS, c)
            for name in ("INTAKE_DATABASE_URL", "INTAKE_TRACKER_URL"):
                if name not in env:
                    continue
                seen.add((w["metadata"]["name"], name))
                url = urlsplit(literal(OBJECTS, c, name))
                where = f"{ident(w)} {c['name']} {name}"
                assert url.scheme == "postgresql", where
                assert (url.hostname, url.port) == service_address("postgres"), where
                assert url.username == pg_env["POSTGRES_USER"][1], where
                assert url.path == "/" + pg_env["POSTGRES_DB"][1], where
                variable = VAR_REFERENCE.fullmatch(url.password or "")
                assert variable, f"{where}: the password must come from the Secret"
                assert env[variable.group(1)] == password_key, where
    for deployment_name, names in wanted.items():
        for name in names:
            assert (deployment_name, name) in seen, f"{deployment_name} needs {name}"


# --- the processes ---------------------------------------------------------------------------------

def procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            argv = shlex.split(command)
            if argv[:3] == ["uv", "run", "--no-sync"]:
                argv = argv[3:]
            processes[name.strip()] = argv
    return processes


def normalised(argv: list[str], env: dict[str, tuple[str, str]], pattern: str) -> list[str]:
    """Variables as ${NAME}, the ConfigMap's literal values filled in."""
    out = []
    for arg in argv:
        match = re.fullmatch(pattern, arg)
        if match:
            source, value = env.get(match.group(1), ("", ""))
            arg = value if source == "value" else "${%s}" % match.group(1)
        out.append(arg)
    return out


def test_every_procfile_process_runs_as_a_deployment_with_its_command():
    processes = procfile()
    assert set(processes) - NOT_DEPLOYED == set(PROCESSES), \
        "a Procfile process that deploy/kubernetes does not run (or runs no more)"
    configmap = data(OBJECTS, "ConfigMap", CONFIGMAP)
    for process, deployment_name in PROCESSES.items():
        c = container(OBJECTS, deployment_name)
        env = container_env(OBJECTS, c)
        wanted = normalised(processes[process], env, r"\$([A-Za-z_][A-Za-z0-9_]*)")
        running = normalised(c.get("command", []) + c.get("args", []), env, VAR_REFERENCE.pattern)
        assert running[:len(wanted)] == wanted, f"{deployment_name} does not run the Procfile's {process}"
        extra = running[len(wanted):]
        if process == "staff":
            assert extra == ["--host", configmap["STAFF_HOST"], "--port", configmap["STAFF_PORT"]]
        else:
            assert extra == [], deployment_name


CHECK_COMMAND = ["python", "-m", "bot", "check", "--skip-database"]


def test_migrations_run_before_the_action_server_and_the_others_wait():
    actions = get(OBJECTS, "Deployment", "actions")
    init = pod_spec(actions).get("initContainers", [])
    assert [c["command"] for c in init] == [CHECK_COMMAND, ["python", "-m", "bot", "db", "upgrade"]]
    assert {c["image"] for c in init} == {container(OBJECTS, "actions")["image"]}
    for name in ("staff", "forwarder"):
        waits = pod_spec(get(OBJECTS, "Deployment", name)).get("initContainers", [])
        assert any("python -m bot db current" in " ".join(c["command"]) for c in waits), name


def test_every_intake_process_runs_the_same_image():
    images = {c["image"] for w in workloads(OBJECTS) for c in containers(w)
              if c["image"].startswith(IMAGE)}
    assert len(images) == 1, images
    assert {c["image"] for c in containers(get(OBJECTS, "StatefulSet", "postgres"))} == {"postgres:15"}
    assert {c["image"] for c in containers(get(OBJECTS, "Deployment", "redis"))} == {"redis:7"}


# --- availability ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["rasa", "actions"])
def test_rasa_and_actions_are_redundant_and_autoscaled(name):
    workload = get(OBJECTS, "Deployment", name)
    assert workload["spec"]["replicas"] >= 2
    assert workload["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    budgets = [p for p in OBJECTS if p["kind"] == "PodDisruptionBudget"
               and selects(p["spec"]["selector"]["matchLabels"], pod_labels(workload))]
    assert len(budgets) == 1 and budgets[0]["spec"]["minAvailable"] >= 1
    hpas = [h for h in OBJECTS if h["kind"] == "HorizontalPodAutoscaler"
            and h["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                 "name": name}]
    assert len(hpas) == 1
    hpa = hpas[0]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    assert "cpu" in container(OBJECTS, name)["resources"]["requests"], "CPU utilisation needs a request"


def test_the_rasa_server_has_memory_for_its_model_and_session_affinity():
    rasa = container(OBJECTS, "rasa")
    memory = rasa["resources"]["requests"]["memory"]
    assert memory.endswith("Mi") and int(memory[:-2]) >= 1536
    for probe in ("readinessProbe", "livenessProbe"):
        assert rasa[probe]["httpGet"]["path"] == "/"
    assert get(OBJECTS, "Service", "rasa")["spec"]["sessionAffinity"] == "ClientIP"
    annotations = get(OBJECTS, "Ingress", "assistant")["metadata"]["annotations"]
    assert annotations.get("nginx.ingress.kubernetes.io/upstream-hash-by") or \
        annotations.get("nginx.ingress.kubernetes.io/affinity") == "cookie"


def test_the_ingresses_serve_the_public_paths_and_the_staff_host():
    routes = {(rule["host"], path["path"]): path["backend"]["service"]["name"]
              for ingress in OBJECTS if ingress["kind"] == "Ingress"
              for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    assert routes == {("assistant.example-homes.org.uk", "/webhooks"): "rasa",
                      ("assistant.example-homes.org.uk", "/socket.io"): "rasa",
                      # the signed file links only, for the landlord's system, never logged
                      ("assistant.example-homes.org.uk", "/files/"): "staff",
                      ("staff.example-homes.org.uk", "/"): "staff"}
    files = get(OBJECTS, "Ingress", "files")["metadata"]["annotations"]
    assert files["nginx.ingress.kubernetes.io/enable-access-log"] == "false"


# --- placeholders, lock lifetime, network policies ------------------------------------------------

@pytest.mark.parametrize("name", ["rasa", "actions"])
def test_the_rasa_and_action_pods_check_the_settings_first(name):
    init = pod_spec(get(OBJECTS, "Deployment", name))["initContainers"]
    assert init[0]["command"] == CHECK_COMMAND
    sources = [s.get("secretRef", {}).get("name") or s.get("configMapRef", {}).get("name")
               for s in init[0]["envFrom"]]
    assert sources == [CONFIGMAP, SECRET], "the check sees every setting and every secret"


def check_environment(secret_values: dict[str, str]) -> dict[str, str]:
    """The check container's environment, with these values for the Secret's keys."""
    c = pod_spec(get(OBJECTS, "Deployment", "actions"))["initContainers"][0]
    env = {}
    for name, (source, value) in container_env(OBJECTS, c).items():
        env[name] = secret_values[value] if source == "secret" else value
    return {name: VAR_REFERENCE.sub(lambda m: env.get(m.group(1), m.group(0)), value)
            for name, value in env.items()}


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    import os
    import sys

    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("INTAKE_", "RASA_", "STAFF_", "FACEBOOK_", "ACTION_"))}
    return subprocess.run([sys.executable, "-m", "bot", *CHECK_COMMAND[3:]], cwd=PROJECT_ROOT,
                          env={**base, **env}, capture_output=True, text=True, timeout=300)


def test_the_check_refuses_the_secrets_placeholders_in_one_line():
    placeholders = data(OBJECTS, "Secret", SECRET)
    refused = run_check(check_environment(placeholders))
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "still the placeholder" in lines[0]
    named = set(lines[0].removeprefix("error: ").split(":")[0].split(", "))
    assert named == (SECRET_SETTINGS - DATABASE_PASSWORD_KEYS) | {"INTAKE_DATABASE_URL",
                                                                   "INTAKE_TRACKER_URL"}
    for value in placeholders.values():
        assert value not in refused.stderr, "a secret's value in the message"
    real = {key: f"s3cret{n}value{n}" for n, key in enumerate(placeholders)}
    accepted = run_check(check_environment(real))
    assert accepted.returncode == 0, accepted.stderr


def test_the_lock_outlives_the_slowest_turn_and_the_ingress_waits_for_it():
    configmap = data(OBJECTS, "ConfigMap", CONFIGMAP)
    lifetime = int(configmap["TICKET_LOCK_LIFETIME"])
    slowest = 2 * float(configmap["INTAKE_TRACKER_RETRY_SECONDS"]) + \
        float(configmap["INTAKE_ACTION_TIMEOUT_SECONDS"])
    assert lifetime > slowest
    assert float(configmap["INTAKE_ACTION_TIMEOUT_SECONDS"]) > float(configmap["INTAKE_DB_RETRY_SECONDS"])
    env = container_env(OBJECTS, container(OBJECTS, "rasa"))
    assert env["TICKET_LOCK_LIFETIME"] == ("value", str(lifetime)), "Rasa reads it from its environment"
    annotations = get(OBJECTS, "Ingress", "assistant")["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 2 * lifetime


def test_only_their_clients_reach_actions_postgres_and_redis():
    policies = {p["metadata"]["name"]: p for p in OBJECTS if p["kind"] == "NetworkPolicy"}
    assert set(policies) == {"actions", "postgres", "redis"}
    assert allowed_clients(OBJECTS, policies["actions"]) == {"rasa"}
    assert allowed_clients(OBJECTS, policies["redis"]) == {"rasa"}
    assert allowed_clients(OBJECTS, policies["postgres"]) == {"rasa", "actions", "staff", "forwarder"}
    for name, policy in policies.items():
        workload = [w for w in workloads(OBJECTS) if selects(
            policy["spec"]["podSelector"]["matchLabels"], pod_labels(w))]
        assert [w["metadata"]["name"] for w in workload] == [name]
        # Every client that needs the service is let in: the database URLs and the lock store.
    for w in workloads(OBJECTS):
        env = {n for c in containers(w) for n in container_env(OBJECTS, c)}
        if {"INTAKE_DATABASE_URL", "INTAKE_TRACKER_URL"} & env:
            assert w["metadata"]["name"] in allowed_clients(OBJECTS, policies["postgres"]) | {"postgres"}


def test_the_check_refuses_an_action_timeout_a_filing_could_outlast():
    result = run_check({"INTAKE_ACTION_TIMEOUT_SECONDS": "30"})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: INTAKE_ACTION_TIMEOUT_SECONDS: 30 s is not longer than a filing that retries while "
        "the database restarts (INTAKE_DB_RETRY_SECONDS = 30 s): set it above 30"), result.stderr


@pytest.mark.parametrize("value, expected", [
    ("100", "error: TICKET_LOCK_LIFETIME: 100 s is not longer than the slowest turn "
            "(2 x INTAKE_TRACKER_RETRY_SECONDS + INTAKE_ACTION_TIMEOUT_SECONDS = 165 s)"),
    ("1.5", "error: TICKET_LOCK_LIFETIME: expected a whole number, not '1.5'"),
])
def test_the_check_refuses_a_lock_lifetime_shorter_than_a_turn(value, expected):
    result = run_check({"TICKET_LOCK_LIFETIME": value})
    assert result.returncode == 1
    assert result.stderr.strip().startswith(expected), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_action_server_answers_the_rasa_pods_with_the_shared_secret_and_no_secret_is_an_argument():
    from bot.rasa.action_server import secret_problem

    configmap = data(OBJECTS, "ConfigMap", CONFIGMAP)
    assert secret_problem(configmap["ACTION_HOST"], "") is not None  # off loopback: needs it
    for name in ("rasa", "actions"):
        env = container_env(OBJECTS, container(OBJECTS, name))
        assert env["INTAKE_ACTION_SECRET"] == ("secret", "INTAKE_ACTION_SECRET"), name
    for w in workloads(OBJECTS):
        for c in containers(w):
            argv = " ".join(c.get("command", []) + c.get("args", []))
            assert "--auth-token" not in argv and "SECRET" not in argv and "TOKEN" not in argv, \
                f"{ident(w)} {c['name']}: a secret on the command line"
