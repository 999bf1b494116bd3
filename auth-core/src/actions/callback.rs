//! `GET|POST /callback/<provider>`: the browser is back from the IdP.
//!
//! Every enabled check must hold (state equal to its cookie, PKCE verifier and nonce present and
//! made for this provider) before the provider exchanges the code; any failure ends on
//! next-auth's error redirect, never in a session.

use http::StatusCode;
use session_cookie::{CheckKind, SessionClaims, WireFormat};
use subtle::ConstantTimeEq;
use time::Duration;

use crate::callbacks::{JwtParams, JwtTrigger, SignInDecision};
use crate::context::Ctx;
use crate::error::Failure;
use crate::provider::{CallbackRequest, SignedIn};
use crate::response::Reply;

pub(crate) async fn complete(ctx: &Ctx<'_>) -> Reply {
    let Some(provider) = ctx.provider() else {
        return Reply::unsupported(ctx.format(), &ctx.req.method, StatusCode::BAD_REQUEST);
    };
    let id = provider.id();
    let params: &[(String, String)] = if ctx.req.method == http::Method::POST {
        ctx.req.form_pairs()
    } else {
        &ctx.req.query
    };
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if param("error").is_some() {
        tracing::info!(provider = id, error = ?param("error").map(|e| e.chars().take(64).collect::<String>()), "the identity provider returned an error");
        return ctx.fail(Failure::IdpError);
    }

    // Open every enabled check cookie.
    let checks = &ctx.suite.checks;
    let mut verifier = None;
    let mut nonce = None;
    let mut cleared = Vec::new();
    for &kind in provider.checks(ctx.format()) {
        let value = match checks.open(kind, &ctx.req.cookies, id, ctx.now) {
            Ok(value) => value,
            Err(e) => {
                tracing::info!(
                    provider = id,
                    check = kind.label(),
                    reason = e.reason(),
                    "OAuth check failed"
                );
                return ctx.fail(Failure::CheckFailed);
            }
        };
        match kind {
            CheckKind::State => {
                let matches = param("state")
                    .is_some_and(|s| bool::from(s.as_bytes().ct_eq(value.as_bytes())));
                if !matches {
                    tracing::info!(provider = id, "OAuth state does not match its cookie");
                    return ctx.fail(Failure::CheckFailed);
                }
            }
            CheckKind::PkceCodeVerifier => verifier = Some(value),
            CheckKind::Nonce => nonce = Some(value),
        }
        cleared.push(checks.clear(kind));
    }

    let redirect_uri = format!("{}/callback/{id}", ctx.base_url);
    let request = CallbackRequest {
        params,
        redirect_uri: &redirect_uri,
        code_verifier: verifier.as_deref(),
        nonce: nonce.as_deref(),
        format: ctx.format(),
    };
    let SignedIn {
        mut user,
        account,
        profile,
    } = match provider.callback(request).await {
        Ok(signed_in) => signed_in,
        Err(e) => {
            tracing::warn!(error = %e, provider = id, "OAuth callback failed");
            return ctx.fail(Failure::TokenExchange);
        }
    };
    // next-auth lower-cases the e-mail address before it reaches the token.
    user.email = user.email.map(|e| e.to_lowercase());

    match ctx
        .config
        .callbacks
        .sign_in(&user, &account, &profile)
        .await
    {
        Ok(SignInDecision::Allow) => {}
        Ok(SignInDecision::Deny) => return ctx.fail(Failure::AccessDenied),
        Ok(SignInDecision::Redirect(url)) => return Reply::redirect(url).with_cookies(cleared),
        Err(crate::AuthError::Callback(message)) => {
            return ctx.fail(Failure::CallbackMessage(message));
        }
        Err(e) => {
            tracing::error!(error = %e, "sign_in callback failed");
            return ctx.fail(Failure::AccessDenied);
        }
    }

    // The initial token, as next-auth: {name, email, picture, sub}, absent members dropped.
    let mut token = SessionClaims::new();
    for (name, value) in [
        ("name", &user.name),
        ("email", &user.email),
        ("picture", &user.image),
    ] {
        if let Some(value) = value {
            token.insert(name, value.clone());
        }
    }
    let subject = match ctx.format() {
        WireFormat::NextAuthV4 => user.id.clone(),
        // Auth.js without a database gives every sign-in a fresh random user id.
        WireFormat::AuthJsV5 => match random_uuid(ctx) {
            Some(id) => id,
            None => return ctx.fail(Failure::SessionCreation),
        },
    };
    token.insert("sub", subject);

    let params = JwtParams {
        token,
        trigger: JwtTrigger::SignIn,
        user: Some(&user),
        account: Some(&account),
        profile: Some(&profile),
        session: None,
    };
    let mut token = match ctx.config.callbacks.jwt(params).await {
        Ok(Some(token)) => token,
        Ok(None) => return ctx.fail(Failure::SessionCreation),
        Err(e) => {
            tracing::error!(error = %e, "jwt callback failed on sign-in");
            return ctx.fail(Failure::SessionCreation);
        }
    };
    let jwt = match ctx
        .sessions
        .encode(&mut token, ctx.secure, ctx.now, ctx.config.rng.as_ref())
    {
        Ok(jwt) => jwt,
        Err(e) => {
            tracing::error!(error = %e, "cannot encode the session token");
            return ctx.fail(Failure::SessionCreation);
        }
    };
    // Bounded when the configuration was built; saturating all the same, as `now` comes
    // from a pluggable clock.
    let expires = ctx
        .now
        .saturating_add(Duration::seconds(ctx.config.session_max_age));
    let session_cookies = ctx
        .sessions
        .write(&ctx.req.cookies, ctx.secure, &jwt, expires);

    ctx.config.events.sign_in(&user, &account, &profile).await;
    Reply::redirect(ctx.callback_url.clone())
        .with_cookies(cleared)
        .with_cookies(session_cookies)
}

fn random_uuid(ctx: &Ctx<'_>) -> Option<String> {
    let mut bytes = [0u8; 16];
    ctx.config.rng.fill(&mut bytes).ok()?;
    Some(
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string(),
    )
}
