//! Where a `callbackUrl` may send the browser.
//!
//! next-auth's default `redirect` callback accepts a URL that *starts with* `/` or whose origin
//! equals the app's. This one decides by parsing with a WHATWG URL parser (the browser's rules),
//! never by string prefix: `//evil.example`, `/\evil.example` and `\\evil.example` resolve to
//! another host and are refused; `javascript:` and other schemes have no matching origin; control
//! characters, whitespace and backslashes (which browsers strip or reinterpret) are refused
//! outright. An accepted URL comes back as the parser serialises it (`/dashboard` becomes
//! `<origin>/dashboard`, as in next-auth; `http://HOST:3000/a/../b` becomes `http://host:3000/b`), so the
//! `Location` header carries exactly the URL that was checked.

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

/// `Some(absolute URL)` when `candidate` stays on `base_url`'s origin: the WHATWG serialisation
/// of the parsed URL, never the candidate's own spelling.
///
/// Echoing the input would hand on whatever a lenient parser tolerated
/// (`http://host:port\@evil.example/` is same-origin for a browser, which reads the backslash
/// as a slash, but not for every HTTP client); the serialisation is what the check judged.
/// Backslashes are refused outright: no URL this app issues contains one.
pub fn same_origin(candidate: &str, base_url: &str) -> Option<String> {
    let base = Url::parse(base_url).ok()?;
    if candidate.is_empty()
        || candidate.len() > 2048
        || candidate.contains('\\')
        || candidate
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
    {
        return None;
    }
    let resolved = if candidate.starts_with('/') {
        // A path: next-auth prefixes the origin. Resolve it the way a browser would to see where
        // it really points (`//host` leaves the origin).
        base.join(candidate).ok()?
    } else {
        Url::parse(candidate).ok()?
    };
    if resolved.origin() != base.origin() || !matches!(resolved.scheme(), "http" | "https") {
        return None;
    }
    // Credentials have no business in a redirect target (`http://user@host/` is same-origin).
    if !resolved.username().is_empty() || resolved.password().is_some() {
        return None;
    }
    let mut spelled = String::from(resolved);
    // next-auth's default callback URL is the bare origin (`http://host:3000`, no slash). Its
    // serialisation adds the root slash; keeping the bare spelling (the serialisation minus that
    // slash, nothing else) lets both tiers write the same callback-url cookie.
    if spelled.strip_suffix('/') == Some(candidate) {
        spelled.pop();
    }
    // The result goes into a Location header and a cookie: it must be plain visible ASCII,
    // which a serialised URL always is; checked anyway, as the header depends on it.
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
            "http://localhost:3000\\@evil.example/",
            "http://localhost:3000/a\\b",
            "/a\\b",
            "http://user:pw@localhost:3000/",
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
            default_redirect("http://LOCALHOST:3000", BASE),
            "http://localhost:3000/"
        );
        assert_eq!(
            default_redirect("http://LOCALHOST:3000/a/../b", BASE),
            "http://localhost:3000/b"
        );
        assert_eq!(
            default_redirect("/café", BASE),
            "http://localhost:3000/caf%C3%A9"
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
