-- Custom error pages (ingress-nginx's custom-http-errors and default-backend):
-- the action lua.error_page asks the error Service for the page of a status
-- and answers the client with it, in place of the pods' answer (http-response,
-- for the listed statuses) or of a route without pods (http-request, 503).
-- The error Service gets GET / with X-Code, X-Format, X-Original-URI,
-- X-Namespace, X-Ingress-Name, X-Service-Name and X-Service-Port, as
-- ingress-nginx sends them; its status, Content-Type and body go to the client.
--
-- Arguments: the backend of the error Service, the status ("-": the
-- response's own), and "namespace,ingress,service,port" of the route.
-- The request's URI, Accept and Host were kept in txn.err_uri,
-- txn.err_accept and txn.err_host by the backend's request rules.

local TIMEOUT_MS = 10000

local function usable_server(backend)
  local be = core.backends[backend]
  if not be then return nil end
  for _, srv in pairs(be.servers) do
    local status = srv:get_stats().status or ""
    if status:find("^UP") or status == "no check" then return srv:get_addr() end
  end
  return nil
end

core.register_action("error_page", { "http-req", "http-res" }, function(txn, backend, code, route)
  local status = code
  if status == "-" then status = tostring(txn.f:status()) end
  local addr = usable_server(backend)
  if not addr then return end
  local namespace, ingress, service, port = route:match("^([^,]*),([^,]*),([^,]*),([^,]*)$")
  local headers = {
    ["Host"] = { txn:get_var("txn.err_host") or "" },
    ["X-Code"] = { status },
    ["X-Format"] = { txn:get_var("txn.err_accept") or "" },
    ["X-Original-URI"] = { txn:get_var("txn.err_uri") or "" },
    ["X-Namespace"] = { namespace or "" },
    ["X-Ingress-Name"] = { ingress or "" },
    ["X-Service-Name"] = { service or "" },
    ["X-Service-Port"] = { port or "" },
  }
  local hc = core.httpclient()
  local ok, res = pcall(function()
    return hc:get({ url = "http://" .. addr .. "/", headers = headers, timeout = TIMEOUT_MS })
  end)
  if not ok or not res or not tonumber(res.status) or tonumber(res.status) == 0 then return end
  local answer = res.headers or {}
  local content_type = answer["content-type"]
  if type(content_type) == "table" then content_type = content_type[0] or content_type[1] end
  local reply = txn:reply({
    status = tonumber(res.status),
    headers = { ["content-type"] = { content_type or "text/plain" } },
    body = res.body or "",
  })
  txn:done(reply)
end, 3)
