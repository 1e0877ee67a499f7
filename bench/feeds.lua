-- Calendar apps polling personal feeds: each request a feed address picked
-- at random from FEED_TOKENS (lines "token etag"); FEED_MODE is plain,
-- gzip, or revalidate (If-None-Match with that feed's ETag).
local feeds = {}
for line in io.lines(os.getenv("FEED_TOKENS")) do
  local token, etag = line:match("^(%S+) (.+)$")
  table.insert(feeds, { path = "/feeds/" .. token .. ".ics", etag = etag })
end
local mode = os.getenv("FEED_MODE") or "plain"

function init(args)
  -- Each thread its own sequence (a table's address differs per thread).
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000000))
end

request = function()
  local feed = feeds[math.random(#feeds)]
  local headers = {}
  if mode == "gzip" then
    headers["Accept-Encoding"] = "gzip"
  elseif mode == "revalidate" then
    headers["If-None-Match"] = feed.etag
  end
  return wrk.format("GET", feed.path, headers)
end
