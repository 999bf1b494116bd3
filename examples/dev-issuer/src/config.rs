//! App clients and users: what a Cognito user pool would hold.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::DevIssuerError;

/// An app client's secret. `Debug` is redacted; read it with [`secret`](Self::secret).
#[derive(Clone)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wrap a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison (over SHA-256 digests, so the length does not leak either).
    pub(crate) fn matches(&self, presented: &str) -> bool {
        digest_eq(&self.0, presented)
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

/// A demo user's password. `Debug` is redacted; read it with [`secret`](Self::secret).
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wrap a password.
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    /// The password itself (the local stack prints demo passwords at start-up).
    pub fn secret(&self) -> &str {
        &self.0
    }

    pub(crate) fn matches(&self, presented: &str) -> bool {
        digest_eq(&self.0, presented)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

fn digest_eq(expected: &str, presented: &str) -> bool {
    let a = Sha256::digest(expected.as_bytes());
    let b = Sha256::digest(presented.as_bytes());
    bool::from(a.as_slice().ct_eq(b.as_slice()))
}

/// An app client of the pool, with its registered callback and sign-out URLs.
///
/// Redirect and logout URIs are compared as exact strings, as Cognito does.
///
/// ```
/// use dev_issuer::DevClient;
///
/// let client = DevClient::confidential("local-client", "local-client-secret")
///     .redirect_uri("http://127.0.0.1:3000/api/auth/callback/cognito")
///     .logout_uri("http://127.0.0.1:3000/");
/// assert_eq!(client.id(), "local-client");
/// assert!(!format!("{client:?}").contains("local-client-secret"));
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DevClient {
    pub(crate) id: String,
    pub(crate) secret: Option<ClientSecret>,
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) logout_uris: Vec<String>,
}

impl DevClient {
    /// A client with a secret: it authenticates at the token endpoint with `client_secret_basic`
    /// or `client_secret_post`.
    pub fn confidential(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            secret: Some(ClientSecret::new(secret)),
            redirect_uris: Vec::new(),
            logout_uris: Vec::new(),
        }
    }

    /// A public client (no secret): it sends only `client_id` to the token endpoint, and should
    /// use PKCE.
    pub fn public(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            secret: None,
            redirect_uris: Vec::new(),
            logout_uris: Vec::new(),
        }
    }

    /// Register an allowed callback URL (`redirect_uri`), exact string.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// Register an allowed sign-out URL (`logout_uri` of `/logout`), exact string.
    pub fn logout_uri(mut self, uri: impl Into<String>) -> Self {
        self.logout_uris.push(uri.into());
        self
    }

    /// The client id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client secret, `None` for a public client.
    pub fn secret(&self) -> Option<&ClientSecret> {
        self.secret.as_ref()
    }

    /// The registered callback URLs.
    pub fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    /// The registered sign-out URLs.
    pub fn logout_uris(&self) -> &[String] {
        &self.logout_uris
    }
}

/// A user of the pool. Development only: passwords are kept in memory in plain text and printed by
/// [`DevIssuer::describe`](crate::DevIssuer::describe).
///
/// ```
/// use dev_issuer::DevUser;
///
/// let carol = DevUser::new("carol", "carol-password")
///     .email("carol@example.com")
///     .name("Carol Example")
///     .groups(["editors"]);
/// assert_eq!(carol.username(), "carol");
/// assert!(!format!("{carol:?}").contains("carol-password"));
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DevUser {
    pub(crate) username: String,
    pub(crate) password: Password,
    pub(crate) sub: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
    pub(crate) name: Option<String>,
    pub(crate) picture: Option<String>,
    pub(crate) phone_number: Option<String>,
    pub(crate) groups: Vec<String>,
    /// Whether the start-up description may print the password (the demo users' are published;
    /// a password someone chose is not echoed).
    pub(crate) published: bool,
}

impl DevUser {
    /// A user with a username and password and nothing else. Its `sub` is a UUID derived from
    /// the pool id and the username (stable across restarts) unless set with [`subject`](Self::subject).
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: Password::new(password),
            sub: None,
            email: None,
            email_verified: true,
            name: None,
            picture: None,
            phone_number: None,
            groups: Vec::new(),
            published: false,
        }
    }

    /// The users of `DEV_ISSUER_USERS` ([`parse_list`](Self::parse_list)), or the demo users
    /// when it is unset or blank.
    pub fn from_env() -> Result<Vec<DevUser>, DevIssuerError> {
        match std::env::var("DEV_ISSUER_USERS") {
            Ok(spec) if !spec.trim().is_empty() => Self::parse_list(&spec),
            _ => Ok(Self::demo_users()),
        }
    }

    /// Users from one line of text, as `DEV_ISSUER_USERS` gives them to the `dev-issuer` binary
    /// and to the local stack's embedded issuer:
    /// entries separated by `;` or line breaks, each `username:password[:group,group,...]`.
    /// Each user's e-mail is `<username>@example.com` (verified), its name the username.
    ///
    /// ```
    /// let users = dev_issuer::DevUser::parse_list("carol:carol-pw:admins,ops; dave:dave-pw").unwrap();
    /// assert_eq!(users[0].username(), "carol");
    /// assert_eq!(users[0].group_list(), ["admins", "ops"]);
    /// assert!(users[1].group_list().is_empty());
    /// assert!(dev_issuer::DevUser::parse_list("nopassword").is_err());
    /// ```
    pub fn parse_list(spec: &str) -> Result<Vec<DevUser>, DevIssuerError> {
        let entries: Vec<&str> = spec
            .split([';', '\n'])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .collect();
        if entries.is_empty() {
            return Err(DevIssuerError::NoUser);
        }
        entries
            .into_iter()
            .map(|entry| {
                let mut parts = entry.splitn(3, ':');
                let username = parts.next().unwrap_or_default().trim();
                let invalid = |problem: &'static str| DevIssuerError::InvalidUser {
                    username: username.to_owned(),
                    problem,
                };
                let password = match parts.next() {
                    Some(password) if !password.is_empty() => password,
                    _ => return Err(invalid("expected username:password[:group,group,...]")),
                };
                let groups: Vec<&str> = parts
                    .next()
                    .map(|groups| {
                        groups
                            .split(',')
                            .map(str::trim)
                            .filter(|g| !g.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(DevUser::new(username, password)
                    .email(format!("{username}@example.com"))
                    .name(username)
                    .groups(groups))
            })
            .collect()
    }

    /// A fixed `sub` instead of the derived one.
    pub fn subject(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// The `email` attribute.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// The `email_verified` attribute (default `true`; only sent with an email).
    pub fn email_verified(mut self, verified: bool) -> Self {
        self.email_verified = verified;
        self
    }

    /// The `name` attribute.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The `picture` attribute (a URL).
    pub fn picture(mut self, picture: impl Into<String>) -> Self {
        self.picture = Some(picture.into());
        self
    }

    /// The `phone_number` attribute (E.164, verified).
    pub fn phone_number(mut self, phone: impl Into<String>) -> Self {
        self.phone_number = Some(phone.into());
        self
    }

    /// The user's groups (`cognito:groups`), in order.
    pub fn groups<I, S>(mut self, groups: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// The username (`cognito:username`).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password.
    pub fn password(&self) -> &Password {
        &self.password
    }

    /// The groups.
    pub fn group_list(&self) -> &[String] {
        &self.groups
    }

    /// The default demo users. Their passwords are published here: development only.
    ///
    /// | username | password | groups | notes |
    /// |---|---|---|---|
    /// | `alice` | `alice-password` | `admins`, `users` | name, picture, phone |
    /// | `bob` | `bob-password` | `users` | email not verified |
    /// | `biggroups` | `biggroups-password` | 200 groups | tokens of ~5 KB each, so a session that keeps them needs cookie chunking |
    pub fn demo_users() -> Vec<DevUser> {
        vec![
            DevUser::new("alice", "alice-password")
                .email("alice@example.com")
                .name("Alice Example")
                .picture(ALICE_PICTURE)
                .phone_number("+15555550100")
                .groups(["admins", "users"]),
            DevUser::new("bob", "bob-password")
                .email("bob@example.com")
                .email_verified(false)
                .name("Bob Example")
                .groups(["users"]),
            DevUser::new("biggroups", "biggroups-password")
                .email("biggroups@example.com")
                .name("Big Groups")
                .groups((0..200).map(|i| format!("project-{i:03}-readers"))),
        ]
        .into_iter()
        .map(|user| DevUser {
            published: true,
            ..user
        })
        .collect()
    }
}

/// A small inline avatar, so the demo renders with no network.
const ALICE_PICTURE: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA2NCA2NCI+PGNpcmNsZSBjeD0iMzIiIGN5PSIzMiIgcj0iMzIiIGZpbGw9IiM2YTVhY2QiLz48dGV4dCB4PSIzMiIgeT0iNDIiIGZvbnQtc2l6ZT0iMzAiIHRleHQtYW5jaG9yPSJtaWRkbGUiIGZpbGw9IiNmZmYiPkE8L3RleHQ+PC9zdmc+";

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn no_secret_in_debug_output() {
        let client = DevClient::confidential("c", "s3cr3t-client").redirect_uri("http://x/");
        let user = DevUser::new("u", "s3cr3t-password");
        let out = format!("{client:?} {user:?} {:?}", DevUser::demo_users());
        assert!(!out.contains("s3cr3t"), "{out}");
        assert!(!out.contains("alice-password"), "{out}");
        assert!(out.contains("ClientSecret([redacted])"));
        assert!(out.contains("Password([redacted])"));
    }

    #[test]
    fn user_lists_are_parsed_and_malformed_ones_named() {
        let users = DevUser::parse_list("carol:pw:with:colon:a, b ;\n dave:pw2\n").unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(users[0].password().secret(), "pw");
        assert_eq!(users[0].group_list(), ["with:colon:a", "b"]);
        assert_eq!(users[1].username(), "dave");
        assert!(!users[0].published && DevUser::demo_users().iter().all(|u| u.published));
        assert!(matches!(
            DevUser::parse_list(" ; "),
            Err(DevIssuerError::NoUser)
        ));
        match DevUser::parse_list("erin:") {
            Err(DevIssuerError::InvalidUser { username, .. }) => assert_eq!(username, "erin"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn secrets_compare() {
        let s = ClientSecret::new("abc");
        assert!(s.matches("abc"));
        assert!(!s.matches("abd"));
        assert!(!s.matches("ab"));
        assert!(!s.matches(""));
    }

    #[test]
    fn demo_picture_is_an_svg() {
        let b64 = ALICE_PICTURE
            .strip_prefix("data:image/svg+xml;base64,")
            .expect("data URL");
        let svg = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64");
        assert!(String::from_utf8(svg).expect("utf-8").starts_with("<svg"));
    }
}
