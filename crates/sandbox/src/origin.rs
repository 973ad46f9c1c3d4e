//! The origin the integration acts on (Instagram, for the seed), behind a trait so that a real
//! integration swaps the in-memory mock for an HTTP client.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Mutex;

use heart_contract::LikeAnswer;
use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::config::Account;

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

/// Whether `given` is one of the valid tokens; every one is compared (no early exit).
fn token_matches(valid: &[String], given: &str) -> bool {
    valid.iter().fold(false, |found, token| {
        found | same_secret(token.as_bytes(), given.as_bytes())
    })
}

/// An in-memory "Instagram": accounts with tokens, photos with an owner, likes, mentions and
/// comments.
#[derive(Debug, Default)]
pub struct MockOrigin {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Valid tokens by account.
    tokens: BTreeMap<String, Vec<String>>,
    /// Display handles by account, where the config sets one (else `@<account>`).
    handles: BTreeMap<String, String>,
    photos: BTreeMap<String, MockPhoto>,
    comments: Vec<MockComment>,
    /// Accounts whose tokens the origin revokes once the sandbox's start-up is done.
    revoke_after_startup: Vec<String>,
    /// Where the origin's own pages are served (the sandbox host), for permalinks.
    web_base: Option<String>,
}

#[derive(Debug, Clone)]
struct MockPhoto {
    owner: String,
    caption: String,
    /// Likes by accounts the origin does not name.
    anonymous: u64,
    /// Accounts that like it.
    liked_by: BTreeSet<String>,
    mentions: BTreeSet<String>,
}

#[derive(Debug, Clone)]
struct MockComment {
    seq: u64,
    id: String,
    photo_id: String,
    author: String,
    text: String,
    created_at: String,
}

impl MockPhoto {
    fn answer(&self, account: &str) -> LikeAnswer {
        LikeAnswer {
            liked: self.liked_by.contains(account),
            like_count: Some(self.count()),
            account: None,
        }
    }

    fn count(&self) -> u64 {
        self.anonymous + self.liked_by.len() as u64
    }
}

/// A photo as the sandbox's own pages show it, seen by one account.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PhotoView {
    pub account: String,
    pub id: String,
    pub caption: String,
    pub liked: bool,
    pub like_count: u64,
}

/// A photo with everything the mock Instagram's page shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PhotoPage {
    pub id: String,
    pub owner: String,
    pub caption: String,
    pub like_count: u64,
    pub liked_by: Vec<String>,
    pub mentions: Vec<String>,
    pub comments: Vec<(String, String, String)>,
}

fn rfc3339(at: std::time::SystemTime) -> String {
    time::OffsetDateTime::from(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

impl MockOrigin {
    pub fn new(accounts: &BTreeMap<String, Account>) -> Self {
        let mut inner = Inner::default();
        let configured: usize = accounts
            .values()
            .flat_map(|a| &a.photos)
            .map(|p| p.comments.len())
            .sum();
        // Seeded comments were written over the last minutes, a minute apart.
        let now = std::time::SystemTime::now();
        let mut seq = 0u64;
        for (name, a) in accounts {
            let mut tokens = vec![a.token.clone()];
            tokens.extend(a.other_tokens.iter().cloned());
            inner.tokens.insert(name.clone(), tokens);
            if let Some(handle) = &a.handle {
                inner.handles.insert(name.clone(), handle.clone());
            }
            if a.revoke_after_startup {
                inner.revoke_after_startup.push(name.clone());
            }
            for p in &a.photos {
                let liked_by: BTreeSet<String> =
                    p.liked.then(|| name.clone()).into_iter().collect();
                inner.photos.insert(
                    p.id.clone(),
                    MockPhoto {
                        owner: name.clone(),
                        caption: p.caption.clone(),
                        // The configured count includes the owner's own like.
                        anonymous: p.like_count.saturating_sub(u64::from(p.liked)),
                        liked_by,
                        mentions: p.mentions.iter().cloned().collect(),
                    },
                );
                for c in &p.comments {
                    seq += 1;
                    let ago = (configured as u64).saturating_sub(seq) + 1;
                    let at = now
                        .checked_sub(std::time::Duration::from_secs(60 * ago))
                        .unwrap_or(now);
                    inner.comments.push(MockComment {
                        seq,
                        id: c.id.clone(),
                        photo_id: p.id.clone(),
                        author: c.author.clone(),
                        text: c.text.clone(),
                        created_at: rfc3339(at),
                    });
                }
            }
        }
        Self {
            inner: Mutex::new(inner),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>, OriginError> {
        self.inner
            .lock()
            .map_err(|_| OriginError::Unavailable("origin state poisoned".into()))
    }

    fn find_photo<'a>(inner: &'a Inner, photo_id: &str) -> Result<&'a MockPhoto, OriginError> {
        inner
            .photos
            .get(photo_id)
            .ok_or_else(|| OriginError::NotFound(photo_id.to_owned()))
    }

    fn authorized(inner: &Inner, auth: &Credentials) -> Result<(), OriginError> {
        match inner.tokens.get(&auth.account) {
            Some(valid) if token_matches(valid, &auth.token) => Ok(()),
            _ => Err(OriginError::Unauthorized),
        }
    }

    /// Where the origin's pages are served (`http://localhost:4567`), for permalinks.
    pub fn set_web_base(&self, base: &str) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.web_base = Some(base.trim_end_matches('/').to_owned());
        }
    }

    /// The account's owner makes a new token for an app (valid from now on).
    pub fn issue_token(&self, account: &str, token: &str) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        match inner.tokens.get_mut(account) {
            Some(tokens) if !token.is_empty() => {
                if !tokens.iter().any(|t| t == token) {
                    tokens.push(token.to_owned());
                }
                true
            }
            _ => false,
        }
    }

    /// The account's owner takes a token's access away. `false` if it was not valid.
    pub fn revoke_token(&self, account: &str, token: &str) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        let Some(tokens) = inner.tokens.get_mut(account) else {
            return false;
        };
        let before = tokens.len();
        tokens.retain(|t| t != token);
        tokens.len() != before
    }

    /// Revokes every token of the accounts configured with `revoke_after_startup`; returns them.
    pub fn revoke_startup_tokens(&self) -> Vec<String> {
        let Ok(mut inner) = self.inner.lock() else {
            return Vec::new();
        };
        let accounts = std::mem::take(&mut inner.revoke_after_startup);
        for account in &accounts {
            if let Some(tokens) = inner.tokens.get_mut(account) {
                tokens.clear();
            }
        }
        accounts
    }

    /// The valid tokens of every account (for the mock origin's own page).
    pub fn tokens(&self) -> BTreeMap<String, Vec<String>> {
        self.inner
            .lock()
            .map(|i| i.tokens.clone())
            .unwrap_or_default()
    }

    /// Someone comments on a photo; the integration's next pull finds it.
    pub fn add_comment(&self, photo_id: &str, author: &str, text: &str) -> Option<String> {
        let mut inner = self.inner.lock().ok()?;
        if !inner.photos.contains_key(photo_id)
            || author.trim().is_empty()
            || text.trim().is_empty()
        {
            return None;
        }
        let seq = inner.comments.last().map_or(1, |c| c.seq + 1);
        let id = format!("c{seq}");
        inner.comments.push(MockComment {
            seq,
            id: id.clone(),
            photo_id: photo_id.to_owned(),
            author: author.trim().to_owned(),
            text: text.trim().to_owned(),
            created_at: rfc3339(std::time::SystemTime::now()),
        });
        Some(id)
    }

    /// What the sandbox page and tests use to act as "another agent" (no token involved).
    pub fn force_like(&self, account: &str, photo_id: &str, liked: bool) -> Option<PhotoView> {
        let mut inner = self.inner.lock().ok()?;
        if !inner.tokens.contains_key(account) {
            return None;
        }
        let photo = inner.photos.get_mut(photo_id)?;
        if liked {
            photo.liked_by.insert(account.to_owned());
        } else {
            photo.liked_by.remove(account);
        }
        Some(view(account, photo_id, photo))
    }

    /// Other accounts like or unlike the photo: sets how many likes it has besides this account's.
    pub fn set_other_likes(&self, account: &str, photo_id: &str, others: u64) -> Option<PhotoView> {
        let mut inner = self.inner.lock().ok()?;
        let photo = inner.photos.get_mut(photo_id)?;
        let named_others = photo.liked_by.iter().filter(|a| *a != account).count() as u64;
        photo.anonymous = others.saturating_sub(named_others);
        Some(view(account, photo_id, photo))
    }

    /// Every photo, as its owner sees it.
    pub fn photos(&self) -> Vec<PhotoView> {
        let Ok(inner) = self.inner.lock() else {
            return Vec::new();
        };
        inner
            .photos
            .iter()
            .map(|(id, p)| view(&p.owner, id, p))
            .collect()
    }

    /// The photo as `account` sees it (whether `account` likes it).
    pub fn photo(&self, account: &str, photo_id: &str) -> Option<PhotoView> {
        let inner = self.inner.lock().ok()?;
        let photo = inner.photos.get(photo_id)?;
        Some(view(account, photo_id, photo))
    }

    /// Everything about a photo, for the origin's own page.
    pub fn photo_page(&self, photo_id: &str) -> Option<PhotoPage> {
        let inner = self.inner.lock().ok()?;
        let p = inner.photos.get(photo_id)?;
        Some(PhotoPage {
            id: photo_id.to_owned(),
            owner: p.owner.clone(),
            caption: p.caption.clone(),
            like_count: p.count(),
            liked_by: p.liked_by.iter().cloned().collect(),
            mentions: p.mentions.iter().cloned().collect(),
            comments: inner
                .comments
                .iter()
                .filter(|c| c.photo_id == photo_id)
                .map(|c| (c.id.clone(), c.author.clone(), c.text.clone()))
                .collect(),
        })
    }
}

fn view(account: &str, id: &str, p: &MockPhoto) -> PhotoView {
    PhotoView {
        account: account.to_owned(),
        id: id.to_owned(),
        caption: p.caption.clone(),
        liked: p.liked_by.contains(account),
        like_count: p.count(),
    }
}

impl Origin for MockOrigin {
    async fn like_state(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> Result<LikeAnswer, OriginError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        Ok(Self::find_photo(&inner, photo_id)?.answer(&auth.account))
    }

    /// Like Instagram, it lets an account like any photo: refusing others' is the integration's job.
    async fn set_like(
        &self,
        auth: &Credentials,
        photo_id: &str,
        liked: bool,
    ) -> Result<LikeAnswer, OriginError> {
        let mut inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        let photo = inner
            .photos
            .get_mut(photo_id)
            .ok_or_else(|| OriginError::NotFound(photo_id.to_owned()))?;
        if liked {
            photo.liked_by.insert(auth.account.clone());
        } else {
            photo.liked_by.remove(&auth.account);
        }
        Ok(photo.answer(&auth.account))
    }

    async fn verify(&self, auth: &Credentials) -> Result<String, OriginError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        Ok(inner
            .handles
            .get(&auth.account)
            .cloned()
            .unwrap_or_else(|| format!("@{}", auth.account)))
    }

    async fn relation(&self, auth: &Credentials, photo_id: &str) -> Result<Relation, OriginError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        let photo = Self::find_photo(&inner, photo_id)?;
        Ok(if photo.owner == auth.account {
            Relation::Own
        } else if photo.mentions.contains(&auth.account) {
            Relation::Mentioned
        } else {
            Relation::Unrelated
        })
    }

    async fn comments(
        &self,
        auth: &Credentials,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Comment>, OriginError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        let after: u64 = match after {
            None | Some("") => 0,
            Some(cursor) => cursor
                .parse()
                .map_err(|_| OriginError::Unavailable(format!("unknown cursor {cursor:?}")))?,
        };
        let mut first_seen = BTreeSet::new();
        let mut out = Vec::new();
        for c in &inner.comments {
            let first = first_seen.insert(c.photo_id.clone());
            let Some(photo) = inner.photos.get(&c.photo_id) else {
                continue;
            };
            let relevant = photo.owner == auth.account || photo.mentions.contains(&auth.account);
            if c.seq <= after || !relevant {
                continue;
            }
            if out.len() >= limit {
                break;
            }
            out.push(Comment {
                id: c.id.clone(),
                cursor: c.seq.to_string(),
                photo_id: c.photo_id.clone(),
                first_on_photo: first,
                author_id: c.author.trim_start_matches('@').to_owned(),
                author: c.author.clone(),
                text: c.text.clone(),
                created_at: c.created_at.clone(),
            });
        }
        Ok(out)
    }

    fn permalink(&self, photo_id: &str, comment_id: Option<&str>) -> Option<String> {
        let inner = self.inner.lock().ok()?;
        inner.photos.get(photo_id)?;
        let base = inner.web_base.as_deref()?;
        let id = crate::channel::form::escape_path_segment(photo_id);
        Some(match comment_id {
            Some(c) => format!(
                "{base}/sandbox/origin/photos/{id}#{}",
                crate::channel::form::escape_path_segment(c)
            ),
            None => format!("{base}/sandbox/origin/photos/{id}"),
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
                like_count: Some(41),
                account: None,
            })
        );
        for _ in 0..2 {
            let after = origin.set_like(&auth(OMNIWEAR_TOKEN), photo, true).await;
            assert_eq!(
                after,
                Ok(LikeAnswer {
                    liked: true,
                    like_count: Some(42),
                    account: None,
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

    #[test]
    fn tokens_compare_whole() {
        let valid = vec!["abc".to_owned(), "omniwear-sandbox-token".to_owned()];
        assert!(token_matches(&valid, "abc"));
        assert!(token_matches(&valid, "omniwear-sandbox-token"));
        for wrong in ["", "ab", "abcd", "omniwear-sandbox-toke", "ABC"] {
            assert!(!token_matches(&valid, wrong), "{wrong}");
        }
        assert!(!token_matches(&[], "abc"));
    }

    #[tokio::test]
    async fn relations_comments_and_revocation() {
        let origin = MockOrigin::new(&Config::default().accounts);
        let me = auth(OMNIWEAR_TOKEN);
        assert_eq!(
            origin.relation(&me, "ig:17895695668004550").await,
            Ok(Relation::Own)
        );
        let rival = origin
            .photos()
            .into_iter()
            .find(|p| p.account != "omniwear")
            .expect("a photo of another account");
        assert_eq!(
            origin.relation(&me, &rival.id).await,
            Ok(Relation::Unrelated)
        );

        let all = origin.comments(&me, None, 100).await.expect("comments");
        assert!(
            all.iter()
                .all(|c| origin.photo("omniwear", &c.photo_id).is_some())
        );
        assert!(!all.is_empty() && all[0].first_on_photo);
        let rest = origin
            .comments(&me, Some(&all[0].cursor), 100)
            .await
            .expect("after the first");
        assert_eq!(rest.len(), all.len() - 1);
        let one = origin.comments(&me, None, 1).await.expect("one");
        assert_eq!(one.len(), 1);

        assert!(origin.issue_token("omniwear", "second"));
        assert_eq!(
            origin.verify(&auth("second")).await,
            Ok("@omniwear".to_string())
        );
        assert!(origin.revoke_token("omniwear", "second"));
        assert_eq!(
            origin.verify(&auth("second")).await,
            Err(OriginError::Unauthorized)
        );
        assert!(!origin.revoke_token("omniwear", "second"));
        assert!(
            origin
                .add_comment("ig:17895695668004550", "@sam", "Hi")
                .is_some()
        );
        assert!(origin.add_comment("ig:none", "@sam", "Hi").is_none());
    }
}
