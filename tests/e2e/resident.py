"""A resident talking to the assistant over the REST channel, as a person would."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field


@dataclass
class Resident:
    stack: object
    sender: str = field(default_factory=lambda: f"resident-{uuid.uuid4().hex[:10]}")
    transcript: list[tuple[str, list[dict]]] = field(default_factory=list)

    def say(self, message: str) -> list[dict]:
        replies = self.stack.say(self.sender, message)
        self.transcript.append((message, replies))
        return replies

    def text(self, message: str) -> str:
        return "\n".join(r.get("text", "") for r in self.say(message))

    def last_buttons(self) -> list[dict]:
        for reply in reversed(self.transcript[-1][1]):
            if reply.get("buttons"):
                return reply["buttons"]
        return []

    def answer(self, message: str, expect_next: str | None = None) -> str:
        """Say something and check the assistant's next question contains `expect_next`."""
        said = self.text(message)
        if expect_next is not None:
            assert expect_next.lower() in said.lower(), self.dump(f"expected {expect_next!r}")
        return said

    def choose(self, choice: str, expect_next: str | None = None) -> str:
        return self.answer(f'/inform{json.dumps({"choice": choice})}', expect_next)

    def start(self, message: str, kind: str, expect_next: str) -> str:
        """Open with a message; if the assistant asks which kind it is, pick `kind`."""
        said = self.text(message)
        if expect_next.lower() not in said.lower():
            payloads = [b["payload"] for b in self.last_buttons()]
            assert f"/{kind}" in payloads, self.dump(f"neither {expect_next!r} nor a clarifying question")
            said = self.text(f"/{kind}")
        assert expect_next.lower() in said.lower(), self.dump(f"expected {expect_next!r}")
        return said

    def dump(self, why: str) -> str:
        lines = [why, f"conversation {self.sender}:"]
        for message, replies in self.transcript[-6:]:
            lines.append(f"  resident: {message}")
            lines += [f"  bot: {r.get('text')} {[b['title'] for b in r.get('buttons', [])]}" for r in replies]
        return "\n".join(lines)
