-- The ceiling: GET /healthz on the same server, with a response callback like cycle.lua's
-- so both runs pay the same client-side cost per response.
local unexpected = 0

function response(status, headers, body)
    if status ~= 200 then
        unexpected = unexpected + 1
    end
end
