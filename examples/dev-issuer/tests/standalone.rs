//! The `dev-issuer` binary on its own: it starts on the port asked (0: any), prints the
//! `COGNITO_*` settings for the app, and serves the discovery document of that issuer.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn runs_on_its_own_and_prints_the_settings_for_the_app() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dev-issuer"))
        .env("DEV_ISSUER_PORT", "0")
        .env("DEV_ISSUER_APP_URL", "http://127.0.0.1:4000/")
        .env("DEV_ISSUER_CLIENT_ID", "my-service")
        .env("DEV_ISSUER_CLIENT_SECRET", "my-service-secret")
        .env(
            "DEV_ISSUER_USERS",
            "carol:carol-chosen-pw:admins; dave:dave-chosen-pw",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut settings = Vec::new();
    let mut users = Vec::new();
    while Instant::now() < deadline {
        let line = lines.next().expect("output ended early").unwrap();
        assert!(
            !line.contains("chosen-pw"),
            "a chosen password is not echoed: {line}"
        );
        if let Some(user) = line.trim().strip_prefix("user:") {
            users.push(user.split_whitespace().next().unwrap().to_owned());
        }
        if line.starts_with("COGNITO_") || line.starts_with("NEXTAUTH_URL=") {
            settings.push(line.clone());
        }
        if line.starts_with("NEXTAUTH_URL=") {
            break;
        }
    }
    assert_eq!(
        users,
        ["carol", "dave"],
        "the users from DEV_ISSUER_USERS, not the demo users"
    );
    let issuer = settings[0]
        .strip_prefix("COGNITO_ISSUER=")
        .unwrap()
        .to_owned();
    assert_eq!(
        &settings[1..],
        [
            "COGNITO_CLIENT_ID=my-service",
            "COGNITO_CLIENT_SECRET=my-service-secret",
            "NEXTAUTH_URL=http://127.0.0.1:4000"
        ]
    );

    // The discovery document, over a plain socket on loopback.
    let url = url::Url::parse(&issuer).unwrap();
    let mut stream =
        std::net::TcpStream::connect((url.host_str().unwrap(), url.port().unwrap())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {}/.well-known/openid-configuration HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        url.path(),
        url.host_str().unwrap()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(&format!("\"issuer\":\"{issuer}\"")),
        "{response}"
    );
}
