"""Every setting, read from the environment with a sensible default.

This module is the single place that names an environment variable. The settings table of docs/settings.md
is checked against SETTINGS by a test, so the two cannot drift apart.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("INTAKE_POLICY", "demo-landlord",
            "Active complaint-policy profile: a file name (without .yml) in policies/"),
    Setting("INTAKE_DATABASE_URL", "sqlite:///var/intake.db",
            "SQLAlchemy URL of the case store (PostgreSQL: postgresql://user@host/db)"),
    Setting("INTAKE_TRACKER_URL", "sqlite:///var/tracker.db",
            "SQLAlchemy URL of Rasa's tracker store (the conversation transcripts)"),
    Setting("INTAKE_CONVERSATION_RETENTION_DAYS", "90",
            "Days a conversation that filed no case is kept after its last message; "
            "python -m bot cases anonymise deletes it then (a case's conversation goes with the case)"),
    Setting("INTAKE_DB_RETRY_SECONDS", "30",
            "How long a filing keeps retrying while the case store's database is unreachable"),
    Setting("INTAKE_TRACKER_RETRY_SECONDS", "60",
            "How long the Rasa server keeps retrying while the tracker store's database is unreachable"),
    Setting("INTAKE_ACTION_TIMEOUT_SECONDS", "45",
            "How long the Rasa server waits for the action server on one call before telling the "
            "resident to send their message again; longer than INTAKE_DB_RETRY_SECONDS"),
    Setting("TICKET_LOCK_LIFETIME", "180",
            "Seconds a Rasa server may hold a conversation's lock for one message (Rasa reads it); "
            "longer than the slowest turn: 2 x INTAKE_TRACKER_RETRY_SECONDS + INTAKE_ACTION_TIMEOUT_SECONDS"),
    Setting("INTAKE_LOCK_STORE", "in_memory",
            "Rasa's lock store: in_memory (one Rasa server) or redis (several servers sharing conversations)"),
    Setting("INTAKE_REDIS_HOST", "127.0.0.1", "Redis host of the lock store (with INTAKE_LOCK_STORE=redis)"),
    Setting("INTAKE_REDIS_PORT", "6379", "Redis port of the lock store"),
    Setting("INTAKE_REDIS_DB", "0", "Redis database number of the lock store"),
    Setting("INTAKE_REDIS_PASSWORD", "", "Redis password of the lock store; empty: none"),
    Setting("RASA_PORT", "5005", "Port of the Rasa server (REST webhook, socket.io, HTTP API)"),
    Setting("ACTION_PORT", "5055", "Port of the Rasa action server"),
    Setting("ACTION_HOST", "127.0.0.1",
            "Address the action server listens on (0.0.0.0: every interface, only with "
            "INTAKE_ACTION_SECRET set)"),
    Setting("INTAKE_ACTION_SECRET", "",
            "Shared secret every call from the Rasa server to the action server carries; empty "
            "means one is generated into var/action-secret"),
    Setting("ACTION_SERVER_URL", "",
            "Where the Rasa server finds the action server; empty means http://127.0.0.1:$ACTION_PORT/webhook"),
    Setting("RASA_API_TOKEN", "",
            "Token protecting Rasa's HTTP API; empty means one is generated into var/rasa-api-token"),
    Setting("RASA_TELEMETRY_ENABLED", "false", "Rasa telemetry (off: this network refuses it)"),
    Setting("INTAKE_WARNINGS", "", "1: show the deprecation notices of Rasa's dependencies at start"),
    Setting("INTAKE_RASA_SPEED", "1",
            "1: the Rasa server's hot spots made cheap (bot/rasa/speed.py); 0: Rasa's own code, "
            "to compare the two"),
    Setting("INTAKE_CORS_ORIGINS", "",
            "Origins allowed to call the Rasa server's HTTP API and REST webhook from a browser "
            "(comma-separated); empty means the website chat's origins (INTAKE_WEBCHAT_ORIGINS)"),
    Setting("INTAKE_REST_TOKEN", "",
            "Token every REST webhook call must carry (Authorization: Bearer); empty: the REST "
            "channel is open, for trying the assistant and for tests"),
    Setting("INTAKE_LOG_LEVEL", "INFO", "Log level of our own code"),
    Setting("INTAKE_LOG_FORMAT", "text",
            "text: plain log lines; json: one JSON object a line (time, level, logger, message, "
            "the conversation id), never a resident's words (docs/operations.md)"),
    Setting("INTAKE_METRICS_HOST", "127.0.0.1",
            "Address the processes' Prometheus metrics endpoints listen on (0.0.0.0: every "
            "interface, for a Prometheus on another host; never expose them to the internet)"),
    Setting("INTAKE_METRICS_RASA_PORT", "",
            "Port of the Rasa server's metrics endpoint (GET /metrics); empty: off"),
    Setting("INTAKE_METRICS_ACTIONS_PORT", "",
            "Port of the action server's metrics endpoint; empty: off"),
    Setting("INTAKE_METRICS_STAFF_PORT", "",
            "Port of the staff workspace's metrics endpoint; empty: off"),
    Setting("INTAKE_METRICS_FORWARDER_PORT", "",
            "Port of the outbox forwarder's metrics endpoint; empty: off"),
    Setting("INTAKE_FORWARD_URL", "",
            "Where new cases and their changes are forwarded as signed JSON; empty: not forwarded"),
    Setting("INTAKE_FORWARD_SECRET", "",
            "Key of the HMAC-SHA256 signature of forwarded JSON (needed with INTAKE_FORWARD_URL)"),
    Setting("INTAKE_PUBLIC_URL", "",
            "Address at which the landlord's system reaches the staff workspace (https://host, with "
            "a path prefix if any); set: each forwarded file carries a signed, expiring download "
            "link under it (needs INTAKE_FILE_LINK_SECRET); empty: files are forwarded without links"),
    Setting("INTAKE_FILE_LINK_SECRET", "",
            "Key of the HMAC-SHA256 signature of the files' download links (the forwarder makes "
            "them, the staff workspace checks them; the same in both); needed with INTAKE_PUBLIC_URL"),
    Setting("INTAKE_FILE_LINK_PREVIOUS_SECRET", "",
            "The link key before the last change of INTAKE_FILE_LINK_SECRET: links it signed still "
            "open until they expire; empty: none"),
    Setting("INTAKE_FILE_LINK_DAYS", "7",
            "Days a file's download link opens the file, counted from the forwarding (1 to 90)"),
    Setting("INTAKE_SMTP_HOST", "",
            "Mail server the staff workspace sends letters to residents through; empty: each letter "
            "is written as an .eml file under INTAKE_LETTERS_DIR instead"),
    Setting("INTAKE_SMTP_PORT", "587", "Port of the mail server"),
    Setting("INTAKE_SMTP_USERNAME", "", "User name on the mail server; empty: no sign-in"),
    Setting("INTAKE_SMTP_PASSWORD", "", "Password on the mail server"),
    Setting("INTAKE_SMTP_STARTTLS", "true", "true: switch to TLS (STARTTLS) before signing in and sending"),
    Setting("INTAKE_LETTERS_FROM", "",
            "From address of letters to residents; empty: the policy profile's e-mail contact"),
    Setting("INTAKE_LETTERS_DIR", "var/letters",
            "Where letters are written as .eml files when no mail server is set"),
    Setting("INTAKE_MAX_MESSAGE_CHARS", "100000",
            "Longest message the channels take (longer ones are refused with a reply saying so)"),
    Setting("INTAKE_RATE_LIMIT_CONVERSATION", "30/60",
            "Most messages one conversation may send in a time (count/seconds; 0: no limit)"),
    Setting("INTAKE_RATE_LIMIT_ADDRESS", "600/60",
            "Most messages one network address may send in a time (count/seconds; 0: no limit)"),
    Setting("INTAKE_TRUSTED_PROXIES", "0",
            "Number of reverse proxies (load balancers) in front of the Rasa server whose "
            "X-Forwarded-For is trusted for the per-address limit"),
    Setting("INTAKE_WEBCHAT_ORIGINS", "",
            "Web pages (origins, comma-separated) allowed to use the chat widget besides the Rasa "
            "server's own demo page; * allows any"),
    Setting("FACEBOOK_VERIFY_TOKEN", "",
            "Messenger webhook verify token (chosen by you, entered in the Meta app); empty refuses the handshake"),
    Setting("FACEBOOK_APP_SECRET", "",
            "Meta app secret that signs Messenger webhooks (X-Hub-Signature-256); empty refuses every event"),
    Setting("FACEBOOK_PAGE_ACCESS_TOKEN", "", "Facebook Page access token used to send the replies"),
    Setting("FACEBOOK_GRAPH_API_URL", "https://graph.facebook.com/v21.0",
            "Graph API base URL the Messenger replies are sent to (tests point it at a fake)"),
    Setting("INTAKE_EVIDENCE_STORE", "folder",
            "Where residents' photos, videos and documents are kept: folder (INTAKE_EVIDENCE_DIR) "
            "or s3 (an S3-compatible object store, INTAKE_EVIDENCE_S3_*)"),
    Setting("INTAKE_EVIDENCE_DIR", "var/evidence",
            "Folder of the evidence files with INTAKE_EVIDENCE_STORE=folder (relative: to the project)"),
    Setting("INTAKE_EVIDENCE_S3_BUCKET", "", "Bucket of the evidence files with INTAKE_EVIDENCE_STORE=s3"),
    Setting("INTAKE_EVIDENCE_S3_PREFIX", "evidence/", "Key prefix of the evidence files in the bucket"),
    Setting("INTAKE_EVIDENCE_S3_ENDPOINT_URL", "",
            "Address of an S3-compatible store (MinIO, Ceph, moto...); empty: Amazon S3. "
            "Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, a profile or an instance role)"),
    Setting("INTAKE_EVIDENCE_S3_REGION", "eu-west-2", "Region of the evidence bucket"),
    Setting("INTAKE_EVIDENCE_MAX_MB", "25",
            "Largest photo, video or document a resident may send, in megabytes"),
    Setting("INTAKE_EVIDENCE_MAX_FILES", "20",
            "Most files one conversation may send (more are refused with a reply saying so)"),
    Setting("INTAKE_MESSENGER_MEDIA_HOSTS", "fbcdn.net,fbsbx.com,facebook.com",
            "Hosts (and their subdomains) Messenger attachments are downloaded from; "
            "an attachment elsewhere is recorded as missing"),
    Setting("STAFF_HOST", "127.0.0.1",
            "Address the staff workspace listens on (0.0.0.0: every interface; serve it over HTTPS)"),
    Setting("STAFF_PORT", "8000", "Port of the staff workspace"),
    Setting("STAFF_SECRET_KEY", "",
            "Key signing the staff workspace's session cookies; empty means one is generated into "
            "var/staff-secret-key"),
    Setting("STAFF_SECURE_COOKIES", "false",
            "true: the staff session cookie is sent over HTTPS only (set it when served over HTTPS)"),
    Setting("STAFF_HOMES", "",
            "Number of homes the landlord manages, for TSM CH01 (until an admin sets it in the "
            "workspace); empty: not set, and CH01 shows the counts without a rate"),
    Setting("STAFF_TRUSTED_PROXIES", "0",
            "Number of reverse proxies in front of the staff workspace whose X-Forwarded-For and "
            "X-Forwarded-Proto headers are trusted"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


# Per-team forwarding (see docs/settings.md): INTAKE_FORWARD_URL_<TEAM> and
# INTAKE_FORWARD_SECRET_<TEAM>, <TEAM> a team key of the policy profile in capitals
# (neighbourhood: INTAKE_FORWARD_URL_NEIGHBOURHOOD). A team without its own URL is forwarded to
# INTAKE_FORWARD_URL; one without its own secret signs with INTAKE_FORWARD_SECRET.
TEAM_SETTINGS = {
    "INTAKE_FORWARD_URL_": "Where the changes of TEAM's cases are forwarded instead of INTAKE_FORWARD_URL",
    "INTAKE_FORWARD_SECRET_": "Key signing what is forwarded to INTAKE_FORWARD_URL_TEAM "
                              "(empty: INTAKE_FORWARD_SECRET)",
}
_TEAM_SUFFIX = re.compile(r"[A-Z][A-Z0-9_]*")


def team_setting(prefix: str, team: str) -> Setting:
    """The per-team setting `prefix` + TEAM (TEAM_SETTINGS) of the team key `team`."""
    if prefix not in TEAM_SETTINGS or not re.fullmatch(r"[a-z][a-z0-9_]*", team or ""):
        raise KeyError(f"{prefix}{team}")
    suffix = team.upper()
    return Setting(prefix + suffix, "", TEAM_SETTINGS[prefix].replace("TEAM", suffix))


def _setting(name: str) -> Setting:
    if name in _BY_NAME:
        return _BY_NAME[name]
    for prefix in TEAM_SETTINGS:
        if name.startswith(prefix) and _TEAM_SUFFIX.fullmatch(name[len(prefix):]):
            return team_setting(prefix, name[len(prefix):].lower())
    raise KeyError(name)


def get(name: str) -> str:
    """The value of a setting: the environment's, else its default."""
    setting = _setting(name)
    value = os.environ.get(name)
    return setting.default if value is None or value == "" else value


def team_forwarding() -> dict[str, tuple[str, str]]:
    """Team key -> (URL, secret) for each team given a forwarding address of its own
    (INTAKE_FORWARD_URL_<TEAM>); its secret is INTAKE_FORWARD_SECRET_<TEAM>, else
    INTAKE_FORWARD_SECRET (either may be empty: the forwarder refuses to start then)."""
    prefix = "INTAKE_FORWARD_URL_"
    found = {}
    for name in sorted(os.environ):
        if name.startswith(prefix) and _TEAM_SUFFIX.fullmatch(name[len(prefix):]) and get(name):
            team = name[len(prefix):].lower()
            secret = get(team_setting("INTAKE_FORWARD_SECRET_", team).name) \
                or get("INTAKE_FORWARD_SECRET")
            found[team] = (get(name), secret)
    return found


class SettingError(ValueError):
    """A setting whose value cannot be used; the message names it and says what is expected."""


def integer(name: str, minimum: int = 0, maximum: int = 10**9) -> int:
    """A whole-number setting within [minimum, maximum] (ports, counts)."""
    value = get(name).strip()
    try:
        number = int(value)
    except ValueError:
        raise SettingError(f"{name}: expected a whole number, not {value!r}") from None
    if not minimum <= number <= maximum:
        raise SettingError(f"{name}: expected a number from {minimum} to {maximum}, not {number}")
    return number


def seconds(name: str) -> float:
    """A duration setting in seconds (zero or more)."""
    value = get(name).strip()
    try:
        number = float(value)
    except ValueError:
        raise SettingError(f"{name}: expected a number of seconds, not {value!r}") from None
    if not 0 <= number < float("inf"):
        raise SettingError(f"{name}: expected zero or more seconds, not {value!r}")
    return number


# Settings that must parse as numbers; `python -m bot check` tries each before anything starts.
PORTS = ("RASA_PORT", "ACTION_PORT", "STAFF_PORT", "INTAKE_REDIS_PORT", "INTAKE_SMTP_PORT")
DURATIONS = ("INTAKE_DB_RETRY_SECONDS", "INTAKE_TRACKER_RETRY_SECONDS", "INTAKE_ACTION_TIMEOUT_SECONDS")


def resolve_sqlite_path(url: str) -> str:
    """Make a relative SQLite URL absolute against the project root.

    `sqlite:///var/intake.db` is relative to the current directory in SQLAlchemy; the servers and
    commands may start elsewhere, so we anchor it to the project.
    """
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////"):
        rest = url[len(prefix):]
        if rest and rest != ":memory:" and not rest.startswith("file:"):
            return prefix + str(PROJECT_ROOT / rest)
    return url


def database_url() -> str:
    return resolve_sqlite_path(get("INTAKE_DATABASE_URL"))


def tracker_url() -> str:
    return resolve_sqlite_path(get("INTAKE_TRACKER_URL"))


def action_server_url() -> str:
    return get("ACTION_SERVER_URL") or f"http://127.0.0.1:{get('ACTION_PORT')}/webhook"


def policy_name() -> str:
    return get("INTAKE_POLICY")


def policies_dir() -> Path:
    return PROJECT_ROOT / "policies"


def var_dir() -> Path:
    path = PROJECT_ROOT / "var"
    path.mkdir(exist_ok=True)
    return path
