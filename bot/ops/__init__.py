"""Operations: the Prometheus metrics every process exports (`bot.ops.metrics`) and the log line
format (`bot.ops.logs`). A leaf like bot.settings: it imports nothing else of the project, so any
package may count what it does here (see docs/operations.md)."""
