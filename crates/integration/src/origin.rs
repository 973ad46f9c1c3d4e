//! The origin the integration acts on (Instagram, for the seed), behind a trait: [`Origin`] is
//! the seam a vendor implements for the real API. [`HttpOrigin`] (`origin/http.rs`) is one
//! implementation, a client for an origin's HTTP API, which the sandbox's mock Instagram serves;
//! [`crate::guard::Guarded`] wraps any origin with the cache, single-flight and the budget.

mod http;

use std::future::Future;
use std::time::Duration;

use heart_contract::LikeAnswer;
use serde::{Deserialize, Serialize};

pub use self::http::{HttpOrigin, HttpOriginOptions};

/// How the integration authenticates to the origin: what the admin's setup stored in
/// `instance_metadata`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub account: String,
    pub token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token.
        f.debug_struct("Credentials")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

/// What went wrong at the origin. Nothing in it is the origin's own text: no URL, token, query
/// or answer body ever gets into an answer or a log line through it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginError {
    /// The token is wrong, revoked or belongs to another account.
    Unauthorized,
    /// No such photo.
    NotFound,
    /// The origin's call budget for the account is spent: try again after this long, if known
    /// (the origin's own 429, or the integration's budget).
    RateLimited(Option<Duration>),
    /// The origin could not be reached or failed; a short reason of the integration's own
    /// (`"timeout"`, `"HTTP 503"`, …).
    Unavailable(&'static str),
}

impl std::fmt::Display for OriginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unauthorized => f.write_str("the origin refused the token"),
            Self::NotFound => f.write_str("no such photo on the origin"),
            Self::RateLimited(Some(wait)) => {
                write!(f, "rate limited for {} ms", wait.as_millis())
            }
            Self::RateLimited(None) => f.write_str("rate limited"),
            Self::Unavailable(why) => write!(f, "the origin failed: {why}"),
        }
    }
}

/// How an account stands to a photo: the integration acts only on the account's own photos
/// and the ones it was mentioned on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Own,
    Mentioned,
    Unrelated,
}

/// A comment as the origin lists it for an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    /// Where to continue listing after this comment.
    pub cursor: String,
    pub photo_id: String,
    /// Whether it is the photo's first comment.
    pub first_on_photo: bool,
    pub author_id: String,
    pub author: String,
    pub text: String,
    /// RFC 3339.
    pub created_at: String,
}

/// What an integration needs from its origin to serve the heart.
pub trait Origin: Send + Sync + 'static {
    /// Whether the business account likes the photo, and its like count.
    fn like_state(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> impl Future<Output = Result<LikeAnswer, OriginError>> + Send;

    /// Likes or unlikes the photo as the business account; answers the state afterwards.
    fn set_like(
        &self,
        auth: &Credentials,
        photo_id: &str,
        liked: bool,
    ) -> impl Future<Output = Result<LikeAnswer, OriginError>> + Send;

    /// Whether `auth.token` is a valid token of `auth.account` (the admin UI checks it); if so,
    /// the account's display handle as the origin shows it (e.g. `@omniwear`).
    fn verify(
        &self,
        auth: &Credentials,
    ) -> impl Future<Output = Result<String, OriginError>> + Send;

    /// How the account stands to the photo.
    fn relation(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> impl Future<Output = Result<Relation, OriginError>> + Send;

    /// Comments on the account's own photos and the ones it was mentioned on, oldest first,
    /// after `after` (a [`Comment::cursor`]; `None` from the start), at most `limit`.
    fn comments(
        &self,
        auth: &Credentials,
        after: Option<&str>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Comment>, OriginError>> + Send;

    /// Comments on the photo as the business account (an agent's reply, sent back through
    /// Zendesk's channelback); answers the new comment's id.
    fn reply(
        &self,
        auth: &Credentials,
        photo_id: &str,
        text: &str,
    ) -> impl Future<Output = Result<String, OriginError>> + Send;

    /// Where a person sees the photo (and the comment), for Zendesk's clickthrough links.
    fn permalink(&self, photo_id: &str, comment_id: Option<&str>) -> Option<String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show_the_token() {
        let auth = Credentials {
            account: "omniwear".into(),
            token: "s3cret-token".into(),
        };
        let shown = format!("{auth:?}");
        assert!(
            shown.contains("omniwear") && !shown.contains("s3cret"),
            "{shown}"
        );
    }
}
