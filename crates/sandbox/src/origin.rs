//! The origin the integration acts on (Instagram, for the seed), behind a trait so that a real
//! integration swaps the in-memory mock ([`MockOrigin`], in `origin/mock.rs`) for an HTTP client.
//! Here: the [`Origin`] trait and what it speaks in (credentials, errors, relations, comments).

mod mock;

use std::future::Future;

use heart_contract::LikeAnswer;
use serde::Serialize;
use subtle::ConstantTimeEq;

pub use mock::{MockOrigin, PhotoPage, PhotoView};

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginError {
    /// The token is wrong, revoked or belongs to another account.
    Unauthorized,
    /// No such photo.
    NotFound(String),
    /// The origin could not be reached or failed.
    Unavailable(String),
}

/// How an account stands to a photo: the integration acts only on the account's own photos
/// and the ones it was mentioned on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Own,
    Mentioned,
    Unrelated,
}

/// A comment as the origin lists it for an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

    /// Where a person sees the photo (and the comment), for Zendesk's clickthrough links.
    fn permalink(&self, photo_id: &str, comment_id: Option<&str>) -> Option<String>;
}

/// Compares two secrets without an early exit: their SHA-256 digests, compared in constant time
/// (`subtle`), so neither where they differ nor their lengths show in the answer's timing.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let a = ring::digest::digest(&ring::digest::SHA256, a);
    let b = ring::digest::digest(&ring::digest::SHA256, b);
    a.as_ref().ct_eq(b.as_ref()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"omniwear-token", b"omniwear-token"));
        assert!(same_secret(b"", b""));
        for other in [
            &b"omniwear-tokem"[..],
            b"omniwear-toke",
            b"omniwear-token!",
            b"",
            b"x",
        ] {
            assert!(!same_secret(b"omniwear-token", other), "{other:?}");
        }
    }
}
