//! `HttpOrigin` against an origin API of the test's own, over real HTTP: the answers, how each
//! failure maps, retries for reads only, the per-call deadline and the bounded answer.

mod support;

use std::time::{Duration, Instant};

use heart_integration::origin::{
    Credentials, HttpOrigin, HttpOriginOptions, Origin, OriginError, Relation,
};
use support::api::{FakeApi, Trouble};
use support::{ACCOUNT, OWN, TOKEN};

fn auth(token: &str) -> Credentials {
    Credentials {
        account: ACCOUNT.into(),
        token: token.into(),
    }
}

fn client(api: &FakeApi) -> HttpOrigin {
    let options = HttpOriginOptions {
        timeout: Duration::from_millis(300),
        retry_backoff: Duration::from_millis(5),
        ..HttpOriginOptions::new(reqwest::Url::parse(&api.url).expect("url"))
    };
    HttpOrigin::new(options).expect("client")
}

#[tokio::test]
async fn reads_and_writes_the_origin() {
    let api = FakeApi::start().await;
    let origin = client(&api);
    let me = auth(TOKEN);
    assert_eq!(origin.verify(&me).await, Ok("@omniwear".into()));
    assert_eq!(origin.relation(&me, OWN).await, Ok(Relation::Own));
    assert_eq!(
        origin.like_state(&me, OWN).await.map(|a| a.liked),
        Ok(false)
    );
    let liked = origin.set_like(&me, OWN, true).await.expect("like");
    assert_eq!((liked.liked, liked.like_count), (true, Some(42)));
    assert_eq!(
        origin.set_like(&me, OWN, false).await.map(|a| a.liked),
        Ok(false)
    );
    assert_eq!(origin.comments(&me, None, 10).await, Ok(Vec::new()));
    assert_eq!(
        origin.like_state(&auth("wrong"), OWN).await,
        Err(OriginError::Unauthorized)
    );
    assert_eq!(
        origin.like_state(&me, "ig:9").await,
        Err(OriginError::NotFound)
    );
}

#[tokio::test]
async fn failures_map_to_kinds_and_only_reads_are_tried_again() {
    let api = FakeApi::start().await;
    let origin = client(&api);
    let me = auth(TOKEN);
    let cases = [
        (403, None, OriginError::Unauthorized, 1),
        (
            429,
            Some("7"),
            OriginError::RateLimited(Some(Duration::from_secs(7))),
            1,
        ),
        (
            429,
            Some("Wed, 21 Oct 2026 07:28:00 GMT"),
            OriginError::RateLimited(None),
            1,
        ),
        (503, None, OriginError::Unavailable("server error"), 3),
        (418, None, OriginError::Unavailable("unexpected status"), 1),
    ];
    for (status, retry_after, expected, read_calls) in cases {
        api.state.set(Trouble {
            status: Some(status),
            retry_after: retry_after.map(str::to_owned),
            ..Trouble::default()
        });
        let before = api.state.calls();
        assert_eq!(
            origin.like_state(&me, OWN).await,
            Err(expected.clone()),
            "{status}"
        );
        assert_eq!(api.state.calls() - before, read_calls, "reads of {status}");
        let before = api.state.calls();
        assert_eq!(
            origin.set_like(&me, OWN, true).await,
            Err(expected),
            "{status}"
        );
        assert_eq!(
            api.state.calls() - before,
            1,
            "a write of {status} is never repeated"
        );
    }
}

#[tokio::test]
async fn every_call_has_a_deadline_and_a_bounded_answer() {
    let api = FakeApi::start().await;
    let origin = client(&api);
    let me = auth(TOKEN);
    api.state.set(Trouble {
        delay: Duration::from_secs(30),
        ..Trouble::default()
    });
    let started = Instant::now();
    assert_eq!(
        origin.set_like(&me, OWN, true).await,
        Err(OriginError::Unavailable("timeout"))
    );
    // One write, one deadline of 300 ms: far from the origin's 30 s.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    api.state.set(Trouble {
        oversized: true,
        ..Trouble::default()
    });
    assert_eq!(
        origin.like_state(&me, OWN).await,
        Err(OriginError::Unavailable("answer too large"))
    );
}

#[tokio::test]
async fn an_unreachable_origin_is_unavailable_after_the_retries() {
    let port = heart_integration::testing::free_port();
    let options = HttpOriginOptions {
        retry_backoff: Duration::from_millis(1),
        ..HttpOriginOptions::new(
            reqwest::Url::parse(&format!("http://127.0.0.1:{port}")).expect("url"),
        )
    };
    let origin = HttpOrigin::new(options).expect("client");
    assert_eq!(
        origin.like_state(&auth(TOKEN), OWN).await,
        Err(OriginError::Unavailable("connection failed"))
    );
}
