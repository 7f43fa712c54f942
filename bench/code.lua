-- OpenID Connect code exchanges by one signed-in browser (single sign-on): ask /oauth/authorize
-- for a code with the browser's session cookie, then exchange it at /oauth/token as the
-- confidential client (HTTP Basic). args: the session cookie, the Basic credentials, the
-- redirect URI. Counts exchanges and unexpected answers.
local step = "authorize"
local code = nil
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    cookie = args[1]
    basic = args[2]
    redirect = args[3]
    exchanges = 0
    unexpected = 0
end

local function encode(text)
    return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
    if step == "authorize" then
        return wrk.format("GET", "/oauth/authorize?response_type=code&client_id=bench&scope=openid%20phone"
            .. "&state=s&nonce=n&redirect_uri=" .. encode(redirect), {["Cookie"] = cookie})
    end
    return wrk.format("POST", "/oauth/token",
        {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = "Basic " .. basic},
        "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. encode(redirect))
end

function response(status, headers, body)
    if step == "authorize" then
        code = headers["Location"] and string.match(headers["Location"], "[?&]code=([^&]+)")
        if status == 302 and code then step = "token" else unexpected = unexpected + 1 end
    else
        if status == 200 and string.find(body, '"id_token"', 1, true) then
            exchanges = exchanges + 1
        else
            unexpected = unexpected + 1
        end
        step = "authorize"
    end
end

function done(summary, latency, requests)
    local total, bad = 0, 0
    for _, thread in ipairs(threads) do
        total = total + thread:get("exchanges")
        bad = bad + thread:get("unexpected")
    end
    io.write(string.format("exchanges=%d unexpected=%d seconds=%.1f\n", total, bad, summary.duration / 1e6))
end
