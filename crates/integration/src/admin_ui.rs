//! The admin UI: the form Zendesk opens (in the admin's locale, pre-filled when editing, never
//! with the token), and its submit, which checks the token with the origin before posting the
//! account's name and metadata back to Zendesk's `return_url`.
//!
//! Production rules: `return_url` must be `https://<subdomain>.zendesk.com/…` for the
//! `subdomain` Zendesk sent (`--dev` also takes loopback, over http or https); the pages may be
//! framed only by Zendesk (`Content-Security-Policy: frame-ancestors`, plus loopback with
//! `--dev`); refused tokens are counted per client address, and past the limit the form waits.

mod i18n;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::Integration;
use crate::call::{InstanceMetadata, retry_after_seconds};
use crate::html::escape as esc;
use crate::origin::{Credentials, Origin, OriginError};

pub use self::i18n::for_locale;

/// Who may frame the admin UI in production, and with `--dev`.
pub const FRAME_ANCESTORS: &str = "frame-ancestors https://*.zendesk.com";
pub const FRAME_ANCESTORS_DEV: &str = "frame-ancestors https://*.zendesk.com http://localhost:* http://127.0.0.1:* https://localhost:* https://127.0.0.1:*";

pub(crate) fn routes<O: Origin>() -> Router<Arc<Integration<O>>> {
    Router::new()
        .route("/admin_ui", post(admin_ui::<O>))
        .route("/admin_ui/save", post(save::<O>))
}

/// Whether `return_url` may get the account's metadata: `https://<subdomain>.zendesk.com/…` for
/// the `subdomain` Zendesk sent, and with `dev` also loopback over http or https.
pub fn return_url_allowed(return_url: &str, subdomain: &str, dev: bool) -> bool {
    let Ok(url) = Url::parse(return_url) else {
        return false;
    };
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    let host = url.host_str().unwrap_or("");
    let loopback = dev && matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    let zendesk = !subdomain.is_empty()
        && subdomain.len() <= 63
        && subdomain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && host.eq_ignore_ascii_case(&format!("{subdomain}.zendesk.com"))
        && url.port().is_none();
    match url.scheme() {
        "https" => zendesk || loopback,
        "http" => loopback,
        _ => false,
    }
}

fn valid_account(account: &str) -> bool {
    !account.is_empty()
        && account.len() <= 64
        && account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Where the request came from: the peer, or with `--trust-forwarded-for` the address the
/// proxy in front added last to `X-Forwarded-For`.
fn client_address(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded: bool,
) -> Option<IpAddr> {
    if trust_forwarded
        && let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
        && let Ok(ip) = last.trim().parse()
    {
        return Some(ip);
    }
    peer.map(|p| p.ip())
}

/// What Zendesk POSTs to `admin_ui`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ZendeskFields {
    return_url: String,
    subdomain: String,
    locale: String,
    name: String,
    metadata: String,
}

/// What the admin UI's own form posts to `admin_ui/save`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SaveFields {
    return_url: String,
    subdomain: String,
    locale: String,
    /// The account the metadata had before (empty for a new one).
    previous_account: String,
    name: String,
    account: String,
    token: String,
}

struct FormPage<'a> {
    words: &'static i18n::Words,
    return_url: &'a str,
    subdomain: &'a str,
    locale: &'a str,
    previous_account: &'a str,
    name: &'a str,
    account: &'a str,
    error: Option<String>,
}

const PAGE_STYLE: &str = "body{font:14px/1.43 system-ui,-apple-system,sans-serif;margin:16px;color:#2f3941}\
h1{font-size:16px;margin:0 0 8px}label{display:block;margin:12px 0 4px;font-weight:600}\
input[type=text],input[type=password]{display:block;width:100%;max-width:360px;padding:6px 8px;font:inherit;border:1px solid #87929d;border-radius:4px}\
button{margin-top:16px;padding:6px 16px;font:inherit;background:#1f73b7;color:#fff;border:0;border-radius:4px;cursor:pointer}\
.error{color:#cd3642;font-weight:600}.hint{color:#68737d;font-size:13px;margin:4px 0 0}";

fn form_page(p: &FormPage<'_>) -> String {
    let w = p.words;
    let error = p
        .error
        .as_deref()
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"error\">{}</p>",
                esc(e)
            )
        })
        .unwrap_or_default();
    let hint = if p.previous_account.is_empty() {
        String::new()
    } else {
        format!("<p class=\"hint\">{}</p>", esc(w.token_hint_edit))
    };
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            esc(value)
        )
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>{PAGE_STYLE}</style></head><body><h1>{title}</h1><p>{intro}</p>{error}\
         <form method=\"post\" action=\"admin_ui/save\" id=\"account-form\">{h1}{h2}{h3}{h4}\
         <label for=\"name\">{name_label}</label><input type=\"text\" id=\"name\" name=\"name\" value=\"{name}\" maxlength=\"255\" required>\
         <label for=\"account\">{account_label}</label><input type=\"text\" id=\"account\" name=\"account\" value=\"{account}\" maxlength=\"64\" required autocomplete=\"off\">\
         <label for=\"token\">{token_label}</label><input type=\"password\" id=\"token\" name=\"token\" required autocomplete=\"off\">{hint}\
         <button type=\"submit\" id=\"save\">{save}</button></form></body></html>",
        lang = w.lang,
        title = esc(w.title),
        intro = esc(w.intro),
        h1 = hidden("return_url", p.return_url),
        h2 = hidden("subdomain", p.subdomain),
        h3 = hidden("locale", p.locale),
        h4 = hidden("previous_account", p.previous_account),
        name_label = esc(w.name),
        name = esc(p.name),
        account_label = esc(w.account),
        account = esc(p.account),
        token_label = esc(w.token),
        save = esc(w.save),
    )
}

fn refused_page(status: StatusCode, words: &i18n::Words, why: &str) -> Response {
    (
        status,
        Html(format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{PAGE_STYLE}</style></head>\
             <body><p class=\"error\" role=\"alert\">{}</p></body></html>",
            words.lang,
            esc(words.title),
            esc(why)
        )),
    )
        .into_response()
}

/// The page that refuses a request whose `return_url` is not Zendesk's (`None`: it is).
fn not_from_zendesk(
    step: &str,
    return_url: &str,
    subdomain: &str,
    dev: bool,
    words: &i18n::Words,
) -> Option<Response> {
    if return_url_allowed(return_url, subdomain, dev) {
        return None;
    }
    tracing::warn!("{step}: return_url refused");
    Some(refused_page(
        StatusCode::BAD_REQUEST,
        words,
        "This page must be opened from Zendesk (its return_url is missing or not Zendesk's).",
    ))
}

fn read_form<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> T {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

/// Adds the page's framing policy.
fn framed_by_zendesk(mut response: Response, dev: bool) -> Response {
    let policy = if dev {
        FRAME_ANCESTORS_DEV
    } else {
        FRAME_ANCESTORS
    };
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    response
}

/// Zendesk's POST: the form, in the admin's locale, pre-filled when editing (never the token).
async fn admin_ui<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    body: axum::body::Bytes,
) -> Response {
    let dev = service.settings.dev;
    let z: ZendeskFields = read_form(&body);
    let words = i18n::for_locale(&z.locale);
    if let Some(refused) = not_from_zendesk("admin_ui", &z.return_url, &z.subdomain, dev, words) {
        return framed_by_zendesk(refused, dev);
    }
    let previous = InstanceMetadata::read(&z.metadata)
        .map(|m| m.account)
        .unwrap_or_default();
    tracing::info!(editing = !previous.is_empty(), "admin_ui: form");
    let page = Html(form_page(&FormPage {
        words,
        return_url: &z.return_url,
        subdomain: &z.subdomain,
        locale: &z.locale,
        previous_account: &previous,
        name: &z.name,
        account: &previous,
        error: None,
    }));
    framed_by_zendesk(page.into_response(), dev)
}

#[derive(Serialize)]
struct Metadata<'a> {
    account: &'a str,
    token: &'a str,
    /// How the origin shows the account: who likes, in the like answers.
    handle: &'a str,
}

/// The admin's submit: checks the token with the origin, then posts the account back to Zendesk.
async fn save<O: Origin>(
    State(service): State<Arc<Integration<O>>>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let dev = service.settings.dev;
    let response = save_page(
        &service,
        peer.map(|Extension(ConnectInfo(p))| p),
        &headers,
        &body,
    )
    .await;
    framed_by_zendesk(response, dev)
}

async fn save_page<O: Origin>(
    service: &Integration<O>,
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let settings = &service.settings;
    let f: SaveFields = read_form(body);
    let words = i18n::for_locale(&f.locale);
    if let Some(refused) = not_from_zendesk(
        "admin_ui/save",
        &f.return_url,
        &f.subdomain,
        settings.dev,
        words,
    ) {
        return refused;
    }
    let account = f.account.trim().trim_start_matches('@');
    let again = |status: StatusCode, error: String| {
        (
            status,
            Html(form_page(&FormPage {
                words,
                return_url: &f.return_url,
                subdomain: &f.subdomain,
                locale: &f.locale,
                previous_account: &f.previous_account,
                name: &f.name,
                account: &f.account,
                error: Some(error),
            })),
        )
            .into_response()
    };
    if f.name.trim().is_empty() || account.is_empty() || f.token.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, words.missing.into());
    }
    if !valid_account(account) {
        return again(StatusCode::UNPROCESSABLE_ENTITY, words.bad_account.into());
    }
    let client = client_address(headers, peer, settings.trust_forwarded_for)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let guesses = format!("heart:1:guesses:{client}");
    let store = service.origin.store();
    let limit = &settings.guesses;
    if store.counted(&guesses).await >= limit.refusals {
        tracing::warn!(%client, "admin_ui/save: too many refused tokens from this address");
        let mut response = again(StatusCode::TOO_MANY_REQUESTS, words.throttled.into());
        if let Ok(value) = HeaderValue::from_str(&retry_after_seconds(limit.window).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let auth = Credentials {
        account: account.to_owned(),
        token: f.token.clone(),
    };
    let handle = match service.origin.verify(&auth).await {
        Ok(handle) => handle,
        Err(OriginError::Unauthorized | OriginError::NotFound) => {
            let refusals = store.count(&guesses, limit.window).await;
            tracing::info!(account, %client, refusals, "admin_ui/save: the origin refused the token");
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                words.refused.replace("{account}", account),
            );
        }
        Err(error) => {
            tracing::warn!(account, %error, "admin_ui/save: the origin failed");
            return again(StatusCode::UNPROCESSABLE_ENTITY, words.origin_failed.into());
        }
    };
    tracing::info!(
        account,
        "admin_ui/save: token accepted, posting the account back"
    );
    let metadata = serde_json::to_string(&Metadata {
        account,
        token: &f.token,
        handle: &handle,
    })
    .unwrap_or_default();
    // A new account, or another one than before: its pull starts from the beginning.
    let state = if f.previous_account == account {
        String::new()
    } else {
        "<input type=\"hidden\" name=\"state\" value=\"\">".to_owned()
    };
    Html(format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>{PAGE_STYLE}</style></head><body><p>{saving}</p>\
         <form method=\"post\" action=\"{action}\" id=\"back-to-zendesk\">\
         <input type=\"hidden\" name=\"name\" value=\"{name}\">\
         <input type=\"hidden\" name=\"metadata\" value=\"{metadata}\">{state}\
         <noscript><button type=\"submit\">{cont}</button></noscript></form>\
         <script>document.getElementById('back-to-zendesk').submit();</script></body></html>",
        lang = words.lang,
        title = esc(words.title),
        saving = esc(words.saving),
        action = esc(&f.return_url),
        name = esc(f.name.trim()),
        metadata = esc(&metadata),
        cont = esc(words.continue_),
    ))
    .into_response()
}

/// How many refused tokens one address may send per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuessLimit {
    pub refusals: u64,
    pub window: Duration,
}

impl Default for GuessLimit {
    fn default() -> Self {
        Self {
            refusals: 10,
            window: Duration::from_secs(15 * 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_zendesks_return_url_gets_the_account_back() {
        for ok in [
            ("https://omniwear.zendesk.com/admin/return", "omniwear"),
            ("https://OMNIWEAR.zendesk.com/x?y=1", "omniwear"),
        ] {
            assert!(return_url_allowed(ok.0, ok.1, false), "{ok:?}");
            assert!(return_url_allowed(ok.0, ok.1, true), "{ok:?}");
        }
        let loopback = [
            ("http://localhost:4567/admin/channels/return/k", "sandbox"),
            ("https://127.0.0.1:1/x", ""),
            ("http://[::1]:9/x", "sandbox"),
        ];
        for dev_only in loopback {
            assert!(
                !return_url_allowed(dev_only.0, dev_only.1, false),
                "{dev_only:?}"
            );
            assert!(
                return_url_allowed(dev_only.0, dev_only.1, true),
                "{dev_only:?}"
            );
        }
        for bad in [
            ("https://evil.example/steal", "omniwear"),
            ("http://omniwear.zendesk.com/x", "omniwear"),
            ("https://omniwear.zendesk.com.evil.example/x", "omniwear"),
            ("https://omniwear.zendesk.com:8443/x", "omniwear"),
            ("https://other.zendesk.com/x", "omniwear"),
            ("https://zendesk.com/x", ""),
            ("https://a.b.zendesk.com/x", "a.b"),
            ("https://user@omniwear.zendesk.com/x", "omniwear"),
            ("https://user@localhost/x", ""),
            ("javascript:alert(1)", ""),
            ("", ""),
        ] {
            assert!(!return_url_allowed(bad.0, bad.1, true), "{bad:?}");
        }
    }

    #[test]
    fn the_form_escapes_everything_it_echoes() {
        let page = form_page(&FormPage {
            words: i18n::for_locale("en"),
            return_url: "http://localhost/\"><script>alert(1)</script>",
            subdomain: "s",
            locale: "en",
            previous_account: "",
            name: "<b>Omni</b>",
            account: "a\"b",
            error: Some("<img src=x onerror=alert(1)>".into()),
        });
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("<b>Omni"), "{page}");
        assert!(page.contains("&lt;b&gt;Omni&lt;/b&gt;"));
        assert!(page.contains("value=\"a&quot;b\""));
    }

    #[test]
    fn the_client_is_the_peer_unless_the_proxy_is_trusted() {
        let peer: SocketAddr = "10.0.0.9:5000".parse().expect("addr");
        let mut headers = HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 2.2.2.2"),
        );
        headers.append("x-forwarded-for", HeaderValue::from_static("203.0.113.7"));
        assert_eq!(client_address(&headers, Some(peer), false), Some(peer.ip()));
        assert_eq!(
            client_address(&headers, Some(peer), true),
            "203.0.113.7".parse().ok()
        );
        let mut forged = HeaderMap::new();
        forged.insert(
            "x-forwarded-for",
            HeaderValue::from_static("not an address"),
        );
        assert_eq!(client_address(&forged, Some(peer), true), Some(peer.ip()));
        assert_eq!(client_address(&HeaderMap::new(), None, true), None);
    }
}
