//! The ticket pages as an agent sees them: the list of tickets, a ticket with the app in its
//! sidebar (the page's ZAF configuration: metadata, context and the ticket's data), and the
//! ticket API the app may read (`/api/v2/tickets/{id}.json`).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use heart_contract::ANY_CHANNEL;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{HostState, SESSION_COOKIE};
use crate::channel::Ticket;
use crate::package::AppInfo;
use heart_contract::ApiError;

pub(super) fn routes() -> Router<Arc<HostState>> {
    Router::new()
        .route("/", get(index))
        .route("/agent/tickets/{id}", get(ticket_page))
        .route("/api/v2/tickets/{file}", get(ticket_api))
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn index(State(host): State<Arc<HostState>>) -> Html<String> {
    let items: String = host
        .channel
        .desk
        .tickets()
        .iter()
        .map(|t| {
            format!(
                "<li><a href=\"/agent/tickets/{id}\">#{id} {subject}</a> <small>via {channel}</small></li>",
                id = t.id,
                subject = escape_html(&t.subject),
                channel = escape_html(&t.channel)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Zendesk sandbox</title>\
         <style>body{{font:14px system-ui,sans-serif;margin:32px;color:#2f3941}}a{{color:#1f73b7}}</style></head>\
         <body><h1>Zendesk sandbox</h1><p>Open a ticket as an agent:</p><ul>{items}</ul>\
         <p><a href=\"/admin/channels\">Admin: channel integrations</a> · <a href=\"/sandbox/origin\">mock Instagram</a> · \
         {m} · <a href=\"/sandbox/log\">request log</a></p></body></html>",
        m = match &host.manifest_url {
            Some(url) => format!(
                "Integration manifest: <a href=\"{u}\">{u}</a>",
                u = escape_html(url.as_str())
            ),
            None => "No channel integration (the package has no requirements.json)".to_owned(),
        }
    ))
}

fn via(ticket: &Ticket) -> Value {
    if ticket.channel == ANY_CHANNEL {
        json!({
            "channel": ANY_CHANNEL,
            "source": {
                "from": {"name": ticket.requester},
                "to": {},
                "rel": null
            }
        })
    } else {
        json!({
            "channel": ticket.channel,
            "source": {
                "from": {"address": ticket.requester, "name": ticket.requester},
                "to": {"address": "support@omniwear.example", "name": "Omniwear"},
                "rel": null
            }
        })
    }
}

fn instance_account(host: &HostState, ticket: &Ticket) -> Option<String> {
    let meta = host.channel.desk.instance_of_ticket(ticket.id)?.metadata;
    let v: Value = serde_json::from_str(&meta).ok()?;
    v.get("account")?.as_str().map(str::to_owned)
}

/// Per-page overrides: `?color_scheme=dark`, `?locale=de`, and `?controls=off`, which hides the
/// sandbox's own panel so the page shows what an agent sees (the listing screenshots).
#[derive(Deserialize)]
struct PageQuery {
    color_scheme: Option<String>,
    locale: Option<String>,
    controls: Option<String>,
}

async fn ticket_page(
    State(host): State<Arc<HostState>>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(ticket) = id
        .parse::<u64>()
        .ok()
        .and_then(|id| host.channel.desk.ticket(id))
    else {
        return (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><p>No such ticket.</p>".to_owned()),
        )
            .into_response();
    };
    let (set_cookie, csrf) = match host.csrf_of(&headers) {
        Some(csrf) => (None, csrf),
        None => {
            let (session, csrf) = host.sign_in();
            (
                Some(format!(
                    "{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"
                )),
                csrf,
            )
        }
    };
    let scheme = match q.color_scheme.as_deref() {
        Some("dark") => "dark",
        Some("light") => "light",
        _ => host.config.color_scheme.as_str(),
    };
    let locale = q
        .locale
        .filter(|l| {
            !l.is_empty()
                && l.len() <= 16
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or_else(|| host.config.locale.clone());
    let app = AppInfo::read(host.package_dir.as_deref(), &locale);
    let controls_hidden = q.controls.as_deref() == Some("off");
    let settings: serde_json::Map<String, Value> = host
        .config
        .settings
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let page_config = json!({
        "appOrigin": host.app_origin,
        "appGuid": host.app_guid,
        "csrfToken": csrf,
        "iframePath": "/assets/iframe.html",
        "activateOnLoad": host.config.activate_on_load,
        "metadata": {
            "appId": 1001,
            "installationId": 2002,
            "name": app.name,
            "version": app.version,
            "settings": settings,
        },
        "context": {
            "product": "support",
            "location": "ticket_sidebar",
            "instanceGuid": host.app_guid,
            "ticketId": ticket.id,
            "account": {"subdomain": "sandbox"},
        },
        "data": {
            "ticket.id": ticket.id,
            "ticket.externalId": ticket.external_id,
            "ticket.via": via(&ticket),
            "ticket.subject": ticket.subject,
            "ticket.description": ticket.description,
            "ticket.requester": {"name": ticket.requester},
            "currentUser.locale": locale,
            "currentUser": {"id": 7, "name": "Alex Agent", "locale": locale, "role": "agent"},
            "currentAccount.subdomain": "sandbox",
            "colorScheme": scheme,
        },
        "photo": {
            "account": instance_account(&host, &ticket),
            "id": ticket.external_id,
        },
    });
    // Safe inside <script>: with every "<" escaped, nothing can end the element early.
    let config_json = page_config.to_string().replace('<', "\\u003c");
    let page = format!(
        include_str!("../ticket.html"),
        id = ticket.id,
        subject = escape_html(&ticket.subject),
        requester = escape_html(&ticket.requester),
        description = escape_html(&ticket.description),
        channel = escape_html(&ticket.channel),
        external_id = escape_html(ticket.external_id.as_deref().unwrap_or("—")),
        app_name = escape_html(&app.name),
        controls = if controls_hidden { " hidden" } else { "" },
        source_link = crate::channel::admin::source_link(&host.channel, &ticket),
        comments = crate::channel::admin::comments_html(&host.channel, &ticket),
        reply = crate::channel::admin::reply_html(&host.channel, &ticket),
        scheme = scheme,
        config = config_json,
    );
    let mut response = Html(page).into_response();
    if let Some(cookie) = set_cookie
        && let Ok(value) = cookie.parse()
    {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn ticket_api(
    State(host): State<Arc<HostState>>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    if !host.is_agent(&headers) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Couldn't authenticate you",
            "sign in as an agent",
        ));
    }
    let t = file
        .strip_suffix(".json")
        .and_then(|id| id.parse::<u64>().ok())
        .and_then(|id| host.channel.desk.ticket(id))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "RecordNotFound", "Not found"))?;
    Ok(Json(json!({"ticket": {
        "id": t.id,
        "subject": t.subject,
        "description": t.description,
        "external_id": t.external_id,
        "via": via(&t),
    }})))
}
