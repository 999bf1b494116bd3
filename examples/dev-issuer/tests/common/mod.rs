//! Drives the issuer's router in-process, as a browser and a relying party would.
#![allow(dead_code, unreachable_pub)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use dev_issuer::{DevClient, DevIssuer, DevSigningKey, DevUser};
use http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use url::Url;

pub const BASE: &str = "http://127.0.0.1:9999";
pub const ISSUER: &str = "http://127.0.0.1:9999/local_DevPool";
pub const CLIENT_ID: &str = "local-client";
pub const CLIENT_SECRET: &str = "local-client-secret";
pub const PUBLIC_CLIENT_ID: &str = "public-client";
pub const REDIRECT_URI: &str = "http://127.0.0.1:3000/api/auth/callback/cognito";
pub const LOGOUT_URI: &str = "http://127.0.0.1:3000/";
/// RFC 7636 appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// One key for the whole test binary: generation is slow in debug builds.
pub fn key() -> DevSigningKey {
    static KEY: OnceLock<DevSigningKey> = OnceLock::new();
    KEY.get_or_init(|| DevSigningKey::generate().expect("key generation"))
        .clone()
}

pub fn clients() -> [DevClient; 2] {
    [
        DevClient::confidential(CLIENT_ID, CLIENT_SECRET)
            .redirect_uri(REDIRECT_URI)
            .logout_uri(LOGOUT_URI),
        DevClient::public(PUBLIC_CLIENT_ID)
            .redirect_uri("http://localhost:5173/callback?from=dev")
            .logout_uri("http://localhost:5173/"),
    ]
}

pub struct Harness {
    pub issuer: DevIssuer,
    pub router: Router,
    /// Seconds added to the real clock.
    offset: Arc<AtomicU64>,
}

pub fn harness() -> Harness {
    harness_with(|b| b)
}

pub fn harness_with(
    configure: impl FnOnce(dev_issuer::DevIssuerBuilder) -> dev_issuer::DevIssuerBuilder,
) -> Harness {
    let offset = Arc::new(AtomicU64::new(0));
    let clock_offset = offset.clone();
    let [confidential, public] = clients();
    let builder = DevIssuer::builder()
        .pool_id("local_DevPool")
        .client(confidential)
        .client(public)
        .users(DevUser::demo_users())
        .signing_key(key())
        .clock(move || {
            SystemTime::now() + Duration::from_secs(clock_offset.load(Ordering::SeqCst))
        });
    let issuer = configure(builder).build().expect("build");
    let router = issuer.router(BASE).expect("router");
    Harness {
        issuer,
        router,
        offset,
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
    }

    pub fn location(&self) -> Url {
        assert_eq!(self.status, StatusCode::FOUND, "{self:?}");
        Url::parse(self.header(header::LOCATION).expect("Location")).expect("Location is a URL")
    }

    pub fn query(&self, name: &str) -> Option<String> {
        self.location()
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("ASCII"))
            .collect()
    }

    /// `name=value` of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().into_iter().find_map(|c| {
            let pair = c.split(';').next()?;
            pair.starts_with(&format!("{name}="))
                .then(|| pair.to_owned())
        })
    }

    /// The hidden fields of the sign-in form, unescaped.
    pub fn hidden_fields(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(at) = rest.find("<input type=\"hidden\" name=\"") {
            rest = &rest[at + 27..];
            let name_end = rest.find('"').expect("name end");
            let name = unescape(&rest[..name_end]);
            rest = &rest[name_end..];
            let value_at = rest.find("value=\"").expect("value") + 7;
            rest = &rest[value_at..];
            let value_end = rest.find('"').expect("value end");
            out.push((name, unescape(&rest[..value_end])));
            rest = &rest[value_end..];
        }
        out
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// Claims of a JWT, unverified (for tokens already checked elsewhere).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

impl Harness {
    pub fn advance(&self, secs: u64) {
        self.offset.fetch_add(secs, Ordering::SeqCst);
    }

    pub async fn send(&self, request: Request<Body>) -> Resp {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).expect("UTF-8 body"),
        }
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut request = Request::get(path);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }

    pub async fn post(&self, path: &str, headers: &[(&str, &str)], body: String) -> Resp {
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        self.send(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// `GET /oauth2/authorize` with these parameters.
    pub async fn authorize(&self, params: &[(&str, &str)], cookie: Option<&str>) -> Resp {
        let path = format!("/oauth2/authorize?{}", form(params));
        match cookie {
            Some(cookie) => self.get(&path, &[("cookie", cookie)]).await,
            None => self.get(&path, &[]).await,
        }
    }

    /// Show the form for `params`, then post it back with these credentials, as a browser would.
    pub async fn submit_login(
        &self,
        params: &[(&str, &str)],
        username: &str,
        password: &str,
    ) -> Resp {
        let page = self.authorize(params, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = page
            .cookie("dev-issuer.local_DevPool.csrf")
            .expect("CSRF cookie");
        let mut fields = page.hidden_fields();
        fields.push(("username".into(), username.into()));
        fields.push(("password".into(), password.into()));
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post(
            "/oauth2/authorize",
            &[("cookie", &csrf), ("origin", BASE)],
            form(&pairs),
        )
        .await
    }

    /// Sign in as `username` with the demo password; returns the code and the session cookie.
    pub async fn sign_in(&self, params: &[(&str, &str)], username: &str) -> (String, String) {
        let response = self
            .submit_login(params, username, &format!("{username}-password"))
            .await;
        let code = response.query("code").expect("code");
        let session = response
            .cookie("dev-issuer.local_DevPool")
            .expect("session cookie");
        (code, session)
    }

    /// `POST /oauth2/token` as the confidential client (`client_secret_basic`).
    pub async fn token(&self, params: &[(&str, &str)]) -> Resp {
        self.post(
            "/oauth2/token",
            &[("authorization", &basic(CLIENT_ID, CLIENT_SECRET))],
            form(params),
        )
        .await
    }
}

/// The standard authorization request of the confidential client with PKCE and nonce.
pub fn code_request<'a>(state: &'a str, nonce: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email profile"),
        ("state", state),
        ("nonce", nonce),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}
