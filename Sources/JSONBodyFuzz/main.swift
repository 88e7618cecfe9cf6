// libFuzzer driver for the JSON body path (`make fuzz-json`; see README). The fuzz build defines FUZZING
// and links libFuzzer (-sanitize=fuzzer); SwiftPM gives every executable its own main, so this one
// hands control to libFuzzer through LLVMFuzzerRunDriver instead of libFuzzer's main.
#if FUZZING
import Glibc

@_extern(c, "LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
let status = runFuzzerDriver(&argc, &argv) { data, count in
    fuzzJSONBody(data.map(UnsafeRawPointer.init), count)
}
exit(status)
#else
print("JSONBodyFuzz: build it with `make fuzz-json` (libFuzzer); a plain build has nothing to run.")
#endif
