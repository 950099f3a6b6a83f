"""Rasa 3.6 checks every action server response against a JSON schema with
`jsonschema.validate`, which first checks the schema itself, on every call: measured with py-spy
under load, that was 40 % of the Rasa server's time. This validates against a validator made once,
with the same schema and the same error, so the responses are checked as strictly as before."""
from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_INSTALLED = "_intake_fast_validation"


def install() -> None:
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
