//! `/oauth2/authorize`: validate the request, show the sign-in form (or use the browser's
//! session), and redirect back with a code.
//!
//! Errors about `client_id` or `redirect_uri` are shown here and never redirected (RFC 6749
//! §4.1.2.1); every other error goes back to the verified `redirect_uri` with `state`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use http::{HeaderMap, StatusCode, header};
use subtle::ConstantTimeEq;
use url::Url;

use super::{AUTHORIZE_PATH, cookie, error_page, html_response, is_form, redirect, set_cookie};
use crate::DevClient;
use crate::html;
use crate::params::{Params, Repeated, cookie_values};
use crate::state::{
    AppState, BrowserSession, CODE_TTL_SECS, CodeGrant, Grant, SESSION_TTL_SECS, random_token,
};
use crate::tokens::SUPPORTED_SCOPES;

/// Scopes granted when the request names none: every scope of the client, as Cognito.
const DEFAULT_SCOPES: [&str; 4] = ["openid", "email", "phone", "profile"];

/// The request parameters posted back by the form, in this order.
const FORWARDED: [&str; 9] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
];

/// A validated authorization request.
struct AuthorizeRequest<'a> {
    client: &'a DevClient,
    redirect_uri: &'a str,
    scopes: Vec<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    prompt_login: bool,
    prompt_none: bool,
    /// The parameters to post back, as received.
    forwarded: Vec<(&'static str, String)>,
}

enum Rejection<'a> {
    /// Shown on the issuer.
    Page(String),
    /// Sent back to the client's verified redirect URI.
    Redirect {
        redirect_uri: &'a str,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

impl Rejection<'_> {
    fn into_response(self) -> Response {
        match self {
            Rejection::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
            Rejection::Redirect {
                redirect_uri,
                state,
                error,
                description,
            } => {
                tracing::debug!(target: "dev_issuer", error, %description, "authorize error redirect");
                let mut pairs = vec![("error", error), ("error_description", &description)];
                if let Some(state) = &state {
                    pairs.push(("state", state));
                }
                redirect(&append_query(redirect_uri, &pairs))
            }
        }
    }
}

fn validate<'a>(
    state: &'a AppState,
    params: &Params,
) -> Result<AuthorizeRequest<'a>, Rejection<'a>> {
    let repeated_page =
        |Repeated(name)| Rejection::Page(format!("{name} was sent more than once."));
    let client_id = params
        .get("client_id")
        .map_err(repeated_page)?
        .ok_or_else(|| Rejection::Page("The request has no client_id.".into()))?;
    let client = state
        .config
        .client(client_id)
        .ok_or_else(|| Rejection::Page(format!("Unknown client_id {client_id:?}.")))?;
    let requested_redirect = params
        .get("redirect_uri")
        .map_err(repeated_page)?
        .ok_or_else(|| Rejection::Page("The request has no redirect_uri.".into()))?;
    let redirect_uri = client
        .redirect_uris
        .iter()
        .find(|r| *r == requested_redirect)
        .ok_or_else(|| {
            Rejection::Page(format!(
                "redirect_mismatch: {requested_redirect:?} is not a callback URL of client {client_id:?}."
            ))
        })?;

    // From here on, errors go back to the client.
    let oauth_state = params.get("state").ok().flatten().map(str::to_owned);
    let reject = |error: &'static str, description: String| Rejection::Redirect {
        redirect_uri,
        state: oauth_state.clone(),
        error,
        description,
    };
    let get = |name: &'static str| {
        params.get(name).map_err(|Repeated(n)| {
            reject("invalid_request", format!("{n} was sent more than once"))
        })
    };
    get("state")?;

    match get("response_type")? {
        None => return Err(reject("invalid_request", "response_type is missing".into())),
        Some("code") => {}
        Some(_) => {
            return Err(reject(
                "unsupported_response_type",
                "only response_type=code is supported".into(),
            ));
        }
    }

    let scopes = match get("scope")? {
        None => DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
        Some(scope) => {
            let mut scopes: Vec<String> = Vec::new();
            for s in scope.split(' ').filter(|s| !s.is_empty()) {
                if !SUPPORTED_SCOPES.contains(&s) {
                    return Err(reject("invalid_scope", format!("unknown scope {s:?}")));
                }
                if !scopes.iter().any(|x| x == s) {
                    scopes.push(s.to_owned());
                }
            }
            if scopes.is_empty() {
                return Err(reject("invalid_scope", "scope is empty".into()));
            }
            scopes
        }
    };

    let nonce = get("nonce")?.map(str::to_owned);

    let code_challenge = match (get("code_challenge")?, get("code_challenge_method")?) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(reject(
                "invalid_request",
                "code_challenge_method without code_challenge".into(),
            ));
        }
        (Some(_), None | Some("plain")) => {
            return Err(reject(
                "invalid_request",
                "only code_challenge_method=S256 is supported".into(),
            ));
        }
        (Some(challenge), Some("S256")) => {
            if !is_s256_challenge(challenge) {
                return Err(reject(
                    "invalid_request",
                    "code_challenge is not a base64url SHA-256 (43 characters)".into(),
                ));
            }
            Some(challenge.to_owned())
        }
        (Some(_), Some(_)) => {
            return Err(reject(
                "invalid_request",
                "only code_challenge_method=S256 is supported".into(),
            ));
        }
    };

    let (mut prompt_login, mut prompt_none) = (false, false);
    if let Some(prompt) = get("prompt")? {
        for p in prompt.split(' ').filter(|p| !p.is_empty()) {
            match p {
                "login" => prompt_login = true,
                "none" => prompt_none = true,
                "consent" | "select_account" => {}
                _ => return Err(reject("invalid_request", format!("unknown prompt {p:?}"))),
            }
        }
        if prompt_none && prompt.split(' ').filter(|p| !p.is_empty()).count() > 1 {
            return Err(reject(
                "invalid_request",
                "prompt=none cannot be combined".into(),
            ));
        }
    }

    let mut forwarded = Vec::new();
    for name in FORWARDED {
        if let Some(value) = get(name)? {
            forwarded.push((name, value.to_owned()));
        }
    }

    Ok(AuthorizeRequest {
        client,
        redirect_uri,
        scopes,
        state: oauth_state.clone(),
        nonce,
        code_challenge,
        prompt_login,
        prompt_none,
        forwarded,
    })
}

/// RFC 7636: BASE64URL(SHA256(verifier)) is 43 characters of the base64url alphabet.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn append_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    match Url::parse(uri) {
        Ok(mut url) => {
            {
                let mut query = url.query_pairs_mut();
                for (k, v) in pairs {
                    query.append_pair(k, v);
                }
            }
            url.into()
        }
        // Registered URIs are checked at build time; keep the string as a last resort.
        Err(_) => uri.to_owned(),
    }
}

/// `GET /oauth2/authorize`.
pub(super) async fn authorize_get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let request = match validate(&state, &params) {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };

    if !request.prompt_login
        && let Some((username, auth_time)) = browser_session(&state, &headers)
    {
        tracing::debug!(target: "dev_issuer", client_id = %request.client.id, %username, "signed in by the browser session");
        return code_redirect(&state, &request, &username, auth_time);
    }
    if request.prompt_none {
        return Rejection::Redirect {
            redirect_uri: request.redirect_uri,
            state: request.state,
            error: "login_required",
            description: "prompt=none and no browser session".into(),
        }
        .into_response();
    }
    login_form(&state, &headers, &request, StatusCode::OK, "", None)
}

/// `POST /oauth2/authorize`: the sign-in form.
pub(super) async fn authorize_post(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_form(&headers) {
        return error_page(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The sign-in form must be posted as application/x-www-form-urlencoded.",
        );
    }
    // A form posted from another origin is refused outright (login CSRF); browsers send
    // `Origin` on every POST.
    if let Some(origin) = headers.get(header::ORIGIN)
        && origin.as_bytes() != state.urls.origin.as_bytes()
    {
        return error_page(
            StatusCode::FORBIDDEN,
            "The sign-in form was posted from another origin.",
        );
    }
    let params = Params::parse(&body);
    let request = match validate(&state, &params) {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };
    let username = params.get("username").ok().flatten().unwrap_or_default();

    // Double-submit CSRF token: the form field must equal the cookie set with the form.
    let posted = params.get("_csrf").ok().flatten().unwrap_or_default();
    let csrf_ok = !posted.is_empty()
        && cookie_values(&headers, &state.csrf_cookie)
            .any(|c| bool::from(c.as_bytes().ct_eq(posted.as_bytes())));
    if !csrf_ok {
        tracing::debug!(target: "dev_issuer", "sign-in form without a matching CSRF cookie");
        return login_form(
            &state,
            &headers,
            &request,
            StatusCode::FORBIDDEN,
            username,
            Some("This sign-in page expired. Please sign in again."),
        );
    }

    let password = params.get("password").ok().flatten().unwrap_or_default();
    let user = state.config.user(username);
    let password_ok = match user {
        Some(user) => user.password.matches(password),
        None => {
            // Same work for unknown users.
            let _ = crate::config::Password::new("").matches(password);
            false
        }
    };
    let Some(user) = user.filter(|_| password_ok) else {
        tracing::debug!(target: "dev_issuer", client_id = %request.client.id, "wrong username or password");
        return login_form(
            &state,
            &headers,
            &request,
            StatusCode::OK,
            username,
            Some("Incorrect username or password."),
        );
    };

    let now = state.config.now();
    let session_id = random_token();
    state.stores().sessions.insert(
        session_id.clone(),
        BrowserSession {
            username: user.username.clone(),
            auth_time: now,
            expires_at: now + SESSION_TTL_SECS,
        },
    );
    tracing::debug!(target: "dev_issuer", client_id = %request.client.id, username = %user.username, "signed in with the form");
    let mut response = code_redirect(&state, &request, &user.username, now);
    set_cookie(
        &mut response,
        cookie(
            &state,
            &state.session_cookie,
            &session_id,
            SESSION_TTL_SECS,
            "Lax",
        ),
    );
    set_cookie(
        &mut response,
        cookie(&state, &state.csrf_cookie, "", 0, "Strict"),
    );
    response
}

/// The signed-in user and `auth_time` of this browser, if its session cookie is live.
fn browser_session(state: &AppState, headers: &HeaderMap) -> Option<(String, u64)> {
    let stores = state.stores();
    cookie_values(headers, &state.session_cookie)
        .filter_map(|id| stores.sessions.get(id))
        .find(|s| state.config.user(&s.username).is_some())
        .map(|s| (s.username.clone(), s.auth_time))
}

fn code_redirect(
    state: &AppState,
    request: &AuthorizeRequest<'_>,
    username: &str,
    auth_time: u64,
) -> Response {
    let code = random_token();
    let grant = CodeGrant {
        grant: Grant {
            client_id: request.client.id.clone(),
            username: username.to_owned(),
            scopes: request.scopes.clone(),
            auth_time,
            origin_jti: crate::state::random_uuid(),
        },
        redirect_uri: request.redirect_uri.to_owned(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        expires_at: state.config.now() + CODE_TTL_SECS,
    };
    state.stores().codes.insert(code.clone(), grant);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &request.state {
        pairs.push(("state", s));
    }
    redirect(&append_query(request.redirect_uri, &pairs))
}

fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    request: &AuthorizeRequest<'_>,
    status: StatusCode,
    username: &str,
    error: Option<&str>,
) -> Response {
    // Reuse the browser's CSRF token if it has one (several tabs), else mint one.
    let csrf = cookie_values(headers, &state.csrf_cookie)
        .find(|c| c.len() == 43)
        .map_or_else(random_token, str::to_owned);
    let hidden: Vec<(&str, &str)> = request
        .forwarded
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let usernames: Vec<&str> = state
        .config
        .users
        .iter()
        .map(|u| u.username.as_str())
        .collect();
    let page = html::login_page(
        &state.config.pool_id,
        &state.urls.endpoint(AUTHORIZE_PATH),
        &hidden,
        &csrf,
        username,
        error,
        &usernames,
    );
    let mut response = html_response(status, page);
    set_cookie(
        &mut response,
        cookie(state, &state.csrf_cookie, &csrf, SESSION_TTL_SECS, "Strict"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_challenge_shape() {
        assert!(is_s256_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!is_s256_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c"
        ));
        assert!(!is_s256_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"
        ));
    }

    #[test]
    fn append_query_keeps_existing_query() {
        assert_eq!(
            append_query(
                "http://127.0.0.1:3000/cb?x=1",
                &[("code", "a b"), ("state", "&")]
            ),
            "http://127.0.0.1:3000/cb?x=1&code=a+b&state=%26"
        );
    }
}
