//! `GET /signout` (the confirmation page) and `POST /signout` (end the session).

use crate::context::Ctx;
use crate::error::Failure;
use crate::pages;
use crate::response::Reply;

pub(crate) fn page(ctx: &Ctx<'_>) -> Reply {
    if let Some(custom) = &ctx.config.pages.sign_out {
        return Reply::redirect(custom.clone());
    }
    Reply::html(
        http::StatusCode::OK,
        pages::sign_out(&ctx.base_url, ctx.csrf.token.expose_secret()),
    )
}

pub(crate) async fn complete(ctx: &Ctx<'_>) -> Reply {
    if !ctx.csrf.verified {
        return ctx.fail(Failure::SignOutCsrf);
    }
    // A session that cannot be read is still cleared; the event just gets no token.
    let token = ctx
        .sessions
        .read(&ctx.req.cookies, ctx.secure, ctx.now)
        .ok()
        .flatten();
    ctx.config.events.sign_out(token.as_ref()).await;

    // A provider may end its own session too (Cognito's hosted-UI logout). The IdP accepts only
    // return URLs registered with it *exactly*, so it comes back to one fixed URL per provider,
    // `<base>/signout/<id>`; the callback URL waits in the callback-url cookie (set by this very
    // response) and `returned` below sends the browser on to it.
    let mut destination = ctx.callback_url.clone();
    for provider in &ctx.config.providers {
        let return_to = sign_out_return_url(&ctx.base_url, provider.id());
        if let Some(url) = provider.sign_out_url(&return_to).await {
            destination = url;
            break;
        }
    }
    Reply::redirect(destination).with_cookies(ctx.sessions.clear(&ctx.req.cookies, ctx.secure))
}

/// The fixed URL a provider's own logout comes back to: `<base URL>/signout/<provider id>`.
/// This is the one sign-out URL to register with the IdP (Cognito: the app client's "Allowed
/// sign-out URLs").
pub(crate) fn sign_out_return_url(base_url: &str, provider_id: &str) -> String {
    format!("{base_url}/signout/{provider_id}")
}

/// `GET <base>/signout/<provider id>`: back from the provider's logout. The app's session is
/// already gone; go on to the callback URL kept in the callback-url cookie (validated again by
/// the `redirect` callback, like every callback URL, so a forged cookie cannot leave the
/// origin). Changes nothing, so needs no CSRF token.
pub(crate) fn returned(ctx: &Ctx<'_>) -> Reply {
    let known = ctx
        .config
        .providers
        .iter()
        .any(|p| Some(p.id()) == ctx.provider_id);
    if !known {
        return Reply::unsupported(ctx.format(), &ctx.req.method, http::StatusCode::NOT_FOUND);
    }
    Reply::redirect(ctx.callback_url.clone())
}
