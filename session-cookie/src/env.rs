//! The two things the wire format needs from its surroundings: the time and random bytes.
//!
//! Both are injected so that tests run under a frozen clock, and so that the crate runs where
//! `std::time::SystemTime::now` does not (wasm32-unknown-unknown inside a Lambda@Edge function).

use std::fmt;

use time::OffsetDateTime;

use crate::SessionCookieError;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
///
/// Do not use it on `wasm32-unknown-unknown`, which has no clock; pass the time in instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock frozen at one instant (tests, replaying recorded traffic, the CLI's `--now`).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl FixedClock {
    /// A clock frozen at `secs` seconds after the Unix epoch.
    pub fn at_unix(secs: i64) -> Self {
        FixedClock(OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// A cryptographically secure source of random bytes (IVs, `jti`, CSRF tokens, OAuth checks).
pub trait RandomSource: Send + Sync + fmt::Debug {
    /// Fill `dest` with random bytes.
    fn fill(&self, dest: &mut [u8]) -> Result<(), SessionCookieError>;
}

/// Random bytes from the operating system, via `getrandom`.
#[cfg(feature = "getrandom")]
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

#[cfg(feature = "getrandom")]
impl RandomSource for OsRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), SessionCookieError> {
        getrandom::fill(dest).map_err(|_| SessionCookieError::RandomSource)
    }
}

/// Random bytes from `rand`'s thread-local generator: ChaCha12, seeded and periodically
/// reseeded from the operating system. A CSPRNG like the OS's, without a system call for every
/// IV, `jti` and CSRF token (three per session read).
///
/// Two caveats of `rand`'s generator: it is not reseeded when a process forks or is restored
/// from a memory snapshot (use [`OsRandom`](crate::OsRandom) there), and it panics, rather than
/// returning an error, if the operating system cannot seed it at all (on Linux `getrandom(2)`
/// blocks until the pool is ready instead of failing).
#[cfg(feature = "thread-rng")]
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadRandom;

#[cfg(feature = "thread-rng")]
impl RandomSource for ThreadRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), SessionCookieError> {
        use rand::Rng as _;
        rand::rng().fill_bytes(dest);
        Ok(())
    }
}

/// Fill an array with random bytes.
pub(crate) fn random_array<const N: usize>(
    rng: &dyn RandomSource,
) -> Result<[u8; N], SessionCookieError> {
    let mut bytes = [0u8; N];
    rng.fill(&mut bytes)?;
    Ok(bytes)
}
