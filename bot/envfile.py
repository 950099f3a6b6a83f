"""Print every setting as a shell `export`, so the run command and Procfile see the defaults.

Rasa's `${VAR}` substitution in endpoints.yml and credentials.yml fails on an unset variable, so
the run command exports all of them first.
"""
from __future__ import annotations

import shlex
import secrets

from bot import settings


def add_arguments(parser) -> None:
    parser.add_argument("--generate-token", action="store_true",
                        help="when RASA_API_TOKEN is empty, use (or create) var/rasa-api-token")


def api_token(generate: bool) -> str:
    token = settings.get("RASA_API_TOKEN")
    if token or not generate:
        return token
    path = settings.var_dir() / "rasa-api-token"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def run(args) -> int:
    values = {s.name: settings.get(s.name) for s in settings.SETTINGS}
    values["INTAKE_DATABASE_URL"] = settings.database_url()
    values["INTAKE_TRACKER_URL"] = settings.tracker_url()
    values["ACTION_SERVER_URL"] = settings.action_server_url()
    values["RASA_API_TOKEN"] = api_token(args.generate_token)
    for name, value in values.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0
