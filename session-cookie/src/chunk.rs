//! The session cookie, split into chunks when the token outgrows one cookie.
//!
//! Writing and clearing produce exactly the `Set-Cookie` lines of next-auth's `SessionStore`.
//! Reading is stricter: next-auth concatenates every cookie whose name merely *starts with* the
//! session cookie name (so a `next-auth.session-token-x` planted from a sibling domain is glued
//! in); here only `<name>` and `<name>.<n>` count, `<n>` in canonical decimal, empty values are
//! ignored, the numbers must run `0, 1, ...` without a gap, and an unchunked cookie next to chunks
//! is refused as ambiguous rather than concatenated.

use std::borrow::Cow;

use time::OffsetDateTime;

use crate::error::ChunkProblem;
use crate::{CookieNames, RequestCookies, SessionCookieError, SetCookie};

/// At most this many chunks are read (64 × 3.9 KB is far beyond any header limit).
pub const MAX_CHUNKS: usize = 64;

/// Where a request cookie sits in the session cookie set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Unchunked,
    Chunk(usize),
}

/// The session cookie as a request carried it, ready to be read, re-written or cleared.
///
/// ```
/// use session_cookie::{CookieNames, RequestCookies, SessionCookie, WireFormat};
///
/// let names = CookieNames::new(WireFormat::NextAuthV4, false);
/// let cookies = RequestCookies::parse("next-auth.session-token.1=def; next-auth.session-token.0=abc");
/// let session = SessionCookie::from_request(&cookies, &names);
/// assert_eq!(session.token()?, Some("abcdef"));
///
/// // Sign-out: one clearing Set-Cookie per chunk the browser holds.
/// let cleared: Vec<String> = session.clear().iter().map(ToString::to_string).collect();
/// assert_eq!(cleared, [
///     "next-auth.session-token.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
///     "next-auth.session-token.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
/// ]);
/// # Ok::<(), session_cookie::SessionCookieError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SessionCookie<'a> {
    name: Cow<'a, str>,
    secure: bool,
    chunk_size: usize,
    /// Every slot the request carried (empty values included), sorted.
    present: Vec<Slot>,
    token: Result<Option<Cow<'a, str>>, ChunkProblem>,
}

impl<'a> SessionCookie<'a> {
    /// Find the session cookie (and its chunks) among the request's cookies.
    pub fn from_request(cookies: &'a RequestCookies<'_>, names: &'a CookieNames) -> Self {
        Self::read(
            cookies,
            names.session_token(),
            names.secure(),
            names.format().chunk_size(),
        )
    }

    /// Like [`from_request`](Self::from_request) for an explicit cookie name and chunk size.
    pub fn read(
        cookies: &'a RequestCookies<'_>,
        name: &'a str,
        secure: bool,
        chunk_size: usize,
    ) -> Self {
        let mut present = Vec::new();
        let mut unchunked = None;
        let mut chunks: Vec<(usize, &'a str)> = Vec::new();
        let mut too_many = false;
        let mut foreign_prefixed = false;
        let mut quoted = false;
        for (cookie_name, value, value_quoted) in cookies.iter_quoted() {
            let Some(slot) = slot_of(cookie_name, name) else {
                // next-auth reads every cookie whose name starts with the session cookie's as
                // a chunk; such a neighbour breaks its session, so it breaks ours too.
                foreign_prefixed |= cookie_name.starts_with(name) && !value.is_empty();
                continue;
            };
            quoted |= value_quoted;
            if let Slot::Chunk(i) = slot
                && i >= MAX_CHUNKS
            {
                too_many = true;
                continue;
            }
            present.push(slot);
            if value.is_empty() {
                continue;
            }
            match slot {
                Slot::Unchunked => unchunked = Some(value),
                Slot::Chunk(i) => chunks.push((i, value)),
            }
        }
        present.sort_unstable();
        chunks.sort_unstable_by_key(|&(i, _)| i);

        let token = if too_many {
            Err(ChunkProblem::TooManyChunks)
        } else if foreign_prefixed {
            Err(ChunkProblem::ForeignPrefixed)
        } else if quoted {
            Err(ChunkProblem::Quoted)
        } else {
            match (unchunked, chunks.is_empty()) {
                (None, true) => Ok(None),
                (Some(value), true) => Ok(Some(Cow::Borrowed(value))),
                (Some(_), false) => Err(ChunkProblem::Ambiguous),
                (None, false) if chunks.iter().enumerate().any(|(n, &(i, _))| n != i) => {
                    Err(ChunkProblem::MissingChunk)
                }
                (None, false) if chunks.len() == 1 => Ok(Some(Cow::Borrowed(chunks[0].1))),
                (None, false) => Ok(Some(Cow::Owned(chunks.iter().map(|&(_, v)| v).collect()))),
            }
        };
        SessionCookie {
            name: Cow::Borrowed(name),
            secure,
            chunk_size,
            present,
            token,
        }
    }

    /// The reassembled token: `Ok(None)` when the request has no session cookie, an
    /// [`SessionCookieError::InvalidChunks`] when its chunks do not fit together.
    pub fn token(&self) -> Result<Option<&str>, SessionCookieError> {
        match &self.token {
            Ok(token) => Ok(token.as_deref()),
            Err(problem) => Err(SessionCookieError::InvalidChunks(*problem)),
        }
    }

    /// The names of the session cookies the request carried, in the order they are cleared.
    pub fn present_names(&self) -> Vec<String> {
        self.present.iter().map(|&s| self.name_of(s)).collect()
    }

    /// The `Set-Cookie` lines that store `token`, replacing what the request carried.
    ///
    /// As next-auth: a clearing entry for every cookie present, then each new cookie overwrites
    /// the clearing entry of the same name in place or is appended. A token of up to
    /// `chunk_size` characters goes into the unchunked cookie, a longer one into `.0`, `.1`, ...
    /// New cookies carry `Expires = expires`. An empty token writes nothing (only the clearing
    /// entries).
    ///
    /// Tokens are ASCII (they are JWEs); a non-ASCII token is cut at character boundaries.
    pub fn write(&self, token: &str, expires: OffsetDateTime) -> Vec<SetCookie> {
        let mut out = self.clear();
        let count = token.len().div_ceil(self.chunk_size);
        let mut place = |name: String, value: &str| {
            let cookie = SetCookie::new(name, value, self.secure).with_expires(expires);
            match out.iter_mut().find(|c| c.name() == cookie.name()) {
                Some(slot) => *slot = cookie,
                None => out.push(cookie),
            }
        };
        if count == 1 {
            place(self.name_of(Slot::Unchunked), token);
        } else {
            for (i, chunk) in split_chunks(token, self.chunk_size).enumerate() {
                place(self.name_of(Slot::Chunk(i)), chunk);
            }
        }
        out
    }

    /// One clearing `Set-Cookie` per session cookie the request carried (sign-out, or a token
    /// that fails to decode).
    pub fn clear(&self) -> Vec<SetCookie> {
        self.present
            .iter()
            .map(|&slot| SetCookie::clearing(self.name_of(slot), self.secure))
            .collect()
    }

    fn name_of(&self, slot: Slot) -> String {
        match slot {
            Slot::Unchunked => self.name.to_string(),
            Slot::Chunk(i) => format!("{}.{i}", self.name),
        }
    }
}

/// `name` → unchunked, `name.<canonical decimal>` → chunk, anything else → not ours.
fn slot_of(cookie_name: &str, session_name: &str) -> Option<Slot> {
    let rest = cookie_name.strip_prefix(session_name)?;
    if rest.is_empty() {
        return Some(Slot::Unchunked);
    }
    let digits = rest.strip_prefix('.')?;
    let canonical = !digits.is_empty()
        && digits.len() <= 4
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical
        .then(|| digits.parse().ok().map(Slot::Chunk))
        .flatten()
}

/// Split into pieces of at most `size` bytes, never inside a character.
fn split_chunks(mut text: &str, size: usize) -> impl Iterator<Item = &str> {
    std::iter::from_fn(move || {
        if text.is_empty() {
            return None;
        }
        let mut end = size.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end == 0 {
            // A single character wider than the chunk size: emit it whole.
            end = text.chars().next().map_or(text.len(), char::len_utf8);
        }
        let (chunk, rest) = text.split_at(end);
        text = rest;
        Some(chunk)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the differential suite: next-auth joins `<name>-x` into the token (and fails),
    /// and @auth/core keeps a quoted value quoted (and fails); both were sessions here.
    #[test]
    fn a_foreign_prefixed_neighbour_or_a_quoted_value_is_no_session() {
        let n = "__Secure-next-auth.session-token";
        let read = |header: &str| {
            let cookies = RequestCookies::parse(header);
            SessionCookie::read(&cookies, n, true, 3933)
                .token()
                .map(|t| t.map(str::to_owned))
        };
        assert_eq!(read(&format!("{n}=tok")), Ok(Some("tok".to_owned())));
        assert_eq!(
            read(&format!("{n}-foo=bar; {n}=tok")),
            Err(SessionCookieError::InvalidChunks(
                ChunkProblem::ForeignPrefixed
            ))
        );
        assert_eq!(
            read(&format!("{n}-foo=; {n}=tok")),
            Ok(Some("tok".to_owned())),
            "an empty neighbour changes nothing for either package"
        );
        assert_eq!(
            read(&format!("{n}=\"tok\"")),
            Err(SessionCookieError::InvalidChunks(ChunkProblem::Quoted))
        );
        assert_eq!(
            read(&format!("other=\"q\"; {n}=tok")),
            Ok(Some("tok".to_owned())),
            "only the session's own value counts"
        );
    }

    #[test]
    fn slots() {
        let n = "next-auth.session-token";
        assert_eq!(slot_of(n, n), Some(Slot::Unchunked));
        assert_eq!(
            slot_of("next-auth.session-token.0", n),
            Some(Slot::Chunk(0))
        );
        assert_eq!(
            slot_of("next-auth.session-token.12", n),
            Some(Slot::Chunk(12))
        );
        for other in [
            "next-auth.session-token-extra",
            "next-auth.session-token.",
            "next-auth.session-token.01",
            "next-auth.session-token.+1",
            "next-auth.session-token.1.2",
            "next-auth.session-token.99999",
            "next-auth.session-tokenx",
        ] {
            assert_eq!(slot_of(other, n), None, "{other}");
        }
    }

    #[test]
    fn split_respects_char_boundaries() {
        let chunks: Vec<_> = split_chunks("aéb", 2).collect();
        assert_eq!(chunks, ["a", "é", "b"]);
        assert_eq!(split_chunks("", 3).count(), 0);
    }

    #[test]
    fn gaps_and_ambiguity_are_refused() {
        let names = CookieNames::new(crate::WireFormat::NextAuthV4, false);
        let read = |h: &str| {
            let c = RequestCookies::parse(h);
            SessionCookie::from_request(&c, &names)
                .token()
                .map(|t| t.map(str::to_owned))
        };
        assert_eq!(read(""), Ok(None));
        assert_eq!(
            read("next-auth.session-token.1=b"),
            Err(SessionCookieError::InvalidChunks(
                ChunkProblem::MissingChunk
            ))
        );
        assert_eq!(
            read("next-auth.session-token=a; next-auth.session-token.0=b"),
            Err(SessionCookieError::InvalidChunks(ChunkProblem::Ambiguous))
        );
        assert_eq!(
            read("next-auth.session-token=a; next-auth.session-token.0="),
            Ok(Some("a".into()))
        );
        assert_eq!(
            read("next-auth.session-token.64=a"),
            Err(SessionCookieError::InvalidChunks(
                ChunkProblem::TooManyChunks
            ))
        );
    }
}
