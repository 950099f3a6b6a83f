"""Hot spots of the Rasa 3.6 server under load, measured with py-spy, made cheap without
changing what they do:
- every action server response is checked against a JSON schema with `jsonschema.validate`,
  which first checks the schema itself, on every call (40 % of the server's time), and then
  tries each event against all 23 kinds of event the schema allows: this validates against
  validators made once, each event against the kind it names (`response_checker`), and leaves
  what fails to Rasa's own check, for its error;
- every event read back from the tracker store finds its class by walking all of `Event`'s
  subclasses again (`Event.resolve_by_type`; 8 % of the server's time, growing with the length of
  the conversation): this remembers the class found for each type name;
- a button press (`/affirm`, `/inform{"choice": "phone"}`) goes through the whole NLU pipeline
  (spaCy, featurizers, DIET: a quarter of the server's time) whose every result Rasa's
  `RegexMessageHandler` then throws away for the intent the payload names: this asks that same
  handler first, and runs the pipeline only when the payload is not one it takes (an unknown
  intent, a malformed payload, ordinary text);
- every tracker Rasa makes (several a message: reading, copying before each action, the form's
  and the rule policy's look-backs) copies each of the domain's 50 slots with `copy.copy`, whose
  generic path is slow: Rasa's own slot classes get a `__copy__` doing what that path does for
  them (a new object with the same attributes), five times faster;
- every call to the action server (each custom action, each form validation: several a
  message) opened a new HTTP client session and so a new TCP connection (`EndpointConfig.request`
  makes one per call): the endpoint keeps one session per event loop, whose connections are
  reused while idle for less than the action server's own keep-alive (Sanic: 5 s).

Installed by `bot.rasa.install()` unless INTAKE_RASA_SPEED=0 (Rasa's own code then runs, for
comparing the two); each patch is checked first against the Rasa function it replaces
(bot/rasa/patches.py)."""
from __future__ import annotations

import asyncio
import copy
from typing import Any, Callable

import aiohttp

import rasa.shared.utils.common
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core import slots
from rasa.shared.core.events import Event
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from bot.rasa.patches import ABSENT, Expected, Patch


def response_checker(spec: dict) -> Callable[[Any], bool]:
    """Whether an action server response is valid against Rasa's schema `spec`, answered as
    that schema answers it. An event must match exactly one of the schema's `oneOf` branches,
    each of which fixes the `event` name to a constant of its own: so the one branch named by
    the event decides, and the other 22 need not be tried on every event of every response."""
    def compiled(schema: dict) -> Callable[[Any], bool]:
        cls = validator_for(schema)
        cls.check_schema(schema)  # once, instead of on every call
        return cls(schema).is_valid

    whole = compiled(spec)
    try:
        item = spec["properties"]["events"]["items"]
        branches = {branch["properties"]["event"]["const"]: branch for branch in item["oneOf"]}
        if len(branches) != len(item["oneOf"]) or "event" not in item.get("required", ()):
            raise KeyError("event")
    except (KeyError, TypeError):  # a schema not of that shape: the whole of it, every time
        return whole
    shell = {**spec, "properties": {**spec["properties"],
                                    "events": {**spec["properties"]["events"], "items": {}}}}
    shell_valid = compiled(shell)
    event_valid = compiled({key: value for key, value in item.items() if key != "oneOf"})
    branch_valid = {name: compiled(branch) for name, branch in branches.items()}

    def valid(result: Any) -> bool:
        if not shell_valid(result):
            return False
        events = result.get("events") if isinstance(result, dict) else None
        for event in events if isinstance(events, list) else ():
            if not event_valid(event):
                return False
            name = event.get("event")
            if not isinstance(name, str) or name not in branch_valid or not branch_valid[name](event):
                return False
        return True

    return valid


def _install_response_check() -> None:
    valid = response_checker(RemoteAction.action_response_format_spec())
    original = RemoteAction._validate_action_result

    def _validate_action_result(self: RemoteAction, result: Any) -> bool:
        if valid(result):
            return True
        return original(self, result)  # Rasa's own check, for its own error and wording

    RemoteAction._validate_action_result = _validate_action_result


_MISSING = object()


def _install_event_lookup() -> None:
    original = Event.resolve_by_type
    found: dict[str, type] = {}  # only hits: a class imported later can still be found

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        cls = found.get(type_name)
        if cls is not None:
            return cls
        cls = original(type_name, _MISSING)
        if cls is _MISSING:
            if default is not None:
                return default
            raise ValueError(f"Unknown event name '{type_name}'.")
        if cls is not None:  # None: an old "topic" event, which Rasa skips
            found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)


def _install_payload_shortcut() -> None:
    original = MessageProcessor._parse_message_with_graph
    handler = RegexMessageHandler()

    def _parse_message_with_graph(self: MessageProcessor, message: Any, tracker: Any,
                                  only_output_properties: bool = True) -> dict:
        text = message.text
        if text and text.strip().startswith(INTENT_MESSAGE_PREFIX) and self.domain is not None:
            # The message as the graph's NLUMessageConverter makes it, given to the graph's
            # last node: a payload it takes comes back as a new message built from the payload
            # alone, whatever the components before it found.
            converted = Message(data={TEXT: text, "message_id": message.message_id,
                                      "metadata": message.metadata},
                                output_properties={TEXT_TOKENS})
            unpacked = handler.process([converted], self.domain)[0]
            if unpacked is not converted:
                parse_data = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                              ENTITIES: []}
                parse_data.update(unpacked.as_dict(only_output_properties=only_output_properties))
                return parse_data
        return original(self, message, tracker, only_output_properties)

    _parse_message_with_graph.__wrapped__ = original  # Rasa's own, for the tests to compare
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph


def _install_slot_copy() -> None:
    # Only Rasa's own classes, whose instances are plain attribute bags; a slot class of
    # someone else's (which may define its own state handling) is copied the generic way.
    rasa_classes = {cls for cls in rasa.shared.utils.common.all_subclasses(slots.Slot)
                    if cls.__module__ == slots.__name__ and "__copy__" not in vars(cls)}

    def __copy__(self: slots.Slot) -> slots.Slot:
        cls = type(self)
        if cls not in rasa_classes:
            return copy._reconstruct(self, None, *self.__reduce_ex__(4))  # copy.copy's own path
        new = cls.__new__(cls)
        new.__dict__.update(self.__dict__)
        return new

    slots.Slot.__copy__ = __copy__


# Below the action server's keep-alive (Sanic's default 5 s, nginx's 75 s), so that a kept
# connection is never one the server is closing at that moment.
KEEP_ALIVE_SECONDS = 3.0


class _KeptSession:
    """`async with endpoint.session() as session:` on a session that outlives the block."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: Any) -> bool:
        return False


def _install_kept_sessions() -> None:

    def session(self: EndpointConfig) -> _KeptSession:
        loop = asyncio.get_running_loop()  # called by `request`, a coroutine
        kept = self.__dict__.get("_intake_session")
        if kept is None or kept[0] is not loop or kept[1].closed:
            # Rasa's own session (the same headers, authentication and timeout), kept.
            auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                    if self.basic_auth else None)
            kept = (loop, aiohttp.ClientSession(
                headers=self.headers, auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS)))
            self.__dict__["_intake_session"] = kept
        return _KeptSession(kept[1])

    EndpointConfig.session = session


PATCHES = (
    Patch("_intake_speed_event_lookup", Event, _install_event_lookup, expects=(
        Expected(Event, "resolve_by_type", "(type_name, default=None)"),
    )),
    Patch("_intake_speed_payload_shortcut", MessageProcessor, _install_payload_shortcut, expects=(
        Expected(MessageProcessor, "_parse_message_with_graph",
                 "(self, message, tracker, only_output_properties=True)"),
        Expected(RegexMessageHandler, "process", "(self, messages, domain=None)"),
    )),
    Patch("_intake_speed_slot_copy", slots.Slot, _install_slot_copy, expects=(
        Expected(slots.Slot, "__copy__", ABSENT),
        # CPython's own path of copy.copy, for slot classes not Rasa's.
        Expected(copy, "_reconstruct",
                 "(x, memo, func, args, state=None, listiter=None, dictiter=None, *, deepcopy=...)"),
    )),
    Patch("_intake_speed_kept_sessions", EndpointConfig, _install_kept_sessions, expects=(
        Expected(EndpointConfig, "session", "(self)"),
        Expected(EndpointConfig, "request",
                 "(self, method=..., subpath=None, content_type=..., compress=False, **kwargs)"),
    )),
    Patch("_intake_speed_response_check", RemoteAction, _install_response_check, expects=(
        Expected(RemoteAction, "_validate_action_result", "(self, result)"),
        Expected(RemoteAction, "action_response_format_spec", "()"),
    )),
)


def install() -> None:
    """This module's patches alone (the server installs them through `bot.rasa.install()`)."""
    from bot.rasa import patches

    patches.install(PATCHES)
