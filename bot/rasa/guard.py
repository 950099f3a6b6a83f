"""When the action server cannot be reached, tell the resident plainly and keep their place.

Rasa 3.6 logs a failed custom action and carries on with no reply at all: the resident's answer
seems to vanish, and a slot it filled is never checked. This guard wraps Rasa's
`MessageProcessor._run_action` (Rasa has no hook for it): when a custom action or form fails
because the action server is down or broken, the resident is told that what they told us is kept
and to send it again in a minute; the slots their message filled are set back to what they were
before it (the message itself stays in the transcript), and the assistant listens, so the
repeated answer is checked as new and a case is filed once. (Rasa's `UserUtteranceReverted`
cannot be used: inside a form Rasa folds the turns together, and reverting one empties the
conversation.) A call the action server does not answer within INTAKE_ACTION_TIMEOUT_SECONDS
counts as a failure too. Installed by `bot.rasa.install()` (bot/rasa/patches.py checks first that
Rasa's functions are the ones this was written for).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import rasa.core.actions.action as rasa_action
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.actions.loops import LoopAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.exceptions import RasaException

from bot.rasa.patches import Expected, Patch

log = logging.getLogger(__name__)


def apology() -> str:
    """The message, with the landlord's other contact routes from the active policy profile."""
    text = ("I'm sorry, something went wrong on our side and I couldn't take in your last message. "
            "Everything you told me before it is kept. Please send it again in a minute.")
    try:
        from bot.policy import active_profile, wording

        other_ways = wording.contact_channels_text(active_profile())
        return f"{text} If it keeps happening, {other_ways[:1].lower()}{other_ways[1:]}"
    except Exception:  # noqa: BLE001 - the apology must never fail
        return text


def _is_action_server_failure(action: Any, error: BaseException) -> bool:
    # A call cut off by its timeout is an asyncio.TimeoutError, which Rasa does not wrap.
    return (isinstance(error, (RasaException, asyncio.TimeoutError))
            and not isinstance(error, ActionExecutionRejection)
            and isinstance(action, (RemoteAction, LoopAction)))


def _bound_action_calls() -> None:
    """Rasa waits 5 minutes for the action server (`DEFAULT_REQUEST_TIMEOUT`, read by
    `RemoteAction.run` alone): a hung action server would leave the resident without a reply,
    and outlast the conversation's lock. INTAKE_ACTION_TIMEOUT_SECONDS instead."""
    from bot import settings

    rasa_action.DEFAULT_REQUEST_TIMEOUT = settings.seconds("INTAKE_ACTION_TIMEOUT_SECONDS")


def slots_before_last_message(tracker: Any) -> list[SlotSet]:
    """SlotSet events putting back every slot changed since the resident's last message."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=None)
    if last_user is None:
        return []
    before: dict[str, Any] = {}
    for event in events[:last_user]:
        if isinstance(event, SlotSet):
            before[event.key] = event.value
    changed = {e.key for e in events[last_user:] if isinstance(e, SlotSet)}
    return [SlotSet(name, before.get(name)) for name in sorted(changed)
            if tracker.get_slot(name) != before.get(name)]


def _guard_run_action() -> None:
    original = MessageProcessor._run_action

    async def _run_action(self, action, tracker, output_channel, nlg, prediction) -> bool:
        failed: list[BaseException] = []
        run = action.run

        async def guarded_run(*args: Any, **kwargs: Any):
            try:
                return await run(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - re-raised unless it is the action server
                if not _is_action_server_failure(action, error):
                    raise
                failed.append(error)
                return []

        action.run = guarded_run  # this action object serves this one prediction only
        try:
            result = await original(self, action, tracker, output_channel, nlg, prediction)
        finally:
            action.run = run
        if not failed:
            return result
        log.error("action server failure in %r for conversation %s: %s; the resident was asked to "
                  "send the message again", action.name(), tracker.sender_id, failed[0])
        text = apology()
        tracker.update_with_events([BotUttered(text, metadata={"intake": "action_server_down"}),
                                    *slots_before_last_message(tracker),
                                    ActionExecuted(ACTION_LISTEN_NAME)], self.domain)
        await output_channel.send_response(tracker.sender_id, {"text": text})
        return False  # nothing more to predict: wait for the resident

    MessageProcessor._run_action = _run_action


PATCHES = (
    # Read from the settings at every install: a value, not a wrapper.
    Patch("_intake_guard_action_timeout", rasa_action, _bound_action_calls, again=True, expects=(
        Expected(rasa_action, "DEFAULT_REQUEST_TIMEOUT"),
        Expected(RemoteAction, "run", "(self, output_channel, nlg, tracker, domain)"),
    )),
    Patch("_intake_guard_run_action", MessageProcessor, _guard_run_action, expects=(
        Expected(MessageProcessor, "_run_action",
                 "(self, action, tracker, output_channel, nlg, prediction)"),
    )),
)


def install() -> None:
    """This module's patches alone (the server installs all of them: `bot.rasa.install()`)."""
    from bot.rasa import patches

    patches.install(PATCHES)
