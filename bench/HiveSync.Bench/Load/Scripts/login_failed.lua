-- POST /api/v1/auth/login with a wrong password, rotating over args[1] (one email a line); 401 is expected.
local prepared, at = {}, 0

function init(args)
  for _, email in ipairs(read_lines(args[1])) do
    prepared[#prepared + 1] = wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
      '{"email":"' .. email .. '","password":"wrong password 123"}')
  end
end

function request()
  at = at % #prepared + 1
  return prepared[at]
end

function response(status, headers, body)
  if status ~= 401 then unexpected = unexpected + 1 end
end
