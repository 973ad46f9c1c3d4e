//! The bodies that cross the proxy, and the form Zendesk POSTs to the integration service.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// App → service, to read the like-state: POSTed to `state_path`.
///
/// The proxy forwards no ticket data of its own, so the body carries what identifies the photo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateQuery {
    /// The Zendesk ticket id, as a string.
    pub ticket_id: String,
    /// The ticket's `external_id`: what the integration set when it created the ticket
    /// (typically the origin's id of the photo or comment). `null` when the ticket has none.
    pub external_id: Option<String>,
}

/// App → service, to like (`true`) or unlike (`false`): POSTed to `like_path`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetLike {
    pub ticket_id: String,
    pub external_id: Option<String>,
    pub liked: bool,
}

/// Service → app: the like-state *after* the call, as the origin reports it.
///
/// `liked` is a JSON boolean; the strings `"true"` and `"false"` are accepted too. `like_count`
/// is optional and, when present, a non-negative integer. Anything else is a malformed answer.
/// `account` is optional: the display handle of the account that likes (e.g. `@omniwear`), read
/// by [`clean_account`]; a value that is not a usable handle is ignored, never an error.
/// The rules live in [`LikeAnswer::from_fields`], which serde and the app's JS bridge share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LikeAnswer {
    pub liked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub like_count: Option<u64>,
    /// Who likes: the business account's display handle. Read from the wire it is plain text
    /// of at most [`MAX_ACCOUNT_CHARS`] characters ([`clean_account`]); a service may send any
    /// string, and the reader cleans it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// The most characters an `account` handle keeps once cleaned (a longer one is cut, ending in `…`).
pub const MAX_ACCOUNT_CHARS: usize = 64;

/// Characters a handle never keeps: controls (C0, DEL, C1), line and paragraph separators,
/// bidi controls (U+061C, U+200E/F, U+202A–E, U+2066–9) and invisible characters (zero-width
/// space, word joiner, BOM, soft hyphen, fillers, tags, …). Zero-width (non-)joiners and
/// variation selectors stay: emoji and some scripts need them.
fn dropped(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Joiners and variation selectors: kept inside a handle, but not something to show on their own.
fn joiner(c: char) -> bool {
    matches!(
        c,
        '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}'
    )
}

/// An `account` handle as plain text to show: without control, bidi and invisible characters,
/// with each run of white space made one space and none at either end, and at most
/// [`MAX_ACCOUNT_CHARS`] characters (a longer one keeps its start and ends in `…`). `None` when
/// nothing visible is left. Markup means nothing here: `<b>` stays the three characters it is.
pub fn clean_account(raw: &str) -> Option<String> {
    let mut text = String::new();
    let mut len = 0;
    let mut space = false;
    for c in raw.chars().filter(|&c| !dropped(c)) {
        if c.is_whitespace() {
            space = len > 0;
            continue;
        }
        if len + usize::from(space) >= MAX_ACCOUNT_CHARS {
            // One character too many: make room for the ellipsis.
            let keep = text
                .char_indices()
                .nth(MAX_ACCOUNT_CHARS - 1)
                .map_or(text.len(), |(i, _)| i);
            text.truncate(keep);
            text.truncate(text.trim_end_matches(|c: char| c == ' ' || joiner(c)).len());
            if !visible(&text) {
                return None;
            }
            text.push('…');
            return Some(text);
        }
        if space {
            text.push(' ');
            len += 1;
            space = false;
        }
        text.push(c);
        len += 1;
    }
    visible(&text).then_some(text)
}

fn visible(text: &str) -> bool {
    text.chars().any(|c| c != ' ' && !joiner(c))
}

/// One field of an answer, as JSON gave it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field<'a> {
    Absent,
    Null,
    Bool(bool),
    Str(&'a str),
    /// A non-negative whole number.
    Count(u64),
    /// Any other number (negative, fractional, too large).
    OtherNumber,
    /// An array or object.
    Other,
}

impl LikeAnswer {
    /// Reads the fields of an answer; `None` when the answer is malformed. `account` is never
    /// what makes it malformed: anything but a usable handle reads as no account.
    pub fn from_fields(
        liked: Field<'_>,
        like_count: Field<'_>,
        account: Field<'_>,
    ) -> Option<LikeAnswer> {
        let liked = match liked {
            Field::Bool(b) => b,
            Field::Str("true") => true,
            Field::Str("false") => false,
            _ => return None,
        };
        let like_count = match like_count {
            Field::Absent | Field::Null => None,
            Field::Count(n) => Some(n),
            _ => return None,
        };
        let account = match account {
            Field::Str(handle) => clean_account(handle),
            _ => None,
        };
        Some(LikeAnswer {
            liked,
            like_count,
            account,
        })
    }
}

/// A field of an answer, owned, for serde to fill.
#[derive(Default)]
enum OwnedField {
    #[default]
    Absent,
    Null,
    Bool(bool),
    Str(String),
    Count(u64),
    OtherNumber,
    Other,
}

impl OwnedField {
    fn as_field(&self) -> Field<'_> {
        match self {
            OwnedField::Absent => Field::Absent,
            OwnedField::Null => Field::Null,
            OwnedField::Bool(b) => Field::Bool(*b),
            OwnedField::Str(s) => Field::Str(s),
            OwnedField::Count(n) => Field::Count(*n),
            OwnedField::OtherNumber => Field::OtherNumber,
            OwnedField::Other => Field::Other,
        }
    }
}

impl<'de> Deserialize<'de> for OwnedField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = OwnedField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<OwnedField, E> {
                Ok(OwnedField::Bool(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OwnedField, E> {
                Ok(OwnedField::Str(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OwnedField, E> {
                Ok(OwnedField::Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OwnedField, E> {
                Ok(u64::try_from(v).map_or(OwnedField::OtherNumber, OwnedField::Count))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<OwnedField, E> {
                Ok(OwnedField::OtherNumber)
            }
            fn visit_unit<E: de::Error>(self) -> Result<OwnedField, E> {
                Ok(OwnedField::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<OwnedField, E> {
                Ok(OwnedField::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<OwnedField, D::Error> {
                OwnedField::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OwnedField, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(OwnedField::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OwnedField, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(OwnedField::Other)
            }
        }
        d.deserialize_any(Any)
    }
}

impl<'de> Deserialize<'de> for LikeAnswer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = LikeAnswer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with \"liked\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LikeAnswer, A::Error> {
                let (mut liked, mut count, mut account) =
                    (OwnedField::Absent, OwnedField::Absent, OwnedField::Absent);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "liked" => liked = map.next_value()?,
                        "like_count" => count = map.next_value()?,
                        "account" => account = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let (liked, count) = (liked.as_field(), count.as_field());
                LikeAnswer::from_fields(liked, count, account.as_field()).ok_or_else(|| {
                    de::Error::custom(
                        "\"liked\" must be true, false, \"true\" or \"false\", and \"like_count\" absent, null or a non-negative integer",
                    )
                })
            }
        }
        d.deserialize_map(Object)
    }
}

/// The form fields Zendesk POSTs to `post_to_path` in the integration service
/// (`application/x-www-form-urlencoded`; the field names are Zendesk's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyForm {
    /// The integration instance's metadata, as the admin's setup stored it (opaque to Zendesk).
    pub instance_metadata: String,
    /// The JSON body the app POSTed to the proxy, as a string.
    pub client_data: String,
}

/// A JSON error body, in the shape Zendesk's own API uses (`{"error": …, "description": …}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            description: Some(description.into()),
        }
    }
}

/// Why `client_data` could not be read as the body a call expects.
#[cfg(feature = "service")]
#[derive(Debug)]
pub struct ClientDataError(serde_json::Error);

#[cfg(feature = "service")]
impl fmt::Display for ClientDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client_data is not the expected JSON body: {}", self.0)
    }
}

#[cfg(feature = "service")]
impl std::error::Error for ClientDataError {}

#[cfg(feature = "service")]
impl ProxyForm {
    /// Reads `client_data` as the body of one of the two calls ([`StateQuery`] or [`SetLike`]).
    pub fn client_body<T: serde::de::DeserializeOwned>(&self) -> Result<T, ClientDataError> {
        serde_json::from_str(&self.client_data).map_err(ClientDataError)
    }
}

#[cfg(test)]
mod tests;
