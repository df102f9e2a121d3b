-- The client certificate as ingress-nginx passes it to the pods
-- ($ssl_client_escaped_cert): PEM, URL-encoded. The sample fetch
-- lua.client_cert_pem gives it, or nothing when the client sent none.

local function escape(s)
  return (s:gsub("[^A-Za-z0-9%-_.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

core.register_fetches("client_cert_pem", function(txn)
  local der = txn.f:ssl_c_der()
  if not der or der == "" then return nil end
  local encoded = txn.c:base64(der)
  local lines = {}
  for i = 1, #encoded, 64 do lines[#lines + 1] = encoded:sub(i, i + 63) end
  return escape("-----BEGIN CERTIFICATE-----\n" .. table.concat(lines, "\n") .. "\n-----END CERTIFICATE-----\n")
end)
