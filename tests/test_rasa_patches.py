"""bot.rasa.guard (a plain reply when the action server fails) and how every adaptation of Rasa
is installed (bot.rasa.install, bot/rasa/patches.py), without a server."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import bot.rasa
from bot import settings
from bot.rasa import guard, patches
from bot.settings import PROJECT_ROOT

bot.rasa.install()  # as the launcher does before Rasa starts


def test_install_applies_every_patch_each_with_a_marker_of_its_own():
    from bot.rasa import reading, speed

    every = [*guard.PATCHES, *reading.patches(), *speed.PATCHES]
    assert all(patch.applied() for patch in every)
    markers = [patch.marker for patch in every]
    assert len(set(markers)) == len(markers), markers
    assert bot.rasa.installed()


def test_the_version_the_patches_expect_is_the_one_pyproject_pins():
    assert f'"rasa=={patches.RASA_VERSION}"' in (PROJECT_ROOT / "pyproject.toml").read_text()


def test_a_function_not_as_recorded_is_refused_before_anything_changes():
    class Processor:
        def _run_action(self, action, tracker):  # a Rasa where it lost three parameters
            return True

    original = Processor._run_action
    patch = patches.Patch("_intake_test_run_action", Processor, lambda: setattr(
        Processor, "_run_action", None), expects=(patches.Expected(
            Processor, "_run_action", "(self, action, tracker, output_channel, nlg, prediction)"),))
    missing = patches.Patch("_intake_test_missing", Processor, lambda: None,
                            expects=(patches.Expected(Processor, "_parse_message_with_graph"),))
    with pytest.raises(patches.Unrecognised) as refused:
        patches.install([patch, missing])
    message = str(refused.value)
    assert "\n" not in message
    assert "Processor._run_action(self, action, tracker) (expected (self, action, tracker, " \
           "output_channel, nlg, prediction))" in message
    assert "Processor._parse_message_with_graph is missing" in message
    assert Processor._run_action is original and not patch.applied()


def test_another_rasa_version_is_refused(monkeypatch):
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    patch = patches.Patch("_intake_test_version", RemoteAction, lambda: None, expects=())
    with pytest.raises(patches.Unrecognised, match=r"Rasa 3\.6\.22 is installed; .* Rasa 3\.6\.21"):
        patches.install([patch])
    assert not patch.applied()


def test_signatures_are_written_without_annotations_or_values_from_the_environment():
    def function(self, a: int, b: str = "x", c: bool = True, d=None, e=60, *args, f, **kwargs):
        return None

    assert patches.signature_of(function) == "(self, a, b=..., c=True, d=None, e=..., *args, f, **kwargs)"


def test_a_channel_refuses_to_start_where_the_adaptations_are_not_installed(monkeypatch):
    from bot.channels.rest import RestInput

    monkeypatch.setattr(bot.rasa, "_installed", "")
    with pytest.raises(patches.NotInstalled, match=r"the REST channel needs .*python -m bot\.rasa run"):
        RestInput().blueprint(lambda message: None)


def launch(code: str, **env: str) -> subprocess.CompletedProcess:
    """Python code run in a process of its own (Rasa as a fresh process finds it)."""
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", **env})


def errors(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_the_launcher_refuses_another_rasa_with_one_line():
    result = launch("import sys, rasa\nrasa.__version__ = '3.7.0'\n"
                    "from bot.rasa.launcher import main\nsys.exit(main(['--version']))")
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert errors(result) == ["error: Rasa is not as the project's patches expect: Rasa 3.7.0 is "
                              "installed; the project's patches of Rasa are written for Rasa 3.6.21 "
                              "(pyproject.toml); see bot/rasa/patches.py"]


def test_the_launcher_refuses_a_patched_function_it_does_not_recognise():
    result = launch("import sys\nfrom rasa.core.processor import MessageProcessor\n"
                    "MessageProcessor._parse_message_with_graph = lambda self, message: None\n"
                    "from bot.rasa.launcher import main\nsys.exit(main(['--version']))")
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    [line] = errors(result)
    assert ("rasa.core.processor.MessageProcessor._parse_message_with_graph(self, message) "
            "(expected (self, message, tracker, only_output_properties=True))") in line


def test_a_speed_setting_it_cannot_read_is_one_line():
    result = launch("import sys\nfrom bot.rasa.launcher import main\nsys.exit(main(['--version']))",
                    INTAKE_RASA_SPEED="fast")
    assert result.returncode == 2
    assert errors(result) == ["error: INTAKE_RASA_SPEED: expected 1 or 0, not 'fast'"]


def test_rasa_started_without_the_launcher_refuses_to_serve_our_channels(trained_model, tmp_path):
    """`rasa run` loads the channels but installs nothing: one line, no unpatched server."""
    from tests.support.servers import free_port

    env = {s.name: s.default for s in settings.SETTINGS}
    env.update(os.environ, RASA_TELEMETRY_ENABLED="false",
               INTAKE_TRACKER_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
               FACEBOOK_APP_SECRET="s", FACEBOOK_VERIFY_TOKEN="v", FACEBOOK_PAGE_ACCESS_TOKEN="p")
    result = subprocess.run([sys.executable, "-m", "rasa", "run", "--model", str(trained_model),
                             "--port", str(free_port()), "--endpoints", "endpoints.yml",
                             "--credentials", "credentials.yml"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    said = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # Rasa's colours
    assert "Traceback" not in said
    assert [line for line in said.splitlines() if "NotInstalled" in line] == [
        "NotInstalled: the REST channel needs the project's adaptations of Rasa: start the server "
        "with `python -m bot.rasa run ...`, not `rasa run ...`"]


def test_loading_a_channel_installs_nothing():
    result = launch("import bot.channels.rest, bot.channels.webchat, bot.channels.facebook, bot.rasa\n"
                    "from rasa.core.processor import MessageProcessor\n"
                    "print(bool(bot.rasa.installed()), sorted(a for a in vars(MessageProcessor) "
                    "if a.startswith('_intake')))")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "False []"


def test_action_responses_are_still_validated_with_rasas_error():
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}],
                                           "responses": [{"text": "hi"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_the_slots_a_failed_turn_set_are_put_back():
    domain = Domain.from_dict({"slots": {"a": {"type": "text", "mappings": [{"type": "custom"}]},
                                         "b": {"type": "text", "mappings": [{"type": "custom"}]}}})
    tracker = DialogueStateTracker.from_events("s", [
        ActionExecuted("action_listen"), SlotSet("a", "kept"), UserUttered("first"),
        ActionExecuted("action_listen"), UserUttered("second"), SlotSet("a", "changed"),
        SlotSet("b", "new")], slots=domain.slots)
    restore = guard.slots_before_last_message(tracker)
    assert {(e.key, e.value) for e in restore} == {("a", "kept"), ("b", None)}


def test_the_apology_names_other_ways_to_reach_the_landlord():
    text = guard.apology()
    assert "kept" in text and "again" in text and "you can contact" in text


def test_a_hung_action_server_is_cut_off_and_counts_as_a_failure(monkeypatch):
    """Rasa would wait 5 minutes (and past the conversation's lock): the call ends after
    INTAKE_ACTION_TIMEOUT_SECONDS, and the guard takes it as the action server failing."""
    import asyncio
    import time

    from aiohttp import web
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.utils.endpoints import EndpointConfig

    import rasa.core.actions.action as rasa_action
    from tests.support.webhook import serve_webhook

    # (put back after the test: other tests in this process call actions with the default)
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)
    monkeypatch.setenv("INTAKE_ACTION_TIMEOUT_SECONDS", "1")
    guard.install()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 1

    async def scenario():
        release = asyncio.Event()

        async def hang(request):
            await release.wait()  # until the test is done with it
            return web.json_response({"events": [], "responses": []})

        runner, port = await serve_webhook(hang)
        action = RemoteAction("action_file_case", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        domain = Domain.from_dict({"actions": ["action_file_case"]})
        tracker = DialogueStateTracker.from_events("hung", [ActionExecuted("action_listen")])
        began = time.monotonic()
        try:
            await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                             tracker, domain)
        except Exception as error:  # noqa: BLE001 - examined below
            return error, time.monotonic() - began
        finally:
            release.set()
            await runner.cleanup()
        return None, time.monotonic() - began

    error, took = asyncio.run(scenario())
    assert error is not None and took < 10, (error, took)
    assert guard._is_action_server_failure(RemoteAction("action_file_case", None), error)


@pytest.mark.parametrize("token", ["-Q3x_starts-with-a-dash", "plain_token_0123456789"])
def test_the_launcher_gives_rasa_any_token_it_can_parse(monkeypatch, token):
    """A generated token may start with "-" (token_urlsafe): `make run` once failed with "rasa
    run: error: argument -t/--auth-token: expected one argument"."""
    from rasa.__main__ import create_argument_parser

    from bot.rasa.launcher import server_argv

    monkeypatch.setenv("RASA_API_TOKEN", token)
    args = create_argument_parser().parse_args(["run", *server_argv(["--enable-api", "--port", "5005"])])
    assert args.auth_token == token and args.enable_api
