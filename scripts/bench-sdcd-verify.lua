-- wrk script for scripts/bench-sdcd.sh: every request is POST /v1/verify
-- with a card's barcode text, as a logged-in user; the requests go through
-- the barcodes of the file in turn.
-- Environment: TOKEN (a bearer token from POST /v1/login), BARCODES (a file
-- with one "SDC1:..." text per line).
local token = os.getenv("TOKEN")
local path = os.getenv("BARCODES")
if not token or token == "" or not path or path == "" then
  error("bench-sdcd-verify.lua: set TOKEN and BARCODES")
end

local bodies = {}
for line in io.lines(path) do
  -- Base45 text has no quote or backslash: it can go into JSON as it is.
  if line:sub(1, 5) == "SDC1:" then bodies[#bodies + 1] = '{"barcode": "' .. line .. '"}' end
end
if #bodies == 0 then error("bench-sdcd-verify.lua: no barcode in " .. path) end

wrk.method = "POST"
wrk.path = "/v1/verify"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"

local next_body = 0
request = function()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end
