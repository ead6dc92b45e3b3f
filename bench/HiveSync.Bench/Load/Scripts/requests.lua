-- Requests the bench wrote, one a line, sent in turn (args[1]): method, path, access token and body (may be empty),
-- tab-separated.
local next_request

function init(args)
  next_request = cycle_over(args[1], function(line)
    local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = { Authorization = "Bearer " .. token }
    if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
    return wrk.format(method, path, headers, body)
  end)
end

function request()
  return next_request()
end
