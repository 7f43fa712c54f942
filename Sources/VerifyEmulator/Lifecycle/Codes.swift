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

/// Compares two codes in time that depends only on their lengths, not on where they differ.
func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    var difference: UInt8 = left.count == right.count ? 0 : 1
    for index in 0..<max(left.count, right.count) {
        difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
    }
    return difference == 0
}
