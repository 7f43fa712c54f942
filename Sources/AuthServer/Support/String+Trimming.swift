extension StringProtocol where SubSequence == Substring {
    /// The text without leading and trailing whitespace (settings, phone numbers, form fields).
    func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return self[endIndex...] }
        return self[first...last]
    }
}
