"""Shared fixtures: the model is trained once per run, and the servers start once per session."""
from __future__ import annotations

import os

import pytest

from bot.settings import PROJECT_ROOT

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture(scope="session")
def trained_model():
    """The project's model, trained only if the training inputs changed (shared with `make run`)."""
    from bot.ops.model import ensure_model

    return ensure_model(PROJECT_ROOT / "models")


@pytest.fixture(scope="session")
def rasa_stack(trained_model, tmp_path_factory):
    """A real Rasa server and action server, with SQLite stores in a temporary folder."""
    from tests.support.servers import RasaStack

    stack = RasaStack(model=trained_model, workdir=tmp_path_factory.mktemp("stack"))
    try:
        stack.start()
    except Exception:
        for name in ("actions", "rasa"):
            if (stack.workdir / f"{name}.log").exists():
                print(f"--- {name} log ---\n{stack.log(name)[-4000:]}")
        stack.stop()
        raise
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def staff_url(rasa_stack, tmp_path_factory):
    """The staff workspace on a free port, on the stack's case store and tracker store."""
    from tests.support.staff_server import start_staff_server

    yield from start_staff_server(rasa_stack, tmp_path_factory)
