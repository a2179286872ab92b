"""A looping agent — the same failing tool call again and again — is paused whichever API it speaks:
the detectors read chat `tool_calls`, Responses `function_call` / `function_call_output` items and
Gemini `functionCall` / `functionResponse` parts alike."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest
from google import genai
from google.genai import errors, types

from conftest import RunningGateway

COMMAND = {"cmd": "python -m pytest tests/test_parser.py -q"}
FAILURE = (
    "ImportError while importing test module '/testbed/tests/test_parser.py'.\n"
    "E   ModuleNotFoundError: No module named 'parser._speedups'\n"
    "1 error in 0.12s"
)
TOOL = {
    "name": "run_shell",
    "description": "Run a command",
    "schema": {"type": "object", "properties": {"cmd": {"type": "string"}}},
}
MAX_CALLS = 30


class Paused(Exception):
    pass


async def chat_agent(gw: RunningGateway) -> int:
    client = openai.AsyncOpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    tools = [{"type": "function", "function": {"name": TOOL["name"], "parameters": TOOL["schema"]}}]
    messages: list[Any] = [{"role": "user", "content": "Make the parser tests pass."}]
    for calls in range(MAX_CALLS):
        try:
            answer = await client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=tools)
        except openai.BadRequestError as exc:  # a pause is a final refusal
            assert exc.body["code"] == "agent_paused", exc.body
            return calls
        message = answer.choices[0].message
        messages.append(message.model_dump(exclude_none=True))
        messages += [{"role": "tool", "tool_call_id": c.id, "content": FAILURE} for c in message.tool_calls]
        await asyncio.sleep(0.05)  # the detectors run beside the calls
    raise AssertionError("never paused")


async def responses_agent(gw: RunningGateway) -> int:
    client = openai.AsyncOpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    tools = [{"type": "function", "name": TOOL["name"], "parameters": TOOL["schema"]}]
    items: list[Any] = [{"role": "user", "content": "Make the parser tests pass."}]
    for calls in range(MAX_CALLS):
        try:
            response = await client.responses.create(model="gpt-5.1-codex-mini", input=items, tools=tools)
        except openai.BadRequestError as exc:  # a pause is a final refusal
            assert exc.body["code"] == "agent_paused", exc.body
            return calls
        for item in response.output:
            items.append(item.model_dump(exclude_none=True))
            if item.type == "function_call":
                items.append({"type": "function_call_output", "call_id": item.call_id, "output": FAILURE})
        await asyncio.sleep(0.05)
    raise AssertionError("never paused")


async def chained_responses_agent(gw: RunningGateway) -> int:
    """Sends only what is new, continuing the stored conversation by `previous_response_id`."""
    client = openai.AsyncOpenAI(base_url=gw.url + "/v1", api_key=gw.key, max_retries=0)
    tools = [{"type": "function", "name": TOOL["name"], "parameters": TOOL["schema"]}]
    new: list[Any] = [{"role": "user", "content": "Make the parser tests pass."}]
    previous: str | None = None
    for calls in range(MAX_CALLS):
        try:
            response = await client.responses.create(
                model="gpt-5.1-codex-mini", input=new, tools=tools, previous_response_id=previous
            )
        except openai.BadRequestError as exc:  # a pause is a final refusal
            assert exc.body["code"] == "agent_paused", exc.body
            return calls
        previous = response.id
        new = [
            {"type": "function_call_output", "call_id": item.call_id, "output": FAILURE}
            for item in response.output
            if item.type == "function_call"
        ]
        await asyncio.sleep(0.05)
    raise AssertionError("never paused")


async def gemini_agent(gw: RunningGateway) -> int:
    client = genai.Client(api_key=gw.key, http_options=types.HttpOptions(base_url=gw.url))
    declaration = types.FunctionDeclaration(name=TOOL["name"], parameters_json_schema=TOOL["schema"])
    config = types.GenerateContentConfig(tools=[types.Tool(function_declarations=[declaration])])
    contents: list[Any] = [types.Content(role="user", parts=[types.Part(text="Make the parser tests pass.")])]
    try:
        for calls in range(MAX_CALLS):
            try:
                answer = await client.aio.models.generate_content(
                    model="gemini-2.5-flash", contents=contents, config=config
                )
            except errors.ClientError as exc:
                assert exc.details["error"]["details"][0]["reason"] == "agent_paused", exc.details
                assert exc.status == "RESOURCE_EXHAUSTED"
                return calls
            contents.append(answer.candidates[0].content)
            results = [
                types.Part.from_function_response(name=call.name, response={"error": FAILURE})
                for call in answer.function_calls or []
            ]
            contents.append(types.Content(role="user", parts=results))
            await asyncio.sleep(0.05)
    finally:
        await client.aio.aclose()
    raise AssertionError("never paused")


@pytest.mark.parametrize(
    "agent", [chat_agent, responses_agent, chained_responses_agent, gemini_agent], ids=lambda f: f.__name__
)
async def test_an_agent_repeating_a_failing_call_is_paused(gateway: RunningGateway, mock_upstream, agent) -> None:
    mock_upstream.app.script({"tool_calls": [{"name": "run_shell", "arguments": COMMAND}]})
    calls = await agent(gateway)
    assert 3 <= calls < MAX_CALLS
    incidents = gateway.gateway.store.list_incidents(0, agent="agent-1")
    assert any(i.action == "pause" for i in incidents)
    gateway.gateway.ledger.flush()
    assert len({row.session for row in gateway.gateway.store.iter_records(0)}) == 1, "one run, one session"
    print(f"{agent.__name__}: paused after {calls} calls")
