"""`python -m bot messenger-profile`: set the Page's Messenger welcome screen.

Before a resident writes anything, Messenger shows the Page's greeting and a Get Started button
(Meta's Messenger Profile API). The greeting says that Meta carries the messages; Get Started
sends `/greet`, so the assistant's first answer is its greeting with the privacy notice
(bot.conversation). Run once per Page, and again when the profile's name changes.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

import requests

from bot import settings
from bot.cli import UserError
from bot.conversation import messenger_welcome
from bot.policy import active_profile

if TYPE_CHECKING:
    from bot.policy.schema import Profile

GET_STARTED_PAYLOAD = "/greet"


def profile_body(profile: Profile) -> dict:
    return {"get_started": {"payload": GET_STARTED_PAYLOAD},
            "greeting": [{"locale": "default", "text": messenger_welcome(profile)}]}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="print what would be sent, send nothing")


def run(args: argparse.Namespace) -> int:
    body = profile_body(active_profile())
    if args.dry_run:
        print(json.dumps(body, indent=2))
        return 0
    token = settings.get("FACEBOOK_PAGE_ACCESS_TOKEN")
    if not token:
        raise UserError("FACEBOOK_PAGE_ACCESS_TOKEN is not set: there is no Page to set up")
    url = settings.get("FACEBOOK_GRAPH_API_URL").rstrip("/") + "/me/messenger_profile"
    try:
        # The token goes in the query string, as Meta's API wants; never on a command line.
        answer = requests.post(url, params={"access_token": token}, json=body, timeout=30)
    except requests.RequestException as error:
        raise UserError(f"the Graph API at {url} did not answer: {error}") from None
    if not answer.ok:
        raise UserError(f"the Graph API refused the welcome screen ({answer.status_code}): "
                        f"{answer.text[:300]}")
    print(f"Messenger welcome screen set: {body['greeting'][0]['text']}", file=sys.stderr)
    return 0
