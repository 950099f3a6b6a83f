"""Operations: the Prometheus metrics every process exports (`bot.ops.metrics`), the log line
format (`bot.ops.logs`), and the operational commands of `python -m bot`: `env` (`envfile`),
`check` (`preflight`), `ready`, `model` and `nginx-config` (`loadbalancer`).

A leaf like bot.settings: it imports nothing else of the project, so any package may count what
it does here (see docs/operations.md). The exception is `preflight`, which checks every part
before a start; nothing here imports it (docs/architecture.md)."""


def observe(process: str, *, level: str | None = None, backlog=None, overdue=None,
            abandoned=None) -> None:
    """Set up a command-line process's logging (INTAKE_LOG_FORMAT) and serve its metrics, with
    the store figures it reads at each scrape. A setting that cannot be used is a SettingError
    naming it; a metrics port that cannot be opened is logged and the process goes on."""
    from bot.ops import logs, metrics

    logs.configure(process, level=level)
    metrics.watch_store(backlog=backlog, overdue=overdue, abandoned=abandoned)
    metrics.serve(process)
