-- POST /api/v1/auth/login with a wrong password, rotating over args[1] (one email a line); 401 is expected.
local next_request

function init(args)
  local prepared = {}
  for _, email in ipairs(read_lines(args[1])) do
    prepared[#prepared + 1] = wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
      '{"email":"' .. email .. '","password":"wrong password 123"}')
  end
  next_request = cycle(prepared)
end

function request()
  return next_request()
end

function response(status, headers, body)
  if status ~= 401 then unexpected = unexpected + 1 end
end
