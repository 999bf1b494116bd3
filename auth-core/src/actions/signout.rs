//! `GET /signout` (the confirmation page) and `POST /signout` (end the session).

use session_cookie::SessionCookie;

use crate::error::Failure;
use crate::handler::Ctx;
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
    let store = SessionCookie::from_request(&ctx.req.cookies, &ctx.suite.names);
    // A session that cannot be read is still cleared; the event just gets no token.
    let token = store
        .token()
        .ok()
        .flatten()
        .and_then(|t| ctx.suite.session.decode(t, ctx.now).ok());
    ctx.config.events.sign_out(token.as_ref()).await;

    // A provider may end its own session too (Cognito's hosted-UI logout), then come back.
    let mut destination = ctx.callback_url.clone();
    for provider in &ctx.config.providers {
        if let Some(url) = provider.sign_out_url(&ctx.callback_url).await {
            destination = url;
            break;
        }
    }
    Reply::redirect(destination).with_cookies(store.clear())
}
