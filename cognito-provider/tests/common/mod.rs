//! A Cognito-shaped IdP on wiremock, token minting with our own RSA keys, and the browser side
//! of a sign-in through auth-core's handler.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, LazyLock};

use auth_core::session_cookie::{Clock, time::OffsetDateTime};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bytes::Bytes;
use rsa::RsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::sha2::{Digest, Sha256};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

pub const POOL: &str = "us-east-1_TestPool";
pub const CLIENT_ID: &str = "4example0clientid0abcdefgh";
pub const CLIENT_SECRET: &str = "cognito-client-secret-test";
pub const APP: &str = "http://localhost:3000";

/// Two keys, generated once per test binary (2048-bit, as Cognito's).
pub static KEY_A: LazyLock<RsaPrivateKey> =
    LazyLock::new(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap());
pub static KEY_B: LazyLock<RsaPrivateKey> =
    LazyLock::new(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap());

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn jwk(key: &RsaPrivateKey, kid: &str) -> Value {
    let public = key.to_public_key();
    json!({ "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
            "n": b64(&public.n().to_bytes_be()), "e": b64(&public.e().to_bytes_be()) })
}

/// An RS256 JWT signed with `key`.
pub fn sign(key: &RsaPrivateKey, kid: &str, claims: &Value) -> String {
    let header = json!({ "kid": kid, "alg": "RS256" });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = SigningKey::<Sha256>::new(key.clone()).sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// A JWT with any header, signed with HMAC-SHA256 over `secret` (key confusion attempts).
pub fn sign_hs256(kid: &str, claims: &Value, secret: &[u8]) -> String {
    let header = json!({ "kid": kid, "alg": "HS256" });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    format!("{input}.{}", b64(&hmac_sha256(secret, input.as_bytes())))
}

/// `alg: none`, no signature.
pub fn unsigned(kid: &str, claims: &Value) -> String {
    let header = json!({ "kid": kid, "alg": "none" });
    format!(
        "{}.{}.",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let inner = Sha256::digest(&inner);
    let outer: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(inner.iter().copied())
        .collect();
    Sha256::digest(&outer).to_vec()
}

/// A clock tests can move.
#[derive(Debug, Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn at(secs: i64) -> Self {
        TestClock(Arc::new(AtomicI64::new(secs)))
    }
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    pub fn secs(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.secs()).unwrap()
    }
}

/// The IdP: a wiremock server shaped like a Cognito user pool.
pub struct Idp {
    pub server: MockServer,
}

impl Idp {
    pub async fn start() -> Self {
        let idp = Idp {
            server: MockServer::start().await,
        };
        idp.mount_discovery().await;
        idp
    }

    pub fn issuer(&self) -> String {
        format!("{}/{POOL}", self.server.uri())
    }

    pub fn discovery(&self) -> Value {
        let base = self.server.uri();
        json!({
            "issuer": self.issuer(),
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
            "jwks_uri": format!("{}/.well-known/jwks.json", self.issuer()),
            "response_types_supported": ["code", "token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        })
    }

    pub async fn mount_discovery(&self) {
        Mock::given(method("GET"))
            .and(path(format!("/{POOL}/.well-known/openid-configuration")))
            .respond_with(ResponseTemplate::new(200).set_body_json(self.discovery()))
            .mount(&self.server)
            .await;
    }

    /// Serve these keys at the JWKS URI (replacing what was there).
    pub async fn mount_jwks(&self, keys: &[(&RsaPrivateKey, &str)]) {
        let keys: Vec<Value> = keys.iter().map(|(k, kid)| jwk(k, kid)).collect();
        Mock::given(method("GET"))
            .and(path(format!("/{POOL}/.well-known/jwks.json")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": keys })))
            .mount(&self.server)
            .await;
    }

    pub async fn requests_to(&self, path: &str) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == path)
            .count()
    }

    /// Claims of a valid Cognito id_token.
    pub fn id_claims(&self, now: i64, nonce: Option<&str>) -> Value {
        let mut claims = json!({
            "sub": "7a1e4f0c-0000-4000-8000-00000000c0c0",
            "aud": CLIENT_ID,
            "email_verified": true,
            "token_use": "id",
            "auth_time": now,
            "iss": self.issuer(),
            "cognito:username": "jane",
            "cognito:groups": ["admins", "users"],
            "exp": now + 3600,
            "iat": now,
            "email": "Jane.Doe@Example.com",
            "name": "Jane Doe",
            "picture": "https://example.com/p.png",
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = nonce.into();
        }
        claims
    }

    pub fn access_claims(&self, now: i64) -> Value {
        json!({
            "sub": "7a1e4f0c-0000-4000-8000-00000000c0c0",
            "cognito:groups": ["admins", "users"],
            "iss": self.issuer(),
            "client_id": CLIENT_ID,
            "token_use": "access",
            "scope": "openid profile email",
            "auth_time": now,
            "exp": now + 3600,
            "iat": now,
            "jti": "b5b0b8fe-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
            "username": "jane",
        })
    }

    /// The token endpoint answers a code exchange that authenticates with client_secret_basic
    /// and proves PKCE for `challenge`.
    pub async fn mount_token(&self, challenge: Option<String>, body: Value) {
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .and(BasicAuth)
            .and(Pkce(challenge))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&self.server)
            .await;
    }
}

/// `Authorization: Basic base64(client_id:client_secret)`.
struct BasicAuth;

impl Match for BasicAuth {
    fn matches(&self, request: &Request) -> bool {
        let expected = format!(
            "Basic {}",
            STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        );
        request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            == Some(expected.as_str())
    }
}

/// The form body's `code_verifier` hashes to the challenge from the authorization request — the
/// IdP's half of PKCE, done for real.
struct Pkce(Option<String>);

impl Match for Pkce {
    fn matches(&self, request: &Request) -> bool {
        let form: Vec<(String, String)> =
            form_urlencoded::parse(&request.body).into_owned().collect();
        let verifier = form
            .iter()
            .find(|(k, _)| k == "code_verifier")
            .map(|(_, v)| v.clone());
        match (&self.0, verifier) {
            (None, None) => true,
            (Some(challenge), Some(verifier)) => {
                b64(&Sha256::digest(verifier.as_bytes())) == *challenge
            }
            _ => false,
        }
    }
}

/// What a browser holds between requests.
#[derive(Debug, Default, Clone)]
pub struct Browser {
    jar: Vec<(String, String)>,
}

impl Browser {
    pub fn header(&self) -> String {
        self.jar
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn absorb(&mut self, response: &http::Response<Bytes>) {
        for line in response.headers().get_all("set-cookie") {
            let line = line.to_str().unwrap();
            let (pair, attrs) = line.split_once(';').unwrap_or((line, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.jar.retain(|(n, _)| n != name);
            if !attrs.contains("Max-Age=0") {
                self.jar.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.jar
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.jar.retain(|(n, _)| n != name);
        self.jar.push((name.to_owned(), value.to_owned()));
    }

    pub async fn get_url(
        &mut self,
        auth: &auth_core::AuthHandler,
        url: &str,
    ) -> http::Response<Bytes> {
        let request = http::Request::get(url)
            .header("cookie", self.header())
            .body(Bytes::new())
            .unwrap();
        let response = auth.handle(request).await;
        self.absorb(&response);
        response
    }

    pub async fn post_form(
        &mut self,
        auth: &auth_core::AuthHandler,
        url: &str,
        form: &[(&str, &str)],
    ) -> http::Response<Bytes> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = http::Request::post(url)
            .header("cookie", self.header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from(body))
            .unwrap();
        let response = auth.handle(request).await;
        self.absorb(&response);
        response
    }

    /// `GET /csrf`, then `POST /signin/cognito` as next-auth/react does; returns the authorization
    /// URL's query parameters.
    pub async fn start_sign_in(&mut self, auth: &auth_core::AuthHandler) -> Vec<(String, String)> {
        let csrf = self.get_url(auth, &format!("{APP}/api/auth/csrf")).await;
        let token: Value = serde_json::from_slice(csrf.body()).unwrap();
        let token = token["csrfToken"].as_str().unwrap().to_owned();
        let response = self
            .post_form(
                auth,
                &format!("{APP}/api/auth/signin/cognito"),
                &[
                    ("csrfToken", &token),
                    ("callbackUrl", "/dashboard"),
                    ("json", "true"),
                ],
            )
            .await;
        let body: Value = serde_json::from_slice(response.body()).unwrap();
        let url = url::Url::parse(
            body["url"]
                .as_str()
                .unwrap_or_else(|| panic!("no authorization URL: {body}")),
        )
        .unwrap();
        url.query_pairs().into_owned().collect()
    }

    /// The IdP's redirect back: `GET /callback/cognito?code=...&state=...`.
    pub async fn finish_sign_in(
        &mut self,
        auth: &auth_core::AuthHandler,
        params: &[(String, String)],
        code: &str,
    ) -> http::Response<Bytes> {
        let state = param(params, "state").unwrap_or_default();
        self.get_url(
            auth,
            &format!("{APP}/api/auth/callback/cognito?code={code}&state={state}"),
        )
        .await
    }
}

pub fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

pub fn location(response: &http::Response<Bytes>) -> &str {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}
