//! What the mock Instagram's API does (`instagram/server.rs` serves it over HTTP): every call checked
//! against the account's valid tokens first (compared whole, in constant time), then counted.

use std::collections::BTreeSet;

use heart_contract::LikeAnswer;
use heart_integration::origin::{Comment, Credentials, Relation};

use super::{Inner, MockInstagram, MockPhoto};
use crate::secret::same_secret;

/// Why the origin refused a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstagramError {
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

impl MockInstagram {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>, InstagramError> {
        self.inner
            .lock()
            .map_err(|_| InstagramError::BadRequest("the mock Instagram's state is poisoned"))
    }

    fn find_photo<'a>(inner: &'a Inner, photo_id: &str) -> Result<&'a MockPhoto, InstagramError> {
        inner.photos.get(photo_id).ok_or(InstagramError::NotFound)
    }

    fn authorized(inner: &Inner, auth: &Credentials) -> Result<(), InstagramError> {
        match inner.tokens.get(&auth.account) {
            Some(valid) if token_matches(valid, &auth.token) => Ok(()),
            _ => Err(InstagramError::Unauthorized),
        }
    }
}

/// The API's calls, in the integration's words (the HTTP routes are in `instagram/server.rs`).
impl MockInstagram {
    pub fn like_state(
        &self,
        auth: &Credentials,
        photo_id: &str,
    ) -> Result<LikeAnswer, InstagramError> {
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
    ) -> Result<LikeAnswer, InstagramError> {
        let mut inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        let photo = inner
            .photos
            .get_mut(photo_id)
            .ok_or(InstagramError::NotFound)?;
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
    ) -> Result<String, InstagramError> {
        let mut inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        Self::find_photo(&inner, photo_id)?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > super::MAX_COMMENT_CHARS {
            return Err(InstagramError::BadRequest(
                "a comment is 1 to 2,200 characters, as on Instagram",
            ));
        }
        let handle = inner
            .handles
            .get(&auth.account)
            .cloned()
            .unwrap_or_else(|| format!("@{}", auth.account));
        Ok(inner.comment(photo_id, &auth.account, &handle, text))
    }

    pub fn verify(&self, auth: &Credentials) -> Result<String, InstagramError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        Ok(inner
            .handles
            .get(&auth.account)
            .cloned()
            .unwrap_or_else(|| format!("@{}", auth.account)))
    }

    pub fn relation(&self, auth: &Credentials, photo_id: &str) -> Result<Relation, InstagramError> {
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
    ) -> Result<Vec<Comment>, InstagramError> {
        let inner = self.lock()?;
        Self::authorized(&inner, auth)?;
        let after: u64 = match after {
            None | Some("") => 0,
            Some(cursor) => cursor
                .parse()
                .map_err(|_| InstagramError::BadRequest("unknown cursor"))?,
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
        let instagram = MockInstagram::new(&Config::default().accounts);
        let photo = "ig:17895695668004550";
        let before = instagram.like_state(&auth(OMNIWEAR_TOKEN), photo);
        assert_eq!(
            before,
            Ok(LikeAnswer {
                liked: false,
                like_count: Some(41),
                account: None,
            })
        );
        for _ in 0..2 {
            let after = instagram.set_like(&auth(OMNIWEAR_TOKEN), photo, true);
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
            instagram.like_state(&auth("wrong"), photo),
            Err(InstagramError::Unauthorized)
        );
        assert_eq!(
            instagram.like_state(&auth(OMNIWEAR_TOKEN), "ig:nope"),
            Err(InstagramError::NotFound)
        );
    }

    #[test]
    fn tokens_and_comments_are_capped() {
        use crate::instagram::mock::{
            MAX_AUTHOR_CHARS, MAX_COMMENT_CHARS, MAX_COMMENTS, MAX_TOKEN_LEN, MAX_TOKENS,
        };
        let instagram = MockInstagram::new(&Config::default().accounts);
        let photo = "ig:17895695668004550";
        for i in 1..MAX_TOKENS {
            assert!(instagram.issue_token("omniwear", &format!("t{i}")), "{i}");
        }
        assert!(!instagram.issue_token("omniwear", "one-too-many"));
        assert!(
            instagram.issue_token("omniwear", "t1"),
            "an existing one is fine"
        );
        assert!(instagram.revoke_token("omniwear", "t1"));
        assert!(!instagram.issue_token("omniwear", &"x".repeat(MAX_TOKEN_LEN + 1)));
        assert!(instagram.issue_token("omniwear", &"x".repeat(MAX_TOKEN_LEN)));
        assert_eq!(instagram.tokens()["omniwear"].len(), MAX_TOKENS);

        let long = "é".repeat(MAX_COMMENT_CHARS + 1);
        assert!(instagram.add_comment(photo, "@sam", &long).is_none());
        assert!(instagram.add_comment(photo, "@sam", &long[2..]).is_some());
        let author = "a".repeat(MAX_AUTHOR_CHARS + 1);
        assert!(instagram.add_comment(photo, &author, "hi").is_none());
        for i in 0..MAX_COMMENTS {
            assert!(
                instagram
                    .add_comment(photo, "@sam", &format!("c{i}"))
                    .is_some()
            );
        }
        let page = instagram.photo_page(photo).expect("photo");
        assert_eq!(page.comments.len(), MAX_COMMENTS, "the oldest went");
        assert_eq!(page.comments.last().map(|c| c.2.as_str()), Some("c9999"));
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
        let instagram = MockInstagram::new(&Config::default().accounts);
        let me = auth(OMNIWEAR_TOKEN);
        assert_eq!(
            instagram.relation(&me, "ig:17895695668004550"),
            Ok(Relation::Own)
        );
        let rival = instagram
            .photos()
            .into_iter()
            .find(|p| p.account != "omniwear")
            .expect("a photo of another account");
        assert_eq!(instagram.relation(&me, &rival.id), Ok(Relation::Unrelated));

        let all = instagram.comments(&me, None, 100).expect("comments");
        assert!(
            all.iter()
                .all(|c| instagram.photo("omniwear", &c.photo_id).is_some())
        );
        assert!(!all.is_empty() && all[0].first_on_photo);
        let rest = instagram
            .comments(&me, Some(&all[0].cursor), 100)
            .expect("after the first");
        assert_eq!(rest.len(), all.len() - 1);
        let one = instagram.comments(&me, None, 1).expect("one");
        assert_eq!(one.len(), 1);

        assert!(instagram.issue_token("omniwear", "second"));
        assert_eq!(
            instagram.verify(&auth("second")),
            Ok("@omniwear".to_string())
        );
        assert!(instagram.revoke_token("omniwear", "second"));
        assert_eq!(
            instagram.verify(&auth("second")),
            Err(InstagramError::Unauthorized)
        );
        assert!(!instagram.revoke_token("omniwear", "second"));
        assert!(
            instagram
                .add_comment("ig:17895695668004550", "@sam", "Hi")
                .is_some()
        );
        assert!(instagram.add_comment("ig:none", "@sam", "Hi").is_none());
    }
}
