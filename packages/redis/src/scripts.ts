import { createHash } from 'node:crypto';

/**
 * The quota as a sorted set: one member per slot taken, scored by the time (Redis TIME, ms) the slot is free again.
 * A member is free once its score is <= now, so "fewer than N members scored > now" means a slot is free.
 *
 * acquire — KEYS[1] the quota's set; ARGV: limit, leaseMs, want, member prefix, first member number.
 * Drops freed members, takes up to `want` free slots (each scored now + leaseMs: a holder that never releases frees
 * its slot when the lease ends), and answers { granted, waitMs }. When it could not grant all, waitMs is how long
 * no slot can come free: until the earliest score, but at most 1000 ms, because a slot still in flight is rescored
 * to (its answer + 1000 ms), and its answer comes after now. want = 0 only tidies: the fallback's probe.
 */
export const acquireScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local first = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local busy = redis.call('ZCARD', KEYS[1])
local granted = math.min(want, math.max(0, limit - busy))
for i = 0, granted - 1 do
  redis.call('ZADD', KEYS[1], now + lease, ARGV[4] .. string.format('%d', first + i))
end
if granted > 0 then
  redis.call('PEXPIRE', KEYS[1], lease + 1000)
end
if granted == want then
  return {granted, 0}
end
local earliest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = 1000
if earliest[2] then
  wait = math.max(1, math.min(1000, tonumber(earliest[2]) - now))
end
return {granted, wait}
`;

/**
 * release — KEYS[1] the quota's set; ARGV: member, mode. 'answered' rescores the member to now + 1000 ms (the
 * request has arrived by the time its answer is back, so the vendor's sliding second is kept); 'unused' removes it
 * (granted to a caller who had already left). XX: a member whose lease already ended is not brought back.
 */
export const releaseScript = `
if ARGV[2] == 'unused' then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', 'CH', now + 1000, ARGV[1])
`;

/**
 * record — KEYS[1] the quota's set; ARGV: leaseMs, then pairs of (member, ms left). The slots a process granted
 * locally while Redis was away, written in before it takes slots from Redis again, so that the fleet counts them:
 * one still in flight (ms left < 0) is scored now + leaseMs (its release rescores it), one answered is scored when
 * it comes free. Answers how many it wrote.
 */
export const recordScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
local written = 0
for i = 2, #ARGV - 1, 2 do
  local left = tonumber(ARGV[i + 1])
  local score = now + left
  if left < 0 then
    score = now + lease
  end
  redis.call('ZADD', KEYS[1], score, ARGV[i])
  written = written + 1
end
if written > 0 and redis.call('PTTL', KEYS[1]) < lease + 1000 then
  redis.call('PEXPIRE', KEYS[1], lease + 1000)
end
return written
`;

export interface Script {
  readonly lua: string;
  readonly sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

export const scripts = {
  acquire: script(acquireScript),
  release: script(releaseScript),
  record: script(recordScript),
};
