"""`python -m bot COMMAND`: the command line for staff, scripts and the run command.

Each command lives in the module that owns its idea; this file only lists them. A module is
imported only when its command runs, so `python -m bot deadlines` never loads Rasa.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# command name -> (module, one-line help). The module defines `add_arguments(parser)` and
# `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    "env": ("bot.ops.envfile", "print the settings as shell exports (defaults filled in)"),
    "check": ("bot.ops.preflight", "check the settings, policy profile, database and training data"),
    "ready": ("bot.ops.ready", "wait for the servers, then say where to talk to the assistant"),
    "model": ("bot.ops.model", "train the model if its inputs changed since the last one"),
    "deadlines": ("bot.policy.deadlines_cli", "compute a complaint's deadlines under a policy"),
    "cases": ("bot.cases.cli", "list, show and export cases; retention, subject access; the lifecycle table"),
    "outbox": ("bot.cases.outbox_cli", "show and deliver what waits to be forwarded"),
    "db": ("bot.cases.db_cli", "create or upgrade the case store's schema"),
    "nginx-config": ("bot.ops.loadbalancer", "print the nginx load balancer config of the scaled-out layout"),
    "messenger-profile": ("bot.channels.messenger_profile",
                          "set the Messenger welcome screen (greeting and Get Started)"),
    "staff": ("bot.staff.cli", "the staff workspace: serve it, create accounts, export corrections"),
}


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        parser = _parser()
        if argv and argv[0] not in ("-h", "--help"):
            parser.print_usage(sys.stderr)
            print(f"python -m bot: unknown command {argv[0]!r}", file=sys.stderr)
            return 2
        parser.print_help()
        return 0 if argv else 2
    name = argv[0]
    module = importlib.import_module(COMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"python -m bot {name}", description=COMMANDS[name][1])
    module.add_arguments(parser)
    args = parser.parse_args(argv[1:])
    try:
        return int(module.run(args) or 0)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
