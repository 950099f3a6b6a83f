"""`python -m bot deadlines`: a complaint's deadlines under a policy profile, as one JSON object.

    uv run python -m bot deadlines --policy housing-ombudsman-code --received 2026-12-23 \\
        [--acknowledged YYYY-MM-DD] [--stage1-response YYYY-MM-DD] [--service housing]

prints acknowledge_by, stage1_response_by (from --acknowledged when given, otherwise from
acknowledge_by), stage1_extended_response_by and, with --stage1-response, stage2_request_by, as
ISO dates. An unknown profile or a malformed date is one line on stderr and exit status 1.
"""
from __future__ import annotations

import json
import re
from datetime import date

from bot import settings
from bot.cli import UserError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_arguments(parser) -> None:
    active = settings.policy_name().replace("%", "%%")
    parser.add_argument("--policy", metavar="NAME", default=None,
                        help=f"policy profile: a file name (without .yml) in policies/ "
                             f"(default: the setting INTAKE_POLICY, now {active})")
    parser.add_argument("--received", metavar="YYYY-MM-DD", required=True,
                        help="the day the complaint was received")
    parser.add_argument("--acknowledged", metavar="YYYY-MM-DD",
                        help="the day it was acknowledged (stage 1 response counts from it)")
    parser.add_argument("--stage1-response", metavar="YYYY-MM-DD",
                        help="the day the stage 1 response was sent (adds stage2_request_by)")
    parser.add_argument("--service", default="housing",
                        help="the service complained about, as the profile names it (default: housing)")


def parse_date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise UserError(f"{option}: {value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise UserError(f"{option}: {value!r} is not a real date ({error})") from None


def run(args) -> int:
    from bot.policy import PolicyError, UnknownProfile, load_profile
    from bot.policy.deadlines import complaint_deadlines

    received = parse_date("--received", args.received)
    assert received is not None  # argparse requires --received
    acknowledged = parse_date("--acknowledged", args.acknowledged)
    stage1_response = parse_date("--stage1-response", args.stage1_response)
    name = args.policy or settings.policy_name()
    try:
        profile = load_profile(name)
    except UnknownProfile as error:
        known = ", ".join(error.known) or "none"
        raise UserError(f"--policy: unknown policy profile {name!r}; known profiles: {known}") from None
    except PolicyError as error:
        raise UserError(str(error)) from None
    try:
        deadlines = complaint_deadlines(profile, received, acknowledged, stage1_response,
                                        service=args.service)
    except (PolicyError, ValueError) as error:
        raise UserError(str(error)) from None
    print(json.dumps({key: value.isoformat() for key, value in deadlines.items()}, indent=2))
    return 0
