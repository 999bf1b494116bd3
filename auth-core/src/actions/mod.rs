//! One file per action, as in Auth.js core.

pub(crate) mod callback;
pub(crate) mod csrf;
pub(crate) mod error;
pub(crate) mod log;
pub(crate) mod providers;
pub(crate) mod session;
pub(crate) mod signin;
pub(crate) mod signout;
