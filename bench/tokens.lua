-- GET /api/auth/protected with the bearer tokens of a file (args[1], one per line) in rotation,
-- each thread from its own offset, so consecutive requests never repeat a token.
local threads_started = 0

function setup(thread)
    thread:set("tid", threads_started)
    threads_started = threads_started + 1
end

function init(args)
    tokens = {}
    for line in io.lines(args[1]) do tokens[#tokens + 1] = "Bearer " .. line end
    index = (tid * 7919) % #tokens + 1
    unexpected = 0
end

function request()
    local token = tokens[index]
    index = index % #tokens + 1
    return wrk.format("GET", nil, {["Authorization"] = token})
end

function response(status, headers, body)
    if status ~= 200 then unexpected = unexpected + 1 end
end
