-- External authentication (auth-url, ingress-nginx's auth_request): before a
-- request goes to the pods, the action lua.auth_request asks an auth service
-- with HAProxy's own HTTP client (core.httpclient) and leaves its verdict in
-- variables for the rules that follow it in the backend:
--   txn.auth_status    the auth service's status; 0 when it could not be reached
--   txn.auth_redirect  where a 401 sends the client, when a sign-in URL is set
--   txn.auth_www       the WWW-Authenticate of a 401, passed on
--   txn.auth_cookie    a Set-Cookie of the auth service, passed on with the response
-- The auth request carries the client request's headers (not its body) plus
-- X-Original-URL, X-Original-Method, X-Auth-Request-Redirect, X-Sent-From,
-- X-Real-IP and X-Forwarded-For, as ingress-nginx sends them. On a 2xx the
-- headers named in the response-headers argument are copied from the auth
-- response onto the request sent to the pods.
--
-- Arguments: url, method, response headers (comma-separated, or "-"),
-- sign-in URL (or "-"), sign-in redirect parameter. The URLs may hold
-- nginx's $host, $http_host, $best_http_host, $scheme, $request_uri and
-- $escaped_request_uri.

local TIMEOUT_MS = 10000

-- Percent-encodes all but unreserved characters, as nginx's set_escape_uri does.
local function escape(s)
  return (s:gsub("[^A-Za-z0-9%-_.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function expand(template, vars)
  return (template:gsub("%$([%a_]+)", function(name) return vars[name] end))
end

-- Headers of the client request that are not passed to the auth service.
local DROPPED = {
  ["host"] = true, ["content-length"] = true, ["transfer-encoding"] = true, ["connection"] = true,
  ["expect"] = true, ["upgrade"] = true, ["x-forwarded-proto"] = true,
}

core.register_action("auth_request", { "http-req" }, function(txn, url, method, copy, signin, param)
  local host = txn.f:req_hdr("host") or ""
  -- A boolean sample reaches Lua as an integer on some versions, as a boolean on others.
  local ssl = txn.f:ssl_fc()
  local scheme = (ssl == true or ssl == 1) and "https" or "http"
  local uri = txn.f:pathq() or "/"
  local vars = {
    host = host:match("^[^:]*"), http_host = host, best_http_host = host, scheme = scheme,
    request_uri = uri, escaped_request_uri = escape(uri),
  }
  local client = txn.f:src() or ""
  local headers = {}
  for name, values in pairs(txn.http:req_get_headers()) do
    if not DROPPED[name:lower()] then
      local list = {}
      for i = 0, #values do if values[i] then list[#list + 1] = values[i] end end
      headers[name] = list
    end
  end
  headers["X-Original-URL"] = { scheme .. "://" .. host .. uri }
  headers["X-Original-Method"] = { txn.f:method() }
  headers["X-Auth-Request-Redirect"] = { uri }
  headers["X-Sent-From"] = { "nginx-ingress-controller" }
  headers["X-Real-IP"] = { client }
  headers["X-Forwarded-For"] = { client }

  local target = expand(url, vars)
  local request = { url = target, headers = headers, timeout = TIMEOUT_MS }
  local hc = core.httpclient()
  local ok, res = pcall(function()
    if method == "POST" then return hc:post(request) end
    if method == "HEAD" then return hc:head(request) end
    if method == "PUT" then return hc:put(request) end
    if method == "DELETE" then return hc:delete(request) end
    return hc:get(request)
  end)
  local status = (ok and res and tonumber(res.status)) or 0
  txn:set_var("txn.auth_status", status)
  if status == 0 then return end

  local answer = res.headers or {}
  local function first(name)
    local values = answer[name:lower()] or answer[name]
    if type(values) == "table" then return values[0] or values[1] end
    return values
  end
  local cookie = first("set-cookie")
  if cookie then txn:set_var("txn.auth_cookie", cookie) end
  if status >= 200 and status < 300 then
    if copy ~= "-" then
      for name in copy:gmatch("[^,%s]+") do
        local value = first(name)
        if value then txn.http:req_set_header(name, value) end
      end
    end
  elseif status == 401 then
    local www = first("www-authenticate")
    if www then txn:set_var("txn.auth_www", www) end
    if signin ~= "-" then
      local location = expand(signin, vars)
      if not location:find("[?&]" .. param .. "=") then
        location = location .. (location:find("?", 1, true) and "&" or "?")
          .. param .. "=" .. scheme .. "://" .. host .. escape(uri)
      end
      txn:set_var("txn.auth_redirect", location)
    end
  end
end, 5)
