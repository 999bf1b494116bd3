//! The axum adapter: `Session` / `MaybeSession` extractors, the `RequireSession` layer, and the
//! service both merged and nested.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use auth_core::axum::{MaybeSession, RequireSession, Session};
use auth_core::session_cookie::{
    Clock, CookieNames, OsRandom, Secrets, SessionClaims, SystemClock, TokenCodec, WireFormat,
};
use auth_core::{AuthConfig, AuthHandler};
use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::{Request, StatusCode};
use tower::ServiceExt;

#[derive(serde::Deserialize)]
struct User {
    sub: String,
}

fn auth() -> AuthHandler {
    AuthHandler::new(
        AuthConfig::builder(
            WireFormat::NextAuthV4,
            Secrets::single("axum-secret").unwrap(),
        )
        .public_url("http://localhost:3000")
        .unwrap()
        .build()
        .unwrap(),
    )
}

fn session_cookie() -> String {
    let names = CookieNames::new(WireFormat::NextAuthV4, false);
    let codec = TokenCodec::for_session(&names, &Secrets::single("axum-secret").unwrap());
    let mut claims = SessionClaims::new();
    claims.insert("sub", "user-7");
    format!(
        "{}={}",
        names.session_token(),
        codec
            .encode(&mut claims, SystemClock.now(), &OsRandom)
            .unwrap()
    )
}

fn app(auth: AuthHandler) -> Router {
    Router::new()
        .route(
            "/api/me",
            get(|Session(user): Session<User>| async move { user.sub }),
        )
        .route(
            "/api/hello",
            get(|MaybeSession(user): MaybeSession<User>| async move {
                user.map_or("stranger".to_owned(), |u| u.sub)
            }),
        )
        .merge(
            Router::new()
                .route(
                    "/api/admin",
                    get(
                        |axum::Extension(claims): axum::Extension<SessionClaims>| async move {
                            claims.get_str("sub").unwrap_or_default().to_owned()
                        },
                    ),
                )
                .layer(RequireSession::new(auth.clone())),
        )
        .merge(auth.router())
        .layer(auth.session_layer())
        .with_state(auth)
}

async fn call(
    app: Router,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, String, http::HeaderMap) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = app
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap(), headers)
}

#[tokio::test]
async fn extractors_and_layer() {
    let auth = auth();
    let cookie = session_cookie();
    for (path, with, without) in [
        (
            "/api/me",
            (StatusCode::OK, "user-7"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "/api/admin",
            (StatusCode::OK, "user-7"),
            StatusCode::UNAUTHORIZED,
        ),
        ("/api/hello", (StatusCode::OK, "user-7"), StatusCode::OK),
    ] {
        let (status, body, _) = call(app(auth.clone()), path, Some(&cookie)).await;
        assert_eq!((status, body.as_str()), with, "{path}");
        let (status, body, headers) = call(app(auth.clone()), path, None).await;
        assert_eq!(status, without, "{path}");
        if status == StatusCode::UNAUTHORIZED {
            assert_eq!(headers["content-type"], "application/json");
            assert_eq!(headers["cache-control"], "private, no-cache, no-store");
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(json["error"], "unauthorized");
        }
        // A tampered cookie is no session, and no error page.
        let (status, _, _) = call(app(auth.clone()), path, Some(&format!("{cookie}x"))).await;
        assert_eq!(status, without, "{path} tampered");
    }
    let (status, body, _) = call(app(auth.clone()), "/api/hello", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "stranger"));
}

#[tokio::test]
async fn merged_and_nested_services_route_the_same() {
    let auth = auth();
    let (status, body, _) = call(app(auth.clone()), "/api/auth/providers", None).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "{}"));

    // Nested: the service recovers the full path from OriginalUri.
    let nested = Router::new().nest_service("/api/auth", auth.service());
    let (status, body, headers) = call(nested, "/api/auth/csrf", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("csrfToken"));
    assert_eq!(headers.get_all("set-cookie").iter().count(), 2);
}

/// A group-protected route: 401 without a session, 403 with one outside the groups, 200 inside;
/// every answer private.
#[tokio::test]
async fn require_session_with_groups_answers_401_403_200() {
    let auth = auth();
    let names = CookieNames::new(WireFormat::NextAuthV4, false);
    let codec = TokenCodec::for_session(&names, &Secrets::single("axum-secret").unwrap());
    let cookie = |groups: serde_json::Value| {
        let mut claims = SessionClaims::new();
        claims.insert("sub", "user-7");
        claims.insert("groups", groups);
        let token = codec
            .encode(&mut claims, SystemClock.now(), &OsRandom)
            .unwrap();
        format!("{}={token}", names.session_token())
    };
    let app = Router::new()
        .route("/api/admin", get(|| async { "admins only" }))
        .layer(RequireSession::new(auth.clone()).any_group(["admins"]));
    for (label, cookie, status) in [
        ("no session", None, StatusCode::UNAUTHORIZED),
        (
            "not in the group",
            Some(cookie(serde_json::json!(["users"]))),
            StatusCode::FORBIDDEN,
        ),
        (
            "groups of the wrong type",
            Some(cookie(serde_json::json!("admins"))),
            StatusCode::FORBIDDEN,
        ),
        (
            "in the group",
            Some(cookie(serde_json::json!(["users", "admins"]))),
            StatusCode::OK,
        ),
    ] {
        let (got, _, headers) = call(app.clone(), "/api/admin", cookie.as_deref()).await;
        assert_eq!(got, status, "{label}");
        assert_eq!(
            headers.get("cache-control").unwrap(),
            "private, no-cache, no-store",
            "{label}"
        );
    }
}
