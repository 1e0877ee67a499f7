-- wrk script: each request registers a different account (one token per
-- line in $TOKENS) for the ticket $TICKET of event bench-reg. Thread k of
-- this wrk takes tokens FIRST + k, then every STRIDE-th (two wrk processes
-- against two instances share the list without overlap).
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local stride = tonumber(os.getenv("STRIDE") or os.getenv("THREADS") or "2")
local first = tonumber(os.getenv("FIRST") or "0")
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

function init(args)
  index = first + offset + 1
  body = '{"ticket_type_id": ' .. os.getenv("TICKET") .. '}'
end

function request()
  local token = tokens[index]
  index = index + stride
  if token == nil then
    wrk.thread:stop()
    token = "exhausted"
  end
  return wrk.format("POST", "/api/events/bench-reg/registrations",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
