"""Every shipped profile loads; a broken one fails with one line naming the file, the key and the problem."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import settings
from bot.policy import (
    PolicyError, Profile, UnknownProfile, active_profile, available_profiles, load_profile,
)

SHIPPED = ["housing-ombudsman-code", "housing-plus-group", "seed-003-landlord", "seed-004-landlord"]
DEFAULT = settings.policies_dir() / "housing-ombudsman-code.yml"


def test_the_four_profiles_are_shipped():
    assert set(SHIPPED) <= set(available_profiles())


@pytest.mark.parametrize("name", SHIPPED)
def test_every_profile_loads_with_what_others_rely_on(name):
    profile = load_profile(name)
    assert isinstance(profile, Profile)
    assert profile.name == name and profile.display_name
    assert profile.source == settings.policies_dir() / f"{name}.yml"
    assert "housing" in profile.services and profile.service("housing").ombudsman.phone
    assert profile.region in ("england-and-wales", "scotland", "northern-ireland")
    assert profile.gas_emergency_phone == "0800 111 999"
    assert profile.contact.emergency.services_phone == "999"
    assert profile.contact.channels
    for key in ("too_old", "legal_proceedings", "already_investigated"):
        assert profile.exclusion(key).explanation
        assert "{" not in profile.fill(profile.exclusion(key).explanation)
    assert profile.extension_reasons(1) and profile.extension_reasons(2)
    assert profile.retention_years == 6
    law = profile.repairs.awaabs_law
    assert (law.emergency_hours, law.significant_investigate_working_days,
            law.significant_summary_working_days, law.significant_safety_work_working_days) == (24, 10, 3, 5)
    hash(profile)  # usable as a cache key


def test_profile_regions_are_the_calendars_regions():
    from bot import workdays
    from bot.policy import schema

    assert schema.REGIONS == tuple(workdays.REGIONS)
    assert Profile.__fields__["bank_holiday_region"].type_.__args__ == schema.REGIONS


def test_every_profile_in_the_folder_loads():
    for name in available_profiles():
        load_profile(name)


def test_the_default_profile_is_a_demo_landlord_with_fictional_contact_details():
    """Every reply that points to a person gives a way to reach one, with numbers that ring
    nowhere (Ofcom's drama ranges) and a reserved .example domain; the ombudsman's, the gas
    emergency line's and 999 are the real ones."""
    assert next(s for s in settings.SETTINGS if s.name == "INTAKE_POLICY").default == "demo-landlord"
    demo = load_profile("demo-landlord")
    assert demo.demo and demo.display_name == "Demo Homes"
    phones = [c.value for c in demo.contact.channels if c.kind == "phone"]
    assert phones and all(p.startswith(("0113 496 0", "0808 157 0", "020 7946 0", "07700 900"))
                          for p in phones + [demo.contact.emergency.repairs_phone])
    assert all(".example" in (c.value or ".example") for c in demo.contact.channels
               if c.kind in ("email", "web_form"))
    assert demo.contact.emergency.gas_phone == "0800 111 999"
    assert demo.service("housing").ombudsman.phone == "0300 111 3000"


def test_the_code_profile_is_a_template_that_names_the_landlord_generically():
    profile = load_profile("housing-ombudsman-code")
    assert profile.demo and profile.display_name == "the landlord"
    assert (profile.stage1.acknowledge_working_days, profile.stage1.respond_working_days,
            profile.stage1.extension_working_days) == (5, 10, 10)
    assert (profile.stage2.acknowledge_working_days, profile.stage2.respond_working_days,
            profile.stage2.extension_working_days) == (5, 20, 20)
    assert profile.time_limits.raise_within_months == 12
    assert profile.stage2.reasons == "invited"


def test_housing_plus_group_has_care_and_new_build_services():
    profile = load_profile("housing-plus-group")
    assert profile.display_name == "Housing Plus Group"
    care = profile.service("care")
    assert care.ombudsman.name == "Local Government and Social Care Ombudsman"
    assert care.regulator.name.startswith("Care Quality Commission")
    new_build = profile.service("new-build")
    assert new_build.process == "consumer-code"
    assert new_build.consumer_code.name == "New Homes Quality Code"
    assert profile.service("housing").process == "complaint-handling-code"
    assert profile.raise_within_months("new-build") == 24
    assert profile.raise_within_months("care") == 12
    assert len(profile.extension_reasons(1)) == 9
    assert profile.extension_reasons(2) == profile.extension_reasons(1)


def test_unknown_service_and_exclusion_name_what_exists():
    profile = load_profile("housing-ombudsman-code")
    with pytest.raises(PolicyError, match="no service 'care'; its services: housing"):
        profile.service("care")
    with pytest.raises(PolicyError, match="its exclusions: too_old"):
        profile.exclusion("nope")


def test_unknown_profile_is_one_line_with_the_name_and_the_setting(tmp_path):
    with pytest.raises(UnknownProfile) as caught:
        load_profile("no-such-landlord")
    message = str(caught.value)
    assert "no-such-landlord" in message and "INTAKE_POLICY" in message
    assert "housing-ombudsman-code" in message and "\n" not in message
    assert isinstance(caught.value, PolicyError)
    for name in ("../policies/housing-ombudsman-code", "", ".hidden"):
        with pytest.raises(UnknownProfile):
            load_profile(name)


def test_active_profile_follows_the_setting_and_is_cached(monkeypatch):
    monkeypatch.setenv("INTAKE_POLICY", "seed-004-landlord")
    active_profile.cache_clear()
    try:
        assert active_profile().name == "seed-004-landlord"
        assert active_profile() is active_profile()
    finally:
        active_profile.cache_clear()


# --- broken profiles ----------------------------------------------------------------------------------

def default_data() -> dict:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def broken(tmp_path: Path, change, name: str = "x") -> str:
    """Write the default profile changed by `change(data)` and return the loader's message."""
    data = default_data()
    change(data)
    (tmp_path / f"{name}.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_profile(name, tmp_path)
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith(str(tmp_path / f"{name}.yml") + ": "), message
    return message


def test_the_default_profile_round_trips_through_the_test_helper(tmp_path):
    (tmp_path / "copy.yml").write_text(yaml.safe_dump(default_data()), encoding="utf-8")
    assert load_profile("copy", tmp_path).stage1 == load_profile("housing-ombudsman-code").stage1


def test_a_wrong_typed_key_names_file_key_and_problem(tmp_path, monkeypatch):
    # Inside the project the file is named relative to it, exactly as docs/policy-profiles.md shows.
    (tmp_path / "policies").mkdir()
    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path)
    data = default_data()
    data["stage1"]["acknowledge_working_days"] = "five"
    (tmp_path / "policies" / "x.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_profile("x", tmp_path / "policies")
    assert str(caught.value) == "policies/x.yml: stage1.acknowledge_working_days: value is not a valid integer"


def test_a_missing_key(tmp_path):
    message = broken(tmp_path, lambda d: d["stage1"].pop("respond_working_days"))
    assert message.endswith("stage1.respond_working_days: missing (required)")


def test_a_missing_section(tmp_path):
    message = broken(tmp_path, lambda d: d.pop("stage2"))
    assert message.endswith("stage2: missing (required)")


def test_a_number_written_as_text_is_not_guessed(tmp_path):
    def change(d):
        d["stage2"]["respond_working_days"] = "20"
    assert broken(tmp_path, change).endswith("stage2.respond_working_days: value is not a valid integer")


def test_a_fraction_or_a_boolean_is_not_a_number_of_days(tmp_path):
    def fraction(d):
        d["stage1"]["extension_working_days"] = 7.5
    assert "stage1.extension_working_days: value is not a valid integer" in broken(tmp_path, fraction)

    def boolean(d):
        d["stage1"]["extension_working_days"] = True
    assert "stage1.extension_working_days: value is not a valid integer" in broken(tmp_path, boolean)


def test_a_negative_or_zero_number_of_days(tmp_path):
    def change(d):
        d["stage1"]["acknowledge_working_days"] = 0
    message = broken(tmp_path, change)
    assert "stage1.acknowledge_working_days: ensure this value is greater than or equal to 1" in message


def test_a_misspelt_key_is_an_unknown_key(tmp_path):
    def change(d):
        d["stage1"]["acknowledge_workingdays"] = d["stage1"].pop("acknowledge_working_days")
    message = broken(tmp_path, change)
    assert "stage1.acknowledge_workingdays: unknown key" in message
    assert "stage1.acknowledge_working_days: missing (required)" in message


def test_an_unquoted_phone_number_is_refused_not_stripped_of_its_zero(tmp_path):
    def change(d):
        d["services"]["housing"]["ombudsman"]["phone"] = 3001113000
    message = broken(tmp_path, change)
    assert "services.housing.ombudsman.phone: expected text" in message


def test_an_unknown_region(tmp_path):
    def change(d):
        d["bank_holiday_region"] = "wales"
    assert "bank_holiday_region: unexpected value; permitted: 'england-and-wales'" in broken(tmp_path, change)


def test_a_bad_channel_kind_names_its_place_in_the_list(tmp_path):
    def change(d):
        d["contact"]["channels"][2]["kind"] = "carrier_pigeon"
    assert "contact.channels[2].kind: unexpected value" in broken(tmp_path, change)


def test_stage2_needs_exactly_one_window(tmp_path):
    def both(d):
        d["stage2"]["request_within_calendar_days"] = 28
    assert broken(tmp_path, both).endswith(
        "stage2: give exactly one of request_within_working_days or request_within_calendar_days")

    def neither(d):
        d["stage2"].pop("request_within_working_days")
    assert "stage2: give exactly one" in broken(tmp_path, neither)


def test_a_misspelt_placeholder_in_resident_text(tmp_path):
    def change(d):
        d["exclusions"]["too_old"]["explanation"] = "Within {month} months."
    assert "exclusions.too_old.explanation: unknown placeholder {month}" in broken(tmp_path, change)


def test_the_housing_service_and_the_codes_exclusions_are_required(tmp_path):
    def no_housing(d):
        d["services"]["homes"] = d["services"].pop("housing")
    assert "services: a 'housing' service is required" in broken(tmp_path, no_housing)

    def no_legal(d):
        d["exclusions"].pop("legal_proceedings")
    assert "exclusions: the Code's exclusion 'legal_proceedings' is missing" in broken(tmp_path, no_legal)


def test_a_badly_named_service_key(tmp_path):
    def change(d):
        d["services"]["New Build"] = d["services"]["housing"]
    assert "services: key 'New Build' is not allowed: use lower-case words" in broken(tmp_path, change)

    def exclusion(d):
        d["exclusions"]["too-old"] = d["exclusions"]["too_old"]
    assert "exclusions: key 'too-old' is not allowed" in broken(tmp_path, exclusion)


def test_duplicate_extension_reason_keys(tmp_path):
    def change(d):
        d["stage1"]["extension_reasons"] = [{"key": "a", "text": "x"}, {"key": "a", "text": "y"}]
    assert "stage1.extension_reasons: extension reason key 'a' appears more than once" in broken(tmp_path, change)


def test_a_regulator_without_its_matters(tmp_path):
    def change(d):
        d["services"]["housing"]["regulator"] = {"name": "Regulator", "web": "example.org"}
    assert "services.housing: a regulator needs regulator_matters" in broken(tmp_path, change)


def test_the_name_comes_from_the_file_name_only(tmp_path):
    def change(d):
        d["name"] = "other"
    assert broken(tmp_path, change).endswith("name: unknown key (the profile's name is its file name)")


def test_several_problems_are_reported_together_on_one_line(tmp_path):
    def change(d):
        d["stage1"]["acknowledge_working_days"] = "x"
        d["retention"]["case_records_years_after_closure"] = None
    message = broken(tmp_path, change)
    assert "stage1.acknowledge_working_days: value is not a valid integer; " in message
    assert "retention.case_records_years_after_closure: must not be empty" in message


def test_malformed_yaml_gives_line_and_column(tmp_path):
    (tmp_path / "x.yml").write_text("display_name: x\nstage1:\n  - a\n b: c\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"x\.yml: line \d+, column \d+: malformed YAML"):
        load_profile("x", tmp_path)


def test_a_key_given_twice_is_refused(tmp_path):
    text = DEFAULT.read_text(encoding="utf-8") + "\ndisplay_name: \"again\"\n"
    (tmp_path / "x.yml").write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match="key 'display_name' appears twice"):
        load_profile("x", tmp_path)


def test_a_file_that_is_not_a_mapping(tmp_path):
    (tmp_path / "x.yml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="expected a mapping"):
        load_profile("x", tmp_path)
    (tmp_path / "y.yml").write_bytes(b"display_name: \xff\xfe\n")
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_profile("y", tmp_path)

