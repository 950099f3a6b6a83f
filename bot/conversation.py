"""What the assistant says, built from the active policy profile (testable without Rasa)."""
from __future__ import annotations

from bot.policy import Profile


def greeting(profile: Profile) -> str:
    return (
        f"Hello, I'm the online assistant for {profile.display_name}. I can help you make a "
        "complaint, ask for a repair or other service, report a problem with a neighbour, "
        "or leave a comment or a compliment. What would you like to tell us?"
    )
