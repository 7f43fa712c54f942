import VerifyWire

/// A list's URL as every page link writes it: the list's filters first, in the list's own order
/// and spelling, then the paging parameters, each form-encoded. One place, so a Twilio list's
/// `meta` and the control API's `next_page_url` cannot drift apart.
///
/// ```swift
/// ListURL.make(base + "/v2/Services", filters: [("Status", "pending")], paging: [("PageSize", "50")])
/// // …/v2/Services?Status=pending&PageSize=50
/// ```
enum ListURL {
    static func make(
        _ listURL: String, filters: [(name: String, value: String)], paging: [(name: String, value: String)]
    ) -> String {
        let query = (filters + paging).map { "\(FormData.encode($0.name))=\(FormData.encode($0.value))" }
        return listURL + "?" + query.joined(separator: "&")
    }
}
