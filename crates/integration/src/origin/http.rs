//! [`HttpOrigin`]: the integration's client for its origin's HTTP API, the one implementation of
//! [`Origin`] the service ships with. The API is the one the sandbox's mock Instagram serves
//! (a small Graph-API-like surface, bearer token, JSON):
//!
//! | call | request | answer |
//! |---|---|---|
//! | verify | `GET /v1/accounts/{account}` | `{"handle"}` |
//! | relation | `GET /v1/accounts/{account}/media/{id}/relation` | `{"relation": "own" \| "mentioned" \| "unrelated"}` |
//! | like-state | `GET /v1/accounts/{account}/media/{id}/like` | `{"liked", "like_count"}` |
//! | like, unlike | `PUT`, `DELETE` on the same | the state after |
//! | comments | `GET /v1/accounts/{account}/comments?after=&limit=` | `{"data": [comment]}` |
//! | reply | `POST /v1/accounts/{account}/media/{id}/comments` `{"message"}` | `{"id"}` |
//!
//! Every call has a deadline and reads at most a bounded answer; reads (GET) are retried on a
//! timeout, a failed connection or a 5xx, with a doubling backoff; writes never are. 401/403 is
//! [`OriginError::Unauthorized`], 404 [`OriginError::NotFound`], 429
//! [`OriginError::RateLimited`] with its `Retry-After` seconds. What an error carries is a
//! reason of ours: never the URL, the token or the origin's words.

use std::time::Duration;

use heart_contract::LikeAnswer;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::{Method, StatusCode, Url, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{Comment, Credentials, Origin, OriginError, Relation};

/// What is escaped in a path segment: all but RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How the client treats the origin.
#[derive(Clone, Debug)]
pub struct HttpOriginOptions {
    /// The API's base URL (`https://graph.example.com`; the sandbox's mock: `http://127.0.0.1:4570`).
    pub base: Url,
    /// The deadline of one call, answer included.
    pub timeout: Duration,
    /// The most bytes read of one answer.
    pub max_answer_bytes: usize,
    /// How many times a read is tried again after a timeout, a failed connection or a 5xx.
    pub read_retries: u32,
    /// The wait before the first retry; it doubles for each next one.
    pub retry_backoff: Duration,
}

impl HttpOriginOptions {
    /// The defaults for `base`: 5 s per call, 1 MiB answers, 2 retries of a read from 100 ms.
    pub fn new(base: Url) -> Self {
        Self {
            base,
            timeout: Duration::from_secs(5),
            max_answer_bytes: 1 << 20,
            read_retries: 2,
            retry_backoff: Duration::from_millis(100),
        }
    }
}

/// A client for the origin's HTTP API.
#[derive(Clone, Debug)]
pub struct HttpOrigin {
    client: reqwest::Client,
    options: HttpOriginOptions,
}

/// One try's failure, and whether a read may try again.
struct Failed {
    error: OriginError,
    retry: bool,
}

impl Failed {
    fn final_(error: OriginError) -> Self {
        Self {
            error,
            retry: false,
        }
    }
    fn transient(why: &'static str) -> Self {
        Self {
            error: OriginError::Unavailable(why),
            retry: true,
        }
    }
}

#[derive(Deserialize)]
struct Verified {
    handle: String,
}

#[derive(Deserialize)]
struct RelationAnswer {
    relation: Relation,
}

#[derive(Deserialize)]
struct LikeState {
    liked: bool,
    #[serde(default)]
    like_count: Option<u64>,
}

#[derive(Deserialize)]
struct Comments {
    data: Vec<Comment>,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

impl HttpOrigin {
    /// A client with the system's root certificates (an `http` base is for a local origin).
    pub fn new(options: HttpOriginOptions) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("heart-integration/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the origin's HTTP client: {e}"))?;
        Ok(Self { client, options })
    }

    fn url(&self, account: &str, rest: &[&str]) -> Url {
        let mut path = format!(
            "{}/v1/accounts/{}",
            self.options.base.path().trim_end_matches('/'),
            utf8_percent_encode(account, SEGMENT)
        );
        for segment in rest {
            path.push('/');
            path.extend(utf8_percent_encode(segment, SEGMENT));
        }
        let mut url = self.options.base.clone();
        url.set_path(&path);
        url.set_query(None);
        url
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        auth: &Credentials,
    ) -> Result<T, OriginError> {
        self.call_with(method, url, auth, None).await
    }

    async fn call_with<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        auth: &Credentials,
        body: Option<&serde_json::Value>,
    ) -> Result<T, OriginError> {
        let tries = if method == Method::GET {
            1 + self.options.read_retries
        } else {
            1
        };
        let mut wait = self.options.retry_backoff;
        let mut last = OriginError::Unavailable("not tried");
        for attempt in 0..tries {
            match self.once(method.clone(), url.clone(), auth, body).await {
                Ok(answer) => return Ok(answer),
                Err(Failed { error, retry: true }) if attempt + 1 < tries => {
                    tracing::debug!(%error, attempt, "origin read failed; trying again");
                    last = error;
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                }
                Err(failed) => return Err(failed.error),
            }
        }
        Err(last)
    }

    async fn once<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        auth: &Credentials,
        body: Option<&serde_json::Value>,
    ) -> Result<T, Failed> {
        let mut request = self
            .client
            .request(method, url)
            .timeout(self.options.timeout)
            .bearer_auth(&auth.token)
            .header(header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let sent = request.send().await;
        let mut response = sent.map_err(|e| transport(&e))?;
        let status = response.status();
        match status {
            s if s.is_success() => {}
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(Failed::final_(OriginError::Unauthorized));
            }
            StatusCode::NOT_FOUND => return Err(Failed::final_(OriginError::NotFound)),
            StatusCode::TOO_MANY_REQUESTS => {
                let wait = response
                    .headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                return Err(Failed::final_(OriginError::RateLimited(wait)));
            }
            s if s.is_server_error() => return Err(Failed::transient("server error")),
            _ => {
                return Err(Failed::final_(OriginError::Unavailable(
                    "unexpected status",
                )));
            }
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e))? {
            if body.len() + chunk.len() > self.options.max_answer_bytes {
                return Err(Failed::final_(OriginError::Unavailable("answer too large")));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body)
            .map_err(|_| Failed::final_(OriginError::Unavailable("answer not understood")))
    }
}

/// A transport failure as a reason of ours (reqwest's own text names the URL).
fn transport(e: &reqwest::Error) -> Failed {
    if e.is_timeout() {
        Failed::transient("timeout")
    } else if e.is_connect() {
        Failed::transient("connection failed")
    } else {
        Failed::transient("connection lost")
    }
}

impl Origin for HttpOrigin {
    async fn like_state(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> Result<LikeAnswer, OriginError> {
        let url = self.url(&auth.account, &["media", photo_id, "like"]);
        let state: LikeState = self.call(Method::GET, url, auth).await?;
        Ok(LikeAnswer {
            liked: state.liked,
            like_count: state.like_count,
            account: None,
        })
    }

    async fn set_like(
        &self,
        auth: &Credentials,
        photo_id: &str,
        liked: bool,
    ) -> Result<LikeAnswer, OriginError> {
        let url = self.url(&auth.account, &["media", photo_id, "like"]);
        let method = if liked { Method::PUT } else { Method::DELETE };
        let state: LikeState = self.call(method, url, auth).await?;
        Ok(LikeAnswer {
            liked: state.liked,
            like_count: state.like_count,
            account: None,
        })
    }

    async fn verify(&self, auth: &Credentials) -> Result<String, OriginError> {
        let url = self.url(&auth.account, &[]);
        let verified: Verified = self.call(Method::GET, url, auth).await?;
        Ok(verified.handle)
    }

    async fn relation(&self, auth: &Credentials, photo_id: &str) -> Result<Relation, OriginError> {
        let url = self.url(&auth.account, &["media", photo_id, "relation"]);
        let answer: RelationAnswer = self.call(Method::GET, url, auth).await?;
        Ok(answer.relation)
    }

    async fn comments(
        &self,
        auth: &Credentials,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Comment>, OriginError> {
        let mut url = self.url(&auth.account, &["comments"]);
        url.query_pairs_mut()
            .append_pair("after", after.unwrap_or(""))
            .append_pair("limit", &limit.to_string());
        let comments: Comments = self.call(Method::GET, url, auth).await?;
        Ok(comments.data)
    }

    async fn reply(
        &self,
        auth: &Credentials,
        photo_id: &str,
        text: &str,
    ) -> Result<String, OriginError> {
        let url = self.url(&auth.account, &["media", photo_id, "comments"]);
        let body = serde_json::json!({"message": text});
        let created: Created = self.call_with(Method::POST, url, auth, Some(&body)).await?;
        Ok(created.id)
    }

    fn permalink(&self, photo_id: &str, comment_id: Option<&str>) -> Option<String> {
        let mut url = self.options.base.clone();
        let path = format!(
            "{}/p/{}/",
            url.path().trim_end_matches('/'),
            utf8_percent_encode(photo_id, SEGMENT)
        );
        url.set_path(&path);
        url.set_query(None);
        url.set_fragment(comment_id);
        Some(url.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(base: &str) -> HttpOrigin {
        HttpOrigin::new(HttpOriginOptions::new(Url::parse(base).expect("url"))).expect("client")
    }

    #[test]
    fn paths_escape_every_segment() {
        let o = origin("https://graph.example.com/api/");
        assert_eq!(
            o.url("omniwear", &["media", "ig:1/../x?y#z", "like"])
                .as_str(),
            "https://graph.example.com/api/v1/accounts/omniwear/media/ig%3A1%2F..%2Fx%3Fy%23z/like"
        );
        assert_eq!(
            o.permalink("ig:1", Some("c9")).as_deref(),
            Some("https://graph.example.com/api/p/ig%3A1/#c9")
        );
    }
}
