-- Basic auth with a cache of verified credentials, as the sample fetch
-- lua.basic_auth(<userlist>[,<apr1 file>]) that a backend's `http-request auth`
-- rule asks: true when the request's credentials are those of a user.
--
-- crypt(3) hashes (bcrypt, SHA-512, ...) are checked by HAProxy's own
-- http_auth(<userlist>); Apache's $apr1$ hashes, which crypt(3) does not
-- know, are checked here (MD5-crypt with the "$apr1$" magic), against the
-- users of the apr1 file (one "name hash" per line) the controller writes.
--
-- A bcrypt check costs tens of milliseconds, so a verified Authorization
-- header is remembered for a minute: by a SHA-256 digest of the userlist
-- and the header (the credentials themselves are not kept), per thread
-- (lua-load-per-thread), in at most MAX_ENTRIES entries. Only successes are
-- remembered. A change of users changes the config, which HAProxy reloads
-- with a fresh Lua state: an old password never outlives its user.

local TTL_SECONDS = 60
local MAX_ENTRIES = 10000

local cache = {}
local cached = 0

local ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

local function to64(value, n)
  local out = {}
  for _ = 1, n do
    local i = (value & 0x3f) + 1
    out[#out + 1] = ITOA64:sub(i, i)
    value = value >> 6
  end
  return table.concat(out)
end

-- MD5-crypt (as Apache's htpasswd -m writes it, magic "$apr1$").
local function md5crypt(txn, password, salt, magic)
  local md5 = function(s) return txn.c:digest(s, "md5") end
  local alternate = md5(password .. salt .. password)
  local ctx = { password, magic, salt }
  local left = #password
  while left > 0 do
    ctx[#ctx + 1] = alternate:sub(1, math.min(left, 16))
    left = left - 16
  end
  local i = #password
  while i > 0 do
    ctx[#ctx + 1] = (i & 1 == 1) and "\0" or password:sub(1, 1)
    i = i >> 1
  end
  local final = md5(table.concat(ctx))
  for round = 0, 999 do
    local parts = {}
    parts[1] = (round & 1 == 1) and password or final
    if round % 3 ~= 0 then parts[#parts + 1] = salt end
    if round % 7 ~= 0 then parts[#parts + 1] = password end
    parts[#parts + 1] = (round & 1 == 1) and final or password
    final = md5(table.concat(parts))
  end
  local b = { final:byte(1, 16) }
  return magic .. salt .. "$"
    .. to64((b[1] << 16) | (b[7] << 8) | b[13], 4)
    .. to64((b[2] << 16) | (b[8] << 8) | b[14], 4)
    .. to64((b[3] << 16) | (b[9] << 8) | b[15], 4)
    .. to64((b[4] << 16) | (b[10] << 8) | b[16], 4)
    .. to64((b[5] << 16) | (b[11] << 8) | b[6], 4)
    .. to64(b[12], 2)
end

-- The apr1 users of a file, read once per thread (files change only with a reload).
local apr1_files = {}

local function apr1_users(path)
  local users = apr1_files[path]
  if users then return users end
  users = {}
  local file = io.open(path, "r")
  if file then
    for line in file:lines() do
      local name, hash = line:match("^(%S+) (%$apr1%$[^%s]+)$")
      if name then users[name] = hash end
    end
    file:close()
  end
  apr1_files[path] = users
  return users
end

local function apr1_ok(txn, header, path)
  local encoded = header:match("^[Bb][Aa][Ss][Ii][Cc] +(%S+)$")
  if not encoded then return false end
  local decoded = txn.c:b64dec(encoded)
  if not decoded then return false end
  local name, password = decoded:match("^([^:]*):(.*)$")
  if not name then return false end
  local hash = apr1_users(path)[name]
  if not hash then return false end
  local salt = hash:match("^%$apr1%$([^$]*)%$")
  return salt ~= nil and md5crypt(txn, password, salt, "$apr1$") == hash
end

core.register_fetches("basic_auth", function(txn, userlist, apr1_file)
  local header = txn.f:req_hdr("authorization")
  if not header or header == "" then return false end
  local key = txn.c:digest(userlist .. "\0" .. header, "sha256")
  local now = core.now().sec
  local expires = cache[key]
  if expires and expires > now then return true end
  -- HAProxy hands a boolean sample to Lua as an integer: 0 is false here, not Lua's truthy 0.
  local verdict = txn.f:http_auth(userlist)
  local ok = verdict == true or verdict == 1
  if not ok and apr1_file and apr1_file ~= "" then ok = apr1_ok(txn, header, apr1_file) end
  if ok then
    if cached >= MAX_ENTRIES then
      cache = {}
      cached = 0
    end
    if not expires then cached = cached + 1 end
    cache[key] = now + TTL_SECONDS
  end
  return ok
end)
