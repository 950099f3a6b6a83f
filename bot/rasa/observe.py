"""The Rasa server's share of operations (docs/operations.md): its metrics endpoint
(INTAKE_METRICS_RASA_PORT), its log lines in INTAKE_LOG_FORMAT, and the classifier's fallbacks
counted.

Rasa sets its logging up itself (coloredlogs at start, then Sanic's handlers when it makes its
app), so the format is applied again once the app exists and before it serves."""
from __future__ import annotations

import logging

from bot.ops import logs, metrics

log = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"


def count_parse(parse: dict, text: object) -> None:
    """Count one typed message the classifier read, and whether it fell back."""
    if not isinstance(text, str) or not text.strip() or text.strip().startswith("/"):
        return
    metrics.NLU_MESSAGES.inc()
    if (parse.get("intent") or {}).get("name") == FALLBACK_INTENT:
        metrics.NLU_FALLBACKS.inc()


def _format_logs_of_the_app() -> None:
    import rasa.core.run

    original = rasa.core.run.configure_app

    def configure_app(*args, **kwargs):
        from bot.rasa import installed

        app = original(*args, **kwargs)
        logs.apply("rasa")
        log.info("%s", installed() or "Rasa not adapted: bot.rasa.install() did not run")

        async def again(*_):  # Sanic may have set its own handlers up after configure_app
            logs.apply("rasa")

        app.register_listener(again, "before_server_start")
        return app

    rasa.core.run.configure_app = configure_app


def install() -> None:
    """For `rasa run`: serve the metrics, and format the logs once Rasa made its app."""
    import rasa.core.run

    from bot.rasa import patches

    patch = patches.Patch("_intake_observe_configure_app", rasa.core.run, _format_logs_of_the_app,
                          expects=(patches.Expected(rasa.core.run, "configure_app"),))
    if patch.applied():
        return
    patches.install((patch,))
    logs.apply("rasa")
    metrics.serve("rasa")
