-- One-time login links: POST /api/v1/auth/session-token (bearer, rotating over args[1]) mints a token,
-- the next request redeems a minted one at POST /api/v1/auth/session-exchange; the two alternate.
local tokens, at, mint_next = {}, 0, true
minted, head, tail = {}, 1, 1

function init(args)
  tokens = read_lines(args[1])
end

function request()
  if not mint_next and head < tail then
    local token = minted[head]
    minted[head] = nil
    head = head + 1
    mint_next = true
    return wrk.format("POST", "/api/v1/auth/session-exchange", { ["Content-Type"] = "application/json" },
      '{"token":"' .. token .. '"}')
  end
  mint_next = false
  at = at % #tokens + 1
  return wrk.format("POST", "/api/v1/auth/session-token", { Authorization = "Bearer " .. tokens[at] })
end

function response(status, headers, body)
  if status < 200 or status >= 300 then
    unexpected = unexpected + 1
    return
  end
  local token = body:match('/login/session/([^"]+)"')
  if token then
    minted[tail] = token
    tail = tail + 1
  end
end
