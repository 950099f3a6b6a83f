"""Two hot spots of the Rasa 3.6 server under load, measured with py-spy, made cheap without
changing what they do:
- every action server response is checked against a JSON schema with `jsonschema.validate`,
  which first checks the schema itself, on every call (40 % of the server's time): this validates
  against a validator made once, with the same schema and the same error;
- every event read back from the tracker store finds its class by walking all of `Event`'s
  subclasses again (`Event.resolve_by_type`; 8 % of the server's time, growing with the length of
  the conversation): this remembers the class found for each type name."""
from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

_INSTALLED = "_intake_fast_validation"


def install() -> None:
    _install_event_lookup()
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
