//! Path patterns for the gate (`/account`, `/account/*`, `/admin/**`, `/**/*.pdf`) and the
//! canonical form of a request path they are matched against.

use std::borrow::Cow;
use std::fmt;

use crate::EdgeError;

/// A path pattern, matched segment by segment against a request path.
///
/// | Pattern | Matches | Does not match |
/// |---|---|---|
/// | `/account` | `/account`, `/account/` | `/account/keys`, `/accounts` |
/// | `/account/*` | `/account/keys` | `/account`, `/account/keys/new` |
/// | `/admin/**` | `/admin`, `/admin/`, `/admin/users/7` | `/administrator` |
/// | `/docs/*.pdf` | `/docs/guide.pdf` | `/docs/a/guide.pdf` |
/// | `/**/*.css` | `/a.css`, `/x/y/a.css` | `/a.css.map` |
///
/// `*` inside a segment matches any run of characters except `/`; a whole-segment `**` matches
/// zero or more segments. Matching is case-sensitive (S3 keys are) and ignores a trailing `/`.
///
/// ```
/// use edge_adapter::PathPattern;
///
/// let admin: PathPattern = "/admin/**".parse()?;
/// assert!(admin.matches_path("/admin"));
/// assert!(admin.matches_path("/admin/users/7"));
/// assert!(!admin.matches_path("/administrator"));
/// # Ok::<(), edge_adapter::EdgeError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PathPattern {
    source: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// A segment with no `*`: compared as is.
    Literal(String),
    /// A segment with `*` wildcards, split at them: `*.pdf` → `["", ".pdf"]`.
    Glob(Vec<String>),
    /// `**`: zero or more whole segments.
    AnyDepth,
}

impl PathPattern {
    /// Parse a pattern. It must start with `/` and have no empty segment in the middle; `**` must
    /// be a whole segment.
    pub fn new(pattern: &str) -> Result<Self, EdgeError> {
        let fail = |reason| EdgeError::Pattern {
            pattern: pattern.to_owned(),
            reason,
        };
        let rest = pattern.strip_prefix('/').ok_or(fail("must start with /"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut segments = Vec::new();
        if !rest.is_empty() {
            for segment in rest.split('/') {
                segments.push(match segment {
                    "" => return Err(fail("empty segment (//)")),
                    "**" => Segment::AnyDepth,
                    s if s.contains("**") => return Err(fail("** must be a whole segment")),
                    s if s.contains('*') => {
                        Segment::Glob(s.split('*').map(str::to_owned).collect())
                    }
                    s => Segment::Literal(s.to_owned()),
                });
            }
        }
        Ok(PathPattern {
            source: pattern.to_owned(),
            segments,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches a path given as its segments (no empty ones).
    pub fn matches<S: AsRef<str>>(&self, path: &[S]) -> bool {
        match_segments(&self.segments, path)
    }

    /// Whether the pattern matches a path like `/a/b` (split at `/`, empty segments dropped; not
    /// decoded — see [`CanonicalPath`] for request paths).
    pub fn matches_path(&self, path: &str) -> bool {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.matches(&segments)
    }
}

impl std::str::FromStr for PathPattern {
    type Err = EdgeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PathPattern::new(s)
    }
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathPattern({:?})", self.source)
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn match_segments<S: AsRef<str>>(pattern: &[Segment], path: &[S]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((Segment::AnyDepth, rest)) => {
            // Patterns are short and come from configuration; a request path has at most a few
            // dozen segments (CloudFront caps URI + query at 8 KB), so backtracking stays cheap.
            (0..=path.len()).any(|skip| match_segments(rest, &path[skip..]))
        }
        Some((segment, rest)) => match path.split_first() {
            Some((first, tail)) if segment_matches(segment, first.as_ref()) => {
                match_segments(rest, tail)
            }
            _ => false,
        },
    }
}

fn segment_matches(segment: &Segment, text: &str) -> bool {
    match segment {
        Segment::Literal(literal) => literal == text,
        Segment::Glob(parts) => glob_matches(parts, text),
        Segment::AnyDepth => true,
    }
}

/// `parts` are the pieces between `*`s: the first must be a prefix, the last a suffix, the
/// middle ones appear in order (leftmost match is enough for `*`-only globs).
fn glob_matches(parts: &[String], text: &str) -> bool {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return true;
    };
    if parts.len() == 1 {
        return text == first;
    }
    let Some(mut rest) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle.as_str()) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last.as_str())
}

/// A request path in the form the gate matches: percent-decoded, `\` read as `/`, empty and `.`
/// segments dropped, `..` applied.
///
/// The origins decode paths (S3 keys, API Gateway routes), so a pattern must see what they will
/// see: `/%61ccount` is `/account`. Dot segments are resolved so that `/_next/../account` cannot
/// slip through the `/_next/**` exclusion; resolving only ever moves a path *out* of a prefix
/// such as `/_next/`, never into a protected one unnoticed, because the gate matches protection
/// on this same form.
///
/// ```
/// use edge_adapter::CanonicalPath;
///
/// let path = CanonicalPath::new("/_next/..%2Faccount//%6Beys/");
/// assert_eq!(path.to_string(), "/account/keys");
/// assert_eq!(CanonicalPath::new("/account/index.html").page().to_string(), "/account");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalPath {
    segments: Vec<String>,
}

impl CanonicalPath {
    /// Canonicalize a raw (percent-encoded) request path.
    pub fn new(uri: &str) -> Self {
        let decoded: Cow<'_, str> = percent_encoding::percent_decode_str(uri).decode_utf8_lossy();
        let mut segments: Vec<String> = Vec::new();
        for segment in decoded.split(['/', '\\']) {
            match segment {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                s => segments.push(s.to_owned()),
            }
        }
        CanonicalPath { segments }
    }

    /// The segments.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The page this path serves in a Next.js static export: the exported files of a page
    /// (`/x/index.html`, `/x.html`, and the App Router's RSC payloads `/x/index.txt`, `/x.txt`)
    /// map back to `/x`, so protecting `/x` also protects its files.
    pub fn page(&self) -> CanonicalPath {
        let mut segments = self.segments.clone();
        if let Some(last) = segments.pop() {
            match last.as_str() {
                "index.html" | "index.txt" => {}
                _ => match last
                    .strip_suffix(".html")
                    .or_else(|| last.strip_suffix(".txt"))
                {
                    Some(stem) if !stem.is_empty() => segments.push(stem.to_owned()),
                    _ => segments.push(last),
                },
            }
        }
        CanonicalPath { segments }
    }

    /// Whether the path is `prefix` or lies under it (`prefix` given as segments, e.g. `["api"]`).
    pub fn starts_with(&self, prefix: &[String]) -> bool {
        self.segments.len() >= prefix.len() && self.segments[..prefix.len()] == *prefix
    }
}

impl fmt::Display for CanonicalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("/");
        }
        for segment in &self.segments {
            write!(f, "/{segment}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathPattern {
        PathPattern::new(s).unwrap()
    }

    #[test]
    fn table_from_the_docs() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "/account",
                &["/account", "/account/"],
                &["/account/keys", "/accounts", "/"],
            ),
            (
                "/account/*",
                &["/account/keys"],
                &["/account", "/account/keys/new"],
            ),
            (
                "/admin/**",
                &["/admin", "/admin/", "/admin/users/7"],
                &["/administrator", "/"],
            ),
            (
                "/docs/*.pdf",
                &["/docs/guide.pdf", "/docs/.pdf"],
                &["/docs/a/guide.pdf", "/docs/guide.pdfx"],
            ),
            ("/**/*.css", &["/a.css", "/x/y/a.css"], &["/a.css.map", "/"]),
            ("/**", &["/", "/anything/at/all"], &[]),
            ("/", &["/"], &["/a"]),
            ("/a/**/z", &["/a/z", "/a/b/c/z"], &["/a/b/c", "/z"]),
            ("/a*b*c", &["/abc", "/aXbYc", "/abbc"], &["/ab", "/acb"]),
        ];
        for (pattern, yes, no) in cases {
            let pat = p(pattern);
            for path in *yes {
                assert!(pat.matches_path(path), "{pattern} should match {path}");
            }
            for path in *no {
                assert!(!pat.matches_path(path), "{pattern} should not match {path}");
            }
        }
    }

    #[test]
    fn bad_patterns() {
        for bad in ["account", "/a//b", "/a/**b", "/x**"] {
            assert!(
                matches!(PathPattern::new(bad), Err(EdgeError::Pattern { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn canonical_paths() {
        let c = |s| CanonicalPath::new(s).to_string();
        assert_eq!(c("/"), "/");
        assert_eq!(c(""), "/");
        assert_eq!(c("/a//b/./c/"), "/a/b/c");
        assert_eq!(c("/a/../../b"), "/b");
        assert_eq!(c("/%61ccount"), "/account");
        assert_eq!(c("/_next/..%2Faccount"), "/account");
        assert_eq!(c("/_next%5C..%5Caccount"), "/account");
        assert_eq!(c("/a%2e%2e/b"), "/a../b");
        assert_eq!(c("/%2e%2e/account"), "/account");
        assert_eq!(c("/caf%C3%A9"), "/café");
        assert_eq!(c("/bad%FF"), "/bad\u{FFFD}");
    }

    #[test]
    fn page_of_exported_files() {
        let page = |s| CanonicalPath::new(s).page().to_string();
        assert_eq!(page("/account/index.html"), "/account");
        assert_eq!(page("/account/index.txt"), "/account");
        assert_eq!(page("/account.html"), "/account");
        assert_eq!(page("/account.txt"), "/account");
        assert_eq!(page("/account"), "/account");
        assert_eq!(page("/index.html"), "/");
        assert_eq!(page("/.html"), "/.html");
        assert_eq!(page("/logo.png"), "/logo.png");
    }

    #[test]
    fn prefix() {
        let api = vec!["api".to_owned()];
        assert!(CanonicalPath::new("/api").starts_with(&api));
        assert!(CanonicalPath::new("/api/x").starts_with(&api));
        assert!(!CanonicalPath::new("/apix").starts_with(&api));
    }
}
