-- Verification cycles, two requests each: start a verification for a fresh number (with a
-- CustomCode, so the check knows the code), then check that code. A check is only sent
-- after its verification's 201 came back (wrk shares this state across one thread's
-- connections), so every cycle is a real create-then-check. Counts unexpected statuses.
local counter = 0
local ready = {}
local thread_id = 0
local unexpected = 0

function setup(thread)
    thread:set("thread_id", thread_id)
    thread_id = thread_id + 1
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
        string.format("To=%%2B1%03d%07d&Channel=sms&CustomCode=424242", thread_id, counter))
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
