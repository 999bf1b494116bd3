//! `GET /signin` (the page) and `POST /signin/<provider>` (start an OAuth sign-in).

use session_cookie::{CheckKind, OAuthChecks, WireFormat, encode_uri_component};

use crate::context::Ctx;
use crate::error::Failure;
use crate::pages;
use crate::provider::AuthorizationRequest;
use crate::response::Reply;

pub(crate) fn page(ctx: &Ctx<'_>) -> Reply {
    let error = ctx.req.query("error");
    if let Some(custom) = &ctx.config.pages.sign_in {
        let sep = if custom.contains('?') { '&' } else { '?' };
        let mut url = format!(
            "{custom}{sep}callbackUrl={}",
            encode_uri_component(&ctx.callback_url)
        );
        if let Some(error) = error {
            url.push_str("&error=");
            url.push_str(&encode_uri_component(error));
        }
        return Reply::redirect(url);
    }
    let providers: Vec<(&str, &str)> = ctx
        .config
        .providers
        .iter()
        .map(|p| (p.id(), p.name()))
        .collect();
    let html = pages::sign_in(
        &ctx.base_url,
        &providers,
        ctx.csrf.token.expose_secret(),
        &ctx.callback_url,
        error,
    );
    Reply::html(http::StatusCode::OK, html)
}

/// Verify CSRF, create the provider's check cookies and send the browser to the IdP.
pub(crate) async fn start(ctx: &Ctx<'_>) -> Reply {
    // As next-auth: an unknown provider is answered like a failed CSRF check.
    let (true, Some(provider)) = (ctx.csrf.verified, ctx.provider()) else {
        return ctx.fail(Failure::SignInCsrf);
    };
    let rng = ctx.config.rng.as_ref();
    let checks = &ctx.suite.checks;
    let id = provider.id();
    let mut cookies = Vec::new();
    let (mut state, mut challenge, mut nonce) = (None, None, None);

    // Creation order as next-auth: state, PKCE, nonce.
    let enabled = provider.checks(ctx.format());
    let created: Result<(), session_cookie::SessionCookieError> = (|| {
        for kind in [
            CheckKind::State,
            CheckKind::PkceCodeVerifier,
            CheckKind::Nonce,
        ] {
            if !enabled.contains(&kind) {
                continue;
            }
            let value = match (kind, ctx.format()) {
                // Auth.js's state parameter is itself a JWE; next-auth 4's is random.
                (CheckKind::State, WireFormat::AuthJsV5) => {
                    checks.encode_state_param(None, ctx.now, rng)?
                }
                _ => OAuthChecks::random_value(rng)?,
            };
            cookies.push(checks.seal(kind, &value, id, ctx.now, rng)?);
            match kind {
                CheckKind::State => state = Some(value),
                CheckKind::PkceCodeVerifier => {
                    challenge = Some(OAuthChecks::pkce_challenge(&value))
                }
                CheckKind::Nonce => nonce = Some(value),
            }
        }
        Ok(())
    })();
    if let Err(e) = created {
        tracing::error!(error = %e, provider = id, "cannot create the OAuth check cookies");
        return ctx.fail(Failure::OAuthSignIn);
    }

    let redirect_uri = format!("{}/callback/{id}", ctx.base_url);
    let request = AuthorizationRequest {
        redirect_uri: &redirect_uri,
        state: state.as_deref(),
        code_challenge: challenge.as_deref(),
        nonce: nonce.as_deref(),
        extra_params: &ctx.req.query,
        format: ctx.format(),
    };
    match provider.authorization_url(request).await {
        Ok(url) => Reply::redirect(url).with_cookies(cookies),
        Err(e) => {
            tracing::error!(error = %e, provider = id, "cannot build the authorization URL");
            ctx.fail(Failure::OAuthSignIn)
        }
    }
}
