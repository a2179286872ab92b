"""A stream the upstream broke, told to the caller as a failure in its API's own terms.

Once a stream has begun with a 200, its status cannot change; what the caller sees at the end is
all there is. A stream cut short that simply ended would read as a finished answer (the SDKs
return the truncated text without raising), so the end says it failed instead:

* Anthropic Messages: an `event: error` (the SDK raises `APIStatusError`), then the stream ends;
* OpenAI chat: a `data: {"error": …}` event (the SDK raises `APIError`), then the connection is
  aborted without the chunked body's last chunk, so any other HTTP client fails too;
* OpenAI Responses: a `response.failed` event, then the connection is aborted;
* any other API (Gemini): the connection is aborted.

The abort is the ASGI server's: the app raises `StreamAborted` after its last event, and the
server closes the connection. Its traceback is not logged; the pipeline logs the failure once.
"""

from __future__ import annotations

import logging

import orjson

from regulator.errors import RegulatorError, UpstreamTimeout


class StreamAborted(Exception):
    """Raised out of the ASGI app to make the server drop a stream's connection unfinished."""


class _HideAborts(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], StreamAborted))


HIDE_ABORTS = _HideAborts()


def failure_ending(api: str, error: RegulatorError) -> tuple[bytes, bool]:
    """The last event of a broken stream of `api` (a module name), and whether to abort after it."""
    code = "upstream_timeout" if isinstance(error, UpstreamTimeout) else "upstream_stream_cut"
    message = f"{error.message} The answer above is incomplete: regulator ended the stream ({code})."
    if api == "messages":
        body = {"type": "error", "error": {"type": "api_error", "message": message, "code": code}}
        return b"event: error\ndata: " + orjson.dumps(body) + b"\n\n", False
    if api == "chat":
        error_object = {"message": message, "type": "upstream_error", "code": code, "param": None}
        return b"data: " + orjson.dumps({"error": error_object}) + b"\n\n", True
    if api == "responses":
        failed = {
            "type": "response.failed",
            "response": {"status": "failed", "error": {"code": code, "message": message}},
        }
        return b"event: response.failed\ndata: " + orjson.dumps(failed) + b"\n\n", True
    return b"", True
