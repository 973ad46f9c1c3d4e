//! What the mock origin's API does (`origin/server.rs` serves it over HTTP): every call checked
//! against the account's valid tokens first (compared whole, in constant time), then counted.

use std::collections::BTreeSet;

use heart_contract::LikeAnswer;
use heart_integration::origin::{Comment, Credentials, Relation};

use super::{Inner, MockOrigin, MockPhoto};
use crate::origin::same_secret;

/// Why the origin refused a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginError {
    /// The token is wrong, revoked or belongs to another account.
    Unauthorized,
    /// No such photo.
    NotFound,
    /// Something the origin cannot read (a cursor of another origin, say).
    BadRequest(&'static str),
}

/// Whether `given` is one of the valid tokens; every one is compared (no early exit).
fn token_matches(valid: &[String], given: &str) -> bool {
    valid.iter().fold(false, |found, token| {
        found | same_secret(token.as_bytes(), given.as_bytes())
    })
}

impl MockOrigin {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>, OriginError> {
        self.inner
            .lock()
            .map_err(|_| OriginError::BadRequest("the origin's state is poisoned"))
    }

    fn find_photo<'a>(inner: &'a Inner, photo_id: &str) -> Result<&'a MockPhoto, OriginError> {
        inner.photos.get(photo_id).ok_or(OriginError::NotFound)
    }

    fn authorized(inner: &Inner, auth: &Credentials) -> Result<(), OriginError> {
        match inner.tokens.get(&auth.account) {
            Some(valid) if token_matches(valid, &auth.token) => Ok(()),
            _ => Err(OriginError::Unauthorized),
        }
    }
}

/// The API's calls, in the integration's words (the HTTP routes are in `origin/server.rs`).
impl MockOrigin {
    pub fn like_state(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> Result<LikeAnswer, OriginError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        Ok(Self::find_photo(&inner, photo_id)?.answer(&auth.account))
    }

    /// Like Instagram, it lets an account like any photo: refusing others' is the integration's job.
    pub fn set_like(
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
            .ok_or(OriginError::NotFound)?;
        if liked {
            photo.liked_by.insert(auth.account.clone());
        } else {
            photo.liked_by.remove(&auth.account);
        }
        Ok(photo.answer(&auth.account))
    }

    /// The business account comments on a photo (any photo, as Instagram allows); its id.
    pub fn reply(
        &self,
        auth: &Credentials,
        photo_id: &str,
        text: &str,
    ) -> Result<String, OriginError> {
        let mut inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        Self::find_photo(&inner, photo_id)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(OriginError::BadRequest("a comment needs text"));
        }
        let handle = inner
            .handles
            .get(&auth.account)
            .cloned()
            .unwrap_or_else(|| format!("@{}", auth.account));
        Ok(inner.comment(photo_id, &auth.account, &handle, text))
    }

    pub fn verify(&self, auth: &Credentials) -> Result<String, OriginError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        Ok(inner
            .handles
            .get(&auth.account)
            .cloned()
            .unwrap_or_else(|| format!("@{}", auth.account)))
    }

    pub fn relation(&self, auth: &Credentials, photo_id: &str) -> Result<Relation, OriginError> {
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

    pub fn comments(
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
                .map_err(|_| OriginError::BadRequest("unknown cursor"))?,
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
                author_id: c.author_id.clone(),
                author: c.author.clone(),
                text: c.text.clone(),
                created_at: c.created_at.clone(),
            });
        }
        Ok(out)
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
    fn likes_count_once_and_need_the_token() {
        let origin = MockOrigin::new(&Config::default().accounts);
        let photo = "ig:17895695668004550";
        let before = origin.like_state(&auth(OMNIWEAR_TOKEN), photo);
        assert_eq!(
            before,
            Ok(LikeAnswer {
                liked: false,
                like_count: Some(41),
                account: None,
            })
        );
        for _ in 0..2 {
            let after = origin.set_like(&auth(OMNIWEAR_TOKEN), photo, true);
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
            origin.like_state(&auth("wrong"), photo),
            Err(OriginError::Unauthorized)
        );
        assert_eq!(
            origin.like_state(&auth(OMNIWEAR_TOKEN), "ig:nope"),
            Err(OriginError::NotFound)
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

    #[test]
    fn relations_comments_and_revocation() {
        let origin = MockOrigin::new(&Config::default().accounts);
        let me = auth(OMNIWEAR_TOKEN);
        assert_eq!(
            origin.relation(&me, "ig:17895695668004550"),
            Ok(Relation::Own)
        );
        let rival = origin
            .photos()
            .into_iter()
            .find(|p| p.account != "omniwear")
            .expect("a photo of another account");
        assert_eq!(origin.relation(&me, &rival.id), Ok(Relation::Unrelated));

        let all = origin.comments(&me, None, 100).expect("comments");
        assert!(
            all.iter()
                .all(|c| origin.photo("omniwear", &c.photo_id).is_some())
        );
        assert!(!all.is_empty() && all[0].first_on_photo);
        let rest = origin
            .comments(&me, Some(&all[0].cursor), 100)
            .expect("after the first");
        assert_eq!(rest.len(), all.len() - 1);
        let one = origin.comments(&me, None, 1).expect("one");
        assert_eq!(one.len(), 1);

        assert!(origin.issue_token("omniwear", "second"));
        assert_eq!(origin.verify(&auth("second")), Ok("@omniwear".to_string()));
        assert!(origin.revoke_token("omniwear", "second"));
        assert_eq!(
            origin.verify(&auth("second")),
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
