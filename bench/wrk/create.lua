-- create of a new session for one of 10,000 user ids (see common.lua).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
setup, init, done = common.setup, common.init, common.done
request = common.create
