-- GET args[1] with a bearer token rotating over every user (args[2]: one access token a line).
local prepared, at = {}, 0

function init(args)
  for _, token in ipairs(read_lines(args[2])) do
    prepared[#prepared + 1] = wrk.format("GET", args[1], { Authorization = "Bearer " .. token })
  end
end

function request()
  at = at % #prepared + 1
  return prepared[at]
end
