"""What the assistant says, built from the active policy profile (testable without Rasa)."""
from __future__ import annotations

from bot.policy import Profile

# Meta's limit for the greeting on Messenger's welcome screen.
MESSENGER_GREETING_LIMIT = 160


def greeting(profile: Profile, channel: str | None = None) -> str:
    """The first thing a resident reads (the website chat opens with it; Messenger's Get Started
    button asks for it): what the assistant can do and how what they say is kept."""
    return (
        f"Hello, I'm the online assistant for {profile.display_name}. I can help you make a "
        "complaint, ask for a repair or other service, report a problem with a neighbour, "
        "or leave a comment or a compliment. What would you like to tell us? "
        # One paragraph: channels split a message at blank lines, and the greeting is one answer.
        + privacy_notice(profile, channel)
    )


def privacy_notice(profile: Profile, channel: str | None = None) -> str:
    """How what a resident tells us is kept (UK GDPR: told when the data is collected); on
    Messenger, that Meta carries the messages too (seed 002 allows social media only where
    confidentiality is protected)."""
    organisation = profile.organisation.name if profile.organisation else profile.display_name
    text = (f"What you tell me is kept by {organisation} to deal with it, and seen only by the "
            "staff who need to.")
    url = profile.organisation.privacy_notice_url if profile.organisation else None
    if url:
        text += f" How we use your information: {url}"
    if channel == "facebook":
        text += (" These messages also pass through Facebook Messenger, which Meta runs. If you'd "
                 "rather keep something private, tell me you want to speak to a person and I'll "
                 "give you other ways to reach us.")
    return text


def messenger_welcome(profile: Profile) -> str:
    """The greeting on Messenger's welcome screen, before a resident writes anything."""
    text = (f"Hello from {profile.display_name}. Messages here pass through Meta; for anything "
            "private you can contact us another way.")
    if len(text) > MESSENGER_GREETING_LIMIT:
        text = "Hello. Messages here pass through Meta; for anything private, contact us another way."
    return text
