"""Hot spots of the Rasa 3.6 server under load, measured with py-spy, made cheap without
changing what they do:
- every action server response is checked against a JSON schema with `jsonschema.validate`,
  which first checks the schema itself, on every call (40 % of the server's time): this validates
  against a validator made once, with the same schema and the same error;
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
  reused while idle for less than the action server's own keep-alive (Sanic: 5 s)."""
from __future__ import annotations

import asyncio
import copy
from typing import Any

import aiohttp

import rasa.shared.utils.common
from jsonschema import ValidationError
from jsonschema.exceptions import best_match
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

_INSTALLED = "_intake_fast_validation"


def install() -> None:
    _install_event_lookup()
    _install_payload_shortcut()
    _install_slot_copy()
    _install_kept_sessions()
    if getattr(RemoteAction, _INSTALLED, False):
        return
    spec = RemoteAction.action_response_format_spec()
    validator_class = validator_for(spec)
    validator_class.check_schema(spec)  # once, instead of on every call
    validator = validator_class(spec)
    original = RemoteAction._validate_action_result

    def _validate_action_result(self: RemoteAction, result: Any) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        try:  # Rasa's own wording of the error, from the original method
            return original(self, result)
        except ValidationError:
            raise

    RemoteAction._validate_action_result = _validate_action_result
    setattr(RemoteAction, _INSTALLED, True)


_MISSING = object()


def _install_event_lookup() -> None:
    if getattr(Event, _INSTALLED, False):
        return
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
    setattr(Event, _INSTALLED, True)


def _install_payload_shortcut() -> None:
    if getattr(MessageProcessor, _INSTALLED, False):
        return
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
    setattr(MessageProcessor, _INSTALLED, True)


def _install_slot_copy() -> None:
    if getattr(slots.Slot, _INSTALLED, False):
        return
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
    setattr(slots.Slot, _INSTALLED, True)


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
    if getattr(EndpointConfig, _INSTALLED, False):
        return

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
    setattr(EndpointConfig, _INSTALLED, True)
