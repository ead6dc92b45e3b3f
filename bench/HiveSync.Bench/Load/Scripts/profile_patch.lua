-- PATCH /api/v1/profile with a new display name each time, rotating over every user (args[1]: access tokens).
local tokens, at, sent = {}, 0, 0

function init(args)
  tokens = read_lines(args[1])
end

function request()
  at = at % #tokens + 1
  sent = sent + 1
  return wrk.format("PATCH", "/api/v1/profile",
    { Authorization = "Bearer " .. tokens[at], ["Content-Type"] = "application/json" },
    '{"display_name":"Bench ' .. sent .. '"}')
end
