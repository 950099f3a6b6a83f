"""`python -m bot check` says exactly which contact details a profile is missing, and refuses to
start a landlord's profile without a phone number for complaints and an emergency repairs line
unless it is marked as a demo (residents asking for a person would otherwise get none)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import yaml

from bot.settings import PROJECT_ROOT


def check(cwd=PROJECT_ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "check", "--skip-database"], cwd=cwd,
                          env=dict(os.environ, RASA_TELEMETRY_ENABLED="false", **env),
                          capture_output=True, text=True, timeout=120)


def test_the_default_demo_profile_starts_and_says_it_is_a_demo():
    result = check()
    assert result.returncode == 0, result.stderr
    assert "policy demo-landlord is a demo" in result.stdout


def test_a_landlords_profile_without_an_emergency_repairs_line_is_refused_naming_it():
    result = check(INTAKE_POLICY="housing-plus-group")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: policy housing-plus-group: residents asking for a person or reporting an emergency "
        "would be given no number: it needs an emergency repairs line "
        "(contact.emergency.repairs_phone) (or `demo: true` for a profile that is not a real "
        "landlord's)")
    assert "missing an emergency repairs line" in result.stdout


def test_a_profile_with_no_contact_details_at_all_names_each(tmp_path):
    for entry in ("bot", "data"):
        shutil.copytree(PROJECT_ROOT / entry, tmp_path / entry,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for entry in ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml"):
        shutil.copy(PROJECT_ROOT / entry, tmp_path / entry)
    (tmp_path / "policies").mkdir()
    profile = yaml.safe_load((PROJECT_ROOT / "policies" / "housing-ombudsman-code.yml").read_text())
    profile["demo"] = False
    (tmp_path / "policies" / "bare.yml").write_text(yaml.safe_dump(profile))
    result = check(cwd=tmp_path, INTAKE_POLICY="bare")
    assert result.returncode == 1
    assert "it needs a phone number for complaints" in result.stderr
    assert "and an emergency repairs line" in result.stderr
    assert result.stdout.strip() == (
        "warning: policy bare: missing a phone number for complaints (a contact.channels entry of "
        "kind phone with a value); an e-mail address (kind email); a web address for the online "
        "form (kind web_form); a postal address (kind post); an emergency repairs line "
        "(contact.emergency.repairs_phone)")
