-- A visit as a browser makes it, one address after the other in turn:
-- VISIT_PATHS="/events/hitmc/schedule /events/hitmc/me.json" is a logged-in
-- member's (the page kept for every member, then their own state); one
-- address alone measures a page through the same script, so that the two
-- compare like for like (a Lua request() costs wrk time of its own).
local paths = {}
for path in string.gmatch(os.getenv("VISIT_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end
local sent = 0

request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent % #paths) + 1])
end
