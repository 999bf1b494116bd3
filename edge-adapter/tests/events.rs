//! Serde round trips of the event shapes in CloudFront's developer guide ("Lambda@Edge event
//! structure"), and the typed view of each.

mod common;

use common::{fixture, fixture_text};
use edge_adapter::events::{CloudFrontEvent, EventType, Origin};
use serde_json::Value;

const FIXTURES: [&str; 6] = [
    "viewer-request.json",
    "viewer-request-api-body.json",
    "origin-request-s3.json",
    "origin-request-custom.json",
    "origin-response.json",
    "viewer-response.json",
];

#[test]
fn every_fixture_round_trips_exactly() {
    for name in FIXTURES {
        let text = fixture_text(name);
        let original: Value = serde_json::from_str(&text).unwrap();
        let event: CloudFrontEvent = serde_json::from_str(&text).unwrap();
        let back = serde_json::to_value(&event).unwrap();
        assert_eq!(back, original, "{name}");
        // Struct members come out in declaration order (meaningless in JSON), but headers keep
        // the order they arrived in.
        let names = |v: &Value| -> Vec<String> {
            v["Records"][0]["cf"]["request"]["headers"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(names(&back), names(&original), "{name}: header order");
    }
}

#[test]
fn viewer_request_fields() {
    let event = fixture("viewer-request.json");
    let cf = event.cf().unwrap();
    assert_eq!(cf.config.event_type, EventType::ViewerRequest);
    assert_eq!(
        cf.config.distribution_domain_name,
        "d2example7q9abc.cloudfront.net"
    );
    assert!(cf.config.request_id.is_some());
    assert_eq!(cf.request.method, "GET");
    assert_eq!(cf.request.uri, "/account/settings");
    assert_eq!(
        cf.request.path_and_query(),
        "/account/settings?tab=keys&sort=new"
    );
    assert_eq!(cf.request.headers.first("Host"), Some("www.example.com"));
    assert_eq!(
        cf.request.headers.get("user-agent").unwrap()[0]
            .key
            .as_deref(),
        Some("User-Agent")
    );
    assert!(cf.request.origin.is_none());
    assert!(cf.response.is_none());
}

#[test]
fn request_body() {
    let event = fixture("viewer-request-api-body.json");
    let body = event.cf().unwrap().request.body.as_ref().unwrap();
    assert_eq!(body.input_truncated, Some(false));
    assert_eq!(body.action.as_deref(), Some("read-only"));
    assert_eq!(body.encoding.as_deref(), Some("base64"));
    assert_eq!(body.data.as_deref(), Some("eyJ0aXRsZSI6Im5vdGUifQ=="));
}

#[test]
fn s3_and_custom_origins() {
    let event = fixture("origin-request-s3.json");
    let Some(Origin::S3(s3)) = &event.cf().unwrap().request.origin else {
        panic!("s3 origin")
    };
    assert_eq!(s3.auth_method.as_deref(), Some("none"));
    assert_eq!(s3.domain_name, "nextauth-export.s3.us-east-1.amazonaws.com");
    assert_eq!(s3.region.as_deref(), Some("us-east-1"));
    assert!(s3.custom_headers.as_ref().unwrap().is_empty());
    // Two `Cookie` lines stay two lines.
    assert_eq!(
        event
            .cf()
            .unwrap()
            .request
            .headers
            .get("cookie")
            .unwrap()
            .len(),
        2
    );

    let event = fixture("origin-request-custom.json");
    let Some(Origin::Custom(custom)) = &event.cf().unwrap().request.origin else {
        panic!("custom origin")
    };
    assert_eq!(custom.port, Some(443));
    assert_eq!(custom.protocol.as_deref(), Some("https"));
    assert_eq!(custom.read_timeout, Some(30));
    assert_eq!(custom.keepalive_timeout, Some(5));
    assert_eq!(
        custom.ssl_protocols.as_deref(),
        Some(&["TLSv1.2".to_owned()][..])
    );
    assert_eq!(
        custom
            .custom_headers
            .as_ref()
            .unwrap()
            .first("x-origin-verify"),
        Some("shared-with-the-origin")
    );
}

#[test]
fn response_records() {
    for (name, event_type, status) in [
        ("origin-response.json", EventType::OriginResponse, "200"),
        ("viewer-response.json", EventType::ViewerResponse, "200"),
    ] {
        let event = fixture(name);
        let cf = event.cf().unwrap();
        assert_eq!(cf.config.event_type, event_type);
        let response = cf.response.as_ref().unwrap();
        assert_eq!(response.status, status);
        assert_eq!(response.status_description.as_deref(), Some("OK"));
        assert!(response.headers.contains("content-type"));
    }
    let event = fixture("viewer-response.json");
    let response = event.cf().unwrap().response.as_ref().unwrap();
    assert_eq!(response.headers.values("set-cookie").count(), 2);
}

#[test]
fn documented_minimal_event_and_unknown_event_type() {
    // The shortest request the guide shows: no querystring member at all is tolerated.
    let minimal = r#"{"Records":[{"cf":{"config":{"distributionDomainName":"d.cloudfront.net",
        "distributionId":"E1","eventType":"viewer-request"},
        "request":{"clientIp":"198.51.100.1","method":"GET","uri":"/","headers":{}}}}]}"#;
    let event: CloudFrontEvent = serde_json::from_str(minimal).unwrap();
    assert_eq!(event.cf().unwrap().request.querystring, "");

    let unknown = minimal.replace("viewer-request", "origin-shield");
    assert!(serde_json::from_str::<CloudFrontEvent>(&unknown).is_err());
}
