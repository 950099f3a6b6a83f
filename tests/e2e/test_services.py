"""Under a profile with several services (Housing Plus Group: housing, care, new-build sales) the
service is asked when it is not obvious, and each complaint is told its own ombudsman or code."""
from __future__ import annotations

import pytest

import json
import subprocess
import sys
from datetime import date

from bot.cases.store import CaseStore
from bot.policy import load_profile, wording
from bot.settings import PROJECT_ROOT
from tests.e2e.resident import Resident
from tests.e2e.test_conversations import LONDON, reference_in

pytestmark = pytest.mark.e2e


def cli_deadlines(received: date) -> dict:
    """`python -m bot deadlines` for a care complaint under Housing Plus Group."""
    result = subprocess.run([sys.executable, "-m", "bot", "deadlines", "--policy", "housing-plus-group",
                             "--service", "care", "--received", received.isoformat()],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def file_complaint(resident: Resident, description: str, service_choice: str | None) -> str:
    resident.start("I want to make a complaint", "complaint", "what went wrong")
    resident.answer(description, "when did this happen")
    resident.answer("last week", "who has been affected")
    if service_choice == "new-build":
        # A new home's time limit counts from its completion: asked after the service.
        resident.answer("my dad", "which of our services")
        resident.choose(service_choice, "complete on your home")
        resident.answer("we got the keys in june 2025", "put things right")
    elif service_choice:
        resident.answer("my dad", "which of our services")
        resident.choose(service_choice, "put things right")
    else:
        resident.answer("my dad", "put things right")
    resident.answer("an apology", "already investigated")
    resident.answer("/deny", "legal action")
    resident.answer("/deny", "for someone else")
    resident.answer("/deny", "contact details")
    resident.answer("/deny", "is that right")
    return resident.answer("/affirm", "reference")


def test_a_care_complaint_is_told_about_the_lgsco_and_a_new_build_one_about_its_code(hpg_stack):
    store = CaseStore(hpg_stack.env["INTAKE_DATABASE_URL"])
    try:
        # "carer" makes the service obvious: not asked.
        done = file_complaint(Resident(hpg_stack),
                              "The carer who visits my dad every morning keeps missing his medication",
                              None)
        assert "Local Government and Social Care Ombudsman" in done
        profile = load_profile("housing-plus-group")
        lgsco_phone = profile.service("care").ombudsman.phone
        assert lgsco_phone == "0300 061 0614" and lgsco_phone in done
        care = store.find_by_reference(reference_in(done))
        assert care.service == "care" and care.policy_profile == "housing-plus-group"
        expected = cli_deadlines(care.created_at.astimezone(LONDON).date())
        for key in ("acknowledge_by", "stage1_response_by", "stage1_extended_response_by"):
            assert care.deadlines[key] == expected[key], key
        assert wording.format_date(date.fromisoformat(expected["acknowledge_by"])) in done

        # Not obvious: the resident is asked, and chooses new-build sales.
        done = file_complaint(Resident(hpg_stack),
                              "Nobody has answered my emails for a month and I keep being passed around",
                              "new-build")
        assert "New Homes" in done
        new_build = store.find_by_reference(reference_in(done))
        assert new_build.service == "new-build" and new_build.deadlines
        assert new_build.extra["home_date"] == "2025-06-01" and new_build.exclusion is None
    finally:
        store.dispose()
