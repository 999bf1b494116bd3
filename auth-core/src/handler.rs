//! The handler: reads the request, runs next-auth's per-request preamble, dispatches to one action
//! and applies the response conventions. Framework-agnostic: `http::Request` in,
//! `http::Response` out.

use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use session_cookie::{SessionReader, SetCookie, WireFormat};

use crate::actions;
use crate::config::AuthConfig;
use crate::context::{CookieSuite, Ctx};
use crate::request::{Action, BadRequest, Incoming, Route, request_origin, route};
use crate::response::{RedirectMode, Reply, finish};

/// The `/api/auth/*` handler.
///
/// Cheap to clone (an `Arc`); build it once. Keys are derived at construction, for both the
/// plain and the secure cookie names.
///
/// ```
/// use auth_core::{AuthConfig, AuthHandler};
/// use auth_core::session_cookie::{Secrets, WireFormat};
/// use bytes::Bytes;
///
/// # tokio_test();
/// # fn tokio_test() { tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let config = AuthConfig::builder(WireFormat::NextAuthV4, Secrets::single("s3cret")?)
///     .public_url("http://localhost:3000")?
///     .build()?;
/// let auth = AuthHandler::new(config);
///
/// let request = http::Request::get("http://localhost:3000/api/auth/csrf").body(Bytes::new())?;
/// let response = auth.handle(request).await;
/// assert_eq!(response.status(), 200);
/// // First contact: the CSRF and callback-url cookies are set.
/// assert_eq!(response.headers().get_all("set-cookie").iter().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap() }
/// ```
#[derive(Clone, Debug)]
pub struct AuthHandler {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: AuthConfig,
    plain: CookieSuite,
    secure: CookieSuite,
    /// The session cookie of a request: read by the session route, sign-out, `get_token` and
    /// the axum extractors alike.
    sessions: SessionReader,
}

impl AuthHandler {
    /// A handler for `config`.
    pub fn new(config: AuthConfig) -> Self {
        let plain = CookieSuite::new(&config, false);
        let secure = CookieSuite::new(&config, true);
        let sessions =
            SessionReader::new(config.format, &config.secrets).with_max_age(config.session_max_age);
        AuthHandler {
            inner: Arc::new(Inner {
                config,
                plain,
                secure,
                sessions,
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    pub(crate) fn sessions(&self) -> &SessionReader {
        &self.inner.sessions
    }

    pub(crate) fn suite(&self, secure: bool) -> &CookieSuite {
        if secure {
            &self.inner.secure
        } else {
            &self.inner.plain
        }
    }

    /// Answer one request to `<base path>/<action>[/<provider>]`.
    ///
    /// Never panics and never fails: bad input gets a 4xx or next-auth's error redirect. Paths
    /// outside the base path get `404`.
    pub async fn handle(&self, req: Request<Bytes>) -> Response<Bytes> {
        let mut response = self.answer(req).await;
        // Without a public URL every answer is built from the request's host (links, redirects,
        // the provider list): a shared cache would hand one host's answer to another.
        if self.inner.config.public_origin.is_none() {
            crate::response::make_private(response.headers_mut());
        }
        response
    }

    async fn answer(&self, req: Request<Bytes>) -> Response<Bytes> {
        let config = &self.inner.config;
        let format = config.format;
        let route = route(req.uri().path(), &config.base_path);
        let (action, provider_id) = match route {
            Route::Outside => {
                return finish(
                    plain(StatusCode::NOT_FOUND, "Not Found"),
                    Vec::new(),
                    format,
                    RedirectMode::Location,
                );
            }
            Route::Unknown => {
                return finish(
                    Reply::unsupported(format, req.method(), StatusCode::BAD_REQUEST),
                    Vec::new(),
                    format,
                    RedirectMode::Location,
                );
            }
            Route::Action(action, provider) => (action, provider),
        };
        if !matches!(*req.method(), Method::GET | Method::POST) {
            // next-auth answers 400; a clean 405 tells clients what is allowed.
            let mut response = finish(
                Reply::unsupported(format, req.method(), StatusCode::METHOD_NOT_ALLOWED),
                Vec::new(),
                format,
                RedirectMode::Location,
            );
            response.headers_mut().insert(
                http::header::ALLOW,
                http::HeaderValue::from_static("GET, POST"),
            );
            return response;
        }
        let incoming = match Incoming::read(&req, config.max_body_bytes) {
            Ok(incoming) => incoming,
            Err(BadRequest::BodyTooLarge) => {
                return finish(
                    plain(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large"),
                    Vec::new(),
                    format,
                    RedirectMode::Location,
                );
            }
            Err(_) => {
                return finish(
                    plain(StatusCode::BAD_REQUEST, "Bad Request"),
                    Vec::new(),
                    format,
                    RedirectMode::Location,
                );
            }
        };
        let Ok((origin, secure)) = request_origin(&req, config) else {
            return finish(
                plain(StatusCode::BAD_REQUEST, "Bad Request"),
                Vec::new(),
                format,
                RedirectMode::Location,
            );
        };
        let mode = match format {
            WireFormat::NextAuthV4 if incoming.body_str("json") == Some("true") => {
                RedirectMode::JsonV4
            }
            WireFormat::AuthJsV5 if incoming.header("x-auth-return-redirect").is_some() => {
                RedirectMode::JsonV5
            }
            _ => RedirectMode::Location,
        };

        let is_get = incoming.method == Method::GET;
        // Actions that answer without next-auth's preamble (no CSRF or callback-url cookies).
        match (action, is_get, format) {
            (Action::Providers, true, _) => {
                return finish(
                    actions::providers::list(config, &origin),
                    Vec::new(),
                    format,
                    mode,
                );
            }
            (Action::Log, false, WireFormat::NextAuthV4) => {
                return finish(actions::log::record(&incoming), Vec::new(), format, mode);
            }
            (Action::Providers | Action::Log, _, _)
            | (Action::Csrf | Action::VerifyRequest | Action::Error, false, _) => {
                return finish(
                    Reply::unsupported(format, req.method(), StatusCode::BAD_REQUEST),
                    Vec::new(),
                    format,
                    mode,
                );
            }
            _ => {}
        }

        let suite = self.suite(secure);
        let rng = config.rng.as_ref();
        let csrf = match suite.csrf.check(
            incoming.cookies.get(suite.names.csrf_token()),
            !is_get,
            incoming.body_str("csrfToken"),
            rng,
        ) {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::error!(error = %e, "cannot create a CSRF token");
                return finish(
                    plain(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Internal Server AuthError",
                    ),
                    Vec::new(),
                    format,
                    mode,
                );
            }
        };
        let mut preamble: Vec<SetCookie> = csrf.set_cookie.iter().cloned().collect();
        let callback_url = self
            .callback_url(&incoming, suite, &origin, &mut preamble)
            .await;

        let ctx = Ctx {
            config,
            suite,
            sessions: &self.inner.sessions,
            secure,
            req: &incoming,
            now: config.clock.now(),
            base_url: format!("{origin}{}", config.base_path),
            origin,
            provider_id: provider_id.as_deref(),
            csrf,
            callback_url,
        };
        let reply = match (action, is_get) {
            (Action::Session, true) => actions::session::read(&ctx).await,
            (Action::Session, false) => actions::session::update(&ctx).await,
            (Action::Csrf, true) => actions::csrf::token(&ctx),
            (Action::SignIn, true) => actions::signin::page(&ctx),
            (Action::SignIn, false) => actions::signin::start(&ctx).await,
            (Action::Callback, _) => actions::callback::complete(&ctx).await,
            (Action::SignOut, true) if ctx.provider_id.is_some() => {
                actions::signout::returned(&ctx)
            }
            (Action::SignOut, true) => actions::signout::page(&ctx),
            (Action::SignOut, false) => actions::signout::complete(&ctx).await,
            (Action::Error, true) => actions::error::page(&ctx),
            (Action::VerifyRequest, true) => actions::error::verify_request(&ctx),
            _ => Reply::unsupported(format, &ctx.req.method, StatusCode::BAD_REQUEST),
        };
        finish(reply, preamble, format, mode)
    }

    /// The callback URL of this request: the body's or query's `callbackUrl`, else the
    /// callback-url cookie, through the `redirect` callback; the origin when there is none. A
    /// cookie that does not match the result is replaced (next-auth instead answers 500 to every
    /// request while an invalid cookie is present).
    async fn callback_url(
        &self,
        incoming: &Incoming<'_>,
        suite: &CookieSuite,
        origin: &str,
        preamble: &mut Vec<SetCookie>,
    ) -> String {
        let config = &self.inner.config;
        let cookie = incoming.cookies.get(suite.names.callback_url());
        let candidate = incoming
            .body_str("callbackUrl")
            .or_else(|| incoming.query("callbackUrl"))
            .or(cookie);
        let url = match candidate {
            Some(candidate) => config.callbacks.redirect(candidate, origin).await,
            None => origin.to_owned(),
        };
        // Whatever an application callback returns goes into a header: keep it representable.
        let url = if !url.is_empty() && url.bytes().all(|b| b.is_ascii_graphic()) {
            url
        } else {
            origin.to_owned()
        };
        if cookie != Some(url.as_str()) {
            preamble.push(SetCookie::new(
                suite.names.callback_url(),
                url.clone(),
                suite.names.secure(),
            ));
        }
        url
    }
}

fn plain(status: StatusCode, text: &'static str) -> Reply {
    Reply {
        body: crate::response::ReplyBody::Text("text/plain;charset=UTF-8", text.to_owned()),
        ..Reply::empty(status)
    }
}
