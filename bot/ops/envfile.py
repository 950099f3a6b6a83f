"""Print every setting as a shell `export`, so the run command and Procfile see the defaults.

Rasa's `${VAR}` substitution in endpoints.yml and credentials.yml fails on an unset variable, so
the run command exports all of them first. The shared secrets the run command needs and the
user did not set (the Rasa API token, the action server's secret) are generated once into files
under var/ (readable by their owner only), so they stay the same from one start to the next.
"""
from __future__ import annotations

import os
import secrets
import shlex

from bot import settings

# setting -> the file under var/ that holds it when the environment does not.
GENERATED_SECRETS = {
    "RASA_API_TOKEN": "rasa-api-token",
    "INTAKE_ACTION_SECRET": "action-secret",
}


def add_arguments(parser) -> None:
    parser.add_argument("--generate-token", action="store_true",
                        help="when RASA_API_TOKEN or INTAKE_ACTION_SECRET is empty, use (or "
                             "create) its file under var/")


def generated_secret(name: str, generate: bool) -> str:
    """The secret `name`: the environment's, else its file under var/ (created when `generate`
    and missing); empty when neither."""
    value = settings.get(name)
    if value:
        return value
    path = settings.PROJECT_ROOT / "var" / GENERATED_SECRETS[name]
    if not path.exists():
        if not generate:
            return ""
        settings.var_dir()
        # Created readable by its owner only, before anything is written to it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def api_token(generate: bool) -> str:
    return generated_secret("RASA_API_TOKEN", generate)


def run(args) -> int:
    values = {s.name: settings.get(s.name) for s in settings.SETTINGS}
    values["INTAKE_DATABASE_URL"] = settings.database_url()
    values["INTAKE_TRACKER_URL"] = settings.tracker_url()
    values["ACTION_SERVER_URL"] = settings.action_server_url()
    for name in GENERATED_SECRETS:
        values[name] = generated_secret(name, args.generate_token)
    for name, value in values.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0
