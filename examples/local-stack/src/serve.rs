//! The accept loop of the local stack, with the read timeouts `axum::serve` does not have.
//!
//! A client that sends its request headers or body slowly (or never) would otherwise hold a
//! connection and a task for as long as it likes; a few thousand such connections exhaust the
//! process. Here:
//!
//! * the request line and headers must arrive within [`Timeouts::header_read`] (hyper closes the
//!   connection otherwise; also between requests on a kept-alive connection);
//! * the body must arrive within [`Timeouts::body_read`] (`408 Request Timeout`);
//! * a declared `Content-Length` above [`Timeouts::max_body_bytes`] is answered `413` before any
//!   of the body is read, and a body that grows past it is `413` too.
//!
//! An embedder serving the same router with its own server should set the equivalents there
//! (hyper's `header_read_timeout`, a body timeout such as tower-http's `RequestBodyTimeoutLayer`,
//! and a length limit). On Lambda, API Gateway buffers the whole request before the function
//! runs (at most 10 MB, 30 s), so these do not apply there.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// How long a client may take, and how much it may send.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the connection's first byte (or the end of the previous response) to the end of the
    /// request headers.
    pub header_read: Duration,
    /// From the end of the headers to the end of the body.
    pub body_read: Duration,
    /// The largest body read; `413` above it.
    pub max_body_bytes: usize,
}

impl Default for Timeouts {
    /// 10 s for headers, 10 s for the body, auth-core's default body limit.
    fn default() -> Self {
        Timeouts {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(10),
            max_body_bytes: auth_core::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl Timeouts {
    /// The defaults, with `LOCAL_STACK_HEADER_READ_TIMEOUT_SECS` and
    /// `LOCAL_STACK_BODY_READ_TIMEOUT_SECS` (whole seconds, 1 to 300) when set.
    pub fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let secs = |variable: &str, default: Duration| match lookup(variable) {
            None => Ok(default),
            Some(value) => value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=300).contains(s))
                .map(Duration::from_secs)
                .ok_or_else(|| format!("{variable} is malformed: expected 1 to 300 seconds")),
        };
        let defaults = Timeouts::default();
        Ok(Timeouts {
            header_read: secs("LOCAL_STACK_HEADER_READ_TIMEOUT_SECS", defaults.header_read)?,
            body_read: secs("LOCAL_STACK_BODY_READ_TIMEOUT_SECS", defaults.body_read)?,
            ..defaults
        })
    }
}

/// Serve `app` on `listener` until `shutdown` completes, then let open requests finish (at most
/// 10 s).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) {
    let app = app.layer(axum::middleware::from_fn(move |request, next| {
        read_body_in_time(request, next, timeouts)
    }));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone().into_service::<hyper::body::Incoming>());
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(timeouts.header_read);
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
}

/// Read the whole body within the time limit and the size limit, then hand it on.
async fn read_body_in_time(request: Request, next: Next, timeouts: Timeouts) -> Response {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > timeouts.max_body_bytes as u64) {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large");
    }
    let read = axum::body::to_bytes(body, timeouts.max_body_bytes);
    let bytes = match tokio::time::timeout(timeouts.body_read, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large"),
        Err(_) => return refuse(StatusCode::REQUEST_TIMEOUT, "Request Timeout"),
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// An answer after which the connection closes: the rest of the body is never read.
fn refuse(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_from_the_environment_are_bounded() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let t = Timeouts::from_lookup(&vars(&[])).unwrap();
        assert_eq!(
            (t.header_read, t.body_read),
            (Duration::from_secs(10), Duration::from_secs(10))
        );
        let t =
            Timeouts::from_lookup(&vars(&[("LOCAL_STACK_BODY_READ_TIMEOUT_SECS", " 3 ")])).unwrap();
        assert_eq!(t.body_read, Duration::from_secs(3));
        for bad in ["0", "301", "-1", "soon", "18446744073709551616"] {
            let lookup = move |name: &str| {
                (name == "LOCAL_STACK_HEADER_READ_TIMEOUT_SECS").then(|| bad.to_owned())
            };
            let err = Timeouts::from_lookup(&lookup).unwrap_err();
            assert!(
                err.starts_with("LOCAL_STACK_HEADER_READ_TIMEOUT_SECS is malformed"),
                "{err}"
            );
        }
    }
}
