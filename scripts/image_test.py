"""`make image-test`: build the Containerfile's image and start it as deploy/kubernetes does.

No image registry is reachable here, but Debian's packages are, so:

1. the base: a Debian bookworm made with debootstrap (minbase, with Debian's python3, which is
   3.11, and python3-venv), imported with `podman import`. The root filesystem is kept as a
   tarball in the cache folder (var/image-test/, or $INTAKE_IMAGE_CACHE), so the next run only
   imports it, or finds it already imported;
2. the image: `podman build --isolation chroot` with BASE_IMAGE set to that base (podman's own
   layer cache makes an unchanged rebuild quick). The build trusts this machine's certificates
   through a build-time volume (never a layer), for a TLS-inspecting proxy between it and PyPI;
3. the run: `podman run` does not work on these machines (crun's setrlimit and the hybrid
   cgroups are refused), so the image's filesystem is mounted (`podman image mount`) and each
   process runs in it with `unshare` (its own mount and PID namespaces) and `chroot`: the root
   read-only, a fresh tmpfs on /tmp, as the image's user (`setpriv`, no capabilities, no new
   privileges), in the image's working directory, with the image's environment, the ConfigMap's
   settings (deploy/kubernetes/configmap.yaml), secrets from the environment as the Secret gives
   them, and the addresses of the cluster's services pointed at this machine. Then
   `python -m bot check` must pass, the Rasa server and the action server start from the
   Procfile's commands without `uv run`, and a REST "hello" must get the greeting.

With INTAKE_TEST_POSTGRES_URL and INTAKE_TEST_REDIS_URL (as .ci/run sets them) the processes use a
fresh PostgreSQL database and that Redis as the lock store, as in the cluster; without them,
SQLite files under /tmp and the in-memory lock store.

`--if-changed` (used by .ci/run) runs only when what the image is made of changed since the last
successful run on this machine: a hash of the files in IMAGE_INPUTS is kept in
~/.cache/intake/image-test.stamp (outside the clone), written only after a run that passed.

Needs root (podman's storage, unshare, chroot); installs podman, debootstrap and uidmap with
apt-get when they are missing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "localhost/intake:image-test"
# What the image is made of (files, or folders taken whole): a change to one reruns --if-changed.
IMAGE_INPUTS = ("Containerfile", ".dockerignore", "pyproject.toml", "uv.lock", "Procfile", "deploy",
                "scripts/image_test.py")
STAMP = Path.home() / ".cache" / "intake" / "image-test.stamp"
# The base: Debian bookworm, minbase, with Debian's Python 3.11 (python3), its venv module
# (python3-venv, for the Containerfile's uv install) and the CA certificates.
DEBIAN_SUITE = "bookworm"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
BASE_PACKAGES = ("python3", "python3-venv", "ca-certificates")
# The host's trust store, mounted over the build's (pip and uv use the system's, see Containerfile).
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Settings that name a cluster Service, pointed at this machine for the test.
START_TIMEOUT = 420
TOOLS = {"podman": "podman", "debootstrap": "debootstrap", "newuidmap": "uidmap"}


def say(message: str) -> None:
    print(f"image-test: {message}", flush=True)


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, check=True, **kwargs)


# --- what changed -----------------------------------------------------------------------------------

def inputs_hash(root: Path = ROOT) -> str:
    """A hash of the contents (and names) of IMAGE_INPUTS."""
    digest = hashlib.sha256()
    for entry in IMAGE_INPUTS:
        path = root / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0")
            digest.update(file.read_bytes() if file.exists() else b"(missing)")
            digest.update(b"\0")
    return digest.hexdigest()


def stamp_matches(stamp: Path, digest: str) -> bool:
    try:
        return stamp.read_text().split()[0] == digest
    except (OSError, IndexError):
        return False


def write_stamp(stamp: Path, digest: str) -> None:
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(f"{digest} {time.strftime('%Y-%m-%dT%H:%M:%S')}\n")


# --- the base ---------------------------------------------------------------------------------------

def ensure_tools() -> None:
    missing = [package for tool, package in TOOLS.items() if not shutil.which(tool)]
    if missing:
        say(f"installing {' '.join(missing)} from Debian's packages (first run only)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", *missing], env=env, stdout=subprocess.DEVNULL)


def base_key() -> str:
    return hashlib.sha256(repr((DEBIAN_SUITE, DEBIAN_MIRROR, "minbase", BASE_PACKAGES)).encode()).hexdigest()[:12]


def podman_image_exists(name: str) -> bool:
    return subprocess.run(["podman", "image", "exists", name]).returncode == 0


def ensure_base(cache: Path, refresh: bool) -> str:
    """The imported base image's name; debootstrap only when its tarball is not cached."""
    key = base_key()
    name = f"localhost/intake-base:{DEBIAN_SUITE}-{key}"
    tarball = cache / f"{DEBIAN_SUITE}-{key}.tar"
    if refresh:
        tarball.unlink(missing_ok=True)
        subprocess.run(["podman", "rmi", "-f", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    if not tarball.exists():
        cache.mkdir(parents=True, exist_ok=True)
        rootfs = cache / f"rootfs-{key}"
        shutil.rmtree(rootfs, ignore_errors=True)
        say(f"debootstrap {DEBIAN_SUITE} (minbase + {', '.join(BASE_PACKAGES)}) into {rootfs}")
        log = cache / "debootstrap.log"
        with log.open("w") as out:
            result = subprocess.run(["debootstrap", "--variant=minbase", f"--include={','.join(BASE_PACKAGES)}",
                                     DEBIAN_SUITE, str(rootfs), DEBIAN_MIRROR], stdout=out, stderr=out)
        if result.returncode:
            sys.exit(f"image-test: debootstrap failed; see {log}:\n" + log.read_text()[-3000:])
        # Without the package cache and lists (apt-get update in a build fetches fresh ones).
        for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in (rootfs / leftover).glob("*"):
                if item.is_file():
                    item.unlink()
        partial = tarball.with_suffix(".tar.part")
        run(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(partial), "."])
        partial.rename(tarball)
        shutil.rmtree(rootfs)
        say(f"base made in {time.monotonic() - started:.0f} s; cached as {tarball}")
    if not podman_image_exists(name):
        run(["podman", "import", "--quiet", str(tarball), name], stdout=subprocess.DEVNULL)
        say(f"base imported from {tarball} as {name}")
    else:
        say(f"base {name} already imported (from {tarball})")
    say(f"base ready in {time.monotonic() - started:.0f} s")
    return name


# --- the build --------------------------------------------------------------------------------------

def build(base: str, log: Path) -> float:
    argv = ["podman", "build", "--isolation", "chroot", "--build-arg", f"BASE_IMAGE={base}",
            "--tag", IMAGE, "--file", "Containerfile"]
    if HOST_CA_BUNDLE.exists():
        argv += ["--volume", f"{HOST_CA_BUNDLE}:{HOST_CA_BUNDLE}:ro"]
    argv.append(".")
    say(f"building {IMAGE} from Containerfile (log: {log})")
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            returncode = process.wait()
        except BaseException:  # stopped (Ctrl-C, SIGTERM): stop the build too, not leave its steps running
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
            raise
    elapsed = time.monotonic() - started
    if returncode:
        sys.exit(f"image-test: the build failed after {elapsed:.0f} s; its log ends:\n"
                 + log.read_text(errors="replace")[-5000:])
    steps = log.read_text(errors="replace")
    cached = steps.count("--> Using cache")
    say(f"built in {elapsed:.0f} s ({cached} steps from the layer cache)")
    return elapsed


def inspect(image: str) -> dict:
    out = subprocess.run(["podman", "image", "inspect", image], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)[0]


# --- running the image's filesystem ----------------------------------------------------------------

# In a new mount namespace (private, so nothing reaches the host's mounts): the image's
# filesystem read-only, a fresh tmpfs on /tmp and /dev/shm, /proc, a few device nodes, then
# chroot, then setpriv to the image's user with no capabilities and no new privileges. Without
# PostgreSQL, the processes' SQLite files are in a host folder shared as /tmp/stores (the one
# thing the "pods" share, as they share the database in the cluster).
CHROOT_SCRIPT = r"""
set -eu
root=$1; workdir=$2; uid=$3; gid=$4; shared=$5; shift 5
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount -t tmpfs -o mode=1777,size=1g,nosuid,nodev tmpfs "$root/tmp"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o mode=755,nosuid tmpfs "$root/dev"
for node in null zero full random urandom tty; do
  touch "$root/dev/$node"; mount --bind "/dev/$node" "$root/dev/$node"
done
mkdir "$root/dev/shm"; mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
if [ -n "$shared" ]; then mkdir "$root/tmp/stores"; mount --bind "$shared" "$root/tmp/stores"; fi
exec chroot "$root" setpriv --reuid="$uid" --regid="$gid" --clear-groups --no-new-privs \
  --inh-caps=-all --bounding-set=-all -- /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@"
"""


class Image:
    def __init__(self, name: str) -> None:
        self.name = name
        self.shared = ""  # a host folder mounted at /tmp/stores, or none
        config = inspect(name)["Config"]
        self.user = config.get("User") or ""
        self.workdir = config.get("WorkingDir") or "/"
        self.env = dict(item.split("=", 1) for item in config.get("Env") or [])
        if not self.user or self.user.split(":")[0] in ("", "0", "root"):
            sys.exit(f"image-test: the image runs as {self.user or 'root'!r}; it must name a non-root uid")
        uid, _, gid = self.user.partition(":")
        if not uid.isdigit() or not (gid or uid).isdigit():
            sys.exit(f"image-test: the image's USER {self.user!r} must be numeric (uid:gid), as runAsUser is")
        self.uid, self.gid = uid, gid or uid
        self.root = subprocess.run(["podman", "image", "mount", name], check=True, capture_output=True,
                                   text=True).stdout.strip()

    def unmount(self) -> None:
        subprocess.run(["podman", "image", "unmount", self.name], stdout=subprocess.DEVNULL)

    def argv(self, command: list[str], env: dict[str, str]) -> list[str]:
        """The command run in the image as a pod runs it: its environment is exactly `env`."""
        environment = [f"{key}={value}" for key, value in env.items()]
        return ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private",
                "sh", "-c", CHROOT_SCRIPT, "chroot", self.root, self.workdir, self.uid, self.gid, self.shared,
                "/usr/bin/env", "-i", *environment, *command]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manifest_data(name: str, key: str) -> dict[str, str]:
    import yaml

    document = yaml.safe_load((ROOT / "deploy" / "kubernetes" / name).read_text())
    return {k: str(v) for k, v in document[key].items()}


def configmap() -> dict[str, str]:
    return manifest_data("configmap.yaml", "data")


def secret_names() -> list[str]:
    return list(manifest_data("secret.yaml", "stringData"))


def procfile() -> dict[str, str]:
    """Procfile process -> its command without `uv run --no-sync` (the .venv is on the image's PATH)."""
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            argv = shlex.split(command)
            if argv[:3] == ["uv", "run", "--no-sync"]:
                command = command.strip()[len("uv run --no-sync"):].strip()
            processes[name.strip()] = command
    return processes


def fresh_postgres_database(url: str, name: str) -> str:
    """A new empty database `name` on the server of `url`; its URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine.url import make_url

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def environment(image: Image, ports: dict[str, int], work: Path) -> tuple[dict[str, str], str]:
    """The pods' environment: the image's, the ConfigMap's, HOME=/tmp, secrets as the Secret gives
    them, the Services' addresses pointed at this machine. Also a line saying which stores."""
    env = dict(image.env)
    env.update(configmap())
    env.update(HOME="/tmp", PYTHONUNBUFFERED="1")
    for name in secret_names():  # every key of the Secret, a random value in place of its placeholder
        env[name] = secrets.token_hex(24)
    # The Services `rasa`, `actions`, `postgres` and `redis` are this machine here.
    env.update(RASA_PORT=str(ports["rasa"]), ACTION_PORT=str(ports["actions"]), ACTION_HOST="127.0.0.1",
               ACTION_SERVER_URL=f"http://127.0.0.1:{ports['actions']}/webhook")
    postgres, redis_url = os.environ.get("INTAKE_TEST_POSTGRES_URL"), os.environ.get("INTAKE_TEST_REDIS_URL")
    if postgres:
        url = fresh_postgres_database(postgres, "intake_image_test")
        env.update(INTAKE_DATABASE_URL=url, INTAKE_TRACKER_URL=url)
        stores = "PostgreSQL (a fresh database intake_image_test)"
    else:
        shared = work / "stores"
        shared.mkdir()
        os.chown(shared, int(image.uid), int(image.gid))
        image.shared = str(shared)
        env.update(INTAKE_DATABASE_URL="sqlite:////tmp/stores/intake.db",
                   INTAKE_TRACKER_URL="sqlite:////tmp/stores/tracker.db")
        stores = "SQLite in /tmp/stores, shared by the processes (INTAKE_TEST_POSTGRES_URL not set)"
    if redis_url:
        from urllib.parse import urlsplit

        parts = urlsplit(redis_url)
        env.update(INTAKE_LOCK_STORE="redis", INTAKE_REDIS_HOST=parts.hostname or "127.0.0.1",
                   INTAKE_REDIS_PORT=str(parts.port or 6379), INTAKE_REDIS_DB=(parts.path.strip("/") or "0"),
                   INTAKE_REDIS_PASSWORD=parts.password or "")
        stores += ", Redis lock store"
    else:
        env.update(INTAKE_LOCK_STORE="in_memory")
        stores += ", in-memory lock store (INTAKE_TEST_REDIS_URL not set)"
    return env, stores


def http_get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


def in_image(image: Image, env: dict[str, str], command: str, what: str, log: Path) -> None:
    """Run one command to its end in the image (an init container); fail with its output."""
    started = time.monotonic()
    result = subprocess.run(image.argv(["/bin/sh", "-c", command], env), capture_output=True, text=True,
                            timeout=300)
    output = (result.stdout + result.stderr).strip()
    with log.open("a") as out:
        out.write(f"$ {command}\n{output}\n\n")
    if result.returncode:
        sys.exit(f"image-test: `{command}` failed in the image (exit {result.returncode}):\n{output[-4000:]}")
    last = output.splitlines()[-1] if output else ""
    say(f"{what}: passed in {time.monotonic() - started:.0f} s{f' ({last})' if last else ''}")


class Servers:
    """The Procfile's processes started in the image, each in its own namespaces, like pods."""

    def __init__(self, image: Image, env: dict[str, str], logs: Path) -> None:
        self.image, self.env, self.logs = image, env, logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: str) -> None:
        log = (self.logs / f"{name}.log").open("w")
        say(f"starting {name}: {command}")
        self.processes[name] = subprocess.Popen(
            self.image.argv(["/bin/sh", "-c", f"exec {command}"], self.env),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def wait_for(self, name: str, url: str, started: float, given_up: str = "") -> float:
        """Seconds from `started` until `url` answers 200; fails when the process ends first, or
        its log says `given_up` (it runs on without what it needs)."""
        while time.monotonic() - started < START_TIMEOUT:
            process = self.processes[name]
            if process.poll() is not None:
                sys.exit(f"image-test: {name} exited ({process.returncode}) before answering; its log ends:\n"
                         + self.log_tail(name))
            if http_get(url)[0] == 200:
                return time.monotonic() - started
            if given_up and given_up in self.log_tail(name):
                time.sleep(2)  # it may have said so just after the request above
                if http_get(url)[0] == 200:
                    return time.monotonic() - started
                sys.exit(f"image-test: {name} started without being ready; its log ends:\n" + self.log_tail(name))
            time.sleep(1)
        sys.exit(f"image-test: {name} did not answer {url} within {START_TIMEOUT} s; its log ends:\n"
                 + self.log_tail(name))

    def stop(self, grace: float = 10) -> None:
        """SIGTERM, as Kubernetes stops a pod; SIGKILL after `grace` seconds (the pods get 30)."""
        started = time.monotonic()
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        stopped = []
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, started + grace - time.monotonic()))
                stopped.append(f"{name} in {time.monotonic() - started:.0f} s")
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                stopped.append(f"{name} not within {grace:.0f} s of SIGTERM (killed)")
        say("stopped on SIGTERM: " + ", ".join(stopped))


def rest_hello(port: int, token: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook", method="POST",
        data=json.dumps({"sender": "image-test", "message": "hello"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        replies = json.loads(response.read())
    texts = [reply.get("text", "") for reply in replies]
    if not texts or "online assistant" not in texts[0]:
        sys.exit(f"image-test: the REST webhook answered 'hello' with {replies!r}, not the greeting")
    return texts[0]


def start_and_talk(image: Image, work: Path) -> None:
    ports = {"rasa": free_port(), "actions": free_port(), "staff": free_port()}
    env, stores = environment(image, ports, work)
    env.update(STAFF_HOST="127.0.0.1", STAFF_PORT=str(ports["staff"]))
    say(f"running the image's filesystem read-only as uid {image.uid}:{image.gid} in {image.workdir}, "
        f"with the ConfigMap's settings; stores: {stores}")
    init_log = work / "init.log"
    init_log.write_text("")
    in_image(image, env, f'test "$(id -u):$(id -g)" = {image.uid}:{image.gid} && ! touch .write-test 2>/dev/null'
             ' && ! touch /.write-test 2>/dev/null && touch /tmp/.write-test && echo "uid $(id -u), cwd $(pwd)"',
             "runs as the image's user, only /tmp writable", init_log)
    in_image(image, env, "python -m bot check", "python -m bot check", init_log)
    in_image(image, env, "python -m bot db upgrade", "python -m bot db upgrade (the migrate init container)",
             init_log)
    commands = procfile()
    servers = Servers(image, env, work)
    try:
        started = time.monotonic()
        for name in ("actions", "rasa", "staff"):
            servers.start(name, commands[name])
        took = servers.wait_for("actions", f"http://127.0.0.1:{ports['actions']}/health", started)
        say(f"the action server answers /health after {took:.0f} s")
        took = servers.wait_for("staff", f"http://127.0.0.1:{ports['staff']}/healthz", started)
        say(f"the staff workspace answers /healthz after {took:.0f} s")
        # /status answers 200 once the model is loaded (409 without one); Rasa's log says it is
        # up and running also when loading the model failed.
        took = servers.wait_for("rasa", f"http://127.0.0.1:{ports['rasa']}/status?token={env['RASA_API_TOKEN']}",
                                started, given_up="Rasa server is up and running")
        say(f"the Rasa server has loaded the model after {took:.0f} s")
        began = time.monotonic()
        greeting = rest_hello(ports["rasa"], env["INTAKE_REST_TOKEN"])
        say(f"REST 'hello' answered in {time.monotonic() - began:.1f} s: {greeting[:100]!r}")
        for name, process in servers.processes.items():
            if process.poll() is not None:
                sys.exit(f"image-test: {name} stopped during the test; its log ends:\n" + servers.log_tail(name))
    finally:
        servers.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/image_test.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--if-changed", action="store_true",
                        help=f"skip when {', '.join(IMAGE_INPUTS)} are as at the last successful run "
                             f"(stamp: {STAMP})")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("INTAKE_IMAGE_CACHE") or ROOT / "var" / "image-test"),
                        help="folder for the debootstrapped base (default: $INTAKE_IMAGE_CACHE or var/image-test)")
    parser.add_argument("--refresh-base", action="store_true", help="debootstrap the base again (Debian updates)")
    args = parser.parse_args(argv)
    # SIGTERM (a CI timeout) unwinds like Ctrl-C: the servers are stopped and the image unmounted.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("image-test: stopped (SIGTERM)"))

    digest = inputs_hash()
    if args.if_changed and stamp_matches(STAMP, digest):
        say(f"SKIPPED: {', '.join(IMAGE_INPUTS)} are unchanged since the last successful image test on "
            f"this machine ({STAMP}: {STAMP.read_text().split()[1]})")
        return 0
    if args.if_changed:
        say("RUNNING: " + ("no successful image test on this machine yet" if not STAMP.exists() else
                           f"{', '.join(IMAGE_INPUTS)} changed since the last successful image test"))
    if os.geteuid() != 0:
        sys.exit("image-test: needs root (podman's storage, unshare and chroot)")
    started = time.monotonic()
    ensure_tools()
    work = ROOT / "var" / "image-test" / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    base = ensure_base(args.cache, args.refresh_base)
    previous = inspect(IMAGE)["Id"] if podman_image_exists(IMAGE) else None
    build_seconds = build(base, work / "build.log")
    built = inspect(IMAGE)
    size = built["Size"]
    image = Image(IMAGE)
    try:
        start_and_talk(image, work)
    finally:
        image.unmount()
    write_stamp(STAMP, digest)
    if previous and previous != built["Id"]:  # the image this build replaced: its own layers only
        subprocess.run(["podman", "rmi", previous], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    say(f"PASSED in {time.monotonic() - started:.0f} s: image {IMAGE} {size / 1e9:.2f} GB "
        f"({size / 2**20:.0f} MiB), built in {build_seconds:.0f} s; logs in {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
