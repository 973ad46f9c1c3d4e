//! The admin UI under production rules and `--dev`: whose `return_url` gets the account, who
//! may frame it, and refused tokens throttled per client address.

mod support;

use axum::http::StatusCode;
use heart_integration::GuardOptions;
use heart_integration::store::Store;
use support::*;

const ZENDESK: &str = "https://omniwear.zendesk.com/admin/channels/return/k1";
const LOOPBACK: &str = "http://localhost:4567/admin/channels/return/k1";

fn open(return_url: &str, subdomain: &str) -> axum::http::Request<axum::body::Body> {
    form(
        "/admin_ui",
        &[
            ("return_url", return_url),
            ("subdomain", subdomain),
            ("locale", "de"),
            ("name", ""),
            ("metadata", ""),
            ("state", ""),
        ],
    )
}

fn save(return_url: &str, token: &str, client: &str) -> axum::http::Request<axum::body::Body> {
    let mut request = form(
        "/admin_ui/save",
        &[
            ("return_url", return_url),
            ("subdomain", "omniwear"),
            ("locale", "en"),
            ("previous_account", ""),
            ("name", "Omniwear"),
            ("account", ACCOUNT),
            ("token", token),
        ],
    );
    request
        .headers_mut()
        .insert("x-forwarded-for", client.parse().expect("header"));
    request
}

#[tokio::test]
async fn production_posts_back_to_zendesk_only_and_is_framed_by_zendesk_only() {
    let (router, _) = service_with(Store::memory(), GuardOptions::default(), settings());
    let ok = send(&router, open(ZENDESK, "omniwear")).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.text.contains("lang=\"de\""), "{}", ok.text);
    assert_eq!(
        ok.headers["content-security-policy"],
        "frame-ancestors https://*.zendesk.com"
    );
    for (url, subdomain) in [
        (LOOPBACK, "sandbox"),
        ("https://other.zendesk.com/x", "omniwear"),
        ("https://omniwear.zendesk.com.evil.example/x", "omniwear"),
    ] {
        let refused = send(&router, open(url, subdomain)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{url}");
        assert!(refused.headers.contains_key("content-security-policy"));
    }

    let saved = send(&router, save(ZENDESK, TOKEN, "203.0.113.1")).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert!(
        saved.text.contains(&format!("action=\"{ZENDESK}\"")),
        "{}",
        saved.text
    );
    assert!(
        saved
            .text
            .contains("&quot;account&quot;:&quot;omniwear&quot;")
    );
}

#[tokio::test]
async fn dev_takes_the_sandbox_on_loopback() {
    let mut dev = settings();
    dev.dev = true;
    let (router, _) = service_with(Store::memory(), GuardOptions::default(), dev);
    let ok = send(&router, open(LOOPBACK, "sandbox")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let policy = ok.headers["content-security-policy"]
        .to_str()
        .expect("text");
    assert!(policy.contains("https://*.zendesk.com") && policy.contains("http://localhost:*"));
}

#[tokio::test]
async fn refused_tokens_are_throttled_per_client_address() {
    let mut behind_proxy = settings();
    behind_proxy.trust_forwarded_for = true;
    behind_proxy.guesses.refusals = 3;
    let (router, service) = service_with(Store::memory(), GuardOptions::default(), behind_proxy);
    for _ in 0..3 {
        let a = send(&router, save(ZENDESK, "guess", "198.51.100.7")).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!a.text.contains("guess"), "the token is never echoed");
    }
    let verified = service.origin.inner().reads();
    let throttled = send(&router, save(ZENDESK, TOKEN, "198.51.100.7")).await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        throttled.text
    );
    assert_eq!(throttled.headers["retry-after"], "900");
    assert!(throttled.text.contains("Too many tokens were refused"));
    assert_eq!(
        service.origin.inner().reads(),
        verified,
        "no origin call while throttled"
    );
    // Another address is not held back.
    let other = send(&router, save(ZENDESK, TOKEN, "198.51.100.8")).await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.text);
}
