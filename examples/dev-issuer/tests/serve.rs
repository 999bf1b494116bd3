//! Serving on a real loopback listener, the loopback guard, and configuration errors.

mod common;

use common::*;
use dev_issuer::{DevClient, DevIssuer, DevIssuerError, DevUser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn builder() -> dev_issuer::DevIssuerBuilder {
    let [confidential, _] = clients();
    DevIssuer::builder().client(confidential).signing_key(key())
}

/// A bare HTTP/1.1 GET; returns the whole response.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
}

#[tokio::test]
async fn serves_on_loopback_and_shuts_down() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let running = builder()
        .build()
        .expect("build")
        .serve(listener)
        .expect("serve");
    let addr = running.local_addr();
    assert_eq!(
        running.issuer_url().as_str(),
        format!("http://{addr}/local_DevPool")
    );
    assert!(
        running
            .describe()
            .iter()
            .any(|l| l.contains(running.issuer_url().as_str()))
    );

    let response = http_get(addr, "/local_DevPool/.well-known/openid-configuration").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let body = &response[response.find("\r\n\r\n").expect("body") + 4..];
    let doc: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(doc["issuer"], running.issuer_url().as_str());
    assert_eq!(
        doc["authorization_endpoint"],
        format!("http://{addr}/oauth2/authorize")
    );

    running.shutdown().await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the listener is closed after shutdown"
    );
}

#[tokio::test]
async fn refuses_non_loopback_unless_told() {
    // Binding the wildcard address sends no traffic anywhere; serve must refuse it.
    let listener = TcpListener::bind("0.0.0.0:0").await.expect("bind");
    let error = builder()
        .build()
        .expect("build")
        .serve(listener)
        .expect_err("0.0.0.0 refused");
    assert!(matches!(error, DevIssuerError::NonLoopback(_)), "{error}");
    assert!(
        error
            .to_string()
            .contains("allow_non_loopback_for_development_only")
    );

    let issuer = builder().build().expect("build");
    for base in [
        "http://192.0.2.10:9000",
        "http://issuer.example:9000",
        "http://[2001:db8::1]:9000",
        "http://0.0.0.0:9000",
    ] {
        let error = issuer.router(base).expect_err(base);
        assert!(
            matches!(error, DevIssuerError::NonLoopback(_)),
            "{base}: {error}"
        );
    }
    for base in [
        "http://127.0.0.1:9000",
        "http://127.1.2.3:9000",
        "http://[::1]:9000",
        "http://localhost:9000/",
        "http://LOCALHOST:9000/dev-issuer",
    ] {
        let _router = issuer
            .router(base)
            .unwrap_or_else(|e| panic!("{base}: {e}"));
    }

    let allowed = builder()
        .allow_non_loopback_for_development_only(true)
        .build()
        .expect("build");
    let _router = allowed.router("http://192.0.2.10:9000").expect("allowed");
    let listener = TcpListener::bind("0.0.0.0:0").await.expect("bind");
    allowed.serve(listener).expect("allowed").shutdown().await;
}

#[tokio::test]
async fn a_base_path_is_kept_in_every_url() {
    let issuer = builder().build().expect("build");
    let router = axum::Router::new().nest(
        "/dev-issuer",
        issuer
            .router("http://127.0.0.1:9000/dev-issuer/")
            .expect("router"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let response = http_get(
        addr,
        "/dev-issuer/local_DevPool/.well-known/openid-configuration",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"issuer\":\"http://127.0.0.1:9000/dev-issuer/local_DevPool\""));
    assert!(
        response.contains("\"token_endpoint\":\"http://127.0.0.1:9000/dev-issuer/oauth2/token\"")
    );
    server.abort();
}

#[test]
fn configuration_errors() {
    let err = |b: dev_issuer::DevIssuerBuilder| b.build().expect_err("invalid");
    assert!(matches!(
        err(builder().pool_id("no-underscore")),
        DevIssuerError::InvalidPoolId(_)
    ));
    assert!(matches!(
        err(DevIssuer::builder().signing_key(key())),
        DevIssuerError::NoClient
    ));
    assert!(matches!(
        err(builder().client(DevClient::public(CLIENT_ID))),
        DevIssuerError::InvalidClient { .. }
    ));
    assert!(matches!(
        err(builder().client(DevClient::public("p").redirect_uri("not a url"))),
        DevIssuerError::InvalidClientUri { .. }
    ));
    assert!(matches!(
        err(builder().client(DevClient::public("p").logout_uri("http://x/#frag"))),
        DevIssuerError::InvalidClientUri { .. }
    ));
    assert!(matches!(
        err(builder().users(Vec::new())),
        DevIssuerError::NoUser
    ));
    assert!(matches!(
        err(builder().users([DevUser::new("a", "p"), DevUser::new("a", "q")])),
        DevIssuerError::InvalidUser { .. }
    ));
    assert!(matches!(
        err(builder().token_validity(std::time::Duration::from_secs(60))),
        DevIssuerError::InvalidTokenValidity(60)
    ));
    let error = err(builder().client(DevClient::confidential("c2", "")));
    assert!(matches!(error, DevIssuerError::InvalidClient { .. }));

    // Errors never carry secrets.
    let error = err(builder().client(DevClient::confidential(CLIENT_ID, "super-secret-value")));
    assert!(!format!("{error} {error:?}").contains("super-secret-value"));

    // A fixed sub is kept; others are derived and stable across builds.
    let a = builder()
        .users([
            DevUser::new("x", "p").subject("fixed-sub"),
            DevUser::new("y", "p"),
        ])
        .build()
        .expect("build");
    let b = builder()
        .users([DevUser::new("y", "p")])
        .build()
        .expect("build");
    assert_eq!(a.user_sub("x"), Some("fixed-sub"));
    assert_eq!(a.user_sub("y"), b.user_sub("y"));
    assert!(!format!("{a:?}").contains("\"p\""));
}

#[test]
fn serve_outside_a_runtime_is_an_error() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    std_listener.set_nonblocking(true).expect("nonblocking");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = {
        let _guard = runtime.enter();
        TcpListener::from_std(std_listener).expect("listener")
    };
    let error = builder()
        .build()
        .expect("build")
        .serve(listener)
        .expect_err("no runtime");
    assert!(matches!(error, DevIssuerError::NoRuntime));
}
