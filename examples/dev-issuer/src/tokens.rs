//! Cognito-shaped claims: the id token, the access token and the userInfo response.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::DevUser;
use crate::state::{AppState, Grant, random_uuid};

/// The scopes a client may ask for (Cognito's standard scopes and its admin scope).
pub(crate) const SUPPORTED_SCOPES: [&str; 5] = [
    "openid",
    "email",
    "phone",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// Tokens minted for one grant.
#[derive(Debug)]
pub(crate) struct Minted {
    /// Only when `openid` was granted, as Cognito.
    pub(crate) id_token: Option<String>,
    pub(crate) access_token: String,
}

/// Mint an access token and, with `openid`, an id token for `grant`. `None` when the user no
/// longer exists.
pub(crate) fn mint(state: &AppState, grant: &Grant, nonce: Option<&str>) -> Option<Minted> {
    let config = &state.config;
    let user = config.user(&grant.username)?;
    let sub = user.sub.as_deref()?;
    let now = config.now();
    let exp = now + config.token_validity_secs;
    let issuer = state.urls.issuer.as_str();

    let mut access = Map::new();
    access.insert("sub".into(), json!(sub));
    if !user.groups.is_empty() {
        access.insert("cognito:groups".into(), json!(user.groups));
    }
    access.insert("iss".into(), json!(issuer));
    access.insert("version".into(), json!(2));
    access.insert("client_id".into(), json!(grant.client_id));
    access.insert("origin_jti".into(), json!(grant.origin_jti));
    access.insert("token_use".into(), json!("access"));
    access.insert("scope".into(), json!(grant.scopes.join(" ")));
    access.insert("auth_time".into(), json!(grant.auth_time));
    access.insert("exp".into(), json!(exp));
    access.insert("iat".into(), json!(now));
    access.insert("jti".into(), json!(random_uuid()));
    access.insert("username".into(), json!(user.username));
    let access_token = config.key.sign(&access);

    let id_token = grant.has_scope("openid").then(|| {
        let mut id = Map::new();
        id.insert("at_hash".into(), json!(at_hash(&access_token)));
        id.insert("sub".into(), json!(sub));
        if !user.groups.is_empty() {
            id.insert("cognito:groups".into(), json!(user.groups));
        }
        if user.email.is_some() {
            id.insert("email_verified".into(), json!(user.email_verified));
        }
        id.insert("iss".into(), json!(issuer));
        if user.phone_number.is_some() {
            id.insert("phone_number_verified".into(), json!(true));
        }
        id.insert("cognito:username".into(), json!(user.username));
        if let Some(nonce) = nonce {
            id.insert("nonce".into(), json!(nonce));
        }
        id.insert("origin_jti".into(), json!(grant.origin_jti));
        id.insert("aud".into(), json!(grant.client_id));
        id.insert("token_use".into(), json!("id"));
        id.insert("auth_time".into(), json!(grant.auth_time));
        insert_opt(&mut id, "name", user.name.as_deref());
        insert_opt(&mut id, "picture", user.picture.as_deref());
        insert_opt(&mut id, "phone_number", user.phone_number.as_deref());
        id.insert("exp".into(), json!(exp));
        id.insert("iat".into(), json!(now));
        id.insert("jti".into(), json!(random_uuid()));
        insert_opt(&mut id, "email", user.email.as_deref());
        config.key.sign(&id)
    });

    Some(Minted {
        id_token,
        access_token,
    })
}

/// OIDC `at_hash`: base64url of the left half of SHA-256 of the access token.
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

fn insert_opt(map: &mut Map<String, Value>, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        map.insert(name.into(), json!(value));
    }
}

/// The userInfo response for `user` given the access token's scopes, as Cognito answers it:
/// `openid` alone gives every attribute; otherwise `profile`, `email` and `phone` each add
/// theirs. Like Cognito, the `*_verified` attributes are the strings `"true"`/`"false"` here
/// (they are booleans in the id token).
pub(crate) fn userinfo(user: &DevUser, scopes: &[&str]) -> Map<String, Value> {
    let only_openid = !scopes
        .iter()
        .any(|s| matches!(*s, "profile" | "email" | "phone"));
    let wants = |scope: &str| only_openid || scopes.contains(&scope);

    let mut out = Map::new();
    insert_opt(&mut out, "sub", user.sub.as_deref());
    if wants("email") && user.email.is_some() {
        out.insert(
            "email_verified".into(),
            json!(user.email_verified.to_string()),
        );
    }
    if wants("profile") {
        insert_opt(&mut out, "name", user.name.as_deref());
        insert_opt(&mut out, "picture", user.picture.as_deref());
    }
    if wants("phone") && user.phone_number.is_some() {
        insert_opt(&mut out, "phone_number", user.phone_number.as_deref());
        out.insert("phone_number_verified".into(), json!("true"));
    }
    if wants("email") {
        insert_opt(&mut out, "email", user.email.as_deref());
    }
    out.insert("username".into(), json!(user.username));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_matches_the_oidc_example() {
        // OpenID Connect Core 1.0, A.3/A.4 (RS256, access token "jHkWEdUXMU1BwAsC4vtUsZwnNv..."):
        // the spec's example value for this exact token.
        assert_eq!(
            at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn userinfo_follows_scopes() {
        let mut user = DevUser::new("u", "p")
            .email("u@example.com")
            .name("U")
            .phone_number("+15555550100");
        user.sub = Some("s".into());
        let all = userinfo(&user, &["openid"]);
        for k in [
            "sub",
            "email",
            "email_verified",
            "name",
            "phone_number",
            "username",
        ] {
            assert!(all.contains_key(k), "{k}");
        }
        assert_eq!(all["email_verified"], "true");
        let email_only = userinfo(&user, &["openid", "email"]);
        assert!(email_only.contains_key("email"));
        assert!(!email_only.contains_key("name"));
        assert!(!email_only.contains_key("phone_number"));
        assert_eq!(email_only["sub"], "s");
        assert_eq!(email_only["username"], "u");
    }
}
