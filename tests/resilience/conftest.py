"""The scaled-out layout (two Rasa servers, two action servers, nginx, PostgreSQL, Redis) started
once for the session. It needs INTAKE_TEST_POSTGRES_URL, INTAKE_TEST_REDIS_URL and Debian's nginx;
without them these tests are skipped, and under CI (INTAKE_REQUIRE_SERVICES=1) they fail."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.support.scaled import NGINX
from tests.support.services import missing



def services() -> tuple[str, str]:
    postgres, redis = os.environ.get("INTAKE_TEST_POSTGRES_URL"), os.environ.get("INTAKE_TEST_REDIS_URL")
    if not postgres or not redis:
        missing("the scaled-out layout needs INTAKE_TEST_POSTGRES_URL and INTAKE_TEST_REDIS_URL")
    if not (shutil.which("nginx") or os.path.exists(NGINX)):
        missing("the scaled-out layout needs nginx (scripts/test.sh installs Debian's)")
    return postgres, redis


@pytest.fixture(scope="session")
def scaled_stack(trained_model, tmp_path_factory):
    from tests.support.scaled import ScaledStack

    postgres, redis = services()
    stack = ScaledStack(model=trained_model, workdir=tmp_path_factory.mktemp("scaled"),
                        postgres_admin_url=postgres, redis_url=redis)
    try:
        stack.start()
    except Exception:
        for name in stack.processes:
            if (stack.workdir / f"{name}.log").exists():
                print(f"--- {name} log ---\n{stack.log(name)[-3000:]}")
        stack.stop()
        raise
    yield stack
    stack.stop()
