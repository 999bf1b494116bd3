//! Serve a Next.js static export as CloudFront + S3 do in the deployment: the URL is rewritten to
//! the exported file with the edge adapter's own rule (`/x` → `/x/index.html` with
//! `trailingSlash: true`, `/x.html` without), the file is served, and a miss gets the export's
//! `404.html` with status 404.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};

use auth_core::session_cookie::parse_flag;
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use edge_adapter::StaticExport;
use http::{HeaderValue, StatusCode, header};
use local_stack::BoxError;

#[derive(Clone)]
pub(crate) struct StaticSite {
    root: PathBuf,
    export: StaticExport,
}

impl StaticSite {
    /// `STATIC_TRAILING_SLASH` (default `true`, as the deployment's export) selects the rule.
    pub(crate) fn new(
        root: PathBuf,
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, BoxError> {
        if !root.join("index.html").is_file() {
            return Err(format!(
                "STATIC_DIR {} has no index.html: point it at `next build`'s output (out/)",
                root.display()
            )
            .into());
        }
        let trailing_slash = match env("STATIC_TRAILING_SLASH").as_deref().map(parse_flag) {
            None => true,
            Some(Some(flag)) => flag,
            Some(None) => {
                return Err("STATIC_TRAILING_SLASH is malformed: expected true or false".into());
            }
        };
        Ok(StaticSite {
            root,
            export: StaticExport::new(trailing_slash),
        })
    }

    pub(crate) fn service(self) -> axum::routing::MethodRouter {
        axum::routing::get(move |request: Request| {
            let site = self.clone();
            async move { Ok::<_, Infallible>(site.serve(request.uri().path()).await) }
        })
    }

    async fn serve(&self, path: &str) -> Response {
        let key = self.export.rewrite(path).unwrap_or_else(|| path.to_owned());
        if let Some(file) = self.file(&key)
            && let Ok(bytes) = tokio::fs::read(&file).await
        {
            return with_type(StatusCode::OK, &file, bytes);
        }
        let not_found = self.root.join("404.html");
        match tokio::fs::read(&not_found).await {
            Ok(bytes) => with_type(StatusCode::NOT_FOUND, &not_found, bytes),
            Err(_) => (StatusCode::NOT_FOUND, "Not Found").into_response(),
        }
    }

    /// The file for an S3-style key, never outside the root.
    fn file(&self, key: &str) -> Option<PathBuf> {
        let decoded = percent_decode(key)?;
        let relative = Path::new(decoded.trim_start_matches('/'));
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let path = self.root.join(relative);
        path.is_file().then_some(path)
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut iter = text.bytes();
    while let Some(b) = iter.next() {
        if b == b'%' {
            let hex = [iter.next()?, iter.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

fn with_type(status: StatusCode, file: &Path, bytes: Vec<u8>) -> Response {
    let content_type = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    };
    let mut response = (status, Body::from(bytes)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
