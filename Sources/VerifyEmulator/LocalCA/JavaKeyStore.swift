import Crypto

/// A Java trust store in the JKS format, which every JDK reads as `javax.net.ssl.trustStore`
/// (JDK 9 and later also under the default `PKCS12` type): the JDK cannot read a PEM bundle,
/// and JKS of trusted certificates is a short, documented layout with no encryption.
///
/// Layout (all integers big-endian): magic `FEEDFEED`, version 2, the entry count; per entry
/// tag 2 (a trusted certificate), the alias and `X.509` as Java modified UTF-8 with a 16-bit
/// length, a 64-bit creation time in milliseconds, the DER's 32-bit length and bytes; then a
/// SHA-1 over the password as UTF-16BE, the words "Mighty Aphrodite" and everything before.
enum JavaKeyStore {
    /// The password the JDK's own `cacerts` uses; a trust store holds nothing secret.
    static let password = "changeit"

    static func trustStore(_ certificates: [[UInt8]], createdAt milliseconds: UInt64 = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        append(UInt32(0xFEED_FEED), to: &bytes)
        append(UInt32(2), to: &bytes)
        append(UInt32(certificates.count), to: &bytes)
        for (index, der) in certificates.enumerated() {
            append(UInt32(2), to: &bytes)
            appendUTF(index == certificates.count - 1 ? "verify-emulator-ca" : "root-\(index)", to: &bytes)
            append(milliseconds, to: &bytes)
            appendUTF("X.509", to: &bytes)
            append(UInt32(der.count), to: &bytes)
            bytes += der
        }
        var digest = Insecure.SHA1()
        digest.update(data: password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        digest.update(data: Array("Mighty Aphrodite".utf8))
        digest.update(data: bytes)
        bytes += Array(digest.finalize())
        return bytes
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes += $0 }
    }

    /// ASCII aliases only, so modified UTF-8 is plain UTF-8.
    private static func appendUTF(_ text: String, to bytes: inout [UInt8]) {
        append(UInt16(text.utf8.count), to: &bytes)
        bytes += Array(text.utf8)
    }
}
