-- wrk script for scripts/bench-sdcd.sh: every request is POST /v1/verify
-- with one card's barcode text, as a logged-in user.
-- Environment: TOKEN (a bearer token from POST /v1/login), BARCODE ("SDC1:...").
local token = os.getenv("TOKEN")
local barcode = os.getenv("BARCODE")
if not token or token == "" or not barcode or barcode == "" then
  error("bench-sdcd-verify.lua: set TOKEN and BARCODE")
end

wrk.method = "POST"
wrk.path = "/v1/verify"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
-- Base45 text has no quote or backslash: it can go into JSON as it is.
wrk.body = '{"barcode": "' .. barcode .. '"}'
