//! `GET /csrf`: the CSRF token for forms and `next-auth/react`.

use serde_json::json;

use crate::context::Ctx;
use crate::response::Reply;

pub(crate) fn token(ctx: &Ctx<'_>) -> Reply {
    Reply::json(json!({ "csrfToken": ctx.csrf.token.expose_secret() })).private()
}
