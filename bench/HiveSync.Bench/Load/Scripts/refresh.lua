-- POST /api/v1/auth/refresh. A refresh token works once (a second use revokes its session), so each
-- request takes a token from the queue and its answer puts the next one back. args[1]: the live tokens,
-- rewritten at the end for the next run (tokens in flight when wrk stops are lost, never reused).
queue, head, tail = {}, 1, 1
state_path = nil

function init(args)
  state_path = args[1]
  for _, token in ipairs(read_lines(state_path)) do
    queue[tail] = token
    tail = tail + 1
  end
end

function request()
  local token = "queue-empty"
  if head < tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  end
  return wrk.format("POST", "/api/v1/auth/refresh", { ["Content-Type"] = "application/json" },
    '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  local token = status >= 200 and status < 300 and body:match('"refresh_token":"([^"]+)"')
  if token then
    queue[tail] = token
    tail = tail + 1
  else
    unexpected = unexpected + 1
  end
end

function finish(threads)
  local file = assert(io.open(threads[1]:get("state_path"), "w"))
  for _, token in pairs(threads[1]:get("queue")) do
    file:write(token, "\n")
  end
  file:close()
end
