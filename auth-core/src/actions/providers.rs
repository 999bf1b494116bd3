//! `GET /providers`: the configured providers, as `next-auth/react`'s `getProviders()` reads
//! them.

use serde_json::{Map, Value, json};

use crate::config::AuthConfig;
use crate::response::Reply;

pub(crate) fn list(config: &AuthConfig, origin: &str) -> Reply {
    let base = format!("{origin}{}", config.base_path);
    let providers: Map<String, Value> = config
        .providers
        .iter()
        .map(|p| {
            let id = p.id();
            (
                id.to_owned(),
                json!({
                    "id": id,
                    "name": p.name(),
                    "type": p.kind(config.format),
                    "signinUrl": format!("{base}/signin/{id}"),
                    "callbackUrl": format!("{base}/callback/{id}"),
                }),
            )
        })
        .collect();
    Reply::json(Value::Object(providers))
}
