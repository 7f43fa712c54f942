/// The part of CBOR (RFC 8949) WebAuthn uses: an attestation object and a COSE key are maps of
/// integers, text, byte strings, arrays and maps with definite lengths. Indefinite lengths,
/// tags and floats are refused; so is anything nested deeper than a WebAuthn structure needs.
indirect enum CBOR: Sendable, Equatable {
    case unsigned(UInt64)
    /// -1 - n, as CBOR encodes negative integers.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    case map([(CBOR, CBOR)])
    case bool(Bool)
    case null

    static func == (lhs: CBOR, rhs: CBOR) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)), (.negative(let a), .negative(let b)): a == b
        case (.bytes(let a), .bytes(let b)): a == b
        case (.text(let a), .text(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        default: false
        }
    }

    /// The value of `key` in a map.
    subscript(key: CBOR) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    subscript(text key: String) -> CBOR? { self[.text(key)] }

    /// An integer key, as COSE uses (1 kty, 3 alg, -1 crv, -2 x, -3 y).
    subscript(int key: Int) -> CBOR? { self[key >= 0 ? .unsigned(UInt64(key)) : .negative(UInt64(-1 - key))] }

    var integer: Int? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int.max) ? Int(value) : nil
        case .negative(let value): value < UInt64(Int.max) ? -1 - Int(value) : nil
        default: nil
        }
    }

    var bytes: [UInt8]? {
        if case .bytes(let value) = self { value } else { nil }
    }

    var text: String? {
        if case .text(let value) = self { value } else { nil }
    }

    struct DecodingError: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Decodes one item from the start of `bytes`; also returns how many bytes it took, since
    /// authenticator data has a COSE key followed by extensions.
    static func decode(prefixOf bytes: [UInt8]) throws(DecodingError) -> (CBOR, Int) {
        var reader = Reader(bytes: bytes)
        let value = try reader.item(depth: 0)
        return (value, reader.offset)
    }

    /// Decodes `bytes`, which must hold exactly one item.
    static func decode(_ bytes: [UInt8]) throws(DecodingError) -> CBOR {
        let (value, used) = try decode(prefixOf: bytes)
        guard used == bytes.count else {
            throw DecodingError(description: "\(bytes.count - used) bytes after the item")
        }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        static let maxDepth = 8
        static let maxCount = 4096

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard offset < bytes.count else { throw DecodingError(description: "ends in the middle of an item") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: UInt64) throws(DecodingError) -> [UInt8] {
            guard count <= UInt64(bytes.count - offset) else {
                throw DecodingError(description: "a length of \(count) runs past the end")
            }
            defer { offset += Int(count) }
            return Array(bytes[offset..<offset + Int(count)])
        }

        mutating func argument(_ info: UInt8) throws(DecodingError) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24: return UInt64(try byte())
            case 25, 26, 27:
                var value: UInt64 = 0
                for _ in 0..<(1 << (info - 24)) { value = value << 8 | UInt64(try byte()) }
                return value
            default: throw DecodingError(description: "indefinite lengths and reserved values are not supported")
            }
        }

        mutating func count(_ info: UInt8) throws(DecodingError) -> Int {
            let value = try argument(info)
            guard value <= UInt64(Self.maxCount) else { throw DecodingError(description: "\(value) items is too many") }
            return Int(value)
        }

        mutating func item(depth: Int) throws(DecodingError) -> CBOR {
            guard depth <= Self.maxDepth else { throw DecodingError(description: "nested too deeply") }
            let initial = try byte()
            let info = initial & 0x1F
            switch initial >> 5 {
            case 0: return .unsigned(try argument(info))
            case 1: return .negative(try argument(info))
            case 2: return .bytes(try take(try argument(info)))
            case 3:
                let raw = try take(try argument(info))
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw DecodingError(description: "a text string is not UTF-8")
                }
                return .text(text)
            case 4:
                var items: [CBOR] = []
                for _ in 0..<(try count(info)) { items.append(try item(depth: depth + 1)) }
                return .array(items)
            case 5:
                var pairs: [(CBOR, CBOR)] = []
                for _ in 0..<(try count(info)) {
                    let key = try item(depth: depth + 1)
                    pairs.append((key, try item(depth: depth + 1)))
                }
                return .map(pairs)
            case 7:
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                default: throw DecodingError(description: "floats and simple values are not supported")
                }
            default: throw DecodingError(description: "tags are not supported")
            }
        }
    }
}
