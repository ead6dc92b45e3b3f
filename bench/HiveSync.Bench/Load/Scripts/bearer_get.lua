-- GET args[1] with a bearer token rotating over every user (args[2]: one access token a line).
local next_request

function init(args)
  local prepared = {}
  for _, token in ipairs(read_lines(args[2])) do
    prepared[#prepared + 1] = wrk.format("GET", args[1], { Authorization = "Bearer " .. token })
  end
  next_request = cycle(prepared)
end

function request()
  return next_request()
end
