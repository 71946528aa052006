-- wrk script: rotates through a list of paths so that every request asks for
-- another article.  Usage: wrk ... -s bench/rotate.lua http://127.0.0.1:PORT -- FILE PREFIX
-- FILE holds one path a line; PREFIX (e.g. /content/pgdoc/) is put before each.
local threads = 0

function setup(thread)
  thread:set("start", threads * 97)
  threads = threads + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = args[2] .. line
  end
  i = start or 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
