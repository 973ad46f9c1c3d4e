//! [`MockOrigin`]: an in-memory "Instagram" seeded from the config (accounts with tokens and a
//! handle, photos with an owner, likes, mentions and comments), and what the sandbox's own
//! pages and controls do with it (issue and revoke tokens, comment, like as another account).
//! What the integration sees of it, the [`Origin`](super::Origin) implementation, is in `origin/mock/api.rs`.

mod api;

pub use api::OriginError;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use heart_contract::LikeAnswer;
use serde::Serialize;

use crate::config::Account;

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
    /// The API calls each account made (`(unknown)` for accounts the origin does not have).
    calls: BTreeMap<String, ApiCalls>,
}

/// The calls the origin's API answered for one account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ApiCalls {
    /// Reads: the account, a photo's relation or like-state, comments.
    pub reads: u64,
    /// Likes and unlikes.
    pub writes: u64,
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
    /// The account that wrote it.
    author_id: String,
    /// How the origin shows that account.
    author: String,
    text: String,
    created_at: String,
}

impl Inner {
    /// A new comment on the photo, now; its id.
    fn comment(&mut self, photo_id: &str, author_id: &str, author: &str, text: &str) -> String {
        let seq = self.comments.last().map_or(1, |c| c.seq + 1);
        let id = format!("c{seq}");
        self.comments.push(MockComment {
            seq,
            id: id.clone(),
            photo_id: photo_id.to_owned(),
            author_id: author_id.to_owned(),
            author: author.to_owned(),
            text: text.to_owned(),
            created_at: rfc3339(std::time::SystemTime::now()),
        });
        id
    }
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
                        author_id: c.author.trim_start_matches('@').to_owned(),
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

    /// Where the origin's pages are served (`http://localhost:4567`), for permalinks.
    pub fn set_web_base(&self, base: &str) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.web_base = Some(base.trim_end_matches('/').to_owned());
        }
    }

    /// Counts an API call made for `account`.
    pub fn count_call(&self, account: &str, write: bool) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let key = if inner.tokens.contains_key(account) {
            account.to_owned()
        } else {
            "(unknown)".to_owned()
        };
        let calls = inner.calls.entry(key).or_default();
        if write {
            calls.writes += 1;
        } else {
            calls.reads += 1;
        }
    }

    /// The API calls so far, by account.
    pub fn api_calls(&self) -> BTreeMap<String, ApiCalls> {
        self.inner
            .lock()
            .map(|i| i.calls.clone())
            .unwrap_or_default()
    }

    /// Where a person sees the photo (and the comment): its page on the sandbox host.
    pub fn photo_url(&self, photo_id: &str, comment_id: Option<&str>) -> Option<String> {
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
        let author = author.trim();
        Some(inner.comment(
            photo_id,
            author.trim_start_matches('@'),
            author,
            text.trim(),
        ))
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
