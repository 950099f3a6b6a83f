"""Start Rasa's command line with the project's adaptations installed (see bot.rasa).

Secrets never go on a command line, where any local user reads them with `ps`: the API token
and the action server's secret come from the environment, or from the files the run command
generates under var/, and are handed to Rasa inside this process.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Sequence

from bot import settings

SECRET_OPTIONS = ("--auth-token", "--jwt-secret")


class LaunchError(SystemExit):
    """A start refused with one clear line (exit status 2)."""

    def __init__(self, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        super().__init__(2)


def cors_origins() -> list[str]:
    """The origins allowed to call the Rasa server from a browser: INTAKE_CORS_ORIGINS, else the
    website chat's. Never "*" by default: any page could then make its visitors' browsers talk to
    the assistant and read the replies."""
    value = settings.get("INTAKE_CORS_ORIGINS") or settings.get("INTAKE_WEBCHAT_ORIGINS")
    return [origin.rstrip("/") for origin in re.split(r"[,\s]+", value) if origin]


def _refuse_secrets_in(argv: Sequence[str]) -> None:
    for arg in argv:
        option = arg.split("=", 1)[0]
        if option in SECRET_OPTIONS:
            raise LaunchError(f"{option} puts a secret on the command line, where `ps` shows it: "
                              "set RASA_API_TOKEN in the environment instead")


def server_argv(argv: Sequence[str]) -> list[str]:
    """`rasa run` arguments with the token and the CORS origins added (unless given)."""
    from bot.ops.envfile import generated_secret

    args = list(argv)
    _refuse_secrets_in(args)
    if "--enable-api" in args:
        token = generated_secret("RASA_API_TOKEN", generate=True)
        # Inside this process only, not on its command line; joined with "=", as a generated
        # token may start with "-", which argparse would take for an option.
        args.append(f"--auth-token={token}")
    if not any(arg.split("=", 1)[0] == "--cors" for arg in args):
        origins = cors_origins()
        if origins:
            args += ["--cors", *origins]
    return args


def _share_action_secret() -> None:
    """endpoints.yml sends ${INTAKE_ACTION_SECRET} with every action call; fill it from the
    generated file when the environment does not set it."""
    from bot.ops.envfile import generated_secret

    os.environ["INTAKE_ACTION_SECRET"] = generated_secret("INTAKE_ACTION_SECRET", generate=True)


def quiet_third_party_warnings() -> None:
    """Rasa 3.6's dependencies print dozens of deprecation notices about their own dependencies
    at every start (pkg_resources, pyparsing, distutils, SQLAlchemy 2.0), burying the lines a
    person starting the assistant looks for. They are about code we do not own; INTAKE_WARNINGS=1
    shows them again."""
    if settings.get("INTAKE_WARNINGS"):
        return
    import warnings

    import sanic  # noqa: F401 - it turns every DeprecationWarning on when imported: first, then ours

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
    warnings.filterwarnings("ignore", message=r".*Deprecated API features detected")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def install_adaptations() -> None:
    """`bot.rasa.install()`, a refusal (an unrecognised Rasa, a bad setting) as one line."""
    from bot.rasa import install
    from bot.rasa.patches import Unrecognised

    try:
        install()
    except (Unrecognised, settings.SettingError) as error:
        raise LaunchError(str(error)) from None


def run_rasa(argv: Sequence[str]) -> int:
    """Rasa's own command line, in this process, with the adaptations installed."""
    for name in ("RASA_TELEMETRY_ENABLED",):
        os.environ.setdefault(name, settings.get(name))
    quiet_third_party_warnings()
    install_adaptations()
    if argv[:1] == ["run"]:
        from bot.rasa import observe

        observe.install()  # the metrics endpoint, and the log format once Rasa made its app
    import rasa.__main__

    sys.argv = ["rasa", *argv]
    rasa.__main__.main()
    return 0


def main(argv: Sequence[str]) -> int:
    argv = list(argv)
    if argv[:2] == ["run", "actions"]:
        from bot.rasa import action_server

        return action_server.main(argv[2:])
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip() + "\n\nUsage: python -m bot.rasa run [...] | run actions [...] | "
              "test [...] | shell [...] | (any rasa command)")
        return 0 if argv else 2
    _refuse_secrets_in(argv)
    if argv[0] in ("run", "shell", "test", "interactive"):
        _share_action_secret()
    if argv[0] == "run":
        argv = ["run", *server_argv(argv[1:])]
        try:
            from bot.ops import logs, metrics

            logs.log_format()
            metrics.configured_port("rasa")
        except settings.SettingError as error:
            raise LaunchError(str(error)) from None
        logs.apply("rasa")  # from the first line; again once Rasa set its logging up
    return run_rasa(argv)
