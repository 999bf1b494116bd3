//! `GET /session` (read, rolling re-issue) and `POST /session` (`useSession().update(data)`).

use http::StatusCode;
use serde_json::{Map, Value, json};
use session_cookie::{SessionClaims, WireFormat};
use time::{Duration, OffsetDateTime};

use crate::callbacks::{JwtParams, JwtTrigger};
use crate::context::Ctx;
use crate::response::Reply;

pub(crate) async fn read(ctx: &Ctx<'_>) -> Reply {
    respond(ctx, JwtTrigger::Read, None).await
}

pub(crate) async fn update(ctx: &Ctx<'_>) -> Reply {
    if !ctx.csrf.verified {
        // next-auth 4's App Router handler sends the text "[object Object]" here (a bug); its
        // Pages Router handler sends `{}`, which is what we send.
        return Reply::json(no_session(ctx.format()))
            .with_status(StatusCode::BAD_REQUEST)
            .private();
    }
    respond(ctx, JwtTrigger::Update, ctx.req.body_json("data")).await
}

/// What "no session" looks like: `{}` for next-auth 4, `null` for Auth.js.
fn no_session(format: WireFormat) -> Value {
    match format {
        WireFormat::NextAuthV4 => json!({}),
        WireFormat::AuthJsV5 => Value::Null,
    }
}

async fn respond(ctx: &Ctx<'_>, trigger: JwtTrigger, data: Option<&Value>) -> Reply {
    let empty = || Reply::json(no_session(ctx.format())).private();
    let cookies = &ctx.req.cookies;
    let clear = || ctx.sessions.clear(cookies, ctx.secure);
    let claims = match ctx.sessions.read(cookies, ctx.secure, ctx.now) {
        Ok(Some(claims)) => claims,
        Ok(None) => return empty(),
        Err(e) => {
            tracing::debug!(reason = e.reason(), "session cookie rejected; clearing it");
            return empty().with_cookies(clear());
        }
    };
    let params = JwtParams {
        token: claims,
        trigger,
        user: None,
        account: None,
        profile: None,
        session: data,
    };
    let mut token = match ctx.config.callbacks.jwt(params).await {
        Ok(Some(token)) => token,
        Ok(None) => return empty().with_cookies(clear()),
        Err(e) => {
            tracing::error!(error = %e, "jwt callback failed; ending the session");
            return empty().with_cookies(clear());
        }
    };

    // Bounded when the configuration was built; saturating all the same, as `now` comes
    // from a pluggable clock.
    let expires = ctx
        .now
        .saturating_add(Duration::seconds(ctx.config.session_max_age));
    let session = session_body(&token, expires);
    let body = match ctx.config.callbacks.session(session, &token).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "session callback failed; ending the session");
            return empty().with_cookies(clear());
        }
    };

    // Rolling expiry, as next-auth: every read re-issues the token with a fresh `exp`.
    let cookies = match ctx.sessions.encode(
        &mut token,
        ctx.secure,
        ctx.now,
        ctx.config.rng.as_ref(),
    ) {
        Ok(jwt) => ctx.sessions.write(cookies, ctx.secure, &jwt, expires),
        Err(e) => {
            // Keep the cookie the browser has (still valid until its `exp`) rather than fail.
            tracing::warn!(error = %e, "cannot re-issue the session token; keeping the current one");
            Vec::new()
        }
    };
    Reply::json(body).private().with_cookies(cookies)
}

/// `{"user": {"name", "email", "image"}, "expires"}` from the token, dropping absent members as
/// `JSON.stringify` drops `undefined` (and keeping `null`).
pub(crate) fn session_body(token: &SessionClaims, expires: OffsetDateTime) -> Value {
    let mut user = Map::new();
    for (from, to) in [("name", "name"), ("email", "email"), ("picture", "image")] {
        if let Some(value) = token.get(from) {
            user.insert(to.to_owned(), value.clone());
        }
    }
    json!({ "user": user, "expires": iso_millis(expires) })
}

/// `Date.prototype.toISOString()`: `2026-01-31T00:01:05.000Z`.
pub(crate) fn iso_millis(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}
