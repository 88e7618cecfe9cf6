-- 80% get, 15% set, 5% create (see common.lua).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, init, done = common.setup, common.init, common.done

function request()
  local draw = math.random(100)
  if draw <= 80 then return common.get() end
  if draw <= 95 then return common.set() end
  return common.create()
end
