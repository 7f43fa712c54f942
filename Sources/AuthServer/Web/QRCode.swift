import CQRencode

/// A QR code as inline SVG, encoded by libqrencode (error correction M, so a phone camera reads
/// it off a screen at an angle) with the 4-module quiet zone scanners need. Each row's dark
/// runs become one path segment, so a typical `otpauth://` URI is a few kilobytes.
///
/// ```swift
/// let svg = try QRCode.svg("otpauth://totp/Acme:alice?secret=…")   // "<svg …>…</svg>"
/// ```
enum QRCode {
    struct TooLong: Error, Sendable, CustomStringConvertible {
        var length: Int
        var description: String { "\(length) bytes cannot be encoded as a QR code" }
    }

    static func svg(_ text: String, label: String = "QR code") throws -> String {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw TooLong(length: text.utf8.count)
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let modules = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        let quiet = 4
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                // bit 0 of each byte is the module's colour (1 = dark)
                guard modules[y * width + x] & 1 == 1 else {
                    x += 1
                    continue
                }
                let start = x
                while x < width, modules[y * width + x] & 1 == 1 { x += 1 }
                path += "M\(start + quiet) \(y + quiet)h\(x - start)v1h-\(x - start)z"
            }
        }
        let size = width + 2 * quiet
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" width="\(size * 5)" \
            height="\(size * 5)" role="img" aria-label="\(label)" shape-rendering="crispEdges">\
            <rect width="\(size)" height="\(size)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
