"""The admin API's delegated budgets: open a child budget (a new key) under a parent's, list them
with what each has spent, close one with its subtree. Mounted by `AdminApi` under /admin/v1.

A child's cap is what was asked, or what its parent has left if that is less; its calls are then
charged to it and to every ancestor in one reservation (budget/engine.py), so the whole tree holds
under concurrency and across replicas. Nothing is set aside from the parent when a child opens:
its unspent money never left the parent, so it is the parent's (and its other children's) again
the moment the child stops spending, and certainly when it is closed or expires.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from regulator.ops.api_errors import ApiError, parse_body
from regulator.store.base import KeyNotFound, NameTaken
from regulator.store.delegations import Delegation, DelegationError

if TYPE_CHECKING:
    from regulator.ops.admin_api import AdminApi


class NewDelegation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    budget_usd: float = Field(gt=0, le=1e9, allow_inf_nan=False)
    # The parent: a delegation id (dlg_…) or its key's id (key_…); none opens a root budget.
    parent: str | None = Field(default=None, min_length=1, max_length=200)
    agent: str | None = Field(default=None, min_length=1, max_length=200)
    fleet: str = Field(default="default", min_length=1, max_length=200)
    org: str = Field(default="default", min_length=1, max_length=200)
    ttl_s: float | None = Field(default=None, gt=0, le=366 * 86400, allow_inf_nan=False)


def _chain(rows: list[Delegation]) -> tuple[tuple[str, float], ...]:
    return tuple((d.delegation_id, d.cap_usd) for d in rows)


async def create(api: AdminApi, request: Request) -> Response:
    body: NewDelegation = await parse_body(request, NewDelegation)
    store, now = api.gw.store, time.time()
    parent: Delegation | None = None
    cap = body.budget_usd
    if body.parent is not None:
        finder = store.get_delegation if body.parent.startswith("dlg_") else store.delegation_of_key
        parent = await asyncio.to_thread(finder, body.parent)
        if parent is None:
            raise ApiError(404, "not_found", f"No delegated budget {body.parent!r} (a dlg_… id or its key_… id).")
        chain = _chain(await asyncio.to_thread(store.delegation_chain, parent.key_id))
        left = await api.gw.budget.delegation_remaining(chain, parent.org)
        if left <= 0:
            raise ApiError(409, "parent_exhausted", f"{parent.delegation_id} has nothing left to delegate.")
        cap = min(cap, left)
    expires = now + body.ttl_s if body.ttl_s is not None else None
    try:
        plaintext, row = await asyncio.to_thread(
            lambda: store.create_delegation(
                cap, parent=parent, agent=body.agent or "", fleet=body.fleet, org=body.org, expires_at=expires
            )
        )
    except DelegationError as exc:
        raise ApiError(409 if parent is not None else 400, "invalid_request", str(exc)) from exc
    except NameTaken as exc:
        raise ApiError(409, "name_taken", str(exc)) from exc
    api.ops.stats.seed_agent(row.agent, row.fleet, row.org)
    return JSONResponse({"key": plaintext, "requested_usd": body.budget_usd, **asdict(row)}, status_code=201)


async def listing(api: AdminApi, request: Request) -> Response:
    rows = await asyncio.to_thread(api.gw.store.list_delegations)
    out: list[dict[str, Any]] = []
    for d in rows:
        spent, reserved = await api.gw.budget.delegation_status(d.delegation_id, d.cap_usd, d.org)
        out.append(asdict(d) | {"spent_usd": spent, "reserved_usd": reserved, "live": d.live(time.time())})
    return JSONResponse({"delegations": out})


async def close(api: AdminApi, request: Request) -> Response:
    try:
        closed = await asyncio.to_thread(api.gw.store.close_delegation, request.path_params["delegation_id"])
    except KeyNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    api.gw.forget_keys()  # this replica refuses the closed keys from the next call
    return JSONResponse({"closed": [d.delegation_id for d in closed]})
