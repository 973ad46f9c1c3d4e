//! The service through its router, over an origin of the test's own: the heart's two calls,
//! the production rules, and how the cache, single-flight and budget spare the origin.

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use heart_integration::GuardOptions;
use heart_integration::origin::OriginError;
use heart_integration::store::{Bucket, Store};
use support::*;

fn no_cache() -> GuardOptions {
    GuardOptions {
        ttl: Duration::ZERO,
        ..GuardOptions::default()
    }
}

#[tokio::test]
async fn reads_and_sets_as_the_business_account() {
    let (router, service) = service_with(Store::memory(), no_cache(), settings());
    let read = send(&router, proxied("/like_state", TOKEN, OWN, None)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(
        read.json(),
        serde_json::json!({"liked": false, "like_count": 41, "account": "@omniwear"})
    );
    let set = send(&router, proxied("/like", TOKEN, MENTIONED, Some(true))).await;
    assert_eq!(set.json()["liked"], true, "{}", set.text);
    assert_eq!(set.json()["like_count"], 42);
    assert!(service.origin_ref().liked(MENTIONED));
}

/// The service's origin, for the tests' counters.
trait OriginRef {
    fn origin_ref(&self) -> &TestOrigin;
}

impl OriginRef for Arc<heart_integration::Integration<TestOrigin>> {
    fn origin_ref(&self) -> &TestOrigin {
        self.origin.inner()
    }
}

#[tokio::test]
async fn foreign_missing_and_misshapen_photos_get_one_answer() {
    let (router, service) = service_with(Store::memory(), no_cache(), settings());
    let mut bodies = Vec::new();
    for photo in [FOREIGN, "ig:404", "ig:1/../admin", "", "ig:1?x=1"] {
        for (path, liked) in [("/like_state", None), ("/like", Some(true))] {
            let a = send(&router, proxied(path, TOKEN, photo, liked)).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{photo:?} {path}");
            bodies.push(a.text);
        }
    }
    bodies.dedup();
    assert_eq!(bodies.len(), 1, "one body for all: {bodies:?}");
    assert!(!service.origin_ref().liked(FOREIGN));
    // The misshapen ones never reached the origin: two reads per well-shaped id and path.
    assert_eq!(service.origin_ref().reads(), 4);
    assert_eq!(service.origin_ref().writes(), 0);
}

#[tokio::test]
async fn an_origin_failure_says_nothing_of_the_origin() {
    let (router, service) = service_with(Store::memory(), no_cache(), settings());
    for (fail, status) in [
        (OriginError::Unavailable("timeout"), StatusCode::BAD_GATEWAY),
        (OriginError::Unauthorized, StatusCode::UNAUTHORIZED),
        (
            OriginError::RateLimited(Some(Duration::from_millis(1_500))),
            StatusCode::TOO_MANY_REQUESTS,
        ),
    ] {
        *service.origin_ref().fail.lock().expect("fail") = Some(fail.clone());
        let a = send(&router, proxied("/like_state", TOKEN, OWN, None)).await;
        assert_eq!(a.status, status, "{fail:?}");
        assert!(
            !a.text.contains(TOKEN) && !a.text.contains("timeout"),
            "{}",
            a.text
        );
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(a.headers["retry-after"], "2");
        }
    }
    // A wrong token is the origin's refusal too, and its metadata is not echoed.
    *service.origin_ref().fail.lock().expect("fail") = None;
    let a = send(&router, proxied("/like", "guess", OWN, Some(true))).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(!a.text.contains("guess"), "{}", a.text);
}

#[tokio::test]
async fn the_manifest_and_health_check_cost_no_origin_call() {
    let (router, service) = service_with(Store::memory(), GuardOptions::default(), settings());
    let manifest = send(
        &router,
        axum::http::Request::get("/manifest.json")
            .body(axum::body::Body::empty())
            .expect("request"),
    )
    .await;
    let m = manifest.json();
    assert_eq!(m["urls"]["admin_ui"], "https://heart.example.com/admin_ui");
    assert_eq!(m["urls"]["pull_url"], "https://heart.example.com/pull");
    let health = send(
        &router,
        axum::http::Request::get("/healthcheck")
            .body(axum::body::Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["store"], "memory");
    assert_eq!(
        service.origin_ref().reads() + service.origin_ref().writes(),
        0
    );
}

#[tokio::test]
async fn many_agents_reading_one_photo_cost_one_read_per_ttl() {
    let guard = GuardOptions {
        ttl: Duration::from_secs(60),
        ..GuardOptions::default()
    };
    let (router, service) = service_with(Store::memory(), guard, settings());
    *service.origin_ref().delay.lock().expect("delay") = Duration::from_millis(30);
    let reads: Vec<_> = (0..50)
        .map(|_| {
            let router = router.clone();
            tokio::spawn(
                async move { send(&router, proxied("/like_state", TOKEN, OWN, None)).await },
            )
        })
        .collect();
    for read in reads {
        let a = read.await.expect("read");
        assert_eq!(a.json()["liked"], false, "{}", a.text);
    }
    // One relation and one like-state, for fifty agents at once.
    assert_eq!(service.origin_ref().reads(), 2);
    // A set goes to the origin and writes its state through: the next read is a hit.
    let set = send(&router, proxied("/like", TOKEN, OWN, Some(true))).await;
    assert_eq!(set.json()["liked"], true);
    let after = send(&router, proxied("/like_state", TOKEN, OWN, None)).await;
    assert_eq!(after.json()["liked"], true);
    assert_eq!(service.origin_ref().reads(), 2);
    assert_eq!(service.origin_ref().writes(), 1);
    // Another token is another key: it is checked with the origin, never served from the cache.
    let other = send(&router, proxied("/like_state", "stolen", OWN, None)).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_spent_budget_answers_429_and_keeps_room_for_likes() {
    let guard = GuardOptions {
        ttl: Duration::ZERO,
        budget: Some(Bucket {
            capacity: 10,
            per: Duration::from_secs(3_600),
        }),
        ..GuardOptions::default()
    };
    let (router, service) = service_with(Store::memory(), guard, settings());
    // Each read is two origin calls; reads stop at the reserve of two calls.
    let mut reads = Vec::new();
    for _ in 0..6 {
        reads.push(send(&router, proxied("/like_state", TOKEN, OWN, None)).await);
    }
    let ok = reads.iter().filter(|a| a.status == StatusCode::OK).count();
    assert_eq!(ok, 4, "{reads:?}");
    let refused = reads.last().expect("a refused read");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=720).contains(&wait), "{wait}");
    assert_eq!(service.origin_ref().reads(), 8);
    // A like goes through on the reserve: its check of the photo and the like itself.
    let like = send(&router, proxied("/like", TOKEN, OWN, Some(true))).await;
    assert_eq!(like.status, StatusCode::OK, "{}", like.text);
    assert!(service.origin_ref().liked(OWN));
    // The next is answered 429 with Retry-After, never dropped silently.
    let again = send(&router, proxied("/like", TOKEN, OWN, Some(false))).await;
    assert_eq!(
        again.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        again.text
    );
    assert!(again.headers.contains_key("retry-after"));
    assert!(service.origin_ref().liked(OWN));
}
