-- RFC 7662 introspection of one access token by a confidential client (HTTP Basic).
-- args: the token, the Basic credentials. Counts answers that are not an active token.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    wrk.method = "POST"
    wrk.body = "token=" .. args[1]
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Authorization"] = "Basic " .. args[2]
    unexpected = 0
end

function response(status, headers, body)
    if status ~= 200 or not string.find(body, '"active":true', 1, true) then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
    local bad = 0
    for _, thread in ipairs(threads) do bad = bad + thread:get("unexpected") end
    io.write(string.format("unexpected=%d\n", bad))
end
