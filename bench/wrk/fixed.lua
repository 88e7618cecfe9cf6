-- The HTTP layer alone (HTTPBench answers every request with the same 60-byte JSON).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, init, done = common.setup, common.init, common.done

function request()
  return common.get()
end
