"""What the mock upstream answers to one request, before any dialect shapes it.

An answer is planned from the request alone (plus the prompt-cache memory), so the same request
always gets the same content. Token counting is the mock's own and deliberately simple: one
generated word is one token, scripted text and tool arguments cost one token per 4 characters,
prompts cost one token per 4 characters of their strings plus a few per message. Whatever the
mock bills is what it reports, so a gateway can be checked against it exactly.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Stop = Literal["stop", "length", "tool_calls"]

_CORPUS = (
    "Here is what I found after looking at the code. The function reads the whole file into memory "
    "before parsing it, which explains the slowdown on large inputs. I would stream the file line by "
    "line instead and keep only the running totals. Let me know if you want me to apply that change. "
    "Sure, I can help with that. The quickest fix is to add a guard at the top of the handler and "
    "return early when the request has no body. That keeps the happy path unchanged and makes the "
    "error visible to the caller. I ran the tests again and two of them still fail. Both failures "
    "come from the same fixture, which assumes the clock never moves backwards. Pinning the time in "
    "that fixture should make them pass reliably. Based on the logs, the retries start after the "
    "third timeout and never back off. A capped exponential backoff with jitter would stop the "
    "bursts you are seeing. I have drafted the plan below. First, we collect the failing cases. "
    "Then we write a small reproduction, fix the parser, and add a regression test for each case. "
    "The summary is short: the cache key ignores the locale, so two users can see each other's "
    "results. Adding the locale to the key fixes it without a migration. Good question. The numbers "
    "differ because one report counts sessions while the other counts requests, and a session can "
    "hold many requests. I would label both charts clearly so nobody compares them directly."
)
_WORDS = tuple(" " + word for word in _CORPUS.split())
_SENTENCE_STARTS = tuple(i for i, word in enumerate(_WORDS) if i == 0 or _WORDS[i - 1].endswith((".", "?")))
_REASONING_MODEL = re.compile(r"^o\d|reason|gpt-5|gemini-(2\.5|3)")

# Providers only cache long prompts (both document a 1,024-token minimum); OpenAI in 128-token steps.
CACHE_MIN_TOKENS = 1024
_OPENAI_CACHE_STEP = 128


@dataclass(slots=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, possibly cut short by max_tokens
    tokens: int


@dataclass(slots=True)
class Plan:
    """One answer: content, stop reason and the usage the mock bills for it."""

    model: str
    text_pieces: list[str]  # the visible text, one token per piece
    tool_calls: list[ToolCall]
    stop: Stop
    input_tokens: int  # every prompt token, cached reads and cache writes included
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    seed: int = 0
    digest: str = ""
    answers: int = 1  # OpenAI `n`: this answer that many times, each billed

    @property
    def text(self) -> str:
        return "".join(self.text_pieces)

    @property
    def output_tokens(self) -> int:
        """One answer's output."""
        return len(self.text_pieces) + sum(call.tokens for call in self.tool_calls) + self.reasoning_tokens

    @property
    def billed_output_tokens(self) -> int:
        return self.output_tokens * self.answers


@dataclass(slots=True)
class AnswerOptions:
    reply: dict[str, Any] | None = None  # scripted {"content": ..., "tool_calls": [...]}
    output_tokens: int | None = None  # force the visible text's length
    ignore_max_tokens: bool = False


class PromptCache:
    """Which prompt prefixes the mock has 'seen', so repeats are billed as cache reads."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._capacity = capacity

    def hit(self, key: bytes) -> bool:
        if key in self._seen:
            return True
        self._seen[key] = None
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return False

    def clear(self) -> None:
        self._seen.clear()


@dataclass(slots=True)
class _Scan:
    """Walks a request's prompt once: counts characters, hashes content, notes cache points."""

    chars: int = 0
    hasher: Any = field(default_factory=lambda: hashlib.blake2b(digest_size=16))
    marks: list[tuple[int, bytes]] = field(default_factory=list)

    def feed(self, node: Any) -> None:
        if isinstance(node, str):
            self.chars += len(node)
            self.hasher.update(node.encode())
        elif isinstance(node, list):
            for item in node:
                self.feed(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key != "cache_control":
                    self.hasher.update(key.encode())
                    self.feed(value)
            if "cache_control" in node:
                self.mark()
        elif node is not None:
            self.hasher.update(repr(node).encode())

    def mark(self) -> None:
        self.marks.append((self.chars, self.hasher.copy().digest()))


def is_reasoning_model(model: str) -> bool:
    return _REASONING_MODEL.search(model) is not None


def prompt_tokens(chars: int, messages: int, body_len: int) -> int:
    return min(body_len, -(-chars // 4) + 3 * messages + 3)


def words(seed: int, count: int) -> list[str]:
    """`count` corpus words starting at a sentence chosen by `seed`, the first without its space."""
    start = _SENTENCE_STARTS[seed % len(_SENTENCE_STARTS)]
    n = len(_WORDS)
    pieces = [_WORDS[(start + i) % n] for i in range(count)]
    if pieces:
        pieces[0] = pieces[0].lstrip()
    return pieces


def plan_answer(
    req: dict[str, Any],
    dialect: Literal["openai", "anthropic"],
    body_len: int,
    opts: AnswerOptions,
    cache: PromptCache,
) -> Plan:
    model = str(req.get("model", ""))
    messages = req.get("messages") or []
    tools = _tool_specs(req.get("tools"), dialect)
    scan = _Scan()
    scan.feed(model)
    scan.feed(req.get("tools"))
    scan.feed(req.get("system"))
    scan.feed(messages[:-1])
    prefix_chars = scan.chars
    prefix_key = scan.hasher.copy().digest()
    scan.feed(messages[-1:])
    digest = scan.hasher.digest()
    seed = int.from_bytes(digest[:8], "big")
    n_messages = len(messages) + (1 if req.get("system") else 0)
    plan = Plan(model, [], [], "stop", prompt_tokens(scan.chars, n_messages, body_len), seed=seed, digest=digest.hex())

    if dialect == "openai":
        prefix_tokens = -(-prefix_chars // 4)
        if plan.input_tokens >= CACHE_MIN_TOKENS and prefix_tokens >= CACHE_MIN_TOKENS and cache.hit(prefix_key):
            plan.cached_tokens = min(plan.input_tokens, prefix_tokens) // _OPENAI_CACHE_STEP * _OPENAI_CACHE_STEP
        if is_reasoning_model(model):
            plan.reasoning_tokens = 16 + seed % 112
        limit = req.get("max_completion_tokens") or req.get("max_tokens")
        plan.answers = req.get("n") or 1
    else:
        if scan.marks:
            chars, key = scan.marks[-1]
            cached = min(plan.input_tokens, -(-chars // 4))
            if cached >= CACHE_MIN_TOKENS:
                if cache.hit(key):
                    plan.cached_tokens = cached
                else:
                    plan.cache_write_tokens = cached
        limit = req.get("max_tokens")

    _fill_content(plan, req, dialect, tools, messages, opts)
    if isinstance(limit, int) and limit >= 0:
        if opts.ignore_max_tokens:
            overflow = limit + max(1, limit // 2) - len(plan.text_pieces)
            if overflow > 0:
                plan.text_pieces += words(seed + 1, overflow + 1)[1:]
        else:
            _apply_limit(plan, limit)
    return plan


def _fill_content(
    plan: Plan,
    req: dict[str, Any],
    dialect: str,
    tools: list[tuple[str, dict[str, Any]]],
    messages: list[Any],
    opts: AnswerOptions,
) -> None:
    seed = plan.seed
    prefix = "call_" if dialect == "openai" else "toolu_"
    reply = opts.reply
    if reply is not None and isinstance(reply.get("shell"), str):
        reply = shell_reply(reply["shell"], tools)
    if reply is not None:
        content = reply.get("content")
        if isinstance(content, str) and content:
            plan.text_pieces = [content[i : i + 4] for i in range(0, len(content), 4)]
        for i, call in enumerate(reply.get("tool_calls") or []):
            args = call.get("arguments", {})
            text = args if isinstance(args, str) else orjson.dumps(args).decode()
            plan.tool_calls.append(_tool_call(f"{prefix}{plan.digest[:20]}{i:02d}", str(call["name"]), text))
    elif tools and _wants_tool(req, dialect, messages):
        name, schema = _chosen_tool(req, dialect, tools, seed)
        args = orjson.dumps(_object_value(schema, seed)).decode()
        plan.tool_calls.append(_tool_call(f"{prefix}{plan.digest[:22]}", name, args))
    else:
        plan.text_pieces = words(seed, 12 + (seed >> 8) % 52)
    if opts.output_tokens is not None:
        want = max(0, opts.output_tokens)
        pieces = plan.text_pieces[:want]
        if len(pieces) < want:
            pieces += words(seed + 1, want - len(pieces) + 1)[1:]
        plan.text_pieces = pieces
    if plan.tool_calls:
        plan.stop = "tool_calls"


# Shell tools of the harnesses measured (docs/agents.md), most specific first.
_SHELL_TOOLS = ("bash", "exec", "shell", "run_shell_command", "exec_command", "terminal")
_COMMAND_FIELDS = ("command", "cmd")


def shell_reply(command: str, tools: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """A "stuck model" that works for any harness: ask it to run `command`, through its own shell
    tool when it has one (arguments shaped by the tool's schema), else in a ```bash block of text."""
    ranked = sorted(
        (_SHELL_TOOLS.index(name.lower()), name, schema) for name, schema in tools if name.lower() in _SHELL_TOOLS
    )
    for _, name, schema in ranked:
        properties = schema.get("properties") or {}
        field = next((f for f in _COMMAND_FIELDS if f in properties), None)
        if field is not None:
            value: Any = ["bash", "-lc", command] if properties[field].get("type") == "array" else command
            return {"tool_calls": [{"name": name, "arguments": {field: value}}]}
    return {"content": f"Let me run the tests again.\n\n```bash\n{command}\n```"}


def _tool_call(call_id: str, name: str, arguments: str) -> ToolCall:
    return ToolCall(call_id, name, arguments, max(1, -(-(len(name) + len(arguments)) // 4)))


def _apply_limit(plan: Plan, limit: int) -> None:
    plan.reasoning_tokens = min(plan.reasoning_tokens, limit // 2)
    budget = limit - plan.reasoning_tokens
    if len(plan.text_pieces) > budget:
        plan.text_pieces = plan.text_pieces[:budget]
        plan.tool_calls = []
        plan.stop = "length"
        return
    budget -= len(plan.text_pieces)
    for i, call in enumerate(plan.tool_calls):
        if call.tokens <= budget:
            budget -= call.tokens
            continue
        plan.stop = "length"
        if budget <= 0:
            del plan.tool_calls[i:]
            return
        call.arguments = call.arguments[: max(0, budget * 4 - len(call.name))]
        call.tokens = budget
        del plan.tool_calls[i + 1 :]
        return


def _tool_specs(tools: Any, dialect: str) -> list[tuple[str, dict[str, Any]]]:
    specs: list[tuple[str, dict[str, Any]]] = []
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict):
            continue
        if dialect == "openai":
            function = tool.get("function")
            if tool.get("type") == "function" and isinstance(function, dict) and "name" in function:
                specs.append((str(function["name"]), function.get("parameters") or {}))
        elif "name" in tool and "input_schema" in tool:
            specs.append((str(tool["name"]), tool["input_schema"] or {}))
    # A schema that is not an object describes no arguments (a provider would refuse it).
    return [(name, schema if isinstance(schema, dict) else {}) for name, schema in specs]


def _wants_tool(req: dict[str, Any], dialect: str, messages: list[Any]) -> bool:
    """Call a tool unless told not to or the last message already is a tool's result."""
    choice = req.get("tool_choice")
    if choice == "none" or (isinstance(choice, dict) and choice.get("type") == "none"):
        return False
    if choice == "required" or (isinstance(choice, dict) and choice.get("type") in ("any", "tool", "function")):
        return True
    last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
    if dialect == "openai":
        return last.get("role") != "tool"
    content = last.get("content")
    return not (
        isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
    )


def _chosen_tool(
    req: dict[str, Any], dialect: str, tools: list[tuple[str, dict[str, Any]]], seed: int
) -> tuple[str, dict[str, Any]]:
    choice = req.get("tool_choice")
    if isinstance(choice, dict):
        wanted = choice.get("name") if dialect == "anthropic" else (choice.get("function") or {}).get("name")
        for name, schema in tools:
            if name == wanted:
                return name, schema
    return tools[seed % len(tools)]


def _object_value(schema: dict[str, Any], seed: int) -> dict[str, Any]:
    props = schema.get("properties")
    if not isinstance(props, dict):
        return {}
    required = schema.get("required")
    names = [key for key in (required if isinstance(required, list) else props) if isinstance(key, str)]
    return {
        key: _value(props[key], key, seed + i * 7919) for i, key in enumerate(names) if isinstance(props.get(key), dict)
    }


def _value(schema: dict[str, Any], name: str, seed: int) -> Any:
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[seed % len(enum)]
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "integer":
        return seed % 100
    if kind == "number":
        return (seed % 1000) / 10
    if kind == "boolean":
        return seed % 2 == 0
    if kind == "array":
        items = schema.get("items")
        return [_value(items if isinstance(items, dict) else {}, name, seed)]
    if kind == "object":
        return _object_value(schema, seed)
    text = "".join(words(seed, 2 + seed % 4)).strip(".,?")
    if "path" in name or "file" in name:
        return "src/" + text.split()[-1].lower().strip(".,?'") + ".py"
    return text
