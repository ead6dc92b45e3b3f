-- POST /api/v1/billing/webhook with pre-signed events in file order (args[1]: "event name<TAB>signature<TAB>body"
-- a line). args[2] keeps the position between runs, so the measured run sends events the warm-up did not.
local prepared = {}
position, position_path = 0, nil

function init(args)
  position_path = args[2]
  for line in io.lines(args[1]) do
    local name, signature, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
    if name then
      prepared[#prepared + 1] = wrk.format("POST", "/api/v1/billing/webhook",
        { ["Content-Type"] = "application/json", ["X-Signature"] = signature, ["X-Event-Name"] = name }, body)
    end
  end
  local file = io.open(position_path, "r")
  if file then
    position = tonumber(file:read("*l")) or 0
    file:close()
  end
end

function request()
  position = position + 1
  return prepared[(position - 1) % #prepared + 1]
end

function finish(threads)
  local file = assert(io.open(threads[1]:get("position_path"), "w"))
  file:write(string.format("%.0f\n", threads[1]:get("position")))
  file:close()
end
