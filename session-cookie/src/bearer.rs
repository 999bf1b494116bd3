//! The `Authorization: Bearer <token>` fallback of next-auth's `getToken`.

use crate::SessionCookieError;
use crate::request_cookies::decode_uri_component;

/// The token of an `Authorization: Bearer <percent-encoded token>` header.
///
/// next-auth splits the header on spaces, takes the second word when the first is exactly
/// `Bearer`, and `decodeURIComponent`s it (`null` when that throws). Stricter here: exactly two
/// words, a non-empty token, valid percent-encoding.
///
/// ```
/// use session_cookie::bearer_token;
///
/// assert_eq!(bearer_token("Bearer abc%2Edef").as_deref(), Ok("abc.def"));
/// assert!(bearer_token("Bearer %E0%A4%A").is_err());
/// assert!(bearer_token("Basic abc").is_err());
/// ```
pub fn bearer_token(authorization: &str) -> Result<String, SessionCookieError> {
    let mut words = authorization.split(' ');
    match (words.next(), words.next(), words.next()) {
        (Some("Bearer"), Some(token), None) if !token.is_empty() => decode_uri_component(token)
            .map(|t| t.into_owned())
            .filter(|t| !t.is_empty())
            .ok_or(SessionCookieError::NoTokenOrBadHeader),
        _ => Err(SessionCookieError::NoTokenOrBadHeader),
    }
}
