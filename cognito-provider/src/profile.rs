//! From id_token claims to next-auth's user.

use auth_core::provider::User;
use auth_core::session_cookie::WireFormat;
use serde_json::{Map, Value};

use crate::CognitoError;

/// As next-auth's Cognito provider maps the profile: `sub` → id, `name`, `email`, `picture` →
/// image. Auth.js's default OIDC mapping also falls back to `nickname`, then
/// `preferred_username`, for the name. `cognito:username` and `cognito:groups` stay in the
/// profile for the `jwt` callback.
pub(crate) fn user(claims: &Map<String, Value>, format: WireFormat) -> Result<User, CognitoError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let id = text("sub").ok_or_else(|| CognitoError::IdToken("no subject".into()))?;
    let name = match format {
        WireFormat::NextAuthV4 => text("name"),
        WireFormat::AuthJsV5 => text("name")
            .or_else(|| text("nickname"))
            .or_else(|| text("preferred_username")),
    };
    Ok(User {
        id,
        name,
        email: text("email"),
        image: text("picture"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_like_next_auth() {
        let claims: Map<String, Value> = serde_json::from_str(
            r#"{"sub":"s-1","email":"A@Example.com","cognito:username":"alice","preferred_username":"al","picture":"https://p"}"#,
        )
        .unwrap();
        let v4 = user(&claims, WireFormat::NextAuthV4).unwrap();
        assert_eq!(
            (v4.id.as_str(), v4.name.as_deref(), v4.image.as_deref()),
            ("s-1", None, Some("https://p"))
        );
        let v5 = user(&claims, WireFormat::AuthJsV5).unwrap();
        assert_eq!(v5.name.as_deref(), Some("al"));
    }
}
