/// Phone numbers normalised to E.164 before anything else, so `+1 (415) 555-0100` and
/// `+14155550100` are one identity and one rate-limit key.
///
/// ```swift
/// try PhoneNumber.normalize("+1 (415) 555-0100")   // "+14155550100"
/// ```
public enum PhoneNumber {
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// ITU country calling codes in use (one to three digits).
    static let countryCodes: Set<String> = [
        "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48",
        "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82",
        "84",
        "86", "90", "91", "92", "93", "94", "95", "98", "211", "212", "213", "216", "218", "220", "221", "222", "223",
        "224", "225", "226", "227", "228", "229", "230", "231", "232", "233", "234", "235", "236", "237", "238", "239",
        "240", "241", "242", "243", "244", "245", "246", "248", "249", "250", "251", "252", "253", "254", "255", "256",
        "257", "258", "260", "261", "262", "263", "264", "265", "266", "267", "268", "269", "290", "291", "297", "298",
        "299", "350", "351", "352", "353", "354", "355", "356", "357", "358", "359", "370", "371", "372", "373", "374",
        "375", "376", "377", "378", "379", "380", "381", "382", "383", "385", "386", "387", "389", "420", "421", "423",
        "500", "501", "502", "503", "504", "505", "506", "507", "508", "509", "590", "591", "592", "593", "594", "595",
        "596", "597", "598", "599", "670", "672", "673", "674", "675", "676", "677", "678", "679", "680", "681", "682",
        "683", "685", "686", "687", "688", "689", "690", "691", "692", "850", "852", "853", "855", "856", "880", "886",
        "960", "961", "962", "963", "964", "965", "966", "967", "968", "970", "971", "972", "973", "974", "975", "976",
        "977", "992", "993", "994", "995", "996", "998",
    ]

    /// Total digit counts (country code included) where a country's are fixed.
    static let exactLengths: [String: ClosedRange<Int>] = [
        "1": 11...11, "44": 11...12, "33": 11...11, "49": 10...15, "61": 11...11, "91": 12...12, "86": 12...13,
        "81": 11...12, "7": 11...11, "34": 11...11, "39": 9...13, "55": 12...13,
    ]

    /// The E.164 form of `text`: spaces, dots, dashes and parentheses are dropped, a leading
    /// `00` becomes `+`; the country code must exist and the length fit it. Read scalar by
    /// scalar, not by character: `2` followed by a combining mark (or a keycap, or a variation
    /// selector) is one character that compares between "0" and "9", and would reach Verify and
    /// the rate limits as a number of its own.
    public static func normalize(_ text: String) throws(Invalid) -> String {
        var digits = ""
        var sawPlus = false
        for (index, scalar) in text.trimmingWhitespace().unicodeScalars.enumerated() {
            switch scalar {
            case "+" where index == 0: sawPlus = true
            case " ", "-", ".", "(", ")", "\u{00A0}": continue
            case "0"..."9": digits.unicodeScalars.append(scalar)
            default: throw Invalid(description: "phone numbers contain only digits, spaces, dashes, dots and ()")
            }
        }
        if !sawPlus {
            guard digits.hasPrefix("00") else {
                throw Invalid(description: "phone numbers need their country code, starting with + (E.164)")
            }
            digits.removeFirst(2)
        }
        guard (8...15).contains(digits.count) else { throw Invalid(description: "a phone number has 8 to 15 digits") }
        guard let code = (1...3).map({ String(digits.prefix($0)) }).first(where: countryCodes.contains) else {
            throw Invalid(description: "unknown country calling code")
        }
        if let lengths = exactLengths[code], !lengths.contains(digits.count) {
            throw Invalid(description: "wrong length for a +\(code) number")
        }
        return "+" + digits
    }

    /// The country calling code of an E.164 number (`+18765550100` → `1`), if it is one in use.
    static func callingCode(of number: String) -> String? {
        guard number.hasPrefix("+") else { return nil }
        let digits = number.dropFirst()
        return (1...3).map { String(digits.prefix($0)) }.first(where: countryCodes.contains)
    }
}
