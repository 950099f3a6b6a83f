"""`python -m bot check`: stop a bad start with one clear line instead of a stack trace.

Checks that no setting still holds a placeholder of deploy/kubernetes/secret.yaml, the active
policy profile, the limits and the lock lifetime, that both databases (and a Redis lock store)
answer, and that every YAML file of the training data, domain and config parses. Each problem is
one line: what is wrong and where.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot import settings

if TYPE_CHECKING:
    from bot.policy.schema import Profile

TRAINING_FILES = ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml")


def add_arguments(parser) -> None:
    parser.add_argument("--skip-database", action="store_true", help="do not connect to the databases")


def _hide_password(url: str) -> str:
    from sqlalchemy.engine.url import make_url

    try:
        return make_url(url).__repr__()  # SQLAlchemy masks the password as ***
    except Exception:
        return url


def check_policy() -> list[str]:
    from bot.policy import PolicyError, load_profile

    try:
        load_profile(settings.policy_name())
    except PolicyError as error:
        return [f"policy: {error}"]
    return []


# The contact details a resident may be pointed to, by what they are called in a profile.
CONTACT_DETAILS = (("phone", "a phone number for complaints (a contact.channels entry of kind phone with a value)"),
                   ("email", "an e-mail address (kind email)"),
                   ("web_form", "a web address for the online form (kind web_form)"),
                   ("post", "a postal address (kind post)"))


def missing_contact_details(profile: Profile) -> list[str]:
    """What a resident pointed to a person could not be given, in the profile's words."""
    given = {c.kind for c in profile.contact.channels if c.value or c.postal_address}
    missing = [what for kind, what in CONTACT_DETAILS if kind not in given]
    if not profile.contact.emergency.repairs_phone:
        missing.append("an emergency repairs line (contact.emergency.repairs_phone)")
    return missing


def check_contact_details() -> list[str]:
    """A landlord's profile must give residents a person to reach: a phone number for complaints
    and an emergency repairs line. Only a demo or template profile (`demo: true`) may start
    without them."""
    from bot.policy import PolicyError, load_profile

    try:
        profile = load_profile(settings.policy_name())
    except PolicyError:
        return []  # an error of check_policy
    if profile.demo:
        return []
    given = {c.kind for c in profile.contact.channels if c.value}
    needed = [what for kind, what in CONTACT_DETAILS[:1] if kind not in given]
    if not profile.contact.emergency.repairs_phone:
        needed.append("an emergency repairs line (contact.emergency.repairs_phone)")
    if not needed:
        return []
    return [f"policy {profile.name}: residents asking for a person or reporting an emergency "
            f"would be given no number: it needs {' and '.join(needed)} (or `demo: true` for a "
            "profile that is not a real landlord's)"]


def policy_warnings() -> list[str]:
    """What the active profile lacks that the assistant works around (never an error)."""
    from bot.policy import PolicyError, load_profile

    try:
        profile = load_profile(settings.policy_name())
    except PolicyError:
        return []  # an error of check_policy
    missing = missing_contact_details(profile)
    warnings = []
    if profile.demo:
        warnings.append(f"policy {profile.name} is a demo: its contact details are not a real "
                        "landlord's")
    if missing:
        warnings.append(f"policy {profile.name}: missing {'; '.join(missing)}")
    return warnings


def check_database(setting: str, url: str) -> list[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, connect_args=_timeout_args(url))
    except (ArgumentError, SQLAlchemyError, ImportError, ValueError) as error:
        return [f"{setting}: not a usable database URL ({_hide_password(url)}): {error}"]
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        return [f"{setting}: cannot connect to {_hide_password(url)}: {reason}"]
    finally:
        engine.dispose()
    return []


LOCK_STORES = ("in_memory", "redis")


def check_lock_store() -> list[str]:
    """INTAKE_LOCK_STORE is one Rasa knows, and with redis the Redis server answers."""
    kind = settings.get("INTAKE_LOCK_STORE")
    if kind not in LOCK_STORES:
        return [f"INTAKE_LOCK_STORE: {kind!r} is not a lock store; use {' or '.join(LOCK_STORES)}"]
    if kind != "redis":
        return []
    import redis

    host, port = settings.get("INTAKE_REDIS_HOST"), settings.get("INTAKE_REDIS_PORT")
    try:
        client = redis.Redis(host=host, port=int(port), db=int(settings.get("INTAKE_REDIS_DB")),
                             password=settings.get("INTAKE_REDIS_PASSWORD") or None,
                             socket_connect_timeout=5, socket_timeout=5)
        client.ping()
    except ValueError:
        return [f"INTAKE_REDIS_PORT / INTAKE_REDIS_DB: not numbers ({port!r}, "
                f"{settings.get('INTAKE_REDIS_DB')!r})"]
    except redis.RedisError as error:
        return [f"INTAKE_REDIS_HOST: cannot connect to the lock store's Redis at {host}:{port}: {error}"]
    return []


def check_limits() -> list[str]:
    """The channels' size and rate limits, the ports and the retry times are numbers they can use."""
    from bot.channels.limits import Rate, SettingError, max_message_chars

    problems = []
    for name in ("INTAKE_RATE_LIMIT_CONVERSATION", "INTAKE_RATE_LIMIT_ADDRESS"):
        try:
            Rate.parse(settings.get(name), name)
        except SettingError as error:
            problems.append(str(error))
    try:
        max_message_chars()
    except SettingError as error:
        problems.append(str(error))
    for name in settings.PORTS:
        try:
            settings.integer(name, 1, 65535)
        except settings.SettingError as error:
            problems.append(str(error))
    for name in settings.DURATIONS:
        try:
            settings.seconds(name)
        except settings.SettingError as error:
            problems.append(str(error))
    if not settings.get("INTAKE_TRUSTED_PROXIES").isdigit():
        problems.append(f"INTAKE_TRUSTED_PROXIES: {settings.get('INTAKE_TRUSTED_PROXIES')!r} "
                        "is not a number of proxies")
    return problems


def check_lock_lifetime() -> list[str]:
    """TICKET_LOCK_LIFETIME (read by Rasa as a whole number) outlasts the slowest turn: reading
    the conversation and saving it, each retrying while the database restarts, and the action
    call between them, cut off after INTAKE_ACTION_TIMEOUT_SECONDS. A ticket that expires mid-turn
    lets the conversation's next message run at the same time. The action call in turn outlasts
    a filing retrying while the case store's database restarts, else the resident is asked to
    send again a message whose case is being filed."""
    try:
        lifetime = settings.integer("TICKET_LOCK_LIFETIME", 1)
    except settings.SettingError as error:
        return [str(error)]
    try:
        action = settings.seconds("INTAKE_ACTION_TIMEOUT_SECONDS")
        filing = settings.seconds("INTAKE_DB_RETRY_SECONDS")
        slowest = 2 * settings.seconds("INTAKE_TRACKER_RETRY_SECONDS") + action
    except settings.SettingError:
        return []  # check_limits names them
    if action <= filing:
        return [f"INTAKE_ACTION_TIMEOUT_SECONDS: {action:g} s is not longer than a filing that "
                f"retries while the database restarts (INTAKE_DB_RETRY_SECONDS = {filing:g} s): "
                f"set it above {filing:g}"]
    if lifetime <= slowest:
        return [f"TICKET_LOCK_LIFETIME: {lifetime} s is not longer than the slowest turn "
                f"(2 x INTAKE_TRACKER_RETRY_SECONDS + INTAKE_ACTION_TIMEOUT_SECONDS = {slowest:g} s), "
                f"so a conversation's next message could run while the last still does: set it "
                f"above {slowest:g}"]
    return []


def check_action_server() -> list[str]:
    """An action server reachable from other machines needs a secret set explicitly (a generated
    one lives on this machine only)."""
    from bot.rasa.action_server import secret_problem

    problem = secret_problem(settings.get("ACTION_HOST"), settings.get("INTAKE_ACTION_SECRET"))
    return [problem] if problem else []


PLACEHOLDER = "replacewith"


def is_placeholder(value: str) -> bool:
    """A value still as deploy/kubernetes/secret.yaml gives it ("replace-with-...", or
    "replacewith..." where only letters and digits fit, as in the database password)."""
    return PLACEHOLDER in value.lower().replace("-", "").replace("_", "")


def check_placeholders() -> list[str]:
    """Settings that still hold the placeholders of the Kubernetes Secret: one line naming them
    (never their values)."""
    values = {s.name: settings.get(s.name) for s in settings.SETTINGS}
    values.update({name: value for name, value in os.environ.items()  # a team's own address
                   if name.startswith(tuple(settings.TEAM_SETTINGS))})
    names = [name for name, value in values.items() if is_placeholder(value)]
    if not names:
        return []
    return [f"{', '.join(names)}: still the placeholder ('replace-with-...') of "
            "deploy/kubernetes/secret.yaml: set the real values (in Kubernetes, in the Secret "
            "intake-secrets) before starting"]


def _timeout_args(url: str) -> dict:
    if url.startswith("postgresql"):
        return {"connect_timeout": 5}
    return {}


def yaml_files(root: Path) -> list[Path]:
    files = [root / name for name in TRAINING_FILES if (root / name).exists()]
    files += sorted((root / "data").rglob("*.yml")) + sorted((root / "data").rglob("*.yaml"))
    return files


def check_yaml(root: Path) -> list[str]:
    problems = []
    for path in yaml_files(root):
        try:
            yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            where = ""
            mark = getattr(error, "problem_mark", None)
            if mark is not None:
                where = f" line {mark.line + 1}, column {mark.column + 1}"
            what = getattr(error, "problem", None) or str(error).splitlines()[0]
            problems.append(f"{path.relative_to(root)}:{where}: malformed YAML: {what}")
        except UnicodeDecodeError:
            problems.append(f"{path.relative_to(root)}: not UTF-8 text")
    return problems


def check_operations() -> list[str]:
    """INTAKE_LOG_FORMAT is text or json; each metrics port is empty (off) or a port, none the
    same as another process's port or metrics port (they may share a host)."""
    from bot.ops import logs, metrics

    problems = []
    try:
        logs.log_format()
    except settings.SettingError as error:
        problems.append(str(error))
    taken: dict[str, str] = {}   # port -> the setting that took it
    for name in settings.PORTS[:3]:  # the servers' own ports
        value = settings.get(name).strip()
        taken.setdefault(value, name)
    for process in metrics.PROCESSES:
        name = metrics.port_setting(process)
        try:
            port = metrics.configured_port(process)
        except settings.SettingError as error:
            problems.append(str(error))
            continue
        if port is None:
            continue
        if str(port) in taken:
            problems.append(f"{name}: port {port} is already {taken[str(port)]}'s; give each "
                            "process a metrics port of its own")
        taken.setdefault(str(port), name)
    return problems


def check_file_links() -> list[str]:
    """With INTAKE_PUBLIC_URL set, forwarded files carry signed links: the address must be usable
    and INTAKE_FILE_LINK_SECRET set (the forwarder would refuse to start otherwise)."""
    from bot.evidence import links

    return links.problems()


def problems(skip_database: bool = False) -> list[str]:
    placeholders = check_placeholders()
    if placeholders:  # the cause of whatever else would fail (a database password among them)
        return placeholders
    found = (check_yaml(settings.PROJECT_ROOT) + check_policy() + check_contact_details()
             + check_limits() + check_lock_lifetime() + check_action_server()
             + check_operations() + check_file_links())
    if not found:  # the teams are read from the policy profile, which must load first
        from bot.cases.outbox import team_forwarding_problems

        found += team_forwarding_problems()
    if not skip_database:
        found += check_database("INTAKE_DATABASE_URL", settings.database_url())
        found += check_database("INTAKE_TRACKER_URL", settings.tracker_url())
        found += check_lock_store()
    return found


def run(args) -> int:
    found = problems(skip_database=args.skip_database)
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    # Warnings do not fail the check, and go to stdout: stderr is kept for the errors (one line
    # each, which scripts and tests read).
    for line in policy_warnings():
        print(f"warning: {line}")
    return 1 if found else 0
