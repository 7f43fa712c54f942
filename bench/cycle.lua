-- Verification cycles, two requests each: start a verification for a fresh number (with a
-- CustomCode, so the check knows the code), then check that code. A check is only sent
-- after its verification's 201 came back (wrk shares this state across one thread's
-- connections), so every cycle is a real create-then-check. Counts unexpected statuses.
local counter = 0
-- numbers differ per run too, so a warm-up run never collides with the measured run
local run = os.time() % 1000
local ready = {}
local threads_started = 0
local unexpected = 0

-- runs in the main Lua state; each thread gets its own global `tid`
function setup(thread)
    thread:set("tid", threads_started)
    threads_started = threads_started + 1
end

-- The requests are written out once up to their Content-Length, as wrk.format would write
-- them, so the client spends its time on the server's answers rather than on formatting.
local function head(path, host, authorization)
    return "POST " .. path .. " HTTP/1.1\r\nHost: " .. host .. "\r\nAuthorization: " .. authorization
        .. "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
end

function init(args)
    local service, host = args[1], wrk.headers["Host"]
    create_head = head("/v2/Services/" .. service .. "/Verifications", host, args[2])
    check_head = head("/v2/Services/" .. service .. "/VerificationCheck", host, args[2])
    -- a format for string.format: %%2B is the URL-encoded "+", %06d the counter
    create_form = "To=%%2B1" .. string.format("%03d%02d", run, tid) .. "%06d&Channel=sms&CustomCode=424242"
end

local function post(request_head, body)
    return request_head .. #body .. "\r\n\r\n" .. body
end

function request()
    local to = table.remove(ready)
    if to then
        return post(check_head, "To=%2B" .. to .. "&Code=424242")
    end
    counter = counter + 1
    return post(create_head, string.format(create_form, counter))
end

function response(status, headers, body)
    if status == 201 then
        local to = string.match(body, '"to":"%+(%d+)"')
        if to then table.insert(ready, to) end
    elseif status ~= 200 or not string.find(body, '"status":"approved"', 1, true) then
        unexpected = unexpected + 1
        if unexpected <= 3 then print("unexpected " .. status .. ": " .. body) end
    end
end
