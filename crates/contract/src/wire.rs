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
/// The rules live in [`LikeAnswer::from_fields`], which serde and the app's JS bridge share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LikeAnswer {
    pub liked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub like_count: Option<u64>,
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
    /// Reads the two fields of an answer; `None` when the answer is malformed.
    pub fn from_fields(liked: Field<'_>, like_count: Field<'_>) -> Option<LikeAnswer> {
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
        Some(LikeAnswer { liked, like_count })
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
                let (mut liked, mut count) = (OwnedField::Absent, OwnedField::Absent);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "liked" => liked = map.next_value()?,
                        "like_count" => count = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                LikeAnswer::from_fields(liked.as_field(), count.as_field()).ok_or_else(|| {
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
                like_count: None
            }
        );
        assert_eq!(
            answer(json!({"liked": "false", "like_count": 12})).expect("string"),
            LikeAnswer {
                liked: false,
                like_count: Some(12)
            }
        );
        assert_eq!(
            answer(json!({"liked": "true", "like_count": null, "extra": [1]})).expect("null count"),
            LikeAnswer {
                liked: true,
                like_count: None
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
            LikeAnswer::from_fields(Str("true"), Count(7)),
            Some(LikeAnswer {
                liked: true,
                like_count: Some(7)
            })
        );
        assert_eq!(
            LikeAnswer::from_fields(Bool(false), Null),
            Some(LikeAnswer {
                liked: false,
                like_count: None
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
                LikeAnswer::from_fields(liked, count),
                None,
                "{liked:?} {count:?}"
            );
        }
    }

    #[test]
    fn answers_serialize_without_an_absent_count() {
        let a = LikeAnswer {
            liked: true,
            like_count: None,
        };
        assert_eq!(
            serde_json::to_value(a).expect("serialize"),
            json!({"liked": true})
        );
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
