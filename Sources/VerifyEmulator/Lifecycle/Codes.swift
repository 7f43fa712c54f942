/// A code a caller may choose (`CustomCode`, a fixed code): 4 to 10 ASCII letters or digits.
/// Checked on bytes: only ASCII passes, so bytes and characters agree.
func isWellFormedCode(_ code: String) -> Bool {
    (4...10).contains(code.utf8.count)
        && code.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "a")...UInt8(ascii: "z"):
                true
            default: false
            }
        }
}
