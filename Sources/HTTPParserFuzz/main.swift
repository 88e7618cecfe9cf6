// libFuzzer driver for the request parser (`make fuzz`; see README).
#if FUZZING
import FuzzDriver

runLibFuzzer { data, count in fuzzRequestParser(data.map(UnsafeRawPointer.init), count) }
#else
print("HTTPParserFuzz: build it with `make fuzz` (libFuzzer); a plain build has nothing to run.")
#endif
