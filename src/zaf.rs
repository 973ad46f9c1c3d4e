//! The thin typed bridge to the ZAF client (`window.ZAFClient`, Zendesk's SDK).
//!
//! It declares the JS bindings and moves values across the boundary, nothing else: what
//! Zendesk answered comes out as plain data ([`crate::zaf_data`]), read by name into the caller's
//! type ([`Read`]), and what it means is decided in pure code ([`crate::ticket`], [`crate::boot`],
//! [`crate::proxy`]). It knows the SDK's API and the envelope of `client.request`'s answers,
//! and nothing of the app's domain. Nothing here panics on what Zendesk sends.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, JSON, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use heart_contract::decimal;

use crate::zaf_data::{Headers, Json, Path, Read, Response, Scalar, asked};

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

/// What the app's lines in the console begin with.
const CONSOLE_PREFIX: &str = "zendesk-heart:";

/// Logs to the browser console, where an admin looking into a problem finds the details.
pub fn warn(message: &str, detail: &JsValue) {
    web_sys::console::warn_3(&CONSOLE_PREFIX.into(), &message.into(), detail);
}

/// Logs to the browser console what the app decided and why (e.g. why it hid).
pub fn info(message: &str) {
    web_sys::console::info_2(&CONSOLE_PREFIX.into(), &message.into());
}

/// The clock, in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A random number in `[0, 1)`.
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// A connected ZAF client.
#[derive(Clone)]
pub struct Client {
    raw: RawClient,
    /// What the page's script (`boot.js`) started while the wasm downloaded, each used once.
    early: Rc<Early>,
}

/// What `boot.js` leaves in [`EARLY_GLOBAL`]: the promises of `client.get`, `client.metadata()`,
/// of the first read (`{options, answer}` when the page sent it, `null` when it left it to the
/// app) and of the agent's language's table (`null` for English), and the integration's
/// manifest URL.
#[derive(Default)]
struct Early {
    context: Cell<Option<Promise>>,
    metadata: Cell<Option<Promise>>,
    read: Cell<Option<Promise>>,
    strings: Cell<Option<Promise>>,
    manifest: Option<String>,
}

/// The global where the page's script leaves what it started ([`Early`]).
const EARLY_GLOBAL: &str = "__heartBoot";

/// The longest manifest URL taken from the page (Zendesk's limit for URLs is 511).
const MAX_URL: usize = 2048;

impl PartialEq for Client {
    fn eq(&self, other: &Self) -> bool {
        let (a, b): (&JsValue, &JsValue) = (self.raw.as_ref(), other.raw.as_ref());
        a == b
    }
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

/// The value at `path` in `target` as a scalar.
fn scalar_at(target: &JsValue, path: Path<'_>) -> Scalar {
    let mut value = target.clone();
    for key in path {
        if !value.is_object() {
            return Scalar::Absent;
        }
        value = Reflect::get(&value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    }
    if let Some(text) = value.as_string() {
        Scalar::Str(text)
    } else if let Some(n) = value.as_f64() {
        Scalar::Num(n)
    } else if let Some(b) = value.as_bool() {
        Scalar::Bool(b)
    } else if value.is_null() {
        Scalar::Null
    } else if value.is_undefined() {
        Scalar::Absent
    } else {
        Scalar::Other
    }
}

/// `target` read as a `T`, each of its fields at its path.
fn read<T: Read>(target: &JsValue) -> T {
    T::read(&mut |path| scalar_at(target, path))
}

/// The value at `path` of the page's global object (e.g. settings a host page left there).
pub fn global(path: Path<'_>) -> Scalar {
    scalar_at(&js_sys::global(), path)
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

/// The headers of a failed response as the host gave them: `headers` as raw text or as an
/// object. (Zendesk's answer crosses `postMessage`, so it carries no methods to ask.)
fn headers_of(response: &JsValue) -> Headers {
    let Some(headers) = prop(response, "headers") else {
        return Headers::None;
    };
    if let Some(raw) = headers.as_string() {
        return Headers::Text(raw);
    }
    let names: Vec<String> = if headers.is_object() {
        Object::keys(headers.unchecked_ref::<Object>())
            .iter()
            .filter_map(|k| k.as_string())
            .collect()
    } else {
        Vec::new()
    };
    let pairs = names
        .into_iter()
        .map(|name| {
            let value = scalar_at(&headers, &[&name]);
            (name, value)
        })
        .collect();
    Headers::Pairs(pairs)
}

/// A POST with a JSON body, through `client.request`.
pub struct Post<'a> {
    /// A Zendesk API path.
    pub url: &'a str,
    pub body: &'a [(&'a str, Json<'a>)],
    /// The `timeout` asked of Zendesk, in milliseconds.
    pub timeout_ms: u32,
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
                    read: Cell::new(promise("read")),
                    strings: Cell::new(promise("strings")),
                    manifest: prop(&boot, "manifest")
                        .and_then(|m| m.as_string())
                        .filter(|m| m.len() <= MAX_URL),
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

    /// `client.get` of the names `T` reads, read as a `T`. The page's early `client.get` is used
    /// if it started one (it asks for the same names: a test keeps them equal).
    pub async fn get<T: Read>(&self) -> Result<T, JsValue> {
        let asked = match self.early.context.take() {
            Some(promise) => Ok(promise),
            None => {
                let paths: Array = asked::<T>().iter().map(|p| JsValue::from_str(p)).collect();
                self.raw.get(&paths)
            }
        };
        let answer = settle(asked)
            .await
            .inspect_err(|e| warn("client.get failed", e))?;
        Ok(read(&answer))
    }

    /// `client.metadata()`, read as a `T`.
    pub async fn metadata<T: Read>(&self) -> Result<T, JsValue> {
        let asked = match self.early.metadata.take() {
            Some(promise) => Ok(promise),
            None => self.raw.metadata(),
        };
        let metadata = settle(asked)
            .await
            .inspect_err(|e| warn("client.metadata failed", e))?;
        Ok(read(&metadata))
    }

    /// The integration's manifest URL, as the build wrote it into the page.
    pub fn manifest_url(&self) -> Option<&str> {
        self.early.manifest.as_deref()
    }

    /// The agent's language's table that the page fetched, read as a `T`; `None` when the page
    /// fetched none or it did not come.
    pub async fn strings<T: Read>(&self) -> Option<T> {
        let table = settle(Ok(self.early.strings.take()?))
            .await
            .inspect_err(|e| warn("the language's strings did not come", e))
            .ok()?;
        Some(read(&table))
    }

    /// The first read, if the page sent it with exactly these `options` (`sent`: their JSON, as
    /// the page wrote them before the SDK saw them): its promise, and the SDK's handler names
    /// made for it (it is the only request so far). Taken once, whatever the first call is.
    async fn early_read(&self, options: &JsValue) -> Option<(Promise, Vec<JsValue>)> {
        let read = settle(Ok(self.early.read.take()?)).await.ok()?;
        let sent = prop(&read, "sent")?.as_string()?;
        let answer = prop(&read, "answer")?.dyn_into::<Promise>().ok()?;
        let ours = JSON::stringify(options).ok()?;
        (ours == sent).then(|| (answer, self.request_handler_keys()))
    }

    /// POSTs a JSON body through `client.request` and reads what it settled with, its body as a
    /// `B`. Also returns the raw answer, for the console. The first read may be one the page
    /// already sent.
    pub async fn post<B: Read>(&self, post: &Post<'_>) -> (Response<B>, JsValue) {
        let body: Vec<(&str, JsValue)> = post
            .body
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
                ("url", JsValue::from_str(post.url)),
                ("type", JsValue::from_str("POST")),
                ("contentType", JsValue::from_str("application/json")),
                ("dataType", JsValue::from_str("json")),
                ("data", data.into()),
                ("httpCompleteResponse", JsValue::TRUE),
                ("timeout", JsValue::from(post.timeout_ms)),
            ]))
        });
        let result = match options {
            Ok(options) => {
                let (promise, mine) = match self.early_read(&options).await {
                    Some((answer, keys)) => (Ok(answer), keys),
                    None => {
                        let before = self.request_handler_keys();
                        let promise = self.raw.request(&options);
                        let mine = self
                            .request_handler_keys()
                            .into_iter()
                            .filter(|k| !before.contains(k))
                            .collect();
                        (promise, mine)
                    }
                };
                let result = settle(promise).await;
                self.forget_request_handlers(&mine);
                result
            }
            Err(error) => Err(error),
        };
        // An array or a primitive has none of the keys read: all absent.
        let response = match &result {
            Ok(response) => {
                // With `httpCompleteResponse` the body comes wrapped with its status; a host
                // that ignores the option resolves with the body itself.
                let complete = prop(response, "responseJSON").is_some()
                    || prop(response, "responseText").is_some();
                let (status, body) = if complete {
                    (status_of(response).unwrap_or(200), body_of(response))
                } else {
                    (200, response.clone())
                };
                Response {
                    resolved: true,
                    status,
                    status_text: String::new(),
                    body: read(&body),
                    headers: Headers::None,
                }
            }
            Err(error) => Response {
                resolved: false,
                status: status_of(error).unwrap_or(0),
                status_text: prop(error, "statusText")
                    .and_then(|t| t.as_string())
                    .unwrap_or_default(),
                body: read(&body_of(error)),
                headers: headers_of(error),
            },
        };
        (response, result.unwrap_or_else(|error| error))
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

    /// `client.invoke(name[, arg])`, whose failure is only logged: it changes the frame, not the
    /// state. (A promise it returns that rejects is reported by the browser itself.)
    fn invoke(&self, name: &'static str, arg: Option<JsValue>) {
        let result = match &arg {
            Some(arg) => self.raw.invoke_with(name, arg),
            None => self.raw.invoke_bare(name),
        };
        if let Err(e) = result {
            warn(&["invoke('", name, "') failed"].concat(), &e);
        }
    }

    /// Sizes the sidebar iframe to the content's height in pixels.
    pub fn resize(&self, height_px: u32) {
        let arg = object(&[
            ("width", "100%".into()),
            ("height", [&decimal(height_px.into()), "px"].concat().into()),
        ]);
        self.invoke("resize", Some(arg.into()));
    }

    pub fn hide(&self) {
        self.invoke("hide", None);
    }

    pub fn show(&self) {
        self.invoke("show", None);
    }

    /// Calls `handler` with each event's payload, read as a `T`, until the subscription is
    /// dropped.
    pub fn on<T: Read>(
        &self,
        event: &'static str,
        mut handler: impl FnMut(T) + 'static,
    ) -> Subscription {
        let handler =
            Closure::<dyn FnMut(JsValue)>::new(move |payload: JsValue| handler(read(&payload)));
        if let Err(e) = self.raw.on(event, handler.as_ref().unchecked_ref()) {
            warn(&["client.on('", event, "') failed"].concat(), &e);
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
