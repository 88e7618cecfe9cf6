// The libFuzzer entry of the fuzz targets (`make fuzz`, `make fuzz-json`). The fuzz builds define
// FUZZING and link libFuzzer (-sanitize=fuzzer); SwiftPM gives every executable its own main, so the
// targets hand control to libFuzzer through LLVMFuzzerRunDriver instead of libFuzzer's main.
#if FUZZING
import Glibc

@_extern(c, "LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer on the command line's arguments with `test` as the fuzz target, then exits.
public func runLibFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, test))
}
#endif
