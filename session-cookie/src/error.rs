//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong while reading or writing NextAuth cookies.
///
/// Messages never contain secrets, key material, token bytes or claim values, so an error can be
/// logged as is. [`SessionCookieError::reason`] gives the stable, machine-readable code used by the
/// shared test vectors (`decryption_failed`, `expired`, ...).
///
/// When a session fails to decode, the HTTP layer should treat every variant alike ("no session")
/// so that the answer is no oracle; the variant is for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionCookieError {
    /// The token (or the reassembled cookie value) is empty.
    #[error("the token is empty")]
    EmptyToken,

    /// The token is longer than the codec's limit (see [`crate::DEFAULT_MAX_TOKEN_LEN`]).
    #[error("the token is {len} bytes long, above the limit of {max} bytes")]
    TokenTooLarge {
        /// Length of the rejected token.
        len: usize,
        /// The configured limit.
        max: usize,
    },

    /// The token is not a well-formed compact JWE.
    #[error("malformed JWE: {0}")]
    MalformedJwe(Malformed),

    /// The protected header asks for an algorithm pair this crate does not accept.
    #[error("JWE algorithm not allowed (alg {alg:?}, enc {enc:?})")]
    AlgorithmNotAllowed {
        /// The header's `alg`, truncated to 32 characters.
        alg: String,
        /// The header's `enc`, truncated to 32 characters.
        enc: String,
    },

    /// The protected header asks for compressed content (`zip`), which is never emitted by
    /// next-auth and is refused here (DEFLATE bombs).
    #[error("compressed JWE content (zip) is not accepted")]
    CompressionNotAllowed,

    /// The token names a key id (`kid`) that none of the configured secrets produces.
    #[error("no configured secret matches the token's key id")]
    NoMatchingSecret,

    /// The authentication tag did not verify (wrong secret, wrong salt or tampering).
    #[error("decryption failed")]
    DecryptionFailed,

    /// The decrypted payload is not a JSON object.
    #[error("the payload is not a JSON object")]
    PayloadNotJsonObject,

    /// A JSON object in the token (payload or header) names a member twice. `JSON.parse` keeps
    /// the last one, other parsers the first or neither; neither package ever writes such a
    /// token, so it is refused (see [`crate::json`]).
    #[error("a JSON object in the token names a member twice")]
    DuplicateMember,

    /// A registered claim has the wrong type or fails its time check (`nbf` in the future).
    #[error("the {0} claim is invalid")]
    ClaimInvalid(&'static str),

    /// The `exp` claim lies more than the clock tolerance in the past.
    #[error("the token has expired")]
    Expired,

    /// The session cookie's chunks cannot be put together.
    #[error("session cookie chunks are inconsistent: {0}")]
    InvalidChunks(ChunkProblem),

    /// No token in the request, or an `Authorization` header that is not `Bearer <token>` with
    /// valid percent-encoding.
    #[error("no token in the request or a malformed Authorization header")]
    NoTokenOrBadHeader,

    /// A secret was empty; HKDF (and next-auth) refuse empty keying material.
    #[error("a secret must not be empty")]
    EmptySecret,

    /// No secret was given at all.
    #[error("at least one secret is required")]
    NoSecret,

    /// The claims passed to an encoder do not serialize to a JSON object.
    #[error("claims must serialize to a JSON object")]
    ClaimsNotObject,

    /// The typed claims could not be built from the decoded payload.
    #[error("the claims do not have the expected shape: {0}")]
    ClaimsShape(String),

    /// The random source failed.
    #[error("the random source failed")]
    RandomSource,

    /// A wire format name other than `v4` or `v5`.
    #[error("expected the wire format v4 or v5")]
    UnknownWireFormat,

    /// A public origin that is not `http(s)://host[:port]`.
    #[error("the public origin must be http(s)://host[:port], without a path")]
    MalformedOrigin,

    /// An OAuth check cookie (state, PKCE, nonce) is absent.
    #[error("the {0} check cookie is missing")]
    CheckMissing(&'static str),

    /// An OAuth check cookie was sealed for another provider.
    #[error("the {0} check cookie was created for another provider")]
    CheckProviderMismatch(&'static str),

    /// An OAuth check cookie decrypted but carries no usable value.
    #[error("the {0} check cookie has no value")]
    CheckValueMissing(&'static str),
}

impl SessionCookieError {
    /// The stable reason code of this error, in the vocabulary of the shared test vectors and of
    /// the `nextauth-cookie` CLI.
    pub fn reason(&self) -> &'static str {
        match self {
            SessionCookieError::EmptyToken => "empty_token",
            SessionCookieError::TokenTooLarge { .. }
            | SessionCookieError::MalformedJwe(_)
            | SessionCookieError::InvalidChunks(_) => "malformed_jwe",
            SessionCookieError::AlgorithmNotAllowed { .. }
            | SessionCookieError::CompressionNotAllowed => "alg_not_allowed",
            SessionCookieError::NoMatchingSecret => "no_matching_secret",
            SessionCookieError::DecryptionFailed => "decryption_failed",
            SessionCookieError::PayloadNotJsonObject => "payload_not_json_object",
            SessionCookieError::DuplicateMember => "duplicate_member",
            SessionCookieError::ClaimInvalid(_) | SessionCookieError::ClaimsShape(_) => {
                "claim_invalid"
            }
            SessionCookieError::Expired => "expired",
            SessionCookieError::NoTokenOrBadHeader => "no_token_or_bad_header",
            SessionCookieError::EmptySecret | SessionCookieError::NoSecret => "invalid_secret",
            SessionCookieError::ClaimsNotObject => "payload_not_json_object",
            SessionCookieError::RandomSource => "random_source_failed",
            SessionCookieError::CheckMissing(_) => "check_missing",
            SessionCookieError::CheckProviderMismatch(_) => "check_provider_mismatch",
            SessionCookieError::CheckValueMissing(_) => "check_value_missing",
            SessionCookieError::UnknownWireFormat | SessionCookieError::MalformedOrigin => {
                "invalid_setting"
            }
        }
    }

    pub(crate) fn alg_not_allowed(alg: &str, enc: &str) -> Self {
        SessionCookieError::AlgorithmNotAllowed {
            alg: truncate(alg),
            enc: truncate(enc),
        }
    }
}

/// Header values come from the wire; keep what we echo into logs short.
fn truncate(s: &str) -> String {
    s.chars().take(32).collect()
}

/// Why a token is not a well-formed compact JWE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Not exactly five `.`-separated segments.
    SegmentCount,
    /// A segment is not canonical unpadded base64url.
    Base64,
    /// The protected header is not a JSON object with string `alg` and `enc`.
    Header,
    /// The header lists critical extensions (`crit`), none of which are understood here.
    CriticalHeader,
    /// `alg: "dir"` with a non-empty encrypted-key segment.
    UnexpectedEncryptedKey,
    /// The derived key does not fit the content encryption algorithm (e.g. `A128GCM` with the
    /// 32-byte v4 key) — next-auth rejects these the same way.
    KeyLength,
    /// The initialization vector has the wrong length for the algorithm.
    IvLength,
    /// The authentication tag has the wrong length for the algorithm.
    TagLength,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Malformed::SegmentCount => "expected five segments",
            Malformed::Base64 => "a segment is not canonical base64url",
            Malformed::Header => "invalid protected header",
            Malformed::CriticalHeader => "unsupported critical header parameters",
            Malformed::UnexpectedEncryptedKey => "unexpected encrypted key for alg dir",
            Malformed::KeyLength => "content encryption key length does not fit enc",
            Malformed::IvLength => "invalid initialization vector length",
            Malformed::TagLength => "invalid authentication tag length",
        })
    }
}

/// Why a chunked session cookie cannot be reassembled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkProblem {
    /// Both the unchunked cookie and numbered chunks are present (a stale cookie that was not
    /// cleared); next-auth would concatenate them into garbage.
    Ambiguous,
    /// The chunk numbers do not run 0, 1, ... without a gap.
    MissingChunk,
    /// More chunks than [`crate::chunk::MAX_CHUNKS`].
    TooManyChunks,
    /// A session cookie whose name merely starts with the session cookie's name
    /// (`next-auth.session-token-x`): next-auth joins it into the token, which then fails.
    ForeignPrefixed,
    /// A session cookie value in double quotes: never written by the packages, unquoted by
    /// next-auth 4 and kept quoted (so refused) by @auth/core.
    Quoted,
}

impl fmt::Display for ChunkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChunkProblem::Ambiguous => "both an unchunked cookie and chunks are present",
            ChunkProblem::MissingChunk => "a chunk is missing",
            ChunkProblem::TooManyChunks => "too many chunks",
            ChunkProblem::ForeignPrefixed => {
                "another cookie's name starts with the session cookie's"
            }
            ChunkProblem::Quoted => "the session cookie's value is in double quotes",
        })
    }
}
