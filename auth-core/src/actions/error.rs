//! `GET /error` and `GET /verify-request`.

use http::StatusCode;

use crate::context::Ctx;
use crate::pages;
use crate::response::Reply;

/// Errors next-auth 4 shows on the sign-in page rather than on the error page.
const SHOWN_ON_SIGN_IN: [&str; 10] = [
    "Signin",
    "OAuthSignin",
    "OAuthCallback",
    "OAuthCreateAccount",
    "EmailCreateAccount",
    "Callback",
    "OAuthAccountNotLinked",
    "EmailSignin",
    "CredentialsSignin",
    "SessionRequired",
];

pub(crate) fn page(ctx: &Ctx<'_>) -> Reply {
    let code = ctx.req.query("error").unwrap_or("default");
    let encoded = session_cookie::encode_uri_component(code);
    if ctx.format() == session_cookie::WireFormat::NextAuthV4 && SHOWN_ON_SIGN_IN.contains(&code) {
        return Reply::redirect(format!("{}/signin?error={encoded}", ctx.base_url));
    }
    if let Some(custom) = &ctx.config.pages.error {
        let sep = if custom.contains('?') { '&' } else { '?' };
        return Reply::redirect(format!("{custom}{sep}error={encoded}"));
    }
    let (status, html) = pages::error(&ctx.base_url, &ctx.origin, code);
    Reply::html(status, html)
}

pub(crate) fn verify_request(ctx: &Ctx<'_>) -> Reply {
    Reply::html(StatusCode::OK, pages::verify_request(&ctx.origin))
}
