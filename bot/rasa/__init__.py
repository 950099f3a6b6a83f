"""Every adaptation of Rasa, and every way the project starts Rasa (`python -m bot.rasa ...`).

- `python -m bot.rasa run [rasa run options]`: the Rasa server, with the project's adaptations of
  Rasa installed first (`install()`), the API token read from the environment (or the file the
  run command generates) instead of the command line, where `ps` would show it, and the CORS
  origins defaulting to the website chat's origins instead of any page.
- `python -m bot.rasa run actions`: the action server (`bot.rasa.action_server`), on loopback by
  default, answering only calls that carry the shared secret.
- `python -m bot.rasa test ...`, `python -m bot.rasa shell ...`: Rasa's own commands with the
  same adaptations installed, so the story tests run what production runs.

The adaptations, each in a module of its own: `guard` (a plain reply when the action server
cannot be reached or does not answer in time), `speed` (the server's hot spots made cheap;
INTAKE_RASA_SPEED=0 leaves Rasa's own code), `reading` (a message read in the light of the
question pending), `tracker_store` and `lock_store` (the stores endpoints.yml names), `observe`
(metrics and log format of `rasa run`). `patches` checks, before any is installed, that Rasa is
the version and its functions the ones they were written for.

`install()` is the one place they are installed: the launcher (`bot.rasa.launcher`) calls it
before Rasa's command line runs. The channels (bot/channels) refuse to start in a Rasa process
where it did not run (`require_installed`), rather than serve residents unpatched.
"""
from __future__ import annotations

from bot import settings

_installed = ""  # what was installed, once it was (for the server's log: `installed()`)


def speed_enabled() -> bool:
    """INTAKE_RASA_SPEED: 1 (the default) installs bot.rasa.speed, 0 leaves Rasa's own code."""
    value = settings.get("INTAKE_RASA_SPEED").strip().lower()
    if value not in ("0", "1"):
        raise settings.SettingError(f"INTAKE_RASA_SPEED: expected 1 or 0, not {value!r}")
    return value == "1"


def install() -> None:
    """Install the project's adaptations of Rasa in this process (idempotent). Raises
    `bot.rasa.patches.Unrecognised` (one line) before changing anything when Rasa is not the
    pinned version or a function patched is not the one the patch was written for, and
    `settings.SettingError` for an INTAKE_RASA_SPEED it cannot read."""
    global _installed
    from bot.rasa import guard, lock_store, patches, reading, tracker_store

    chosen = [*guard.PATCHES, *reading.patches()]
    fast = speed_enabled()
    if fast:
        from bot.rasa import speed

        chosen += speed.PATCHES
    patches.install(chosen, relied_on=(*tracker_store.RELIES_ON, *lock_store.RELIES_ON))
    _installed = _installed or (
        f"Rasa {patches.RASA_VERSION} adapted: the guard, the reading in context, "
        + ("the speed patches" if fast else "no speed patches (INTAKE_RASA_SPEED=0)"))


def installed() -> str:
    """What `install()` installed in this process, in words ("": it did not run)."""
    return _installed


def require_installed(what: str) -> None:
    """Refuse, with one line, to serve `what` in a Rasa process started without `install()`
    (`rasa run` rather than `python -m bot.rasa run`): it would run without the guard."""
    if not _installed:
        from bot.rasa.patches import NotInstalled

        raise NotInstalled(f"{what} needs the project's adaptations of Rasa: start the server with "
                           "`python -m bot.rasa run ...`, not `rasa run ...`")
