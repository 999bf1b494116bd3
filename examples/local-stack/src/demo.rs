//! A one-page demo of the sign-in flow, speaking to `/api/auth/*` exactly as `next-auth/react`
//! does (`GET /session`, `GET /csrf`, `POST /signin/cognito` and `POST /signout` with
//! `json=true`), plus the protected `/api/me`.

use axum::Router;
use axum::response::Html;
use axum::routing::get;

pub(crate) fn router() -> Router {
    Router::new().route("/", get(|| async { Html(include_str!("demo.html")) }))
}
