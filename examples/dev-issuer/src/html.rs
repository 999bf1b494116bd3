//! The two pages the hosted UI shows: the sign-in form and an error page.

use std::fmt::Write as _;

/// Escape text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f4f6;margin:0}\
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:8px;\
box-shadow:0 1px 4px #0002}h1{font-size:1.25rem;margin-top:0}label{display:block;margin-top:1rem}\
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem}\
button{margin-top:1.5rem;width:100%;padding:.6rem;background:#6a5acd;color:#fff;border:0;\
border-radius:4px;font-size:1rem}.error{color:#b00020}.dev{font-size:.8rem;color:#666;margin-top:1.5rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

/// The sign-in form. `hidden` are the authorization request's parameters, posted back as-is.
pub(crate) fn login_page(
    pool_id: &str,
    action: &str,
    hidden: &[(&str, &str)],
    csrf: &str,
    username: &str,
    error: Option<&str>,
    demo_usernames: &[&str],
) -> String {
    let mut body = String::new();
    let _ = write!(body, "<h1>Sign in to {}</h1>", escape(pool_id));
    if let Some(error) = error {
        let _ = write!(
            body,
            "<p class=\"error\" id=\"loginErrorMessage\" role=\"alert\">{}</p>",
            escape(error)
        );
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{}\" name=\"cognitoSignInForm\">",
        escape(action)
    );
    for (name, value) in hidden {
        let _ = write!(
            body,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        );
    }
    let _ = write!(
        body,
        "<input type=\"hidden\" name=\"_csrf\" value=\"{}\">\
         <label for=\"signInFormUsername\">Username</label>\
         <input id=\"signInFormUsername\" name=\"username\" type=\"text\" autocomplete=\"username\" \
         autocapitalize=\"none\" required autofocus value=\"{}\">\
         <label for=\"signInFormPassword\">Password</label>\
         <input id=\"signInFormPassword\" name=\"password\" type=\"password\" \
         autocomplete=\"current-password\" required>\
         <button type=\"submit\" name=\"signInSubmitButton\">Sign in</button></form>",
        escape(csrf),
        escape(username)
    );
    let users = demo_usernames
        .iter()
        .map(|u| escape(u))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = write!(
        body,
        "<p class=\"dev\">Development issuer (a stand-in for Amazon Cognito; local development \
         only). Users: {users}. The demo users' passwords are printed where this issuer was \
         started; users set with DEV_ISSUER_USERS have the passwords given there.</p>"
    );
    page("Sign in", &body)
}

/// An error the user must see here (never redirected to an unverified `redirect_uri`).
pub(crate) fn error_page(message: &str) -> String {
    page(
        "Error",
        &format!(
            "<h1>An error was encountered with the requested page.</h1>\
             <p class=\"error\" id=\"errorMessage\">{}</p>\
             <p class=\"dev\">Development issuer: local development only.</p>",
            escape(message)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_matters() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn login_page_escapes_hidden_values() {
        let page = login_page(
            "local_P",
            "/oauth2/authorize",
            &[("state", "\"><script>alert(1)</script>")],
            "tok",
            "<u>",
            Some("<b>"),
            &["alice"],
        );
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<u>"));
        assert!(!page.contains("<b>"));
        assert!(page.contains("&quot;&gt;&lt;script&gt;"));
    }
}
