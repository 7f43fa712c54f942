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

function init(args)
    service = args[1]
    headers = {
        ["Authorization"] = args[2],
        ["Content-Type"] = "application/x-www-form-urlencoded",
    }
    create_path = "/v2/Services/" .. service .. "/Verifications"
    check_path = "/v2/Services/" .. service .. "/VerificationCheck"
end

function request()
    local to = table.remove(ready)
    if to then
        return wrk.format("POST", check_path, headers, "To=%2B" .. to .. "&Code=424242")
    end
    counter = counter + 1
    return wrk.format("POST", create_path, headers,
        string.format("To=%%2B1%03d%02d%06d&Channel=sms&CustomCode=424242", run, tid, counter))
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
