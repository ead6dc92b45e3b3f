-- POST /api/v1/auth/login with a wrong password, rotating over args[1] (one email a line); 401 is expected.
local next_request

function init(args)
  next_request = cycle_over(args[1], function(email)
    return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" },
      '{"email":"' .. email .. '","password":"wrong password 123"}')
  end)
end

function request()
  return next_request()
end

function response(status, headers, body)
  if status ~= 401 then unexpected = unexpected + 1 end
end
