extension Character {
    /// `isNumber` accepts other scripts' digits (and `Int("٣")` would not parse them anyway).
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
