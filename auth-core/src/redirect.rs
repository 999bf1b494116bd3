//! Where a `callbackUrl` may send the browser.
//!
//! next-auth's default `redirect` callback accepts a URL that *starts with* `/` or whose origin
//! equals the app's. This one decides by parsing with a WHATWG URL parser (the browser's rules),
//! never by string prefix: `//evil.example`, `/\evil.example` and `\\evil.example` resolve to
//! another host and are refused; `javascript:` and other schemes have no matching origin; control
//! characters and whitespace (which browsers strip or reinterpret) are refused outright. Accepted
//! URLs keep next-auth's exact spelling (`/dashboard` becomes `<origin>/dashboard`, absolute URLs
//! stay as given), so both tiers store the same callback-url cookie.

use url::Url;

/// next-auth's default `redirect` callback, made strict: `url` if it stays on `base_url`'s origin
/// (a relative path is joined to it), else `base_url`.
///
/// ```
/// use auth_core::redirect::default_redirect;
///
/// let base = "http://localhost:3000";
/// assert_eq!(default_redirect("/dashboard", base), "http://localhost:3000/dashboard");
/// assert_eq!(default_redirect("http://localhost:3000/x?y=1", base), "http://localhost:3000/x?y=1");
/// assert_eq!(default_redirect("//evil.example", base), base);
/// assert_eq!(default_redirect("javascript:alert(1)", base), base);
/// assert_eq!(default_redirect("https://evil.example/", base), base);
/// ```
pub fn default_redirect(url: &str, base_url: &str) -> String {
    same_origin(url, base_url).unwrap_or_else(|| base_url.to_owned())
}

/// `Some(absolute URL)` when `candidate` stays on `base_url`'s origin, spelled as next-auth would.
pub fn same_origin(candidate: &str, base_url: &str) -> Option<String> {
    let base = Url::parse(base_url).ok()?;
    if candidate.is_empty()
        || candidate.len() > 2048
        || candidate
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
    {
        return None;
    }
    let spelled = if candidate.starts_with('/') {
        // A path: next-auth prefixes the origin. Resolve it the way a browser would to see where
        // it really points (`//host`, `/\host` leave the origin).
        let resolved = base.join(candidate).ok()?;
        if resolved.origin() != base.origin() {
            return None;
        }
        format!("{}{candidate}", base.origin().ascii_serialization())
    } else {
        let parsed = Url::parse(candidate).ok()?;
        if parsed.origin() != base.origin() || !matches!(parsed.scheme(), "http" | "https") {
            return None;
        }
        if candidate.is_ascii() {
            candidate.to_owned()
        } else {
            parsed.into()
        }
    };
    // The result goes into a Location header and a cookie: it must be plain visible ASCII.
    spelled
        .bytes()
        .all(|b| b.is_ascii_graphic())
        .then_some(spelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://localhost:3000";

    #[test]
    fn hostile_urls_fall_back_to_the_base() {
        for hostile in [
            "//evil.example",
            "//evil.example/path",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "https://evil.example",
            "http://localhost:3001/",
            "https://localhost:3000/",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "foo",
            "http://localhost:3000@evil.example/",
            "",
            " /dashboard",
            "/dash\nboard",
        ] {
            assert_eq!(default_redirect(hostile, BASE), BASE, "{hostile:?}");
        }
    }

    #[test]
    fn same_origin_urls_keep_next_auths_spelling() {
        assert_eq!(default_redirect("/", BASE), "http://localhost:3000/");
        assert_eq!(
            default_redirect("/a/b?c=d#e", BASE),
            "http://localhost:3000/a/b?c=d#e"
        );
        assert_eq!(
            default_redirect("http://localhost:3000", BASE),
            "http://localhost:3000"
        );
        assert_eq!(
            default_redirect("http://localhost:3000/dashboard", BASE),
            "http://localhost:3000/dashboard"
        );
        assert_eq!(
            default_redirect("/caf%C3%A9", BASE),
            "http://localhost:3000/caf%C3%A9"
        );
        assert_eq!(
            default_redirect("http://localhost:3000/café", BASE),
            "http://localhost:3000/caf%C3%A9"
        );
    }
}
