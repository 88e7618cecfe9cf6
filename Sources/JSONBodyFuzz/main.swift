// libFuzzer driver for the JSON body path (`make fuzz-json`; see README).
#if FUZZING
import FuzzDriver

runLibFuzzer { data, count in fuzzJSONBody(data.map(UnsafeRawPointer.init), count) }
#else
print("JSONBodyFuzz: build it with `make fuzz-json` (libFuzzer); a plain build has nothing to run.")
#endif
