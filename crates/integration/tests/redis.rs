//! The store in a real Redis (one per test, on a free port): the same bucket as in memory,
//! replicas that share the cache, the single-flight and the budget, and a Redis that goes away
//! and comes back while the service goes on.

mod support;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use heart_integration::GuardOptions;
use heart_integration::store::bucket::{CHECK_BUCKET, CHECK_STEPS};
use heart_integration::store::{Bucket, Health, RedisStore, Store};
use heart_integration::testing::RedisServer;
use support::*;

fn redis_store(server: &RedisServer) -> Store {
    Store::redis(RedisStore::new(&server.url(), Duration::from_millis(250)).expect("redis store"))
}

#[tokio::test]
async fn the_lua_bucket_takes_the_same_steps_as_the_rust_one() {
    let server = RedisServer::start();
    let redis = RedisStore::new(&server.url(), Duration::from_millis(500)).expect("store");
    for (i, &(priority, at, expected)) in CHECK_STEPS.iter().enumerate() {
        let take = redis
            .take(
                "bucket:check",
                "bucket:check:blocked",
                &CHECK_BUCKET,
                priority,
                Some(at),
            )
            .await
            .expect("redis answers");
        assert_eq!(take, expected, "step {i}: {priority:?} at {at} ms");
    }
}

#[tokio::test]
async fn two_replicas_read_a_photo_from_the_origin_once() {
    let server = RedisServer::start();
    let guard = GuardOptions {
        ttl: Duration::from_secs(60),
        ..GuardOptions::default()
    };
    let (a, service_a) = service_with(redis_store(&server), guard, settings());
    let (b, service_b) = service_with(redis_store(&server), guard, settings());
    for service in [&service_a, &service_b] {
        *service.origin.inner().delay.lock().expect("delay") = Duration::from_millis(50);
    }
    let reads: Vec<_> = (0..40)
        .map(|i| {
            let router = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(
                async move { send(&router, proxied("/like_state", TOKEN, OWN, None)).await },
            )
        })
        .collect();
    for read in reads {
        let answer = read.await.expect("read");
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
    let origin_reads = service_a.origin.inner().reads() + service_b.origin.inner().reads();
    assert_eq!(
        origin_reads, 2,
        "the relation and the like-state, once, for 40 reads on 2 replicas"
    );

    // A like on one replica is what the other reads next, from the cache.
    let like = send(&a, proxied("/like", TOKEN, OWN, Some(true))).await;
    assert_eq!(like.json()["liked"], true);
    let read = send(&b, proxied("/like_state", TOKEN, OWN, None)).await;
    assert_eq!(read.json()["liked"], true, "{}", read.text);
    let origin_reads = service_a.origin.inner().reads() + service_b.origin.inner().reads();
    assert_eq!(origin_reads, 2);
}

#[tokio::test]
async fn replicas_share_one_budget_per_account() {
    let server = RedisServer::start();
    let guard = GuardOptions {
        ttl: Duration::ZERO,
        budget: Some(Bucket {
            capacity: 10,
            per: Duration::from_secs(3_600),
        }),
        ..GuardOptions::default()
    };
    let (a, _) = service_with(redis_store(&server), guard, settings());
    let (b, _) = service_with(redis_store(&server), guard, settings());
    for _ in 0..4 {
        let read = send(&a, proxied("/like_state", TOKEN, OWN, None)).await;
        assert_eq!(read.status, StatusCode::OK);
    }
    let refused = send(&b, proxied("/like_state", TOKEN, OWN, None)).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.text
    );
    assert!(refused.headers.contains_key("retry-after"));
    let like = send(&b, proxied("/like", TOKEN, OWN, Some(true))).await;
    assert_eq!(
        like.status,
        StatusCode::OK,
        "the reserve is for likes: {}",
        like.text
    );
}

fn health() -> Request<Body> {
    Request::get("/healthcheck")
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn without_redis_the_service_goes_on_uncached_and_says_degraded() {
    let mut server = RedisServer::start();
    let guard = GuardOptions {
        ttl: Duration::from_secs(60),
        ..GuardOptions::default()
    };
    let (router, service) = service_with(redis_store(&server), guard, settings());
    let h = send(&router, health()).await;
    assert_eq!(h.json()["status"], "ok", "{}", h.text);
    assert_eq!(h.json()["store"], "redis");
    assert_eq!(
        send(&router, proxied("/like_state", TOKEN, OWN, None))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(service.origin.inner().reads(), 2);

    server.stop();
    // Reads and likes go on, every one from the origin.
    let read = send(&router, proxied("/like_state", TOKEN, OWN, None)).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let like = send(&router, proxied("/like", TOKEN, OWN, Some(true))).await;
    assert_eq!(like.status, StatusCode::OK, "{}", like.text);
    assert!(service.origin.inner().liked(OWN));
    assert!(service.origin.inner().reads() >= 4);
    let h = send(&router, health()).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.json()["status"], "degraded", "{}", h.text);
    assert_eq!(service.origin.store().health().await, Health::RedisDown);

    server.restart();
    let h = send(&router, health()).await;
    assert_eq!(h.json()["status"], "ok", "{}", h.text);
    // Cached again: two reads fill it, the next costs nothing.
    send(&router, proxied("/like_state", TOKEN, OWN, None)).await;
    let before = service.origin.inner().reads();
    let read = send(&router, proxied("/like_state", TOKEN, OWN, None)).await;
    assert_eq!(read.json()["liked"], true);
    assert_eq!(service.origin.inner().reads(), before);
}

#[tokio::test]
async fn replicas_count_refused_tokens_together() {
    let server = RedisServer::start();
    let mut s = settings();
    s.trust_forwarded_for = true;
    s.guesses.refusals = 2;
    let (a, _) = service_with(redis_store(&server), GuardOptions::default(), s.clone());
    let (b, _) = service_with(redis_store(&server), GuardOptions::default(), s);
    let guess = |router: &axum::Router| {
        let router = router.clone();
        async move {
            let mut request = form(
                "/admin_ui/save",
                &[
                    ("return_url", "https://omniwear.zendesk.com/r"),
                    ("subdomain", "omniwear"),
                    ("name", "Omniwear"),
                    ("account", ACCOUNT),
                    ("token", "guess"),
                ],
            );
            request
                .headers_mut()
                .insert("x-forwarded-for", "192.0.2.5".parse().expect("header"));
            send(&router, request).await.status
        }
    };
    assert_eq!(guess(&a).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(guess(&b).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(guess(&a).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(guess(&b).await, StatusCode::TOO_MANY_REQUESTS);
}
