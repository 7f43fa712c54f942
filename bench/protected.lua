-- GET /api/auth/protected with a bearer token (args[1]).
function init(args)
    wrk.headers["Authorization"] = "Bearer " .. args[1]
end
