//! What the integration's tests share: an origin of the test's own (in memory, with counters
//! and failures to order), the service over it, requests through the router without sockets,
//! and (from the crate's `testing` feature) a real Redis server on a free port.

#![allow(dead_code)]

pub mod api;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use heart_contract::LikeAnswer;
use heart_integration::origin::{Comment, Credentials, Origin, OriginError, Relation};
use heart_integration::store::Store;
use heart_integration::{GuardOptions, Guarded, Integration, ServiceSettings};
use tower::ServiceExt;

pub const ACCOUNT: &str = "omniwear";
pub const TOKEN: &str = "omniwear-secret-token";
pub const OWN: &str = "ig:1001";
pub const MENTIONED: &str = "ig:2002";
pub const FOREIGN: &str = "ig:3003";

#[derive(Clone, Debug)]
pub struct Photo {
    pub owner: String,
    pub mentions: Vec<String>,
    pub liked_by: Vec<String>,
    pub others: u64,
}

/// An origin of the test's own: three photos (the account's, one mentioning it, another
/// account's), one valid token, every call counted, and a failure or a delay to order.
pub struct TestOrigin {
    pub photos: Mutex<BTreeMap<String, Photo>>,
    pub reads: AtomicU64,
    pub writes: AtomicU64,
    pub fail: Mutex<Option<OriginError>>,
    pub delay: Mutex<Duration>,
}

impl Default for TestOrigin {
    fn default() -> Self {
        let photo = |owner: &str, mentions: &[&str]| Photo {
            owner: owner.into(),
            mentions: mentions.iter().map(|m| (*m).to_owned()).collect(),
            liked_by: Vec::new(),
            others: 41,
        };
        let photos = [
            (OWN, photo(ACCOUNT, &[])),
            (MENTIONED, photo("lena.runs", &[ACCOUNT])),
            (FOREIGN, photo("stridewear", &[])),
        ]
        .into_iter()
        .map(|(id, p)| (id.to_owned(), p))
        .collect();
        Self {
            photos: Mutex::new(photos),
            reads: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            fail: Mutex::new(None),
            delay: Mutex::new(Duration::ZERO),
        }
    }
}

impl TestOrigin {
    async fn begin(&self, auth: &Credentials, write: bool) -> Result<(), OriginError> {
        let counter = if write { &self.writes } else { &self.reads };
        counter.fetch_add(1, Ordering::SeqCst);
        let delay = *self.delay.lock().expect("delay");
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if let Some(e) = self.fail.lock().expect("fail").clone() {
            return Err(e);
        }
        if auth.account != ACCOUNT || auth.token != TOKEN {
            return Err(OriginError::Unauthorized);
        }
        Ok(())
    }

    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::SeqCst)
    }

    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    pub fn liked(&self, photo: &str) -> bool {
        self.photos.lock().expect("photos")[photo]
            .liked_by
            .iter()
            .any(|a| a == ACCOUNT)
    }

    fn answer(p: &Photo, account: &str) -> LikeAnswer {
        LikeAnswer {
            liked: p.liked_by.iter().any(|a| a == account),
            like_count: Some(p.others + p.liked_by.len() as u64),
            account: None,
        }
    }
}

impl Origin for TestOrigin {
    async fn like_state(&self, auth: &Credentials, photo: &str) -> Result<LikeAnswer, OriginError> {
        self.begin(auth, false).await?;
        let photos = self.photos.lock().expect("photos");
        let p = photos.get(photo).ok_or(OriginError::NotFound)?;
        Ok(Self::answer(p, &auth.account))
    }

    async fn set_like(
        &self,
        auth: &Credentials,
        photo: &str,
        liked: bool,
    ) -> Result<LikeAnswer, OriginError> {
        self.begin(auth, true).await?;
        let mut photos = self.photos.lock().expect("photos");
        let p = photos.get_mut(photo).ok_or(OriginError::NotFound)?;
        p.liked_by.retain(|a| *a != auth.account);
        if liked {
            p.liked_by.push(auth.account.clone());
        }
        Ok(Self::answer(p, &auth.account))
    }

    async fn verify(&self, auth: &Credentials) -> Result<String, OriginError> {
        self.begin(auth, false).await?;
        Ok(format!("@{}", auth.account))
    }

    async fn relation(&self, auth: &Credentials, photo: &str) -> Result<Relation, OriginError> {
        self.begin(auth, false).await?;
        let photos = self.photos.lock().expect("photos");
        let p = photos.get(photo).ok_or(OriginError::NotFound)?;
        Ok(if p.owner == auth.account {
            Relation::Own
        } else if p.mentions.contains(&auth.account) {
            Relation::Mentioned
        } else {
            Relation::Unrelated
        })
    }

    async fn comments(
        &self,
        auth: &Credentials,
        _after: Option<&str>,
        _limit: usize,
    ) -> Result<Vec<Comment>, OriginError> {
        self.begin(auth, false).await?;
        Ok(Vec::new())
    }

    async fn reply(
        &self,
        auth: &Credentials,
        photo: &str,
        _text: &str,
    ) -> Result<String, OriginError> {
        self.begin(auth, true).await?;
        if !self.photos.lock().expect("photos").contains_key(photo) {
            return Err(OriginError::NotFound);
        }
        Ok(format!("r{}", self.writes()))
    }

    fn permalink(&self, photo: &str, _comment: Option<&str>) -> Option<String> {
        Some(format!("https://origin.example/p/{photo}/"))
    }
}

/// The settings of a service at `https://heart.example.com/`, production rules.
pub fn settings() -> ServiceSettings {
    ServiceSettings::new(reqwest::Url::parse("https://heart.example.com/").expect("url"))
}

/// The service over a fresh [`TestOrigin`] in `store`.
pub fn service_with(
    store: Store,
    guard: GuardOptions,
    settings: ServiceSettings,
) -> (Router, Arc<Integration<TestOrigin>>) {
    let service = Arc::new(Integration {
        origin: Guarded::new(TestOrigin::default(), Arc::new(store), guard),
        settings,
    });
    (heart_integration::router(service.clone()), service)
}

/// An answer read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or(serde_json::Value::Null)
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A form POST, as Zendesk sends them.
pub fn form(path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = serde_urlencoded::to_string(fields).expect("form");
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request")
}

/// The instance's metadata as the admin UI stores it.
pub fn metadata(token: &str) -> String {
    serde_json::json!({"account": ACCOUNT, "token": token}).to_string()
}

/// A proxied call of the app's: `client_data` for `photo` (and `liked` for a set).
pub fn proxied(path: &str, token: &str, photo: &str, liked: Option<bool>) -> Request<Body> {
    let mut data = serde_json::json!({"ticket_id": "62", "external_id": photo});
    if let Some(liked) = liked {
        data["liked"] = liked.into();
    }
    form(
        path,
        &[
            ("instance_metadata", &metadata(token)),
            ("client_data", &data.to_string()),
        ],
    )
}
