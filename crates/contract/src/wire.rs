//! The bodies that cross the proxy, and the form Zendesk POSTs to the integration service.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Unexpected, Visitor};
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LikeAnswer {
    pub liked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub like_count: Option<u64>,
}

/// The fields as they may arrive; [`LikeAnswer`] only accepts them from a JSON object
/// (serde's derive would also take `[true, 3]`, which no service means as an answer).
#[derive(Deserialize)]
struct RawAnswer {
    #[serde(deserialize_with = "bool_or_bool_string")]
    liked: bool,
    #[serde(default)]
    like_count: Option<u64>,
}

impl<'de> Deserialize<'de> for LikeAnswer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = LikeAnswer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with \"liked\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LikeAnswer, A::Error> {
                let raw = RawAnswer::deserialize(MapAccessDeserializer::new(map))?;
                Ok(LikeAnswer {
                    liked: raw.liked,
                    like_count: raw.like_count,
                })
            }
        }
        d.deserialize_map(Object)
    }
}

fn bool_or_bool_string<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Liked;
    impl Visitor<'_> for Liked {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("true, false, \"true\" or \"false\"")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(E::invalid_value(Unexpected::Str(other), &self)),
            }
        }
    }
    d.deserialize_any(Liked)
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
