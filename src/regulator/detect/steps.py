"""Pairing each action with the observation that answered it.

The observation of the action in call k's answer arrives in call k+1's request, so a step is
complete one call after it was issued. `StepTracker` keeps, per session, only the actions still
waiting for their results.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from regulator.detect.messages import Action, Observation, parse
from regulator.detect.normalise import clip, command_key, digest, normalise_lines, without_line_numbers
from regulator.events import CallEvent

NO_ACTION = "<no action>"


@lru_cache(maxsize=8192)
def action_key(tool: str, text: str) -> str:
    return tool + ":" + command_key(text)


@lru_cache(maxsize=8192)
def observation_lines(text: str) -> tuple[str, ...]:
    """A result as every detector compares it: head and tail, volatile text and gutters normalised."""
    return tuple(normalise_lines(clip(text)))


@lru_cache(maxsize=8192)
def observation_view(text: str) -> str:
    return " ".join(observation_lines(text))


@lru_cache(maxsize=8192)
def observation_digest(text: str) -> str:
    return digest(without_line_numbers(observation_view(text)))


@dataclass(slots=True, frozen=True)
class Step:
    seq: int  # the call whose answer issued the action
    action: Action | None
    observation: Observation

    @property
    def action_key(self) -> str:
        return NO_ACTION if self.action is None else action_key(self.action.tool, self.action.text)

    @property
    def observation_key(self) -> str:
        return observation_digest(self.observation.text)

    @property
    def command(self) -> str:
        return "" if self.action is None else self.action.text


class StepTracker:
    def __init__(self) -> None:
        self._pending: dict[str, tuple[int, list[Action]]] = {}

    def advance(self, event: CallEvent) -> list[Step]:
        """The steps this call completes; remembers this call's actions for the next one."""
        parsed = parse(event)
        session = event.record.session
        seq, waiting = self._pending.get(session, (event.seq - 1, []))
        steps: list[Step] = []
        for i, observation in enumerate(parsed.observations):
            action = waiting[i] if i < len(waiting) else None
            steps.append(Step(seq, action, observation))
        self._pending[session] = (event.seq, parsed.actions)
        return steps

    def forget(self, session: str) -> None:
        self._pending.pop(session, None)
