//! The strict JSON reader every token decoder goes through: never a panic, and its verdict
//! agrees with serde_json's except where a member name repeats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use session_cookie::{SessionCookieError, json};

fuzz_target!(|data: &[u8]| {
    let checked = json::ensure_unique_members(data);
    let built = json::object_from_slice(data);
    assert_eq!(
        checked.is_ok(),
        built.is_ok(),
        "one verdict for both entry points"
    );
    let plain = serde_json::from_slice::<serde_json::Value>(data);
    match (built, plain) {
        (Ok(map), Ok(value)) => assert_eq!(serde_json::Value::Object(map), value),
        (Ok(_), Err(_)) => panic!("accepted what serde_json refuses"),
        (Err(SessionCookieError::DuplicateMember), Ok(_)) => {}
        (Err(_), Ok(value)) => assert!(!value.is_object(), "refused a plain object"),
        (Err(_), Err(_)) => {}
    }
});
