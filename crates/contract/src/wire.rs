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
mod tests {
    use serde_json::json;

    use super::*;

    fn answer(v: serde_json::Value) -> Result<LikeAnswer, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn request_bodies_have_the_documented_shape() {
        let q = StateQuery {
            ticket_id: "62".into(),
            external_id: None,
        };
        assert_eq!(
            serde_json::to_value(&q).expect("serialize"),
            json!({"ticket_id": "62", "external_id": null})
        );
        let s = SetLike {
            ticket_id: "62".into(),
            external_id: Some("ig:17895695668004550".into()),
            liked: true,
        };
        assert_eq!(
            serde_json::to_value(&s).expect("serialize"),
            json!({"ticket_id": "62", "external_id": "ig:17895695668004550", "liked": true})
        );
    }

    #[test]
    fn answers_accept_booleans_and_boolean_strings() {
        assert_eq!(
            answer(json!({"liked": true})).expect("bool"),
            LikeAnswer {
                liked: true,
                like_count: None,
                account: None,
            }
        );
        assert_eq!(
            answer(json!({"liked": "false", "like_count": 12})).expect("string"),
            LikeAnswer {
                liked: false,
                like_count: Some(12),
                account: None,
            }
        );
        assert_eq!(
            answer(json!({"liked": "true", "like_count": null, "extra": [1]})).expect("null count"),
            LikeAnswer {
                liked: true,
                like_count: None,
                account: None,
            }
        );
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            json!({}),
            json!({"liked": null}),
            json!({"liked": 1}),
            json!({"liked": "yes"}),
            json!({"liked": "True"}),
            json!({"liked": true, "like_count": -1}),
            json!({"liked": true, "like_count": 1.5}),
            json!({"liked": true, "like_count": "3"}),
            json!([true]),
            json!("liked"),
        ] {
            assert!(answer(bad.clone()).is_err(), "{bad} should be malformed");
        }
    }

    #[test]
    fn the_rules_hold_without_serde_too() {
        use Field::*;
        assert_eq!(
            LikeAnswer::from_fields(Str("true"), Count(7), Str(" @omniwear ")),
            Some(LikeAnswer {
                liked: true,
                like_count: Some(7),
                account: Some("@omniwear".into()),
            })
        );
        assert_eq!(
            LikeAnswer::from_fields(Bool(false), Null, Absent),
            Some(LikeAnswer {
                liked: false,
                like_count: None,
                account: None,
            })
        );
        for (liked, count) in [
            (Absent, Absent),
            (Null, Absent),
            (Str("yes"), Absent),
            (Count(1), Absent),
            (Bool(true), OtherNumber),
            (Bool(true), Str("3")),
            (Bool(true), Other),
            (Bool(true), Bool(true)),
        ] {
            assert_eq!(
                LikeAnswer::from_fields(liked, count, Str("@omniwear")),
                None,
                "{liked:?} {count:?}"
            );
        }
        // Whatever `account` is, it never makes an answer malformed.
        for account in [
            Null,
            Bool(true),
            Count(3),
            OtherNumber,
            Other,
            Str(""),
            Str("\u{200B}"),
        ] {
            assert_eq!(
                LikeAnswer::from_fields(Bool(true), Count(1), account),
                Some(LikeAnswer {
                    liked: true,
                    like_count: Some(1),
                    account: None,
                }),
                "{account:?}"
            );
        }
    }

    #[test]
    fn answers_serialize_without_an_absent_count() {
        let a = LikeAnswer {
            liked: true,
            like_count: None,
            account: None,
        };
        assert_eq!(
            serde_json::to_value(a).expect("serialize"),
            json!({"liked": true})
        );
        let a = LikeAnswer {
            liked: false,
            like_count: Some(41),
            account: Some("@omniwear".into()),
        };
        assert_eq!(
            serde_json::to_value(a).expect("serialize"),
            json!({"liked": false, "like_count": 41, "account": "@omniwear"})
        );
    }

    #[test]
    fn answers_carry_the_account_cleaned_and_ignore_a_bad_one() {
        let read = |account: serde_json::Value| {
            answer(json!({"liked": true, "like_count": 2, "account": account}))
                .expect("an account never makes an answer malformed")
                .account
        };
        assert_eq!(read(json!("@omniwear")).as_deref(), Some("@omniwear"));
        assert_eq!(
            read(json!("\u{202E}@omni\u{200B}wear\u{FEFF}")).as_deref(),
            Some("@omniwear")
        );
        for ignored in [
            json!(null),
            json!(7),
            json!(-1.5),
            json!(true),
            json!(["@omniwear"]),
            json!({"handle": "@omniwear"}),
            json!(""),
            json!(" \u{200B}\u{2066}\u{2069}\t"),
        ] {
            assert_eq!(read(ignored.clone()), None, "{ignored}");
        }
        assert_eq!(
            answer(json!({"liked": false})).expect("no account").account,
            None
        );
    }

    #[test]
    fn invisible_and_zero_width_characters_are_removed() {
        assert_eq!(
            clean_account("@omni\u{200B}wear").as_deref(),
            Some("@omniwear")
        );
        assert_eq!(
            clean_account("\u{FEFF}@omniwear\u{FEFF}").as_deref(),
            Some("@omniwear")
        );
        assert_eq!(
            clean_account("@o\u{00AD}m\u{2060}n\u{034F}i\u{3164}\u{115F}\u{E0041}\u{E007F}")
                .as_deref(),
            Some("@omni")
        );
    }

    #[test]
    fn bidi_controls_are_removed() {
        // An override that would show "@omniwear" reversed, an embedding, isolates and marks.
        assert_eq!(
            clean_account("\u{202E}raewinmo@\u{202C}").as_deref(),
            Some("raewinmo@")
        );
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            assert_eq!(
                clean_account(&format!("@omni{c}wear")).as_deref(),
                Some("@omniwear"),
                "U+{:04X}",
                u32::from(c)
            );
        }
        // Right-to-left letters themselves are text, and stay.
        assert_eq!(clean_account("@שלום").as_deref(), Some("@שלום"));
    }

    #[test]
    fn control_characters_are_removed_and_white_space_collapsed() {
        assert_eq!(
            clean_account("\u{0000}@omni\u{0007}wear\u{001B}[31m").as_deref(),
            Some("@omniwear[31m")
        );
        assert_eq!(
            clean_account("@omni\u{0085}wear\u{009F}\u{007F}").as_deref(),
            Some("@omniwear"),
            "C1 controls and DEL"
        );
        assert_eq!(
            clean_account("  Omniwear \t\n\r  Official\u{2028}\u{00A0}\u{3000}Store  ").as_deref(),
            Some("Omniwear Official Store"),
            "tabs and newlines go; spaces collapse to one"
        );
    }

    #[test]
    fn a_long_handle_is_cut_to_64_characters_with_an_ellipsis() {
        let exactly = "a".repeat(MAX_ACCOUNT_CHARS);
        assert_eq!(clean_account(&exactly).as_deref(), Some(exactly.as_str()));
        let long = format!("@{}", "é".repeat(999));
        let cut = clean_account(&long).expect("a handle");
        assert_eq!(cut.chars().count(), MAX_ACCOUNT_CHARS);
        assert!(cut.starts_with("@éé") && cut.ends_with("é…"), "{cut}");
        // Dropped characters do not count; a space before the cut is not kept.
        let padded = format!(
            "{}{}",
            "\u{200B}".repeat(500),
            "b".repeat(MAX_ACCOUNT_CHARS)
        );
        assert_eq!(
            clean_account(&padded).as_deref(),
            Some("b".repeat(64).as_str())
        );
        let spaced = format!("{} {}", "c".repeat(MAX_ACCOUNT_CHARS - 2), "d".repeat(10));
        assert_eq!(
            clean_account(&spaced),
            Some(format!("{}…", "c".repeat(MAX_ACCOUNT_CHARS - 2)))
        );
    }

    #[test]
    fn emoji_and_markup_stay_as_text() {
        // A ZWJ sequence with a variation selector, and a skin tone: kept whole.
        let runner = "@omni🏃\u{200D}♀\u{FE0F}wear 👋🏽";
        assert_eq!(clean_account(runner).as_deref(), Some(runner));
        let html = r#"<img src=x onerror="alert(1)"><b>@omniwear</b>&amp;"#;
        assert_eq!(clean_account(html).as_deref(), Some(html));
        let emoji = "😀".repeat(100);
        let cut = clean_account(&emoji).expect("a handle");
        assert_eq!(cut.chars().count(), MAX_ACCOUNT_CHARS);
        assert!(cut.ends_with("😀…"));
    }

    #[test]
    fn nothing_visible_left_is_no_handle() {
        for raw in [
            "",
            "   ",
            "\u{200B}\u{FEFF}\u{202E}",
            "\u{0000}\u{001F}\u{0080}",
            "\u{200D}\u{FE0F}",
            "\u{200C}".repeat(200).as_str(),
        ] {
            assert_eq!(clean_account(raw), None, "{raw:?}");
        }
    }

    #[cfg(feature = "service")]
    #[test]
    fn client_data_parses_into_the_call_bodies() {
        let form = ProxyForm {
            instance_metadata: "{}".into(),
            client_data: r#"{"ticket_id":"62","external_id":"p1","liked":false}"#.into(),
        };
        let body: SetLike = form.client_body().expect("set body");
        assert!(!body.liked);
        let err = ProxyForm {
            client_data: "{".into(),
            ..form
        }
        .client_body::<SetLike>()
        .expect_err("truncated");
        assert!(
            err.to_string()
                .starts_with("client_data is not the expected JSON body")
        );
    }
}
