"""Each shipped profile read back against its source document.

The numbers are taken from the profile and looked for in the source text, in the sentence that
gives them ("Log your complaint or feedback within five working days"), so a profile and its
seed cannot drift apart. Where a seed is silent, the profile must carry the Code's number and a
comment on that line saying so.

Sources: ../shared/seeds/*.txt (the landlords' documents) and ../shared/DOMAIN.md (the Code, the
ombudsmen's details, Awaab's Law, the New Homes Quality Code), as copied into policies/sources/
(the last test keeps the copies equal to ../shared/).
"""
from __future__ import annotations

import re
from functools import reduce

import pytest

from bot import settings
from bot.policy import load_profile
from tests.policy.conftest import SOURCES, normalise

WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
         9: "nine", 10: "ten", 12: "twelve", 20: "twenty", 28: "twenty-eight"}


def value_at(profile, path: str):
    def step(obj, key):
        return obj[key] if isinstance(obj, dict) else getattr(obj, key)
    return reduce(step, path.split("."), profile)


def number_pattern(n: int) -> str:
    return f"(?:{n}|{WORDS[n]})" if n in WORDS else str(n)


def says(text: str, template: str, n: int) -> bool:
    """Whether `text` contains `template` (a regex) with {n} as the number, in digits or words."""
    return re.search(template.replace("{n}", number_pattern(n)), text, re.IGNORECASE) is not None


def seed_text(seeds_dir, prefix: str) -> str:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    return normalise(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def source(seeds_dir, domain_text):
    def get(name: str) -> str:
        return domain_text if name == "DOMAIN" else seed_text(seeds_dir, name)
    return get


# (profile, key path, source, the sentence that gives the number, with {n} for it)
CLAIMS = [
    # The Code, from DOMAIN.md
    ("housing-ombudsman-code", "stage1.acknowledge_working_days", "DOMAIN",
     r"stage 1 acknowledged, defined and logged within {n} working days of receipt"),
    ("housing-ombudsman-code", "stage1.respond_working_days", "DOMAIN",
     r"response within {n} working days of acknowledgement \(6\.3\)"),
    ("housing-ombudsman-code", "stage1.extension_working_days", "DOMAIN",
     r"extension no more than {n} working days"),
    ("housing-ombudsman-code", "stage2.acknowledge_working_days", "DOMAIN",
     r"Stage 2 acknowledged within {n} working days of the escalation request"),
    ("housing-ombudsman-code", "stage2.respond_working_days", "DOMAIN",
     r"response within {n} working days of acknowledgement; extension"),
    ("housing-ombudsman-code", "stage2.extension_working_days", "DOMAIN",
     r"extension up to {n} more"),
    ("housing-ombudsman-code", "time_limits.raise_within_months", "DOMAIN",
     r"accepted within {n} months of the issue occurring"),
    ("housing-ombudsman-code", "retention.case_records_years_after_closure", "DOMAIN",
     r"Complaint records are commonly kept {n} years"),

    # Housing Plus Group: key facts (001) and full policy (002)
    ("housing-plus-group", "stage1.acknowledge_working_days", "001",
     r"Log your complaint or feedback within {n} working days"),
    ("housing-plus-group", "stage1.acknowledge_working_days", "002",
     r"we will write to you to let you know that we.ve received your feedback, within {n} working days"),
    ("housing-plus-group", "stage1.respond_working_days", "001",
     r"respond to your stage 1 complaint within {n} working days of letting you know that we have received it"),
    ("housing-plus-group", "stage1.extension_working_days", "002",
     r"an extension of {n} working days would be permissible"),
    ("housing-plus-group", "stage1.director_contact_working_days", "002",
     r"cannot be responded to within {n} working days, a director"),
    ("housing-plus-group", "stage2.request_within_working_days", "002",
     r"This request should be made within {n} working days of the date of our stage 1 response"),
    ("housing-plus-group", "stage2.contact_working_days", "001",
     r"senior advocacy officer will contact you .{0,80}within {n} working days"),
    ("housing-plus-group", "stage2.acknowledge_working_days", "001",
     r"acknowledge your complaint in writing within {n} working days"),
    ("housing-plus-group", "stage2.respond_working_days", "001",
     r"within {n} working days of us acknowledging your request"),
    ("housing-plus-group", "stage2.respond_working_days", "002",
     r"response to an escalated complaint within {n} working days of us sending you an acknowledgement"),
    ("housing-plus-group", "stage2.extension_working_days", "002",
     r"Any extension will not be more than {n} working days"),
    ("housing-plus-group", "time_limits.raise_within_months", "002",
     r"no later than {n} months after the event occurred"),
    ("housing-plus-group", "time_limits.not_accepted_reply_working_days", "002",
     r"complaint is not accepted.{0,400}within {n} working days of the organisation receiving"),
    ("housing-plus-group", "case_types.comment.acknowledge_working_days", "001",
     r"Log your complaint or feedback within {n} working days"),
    ("housing-plus-group", "case_types.compliment.acknowledge_working_days", "001",
     r"Log your complaint or feedback within {n} working days"),
    ("housing-plus-group", "services.new-build.consumer_code.acknowledge_calendar_days", "DOMAIN",
     r"New Homes Quality Code.{0,200}acknowledge in {n},"),
    ("housing-plus-group", "services.new-build.consumer_code.resolution_plan_calendar_days", "DOMAIN",
     r"New Homes Quality Code.{0,250}path to resolution in {n},"),
    ("housing-plus-group", "services.new-build.consumer_code.response_calendar_days", "DOMAIN",
     r"New Homes Quality Code.{0,250}response in {n},"),
    ("housing-plus-group", "services.new-build.consumer_code.final_calendar_days", "DOMAIN",
     r"New Homes Quality Code.{0,300}\"eight-week letter\" at {n}"),

    # Seed 003
    ("seed-003-landlord", "stage1.acknowledge_working_days", "003",
     r"will contact you within {n} working days of you raising your concerns"),
    ("seed-003-landlord", "stage1.contact_working_days", "003",
     r"contacted by a manager from the team you are complaining about within {n} working days"),
    ("seed-003-landlord", "stage1.respond_working_days", "003",
     r"within {n} working days of your complaint being raised"),
    ("seed-003-landlord", "stage2.request_within_calendar_days", "003",
     r"within {n} calendar days from you receiving your stage one outcome letter"),
    ("seed-003-landlord", "stage2.respond_working_days", "003",
     r"Within {n} workings? days, we.ll provide a letter"),

    # Seed 004
    ("seed-004-landlord", "stage1.acknowledge_working_days", "004",
     r"acknowledge your complaint within {n} working days"),
    ("seed-004-landlord", "stage1.respond_working_days", "004",
     r"respond within {n} working days from acknowledgement"),
    ("seed-004-landlord", "stage1.extension_working_days", "004",
     r"may extend by up to {n} extra days"),
    ("seed-004-landlord", "stage2.request_within_working_days", "004",
     r"within {n} working days of the stage one response"),
    ("seed-004-landlord", "stage2.contact_working_days", "004",
     r"contact you within {n} working days to understand your concerns"),
    ("seed-004-landlord", "stage2.acknowledge_working_days", "004",
     r"Formal acknowledgment within {n} working days"),
    ("seed-004-landlord", "stage2.respond_working_days", "004",
     r"response within {n} working days of acknowledgment"),
    ("seed-004-landlord", "stage2.extension_working_days", "004",
     r"may extend by up to {n} more days"),
]

# Awaab's Law is the law, the same in every profile (DOMAIN.md).
AWAAB = [
    ("repairs.awaabs_law.emergency_hours", r"made safe within {n} hours"),
    ("repairs.awaabs_law.significant_investigate_working_days",
     r"significant hazards investigated within {n} working days"),
    ("repairs.awaabs_law.significant_summary_working_days",
     r"written summary within {n} working days of the investigation"),
    ("repairs.awaabs_law.significant_safety_work_working_days", r"safety work within {n} working days"),
]
PROFILES = sorted({c[0] for c in CLAIMS})
CLAIMS += [(p, key, "DOMAIN", sentence) for p in PROFILES for key, sentence in AWAAB]


@pytest.mark.parametrize("name,path,where,sentence", CLAIMS,
                         ids=[f"{c[0]}:{c[1]}:{c[2]}" for c in CLAIMS])
def test_profile_number_is_what_the_source_says(name, path, where, sentence, source):
    value = value_at(load_profile(name), path)
    assert isinstance(value, int)
    assert says(source(where), sentence, value), (
        f"{name}.yml {path} = {value}, but {where} does not say {sentence!r} with {value}")


# Where the seed is silent, the Code's number, with a comment on the line saying so.
SILENT = {
    "seed-003-landlord": ["stage1.extension_working_days", "stage2.acknowledge_working_days",
                          "stage2.extension_working_days", "time_limits.raise_within_months",
                          "time_limits.not_accepted_reply_working_days"],
    "seed-004-landlord": ["time_limits.raise_within_months",
                          "time_limits.not_accepted_reply_working_days"],
}


def yaml_line(name: str, path: str) -> str:
    """The line of policies/NAME.yml that sets a two-level key such as stage1.extension_working_days."""
    section, key = path.split(".")
    in_section = False
    for line in (settings.policies_dir() / f"{name}.yml").read_text(encoding="utf-8").splitlines():
        if re.match(r"^\S", line):
            in_section = line.startswith(f"{section}:")
        elif in_section and re.match(rf"^\s+{key}:", line):
            return line
    raise AssertionError(f"{name}.yml sets no {path}")


@pytest.mark.parametrize("name,path", [(n, p) for n, paths in SILENT.items() for p in paths])
def test_where_the_seed_is_silent_the_codes_number_is_used_and_said(name, path):
    assert value_at(load_profile(name), path) == value_at(load_profile("housing-ombudsman-code"), path)
    line = yaml_line(name, path)
    assert "#" in line and "seed silent" in line and "Code" in line, line


def test_seed_003_requires_reasons_for_stage_2_and_004_does_not(source):
    assert load_profile("seed-003-landlord").stage2.reasons == "required"
    assert "You will need to provide us with specific reasons" in source("003")
    assert load_profile("seed-004-landlord").stage2.reasons == "invited"
    assert "reasons not required" in source("004")


def test_seed_004_further_extensions_need_agreement(source):
    profile = load_profile("seed-004-landlord")
    assert profile.stage1.further_extension_needs_agreement
    assert profile.stage2.further_extension_needs_agreement
    assert "further extensions will require your agreement" in source("004")
    assert profile.stage1.merge_additional_complaints
    assert "incorporated into the stage one response" in source("004")


def test_seed_003_counts_stage_1_from_receipt(source):
    assert load_profile("seed-003-landlord").stage1.respond_from == "receipt"
    assert load_profile("housing-plus-group").stage1.respond_from == "acknowledgement"


# --- contact details -------------------------------------------------------------------------------

def body_sources(name: str, source) -> str:
    profile = load_profile(name)
    texts = [source("DOMAIN")]
    texts += [source(s.split("_")[0]) for s in profile.sources if re.match(r"\d{3}_", s)]
    return " ".join(texts)


@pytest.mark.parametrize("name", PROFILES)
def test_ombudsman_and_regulator_details_are_in_the_sources(name, source):
    profile = load_profile(name)
    text = body_sources(name, source).replace("PO Box 1484, Unit D, Preston PR2 0ET",
                                               "PO Box 1484, Unit D, Preston, PR2 0ET")
    for key, service in profile.services.items():
        bodies = [service.ombudsman] + ([service.regulator] if service.regulator else [])
        for body in bodies:
            if body.name == "New Homes Ombudsman Service":
                assert "New Homes Ombudsman" in text
                # Its details are not in ../shared: they come from the scheme's own notice.
                text = normalise((SOURCES / "nhos-contact.txt").read_text(encoding="utf-8"))
            for value in (body.phone, body.email):
                if value:
                    assert value in text, f"{name}: {key}: {value} not in the sources"
            if body.web:
                assert body.web.removeprefix("www.") in text, f"{name}: {key}: {body.web} not in the sources"
            if body.postal_address:
                address = ", ".join(body.postal_address[1:])  # without the addressee
                assert address in text, f"{name}: {key}: {address} not in the sources"


def test_housing_plus_group_contact_channels_are_from_its_seeds(source):
    profile = load_profile("housing-plus-group")
    text = " ".join(source(s) for s in ("000", "001", "002"))
    for channel in profile.contact.channels:
        if channel.value:
            assert channel.value in text, channel.value
        if channel.postal_address:
            assert ", ".join(channel.postal_address) in text
    kinds = {c.kind for c in profile.contact.channels}
    assert {"phone", "email", "web_form", "post", "in_person", "social_media", "online_chat", "portal"} <= kinds
    assert "online chat, online customer portals" in source("002")


def test_housing_plus_group_extension_reasons_are_the_policys_list(source):
    text = source("002")
    section = text[text.index("considered suitable if:"):text.index("If a complaint cannot be responded")]
    bullets = [b.strip() for b in section.split("•")[1:]]
    reasons = load_profile("housing-plus-group").extension_reasons(1)
    assert len(reasons) == len(bullets) == 9
    for reason, bullet in zip(reasons, bullets, strict=True):
        # the first few words of each reason are the policy's
        first = " ".join(re.findall(r"[a-z]+", reason.text.lower())[:2])
        assert first in bullet.lower(), (reason.text, bullet)


def test_housing_plus_group_exclusions_are_the_policys(source):
    text = source("002")
    titles = {
        "already_investigated": "Complaint already investigated",
        "unreasonably_persistent": "Frivolous or unreasonably persistent complaints",
        "too_old": "Historic complaints",
        "legal_proceedings": "Legal proceedings",
        "other_appeal_route": "Other means of appeal",
        "service_request": "Requests for service",
    }
    profile = load_profile("housing-plus-group")
    assert set(profile.exclusions) == set(titles)
    for heading in titles.values():
        assert heading in text
    assert "Claim Form and Particulars of Claim" in text


def test_seed_003_banding_exclusion(source):
    assert "banding on Property Pool Plus" in source("003")
    assert "property_pool_plus_banding" in load_profile("seed-003-landlord").exclusions


def test_sources_match_the_shared_originals():
    """The copies under policies/sources/ are the documents in ../shared/, unchanged."""
    from tests.policy.conftest import SHARED, SOURCES

    if not SHARED.is_dir():
        pytest.skip(f"../shared is not next to this checkout ({SHARED}): nothing to compare")
    originals = [SHARED / "DOMAIN.md", *sorted((SHARED / "seeds").iterdir())]
    for original in originals:
        copy = SOURCES / original.relative_to(SHARED)
        assert copy.read_bytes() == original.read_bytes(), \
            f"{copy.relative_to(SOURCES.parent.parent)} differs from {original}: copy it again"
