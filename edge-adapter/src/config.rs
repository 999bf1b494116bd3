//! `EdgeConfig`: everything the handlers need, validated and with the session keys derived once.

use std::fmt;

use serde::Deserialize;
use session_cookie::{PublicOrigin, Secrets, SessionReader, WireFormat};

use crate::headers::{self, Stage};
use crate::pattern::{CanonicalPath, PathPattern};
use crate::{EdgeError, StaticExport};

/// Paths the gate never checks unless told otherwise: next-auth's own endpoints (the sign-in page
/// must load without a session), the Next.js build output and the two files browsers fetch on
/// their own.
pub const DEFAULT_EXCLUDED_PATHS: [&str; 4] =
    ["/api/auth/**", "/_next/**", "/favicon.ico", "/robots.txt"];

/// Where the gate sends a viewer without a session: next-auth's sign-in page.
pub const DEFAULT_SIGNIN_PATH: &str = "/api/auth/signin";

/// Paths under this prefix are APIs: the gate answers them 401 JSON instead of a redirect.
pub const DEFAULT_API_PREFIX: &str = "/api";

/// The request headers the API origin receives by default (besides `Host`, which is replaced,
/// `X-Forwarded-Host`, which is set, and the headers CloudFront makes read-only, which a function
/// may not remove). What next-auth / auth-core and a typical JSON API read, nothing more.
pub const DEFAULT_API_HEADER_ALLOWLIST: [&str; 14] = [
    "accept",
    "accept-language",
    "authorization",
    "cache-control",
    "content-type",
    "cookie",
    "if-match",
    "origin",
    "pragma",
    "referer",
    "user-agent",
    "x-auth-return-redirect",
    "x-forwarded-for",
    "x-requested-with",
];

/// The configuration of the edge handlers.
///
/// Build it once per process (a Lambda@Edge cold start): building derives the session keys
/// (HKDF), which then serve every request.
///
/// ```
/// use edge_adapter::EdgeConfig;
/// use session_cookie::{Secrets, WireFormat};
///
/// let config = EdgeConfig::builder(Secrets::single("the NEXTAUTH_SECRET")?)
///     .with_formats([WireFormat::NextAuthV4])
///     .with_public_origin("https://www.example.com")
///     .with_protected_paths(["/account/**", "/admin/**"])
///     .with_user_id_header("x-auth-user-id")
///     .build()?;
/// assert!(config.secure_cookies());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Or from the JSON file the packaging script writes (see [`EdgeConfig::from_json`]).
#[derive(Clone)]
pub struct EdgeConfig {
    sessions: SessionReader,
    secure_cookies: bool,
    public_origin: Option<PublicOrigin>,
    signin_path: String,
    api_prefix: Vec<String>,
    protected: Vec<PathPattern>,
    excluded: Vec<PathPattern>,
    user_id_header: Option<String>,
    api_headers: Vec<String>,
    static_export: StaticExport,
    log_decisions: bool,
}

impl EdgeConfig {
    /// Start a configuration with the secrets (newest first) the other tiers use.
    pub fn builder(secrets: Secrets) -> EdgeConfigBuilder {
        EdgeConfigBuilder {
            secrets,
            formats: vec![WireFormat::NextAuthV4],
            public_origin: None,
            secure_cookies: None,
            session_cookie_name: None,
            signin_path: DEFAULT_SIGNIN_PATH.to_owned(),
            api_prefix: DEFAULT_API_PREFIX.to_owned(),
            protected: Vec::new(),
            excluded: DEFAULT_EXCLUDED_PATHS.map(str::to_owned).to_vec(),
            user_id_header: None,
            api_headers: DEFAULT_API_HEADER_ALLOWLIST.map(str::to_owned).to_vec(),
            static_export: StaticExport::default(),
            log_decisions: false,
        }
    }

    /// Read the JSON configuration the packaging script bakes into the function.
    ///
    /// ```json
    /// {
    ///   "wire_format": ["v4", "v5"],
    ///   "secrets": ["newest", "previous"],
    ///   "public_origin": "https://www.example.com",
    ///   "secure_cookies": true,
    ///   "session_cookie_name": null,
    ///   "protected_paths": ["/account/**", "/admin/**"],
    ///   "excluded_paths": ["/api/auth/**", "/_next/**", "/favicon.ico", "/robots.txt"],
    ///   "signin_path": "/api/auth/signin",
    ///   "api_prefix": "/api",
    ///   "user_id_header": "x-auth-user-id",
    ///   "api_header_allowlist": ["accept", "content-type", "cookie"],
    ///   "static_export": {
    ///     "trailing_slash": true,
    ///     "routes": [{"route": "/posts/[id]", "file": "/posts/[id]/index.html"}]
    ///   },
    ///   "log_decisions": false
    /// }
    /// ```
    ///
    /// `secrets` and `protected_paths` are required (`[]` protects nothing, on purpose rather
    /// than by omission); every other member has the default of the builder. `wire_format` is one
    /// of `"v4"`, `"v5"` or a list of both. Unknown members are an error, so a typo cannot turn
    /// protection off silently.
    pub fn from_json(json: &str) -> Result<Self, EdgeError> {
        let file: ConfigFile =
            serde_json::from_str(json).map_err(|e| EdgeError::Config(config_json_error(&e)))?;
        file.into_config()
    }

    /// The wire formats accepted, first one first.
    pub fn formats(&self) -> impl Iterator<Item = WireFormat> + '_ {
        self.sessions.formats()
    }

    pub(crate) fn sessions(&self) -> &SessionReader {
        &self.sessions
    }

    /// Whether the `__Secure-` session cookie names are read.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    /// The configured public origin (`https://www.example.com`), if any.
    pub fn public_origin(&self) -> Option<&PublicOrigin> {
        self.public_origin.as_ref()
    }

    /// next-auth's sign-in page.
    pub fn signin_path(&self) -> &str {
        &self.signin_path
    }

    /// The header carrying the user's id to the origin, if any.
    pub fn user_id_header(&self) -> Option<&str> {
        self.user_id_header.as_deref()
    }

    /// The static-export layout for the S3 origin.
    pub fn static_export(&self) -> &StaticExport {
        &self.static_export
    }

    /// Whether the Node handler should log each decision (no secrets: reason codes only).
    pub fn log_decisions(&self) -> bool {
        self.log_decisions
    }

    /// Whether the gate checks the session for this path: it matches a protected pattern
    /// (directly, or as the page an exported file belongs to) and no excluded pattern.
    ///
    /// Exclusions match the canonical path only, never the page form, so `/_next/x.html` is not
    /// "the page `/_next/x`", and an excluded file such as `/robots.txt` stays excluded.
    pub fn is_protected(&self, path: &CanonicalPath) -> bool {
        let segments = path.segments();
        if self.excluded.iter().any(|p| p.matches(segments)) {
            return false;
        }
        let page = path.page();
        self.protected
            .iter()
            .any(|p| p.matches(segments) || p.matches(page.segments()))
    }

    /// Whether a path belongs to the API (answered 401 rather than redirected).
    pub fn is_api(&self, path: &CanonicalPath) -> bool {
        path.starts_with(&self.api_prefix)
    }

    /// Whether the API origin may receive this (lower-case) request header.
    pub fn api_header_allowed(&self, name: &str) -> bool {
        self.api_headers.iter().any(|h| h == name)
    }
}

impl fmt::Debug for EdgeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The codecs print format, salt and the number of secrets, never key material.
        f.debug_struct("EdgeConfig")
            .field("sessions", &self.sessions)
            .field("secure_cookies", &self.secure_cookies)
            .field("public_origin", &self.public_origin)
            .field("signin_path", &self.signin_path)
            .field("protected", &self.protected)
            .field("excluded", &self.excluded)
            .field("user_id_header", &self.user_id_header)
            .field("api_headers", &self.api_headers)
            .field("static_export", &self.static_export)
            .finish_non_exhaustive()
    }
}

/// Builds an [`EdgeConfig`]; every `with_*` replaces the previous value.
#[must_use]
pub struct EdgeConfigBuilder {
    secrets: Secrets,
    formats: Vec<WireFormat>,
    public_origin: Option<String>,
    secure_cookies: Option<bool>,
    session_cookie_name: Option<String>,
    signin_path: String,
    api_prefix: String,
    protected: Vec<String>,
    excluded: Vec<String>,
    user_id_header: Option<String>,
    api_headers: Vec<String>,
    static_export: StaticExport,
    log_decisions: bool,
}

impl fmt::Debug for EdgeConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EdgeConfigBuilder")
            .field("secrets", &self.secrets)
            .field("formats", &self.formats)
            .field("public_origin", &self.public_origin)
            .finish_non_exhaustive()
    }
}

impl EdgeConfigBuilder {
    /// The wire formats to read, in order (default: v4 only). Give both while a deployment moves
    /// from next-auth 4 to Auth.js 5: the first format whose session cookie the request carries
    /// decides.
    pub fn with_formats(mut self, formats: impl IntoIterator<Item = WireFormat>) -> Self {
        self.formats = formats.into_iter().collect();
        self
    }

    /// The site's public origin, `https://www.example.com` (`NEXTAUTH_URL` without the path).
    /// The sign-in redirect and `callbackUrl` point there, the API origin is told it as
    /// `X-Forwarded-Host`, and its scheme picks the cookie names. Without one, the distribution's
    /// own `https://dxxxx.cloudfront.net` is used.
    pub fn with_public_origin(mut self, origin: &str) -> Self {
        self.public_origin = Some(origin.to_owned());
        self
    }

    /// Read the `__Secure-` (`true`) or the plain (`false`) session cookie names. Default: `true`
    /// unless the public origin is `http://`, which is how next-auth picks them.
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = Some(secure);
        self
    }

    /// A custom session cookie name (next-auth's `cookies.sessionToken.name`).
    pub fn with_session_cookie_name(mut self, name: &str) -> Self {
        self.session_cookie_name = Some(name.to_owned());
        self
    }

    /// The paths the gate protects (see [`PathPattern`]). Default: none.
    pub fn with_protected_paths<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.protected = patterns.into_iter().map(Into::into).collect();
        self
    }

    /// The paths the gate never checks, replacing [`DEFAULT_EXCLUDED_PATHS`]. The sign-in page
    /// is always excluded on top of these.
    pub fn with_excluded_paths<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.excluded = patterns.into_iter().map(Into::into).collect();
        self
    }

    /// next-auth's sign-in page (default [`DEFAULT_SIGNIN_PATH`]; with a custom `pages.signIn`,
    /// that page).
    pub fn with_signin_path(mut self, path: &str) -> Self {
        self.signin_path = path.to_owned();
        self
    }

    /// The prefix of API paths (default [`DEFAULT_API_PREFIX`]).
    pub fn with_api_prefix(mut self, prefix: &str) -> Self {
        self.api_prefix = prefix.to_owned();
        self
    }

    /// Send the user's id (`sub`) to the origin in this header (lower-case name). Whatever the
    /// viewer sent under that name is always removed first.
    pub fn with_user_id_header(mut self, name: &str) -> Self {
        self.user_id_header = Some(name.to_owned());
        self
    }

    /// The request headers the API origin receives, replacing [`DEFAULT_API_HEADER_ALLOWLIST`].
    pub fn with_api_header_allowlist<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.api_headers = names.into_iter().map(Into::into).collect();
        self
    }

    /// The static-export layout (default: `trailingSlash: true`, no routes).
    pub fn with_static_export(mut self, export: StaticExport) -> Self {
        self.static_export = export;
        self
    }

    /// Ask the Node handler to log each decision.
    pub fn with_log_decisions(mut self, log: bool) -> Self {
        self.log_decisions = log;
        self
    }

    /// Validate everything and derive the session keys.
    pub fn build(self) -> Result<EdgeConfig, EdgeError> {
        if self.formats.is_empty() {
            return Err(EdgeError::Config(
                "at least one wire format is needed".into(),
            ));
        }
        let public_origin = self
            .public_origin
            .as_deref()
            .map(PublicOrigin::parse)
            .transpose()
            .map_err(|_| EdgeError::PublicOrigin)?;
        let secure_cookies = self
            .secure_cookies
            .unwrap_or(public_origin.as_ref().is_none_or(PublicOrigin::is_secure));
        let sessions = SessionReader::for_formats(
            self.formats,
            &self.secrets,
            self.session_cookie_name.as_deref(),
        )
        .ok_or_else(|| EdgeError::Config("at least one wire format is needed".into()))?;

        let signin_path = self.signin_path;
        if !signin_path.starts_with('/') || signin_path.contains(['?', '#']) {
            return Err(EdgeError::Config(
                "signin_path must be a path starting with /".into(),
            ));
        }
        let patterns = |list: &[String]| {
            list.iter()
                .map(|p| PathPattern::new(p))
                .collect::<Result<Vec<_>, _>>()
        };
        let protected = patterns(&self.protected)?;
        let mut excluded = patterns(&self.excluded)?;
        // The sign-in page must load without a session, whatever else is protected.
        excluded.push(PathPattern::new(&signin_path)?);

        let api_prefix = PathPattern::new(&self.api_prefix)?;
        let api_prefix: Vec<String> = CanonicalPath::new(api_prefix.as_str()).segments().to_vec();

        if let Some(name) = &self.user_id_header {
            check_header_name(name, Stage::ViewerRequest)?;
            check_header_name(name, Stage::OriginRequest)?;
            if [
                "cookie",
                "authorization",
                "x-forwarded-host",
                "x-forwarded-for",
            ]
            .contains(&name.as_str())
            {
                return Err(EdgeError::HeaderName {
                    name: name.clone(),
                    reason: "the handlers use this header themselves",
                });
            }
        }
        for name in &self.api_headers {
            if !headers::is_lower_token(name) {
                return Err(EdgeError::HeaderName {
                    name: name.clone(),
                    reason: "not a lower-case header name",
                });
            }
        }

        Ok(EdgeConfig {
            sessions,
            secure_cookies,
            public_origin,
            signin_path,
            api_prefix,
            protected,
            excluded,
            user_id_header: self.user_id_header,
            api_headers: self.api_headers,
            static_export: self.static_export,
            log_decisions: self.log_decisions,
        })
    }
}

fn check_header_name(name: &str, stage: Stage) -> Result<(), EdgeError> {
    let reason = if !headers::is_lower_token(name) {
        "not a lower-case header name"
    } else if headers::is_disallowed(name) {
        "Lambda@Edge does not let functions add it"
    } else if headers::is_read_only(name, stage) {
        "read-only for Lambda@Edge"
    } else if name == "host" {
        "the handlers use this header themselves"
    } else {
        return Ok(());
    };
    Err(EdgeError::HeaderName {
        name: name.to_owned(),
        reason,
    })
}

/// The JSON file. No `Debug`: it holds the secrets as plain strings until they move into
/// [`Secrets`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    wire_format: Option<OneOrMany>,
    secrets: Vec<String>,
    #[serde(default)]
    public_origin: Option<String>,
    #[serde(default)]
    secure_cookies: Option<bool>,
    #[serde(default)]
    session_cookie_name: Option<String>,
    protected_paths: Vec<String>,
    #[serde(default)]
    excluded_paths: Option<Vec<String>>,
    #[serde(default)]
    signin_path: Option<String>,
    #[serde(default)]
    api_prefix: Option<String>,
    #[serde(default)]
    user_id_header: Option<String>,
    #[serde(default)]
    api_header_allowlist: Option<Vec<String>>,
    #[serde(default)]
    static_export: Option<StaticExportFile>,
    #[serde(default)]
    log_decisions: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaticExportFile {
    #[serde(default = "yes")]
    trailing_slash: bool,
    #[serde(default)]
    routes: Vec<RouteFile>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteFile {
    route: String,
    #[serde(default)]
    file: Option<String>,
}

impl ConfigFile {
    fn into_config(self) -> Result<EdgeConfig, EdgeError> {
        let secrets = Secrets::new(self.secrets).map_err(EdgeError::Secret)?;
        let formats = match self.wire_format {
            None => vec!["v4".to_owned()],
            Some(OneOrMany::One(f)) => vec![f],
            Some(OneOrMany::Many(list)) => list,
        }
        .iter()
        .map(|f| {
            f.parse::<WireFormat>().map_err(|_| {
                EdgeError::Config("wire_format must be \"v4\", \"v5\" or a list of them".into())
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

        let mut builder = EdgeConfig::builder(secrets)
            .with_formats(formats)
            .with_protected_paths(self.protected_paths)
            .with_log_decisions(self.log_decisions);
        if let Some(origin) = &self.public_origin {
            builder = builder.with_public_origin(origin);
        }
        if let Some(secure) = self.secure_cookies {
            builder = builder.with_secure_cookies(secure);
        }
        if let Some(name) = &self.session_cookie_name {
            builder = builder.with_session_cookie_name(name);
        }
        if let Some(excluded) = self.excluded_paths {
            builder = builder.with_excluded_paths(excluded);
        }
        if let Some(path) = &self.signin_path {
            builder = builder.with_signin_path(path);
        }
        if let Some(prefix) = &self.api_prefix {
            builder = builder.with_api_prefix(prefix);
        }
        if let Some(name) = &self.user_id_header {
            builder = builder.with_user_id_header(name);
        }
        if let Some(list) = self.api_header_allowlist {
            builder = builder.with_api_header_allowlist(list);
        }
        if let Some(export) = self.static_export {
            let mut static_export = StaticExport::new(export.trailing_slash);
            for route in &export.routes {
                static_export = static_export.with_route(&route.route, route.file.as_deref())?;
            }
            builder = builder.with_static_export(static_export);
        }
        builder.build()
    }
}

/// Like [`EdgeError::from_json`], but a missing or unknown member is named: member names come
/// from the schema (or the file's own keys), never from secret values.
fn config_json_error(error: &serde_json::Error) -> String {
    let message = error.to_string();
    for marker in ["missing field", "unknown field"] {
        if let Some(rest) = message.split(&format!("{marker} `")).nth(1)
            && let Some(name) = rest.split('`').next()
            && name.len() <= 64
        {
            return format!("{marker} `{name}`");
        }
    }
    EdgeError::from_json("config", error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> Result<EdgeConfig, EdgeError> {
        EdgeConfig::from_json(json)
    }

    #[test]
    fn minimal_json() {
        let c = config(r#"{"secrets":["s"],"protected_paths":["/account/**"]}"#).unwrap();
        assert_eq!(c.formats().collect::<Vec<_>>(), [WireFormat::NextAuthV4]);
        assert!(c.secure_cookies(), "no origin: https distribution domain");
        assert_eq!(c.signin_path(), "/api/auth/signin");
        assert!(c.static_export().trailing_slash());
    }

    #[test]
    fn required_and_unknown_members_are_named() {
        let missing = config(r#"{"secrets":["s"]}"#).unwrap_err().to_string();
        assert!(missing.contains("protected_paths"), "{missing}");
        let typo = config(r#"{"secrets":["s"],"protected_paths":[],"protected_path":["/a"]}"#)
            .unwrap_err()
            .to_string();
        assert!(typo.contains("unknown field `protected_path`"), "{typo}");
    }

    #[test]
    fn secrets_never_in_errors_or_debug() {
        let err = config(r#"{"secrets":"hunter2-secret","protected_paths":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        let c = config(r#"{"secrets":["hunter2-secret"],"protected_paths":[]}"#).unwrap();
        let printed = format!("{c:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(
            matches!(
                config(r#"{"secrets":[""],"protected_paths":[]}"#),
                Err(EdgeError::Secret(_))
            ),
            "empty secret"
        );
    }

    #[test]
    fn formats_and_cookie_names() {
        let c = config(
            r#"{"wire_format":["v5","v4","v5"],"secrets":["s"],"protected_paths":[],
                "public_origin":"http://localhost:3000"}"#,
        )
        .unwrap();
        assert_eq!(
            c.formats().collect::<Vec<_>>(),
            [WireFormat::AuthJsV5, WireFormat::NextAuthV4]
        );
        assert!(!c.secure_cookies());
        assert_eq!(
            c.sessions().names(false).session_token(),
            "authjs.session-token"
        );
        let c = config(
            r#"{"wire_format":"v5","secrets":["s"],"protected_paths":[],
                "public_origin":"https://Example.COM/","session_cookie_name":"custom"}"#,
        )
        .unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.public_origin().unwrap().as_str(), "https://example.com");
        assert_eq!(c.sessions().names(true).session_token(), "custom");
        assert_eq!(c.sessions().codec(true).salt(), "custom");
        assert!(config(r#"{"wire_format":"v6","secrets":["s"],"protected_paths":[]}"#).is_err());
    }

    #[test]
    fn public_origins() {
        let ok = |s| PublicOrigin::parse(s).unwrap();
        assert_eq!(ok("https://www.example.com").host(), "www.example.com");
        assert_eq!(
            ok("http://localhost:3000/").as_str(),
            "http://localhost:3000"
        );
        assert!(!ok("http://localhost:3000").is_secure());
        for bad in [
            "www.example.com",
            "https://",
            "https://a.com/path",
            "https://user@a.com",
            "https://a.com?x",
            "ftp://a.com",
            "https://:443",
        ] {
            assert!(PublicOrigin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn header_names_are_checked() {
        let with_header = |h: &str| {
            EdgeConfig::builder(Secrets::single("s").unwrap())
                .with_user_id_header(h)
                .build()
        };
        assert!(with_header("x-auth-user-id").is_ok());
        for bad in [
            "X-User",
            "x user",
            "x-forwarded-proto",
            "x-amzn-user",
            "host",
            "via",
            "accept-encoding",
            "cookie",
        ] {
            assert!(
                matches!(with_header(bad), Err(EdgeError::HeaderName { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn protection_and_exclusion() {
        let c = EdgeConfig::builder(Secrets::single("s").unwrap())
            .with_protected_paths(["/**"])
            .build()
            .unwrap();
        let protected = |p: &str| c.is_protected(&CanonicalPath::new(p));
        assert!(protected("/"));
        assert!(protected("/account"));
        assert!(!protected("/api/auth/session"));
        assert!(!protected("/api/auth/signin"));
        assert!(!protected("/_next/static/chunks/app.js"));
        assert!(!protected("/favicon.ico"));
        assert!(!protected("/robots.txt"));
        assert!(protected("/_next/../account"), "dot segments resolved");
        assert!(
            protected("/api/auth/..%2F..%2Faccount"),
            "encoded slashes too"
        );
        assert!(protected("/api/private"));

        let c = EdgeConfig::builder(Secrets::single("s").unwrap())
            .with_protected_paths(["/account", "/admin/**"])
            .with_signin_path("/login")
            .build()
            .unwrap();
        let protected = |p: &str| c.is_protected(&CanonicalPath::new(p));
        assert!(protected("/account"));
        assert!(protected("/account/"));
        assert!(
            protected("/account/index.html"),
            "the exported file of /account"
        );
        assert!(protected("/account.html"));
        assert!(
            protected("/account/index.txt"),
            "the RSC payload of /account"
        );
        assert!(protected("/%61ccount"));
        assert!(!protected("/account/keys"));
        assert!(protected("/admin"));
        assert!(protected("/admin/users/7"));
        assert!(!protected("/login"));
        assert!(!protected("/"));
        assert!(c.is_api(&CanonicalPath::new("/api/x")));
        assert!(c.is_api(&CanonicalPath::new("/api")));
        assert!(!c.is_api(&CanonicalPath::new("/apidocs")));
    }
}
