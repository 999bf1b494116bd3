//! The crate's one error type.

/// Everything that can go wrong while configuring the edge or reading an event.
///
/// A *session* that fails to decode is not an error: the gate answers with a redirect or a 401
/// (see [`Decision`](crate::Decision)). These errors are about the deployment itself — a bad
/// configuration, or an event CloudFront would never send — and the Node handler lets them
/// surface as a failed invocation, so CloudFront answers 5xx: the edge fails closed.
///
/// Messages never contain secrets, cookie values or request bodies: Lambda writes them to its
/// logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EdgeError {
    /// The configuration file is not valid JSON or lacks a required member.
    #[error("invalid edge configuration: {0}")]
    Config(String),

    /// A path pattern or static-export route cannot be parsed.
    #[error("invalid path pattern {pattern:?}: {reason}")]
    Pattern {
        /// The pattern as written (configuration, never request data).
        pattern: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A header name in the configuration is not a valid lower-case name, or is one Lambda@Edge
    /// refuses to let a function set.
    #[error("header name {name:?} cannot be used here: {reason}")]
    HeaderName {
        /// The name as written in the configuration.
        name: String,
        /// Why it is refused.
        reason: &'static str,
    },

    /// The public origin is not `http(s)://host[:port]`.
    #[error("the public origin must be http(s)://host[:port] without path, query or credentials")]
    PublicOrigin,

    /// The secrets are unusable (none, or an empty one).
    #[error("invalid secret configuration: {0}")]
    Secret(#[source] session_cookie::SessionCookieError),

    /// The event is not a CloudFront Lambda@Edge event this crate understands.
    #[error("invalid CloudFront event: {0}")]
    Event(String),

    /// The current time given to a handler is not a valid Unix timestamp.
    #[error("the current time is not a valid Unix timestamp")]
    Clock,
}

impl EdgeError {
    /// A JSON error, described without echoing the input: serde_json's messages can quote parts
    /// of the document (header values, cookies), so only the category and position are kept.
    pub(crate) fn from_json(context: &str, error: &serde_json::Error) -> String {
        use serde_json::error::Category;
        let category = match error.classify() {
            Category::Io => "I/O error",
            Category::Syntax => "syntax error",
            Category::Data => "unexpected shape",
            Category::Eof => "unexpected end",
        };
        format!(
            "{context}: {category} at line {} column {}",
            error.line(),
            error.column()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_do_not_echo_input() {
        let secret_looking = r#"{"Records": "next-auth.session-token=very-secret-value"}"#;
        let err = serde_json::from_str::<Vec<u8>>(secret_looking).unwrap_err();
        let message = EdgeError::Event(EdgeError::from_json("event", &err)).to_string();
        assert!(!message.contains("very-secret"), "{message}");
        assert!(message.contains("line 1"), "{message}");
    }
}
