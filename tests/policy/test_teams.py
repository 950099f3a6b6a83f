"""Teams: every profile names its teams and routes each case type and service to one of them;
a profile whose routing names a team it does not have, or with no default team, is refused."""
from __future__ import annotations

import pytest
import yaml

from bot import settings, vocabulary
from bot.policy import PolicyError, available_profiles, load_profile
from bot.policy.teams import default_team, require_team, team_for, team_name, team_names

DEFAULT = settings.policies_dir() / "housing-ombudsman-code.yml"
GENERIC = ("demo-landlord", "housing-ombudsman-code", "seed-003-landlord", "seed-004-landlord")


def default_data() -> dict:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def broken(tmp_path, change) -> str:
    data = default_data()
    change(data)
    (tmp_path / "x.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_profile("x", tmp_path)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


def loads(tmp_path, change):
    data = default_data()
    change(data)
    (tmp_path / "ok.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_profile("ok", tmp_path)


# --- every shipped profile ------------------------------------------------------------------------

@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_has_teams_with_one_default_and_routes_every_case(name):
    profile = load_profile(name)
    assert profile.teams, f"{name} has no teams"
    assert [key for key, team in profile.teams.items() if team.default] == [default_team(profile)]
    for case_type in vocabulary.CASE_TYPES:
        for service in profile.services:
            assert team_for(profile, case_type, service) in profile.teams


@pytest.mark.parametrize("name", GENERIC)
def test_the_generic_profiles_route_asb_to_neighbourhood_and_requests_to_repairs(name):
    profile = load_profile(name)
    assert team_names(profile) == {"complaints": "Complaints team",
                                   "neighbourhood": "Neighbourhood team",
                                   "repairs": "Repairs team"}
    assert default_team(profile) == "complaints"
    routed = {case_type: team_for(profile, case_type, "housing")
              for case_type in vocabulary.CASE_TYPES}
    assert routed == {"complaint": "complaints", "service_request": "repairs",
                      "asb_report": "neighbourhood", "comment": "complaints",
                      "compliment": "complaints"}
    # What residents are told is still the profile's own words, and agrees with the routing.
    assert profile.case_types["asb_report"].handled_by == "the neighbourhood team"


def test_housing_plus_group_routes_by_service_and_asb_to_neighbourhood_officers(hpg):
    assert team_names(hpg) == {"complaints": "Customer advocacy team",
                               "neighbourhood": "Neighbourhood officers",
                               "care_plus": "Care Plus",
                               "county_town_homes": "County Town Homes"}
    expected = {
        ("complaint", "housing"): "complaints",
        ("complaint", "care"): "care_plus",
        ("complaint", "new-build"): "county_town_homes",
        ("service_request", "housing"): "complaints",   # the seeds name no repairs team
        ("service_request", "care"): "care_plus",
        ("service_request", "new-build"): "county_town_homes",
        ("asb_report", "housing"): "neighbourhood",
        ("asb_report", "care"): "neighbourhood",         # a neighbour problem, whatever the service
        ("asb_report", "new-build"): "neighbourhood",
        ("comment", "housing"): "complaints",
        ("comment", "care"): "care_plus",
        ("comment", "new-build"): "county_town_homes",
        ("compliment", "housing"): "complaints",
        ("compliment", "care"): "care_plus",
        ("compliment", "new-build"): "county_town_homes",
    }
    assert {key: team_for(hpg, *key) for key in expected} == expected
    assert hpg.case_types["asb_report"].handled_by == "your local neighbourhood officer"


def test_names_and_lookups(hpg):
    assert team_name(hpg, "care_plus") == "Care Plus"
    assert team_name(hpg, "gone") == "gone"
    assert team_name(hpg, None) == ""
    assert require_team(hpg, "neighbourhood").name == "Neighbourhood officers"
    with pytest.raises(PolicyError, match="has no team 'repairs'; its teams: complaints, "
                                          "neighbourhood, care_plus, county_town_homes"):
        require_team(hpg, "repairs")


# --- the rule: first match wins, else the default -----------------------------------------------

def test_the_first_matching_rule_wins_and_a_rule_may_need_type_and_service(tmp_path):
    def change(d):
        d["teams"]["special"] = {"name": "Special"}
        d["routing"] = [
            {"case_type": "complaint", "service": "housing", "team": "special"},
            {"case_type": "complaint", "team": "repairs"},
            {"service": "housing", "team": "neighbourhood"},
        ]
    profile = loads(tmp_path, change)
    assert team_for(profile, "complaint", "housing") == "special"
    assert team_for(profile, "comment", "housing") == "neighbourhood"
    assert team_for(profile, "complaint", None) == "special"     # no service: housing


def test_without_rules_everything_goes_to_the_default_team(tmp_path):
    def change(d):
        d["routing"] = []
        d["teams"]["complaints"]["default"] = False
        d["teams"]["repairs"]["default"] = True
    profile = loads(tmp_path, change)
    assert {team_for(profile, t) for t in vocabulary.CASE_TYPES} == {"repairs"}


def test_a_profile_without_teams_routes_nothing(tmp_path):
    def change(d):
        del d["teams"]
        del d["routing"]
    profile = loads(tmp_path, change)
    assert team_for(profile, "complaint") is None and default_team(profile) is None
    with pytest.raises(PolicyError, match="has no teams"):
        require_team(profile, "complaints")


# --- validation ---------------------------------------------------------------------------------

def test_a_rule_naming_an_unknown_team_is_refused(tmp_path):
    def change(d):
        d["routing"][0]["team"] = "neighborhood"
    message = broken(tmp_path, change)
    assert ("routing: rule 1 names the team 'neighborhood', which is not in teams (its teams: "
            "complaints, neighbourhood, repairs)") in message


def test_no_default_team_is_refused(tmp_path):
    def change(d):
        d["teams"]["complaints"]["default"] = False
    assert "teams: no team is the default: mark exactly one `default: true`" in broken(tmp_path, change)


def test_two_default_teams_are_refused(tmp_path):
    def change(d):
        d["teams"]["repairs"]["default"] = True
    assert ("teams: only one team can be the default, not complaints and repairs"
            in broken(tmp_path, change))


def test_a_rule_naming_an_unknown_service_or_case_type_or_nothing(tmp_path):
    def service(d):
        d["routing"].append({"service": "care", "team": "complaints"})
    assert ("routing: rule 3 names the service 'care', which the profile does not have "
            "(its services: housing)") in broken(tmp_path, service)

    def case_type(d):
        d["routing"][0]["case_type"] = "asb"
    assert "routing[0].case_type: unexpected value" in broken(tmp_path, case_type)

    def nothing(d):
        d["routing"].append({"team": "complaints"})
    assert "routing[2]: a rule needs a case_type, a service or both" in broken(tmp_path, nothing)


def test_routing_without_teams_and_badly_formed_team_keys_are_refused(tmp_path):
    def no_teams(d):
        del d["teams"]
    assert "routing: routing rules need a teams section" in broken(tmp_path, no_teams)

    def bad_key(d):
        d["teams"]["Care Plus"] = {"name": "Care Plus"}
    assert "teams: key 'Care Plus' is not allowed: use lower-case words" in broken(tmp_path, bad_key)

    def unknown_key(d):
        d["teams"]["repairs"]["email"] = "repairs@example.org"
    assert "teams.repairs.email: unknown key" in broken(tmp_path, unknown_key)

    def no_name(d):
        d["teams"]["repairs"] = {"default": False}
    assert "teams.repairs.name: missing (required)" in broken(tmp_path, no_name)
