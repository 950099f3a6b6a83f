"""A resident's existing case: status, stage 2 request, more information (logic: bot.intake.existing)."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.context import channel_of, latest_reading, now
from actions.threads import off_the_event_loop
from bot.cases.references import InvalidReference
from bot.intake import enquiries, existing, replies
from bot.intake.filing import case_store
from bot.policy import active_profile, wording

CASE_SLOTS = ("case_task", "case_reference", "verification", "review_reasons", "additional_information")


class ActionStartCaseTask(Action):
    def name(self) -> str:
        return "action_start_case_task"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        text = (tracker.latest_message or {}).get("text") or ""
        events: list[EventType] = [SlotSet(name, None) for name in CASE_SLOTS]
        task = existing.TASKS.get(intent, "status")
        if task == "status" and existing.about_an_application(text):
            # Nothing here to look up: where to ask instead (the form then ends: no task).
            dispatcher.utter_message(text=existing.APPLICATION_NOT_A_CASE)
            for message in enquiries.answer(active_profile(), text,
                                            (tracker.latest_message or {}).get("intent_ranking")):
                dispatcher.utter_message(**message)
            return events
        events.append(SlotSet("case_task", task))
        reference, _ = existing.find_reference(text)
        known = existing.known_answers(reference, tracker.slots)
        if known.get("verification"):
            dispatcher.utter_message(text=f"This is about {known['case_reference']}, the case you "
                                          "checked a moment ago.")
        return events + [SlotSet(name, value) for name, value in known.items()]


class ValidateExistingCaseForm(FormValidationAction):
    def name(self) -> str:
        return "validate_existing_case_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: dict[str, Any]) -> list[str]:
        locked = await asyncio.to_thread(existing.is_locked, case_store(), tracker.sender_id,
                                         tracker.get_slot("case_reference"))
        return existing.required_slots(tracker.slots, active_profile().stage2.reasons, locked=locked)

    def validate_case_reference(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
        got = latest_reading(tracker)
        if got is not None and got.kind == "unsure":
            dispatcher.utter_message(text=existing.no_reference_text(
                wording.contact_channels_text(active_profile())))
            return {"case_reference": None, "case_task": None}  # the form ends (required_slots)
        return self._apply(existing.check_reference(value), dispatcher)

    @off_the_event_loop
    def validate_verification(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
        return self._apply(existing.check_verification(case_store(), tracker.slots, value,
                                                       tracker.sender_id), dispatcher)

    def validate_review_reasons(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: dict[str, Any]) -> dict[str, Any]:
        # Reasons are invited, never required (Complaint Handling Code 6.12): "no" is an answer.
        return {"review_reasons": "" if existing.no_reasons(value) else value.strip()}

    @staticmethod
    def _apply(check: existing.Check, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        for text in check.messages:
            dispatcher.utter_message(text=text)
        return check.slots


class ActionRunCaseTask(Action):
    def name(self) -> str:
        return "action_run_case_task"

    @off_the_event_loop
    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        slots = tracker.slots
        clear = [SlotSet(name, None) for name in CASE_SLOTS]
        if not slots.get("case_task"):
            return clear  # ended without a reference: the resident was told what to do instead
        store = case_store()
        # Looked up again here, through the store's lockout: the form's answers are never taken
        # as proof on their own.
        try:
            found = store.look_up(tracker.sender_id, slots.get("case_reference") or "",
                                  slots.get("verification") or "")
        except InvalidReference:
            found = None
        if found is not None and found.locked:
            dispatcher.utter_message(text=existing.locked_message(
                wording.contact_channels_text(active_profile())))
            return clear
        case = found.case if found is not None else None
        if case is None:
            dispatcher.utter_message(text=existing.NOT_FOUND)
            return clear + [SlotSet("verified_reference", None), SlotSet("verified_check", None)]
        clear += [SlotSet("verified_reference", case.reference),
                  SlotSet("verified_check", slots.get("verification"))]
        profile = active_profile()
        task = slots.get("case_task")
        try:
            if task == "review":
                self._review(dispatcher, store, case, slots, profile, tracker)
            elif task == "add_information":
                self._add(dispatcher, store, case, slots, tracker)
            else:
                dispatcher.utter_message(text=existing.status_text(case, wording.format_date))
        except Exception as error:  # noqa: BLE001 - the resident must hear, whatever broke
            from bot.cases.store import InvalidTransition

            if isinstance(error, InvalidTransition):
                dispatcher.utter_message(text=existing.cannot_do_text(task, case, profile))
            else:
                dispatcher.utter_message(text=existing.not_saved_text(profile))
            return clear
        return clear

    @staticmethod
    def _review(dispatcher, store, case, slots, profile, tracker) -> None:
        updated = store.request_stage2(case.reference, reasons=slots.get("review_reasons") or None,
                                       channel=channel_of(tracker), conversation_id=tracker.sender_id)
        for message in replies.stage2_request_reply(profile, updated, now()):
            dispatcher.utter_message(**message)

    @staticmethod
    def _add(dispatcher, store, case, slots, tracker) -> None:
        result, merged = store.add_information(
            case.reference, slots.get("additional_information") or "", actor="resident",
            channel=channel_of(tracker), conversation_id=tracker.sender_id)
        if merged:
            dispatcher.utter_message(text=f"Thank you. I've added that to your case {case.reference}.")
        else:
            dispatcher.utter_message(text=(
                f"Thank you. As we've already responded on {case.reference}, I've opened a new case "
                f"for it, linked to the first: your new reference is {result.reference}."))
