"""How the project changes Rasa's own code, checked before anything is changed.

Rasa 3.6 has no plugin hook for what `bot.rasa.guard`, `bot.rasa.speed` and `bot.rasa.reading`
do, so each replaces a function or value of Rasa's (most of them private). Each of those modules
lists its changes as `Patch`es: what is replaced, the signature of Rasa's own function it was
written against, the marker attribute (one name per patch) set on what it changed once applied.
`bot.rasa.tracker_store` and `bot.rasa.lock_store` subclass Rasa's stores and override or call
private methods: they list what they rely on (`RELIES_ON`).

`install` (through `bot.rasa.install()`) first checks the Rasa version against the one pinned
in pyproject.toml and every function relied on against the signature recorded here, and refuses,
with one line naming what differs, before changing anything: a Rasa upgrade then fails at start,
not in a resident's conversation.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from rasa.shared.exceptions import RasaException

# The Rasa version every patch was written against and tested with (pyproject.toml pins it).
RASA_VERSION = "3.6.21"
# `Expected.signature` for an attribute that must not exist yet (a patch adds it).
ABSENT = "absent"


class Unrecognised(RuntimeError):
    """Rasa is not the version, or a function is not the one, the patches were written for."""


class NotInstalled(RasaException):
    """A channel loaded in a Rasa process where `bot.rasa.install()` did not run. A RasaException:
    Rasa's command line prints it as one line and exits."""


@dataclass(frozen=True)
class Expected:
    """A function or attribute of Rasa's (or of Python's) that a patch replaces or relies on, and
    its signature as `signature_of` writes it (None: it only has to exist; ABSENT: it must not)."""

    owner: Any
    name: str
    signature: str | None = None

    @property
    def where(self) -> str:
        if inspect.isclass(self.owner):
            return f"{self.owner.__module__}.{self.owner.__qualname__}.{self.name}"
        return f"{getattr(self.owner, '__name__', self.owner)}.{self.name}"

    def problem(self) -> str | None:
        found = inspect.getattr_static(self.owner, self.name, _NOTHING)
        if self.signature == ABSENT:
            return None if found is _NOTHING else f"{self.where} exists (expected none)"
        if found is _NOTHING:
            return f"{self.where} is missing"
        if self.signature is None:
            return None
        try:
            signature = signature_of(getattr(self.owner, self.name))
        except (TypeError, ValueError):
            return f"{self.where} is not a function"
        if signature != self.signature:
            return f"{self.where}{signature} (expected {self.signature})"
        return None


_NOTHING = object()


def signature_of(function: Callable[..., Any]) -> str:
    """A function's parameters: names, kinds and whether each has a default (the value too when
    it is None or a bool; others may come from the environment); annotations left out, as they
    change without the calls changing."""
    parts = []
    for parameter in inspect.signature(function).parameters.values():
        parameter = parameter.replace(annotation=inspect.Parameter.empty)
        default = parameter.default
        if default is not inspect.Parameter.empty and not (
                default is None or isinstance(default, bool)):
            parameter = parameter.replace(default=_Elided())
        parts.append(parameter)
    return str(inspect.Signature(parts))


class _Elided:
    def __repr__(self) -> str:
        return "..."


@dataclass(frozen=True)
class Patch:
    """One change to Rasa: `apply` makes it; `marker` (an attribute name used by this patch
    alone) is set on `owner` once it is made, so applying it again does nothing; `expects`: what
    of Rasa's it replaces or relies on. `again`: applied at every install (a value read from the
    settings), not once."""

    marker: str
    owner: Any
    apply: Callable[[], None]
    expects: tuple[Expected, ...]
    again: bool = False

    def applied(self) -> bool:
        return bool(getattr(self.owner, self.marker, False))


def rasa_version() -> str:
    import rasa

    return str(rasa.__version__)


def problems(patches: Iterable[Patch], relied_on: Iterable[Expected] = ()) -> list[str]:
    """What stops the patches from being applied: a Rasa version other than RASA_VERSION, or a
    function not as recorded (patches already applied are not checked again: they replaced it)."""
    version = rasa_version()
    if version != RASA_VERSION:
        return [f"Rasa {version} is installed; the project's patches of Rasa are written for "
                f"Rasa {RASA_VERSION} (pyproject.toml)"]
    found = [problem for patch in patches if not patch.applied() for expected in patch.expects
             if (problem := expected.problem())]
    found += [problem for expected in relied_on if (problem := expected.problem())]
    return found


def check(patches: Sequence[Patch], relied_on: Iterable[Expected] = ()) -> None:
    found = problems(patches, relied_on)
    if found:
        raise Unrecognised(f"Rasa is not as the project's patches expect: {'; '.join(found)}; "
                           "see bot/rasa/patches.py")


def install(patches: Sequence[Patch], relied_on: Iterable[Expected] = ()) -> None:
    """Check all, then apply each patch not applied yet (and those applied at every install)."""
    check(patches, relied_on)
    for patch in patches:
        if patch.again or not patch.applied():
            patch.apply()
            setattr(patch.owner, patch.marker, True)
