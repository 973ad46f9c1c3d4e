//! The thin typed bridge to the ZAF client (`window.ZAFClient`, Zendesk's SDK).
//!
//! It only moves values across the JS boundary; what they mean is decided in pure code
//! ([`crate::ticket`], [`crate::proxy`]). Nothing here panics on what Zendesk sends.

use heart_contract::{Field, LikeAnswer};
use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};

use crate::ticket::{CONTEXT_PATHS, ContextAnswer, MetadataAnswer, Scalar, whole_number};

#[wasm_bindgen]
extern "C" {
    /// `ZAFClient.init()`: a client inside Zendesk, `false` outside; throws if the SDK is absent.
    #[wasm_bindgen(catch, js_namespace = ZAFClient, js_name = init)]
    fn zaf_init() -> Result<JsValue, JsValue>;

    #[derive(Clone)]
    type RawClient;

    #[wasm_bindgen(method, catch)]
    fn get(this: &RawClient, paths: &Array) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn metadata(this: &RawClient) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn request(this: &RawClient, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, js_name = invoke)]
    fn invoke_with(this: &RawClient, name: &str, arg: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = invoke)]
    fn invoke_bare(this: &RawClient, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn on(this: &RawClient, name: &str, handler: &Function) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn off(this: &RawClient, name: &str, handler: &Function) -> Result<JsValue, JsValue>;
}

/// Logs to the browser console, where an admin looking into a problem finds the details.
pub fn warn(message: &str, detail: &JsValue) {
    web_sys::console::warn_2(
        &JsValue::from_str(&format!("zendesk-heart: {message}")),
        detail,
    );
}

/// Logs to the browser console what the app decided and why (e.g. why it hid).
pub fn info(message: &str) {
    web_sys::console::info_1(&JsValue::from_str(&format!("zendesk-heart: {message}")));
}

/// What `client.request` gave back, before it is judged ([`crate::proxy::Failure::read_response`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawResponse {
    /// Resolved: the status and the body read as a like-state (`None` if it is not one).
    Ok {
        status: u16,
        answer: Option<LikeAnswer>,
    },
    /// Rejected: HTTP status (0 for none), status text, any `Retry-After`, and the `error` of a
    /// JSON error body (which tells the proxy's own 404 from the service's).
    Failed {
        status: u16,
        status_text: String,
        error: Option<String>,
        retry_after: Option<String>,
    },
}

/// A connected ZAF client.
#[derive(Clone)]
pub struct Client {
    raw: RawClient,
    /// The `client.get` and `client.metadata()` that `iframe.html` started while the wasm
    /// downloaded (see `index.html`), each used once.
    early: Rc<Early>,
}

#[derive(Default)]
struct Early {
    context: Cell<Option<Promise>>,
    metadata: Cell<Option<Promise>>,
}

/// The global where `index.html`'s inline script leaves `{client, context, metadata}`.
const EARLY_GLOBAL: &str = "__heartBoot";

impl PartialEq for Client {
    fn eq(&self, other: &Self) -> bool {
        let (a, b): (&JsValue, &JsValue) = (self.raw.as_ref(), other.raw.as_ref());
        a == b
    }
}

/// One value of a JSON body the bridge writes: what the contract's bodies hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json<'a> {
    Str(&'a str),
    Bool(bool),
    Null,
}

/// A plain JS object of `fields`.
fn object(fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

fn prop(target: &JsValue, key: &str) -> Option<JsValue> {
    if !target.is_object() {
        return None;
    }
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn scalar(target: &JsValue, key: &str) -> Scalar {
    match prop(target, key) {
        Some(v) => match (v.as_string(), v.as_f64()) {
            (Some(s), _) => Scalar::Str(s),
            (None, Some(n)) => Scalar::Num(n),
            _ => Scalar::Other,
        },
        None => Scalar::Other,
    }
}

/// A JSON value as one field of an answer (`text` is the value's string, if it is one).
fn field<'a>(value: &JsValue, text: Option<&'a str>) -> Field<'a> {
    if let Some(text) = text {
        Field::Str(text)
    } else if value.is_undefined() {
        Field::Absent
    } else if value.is_null() {
        Field::Null
    } else if let Some(b) = value.as_bool() {
        Field::Bool(b)
    } else if let Some(n) = value.as_f64() {
        whole_number(n).map_or(Field::OtherNumber, Field::Count)
    } else {
        Field::Other
    }
}

/// The like-state in a JSON body (`liked`, `like_count`, `account`), by the contract's rules;
/// `None` if the body is not one.
fn answer_of(body: &JsValue) -> Option<LikeAnswer> {
    if !body.is_object() || Array::is_array(body) {
        return None;
    }
    let get = |key: &str| Reflect::get(body, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let (liked, count, account) = (get("liked"), get("like_count"), get("account"));
    let (liked_text, count_text) = (liked.as_string(), count.as_string());
    let account_text = account.as_string();
    LikeAnswer::from_fields(
        field(&liked, liked_text.as_deref()),
        field(&count, count_text.as_deref()),
        field(&account, account_text.as_deref()),
    )
}

fn status_of(target: &JsValue) -> Option<u16> {
    prop(target, "status")?
        .as_f64()
        .filter(|s| (0.0..1000.0).contains(s))
        .map(|s| s as u16)
}

/// The body of a complete response: `responseJSON`, else `responseText` parsed as JSON.
fn body_of(response: &JsValue) -> JsValue {
    prop(response, "responseJSON")
        .or_else(|| {
            let text = prop(response, "responseText")?.as_string()?;
            JSON::parse(&text).ok()
        })
        .unwrap_or(JsValue::NULL)
}

/// A header of a failed response: `headers` as an object or raw text, or `getResponseHeader`.
fn header_of(response: &JsValue, name: &str) -> Option<String> {
    if let Some(get) =
        prop(response, "getResponseHeader").and_then(|f| f.dyn_into::<Function>().ok())
        && let Some(value) = get
            .call1(response, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
    {
        return Some(value);
    }
    let headers = prop(response, "headers")?;
    if let Some(raw) = headers.as_string() {
        return raw.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        });
    }
    let headers: Object = headers.dyn_into().ok()?;
    Object::keys(&headers).iter().find_map(|key| {
        let key_text = key.as_string()?;
        if !key_text.eq_ignore_ascii_case(name) {
            return None;
        }
        let value = Reflect::get(&headers, &key).ok()?;
        value
            .as_string()
            .or_else(|| value.as_f64().and_then(whole_number).map(|n| n.to_string()))
    })
}

impl Client {
    /// The client, or `None` when the page is not inside Zendesk (no SDK, or no `origin`
    /// and `app_guid` in the URL). Takes over the client `iframe.html` started, if it did.
    pub fn init() -> Option<Client> {
        let global = js_sys::global();
        let key = JsValue::from_str(EARLY_GLOBAL);
        if let Some(boot) = Reflect::get(&global, &key).ok().filter(JsValue::is_object) {
            let _ = Reflect::delete_property(global.unchecked_ref::<Object>(), &key);
            if let Some(client) = prop(&boot, "client").filter(JsValue::is_object) {
                let promise = |key| prop(&boot, key).and_then(|p| p.dyn_into::<Promise>().ok());
                let early = Early {
                    context: Cell::new(promise("context")),
                    metadata: Cell::new(promise("metadata")),
                };
                return Some(Client {
                    raw: client.unchecked_into(),
                    early: Rc::new(early),
                });
            }
        }
        match zaf_init() {
            Ok(client) if client.is_object() => Some(Client {
                raw: client.unchecked_into(),
                early: Rc::default(),
            }),
            Ok(_) => None,
            Err(error) => {
                warn("the ZAF SDK is not loaded", &error);
                None
            }
        }
    }

    /// `client.get` of the ticket and agent paths.
    pub async fn context(&self) -> Result<ContextAnswer, JsValue> {
        let asked = match self.early.context.take() {
            Some(promise) => Ok(promise),
            None => {
                let paths: Array = CONTEXT_PATHS.iter().map(|p| JsValue::from_str(p)).collect();
                self.raw.get(&paths)
            }
        };
        let answer = settle(asked)
            .await
            .inspect_err(|e| warn("client.get failed", e))?;
        let via = prop(&answer, "ticket.via").unwrap_or(JsValue::UNDEFINED);
        Ok(ContextAnswer {
            ticket_id: scalar(&answer, "ticket.id"),
            external_id: scalar(&answer, "ticket.externalId"),
            via_channel: scalar(&via, "channel"),
            locale: scalar(&answer, "currentUser.locale"),
        })
    }

    /// `client.metadata().settings`.
    pub async fn metadata(&self) -> Result<MetadataAnswer, JsValue> {
        let asked = match self.early.metadata.take() {
            Some(promise) => Ok(promise),
            None => self.raw.metadata(),
        };
        let metadata = settle(asked)
            .await
            .inspect_err(|e| warn("client.metadata failed", e))?;
        let settings = prop(&metadata, "settings").unwrap_or(JsValue::UNDEFINED);
        Ok(MetadataAnswer {
            state_path: scalar(&settings, "state_path"),
            like_path: scalar(&settings, "like_path"),
        })
    }

    /// POSTs `body` as JSON to `url` (a Zendesk API path) through `client.request`.
    pub async fn proxy_post(
        &self,
        url: &str,
        body: &[(&str, Json<'_>)],
        timeout_ms: u32,
    ) -> RawResponse {
        let body: Vec<(&str, JsValue)> = body
            .iter()
            .map(|(key, value)| {
                let value = match value {
                    Json::Str(s) => JsValue::from_str(s),
                    Json::Bool(b) => JsValue::from_bool(*b),
                    Json::Null => JsValue::NULL,
                };
                (*key, value)
            })
            .collect();
        // `client.request` options (the field names are ZAF's).
        let options = JSON::stringify(&object(&body)).map(|data| {
            JsValue::from(object(&[
                ("url", JsValue::from_str(url)),
                ("type", JsValue::from_str("POST")),
                ("contentType", JsValue::from_str("application/json")),
                ("dataType", JsValue::from_str("json")),
                ("data", data.into()),
                ("httpCompleteResponse", JsValue::TRUE),
                ("timeout", JsValue::from(timeout_ms)),
            ]))
        });
        let result = match options {
            Ok(options) => {
                let before = self.request_handler_keys();
                let promise = self.raw.request(&options);
                let mine: Vec<JsValue> = self
                    .request_handler_keys()
                    .into_iter()
                    .filter(|k| !before.contains(k))
                    .collect();
                let result = settle(promise).await;
                self.forget_request_handlers(&mine);
                result
            }
            Err(error) => Err(error),
        };
        match result {
            Ok(response) => {
                // With `httpCompleteResponse` the body comes wrapped with its status; a host
                // that ignores the option resolves with the body itself.
                let complete = prop(&response, "responseJSON").is_some()
                    || prop(&response, "responseText").is_some();
                let (status, body) = if complete {
                    (status_of(&response).unwrap_or(200), body_of(&response))
                } else {
                    (200, response)
                };
                let answer = answer_of(&body);
                if answer.is_none() {
                    warn(
                        "the integration service's answer is not a like-state",
                        &body,
                    );
                }
                RawResponse::Ok { status, answer }
            }
            Err(error) => {
                warn("the proxy call failed", &error);
                RawResponse::Failed {
                    status: status_of(&error).unwrap_or(0),
                    status_text: prop(&error, "statusText")
                        .and_then(|t| t.as_string())
                        .unwrap_or_default(),
                    error: prop(&body_of(&error), "error").and_then(|e| e.as_string()),
                    retry_after: header_of(&error, "retry-after"),
                }
            }
        }
    }

    /// The SDK's table of event handlers (`_messageHandlers`), where it keeps one.
    fn handler_table(&self) -> Option<Object> {
        let raw: &JsValue = self.raw.as_ref();
        prop(raw, "_messageHandlers")?.dyn_into::<Object>().ok()
    }

    /// The SDK's handler names for `client.request` calls (`request:<n>.done` / `.fail`).
    fn request_handler_keys(&self) -> Vec<JsValue> {
        let Some(table) = self.handler_table() else {
            return Vec::new();
        };
        Object::keys(&table)
            .iter()
            .filter(|k| k.as_string().is_some_and(|k| k.starts_with("request:")))
            .collect()
    }

    /// The SDK (zendesk_app_framework_sdk 2.0) subscribes a `.done` and a `.fail` handler for
    /// every `client.request` and never unsubscribes them: a page would keep both for every
    /// request it ever made. Once the app's request has settled, its two go. (With an SDK that
    /// keeps no such table, nothing happens.)
    fn forget_request_handlers(&self, keys: &[JsValue]) {
        if let Some(table) = self.handler_table() {
            for key in keys {
                let _ = Reflect::delete_property(&table, key);
            }
        }
    }

    /// `client.invoke(name[, arg])`, whose failure is only logged: it changes the frame, not the state.
    fn invoke(&self, name: &'static str, arg: Option<JsValue>) {
        let result = match &arg {
            Some(arg) => self.raw.invoke_with(name, arg),
            None => self.raw.invoke_bare(name),
        };
        match result {
            Ok(value) => {
                if let Ok(promise) = value.dyn_into::<Promise>() {
                    spawn_local(async move {
                        if let Err(e) = JsFuture::from(promise).await {
                            warn(&format!("invoke('{name}') failed"), &e);
                        }
                    });
                }
            }
            Err(e) => warn(&format!("invoke('{name}') failed"), &e),
        }
    }

    /// Sizes the sidebar iframe to the content's height in pixels.
    pub fn resize(&self, height_px: u32) {
        let arg = Object::new();
        let _ = Reflect::set(&arg, &"width".into(), &"100%".into());
        let _ = Reflect::set(&arg, &"height".into(), &format!("{height_px}px").into());
        self.invoke("resize", Some(arg.into()));
    }

    pub fn hide(&self) {
        self.invoke("hide", None);
    }

    pub fn show(&self) {
        self.invoke("show", None);
    }

    /// Calls `handler` with each event's payload until the subscription is dropped.
    pub fn on(&self, event: &'static str, handler: impl FnMut(JsValue) + 'static) -> Subscription {
        let handler = Closure::<dyn FnMut(JsValue)>::new(handler);
        if let Err(e) = self.raw.on(event, handler.as_ref().unchecked_ref()) {
            warn(&format!("client.on('{event}') failed"), &e);
        }
        Subscription {
            raw: self.raw.clone(),
            event,
            handler,
        }
    }
}

/// An event handler; dropping it unsubscribes.
pub struct Subscription {
    raw: RawClient,
    event: &'static str,
    handler: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let _ = self
            .raw
            .off(self.event, self.handler.as_ref().unchecked_ref());
    }
}

/// A number the host page set in `window.zendeskHeartTiming` (see [`crate::timing`]).
pub fn timing_override(key: &str) -> Option<f64> {
    let global: JsValue = js_sys::global().into();
    prop(&prop(&global, "zendeskHeartTiming")?, key)?.as_f64()
}

/// Whether an `app.activated` payload is the first activation of a freshly loaded app
/// (`{"firstLoad": true}`).
pub fn is_first_load(payload: &JsValue) -> bool {
    prop(payload, "firstLoad").and_then(|v| v.as_bool()) == Some(true)
}

/// The scheme a `colorScheme.changed` event names: a string, or an object that holds one.
pub fn scheme_in_event(payload: &JsValue) -> Option<String> {
    payload.as_string().or_else(|| {
        ["colorScheme", "scheme", "value"]
            .into_iter()
            .find_map(|key| prop(payload, key)?.as_string())
    })
}
