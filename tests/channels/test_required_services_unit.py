"""The browser tests (and the widget's bundle check) are skipped when what they need is missing,
except under CI (INTAKE_REQUIRE_SERVICES=1, set by .ci/run), where they fail."""
from __future__ import annotations

import pytest

from tests.channels.conftest import browser, require_chromium
from tests.support.services import missing


def test_a_missing_service_skips_the_test_normally(monkeypatch):
    monkeypatch.delenv("INTAKE_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no browser here"):
        missing("no browser here")
    monkeypatch.setenv("CI", "true")  # not the switch: only INTAKE_REQUIRE_SERVICES=1 is
    with pytest.raises(pytest.skip.Exception):
        missing("no browser here")


def test_a_missing_service_fails_the_test_when_services_are_required(monkeypatch):
    monkeypatch.setenv("INTAKE_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="INTAKE_REQUIRE_SERVICES=1 but no browser"):
        missing("no browser here")


@pytest.mark.parametrize("required, outcome", [("1", pytest.fail.Exception),
                                               ("", pytest.skip.Exception)])
def test_without_chromium_the_browser_tests_fail_under_ci(monkeypatch, tmp_path, required,
                                                          outcome):
    monkeypatch.setenv("INTAKE_REQUIRE_SERVICES", required)
    with pytest.raises(outcome, match="chromium"):
        require_chromium(tmp_path / "no-chromium-here")
    require_chromium(tmp_path)  # present: nothing happens


def test_the_staff_browser_tests_use_the_same_browser_fixture():
    from tests.staff import test_browser as staff

    assert staff.browser is browser
