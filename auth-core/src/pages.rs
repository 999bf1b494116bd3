//! The built-in HTML pages: sign in, sign out, error, verify request.
//!
//! Plain server-rendered forms that work without JavaScript; `next-auth/react` never needs them,
//! but links to `/api/auth/signin` and `/api/auth/signout` do. Every interpolated value is
//! HTML-escaped.

use std::fmt::Write as _;

use http::StatusCode;

/// Escape text for HTML element content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,sans-serif;background:#f3f4f6;color:#111;\
display:flex;justify-content:center;align-items:center;min-height:100vh;margin:0}\
.card{background:#fff;border-radius:12px;padding:2rem 2.5rem;box-shadow:0 2px 12px rgba(0,0,0,.08);\
min-width:18rem;text-align:center}h1{font-size:1.25rem;margin:0 0 1.25rem}\
button{width:100%;padding:.7rem 1rem;margin:.35rem 0;border:0;border-radius:8px;background:#111;\
color:#fff;font-size:1rem;cursor:pointer}.error{background:#fee2e2;color:#991b1b;border-radius:8px;\
padding:.6rem .8rem;margin-bottom:1rem}a{color:#2563eb}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body><div class=\"card\">{body}</div></body></html>",
        escape(title)
    )
}

/// The message shown for next-auth's `error=` codes on the sign-in page.
fn sign_in_error_message(code: &str) -> &'static str {
    match code {
        "OAuthSignin" | "OAuthCallback" | "OAuthCallbackError" | "OAuthCreateAccount"
        | "Callback" => "Try signing in with a different account.",
        "OAuthAccountNotLinked" => {
            "To confirm your identity, sign in with the same account you used originally."
        }
        "SessionRequired" => "Please sign in to access this page.",
        "MissingCSRF" => "The sign-in form expired. Please try again.",
        _ => "Unable to sign in.",
    }
}

/// `GET /signin`: one form per provider.
pub(crate) fn sign_in(
    base_url: &str,
    providers: &[(&str, &str)],
    csrf_token: &str,
    callback_url: &str,
    error: Option<&str>,
) -> String {
    let mut body = String::from("<h1>Sign in</h1>");
    if let Some(code) = error {
        let _ = write!(
            body,
            "<p class=\"error\">{}</p>",
            escape(sign_in_error_message(code))
        );
    }
    for (id, name) in providers {
        let _ = write!(
            body,
            "<form action=\"{action}\" method=\"POST\">\
<input type=\"hidden\" name=\"csrfToken\" value=\"{csrf}\">\
<input type=\"hidden\" name=\"callbackUrl\" value=\"{callback}\">\
<button type=\"submit\">Sign in with {name}</button></form>",
            action = escape(&format!("{base_url}/signin/{id}")),
            csrf = escape(csrf_token),
            callback = escape(callback_url),
            name = escape(name),
        );
    }
    page("Sign In", &body)
}

/// `GET /signout`: a confirmation form.
pub(crate) fn sign_out(base_url: &str, csrf_token: &str) -> String {
    let body = format!(
        "<h1>Sign out</h1><p>Are you sure you want to sign out?</p>\
<form action=\"{action}\" method=\"POST\">\
<input type=\"hidden\" name=\"csrfToken\" value=\"{csrf}\">\
<button type=\"submit\">Sign out</button></form>",
        action = escape(&format!("{base_url}/signout")),
        csrf = escape(csrf_token),
    );
    page("Sign Out", &body)
}

/// `GET /error?error=<code>`: status and message by next-auth's rules.
pub(crate) fn error(base_url: &str, origin: &str, code: &str) -> (StatusCode, String) {
    let (status, heading, message) = match code.to_ascii_lowercase().as_str() {
        "configuration" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Server error",
            "There is a problem with the server configuration. Check the server logs for more information.",
        ),
        "accessdenied" => (
            StatusCode::FORBIDDEN,
            "Access Denied",
            "You do not have permission to sign in.",
        ),
        "verification" => (
            StatusCode::FORBIDDEN,
            "Unable to sign in",
            "The sign in link is no longer valid. It may have been used already or it may have expired.",
        ),
        _ => (
            StatusCode::OK,
            "Error",
            "Something went wrong while signing in.",
        ),
    };
    let body = format!(
        "<h1>{}</h1><p>{}</p><p><a href=\"{}\">Sign in</a> · <a href=\"{}\">Home</a></p>",
        escape(heading),
        escape(message),
        escape(&format!("{base_url}/signin")),
        escape(origin),
    );
    (status, page("Error", &body))
}

/// `GET /verify-request`: e-mail sign-in is not offered, but the page exists.
pub(crate) fn verify_request(origin: &str) -> String {
    let body = format!(
        "<h1>Check your email</h1><p>A sign in link has been sent to your email address.</p>\
<p><a href=\"{}\">Home</a></p>",
        escape(origin)
    );
    page("Verify Request", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolations_are_escaped() {
        let html = sign_in(
            "http://x/api/auth",
            &[("p", "<script>")],
            "t\"><b>",
            "/\"onload=",
            Some("x"),
        );
        assert!(!html.contains("<script>"));
        assert!(!html.contains("\"><b>"));
        assert!(html.contains("&lt;script&gt;"));
    }
}
