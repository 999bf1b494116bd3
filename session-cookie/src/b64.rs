//! Unpadded base64url, strict on input.
//!
//! next-auth 4 decodes with Node's lenient base64 decoder (it accepts `+`, `/`, stray characters
//! and non-zero spare bits); next-auth never *emits* such strings, so we accept only the
//! canonical form: the `base64` crate's URL-safe engine without padding, which rejects padding,
//! the standard alphabet and non-zero trailing bits.

use base64::DecodeSliceError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encode bytes as unpadded base64url.
pub(crate) fn encode(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Append the unpadded base64url form of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decode canonical unpadded base64url; `None` for anything else.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Why [`decode_array`] failed.
pub(crate) enum ArrayError {
    /// Not canonical unpadded base64url.
    Base64,
    /// Valid base64url of another length than the array's.
    Length,
}

/// Decode canonical unpadded base64url of exactly `N` bytes onto the stack (IVs and tags: no
/// allocation per token).
pub(crate) fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], ArrayError> {
    let mut out = [0u8; N];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut out) {
        Ok(n) if n == N => Ok(out),
        Ok(_) | Err(DecodeSliceError::OutputSliceTooSmall) => Err(ArrayError::Length),
        Err(DecodeSliceError::DecodeError(_)) => Err(ArrayError::Base64),
    }
}

/// Decode canonical unpadded base64url into `out` (cleared first); `false` for anything else.
pub(crate) fn decode_into(text: &str, out: &mut Vec<u8>) -> bool {
    out.clear();
    URL_SAFE_NO_PAD.decode_vec(text, out).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_canonical() {
        assert_eq!(decode("AQI"), Some(vec![1, 2]));
        assert_eq!(decode("AQJ"), None, "spare bits set");
        assert_eq!(decode("AQI="), None, "padding");
        assert_eq!(decode("+/8"), None, "standard alphabet");
        assert_eq!(decode("A QI"), None, "whitespace");
        assert_eq!(decode("A"), None, "impossible length");
    }

    #[test]
    fn arrays_take_exactly_their_length() {
        assert!(matches!(decode_array::<2>("AQI"), Ok([1, 2])));
        assert!(matches!(decode_array::<3>("AQI"), Err(ArrayError::Length)));
        assert!(matches!(decode_array::<1>("AQI"), Err(ArrayError::Length)));
        assert!(matches!(decode_array::<2>("AQJ"), Err(ArrayError::Base64)));
        assert!(matches!(decode_array::<2>("AQ I"), Err(ArrayError::Base64)));
    }
}
