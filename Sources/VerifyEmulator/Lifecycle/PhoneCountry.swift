/// The country of an E.164 number, by its calling code (and, for +1, the Canadian area codes),
/// for messaging configurations and attempt listings. Numbers of a code the table does not
/// know have no country (only an `all` configuration applies to them).
enum PhoneCountry {
    /// ISO 3166-1 alpha-2 codes by calling code; the longest code that prefixes a number wins.
    static let byCallingCode: [String: String] = [
        "1": "US", "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES",
        "36": "HU", "39": "IT", "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO",
        "48": "PL", "49": "DE", "51": "PE", "52": "MX", "53": "CU", "54": "AR", "55": "BR", "56": "CL", "57": "CO",
        "58": "VE", "60": "MY", "61": "AU", "62": "ID", "63": "PH", "64": "NZ", "65": "SG", "66": "TH", "81": "JP",
        "82": "KR", "84": "VN", "86": "CN", "90": "TR", "91": "IN", "92": "PK", "93": "AF", "94": "LK", "95": "MM",
        "98": "IR", "212": "MA", "213": "DZ", "216": "TN", "234": "NG", "254": "KE", "255": "TZ", "256": "UG",
        "351": "PT", "352": "LU", "353": "IE", "354": "IS", "358": "FI", "359": "BG", "370": "LT", "371": "LV",
        "372": "EE", "380": "UA", "385": "HR", "386": "SI", "420": "CZ", "421": "SK", "852": "HK", "880": "BD",
        "886": "TW", "966": "SA", "971": "AE", "972": "IL", "974": "QA",
    ]

    /// Area codes of +1 numbers in Canada.
    static let canadianAreaCodes: Set<String> = [
        "204", "226", "236", "249", "250", "263", "289", "306", "343", "354", "365", "367", "368", "382", "403",
        "416", "418", "428", "431", "437", "438", "450", "468", "474", "506", "514", "519", "548", "579", "581",
        "584", "587", "604", "613", "639", "647", "672", "683", "705", "709", "742", "753", "778", "780", "782",
        "807", "819", "825", "867", "873", "879", "902", "905",
    ]

    /// The ISO code of `number` (`+15145550000` → `CA`), or nil.
    static func of(_ number: String) -> String? {
        guard number.hasPrefix("+") else { return nil }
        let digits = String(number.dropFirst())
        for length in stride(from: 3, through: 1, by: -1) where digits.count > length {
            guard let country = byCallingCode[String(digits.prefix(length))] else { continue }
            if country == "US", canadianAreaCodes.contains(String(digits.dropFirst().prefix(3))) { return "CA" }
            return country
        }
        return nil
    }

    /// Whether `text` is an ISO 3166-1 alpha-2 code (two capital letters) or `all`.
    static func isCountry(_ text: String) -> Bool {
        text == "all" || (text.utf8.count == 2 && text.utf8.allSatisfy { (0x41...0x5A).contains($0) })
    }
}
