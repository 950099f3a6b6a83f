"""Every way the project starts Rasa goes through here (`python -m bot.rasa ...`).

- `python -m bot.rasa run [rasa run options]`: the Rasa server, with the project's adaptations of
  Rasa installed first (`install()`), the API token read from the environment (or the file the
  run command generates) instead of the command line, where `ps` would show it, and the CORS
  origins defaulting to the website chat's origins instead of any page.
- `python -m bot.rasa run actions`: the action server (`bot.rasa.action_server`), on loopback by
  default, answering only calls that carry the shared secret.
- `python -m bot.rasa test ...`, `python -m bot.rasa shell ...`: Rasa's own commands with the
  same adaptations installed, so the story tests run what production runs.
"""
from __future__ import annotations


def install() -> None:
    """Install the project's adaptations of Rasa in this process (idempotent)."""
    from bot import rasa_hooks

    rasa_hooks.install()
