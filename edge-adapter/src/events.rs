//! CloudFront Lambda@Edge events: the four triggers' `Records[0].cf` request and response records.
//!
//! The shapes follow "Lambda@Edge event structure" in CloudFront's developer guide
//! (`aws_lambda_events` has no CloudFront types). Every struct keeps the members it does not
//! model in `extra`, and optional members stay absent when they came absent: a handler that
//! returns the request it was given hands back exactly what came in, plus its own changes —
//! CloudFront rejects a result that touches a read-only field, and may add fields this crate does
//! not know yet.
//!
//! ```
//! use edge_adapter::events::{CloudFrontEvent, EventType, Origin};
//!
//! let event: CloudFrontEvent = serde_json::from_str(r#"{"Records":[{"cf":{
//!   "config":{"distributionDomainName":"d111111abcdef8.cloudfront.net",
//!             "distributionId":"EDFDVBD6EXAMPLE","eventType":"origin-request",
//!             "requestId":"4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ=="},
//!   "request":{"clientIp":"203.0.113.178","method":"GET","uri":"/docs","querystring":"",
//!     "headers":{"host":[{"key":"Host","value":"bucket.s3.us-east-1.amazonaws.com"}]},
//!     "origin":{"s3":{"authMethod":"none","customHeaders":{},
//!       "domainName":"bucket.s3.us-east-1.amazonaws.com","path":""}}}}}]}"#)?;
//! let cf = event.cf().expect("one record");
//! assert_eq!(cf.config.event_type, EventType::OriginRequest);
//! assert!(matches!(cf.request.origin, Some(Origin::S3(_))));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Headers;

/// Members of a record this crate does not model, kept for the round trip.
pub type Extra = Map<String, Value>;

/// The event CloudFront passes to a Lambda@Edge function: `{"Records": [{"cf": ...}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudFrontEvent {
    /// Always exactly one record in practice.
    #[serde(rename = "Records")]
    pub records: Vec<Record>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CloudFrontEvent {
    /// The first record's `cf` object.
    pub fn cf(&self) -> Option<&Cf> {
        self.records.first().map(|r| &r.cf)
    }

    /// The first record's `cf` object, by value.
    pub fn into_cf(self) -> Option<Cf> {
        self.records.into_iter().next().map(|r| r.cf)
    }
}

/// One record: `{"cf": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The CloudFront part.
    pub cf: Cf,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `Records[0].cf`: the distribution and trigger, the request, and for response triggers the
/// response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cf {
    /// Which distribution and which trigger.
    pub config: EventConfig,
    /// The request (viewer-request: as the viewer sent it; origin-request: as CloudFront will
    /// send it to the origin).
    pub request: Request,
    /// The response, in origin-response and viewer-response events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Response>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `cf.config`. All read-only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventConfig {
    /// The distribution's own domain name, `d111111abcdef8.cloudfront.net`.
    pub distribution_domain_name: String,
    /// The distribution's id.
    pub distribution_id: String,
    /// Which trigger fired.
    pub event_type: EventType,
    /// The request id (`x-edge-request-id` in the access logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The four Lambda@Edge triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventType {
    /// Before the cache: every viewer request, cache hits included.
    ViewerRequest,
    /// On a cache miss, before CloudFront calls the origin.
    OriginRequest,
    /// After the origin answered, before the response is cached.
    OriginResponse,
    /// Before the response goes to the viewer.
    ViewerResponse,
}

impl EventType {
    /// The name CloudFront uses, `viewer-request` etc.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::ViewerRequest => "viewer-request",
            EventType::OriginRequest => "origin-request",
            EventType::OriginResponse => "origin-response",
            EventType::ViewerResponse => "viewer-response",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `cf.request`.
///
/// Read/write: `uri`, `querystring`, `headers`, `body` (with `action: "replace"`), and in origin
/// events `origin`. Read-only: `clientIp`, `method`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The viewer's address (or its proxy's).
    pub client_ip: String,
    /// The HTTP method.
    pub method: String,
    /// The path, starting with `/`, as the viewer sent it (percent-encoded).
    pub uri: String,
    /// The query string without `?`; empty when there is none.
    #[serde(default)]
    pub querystring: String,
    /// The request headers.
    #[serde(default)]
    pub headers: Headers,
    /// Where the request goes: origin-request events only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// The body, when the trigger has "include body" on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Request {
    /// Path and query string, as the viewer wrote them: `/account?tab=keys`.
    pub fn path_and_query(&self) -> String {
        if self.querystring.is_empty() {
            self.uri.clone()
        } else {
            format!("{}?{}", self.uri, self.querystring)
        }
    }
}

/// `cf.request.body`, present when the trigger includes the body.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Body {
    /// Whether Lambda@Edge cut the body (40 KB viewer, 1 MB origin). Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_truncated: Option<bool>,
    /// `read-only` (default) or `replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `base64` (what CloudFront sends) or `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The body, encoded as `encoding` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Request bodies carry passwords and tokens (form posts): length only.
        f.debug_struct("Body")
            .field("input_truncated", &self.input_truncated)
            .field("action", &self.action)
            .field("encoding", &self.encoding)
            .field("data_len", &self.data.as_ref().map(String::len))
            .finish_non_exhaustive()
    }
}

/// `cf.request.origin`: exactly one of an S3 origin or a custom origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// `{"s3": {...}}`: an S3 bucket (REST endpoint).
    S3(S3Origin),
    /// `{"custom": {...}}`: any HTTP(S) server, API Gateway included.
    Custom(CustomOrigin),
}

/// `origin.s3`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Origin {
    /// `origin-access-identity` or `none` (also `none` with Origin Access Control).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_method: Option<String>,
    /// Headers CloudFront adds for this origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<Headers>,
    /// The bucket's domain, `bucket.s3.us-east-1.amazonaws.com`.
    pub domain_name: String,
    /// Origin path prefix, `""` or `/prefix`.
    #[serde(default)]
    pub path: String,
    /// The bucket's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `origin.custom`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomOrigin {
    /// Headers CloudFront adds for this origin (e.g. a shared secret the origin checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<Headers>,
    /// The origin's domain, `abc123.execute-api.us-east-1.amazonaws.com`.
    pub domain_name: String,
    /// Seconds to keep the connection open (1–60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive_timeout: Option<u32>,
    /// Origin path prefix, `""` or `/prefix`.
    #[serde(default)]
    pub path: String,
    /// 80, 443 or 1024–65535.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// `http` or `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Seconds to wait for the origin (4–60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_timeout: Option<u32>,
    /// TLS versions CloudFront may use towards the origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_protocols: Option<Vec<String>>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `cf.response` of the response triggers, and the shape of a response a request trigger
/// generates instead of forwarding the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The status code, as a string (`"302"`), as CloudFront writes it.
    pub status: String,
    /// The reason phrase, `Found`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_description: Option<String>,
    /// The response headers.
    #[serde(default)]
    pub headers: Headers,
    /// A generated response's body (viewer triggers: at most 40 KB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `text` or `base64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_encoding: Option<String>,
    /// Unmodelled members.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Response {
    /// A generated response with a status and its reason phrase, no headers and no body.
    pub fn new(status: u16, description: &str) -> Self {
        Response {
            status: status.to_string(),
            status_description: Some(description.to_owned()),
            headers: Headers::new(),
            body: None,
            body_encoding: None,
            extra: Extra::new(),
        }
    }
}

/// What a handler gives back to CloudFront: the request to go on with, or a response.
///
/// Serializes as the bare request or response object, which is what the Node handler returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EdgeResult {
    /// Continue with this (possibly modified) request.
    Request(Box<Request>),
    /// Answer with this response (a generated one from a request trigger, or the possibly
    /// modified response of a response trigger).
    Response(Box<Response>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_members_survive() {
        let json = r#"{"clientIp":"203.0.113.1","method":"GET","uri":"/","querystring":"",
            "headers":{},"futureField":{"a":[1,2]},
            "origin":{"custom":{"domainName":"example.org","path":"","brandNew":true}}}"#;
        let request: Request = serde_json::from_str(json).unwrap();
        assert_eq!(request.extra["futureField"]["a"][1], 2);
        let Some(Origin::Custom(custom)) = &request.origin else {
            panic!("custom origin")
        };
        assert_eq!(custom.extra["brandNew"], true);
        let back: Value = serde_json::to_value(&request).unwrap();
        let original: Value = serde_json::from_str(json).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn origin_is_one_of_two() {
        let both = r#"{"s3":{"domainName":"b.s3.amazonaws.com"},"custom":{"domainName":"x"}}"#;
        assert!(serde_json::from_str::<Origin>(both).is_err());
        let neither = r#"{}"#;
        assert!(serde_json::from_str::<Origin>(neither).is_err());
    }

    #[test]
    fn body_debug_hides_data() {
        let body: Body = serde_json::from_str(
            r#"{"inputTruncated":false,"action":"read-only","encoding":"base64","data":"cGFzc3dvcmQ9aHVudGVyMg=="}"#,
        )
        .unwrap();
        assert!(!format!("{body:?}").contains("cGFzc3dvcmQ9"));
    }

    #[test]
    fn path_and_query() {
        let mut r: Request =
            serde_json::from_str(r#"{"clientIp":"::1","method":"GET","uri":"/a b"}"#).unwrap();
        assert_eq!(r.path_and_query(), "/a b");
        r.querystring = "x=1&y=%20".into();
        assert_eq!(r.path_and_query(), "/a b?x=1&y=%20");
    }
}
