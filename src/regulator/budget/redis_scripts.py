"""The Lua scripts behind `RedisBackend`: each one check-and-change, atomic on the Redis server.

Every key a script touches carries the same `{org}` hash tag, so in a Redis Cluster each script
runs inside one slot. Counters are hashes `spent reserved holds notified`; numbers are written with
`%.17g` so a double survives the round trip exactly. Floats go back to Python as strings (Redis
truncates Lua numbers in replies to integers).

A reservation lives in the org's `held` hash (id → JSON payload: amount, counter keys, buckets,
concurrency keys, tokens charged, slot metadata, and the caller's ledger identity `w`) and in its
`exp` sorted set (score: expiry). A settled call with a caller stays in `held` as `{s: cost, w}`
until its replica reports its ledger row committed (`COMMITTED`); one still there at its expiry
belongs to a replica that died in between, and the reaper hands it out for a survivor to record.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from regulator.budget.backend import Caller
from regulator.budget.slots import BudgetSlot

# -- what the scripts store: slot metadata and the caller, as JSON text ------------------------


def slot_meta(slots: Sequence[BudgetSlot]) -> str:
    return orjson.dumps(
        [
            [s.key, s.scope, s.window, s.limit, s.start, s.resets_at, s.filters, s.thresholds, s.cap_from, s.org]
            for s in slots
        ]
    ).decode()


def slots_from_meta(meta: str) -> tuple[BudgetSlot, ...]:
    return tuple(
        BudgetSlot(k, sc, w, lim, st, rs, tuple((a, b) for a, b in f), tuple(th), cf, org)
        for k, sc, w, lim, st, rs, f, th, cf, org in orjson.loads(meta)
    )


def caller_arg(caller: Caller | None) -> str:
    if caller is None:
        return ""
    return orjson.dumps([caller.ts, caller.fleet, caller.agent, caller.session]).decode()


def caller_from(text: str, org: str) -> Caller | None:
    if not text:
        return None
    ts, fleet, agent, session = orjson.loads(text)
    return Caller(float(ts), org, fleet, agent, session)


# -- the scripts -----------------------------------------------------------------------------

_COMMON = r"""
local function f(x) return string.format('%.17g', x) end
local function counter(key)
  local v = redis.call('HMGET', key, 'spent', 'reserved', 'holds', 'notified')
  return {spent = tonumber(v[1]) or 0, reserved = tonumber(v[2]) or 0,
          holds = tonumber(v[3]) or 0, notified = tonumber(v[4]) or 0}
end
local function save(key, c)
  redis.call('HSET', key, 'spent', f(c.spent), 'reserved', f(c.reserved),
             'holds', c.holds, 'notified', f(c.notified))
end
-- thresholds: a comma-separated list of ascending fractions of the limit
local function cross(i, limit, thresholds, c, out)
  local committed = c.spent + c.reserved
  for t in string.gmatch(thresholds, '[^,]+') do
    local th = tonumber(t)
    if committed < th * limit then break end
    if th > c.notified then
      table.insert(out, {i, f(th), f(c.spent), f(c.reserved)})
      c.notified = th
    end
  end
end
-- seed: 'spent@loaded_at', what the ledger held when it was read. `seeded` keeps that time: spend
-- recorded in the ledger before it is already in this counter and must never be added again.
local function plant(key, seed, expire_s)
  local spent, at = string.match(seed, '^([^@]+)@(.+)$')
  redis.call('HSET', key, 'spent', spent, 'reserved', '0', 'holds', 0, 'notified', '0', 'seeded', at)
  if expire_s > 0 then redis.call('EXPIRE', key, expire_s) end
end
local function seeded(key) return tonumber(redis.call('HGET', key, 'seeded') or '0') end
local function release(key, amount, charge)
  local c = counter(key)
  c.holds = c.holds - 1
  if c.holds > 0 then c.reserved = math.max(c.reserved - amount, 0) else c.holds = 0; c.reserved = 0 end
  c.spent = c.spent + charge
  save(key, c)
  return c
end
"""

# KEYS: held, exp, n counters, b buckets, k concurrency counters
# ARGV: rid now expires_at n b k input_tokens input_usd price max_out min_out meta,
#       then per counter: limit thresholds ttl_s seed ('' = none, else spent@loaded_at; ttl_s 0 = never expires),
#       then per bucket: kind per_minute, then per concurrency counter: limit, then the caller ('' = none)
RESERVE = (
    _COMMON
    + r"""
local rid, now, expires_at = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local n, b, k = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local input_tokens, base, price = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local max_out, min_out, meta = tonumber(ARGV[10]), tonumber(ARGV[11]), ARGV[12]
local a = 12
if redis.call('HEXISTS', KEYS[1], rid) == 1 then return {'held'} end

local missing = {}
for i = 1, n do
  local key, seed = KEYS[2 + i], ARGV[a + 4 * i]
  if redis.call('EXISTS', key) == 0 then
    if seed == '' then table.insert(missing, i - 1)
    else plant(key, seed, tonumber(ARGV[a + 4 * i - 1])) end
  end
end
if #missing > 0 then return {'seed', unpack(missing)} end
local ab = a + 4 * n
local ak = ab + 2 * b

for j = 1, k do
  local running = tonumber(redis.call('GET', KEYS[2 + n + b + j]) or '0')
  local limit = tonumber(ARGV[ak + j])
  if running >= limit then return {'rate', 'c', j - 1, f(limit), f(1.0)} end
end
local levels = {}
for j = 1, b do
  local kind, pm = ARGV[ab + 2 * j - 1], tonumber(ARGV[ab + 2 * j])
  local v = redis.call('HMGET', KEYS[2 + n + j], 'level', 'updated')
  local level, updated = tonumber(v[1]) or pm, tonumber(v[2]) or now
  if now > updated then level = math.min(pm, level + (now - updated) * pm / 60); updated = now
  elseif level > pm then level = pm end
  levels[j] = {level, updated}
  local need = 1.0
  if kind == 't' then need = input_tokens + min_out end
  need = math.min(need, pm)
  if need - level > 0 then return {'rate', 'b', j - 1, f(pm), f((need - level) / (pm / 60))} end
end

local cs = {}
local avail, tight = math.huge, 0
for i = 1, n do
  cs[i] = counter(KEYS[2 + i])
  local room = tonumber(ARGV[a + 4 * i - 3]) - cs[i].spent - cs[i].reserved
  if room < avail then avail, tight = room, i end
end
local function fits(amount)
  for i = 1, n do
    if cs[i].spent + cs[i].reserved + amount > tonumber(ARGV[a + 4 * i - 3]) then return false end
  end
  return true
end
local tokens = max_out
if base + tokens * price > avail then
  if base > avail then tokens = -1
  elseif price > 0 then tokens = math.min(tokens, math.floor((avail - base) / price)) end
end
local amount = base + tokens * price
local settled = false
for _ = 1, 2 do
  if tokens < min_out or fits(amount) then settled = true; break end
  if price > 0 then tokens = tokens - 1 else tokens = -1 end
  amount = base + tokens * price
end
if not settled then tokens = -1 end
if tokens < min_out then
  local smallest = base + min_out * price
  local out = {'budget', tight - 1, f(cs[tight].spent), f(cs[tight].reserved)}
  for i = 1, n do
    local limit = tonumber(ARGV[a + 4 * i - 3])
    if cs[i].spent + cs[i].reserved + smallest > limit then table.insert(out, i - 1) end
  end
  return out
end

local crossings = {}
local remaining = math.huge
local keys = {}
for i = 1, n do
  local key, c = KEYS[2 + i], cs[i]
  c.reserved = c.reserved + amount
  c.holds = c.holds + 1
  remaining = math.min(remaining, tonumber(ARGV[a + 4 * i - 3]) - c.spent - c.reserved)
  cross(i - 1, tonumber(ARGV[a + 4 * i - 3]), ARGV[a + 4 * i - 2], c, crossings)
  save(key, c)
  local expire_s = tonumber(ARGV[a + 4 * i - 1])
  if expire_s > 0 then redis.call('EXPIRE', key, expire_s) end
  keys[i] = key
end
local charged = input_tokens + tokens
local buckets = {}
for j = 1, b do
  local key, kind, pm = KEYS[2 + n + j], ARGV[ab + 2 * j - 1], tonumber(ARGV[ab + 2 * j])
  local take = 1.0
  if kind == 't' then take = charged end
  redis.call('HSET', key, 'level', f(levels[j][1] - take), 'updated', f(levels[j][2]))
  redis.call('EXPIRE', key, 3600)
  buckets[j] = {key, kind, pm}
end
local conc = {}
for j = 1, k do
  redis.call('INCR', KEYS[2 + n + b + j])
  conc[j] = KEYS[2 + n + b + j]
end
redis.call('HSET', KEYS[1], rid, cjson.encode({a = f(amount), k = keys, b = buckets, c = conc,
                                                t = charged, m = meta, w = ARGV[ak + k + 1]}))
redis.call('ZADD', KEYS[2], expires_at, rid)
local out = {'ok', tokens, f(amount), f(remaining), #crossings}
for _, c in ipairs(crossings) do for _, v in ipairs(c) do table.insert(out, v) end end
return out
"""
)

# KEYS: held, exp, tombstone, n counters (the call's budgets, for a late settle)
# ARGV: rid actual_usd actual_tokens ('' = unknown) now n, then per counter: limit thresholds, then skew_s
# A late settle (its reservation gone: reaped, or Redis came back empty) skips a counter seeded from
# the ledger more than skew_s after `now`: for a settle replayed once its ledger row was committed,
# `now` is that commit time, and the seed's read saw the row. A missing counter is skipped too and
# its index returned after the crossings: its seed will read the call only if the row is committed
# by then, so the caller replays it for those counters once it is.
SETTLE = (
    _COMMON
    + r"""
local rid, actual, now, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5])
local skew = tonumber(ARGV[6 + 2 * n])
local crossings, overruns = {}, {}
local raw = redis.call('HGET', KEYS[1], rid)
local held = raw and cjson.decode(raw)
if held and held.s then held = nil end  -- settled already: this is a settle replayed
if not held then
  -- Expired: the reaper counted it at its reserved amount; count only the difference now.
  local charged = tonumber(redis.call('GET', KEYS[3]) or '0')
  redis.call('DEL', KEYS[3])
  local missing = {}
  for i = 1, n do
    local key = KEYS[3 + i]
    if redis.call('EXISTS', key) == 0 then
      table.insert(missing, i - 1)
    elseif seeded(key) <= now + skew then
      local c = counter(key)
      c.spent = c.spent + actual - charged
      cross(i - 1, tonumber(ARGV[4 + 2 * i]), ARGV[5 + 2 * i], c, crossings)
      save(key, c)
    end
  end
  local out = {'late', f(0), 0, #crossings}
  for _, c in ipairs(crossings) do for _, v in ipairs(c) do table.insert(out, v) end end
  for _, i in ipairs(missing) do table.insert(out, i) end
  return out
end
local amount = tonumber(held.a)
local over = actual > amount * (1 + 1e-9)
for i, key in ipairs(held.k) do
  local c = release(key, amount, actual)
  if over then
    table.insert(overruns, {i - 1, f(c.spent), f(c.reserved)})
    cross(i - 1, tonumber(ARGV[4 + 2 * i]), ARGV[5 + 2 * i], c, crossings)
    save(key, c)
  end
end
if ARGV[3] ~= '' then
  local refund = held.t - tonumber(ARGV[3])
  for _, bk in ipairs(held.b) do
    if bk[2] == 't' then
      local v = redis.call('HMGET', bk[1], 'level', 'updated')
      local pm = tonumber(bk[3])
      local level, updated = tonumber(v[1]) or pm, tonumber(v[2]) or now
      if now > updated then level = math.min(pm, level + (now - updated) * pm / 60); updated = now end
      redis.call('HSET', bk[1], 'level', f(math.min(pm, level + refund)), 'updated', f(updated))
    end
  end
end
for _, ck in ipairs(held.c) do redis.call('DECR', ck) end
if held.w ~= nil and held.w ~= '' and actual > 0 then
  -- Counted; kept, at its expiry, until its replica reports the ledger row committed.
  redis.call('HSET', KEYS[1], rid, cjson.encode({s = f(actual), w = held.w}))
else
  redis.call('HDEL', KEYS[1], rid)
  redis.call('ZREM', KEYS[2], rid)
end
local out = {'ok', f(amount), #overruns, #crossings}
for _, o in ipairs(overruns) do for _, v in ipairs(o) do table.insert(out, v) end end
for _, c in ipairs(crossings) do for _, v in ipairs(c) do table.insert(out, v) end end
return out
"""
)

# KEYS: held, exp.  ARGV: now batch tombstone_prefix keep_s
# Reservations past their expiry are released and counted in spent at their reserved amount (the
# call may have been billed before its replica died); a tombstone remembers that amount so a late
# settle counts only the difference. A settled call still waiting for its ledger row is only
# dropped. Returns, per entry: id, amount, slot metadata, caller, and 'r' (reaped) or 's' (settled).
REAP = (
    _COMMON
    + r"""
local now, batch, tomb, keep = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, batch)
local out = {}
for _, rid in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[1], rid)
  if raw then
    local held = cjson.decode(raw)
    if held.s then
      table.insert(out, rid); table.insert(out, held.s); table.insert(out, '[]')
      table.insert(out, held.w); table.insert(out, 's')
    else
      local amount = tonumber(held.a)
      for _, key in ipairs(held.k) do release(key, amount, amount) end
      for _, ck in ipairs(held.c) do redis.call('DECR', ck) end
      redis.call('SET', tomb .. rid, f(amount), 'EX', keep)
      table.insert(out, rid); table.insert(out, f(amount)); table.insert(out, held.m)
      table.insert(out, held.w or ''); table.insert(out, 'r')
    end
    redis.call('HDEL', KEYS[1], rid)
  end
  redis.call('ZREM', KEYS[2], rid)
end
return out
"""
)

# KEYS: held, exp.  ARGV: call ids whose ledger rows are committed.  Drops those that are settled
# (a reservation not settled yet, its settle waiting for Redis, stays); returns how many.
COMMITTED = r"""
local n = 0
for _, rid in ipairs(ARGV) do
  local raw = redis.call('HGET', KEYS[1], rid)
  if raw and cjson.decode(raw).s then
    redis.call('HDEL', KEYS[1], rid)
    redis.call('ZREM', KEYS[2], rid)
    n = n + 1
  end
end
return n
"""

# KEYS: n counters.  ARGV: per counter: seed ('' = none, else spent@loaded_at) ttl_s.  Missing
# counters without a seed are reported so the caller can load them from the ledger; otherwise returns
# spent, reserved pairs.
STATES = (
    _COMMON
    + r"""
local missing = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    if ARGV[2 * i - 1] == '' then table.insert(missing, i - 1)
    else plant(key, ARGV[2 * i - 1], tonumber(ARGV[2 * i])) end
  end
end
if #missing > 0 then return {'seed', unpack(missing)} end
local out = {'ok'}
for _, key in ipairs(KEYS) do
  local c = counter(key)
  table.insert(out, f(c.spent)); table.insert(out, f(c.reserved))
end
return out
"""
)

# KEYS: push marker, then n counters.  ARGV: keep_s skew_s, then per counter: 'tick:usd,…' (USD
# whose ledger rows were committed in each tenth of a second: tick = floor(unix time × 10)).  Adds
# spend accrued while Redis was unreachable, once per push marker (a retried push is a no-op). A
# counter that no longer exists is left to be seeded from the ledger, which holds those calls
# already; so does a counter seeded since, but for the ticks that ended less than skew_s before its
# seed (replicas' clocks may differ that much), which are added: twice counted, never lost.
PUSH = (
    _COMMON
    + r"""
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[1])) == false then return -1 end
local skew = tonumber(ARGV[2])
local pushed = 0
for i = 2, #KEYS do
  local key = KEYS[i]
  if redis.call('EXISTS', key) == 1 then
    local since = seeded(key) - skew
    local add = 0
    for tick, usd in string.gmatch(ARGV[i + 1], '([^:,]+):([^,]+)') do
      if (tonumber(tick) + 1) / 10 > since then add = add + tonumber(usd) end
    end
    redis.call('HSET', key, 'spent', f(tonumber(redis.call('HGET', key, 'spent') or '0') + add))
    pushed = pushed + 1
  end
end
return pushed
"""
)

# KEYS: reaper claim.  ARGV: now interval_s.  One replica reaps per interval (of the callers' clocks).
CLAIM = r"""
local last, now, interval = tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(ARGV[1]), tonumber(ARGV[2])
if now >= last and now < last + interval then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', math.ceil(interval) + 60)
return 1
"""
