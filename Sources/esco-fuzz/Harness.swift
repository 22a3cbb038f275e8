import ESCOFuzzTargets
import Foundation

// The libFuzzer harness. `scripts/fuzz` builds it with `-sanitize=fuzzer,address -parse-as-library` and picks the
// parser with ESCO_FUZZ_TARGET (see `FuzzTarget`).

let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["ESCO_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        fatalError("set ESCO_FUZZ_TARGET to one of: \(names) (got \"\(name)\")")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

// SwiftPM links a debug executable with `main` aliased to `<module>_main` (so tests can import it); with
// -parse-as-library there is no Swift main, so this is it, handing over to libFuzzer's driver.
@_cdecl("esco_fuzz_main")
public func escoFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
}
