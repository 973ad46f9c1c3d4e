//! The origin the integration acts on (Instagram, for the seed), behind a trait so that a real
//! integration swaps the in-memory mock for an HTTP client.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;

use heart_contract::LikeAnswer;
use serde::Serialize;

use crate::config::Account;

/// How the integration authenticates to the origin: what the admin's setup stored in
/// `instance_metadata`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub account: String,
    pub token: String,
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
}

/// Compares two secrets in a time that depends on their lengths only, never on where they
/// first differ, so a caller cannot guess a token byte by byte from the answer's timing.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(std::hint::black_box(x ^ y));
    }
    std::hint::black_box(diff) == 0
}

/// An in-memory "Instagram": photos, per-account likes and like counts.
#[derive(Debug, Default)]
pub struct MockOrigin {
    accounts: Mutex<BTreeMap<String, MockAccount>>,
}

#[derive(Debug, Clone)]
struct MockAccount {
    token: String,
    photos: BTreeMap<String, MockPhoto>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MockPhoto {
    pub id: String,
    pub caption: String,
    /// Likes by everyone but this account.
    pub others: u64,
    /// Whether this account likes it.
    pub liked: bool,
}

impl MockPhoto {
    fn answer(&self) -> LikeAnswer {
        LikeAnswer {
            liked: self.liked,
            like_count: Some(self.others + u64::from(self.liked)),
        }
    }
}

/// A photo as the sandbox's own pages show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PhotoView {
    pub account: String,
    pub id: String,
    pub caption: String,
    pub liked: bool,
    pub like_count: u64,
}

impl MockOrigin {
    pub fn new(accounts: &BTreeMap<String, Account>) -> Self {
        let accounts = accounts
            .iter()
            .map(|(name, a)| {
                let photos = a
                    .photos
                    .iter()
                    .map(|p| {
                        // The configured count includes this account's own like.
                        let others = p.like_count.saturating_sub(u64::from(p.liked));
                        let photo = MockPhoto {
                            id: p.id.clone(),
                            caption: p.caption.clone(),
                            others,
                            liked: p.liked,
                        };
                        (p.id.clone(), photo)
                    })
                    .collect();
                let account = MockAccount {
                    token: a.token.clone(),
                    photos,
                };
                (name.clone(), account)
            })
            .collect();
        Self {
            accounts: Mutex::new(accounts),
        }
    }

    fn with_photo<T>(
        &self,
        auth: &Credentials,
        photo_id: &str,
        f: impl FnOnce(&mut MockPhoto) -> T,
    ) -> Result<T, OriginError> {
        let mut accounts = self
            .accounts
            .lock()
            .map_err(|_| OriginError::Unavailable("origin state poisoned".into()))?;
        let account = accounts
            .get_mut(&auth.account)
            .filter(|a| same_secret(a.token.as_bytes(), auth.token.as_bytes()))
            .ok_or(OriginError::Unauthorized)?;
        let photo = account
            .photos
            .get_mut(photo_id)
            .ok_or_else(|| OriginError::NotFound(photo_id.to_owned()))?;
        Ok(f(photo))
    }

    /// What the sandbox page and tests use to act as "another agent" (no token involved).
    pub fn force_like(&self, account: &str, photo_id: &str, liked: bool) -> Option<PhotoView> {
        let mut accounts = self.accounts.lock().ok()?;
        let photo = accounts.get_mut(account)?.photos.get_mut(photo_id)?;
        photo.liked = liked;
        Some(view(account, photo))
    }

    /// Other accounts like or unlike the photo: sets how many likes it has besides this account's.
    pub fn set_other_likes(&self, account: &str, photo_id: &str, others: u64) -> Option<PhotoView> {
        let mut accounts = self.accounts.lock().ok()?;
        let photo = accounts.get_mut(account)?.photos.get_mut(photo_id)?;
        photo.others = others;
        Some(view(account, photo))
    }

    /// Every photo of every account.
    pub fn photos(&self) -> Vec<PhotoView> {
        let Ok(accounts) = self.accounts.lock() else {
            return Vec::new();
        };
        accounts
            .iter()
            .flat_map(|(name, a)| a.photos.values().map(move |p| view(name, p)))
            .collect()
    }

    pub fn photo(&self, account: &str, photo_id: &str) -> Option<PhotoView> {
        let accounts = self.accounts.lock().ok()?;
        let photo = accounts.get(account)?.photos.get(photo_id)?;
        Some(view(account, photo))
    }
}

fn view(account: &str, p: &MockPhoto) -> PhotoView {
    PhotoView {
        account: account.to_owned(),
        id: p.id.clone(),
        caption: p.caption.clone(),
        liked: p.liked,
        like_count: p.others + u64::from(p.liked),
    }
}

impl Origin for MockOrigin {
    async fn like_state(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> Result<LikeAnswer, OriginError> {
        self.with_photo(auth, photo_id, |p| p.answer())
    }

    async fn set_like(
        &self,
        auth: &Credentials,
        photo_id: &str,
        liked: bool,
    ) -> Result<LikeAnswer, OriginError> {
        self.with_photo(auth, photo_id, |p| {
            p.liked = liked;
            p.answer()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, OMNIWEAR_TOKEN};

    fn auth(token: &str) -> Credentials {
        Credentials {
            account: "omniwear".into(),
            token: token.into(),
        }
    }

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

    #[tokio::test]
    async fn likes_count_once_and_need_the_token() {
        let origin = MockOrigin::new(&Config::default().accounts);
        let photo = "ig:17895695668004550";
        let before = origin.like_state(&auth(OMNIWEAR_TOKEN), photo).await;
        assert_eq!(
            before,
            Ok(LikeAnswer {
                liked: false,
                like_count: Some(41)
            })
        );
        for _ in 0..2 {
            let after = origin.set_like(&auth(OMNIWEAR_TOKEN), photo, true).await;
            assert_eq!(
                after,
                Ok(LikeAnswer {
                    liked: true,
                    like_count: Some(42)
                })
            );
        }
        assert_eq!(
            origin.like_state(&auth("wrong"), photo).await,
            Err(OriginError::Unauthorized)
        );
        assert_eq!(
            origin.like_state(&auth(OMNIWEAR_TOKEN), "ig:nope").await,
            Err(OriginError::NotFound("ig:nope".into()))
        );
    }
}
