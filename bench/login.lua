-- Full SMS logins, one connection per wrk thread (run with -t N -c N): send a code to a fresh
-- number, verify it (the emulator runs with --fixed-code 424242), call the protected route
-- with the token. Counts logins and unexpected answers. With a file name (args[1]) each thread
-- appends the access tokens it got to FILE.N, for the many-token runs ("" for none); args[2] shifts
-- the numbers, so two wrk processes at once (one per replica) never log in the same phone.
-- Each login comes from its own client address (X-Forwarded-For; the server runs with
-- TRUST_PROXY=1), as many users do through a load balancer: from one address, the per-address
-- limits would count every login of the run under one key.
local step = "send"
local number = nil
local token = nil
local client = nil
local counter = 0
local threads = {}
local started = 0

function setup(thread)
    thread:set("tid", started)
    started = started + 1
    table.insert(threads, thread)
end

function init(args)
    out = args[1] and args[1] ~= "" and io.open(args[1] .. "." .. tid, "a")
    shift = tonumber(args[2] or "0")
    logins = 0
    unexpected = 0
    run = os.time() % 10000
end

function request()
    if step == "send" then
        counter = counter + 1
        number = string.format("+1415%03d%04d", (tid + shift) % 1000, (run + counter) % 10000)
        client = string.format("10.%d.%d.%d", (tid + shift) % 250, math.floor(counter / 250) % 250, counter % 250)
        return wrk.format("POST", "/api/auth/send-verification",
            {["Content-Type"] = "application/json", ["X-Forwarded-For"] = client},
            '{"phone_number": "' .. number .. '"}')
    elseif step == "verify" then
        return wrk.format("POST", "/api/auth/verify-code",
            {["Content-Type"] = "application/json", ["X-Forwarded-For"] = client},
            '{"phone_number": "' .. number .. '", "code": "424242"}')
    else
        return wrk.format("GET", "/api/auth/protected", {["Authorization"] = "Bearer " .. token})
    end
end

function response(status, headers, body)
    if step == "send" then
        if status == 200 then step = "verify" else unexpected = unexpected + 1 end
    elseif step == "verify" then
        token = string.match(body, '"token":"([^"]+)"')
        if status == 200 and token then
            step = "protected"
            if out then out:write(token, "\n") end
        else unexpected = unexpected + 1; step = "send" end
    else
        if status == 200 then logins = logins + 1 else unexpected = unexpected + 1 end
        step = "send"
    end
end

function done(summary, latency, requests)
    local total, bad = 0, 0
    for _, thread in ipairs(threads) do
        total = total + thread:get("logins")
        bad = bad + thread:get("unexpected")
    end
    io.write(string.format("logins=%d unexpected=%d seconds=%.1f\n", total, bad, summary.duration / 1e6))
end
