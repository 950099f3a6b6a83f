"""bot.rasa.speed: the Rasa server's hot spots made cheap, with the same answers as Rasa's own."""
import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import Event, SlotSet, UserUttered

from bot.rasa import speed


def test_event_classes_are_found_as_rasa_finds_them_and_only_once(monkeypatch):
    speed.install()
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
    speed.install()
    with pytest.raises(ValueError, match="Unknown event name 'no-such-event'"):
        Event.resolve_by_type("no-such-event")
    assert Event.resolve_by_type("no-such-event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None


def test_slots_are_copied_as_copy_copy_copies_them():
    import copy

    from rasa.shared.core import slots
    from rasa.shared.core.domain import Domain

    from bot.settings import PROJECT_ROOT

    speed.install()
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    assert len({type(slot) for slot in domain.slots}) >= 3
    for slot in domain.slots:
        copied = copy.copy(slot)
        generic = copy._reconstruct(slot, None, *slot.__reduce_ex__(4))  # copy.copy without __copy__
        assert type(copied) is type(slot) and copied is not slot
        assert vars(copied) == vars(generic) == vars(slot)
        assert copied.mappings is slot.mappings  # shallow, as copy.copy is
    original = next(s for s in domain.slots if isinstance(s, slots.TextSlot))
    copied = copy.copy(original)
    copied.value = "changed on the copy"
    assert original.value != "changed on the copy"


def test_a_slot_class_of_someone_elses_keeps_its_own_copying():
    import copy

    from rasa.shared.core.slots import TextSlot

    speed.install()

    class RememberingSlot(TextSlot):
        def __setstate__(self, state):
            self.__dict__.update(state, restored=True)

    slot = RememberingSlot("note", mappings=[])
    assert copy.copy(slot).__dict__.get("restored") is True


def test_calls_to_an_endpoint_reuse_one_connection_and_survive_its_restart():
    """The action server sees one connection for a run of calls (not one per call), and a new
    one after it restarted; headers and token are sent as Rasa sends them."""
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    from tests.support.webhook import serve_webhook

    speed.install()
    seen = []

    async def answer(request):
        seen.append((request.transport.get_extra_info("peername"), request.headers.get("X-Who"),
                     request.query.get("token"), await request.json()))
        return web.json_response({"events": [], "responses": []})

    endpoints = []

    async def scenario():
        runner, port = await serve_webhook(answer)
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Who": "rasa"},
                                  token="secret")
        endpoints.append((endpoint, port))
        for n in range(5):
            assert await endpoint.request(json={"n": n}, method="post") == {"events": [], "responses": []}
        await runner.cleanup()  # the action server restarts: its connections close
        runner, _ = await serve_webhook(answer, port)
        assert await endpoint.request(json={"n": 5}, method="post") == {"events": [], "responses": []}
        await runner.cleanup()

    async def in_another_event_loop():
        endpoint, port = endpoints[0]
        runner, _ = await serve_webhook(answer, port)
        assert await endpoint.request(json={"n": 6}, method="post") == {"events": [], "responses": []}
        await runner.cleanup()

    asyncio.run(scenario())
    asyncio.run(in_another_event_loop())  # (a session belongs to the loop that made it)
    assert [body["n"] for *_, body in seen] == list(range(7))
    assert {(who, token) for _, who, token, _ in seen} == {("rasa", "secret")}
    connections = [peer for peer, *_ in seen]
    assert len(set(connections[:5])) == 1  # one connection for the first five calls
    assert connections[5] != connections[0]  # a new one after the restart


def _sample_responses() -> list:
    """Every kind of event Rasa knows, as an action server sends it, then each broken in the
    ways an action server could break it, whole responses broken too."""
    import copy

    from rasa.shared.core import events as ev

    good = [ev.UserUttered("hi", {"name": "greet", "confidence": 0.9}, [{"entity": "postcode", "value": "M1 1AE",
                                                                         "start": 0, "end": 6}]),
            ev.ActionExecuted("action_listen"), ev.SlotSet("name", "Sam"), ev.SlotSet("n", 3),
            ev.SlotSet("empty", None), ev.EntitiesAdded([{"entity": "phone", "value": "07700 900123"}]),
            ev.DefinePrevUserUtteredFeaturization(True), ev.ReminderCancelled(name="r"),
            ev.ReminderScheduled("remind", trigger_date_time=__import__("datetime").datetime(2026, 12, 3)),
            ev.ActionExecutionRejected("action_x"), ev.ActiveLoop("intake_form"), ev.ActiveLoop(None),
            ev.LoopInterrupted(True), ev.AllSlotsReset(), ev.ConversationResumed(), ev.ConversationPaused(),
            ev.FollowupAction("action_y"), ev.StoryExported(), ev.Restarted(), ev.UserUtteranceReverted(),
            ev.ActionReverted(), ev.BotUttered("hello", {"buttons": [{"title": "Yes", "payload": "/affirm"}]}),
            ev.SessionStarted(), ev.AgentUttered("x")]
    events = [e.as_dict() for e in good] + [{"event": "form", "name": "f"}, {"event": "form_validation",
                                                                            "validate": False}]
    responses = [{"text": "hi"}, {"text": "Yes?", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
                 {"response": "utter_greet"}, {"custom": {"x": 1}}, {"image": "https://example.org/a.png"}]
    samples = [{"events": events, "responses": responses}, {"events": [], "responses": []}, {},
               {"events": events[:3]}, {"responses": responses}]
    broken_events = []
    for event in events:
        for change in ({"event": None}, {"event": 3}, {"event": "no_such_event"}, {"event": ["slot"]},
                       {"timestamp": "yesterday"}, {"metadata": []}, {"name": 5}, {"text": 7},
                       {"value": object.__name__}, {"parse_data": "x"}, {"policy": 1}, {"confidence": "high"},
                       {"data": 3}, {"validate": "no"}, {"entities": {}}):
            broken = {**copy.deepcopy(event), **change}
            broken_events.append(broken)
        without_name = {k: v for k, v in event.items() if k != "event"}
        broken_events.append(without_name)
    for broken in broken_events:
        samples.append({"events": [events[0], broken], "responses": []})
    samples += [{"events": "not a list"}, {"events": [1, "x", None, []]}, {"responses": "x"},
                {"responses": [{"text": 3}]}, {"responses": [{"buttons": "x"}]}, [], "x", None, 3,
                {"events": [{"event": "slot", "name": "a", "value": 1}], "responses": [1]}]
    return samples


def test_action_responses_are_judged_as_rasas_schema_judges_them():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    whole_schema = validator_for(spec)(spec)
    quick = speed.response_checker(spec)
    samples = _sample_responses()
    verdicts = [whole_schema.is_valid(sample) for sample in samples]
    assert verdicts.count(True) >= 5 and verdicts.count(False) >= 100  # both kinds are tried
    for sample, verdict in zip(samples, verdicts):
        assert quick(sample) == verdict, sample


def test_a_schema_of_another_shape_is_checked_whole():
    spec = {"type": "object", "properties": {"events": {"type": "array", "items": {"type": "object"}}}}
    quick = speed.response_checker(spec)
    assert quick({"events": [{}]}) and not quick({"events": [1]})


# --- the same conversation with the speed patches switched off (INTAKE_RASA_SPEED=0) -------------

@pytest.fixture(scope="module")
def plain_stack(trained_model, tmp_path_factory):
    """A second stack whose Rasa server runs Rasa's own code at every hot spot."""
    from tests.support.servers import another_stack

    yield from another_stack("plain", trained_model, tmp_path_factory, INTAKE_RASA_SPEED="0")


def a_comment(stack, sender: str) -> list:
    """A short conversation (typed text, button payloads, the form, its checks and the filing on
    the action server); what the assistant said, with the case reference left out."""
    import re

    from tests.e2e.resident import Resident

    resident = Resident(stack, sender=sender)
    resident.start("I have a suggestion", "comment", "which of our services or policies")
    resident.answer("the grounds maintenance", "your suggestion or comment")
    resident.answer("Please put more bins near the play area on the estate", "contact details")
    resident.answer("/deny", "is that right")
    resident.answer("/affirm", "reference")
    reference = re.compile(r"\b[A-Z]{3}-[A-Z0-9]{5}-[A-Z0-9]\b")
    return [(said, [{key: reference.sub("REF", value) if isinstance(value, str) else value
                     for key, value in reply.items()} for reply in replies])
            for said, replies in resident.transcript]


def test_a_conversation_goes_the_same_with_and_without_the_speed_patches(rasa_stack, plain_stack):
    assert "no speed patches (INTAKE_RASA_SPEED=0)" in plain_stack.log("rasa")
    assert "the speed patches" in rasa_stack.log("rasa")
    fast = a_comment(rasa_stack, "speed-both-ways")
    plain = a_comment(plain_stack, "speed-both-ways")
    assert fast == plain
    assert any("REF" in (reply.get("text") or "") for reply in fast[-1][1])  # filed both times
