-- GET args[1] with a bearer token rotating over every user (args[2]: one access token a line).
local next_request

function init(args)
  next_request = cycle_over(args[2], function(token)
    return wrk.format("GET", args[1], { Authorization = "Bearer " .. token })
  end)
end

function request()
  return next_request()
end
