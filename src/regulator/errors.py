"""Every error regulator answers with, each knowing its HTTP status and how to render in a dialect.

    RegulatorError                       500 api_error
    ├── BadRequest                       400 invalid_request_error
    │   ├── InvalidJSON                  400
    │   ├── UnknownModelPrice            400 (a routed model with no price)
    │   └── BodyTooLarge                 413
    ├── Unauthorized                     401 authentication_error (unknown key)
    ├── Forbidden                        403 permission_error (revoked key)
    ├── NotFound                         404 not_found_error (unknown model)
    │   └── RouteNotFound                404 not_found (no such route)
    ├── Refused                          429 with Retry-After when it clears soon, else final (FINAL)
    │   ├── BudgetExceeded               code budget_exceeded
    │   ├── RateLimited                  code rate_limit_exceeded
    │   ├── AgentPaused                  code agent_paused
    │   └── AgentKilled                  code agent_killed
    ├── CountersUnavailable              503 counters_unavailable (Redis down, fail closed)
    └── UpstreamError                    the upstream's status, its error passed through
        ├── UpstreamUnreachable          502
        └── UpstreamTimeout              504

Anthropic names its error types differently (`rate_limit_error`, `overloaded_error`); `anthropic_type`
maps ours onto theirs where one fits. Every error uses its dialect's standard types, so SDKs and
harnesses parse it; regulator's own reason is in `code` and in `x-regulator-error`. Google's shape names a
canonical status per HTTP status (`RESOURCE_EXHAUSTED` for 429) and carries regulator's code as the
`reason` of an `ErrorInfo` detail.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson

from regulator.types import Dialect

# How the ledger records a call that ended in an upstream error (a subset of events.Outcome).
UpstreamOutcome = Literal["upstream_error", "unreachable", "timeout"]
_GOOGLE_RPC = "type.googleapis.com/google.rpc"
NO_RETRY_DELAY_S = 86_400
# Google's canonical status names (google.rpc.Code) for the HTTP statuses regulator answers with.
GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    413: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class RegulatorError(Exception):
    status = 500
    type = "api_error"
    anthropic_type = "api_error"
    code: str | None = None
    param: str | None = None

    def __init__(self, message: str, *, param: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if param is not None:
            self.param = param
        self.headers: dict[str, str] = dict(headers or {})
        self.details: dict[str, Any] = {}

    def body(self, dialect: Dialect) -> dict[str, Any]:
        error: dict[str, Any]
        if dialect == "google":
            error = {"code": self.status, "message": self.message, "status": GOOGLE_STATUS.get(self.status, "UNKNOWN")}
            details: list[dict[str, Any]] = []
            if self.code:
                details.append({"@type": f"{_GOOGLE_RPC}.ErrorInfo", "reason": self.code, "domain": "regulator"})
            if self.status == 429:
                details.append({"@type": f"{_GOOGLE_RPC}.RetryInfo", "retryDelay": f"{self._retry_delay_s()}s"})
            if details:
                error["details"] = details
            error.update(self.details)
            return {"error": error}
        if dialect == "anthropic":
            error = {"type": self.anthropic_type, "message": self.message}
            if self.code and self.code != self.anthropic_type:
                error["code"] = self.code
            error.update(self.details)
            return {"type": "error", "error": error}
        error = {"message": self.message, "type": self.type, "code": self.code, "param": self.param}
        error.update(self.details)
        return {"error": error}

    def _retry_delay_s(self) -> int:
        """When a retry may help: Retry-After, or — where retrying cannot help by itself (a spent
        total budget, a pause an operator must lift) — a day, because Google clients retry a 429
        without RetryInfo for minutes (gemini-cli: ~3.5) while one past 300 s stops them at once."""
        retry_after = {k.lower(): v for k, v in self.headers.items()}.get("retry-after", "")
        return int(retry_after) if retry_after.isdigit() else NO_RETRY_DELAY_S

    def render(self, dialect: Dialect) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        headers = [(b"content-type", b"application/json")]
        if self.code:
            headers.append((b"x-regulator-error", self.code.encode()))
        headers += [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        return self.status, headers, orjson.dumps(self.body(dialect))


class BadRequest(RegulatorError):
    status = 400
    type = "invalid_request_error"
    anthropic_type = "invalid_request_error"
    code = "invalid_request"


class InvalidJSON(BadRequest):
    code = "invalid_json"


class UnknownModelPrice(BadRequest):
    code = "model_price_unknown"


class BodyTooLarge(BadRequest):
    status = 413
    anthropic_type = "request_too_large"
    code = "request_too_large"


class Unauthorized(RegulatorError):
    status = 401
    type = "authentication_error"
    anthropic_type = "authentication_error"
    code = "invalid_api_key"


class Forbidden(RegulatorError):
    status = 403
    type = "permission_error"
    anthropic_type = "permission_error"
    code = "key_revoked"


class NotFound(RegulatorError):
    status = 404
    type = "invalid_request_error"
    anthropic_type = "not_found_error"
    code = "model_not_found"


class RouteNotFound(NotFound):
    code = "not_found"


# Refusals by regulator's own policy and budgets. One that clears by itself soon is a 429 with
# `Retry-After`, which every SDK and harness waits out and retries. Any other is *final*: a harness
# must stop rather than retry for minutes, and the statuses that do that are per dialect, measured on
# real harnesses (docs/agents.md): Anthropic clients (Claude Code, OpenClaw) stop on a 402 without
# calling it an authentication failure; OpenAI clients built on litellm (aider) retry every class but
# a 400; Google clients stop on a 429 whose RetryInfo is past 300 s (see `_retry_delay_s`).
# `x-should-retry: false` tells the official SDKs not to retry either way.
FINAL: dict[str, tuple[int, str]] = {"anthropic": (402, "billing_error"), "openai": (400, "invalid_request_error")}
# A wait longer than this is no wait: the OpenAI SDK gives up on a Retry-After over 60 s, and an
# agent stalled for longer is better told to stop.
SOON_S = 60


class Refused(RegulatorError):
    status = 429
    type = "rate_limit_exceeded"
    anthropic_type = "rate_limit_error"

    @property
    def final(self) -> bool:
        retry = {k.lower(): v for k, v in self.headers.items()}.get("retry-after", "")
        return not retry.isdigit() or int(retry) > SOON_S

    def render(self, dialect: Dialect) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        status, headers, body = super().render(dialect)
        if not self.final:
            return status, headers, body
        headers.append((b"x-should-retry", b"false"))
        if dialect not in FINAL:
            return status, headers, body
        status, type_ = FINAL[dialect]
        payload = self.body(dialect)
        payload["error"]["type"] = type_
        if dialect == "anthropic":
            payload["error"]["code"] = self.code
        return status, headers, orjson.dumps(payload)


class BudgetExceeded(Refused):
    code = "budget_exceeded"


class RateLimited(Refused):
    code = "rate_limit_exceeded"


class AgentPaused(Refused):
    code = "agent_paused"


class AgentKilled(Refused):
    code = "agent_killed"


class CountersUnavailable(RegulatorError):
    """Redis cannot be reached and the gateway fails closed. The message is the same whatever the
    cause: the address and the driver's error go to the gateway's log, never to a caller."""

    status = 503
    type = "service_unavailable"
    anthropic_type = "overloaded_error"
    code = "counters_unavailable"
    retry_after_s = 2

    def __init__(
        self,
        message: str = "regulator cannot reach its budget counters, and admits no call without a budget check. "
        "Retry shortly; the gateway's log says why.",
    ):
        super().__init__(message, headers={"retry-after": str(self.retry_after_s)})


class UpstreamError(RegulatorError):
    """The upstream answered with an error: its status and body go back to the caller unchanged."""

    type = "upstream_error"
    anthropic_type = "api_error"
    code = "upstream_error"
    # An error answer bills nothing; True where the provider may have billed a call we lost.
    maybe_billed = False
    # How the ledger records the call: the provider answered with an error status (even 502 or 504).
    outcome: UpstreamOutcome = "upstream_error"

    def __init__(
        self,
        message: str,
        *,
        status: int = 502,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message, headers=headers)
        self.status = status
        self.raw_body = raw_body

    def render(self, dialect: Dialect) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if self.raw_body is None:
            return super().render(dialect)
        headers = [(b"content-type", b"application/json"), (b"x-regulator-error", b"upstream_error")]
        headers += [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        return self.status, headers, self.raw_body


class UpstreamUnreachable(UpstreamError):
    code = "upstream_unreachable"
    outcome: UpstreamOutcome = "unreachable"

    def __init__(self, message: str):
        super().__init__(message, status=502)


class UpstreamTimeout(UpstreamError):
    type = "timeout"
    anthropic_type = "api_error"
    code = "upstream_timeout"
    # The provider may have finished (and billed) the call after regulator stopped waiting.
    maybe_billed = True
    outcome: UpstreamOutcome = "timeout"

    def __init__(self, message: str):
        super().__init__(message, status=504)
