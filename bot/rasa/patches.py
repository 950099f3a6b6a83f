"""What the project adds to the Rasa server process, installed when Rasa loads our channels
(credentials.yml names them): `rasa_guard` (a plain reply when the action server cannot be
reached or does not answer in time) and `rasa_speed` (the server's hot spots under load made
cheap, each answering as Rasa's own code does).
Rasa 3.6 has no plugin hook for either."""
from __future__ import annotations


def install() -> None:
    from bot import rasa_guard, rasa_speed
    from bot.rasa import reading

    rasa_guard.install()
    rasa_speed.install()
    reading.install()
