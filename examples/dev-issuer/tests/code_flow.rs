//! The issuer through its HTTP surface, in-process: discovery, the code flow with PKCE and nonce,
//! tokens verified by an independent JOSE implementation (josekit, OpenSSL), the token endpoint's
//! refusals, refresh, userInfo and logout.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use http::{StatusCode, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const NONCE: &str = "n-0S6_WzA2Mj";

/// Verify a JWT against the served JWKS with josekit; returns header `kid` and the claims.
async fn verify_with_jwks(h: &Harness, jwt: &str) -> Result<(String, Value), String> {
    let jwks = h
        .get("/local_DevPool/.well-known/jwks.json", &[])
        .await
        .json();
    let key = jwks["keys"][0].as_object().expect("one key").clone();
    let jwk = josekit::jwk::Jwk::from_map(key).map_err(|e| e.to_string())?;
    let verifier = josekit::jws::RS256
        .verifier_from_jwk(&jwk)
        .map_err(|e| e.to_string())?;
    let (payload, header) =
        josekit::jwt::decode_with_verifier(jwt, &verifier).map_err(|e| e.to_string())?;
    let kid = header.key_id().ok_or("no kid")?.to_owned();
    Ok((kid, Value::Object(payload.claims_set().clone())))
}

/// Sign in as alice with PKCE and nonce and redeem the code.
async fn alice_tokens(h: &Harness) -> Value {
    let (code, _) = h.sign_in(&code_request("st", NONCE), "alice").await;
    let response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

#[tokio::test]
async fn discovery_and_jwks_have_cognitos_shape() {
    let h = harness();
    let response = h
        .get("/local_DevPool/.well-known/openid-configuration", &[])
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response
            .header(header::CONTENT_TYPE)
            .is_some_and(|c| c.starts_with("application/json"))
    );
    let doc = response.json();
    assert_eq!(doc["issuer"], ISSUER);
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{BASE}/oauth2/authorize")
    );
    assert_eq!(doc["token_endpoint"], format!("{BASE}/oauth2/token"));
    assert_eq!(doc["userinfo_endpoint"], format!("{BASE}/oauth2/userInfo"));
    assert_eq!(doc["jwks_uri"], format!("{ISSUER}/.well-known/jwks.json"));
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["subject_types_supported"], json!(["public"]));
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    assert_eq!(
        doc["scopes_supported"],
        json!(["openid", "email", "phone", "profile"])
    );
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post"])
    );
    let claims = doc["claims_supported"]
        .as_array()
        .expect("claims_supported");
    for claim in ["sub", "email", "cognito:groups", "cognito:username"] {
        assert!(claims.contains(&json!(claim)), "{claim}");
    }
    // Cognito's gaps, kept.
    assert!(doc.get("code_challenge_methods_supported").is_none());
    assert!(doc.get("end_session_endpoint").is_none());

    let jwks = h
        .get("/local_DevPool/.well-known/jwks.json", &[])
        .await
        .json();
    let keys = jwks["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 1);
    let key = keys[0].as_object().expect("key");
    let mut members: Vec<&str> = key.keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, ["alg", "e", "kid", "kty", "n", "use"]);
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["e"], "AQAB");
    let n = URL_SAFE_NO_PAD
        .decode(key["n"].as_str().expect("n"))
        .expect("n");
    assert_eq!(n.len(), 256, "2048-bit modulus");
    assert_eq!(key["kid"], h.issuer.signing_key().kid());

    // Nothing else answers under the issuer path.
    let other = h.get("/otherPool_X/.well-known/jwks.json", &[]).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn code_flow_with_pkce_and_nonce_gives_verifiable_cognito_tokens() {
    let h = harness();
    let before = now();
    let state = "st&ate=/é +";
    let (code, _) = h.sign_in(&code_request(state, NONCE), "alice").await;
    // sign_in checked the redirect; check state echo separately.
    let response = h
        .submit_login(&code_request(state, NONCE), "alice", "alice-password")
        .await;
    let location = response.location();
    assert_eq!(
        format!(
            "{}://{}{}",
            location.scheme(),
            location.host_str().expect("host"),
            location.path()
        ),
        "http://127.0.0.1/api/auth/callback/cognito"
    );
    assert_eq!(location.port(), Some(3000));
    assert_eq!(response.query("state").as_deref(), Some(state));

    let token_response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(
        token_response.status,
        StatusCode::OK,
        "{}",
        token_response.body
    );
    assert_eq!(
        token_response.header(header::CACHE_CONTROL),
        Some("no-store")
    );
    let tokens = token_response.json();
    let fields: Vec<&str> = tokens
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "id_token",
            "access_token",
            "refresh_token",
            "expires_in",
            "token_type"
        ]
    );
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["token_type"], "Bearer");
    let id_token = tokens["id_token"].as_str().expect("id_token");
    let access_token = tokens["access_token"].as_str().expect("access_token");

    // The id token, verified independently against the JWKS.
    let (kid, id) = verify_with_jwks(&h, id_token)
        .await
        .expect("id token verifies");
    assert_eq!(kid, h.issuer.signing_key().kid());
    let sub = h.issuer.user_sub("alice").expect("alice");
    assert_eq!(id["sub"], sub);
    assert_eq!(sub.len(), 36);
    assert_eq!(id["aud"], CLIENT_ID);
    assert_eq!(id["iss"], ISSUER);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["nonce"], NONCE);
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Alice Example");
    assert!(
        id["picture"]
            .as_str()
            .is_some_and(|p| p.starts_with("data:image/svg+xml"))
    );
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["cognito:groups"], json!(["admins", "users"]));
    let iat = id["iat"].as_u64().expect("iat");
    assert!(iat >= before && iat <= now() + 1);
    assert_eq!(id["exp"].as_u64(), Some(iat + 3600));
    let auth_time = id["auth_time"].as_u64().expect("auth_time");
    assert!(auth_time >= before && auth_time <= iat);
    let expected_at_hash = URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16]);
    assert_eq!(id["at_hash"], expected_at_hash);

    // The access token, verified the same way.
    let (_, access) = verify_with_jwks(&h, access_token)
        .await
        .expect("access token verifies");
    assert_eq!(access["sub"], sub);
    assert_eq!(access["iss"], ISSUER);
    assert_eq!(access["client_id"], CLIENT_ID);
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["scope"], "openid email profile");
    assert_eq!(access["username"], "alice");
    assert_eq!(access["cognito:groups"], json!(["admins", "users"]));
    assert_eq!(access["auth_time"].as_u64(), Some(auth_time));
    assert_eq!(
        access["exp"].as_u64(),
        Some(access["iat"].as_u64().expect("iat") + 3600)
    );
    assert!(access["jti"].as_str().is_some_and(|j| j.len() == 36));
    assert!(
        access.get("aud").is_none(),
        "Cognito access tokens have no aud"
    );
    assert_eq!(access["origin_jti"], id["origin_jti"]);

    // The independent verifier does reject a token that was not ours.
    let mut forged: Vec<String> = id_token.split('.').map(str::to_owned).collect();
    forged[1] = URL_SAFE_NO_PAD.encode(r#"{"sub":"mallory"}"#);
    assert!(verify_with_jwks(&h, &forged.join(".")).await.is_err());
}

#[tokio::test]
async fn users_without_groups_have_no_groups_claim_and_biggroups_is_big() {
    let h = harness_with(|b| {
        b.user(dev_issuer::DevUser::new("nogroups", "nogroups-password").email("n@example.com"))
    });
    let mut request = code_request("s", NONCE);
    request.retain(|(k, _)| !k.starts_with("code_challenge"));
    let (code, _) = h.sign_in(&request, "nogroups").await;
    let tokens = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ])
        .await
        .json();
    let id = claims(tokens["id_token"].as_str().expect("id_token"));
    assert!(id.get("cognito:groups").is_none());
    assert!(id.get("picture").is_none());
    assert!(
        claims(tokens["access_token"].as_str().expect("access"))
            .get("cognito:groups")
            .is_none()
    );

    let (code, _) = h.sign_in(&request, "biggroups").await;
    let tokens = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ])
        .await
        .json();
    let id_token = tokens["id_token"].as_str().expect("id_token");
    let id = verify_with_jwks(&h, id_token).await.expect("verifies").1;
    assert_eq!(id["cognito:groups"].as_array().map(Vec::len), Some(200));
    assert!(
        id_token.len() > 4096,
        "id token is {} bytes",
        id_token.len()
    );
}

#[tokio::test]
async fn the_browser_session_skips_the_form_until_logout() {
    let h = harness();
    let request = code_request("s1", NONCE);
    let (_, session) = h.sign_in(&request, "alice").await;

    // The session cookie is HttpOnly.
    let response = h.submit_login(&request, "alice", "alice-password").await;
    let set = response
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("dev-issuer.local_DevPool="))
        .expect("session cookie")
        .to_owned();
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("Path=/"), "{set}");

    // Second sign-in: straight back with a code.
    let again = h.authorize(&code_request("s2", "n2"), Some(&session)).await;
    assert_eq!(again.status, StatusCode::FOUND);
    let code = again.query("code").expect("code");
    assert_eq!(again.query("state").as_deref(), Some("s2"));
    let tokens = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .await
        .json();
    let id = claims(tokens["id_token"].as_str().expect("id_token"));
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["nonce"], "n2");

    // prompt=login shows the form anyway.
    let mut forced = code_request("s3", "n3");
    forced.push(("prompt", "login"));
    let form = h.authorize(&forced, Some(&session)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"password\""));

    // Logout clears it, server-side too: the old cookie value no longer signs in.
    let logout = h
        .get(
            &format!(
                "/logout?{}",
                form_pairs(&[("client_id", CLIENT_ID), ("logout_uri", LOGOUT_URI)])
            ),
            &[("cookie", &session)],
        )
        .await;
    assert_eq!(logout.location().as_str(), LOGOUT_URI);
    let cleared = logout
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("dev-issuer.local_DevPool="))
        .expect("clearing cookie")
        .to_owned();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = h.authorize(&code_request("s4", "n4"), Some(&session)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains("name=\"password\""));

    // prompt=none without a session goes back with login_required.
    let mut silent = code_request("s5", "n5");
    silent.push(("prompt", "none"));
    let silent = h.authorize(&silent, None).await;
    assert_eq!(silent.query("error").as_deref(), Some("login_required"));
    assert_eq!(silent.query("state").as_deref(), Some("s5"));
}

fn form_pairs(pairs: &[(&str, &str)]) -> String {
    form(pairs)
}

#[tokio::test]
async fn logout_redirects_only_to_registered_uris() {
    let h = harness();
    let ok = h
        .get(
            &format!(
                "/logout?{}",
                form(&[
                    ("client_id", PUBLIC_CLIENT_ID),
                    ("logout_uri", "http://localhost:5173/")
                ])
            ),
            &[],
        )
        .await;
    assert_eq!(ok.location().as_str(), "http://localhost:5173/");

    for (client, uri) in [
        (CLIENT_ID, "http://evil.example/"),
        (CLIENT_ID, "http://127.0.0.1:3000"),
        (CLIENT_ID, "http://localhost:5173/"), // another client's
        ("unknown", LOGOUT_URI),
    ] {
        let response = h
            .get(
                &format!(
                    "/logout?{}",
                    form(&[("client_id", client), ("logout_uri", uri)])
                ),
                &[],
            )
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{client} {uri}");
        assert!(response.header(header::LOCATION).is_none());
        assert!(response.body.contains("error"));
    }
    let missing = h
        .get(
            &format!("/logout?{}", form(&[("client_id", CLIENT_ID)])),
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_code_is_single_use_and_its_replay_revokes_the_refresh_token() {
    let h = harness();
    let (code, _) = h.sign_in(&code_request("s", NONCE), "alice").await;
    let redeem = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let first = h.token(&redeem).await;
    assert_eq!(first.status, StatusCode::OK);
    let refresh_token = first.json()["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_owned();

    let second = h.token(&redeem).await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert_eq!(second.json()["error"], "invalid_grant");
    assert_eq!(second.header(header::CACHE_CONTROL), Some("no-store"));

    let refresh = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
        ])
        .await;
    assert_eq!(refresh.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn the_token_endpoint_refuses_what_it_must() {
    let h = harness();
    let request = code_request("s", NONCE);

    // Wrong redirect_uri.
    let (code, _) = h.sign_in(&request, "alice").await;
    let response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:3000/other"),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.json()["error"], "invalid_grant");

    // Wrong client secret: 401 invalid_client with a challenge.
    let (code, _) = h.sign_in(&request, "alice").await;
    let response = h
        .post(
            "/oauth2/token",
            &[("authorization", &basic(CLIENT_ID, "wrong-secret"))],
            form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", VERIFIER),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(response.json()["error"], "invalid_client");
    assert!(response.header(header::WWW_AUTHENTICATE).is_some());
    // No secret at all from a confidential client.
    let response = h
        .post(
            "/oauth2/token",
            &[],
            form(&[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);

    // Wrong verifier, and a missing one.
    for verifier in [Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX"), None] {
        let (code, _) = h.sign_in(&request, "alice").await;
        let mut params = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
        ];
        if let Some(v) = verifier {
            params.push(("code_verifier", v));
        }
        let response = h.token(&params).await;
        assert_eq!(response.json()["error"], "invalid_grant", "{verifier:?}");
    }

    // A verifier when no challenge was sent (PKCE downgrade).
    let mut no_pkce = request.clone();
    no_pkce.retain(|(k, _)| !k.starts_with("code_challenge"));
    let (code, _) = h.sign_in(&no_pkce, "alice").await;
    let response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(response.json()["error"], "invalid_grant");

    // A code issued to another client.
    let public_request = [
        ("response_type", "code"),
        ("client_id", PUBLIC_CLIENT_ID),
        ("redirect_uri", "http://localhost:5173/callback?from=dev"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let (code, _) = h.sign_in(&public_request, "bob").await;
    let response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:5173/callback?from=dev"),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(response.json()["error"], "invalid_grant");

    // Codes expire after 5 minutes.
    let (code, _) = h.sign_in(&request, "alice").await;
    h.advance(301);
    let response = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
        ])
        .await;
    assert_eq!(response.json()["error"], "invalid_grant");

    // Other grants, missing grant, unknown client, wrong content type, two auth methods.
    let response = h.token(&[("grant_type", "password")]).await;
    assert_eq!(response.json()["error"], "unsupported_grant_type");
    let response = h.token(&[("code", "x")]).await;
    assert_eq!(response.json()["error"], "invalid_request");
    let response = h
        .post(
            "/oauth2/token",
            &[("authorization", &basic("nobody", "x"))],
            form(&[("grant_type", "refresh_token"), ("refresh_token", "x")]),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    let response = h
        .post(
            "/oauth2/token",
            &[("authorization", &basic(CLIENT_ID, CLIENT_SECRET))],
            form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
                ("client_secret", CLIENT_SECRET),
            ]),
        )
        .await;
    assert_eq!(response.json()["error"], "invalid_request");
    let response = h
        .send(
            http::Request::post("/oauth2/token")
                .header("authorization", basic(CLIENT_ID, CLIENT_SECRET))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(r#"{"grant_type":"refresh_token"}"#))
                .expect("request"),
        )
        .await;
    assert_eq!(response.json()["error"], "invalid_request");
}

#[tokio::test]
async fn client_secret_post_and_public_clients_work() {
    let h = harness();
    let (code, _) = h.sign_in(&code_request("s", NONCE), "alice").await;
    let response = h
        .post(
            "/oauth2/token",
            &[],
            form(&[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", VERIFIER),
            ]),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);

    let redirect = "http://localhost:5173/callback?from=dev";
    let public_request = [
        ("response_type", "code"),
        ("client_id", PUBLIC_CLIENT_ID),
        ("redirect_uri", redirect),
        ("scope", "openid"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let response = h.submit_login(&public_request, "bob", "bob-password").await;
    // The registered query survives; code appended.
    assert_eq!(response.query("from").as_deref(), Some("dev"));
    let code = response.query("code").expect("code");
    let tokens = h
        .post(
            "/oauth2/token",
            &[],
            form(&[
                ("grant_type", "authorization_code"),
                ("client_id", PUBLIC_CLIENT_ID),
                ("code", &code),
                ("redirect_uri", redirect),
                ("code_verifier", VERIFIER),
            ]),
        )
        .await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.body);
    let id = verify_with_jwks(&h, tokens.json()["id_token"].as_str().expect("id"))
        .await
        .expect("verifies")
        .1;
    assert_eq!(id["aud"], PUBLIC_CLIENT_ID);
    assert_eq!(id["email_verified"], false);
    assert!(id.get("nonce").is_none());
    // A public client presenting a secret is refused.
    let refused = h
        .post(
            "/oauth2/token",
            &[("authorization", &basic(PUBLIC_CLIENT_ID, "made-up"))],
            form(&[("grant_type", "refresh_token"), ("refresh_token", "x")]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_gives_new_tokens_and_no_refresh_token() {
    let h = harness();
    let tokens = alice_tokens(&h).await;
    let refresh_token = tokens["refresh_token"].as_str().expect("refresh");
    let first_id = claims(tokens["id_token"].as_str().expect("id"));
    h.advance(10);

    let response = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.header(header::CACHE_CONTROL), Some("no-store"));
    let refreshed = response.json();
    assert!(refreshed.get("refresh_token").is_none(), "{refreshed}");
    assert_eq!(refreshed["expires_in"], 3600);
    assert_eq!(refreshed["token_type"], "Bearer");
    let id_token = refreshed["id_token"].as_str().expect("id_token");
    assert_ne!(id_token, tokens["id_token"].as_str().expect("id"));
    assert_ne!(refreshed["access_token"], tokens["access_token"]);
    let id = verify_with_jwks(&h, id_token).await.expect("verifies").1;
    assert_eq!(id["sub"], first_id["sub"]);
    assert_eq!(id["auth_time"], first_id["auth_time"]);
    assert!(id["iat"].as_u64() > first_id["iat"].as_u64());
    assert!(id.get("nonce").is_none());
    // The refresh token stays valid (no rotation).
    let again = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .await;
    assert_eq!(again.status, StatusCode::OK);

    // Not for another client, not a made-up one, not after revocation.
    let other = h
        .post(
            "/oauth2/token",
            &[],
            form(&[
                ("grant_type", "refresh_token"),
                ("client_id", PUBLIC_CLIENT_ID),
                ("refresh_token", refresh_token),
            ]),
        )
        .await;
    assert_eq!(other.json()["error"], "invalid_grant");
    let made_up = h
        .token(&[("grant_type", "refresh_token"), ("refresh_token", "nope")])
        .await;
    assert_eq!(made_up.json()["error"], "invalid_grant");
    let revoke = h
        .post(
            "/oauth2/revoke",
            &[("authorization", &basic(CLIENT_ID, CLIENT_SECRET))],
            form(&[("token", refresh_token)]),
        )
        .await;
    assert_eq!(revoke.status, StatusCode::OK);
    let revoked = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .await;
    assert_eq!(revoked.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn userinfo_answers_for_valid_access_tokens_only() {
    let h = harness();
    let tokens = alice_tokens(&h).await;
    let access_token = tokens["access_token"].as_str().expect("access");
    let bearer = format!("Bearer {access_token}");

    let response = h
        .get("/oauth2/userInfo", &[("authorization", &bearer)])
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let info = response.json();
    assert_eq!(info["sub"], h.issuer.user_sub("alice").expect("alice"));
    assert_eq!(info["username"], "alice");
    assert_eq!(info["email"], "alice@example.com");
    assert_eq!(info["email_verified"], "true", "Cognito sends a string");
    assert_eq!(info["name"], "Alice Example");
    // scope was "openid email profile": no phone.
    assert!(info.get("phone_number").is_none());

    // POST works too.
    let post = h
        .send(
            http::Request::post("/oauth2/userInfo")
                .header("authorization", &bearer)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(post.status, StatusCode::OK);

    let id_token = tokens["id_token"].as_str().expect("id");
    let mut tampered: Vec<String> = access_token.split('.').map(str::to_owned).collect();
    let mut payload = claims(access_token);
    payload["username"] = json!("bob");
    tampered[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    for (what, header_value) in [
        ("id token", format!("Bearer {id_token}")),
        ("tampered", format!("Bearer {}", tampered.join("."))),
        ("garbage", "Bearer abc.def.ghi".to_owned()),
        ("basic", basic(CLIENT_ID, CLIENT_SECRET)),
    ] {
        let response = h
            .get("/oauth2/userInfo", &[("authorization", &header_value)])
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(response.json()["error"], "invalid_token", "{what}");
        assert!(
            response.header(header::WWW_AUTHENTICATE).is_some(),
            "{what}"
        );
    }
    let none = h.get("/oauth2/userInfo", &[]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);

    // Expired.
    h.advance(3601);
    let expired = h
        .get("/oauth2/userInfo", &[("authorization", &bearer)])
        .await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn authorize_errors_about_client_or_redirect_are_never_redirected() {
    let h = harness();
    let base = code_request("s", NONCE);
    let with = |k: &'static str, v: &'static str| -> Vec<(&'static str, &'static str)> {
        let mut p: Vec<(&str, &str)> = code_request("s", NONCE)
            .into_iter()
            .filter(|(name, _)| *name != k)
            .collect();
        if !v.is_empty() {
            p.push((k, v));
        }
        p
    };
    for (what, params) in [
        ("unknown client", with("client_id", "nobody")),
        ("no client", with("client_id", "")),
        (
            "unregistered redirect",
            with("redirect_uri", "http://evil.example/cb"),
        ),
        (
            "redirect prefix",
            with(
                "redirect_uri",
                "http://127.0.0.1:3000/api/auth/callback/cognito/x",
            ),
        ),
        ("no redirect", with("redirect_uri", "")),
        (
            "other client's redirect",
            with("redirect_uri", "http://localhost:5173/callback?from=dev"),
        ),
    ] {
        let response = h.authorize(&params, None).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{what}");
        assert!(response.header(header::LOCATION).is_none(), "{what}");
        assert!(response.body.contains("errorMessage"), "{what}");
    }
    // A repeated client_id too.
    let mut repeated = base.clone();
    repeated.push(("client_id", CLIENT_ID));
    let response = h.authorize(&repeated, None).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.header(header::LOCATION).is_none());

    // Errors after the redirect URI is verified go back to it, with state.
    for (what, params, error) in [
        (
            "token flow",
            with("response_type", "token"),
            "unsupported_response_type",
        ),
        (
            "no response_type",
            with("response_type", ""),
            "invalid_request",
        ),
        (
            "plain PKCE",
            with("code_challenge_method", "plain"),
            "invalid_request",
        ),
        (
            "no PKCE method",
            with("code_challenge_method", ""),
            "invalid_request",
        ),
        (
            "bad challenge",
            with("code_challenge", "short"),
            "invalid_request",
        ),
        (
            "unknown scope",
            with("scope", "openid admin"),
            "invalid_scope",
        ),
    ] {
        let response = h.authorize(&params, None).await;
        assert_eq!(response.query("error").as_deref(), Some(error), "{what}");
        assert_eq!(response.query("state").as_deref(), Some("s"), "{what}");
        assert!(response.query("code").is_none(), "{what}");
        assert!(
            response
                .location()
                .as_str()
                .starts_with("http://127.0.0.1:3000/api/auth/callback/cognito?"),
            "{what}"
        );
    }
}

#[tokio::test]
async fn the_form_rejects_wrong_credentials_and_forged_posts() {
    let h = harness();
    let request = code_request("s", NONCE);

    for (username, password) in [("alice", "bob-password"), ("nobody", "x"), ("alice", "")] {
        let response = h.submit_login(&request, username, password).await;
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.header(header::LOCATION).is_none());
        assert!(response.body.contains("Incorrect username or password."));
        assert!(response.cookie("dev-issuer.local_DevPool").is_none());
        // The form comes back with the request.
        assert!(
            response
                .hidden_fields()
                .iter()
                .any(|(k, v)| k == "state" && v == "s")
        );
    }

    // The form page itself: not cacheable, not frameable, CSRF token in a Strict cookie.
    let page = h.authorize(&request, None).await;
    assert_eq!(page.header(header::CACHE_CONTROL), Some("no-store"));
    assert_eq!(page.header(header::X_FRAME_OPTIONS), Some("DENY"));
    // `no-referrer` would make browsers post the form with `Origin: null` (refused below).
    assert_eq!(page.header(header::REFERRER_POLICY), Some("same-origin"));
    let csrf_cookie = page
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("dev-issuer.local_DevPool.csrf="))
        .expect("csrf cookie")
        .to_owned();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"));
    let csrf_pair = page
        .cookie("dev-issuer.local_DevPool.csrf")
        .expect("csrf cookie");
    let mut fields = page.hidden_fields();
    fields.push(("username".into(), "alice".into()));
    fields.push(("password".into(), "alice-password".into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    // Without the CSRF cookie, or with another value: refused, no code.
    for cookie in [
        "",
        "dev-issuer.local_DevPool.csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let response = h
            .post(
                "/oauth2/authorize",
                &[("cookie", cookie), ("origin", BASE)],
                form(&pairs),
            )
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{cookie:?}");
        assert!(response.header(header::LOCATION).is_none());
    }
    // From another origin: refused.
    let response = h
        .post(
            "/oauth2/authorize",
            &[("cookie", &csrf_pair), ("origin", "http://127.0.0.1:3000")],
            form(&pairs),
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(response.header(header::LOCATION).is_none());
    // The real thing works.
    let response = h
        .post(
            "/oauth2/authorize",
            &[("cookie", &csrf_pair), ("origin", BASE)],
            form(&pairs),
        )
        .await;
    assert!(response.query("code").is_some());

    // Tampering with the hidden redirect_uri is caught like on GET.
    let tampered: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| {
            if *k == "redirect_uri" {
                (*k, "http://evil.example/cb")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let response = h
        .post(
            "/oauth2/authorize",
            &[("cookie", &csrf_pair), ("origin", BASE)],
            form(&tampered),
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.header(header::LOCATION).is_none());
}

#[tokio::test]
async fn describe_names_the_issuer_client_and_users() {
    let h = harness();
    let lines = h.issuer.describe(BASE).expect("describe").join("\n");
    assert!(lines.contains(ISSUER), "{lines}");
    assert!(lines.contains(CLIENT_ID), "{lines}");
    assert!(lines.contains("alice / alice-password"), "{lines}");
    assert!(lines.contains("bob / bob-password"), "{lines}");
    assert!(lines.contains("biggroups / biggroups-password"), "{lines}");
    assert!(lines.contains("200 groups"), "{lines}");
    assert!(lines.contains("LOCAL DEVELOPMENT ONLY"), "{lines}");
    assert!(
        !lines.contains(CLIENT_SECRET),
        "the client secret is not printed"
    );
}
