//! Reading settings the way every tier of the workspace reads them.

/// A boolean setting (`AUTH_TRUST_HOST`, `COGNITO_REFRESH_TOKENS`, ...): `true` / `1` or
/// `false` / `0`, surrounding whitespace ignored; `None` for anything else, which callers report
/// as a malformed setting rather than guess.
///
/// ```
/// use session_cookie::parse_flag;
///
/// assert_eq!(parse_flag(" true"), Some(true));
/// assert_eq!(parse_flag("0"), Some(false));
/// assert_eq!(parse_flag("yes"), None);
/// ```
pub fn parse_flag(value: &str) -> Option<bool> {
    match value.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}
