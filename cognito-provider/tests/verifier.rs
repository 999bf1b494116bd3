//! `CognitoJwtVerifier`: the checks aws-jwt-verify makes, each failing on its own, against a
//! wiremock JWKS endpoint.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use std::time::Duration;

use cognito_provider::{CognitoError, CognitoJwtVerifier, Timeouts, TokenUse};
use common::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const NOW: i64 = 1_767_225_600;

fn verifier(idp: &Idp, token_use: TokenUse) -> cognito_provider::CognitoJwtVerifierBuilder {
    CognitoJwtVerifier::builder(idp.issuer(), token_use, [CLIENT_ID])
        .clock(TestClock::at(NOW))
        .timeouts(Timeouts {
            connect: Duration::from_millis(500),
            request: Duration::from_secs(1),
        })
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

#[tokio::test]
async fn access_tokens() {
    let idp = Idp::start().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let v = verifier(&idp, TokenUse::Access).build().unwrap();
    let claims = idp.access_claims(NOW);

    let ok = v.verify(&sign(&KEY_A, "a", &claims)).await.unwrap();
    assert_eq!(ok.subject(), "7a1e4f0c-0000-4000-8000-00000000c0c0");
    assert_eq!(ok.username(), Some("jane"));
    assert_eq!(ok.groups(), ["admins", "users"]);
    assert_eq!(ok.scopes(), ["openid", "profile", "email"]);
    assert!(
        !format!("{ok:?}").contains("jane"),
        "Debug shows claim names only"
    );

    type Row = (&'static str, String, fn(&CognitoError) -> bool);
    let rows: Vec<Row> = vec![
        ("another key", sign(&KEY_B, "a", &claims), |e| {
            matches!(e, CognitoError::InvalidSignature)
        }),
        ("alg none", unsigned("a", &claims), |e| {
            matches!(e, CognitoError::AlgorithmNotAllowed(_))
        }),
        (
            "HS256 key confusion",
            sign_hs256(
                "a",
                &claims,
                jwk(&KEY_A, "a")["n"].as_str().unwrap().as_bytes(),
            ),
            |e| matches!(e, CognitoError::AlgorithmNotAllowed(_)),
        ),
        ("unknown kid", sign(&KEY_A, "x", &claims), |e| {
            matches!(e, CognitoError::UnknownKey)
        }),
        (
            "wrong issuer",
            sign(
                &KEY_A,
                "a",
                &with(claims.clone(), "iss", "https://evil.example/pool".into()),
            ),
            |e| matches!(e, CognitoError::WrongIssuer),
        ),
        (
            "an id token",
            sign(&KEY_A, "a", &idp.id_claims(NOW, None)),
            |e| matches!(e, CognitoError::WrongTokenUse { expected: "access" }),
        ),
        (
            "another client",
            sign(
                &KEY_A,
                "a",
                &with(claims.clone(), "client_id", "other".into()),
            ),
            |e| matches!(e, CognitoError::WrongAudience),
        ),
        (
            "expired",
            sign(&KEY_A, "a", &with(claims.clone(), "exp", (NOW - 1).into())),
            |e| matches!(e, CognitoError::Expired),
        ),
        (
            "no exp",
            sign(&KEY_A, "a", &{
                let mut c = claims.clone();
                c.as_object_mut().unwrap().remove("exp");
                c
            }),
            |e| matches!(e, CognitoError::InvalidTimeClaim("exp")),
        ),
        (
            "not valid yet",
            sign(&KEY_A, "a", &with(claims.clone(), "nbf", (NOW + 1).into())),
            |e| matches!(e, CognitoError::InvalidTimeClaim("nbf")),
        ),
        (
            "iat not a number",
            sign(&KEY_A, "a", &with(claims.clone(), "iat", Value::Null)),
            |e| matches!(e, CognitoError::InvalidTimeClaim("iat")),
        ),
        (
            "exp not a number",
            sign(&KEY_A, "a", &with(claims.clone(), "exp", "soon".into())),
            |e| matches!(e, CognitoError::InvalidTimeClaim("exp")),
        ),
        ("garbage", "a.b.c".into(), |e| {
            matches!(e, CognitoError::MalformedToken(_))
        }),
        ("two segments", "a.b".into(), |e| {
            matches!(e, CognitoError::MalformedToken(_))
        }),
    ];
    for (label, token, expected) in rows {
        let err = v.verify(&token).await.expect_err(label);
        assert!(expected(&err), "{label}: {err}");
        assert!(
            !err.to_string().contains(&token[..token.len().min(20)]) || token.len() < 20,
            "{label}: no token in the message"
        );
    }

    // As aws-jwt-verify judges times: valid until `exp` has passed (at `exp` itself still
    // valid), and `iat` only type-checked — an issuer whose clock runs a second ahead mints
    // tokens "from the future", which a leeway of 0 must not refuse.
    for (label, claims) in [
        ("exp is now", with(claims.clone(), "exp", NOW.into())),
        (
            "iat a minute ahead",
            with(claims.clone(), "iat", (NOW + 60).into()),
        ),
    ] {
        let verdict = v.verify(&sign(&KEY_A, "a", &claims)).await;
        assert!(verdict.is_ok(), "{label}: {verdict:?}");
    }
}

/// A pool's issuer is accepted in both of Cognito's formats, regional and global, as
/// aws-jwt-verify accepts them; the keys come from a `jwks_uri` set on the builder.
#[tokio::test]
async fn both_issuer_formats_of_a_pool_and_a_jwks_uri_of_ones_own() {
    let idp = Idp::start().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let regional = format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}");
    let global = format!("https://issuer-cognito-idp.us-east-1.amazonaws.com/{POOL}");
    let v = CognitoJwtVerifier::builder(&regional, TokenUse::Access, [CLIENT_ID])
        .clock(TestClock::at(NOW))
        .jwks_uri(format!("{}/.well-known/jwks.json", idp.issuer()))
        .build()
        .unwrap();
    let claims = idp.access_claims(NOW);
    for iss in [&regional, &global] {
        let token = sign(
            &KEY_A,
            "a",
            &with(claims.clone(), "iss", iss.as_str().into()),
        );
        assert!(v.verify(&token).await.is_ok(), "{iss}");
    }
    for iss in [
        format!("https://issuer-cognito-idp.eu-west-1.amazonaws.com/{POOL}"),
        format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}/"),
        "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Other".to_owned(),
    ] {
        let token = sign(
            &KEY_A,
            "a",
            &with(claims.clone(), "iss", iss.as_str().into()),
        );
        assert!(
            matches!(v.verify(&token).await, Err(CognitoError::WrongIssuer)),
            "{iss}"
        );
    }
    // The JWKS URI is held to the issuer's rule: https, or http on loopback only.
    let off_loopback = CognitoJwtVerifier::builder(&regional, TokenUse::Access, [CLIENT_ID])
        .jwks_uri("http://keys.example/jwks.json")
        .build();
    assert!(matches!(off_loopback, Err(CognitoError::Config(_))));
}

#[tokio::test]
async fn id_tokens_groups_and_scopes() {
    let idp = Idp::start().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let id = verifier(&idp, TokenUse::Id).build().unwrap();
    assert_eq!(
        id.verify(&sign(&KEY_A, "a", &idp.id_claims(NOW, None)))
            .await
            .unwrap()
            .username(),
        Some("jane")
    );
    let other_aud = with(idp.id_claims(NOW, None), "aud", "other".into());
    assert!(matches!(
        id.verify(&sign(&KEY_A, "a", &other_aud)).await,
        Err(CognitoError::WrongAudience)
    ));
    let access = sign(&KEY_A, "a", &idp.access_claims(NOW));
    assert!(matches!(
        id.verify(&access).await,
        Err(CognitoError::WrongTokenUse { expected: "id" })
    ));

    let admins = verifier(&idp, TokenUse::Access)
        .require_any_group(["admins"])
        .build()
        .unwrap();
    assert!(admins.verify(&access).await.is_ok());
    let auditors = verifier(&idp, TokenUse::Access)
        .require_any_group(["auditors"])
        .build()
        .unwrap();
    assert!(matches!(
        auditors.verify(&access).await,
        Err(CognitoError::MissingGroup)
    ));
    let no_groups = {
        let mut c = idp.access_claims(NOW);
        c.as_object_mut().unwrap().remove("cognito:groups");
        sign(&KEY_A, "a", &c)
    };
    assert!(matches!(
        admins.verify(&no_groups).await,
        Err(CognitoError::MissingGroup)
    ));

    let api = verifier(&idp, TokenUse::Access)
        .require_any_scope(["orders/write", "email"])
        .build()
        .unwrap();
    assert!(api.verify(&access).await.is_ok());
    let writers = verifier(&idp, TokenUse::Access)
        .require_any_scope(["orders/write"])
        .build()
        .unwrap();
    assert!(matches!(
        writers.verify(&access).await,
        Err(CognitoError::MissingScope)
    ));

    // Several accepted clients.
    let multi = CognitoJwtVerifier::builder(idp.issuer(), TokenUse::Access, ["other", CLIENT_ID])
        .clock(TestClock::at(NOW))
        .build()
        .unwrap();
    assert!(multi.verify(&access).await.is_ok());
}

#[tokio::test]
async fn jwks_refetch_penalty_after_failure() {
    let idp = Idp::start().await;
    let jwks_path = format!("/{POOL}/.well-known/jwks.json");
    // The JWKS endpoint fails first, then works.
    Mock::given(method("GET"))
        .and(path(&jwks_path))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&idp.server)
        .await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let v = verifier(&idp, TokenUse::Access)
        .jwks_refetch_interval(Duration::from_millis(300))
        .build()
        .unwrap();
    let token = sign(&KEY_A, "a", &idp.access_claims(NOW));

    // The error names the URL and the cause.
    match v.verify(&token).await {
        Err(CognitoError::Http { url, cause }) => {
            assert!(url.ends_with(&jwks_path), "{url}");
            assert_eq!(cause, cognito_provider::HttpCause::Status(503));
        }
        other => panic!("the failed fetch: {other:?}"),
    }
    // Within the penalty: refused at once, without asking the IdP.
    assert!(matches!(
        v.verify(&token).await,
        Err(CognitoError::Http {
            cause: cognito_provider::HttpCause::RecentFailure,
            ..
        })
    ));
    assert_eq!(
        idp.requests_to(&jwks_path).await,
        1,
        "no retry during the penalty"
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(
        v.verify(&token).await.is_ok(),
        "after the penalty the keys are fetched"
    );
    assert_eq!(idp.requests_to(&jwks_path).await, 2);

    // Unknown key ids: one refetch per interval at most.
    for kid in ["x", "y", "z"] {
        assert!(matches!(
            v.verify(&sign(&KEY_A, kid, &idp.access_claims(NOW))).await,
            Err(CognitoError::UnknownKey)
        ));
    }
    assert_eq!(
        idp.requests_to(&jwks_path).await,
        2,
        "the interval since the last fetch has not passed"
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(matches!(
        v.verify(&sign(&KEY_A, "w", &idp.access_claims(NOW))).await,
        Err(CognitoError::UnknownKey)
    ));
    assert_eq!(idp.requests_to(&jwks_path).await, 3);
}

#[tokio::test]
async fn configuration_is_checked() {
    assert!(
        CognitoJwtVerifier::builder(
            "http://cognito-idp.us-east-1.amazonaws.com/x",
            TokenUse::Access,
            ["c"]
        )
        .build()
        .is_err()
    );
    assert!(
        CognitoJwtVerifier::builder(
            "https://cognito-idp.us-east-1.amazonaws.com/x",
            TokenUse::Access,
            Vec::<String>::new()
        )
        .build()
        .is_err()
    );
    assert!(
        CognitoJwtVerifier::builder(
            "https://cognito-idp.us-east-1.amazonaws.com/x",
            TokenUse::Access,
            ["c"]
        )
        .build()
        .is_ok()
    );
    let _unused: Value = json!(null);
}

/// An unreachable issuer is named, with the cause, by the startup check: no "client error".
#[tokio::test]
async fn an_unreachable_issuer_is_named_with_its_cause() {
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let issuer = format!("http://127.0.0.1:{port}/us-east-1_Pool");
    let cognito = cognito_provider::Cognito::builder(&issuer, "client")
        .build()
        .unwrap();
    let err = cognito.check_issuer().await.unwrap_err();
    match &err {
        CognitoError::Discovery { url, cause } => {
            assert_eq!(url, &format!("{issuer}/.well-known/openid-configuration"));
            assert_eq!(cause, &cognito_provider::HttpCause::Refused, "{err}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("connection refused"), "{err}");
}

/// Claims an API keys on must have Cognito's types (as aws-jwt-verify requires): a numeric
/// `sub` would make `subject()` the empty string, a number among the groups would be dropped.
#[tokio::test]
async fn claims_of_the_wrong_type_are_refused() {
    let idp = Idp::start().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let access = verifier(&idp, TokenUse::Access).build().unwrap();
    let id = verifier(&idp, TokenUse::Id).build().unwrap();
    let with = |mut claims: Value, name: &str, value: Value| {
        claims[name] = value;
        sign(&KEY_A, "a", &claims)
    };
    let without_sub = {
        let mut claims = idp.access_claims(NOW);
        claims.as_object_mut().unwrap().remove("sub");
        sign(&KEY_A, "a", &claims)
    };
    for (label, token, expected) in [
        (
            "sub: 5",
            with(idp.access_claims(NOW), "sub", json!(5)),
            "sub",
        ),
        ("no sub", without_sub, "sub"),
        (
            "jti: 5",
            with(idp.access_claims(NOW), "jti", json!(5)),
            "jti",
        ),
        (
            "scope: 5",
            with(idp.access_claims(NOW), "scope", json!(5)),
            "scope",
        ),
        (
            "a number among the groups",
            with(
                idp.access_claims(NOW),
                "cognito:groups",
                json!(["admins", 5]),
            ),
            "cognito:groups",
        ),
        (
            "groups not an array",
            with(idp.access_claims(NOW), "cognito:groups", json!("admins")),
            "cognito:groups",
        ),
        (
            "access aud: 5",
            with(idp.access_claims(NOW), "aud", json!(5)),
            "aud",
        ),
        (
            "access aud: [\"a\", 5]",
            with(idp.access_claims(NOW), "aud", json!(["a", 5])),
            "aud",
        ),
    ] {
        match access.verify(&token).await {
            Err(CognitoError::InvalidClaim(name)) => assert_eq!(name, expected, "{label}"),
            other => panic!("{label}: {other:?}"),
        }
    }
    // An access token may carry an `aud` of strings (Cognito's carry none).
    assert!(
        access
            .verify(&with(idp.access_claims(NOW), "aud", json!(["a", "b"])))
            .await
            .is_ok()
    );
    // An id token's `aud` is the one client, a string, as Cognito writes it and aws-jwt-verify
    // requires: an OpenID-style array is refused, even with the client alone in it.
    let aud = |value: Value| with(idp.id_claims(NOW, None), "aud", value);
    for value in [
        json!([CLIENT_ID, 5]),
        json!([CLIENT_ID]),
        json!([CLIENT_ID, "other"]),
    ] {
        assert!(
            matches!(
                id.verify(&aud(value.clone())).await,
                Err(CognitoError::WrongAudience)
            ),
            "{value}"
        );
    }
    assert!(id.verify(&aud(json!(CLIENT_ID))).await.is_ok());
}

/// The axum extractor: RFC 6750 answers for no token, a refused token and a token outside the
/// required groups; the verified token for a good one.
#[tokio::test]
async fn the_bearer_extractor_answers_as_rfc_6750_says() {
    use axum::routing::get;
    use cognito_provider::CognitoBearer;
    use tower::ServiceExt;

    let idp = Idp::start().await;
    idp.mount_jwks(&[(&KEY_A, "a")]).await;
    let v = verifier(&idp, TokenUse::Access)
        .require_any_group(["admins"])
        .build()
        .unwrap();
    let app = axum::Router::new()
        .route(
            "/api/reports",
            get(|CognitoBearer(token): CognitoBearer| async move { token.subject().to_owned() }),
        )
        .with_state(v);
    let good = sign(&KEY_A, "a", &idp.access_claims(NOW));
    let mut outsider = idp.access_claims(NOW);
    outsider["cognito:groups"] = json!(["users"]);
    let outsider = sign(&KEY_A, "a", &outsider);
    for (label, authorization, status, challenge) in [
        ("no header", None, 401, Some("Bearer")),
        (
            "not bearer",
            Some("Basic abc".to_owned()),
            401,
            Some("Bearer"),
        ),
        (
            "forged",
            Some(format!(
                "Bearer {}",
                sign(&KEY_B, "a", &idp.access_claims(NOW))
            )),
            401,
            Some(r#"Bearer error="invalid_token""#),
        ),
        (
            "outside the groups",
            Some(format!("Bearer {outsider}")),
            403,
            Some(r#"Bearer error="insufficient_scope""#),
        ),
        ("good", Some(format!("bearer {good}")), 200, None),
    ] {
        let mut request = http::Request::get("/api/reports");
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        let response = app
            .clone()
            .oneshot(request.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{label}");
        assert_eq!(
            response
                .headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            challenge,
            "{label}"
        );
    }
}
