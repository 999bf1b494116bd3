//! The secret newtype and the rotation list.

use std::fmt;

use zeroize::Zeroizing;

use crate::{SessionCookieError, WireFormat};

/// One `NEXTAUTH_SECRET` / `AUTH_SECRET` value.
///
/// `Debug` prints `AuthSecret([redacted])`; there is no `Display` or `Serialize`. Read the value
/// with [`AuthSecret::expose_secret`]. The memory is zeroed on drop.
#[derive(Clone)]
pub struct AuthSecret(Zeroizing<String>);

impl AuthSecret {
    /// Wrap a secret. Empty secrets are refused, as next-auth's HKDF refuses them.
    pub fn new(secret: impl Into<String>) -> Result<Self, SessionCookieError> {
        let secret = Zeroizing::new(secret.into());
        if secret.is_empty() {
            return Err(SessionCookieError::EmptySecret);
        }
        Ok(AuthSecret(secret))
    }

    /// The secret's text. The name is long on purpose: every call site is a place to review.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AuthSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthSecret([redacted])")
    }
}

/// One or more secrets, newest first.
///
/// Tokens are always encrypted with the first secret and decrypted with any of them, so a secret
/// can be rotated without signing everybody out: put the new secret first, keep the old one
/// until the longest session has rolled over, then drop it. v5 tokens name their key (`kid`), so
/// the right secret is picked directly; v4 tokens carry no key id, so each secret is tried in
/// order.
#[derive(Clone)]
pub struct Secrets(Vec<AuthSecret>);

impl Secrets {
    /// A list of secrets, newest first. Fails if the list is empty or any secret is empty.
    pub fn new<I, S>(secrets: I) -> Result<Self, SessionCookieError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let list = secrets
            .into_iter()
            .map(AuthSecret::new)
            .collect::<Result<Vec<_>, _>>()?;
        if list.is_empty() {
            return Err(SessionCookieError::NoSecret);
        }
        Ok(Secrets(list))
    }

    /// A single secret.
    pub fn single(secret: impl Into<String>) -> Result<Self, SessionCookieError> {
        Ok(Secrets(vec![AuthSecret::new(secret)?]))
    }

    /// The secret new tokens are encrypted with.
    pub fn current(&self) -> &AuthSecret {
        // The constructor guarantees at least one element.
        &self.0[0]
    }

    /// All secrets, newest first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &AuthSecret> {
        self.0.iter()
    }

    /// How many secrets there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a `Secrets` holds at least one secret.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The string the CSRF hash appends to the token: v4 uses the secret (the first, as next-auth
    /// 4 has a single one); v5 uses JavaScript's string form of the secret array, the items
    /// joined with `,`.
    pub(crate) fn csrf_hash_suffix(&self, format: WireFormat) -> Zeroizing<String> {
        match format {
            WireFormat::NextAuthV4 => Zeroizing::new(self.current().expose_secret().to_owned()),
            WireFormat::AuthJsV5 => {
                let mut joined = Zeroizing::new(String::new());
                for (i, secret) in self.0.iter().enumerate() {
                    if i > 0 {
                        joined.push(',');
                    }
                    joined.push_str(secret.expose_secret());
                }
                joined
            }
        }
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets([redacted; {}])", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secrets::new(["hunter2-very-secret", "old-secret"]).expect("valid");
        let printed = format!("{s:?} {:?} {:#?}", s.current(), s);
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("old-secret"), "{printed}");
        assert_eq!(format!("{:?}", s.current()), "AuthSecret([redacted])");
    }

    #[test]
    fn empty_is_refused() {
        assert_eq!(
            AuthSecret::new("").unwrap_err(),
            SessionCookieError::EmptySecret
        );
        assert_eq!(
            Secrets::new(Vec::<String>::new()).unwrap_err(),
            SessionCookieError::NoSecret
        );
        assert_eq!(
            Secrets::new(["a", ""]).unwrap_err(),
            SessionCookieError::EmptySecret
        );
    }

    #[test]
    fn csrf_suffix_joins_v5_list() {
        let s = Secrets::new(["new", "old"]).expect("valid");
        assert_eq!(&*s.csrf_hash_suffix(WireFormat::AuthJsV5), "new,old");
        assert_eq!(&*s.csrf_hash_suffix(WireFormat::NextAuthV4), "new");
    }
}
