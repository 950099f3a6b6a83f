"""What some tests need from the machine (Debian's Chromium, a PostgreSQL or Redis server, nginx,
the widget's npm packages): without it they are skipped, and with INTAKE_REQUIRE_SERVICES=1 (which
.ci/run sets) they fail instead, so that CI never passes with them silently left out."""
from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE_SERVICES = "INTAKE_REQUIRE_SERVICES"


def services_required() -> bool:
    return os.environ.get(REQUIRE_SERVICES) == "1"


def missing(what: str) -> NoReturn:
    """Skip the test because `what` is missing; fail it when services are required."""
    if services_required():
        pytest.fail(f"{REQUIRE_SERVICES}=1 but {what}", pytrace=False)
    pytest.skip(what)


def fresh_postgres_database(prefix: str, what: str):
    """A new, empty database on the test PostgreSQL server (INTAKE_TEST_POSTGRES_URL), dropped
    afterwards: a generator for a fixture to `yield from`. `what` names the tests, for the skip."""
    from tests.support.scaled import create_database, drop_database

    admin = os.environ.get("INTAKE_TEST_POSTGRES_URL")
    if not admin:
        missing(f"{what} need INTAKE_TEST_POSTGRES_URL")
    url, name = create_database(admin, prefix=prefix)
    try:
        yield url
    finally:
        drop_database(admin, name)
