//! Origin-request for the S3 origin: map a page URL to the file `next build` exported for it, and
//! send S3 no cookies.
//!
//! S3 serves exact keys only, and through Origin Access Control a missing key answers 403, so
//! `/docs` must become `/docs/index.html` (`trailingSlash: true`) or `/docs.html` (Next.js's
//! default). Dynamic routes that the export wrote as one client-side shell page — the Pages
//! Router writes `pages/posts/[id].js` without `getStaticPaths` literally to
//! `posts/[id]/index.html` — are listed in the manifest, and every `/posts/<anything>` is served
//! that file.
//!
//! | Request (`trailing_slash = true`) | S3 key requested |
//! |---|---|
//! | `/` | `/index.html` |
//! | `/docs`, `/docs/` | `/docs/index.html` |
//! | `/posts/42` with route `/posts/[id]` | `/posts/%5Bid%5D/index.html` |
//! | `/posts/featured` with routes `/posts/[id]` and `/posts/featured` | `/posts/featured/index.html` |
//! | `/logo.png`, `/_next/static/chunks/main.js` | unchanged (the last segment has a dot: a file) |
//!
//! The query string is never touched. The rewrite changes only the object CloudFront fetches;
//! the cache key stays the viewer's URL.

use std::cmp::Ordering;
use std::fmt;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::events::{EdgeResult, Request};
use crate::{Decision, EdgeError, Handled};

/// Characters escaped in a rewritten URI: everything outside RFC 3986's `pchar` and `/`, plus `%`
/// (manifest file names are raw, never pre-encoded). `[` and `]` matter most: the export's
/// dynamic-route files are named `[id]`.
const URI_ESCAPE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// How the static export is laid out: the `trailingSlash` setting of `next.config.js` and the
/// routes the default rule does not cover.
///
/// ```
/// use edge_adapter::StaticExport;
///
/// let export = StaticExport::new(true)
///     .with_route("/posts/[id]", None)?
///     .with_route("/docs/[...slug]", Some("/docs/[...slug]/index.html"))?;
/// assert_eq!(export.rewrite("/about").as_deref(), Some("/about/index.html"));
/// assert_eq!(export.rewrite("/posts/42").as_deref(), Some("/posts/%5Bid%5D/index.html"));
/// assert_eq!(export.rewrite("/docs/a/b").as_deref(), Some("/docs/%5B...slug%5D/index.html"));
/// assert_eq!(export.rewrite("/logo.png"), None);
/// # Ok::<(), edge_adapter::EdgeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticExport {
    trailing_slash: bool,
    routes: Vec<ExportRoute>,
}

impl Default for StaticExport {
    /// `trailingSlash: true`, no routes.
    fn default() -> Self {
        StaticExport::new(true)
    }
}

impl StaticExport {
    /// An export built with `trailingSlash: trailing_slash` and no extra routes.
    pub fn new(trailing_slash: bool) -> Self {
        StaticExport {
            trailing_slash,
            routes: Vec::new(),
        }
    }

    /// Add a route: a Next.js page path, static (`/posts/featured`) or dynamic (`/posts/[id]`,
    /// `/docs/[...slug]`, `/shop/[[...path]]`), and the exported file that serves it (default:
    /// where the export puts that page, `/posts/[id]/index.html` or `/posts/[id].html`).
    ///
    /// When several routes match, Next.js's precedence applies: at the first segment where they
    /// differ, a static segment beats `[x]`, which beats `[...x]`, which beats `[[...x]]`; list
    /// pre-rendered pages (`/posts/featured`) next to their dynamic route so they keep their own
    /// file.
    pub fn with_route(mut self, route: &str, file: Option<&str>) -> Result<Self, EdgeError> {
        let route = ExportRoute::new(route, file, self.trailing_slash)?;
        // Stable: equally specific routes keep the order they were listed in.
        let at = self
            .routes
            .iter()
            .position(|r| r.precedence(&route) == Ordering::Greater)
            .unwrap_or(self.routes.len());
        self.routes.insert(at, route);
        Ok(self)
    }

    /// Whether the export uses `trailingSlash: true`.
    pub fn trailing_slash(&self) -> bool {
        self.trailing_slash
    }

    /// The routes, most specific first.
    pub fn routes(&self) -> &[ExportRoute] {
        &self.routes
    }

    /// The URI to fetch from S3 for the viewer's `uri`, or `None` to fetch it unchanged.
    pub fn rewrite(&self, uri: &str) -> Option<String> {
        let rest = uri.strip_prefix('/')?;
        let last = rest.rsplit('/').next().unwrap_or("");
        if last.contains('.') {
            return None; // a file: `/logo.png`, `/_next/static/...`, `/docs/index.html`
        }
        let segments: Vec<String> = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        if let Some(route) = self.routes.iter().find(|r| r.matches(&segments)) {
            return Some(route.uri.clone());
        }
        Some(if last.is_empty() {
            // "/" or "/docs/"
            if self.trailing_slash || rest.is_empty() {
                format!("{uri}index.html")
            } else {
                format!("{}.html", &uri[..uri.len() - 1])
            }
        } else if self.trailing_slash {
            format!("{uri}/index.html")
        } else {
            format!("{uri}.html")
        })
    }
}

/// One route of the static-export manifest.
#[derive(Clone, PartialEq, Eq)]
pub struct ExportRoute {
    route: String,
    segments: Vec<RouteSegment>,
    file: String,
    /// `file` percent-encoded for the request URI.
    uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum RouteSegment {
    Static(String),
    Dynamic,
    CatchAll,
    OptionalCatchAll,
}

impl RouteSegment {
    /// Next.js's order: static, `[x]`, `[...x]`, `[[...x]]`.
    fn rank(&self) -> u8 {
        match self {
            RouteSegment::Static(_) => 0,
            RouteSegment::Dynamic => 1,
            RouteSegment::CatchAll => 2,
            RouteSegment::OptionalCatchAll => 3,
        }
    }
}

impl ExportRoute {
    fn new(route: &str, file: Option<&str>, trailing_slash: bool) -> Result<Self, EdgeError> {
        let fail = |reason| EdgeError::Pattern {
            pattern: route.to_owned(),
            reason,
        };
        let rest = route.strip_prefix('/').ok_or(fail("must start with /"))?;
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut segments = Vec::new();
        let parts: Vec<&str> = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split('/').collect()
        };
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let segment = if let Some(name) = part
                .strip_prefix("[[...")
                .and_then(|s| s.strip_suffix("]]"))
            {
                if !last {
                    return Err(fail("[[...x]] must be the last segment"));
                }
                check_param(name).ok_or(fail("invalid parameter name"))?;
                RouteSegment::OptionalCatchAll
            } else if let Some(name) = part.strip_prefix("[...").and_then(|s| s.strip_suffix(']')) {
                if !last {
                    return Err(fail("[...x] must be the last segment"));
                }
                check_param(name).ok_or(fail("invalid parameter name"))?;
                RouteSegment::CatchAll
            } else if let Some(name) = part.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                check_param(name).ok_or(fail("invalid parameter name"))?;
                RouteSegment::Dynamic
            } else if part.is_empty() {
                return Err(fail("empty segment (//)"));
            } else if part.contains(['[', ']']) {
                return Err(fail("a segment is either static or one whole [param]"));
            } else {
                RouteSegment::Static((*part).to_owned())
            };
            segments.push(segment);
        }
        let file = match file {
            Some(file) if file.starts_with('/') => file.to_owned(),
            Some(_) => return Err(fail("the file must start with /")),
            None if rest.is_empty() => "/index.html".to_owned(),
            None if trailing_slash => format!("/{rest}/index.html"),
            None => format!("/{rest}.html"),
        };
        let uri = utf8_percent_encode(&file, URI_ESCAPE).to_string();
        Ok(ExportRoute {
            route: route.to_owned(),
            segments,
            file,
            uri,
        })
    }

    /// The route as written, `/posts/[id]`.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// The exported file that serves it, `/posts/[id]/index.html`.
    pub fn file(&self) -> &str {
        &self.file
    }

    fn matches(&self, path: &[String]) -> bool {
        let mut path = path.iter();
        for segment in &self.segments {
            match segment {
                RouteSegment::Static(s) => {
                    if path.next() != Some(s) {
                        return false;
                    }
                }
                RouteSegment::Dynamic => {
                    if path.next().is_none() {
                        return false;
                    }
                }
                RouteSegment::CatchAll => return path.next().is_some(),
                RouteSegment::OptionalCatchAll => return true,
            }
        }
        path.next().is_none()
    }

    /// `Less` if `self` takes precedence over `other`.
    fn precedence(&self, other: &ExportRoute) -> Ordering {
        let ranks = |r: &ExportRoute| {
            r.segments
                .iter()
                .map(RouteSegment::rank)
                .collect::<Vec<_>>()
        };
        ranks(self).cmp(&ranks(other))
    }
}

fn check_param(name: &str) -> Option<()> {
    (!name.is_empty() && !name.contains(['[', ']', '/', '.'])).then_some(())
}

impl fmt::Debug for ExportRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExportRoute({:?} -> {:?})", self.route, self.file)
    }
}

/// The origin-request handler of the S3 (static export) origin.
///
/// Drops the `Cookie` header — S3 never needs it, and the session would otherwise travel to (and
/// could be logged by) a store that has no business seeing it — and rewrites the URI as
/// [`StaticExport::rewrite`] says. Everything else, the query string included, is returned as it
/// came.
pub fn origin_request(export: &StaticExport, mut request: Request) -> Handled {
    request.headers.remove("cookie");
    let rewritten = match export.rewrite(&request.uri) {
        Some(uri) => {
            request.uri = uri;
            true
        }
        None => false,
    };
    Handled {
        result: EdgeResult::Request(Box::new(request)),
        decision: Decision::StaticRewrite { rewritten },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rule_trailing_slash() {
        let e = StaticExport::new(true);
        let r = |u| e.rewrite(u);
        assert_eq!(r("/").as_deref(), Some("/index.html"));
        assert_eq!(r("/docs").as_deref(), Some("/docs/index.html"));
        assert_eq!(r("/docs/").as_deref(), Some("/docs/index.html"));
        assert_eq!(r("/a/b").as_deref(), Some("/a/b/index.html"));
        assert_eq!(r("/caf%C3%A9").as_deref(), Some("/caf%C3%A9/index.html"));
        assert_eq!(r("/docs/index.html"), None);
        assert_eq!(r("/_next/static/chunks/main-abc.js"), None);
        assert_eq!(r("/favicon.ico"), None);
        assert_eq!(r("no-slash"), None);
    }

    #[test]
    fn default_rule_no_trailing_slash() {
        let e = StaticExport::new(false);
        let r = |u| e.rewrite(u);
        assert_eq!(r("/").as_deref(), Some("/index.html"));
        assert_eq!(r("/docs").as_deref(), Some("/docs.html"));
        assert_eq!(r("/docs/").as_deref(), Some("/docs.html"));
        assert_eq!(r("/a/b").as_deref(), Some("/a/b.html"));
    }

    #[test]
    fn manifest_routes_and_precedence() {
        let e = StaticExport::new(true)
            .with_route("/shop/[[...path]]", None)
            .unwrap()
            .with_route("/posts/[id]", None)
            .unwrap()
            .with_route("/posts/featured", None)
            .unwrap()
            .with_route(
                "/posts/[id]/[...rest]",
                Some("/posts/[id]/[...rest]/index.html"),
            )
            .unwrap()
            .with_route("/[lang]/about", None)
            .unwrap();
        let r = |u| e.rewrite(u);
        assert_eq!(
            r("/posts/42").as_deref(),
            Some("/posts/%5Bid%5D/index.html")
        );
        assert_eq!(
            r("/posts/42/").as_deref(),
            Some("/posts/%5Bid%5D/index.html")
        );
        assert_eq!(
            r("/posts/featured").as_deref(),
            Some("/posts/featured/index.html")
        );
        assert_eq!(
            r("/posts/42/comments/7").as_deref(),
            Some("/posts/%5Bid%5D/%5B...rest%5D/index.html")
        );
        assert_eq!(
            r("/posts").as_deref(),
            Some("/posts/index.html"),
            "no route: default"
        );
        assert_eq!(
            r("/shop").as_deref(),
            Some("/shop/%5B%5B...path%5D%5D/index.html")
        );
        assert_eq!(
            r("/shop/a/b").as_deref(),
            Some("/shop/%5B%5B...path%5D%5D/index.html")
        );
        assert_eq!(
            r("/en/about").as_deref(),
            Some("/%5Blang%5D/about/index.html")
        );
        assert_eq!(r("/posts/42.json"), None, "files are never routed");
        // Percent-decoded before comparing static segments.
        assert_eq!(
            r("/posts/%66eatured").as_deref(),
            Some("/posts/featured/index.html")
        );
        let order: Vec<&str> = e.routes().iter().map(ExportRoute::route).collect();
        assert_eq!(
            order,
            [
                "/posts/featured",
                "/posts/[id]",
                "/posts/[id]/[...rest]",
                "/shop/[[...path]]",
                "/[lang]/about"
            ]
        );
    }

    #[test]
    fn route_files_without_trailing_slash() {
        let e = StaticExport::new(false)
            .with_route("/posts/[id]", None)
            .unwrap();
        assert_eq!(
            e.rewrite("/posts/1").as_deref(),
            Some("/posts/%5Bid%5D.html")
        );
    }

    #[test]
    fn bad_routes() {
        for bad in [
            "posts/[id]",
            "/a//b",
            "/[...x]/y",
            "/[[...x]]/y",
            "/a[id]",
            "/[]",
            "/[a.b]",
        ] {
            assert!(
                StaticExport::new(true).with_route(bad, None).is_err(),
                "{bad}"
            );
        }
        assert!(
            StaticExport::new(true)
                .with_route("/a", Some("a.html"))
                .is_err()
        );
    }
}
