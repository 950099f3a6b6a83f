"""bot.rasa_speed: the Rasa server's hot spots made cheap, with the same answers as Rasa's own."""
import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import Event, SlotSet, UserUttered

from bot import rasa_speed


def test_event_classes_are_found_as_rasa_finds_them_and_only_once(monkeypatch):
    rasa_speed.install()
    classes = rasa.shared.utils.common.all_subclasses(Event)
    expected = {}
    for cls in classes:  # Rasa's rule: the first class of that type name
        expected.setdefault(cls.type_name, cls)
    for type_name, cls in expected.items():
        assert Event.resolve_by_type(type_name) is cls

    walks = []
    monkeypatch.setattr(rasa.shared.utils.common, "all_subclasses",
                        lambda cls: walks.append(cls) or classes)
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("slot") is SlotSet
    assert walks == []  # remembered: no walk over the subclasses
    assert Event.from_parameters({"event": "slot", "name": "x", "value": 1}) == SlotSet("x", 1)


def test_unknown_event_types_behave_as_in_rasa():
    rasa_speed.install()
    with pytest.raises(ValueError, match="Unknown event name 'no-such-event'"):
        Event.resolve_by_type("no-such-event")
    assert Event.resolve_by_type("no-such-event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
