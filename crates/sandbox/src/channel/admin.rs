//! The admin pages (`/admin/channels`): the page itself (`admin/page.rs`: the installed
//! integration, its accounts, **Add account** and **Edit**, Zendesk's form POST to `admin_ui`
//! shown in a frame, and what the start-up script did), and here its actions: **Install**,
//! **Pull now**, the `return_url` that stores an account, and the integration's certificate to
//! download; also what a ticket page shows of the Channel framework (the link to the original,
//! the comments).

mod page;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::form::escape_html as esc;
use super::{Framework, InstanceId, Ticket};

pub fn router(framework: Arc<Framework>) -> Router {
    Router::new()
        .route("/admin/channels", get(page::page))
        .route("/admin/channels/install", post(install))
        .route("/admin/channels/{id}/pull", post(pull_now))
        .route("/admin/channels/return/{key}", post(return_url))
        .route("/sandbox/certificate.pem", get(certificate))
        .with_state(framework)
}

#[derive(Deserialize, Default)]
struct PageQuery {
    saved: Option<InstanceId>,
    pulled: Option<InstanceId>,
    locale: Option<String>,
}

fn locale_of(framework: &Framework, q: Option<String>) -> String {
    q.filter(|l| {
        !l.is_empty() && l.len() <= 16 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
    .unwrap_or_else(|| framework.config.locale.clone())
}

fn locale_param(framework: &Framework, q: Option<String>) -> String {
    let locale = locale_of(framework, q);
    if locale == framework.config.locale {
        String::new()
    } else {
        format!("locale={locale}")
    }
}

async fn install(State(framework): State<Arc<Framework>>, Query(q): Query<PageQuery>) -> Redirect {
    framework.install().await;
    let keep = locale_param(&framework, q.locale);
    Redirect::to(&format!(
        "/admin/channels{}{keep}",
        if keep.is_empty() { "" } else { "?" }
    ))
}

async fn pull_now(
    State(framework): State<Arc<Framework>>,
    Path(id): Path<InstanceId>,
    Query(q): Query<PageQuery>,
) -> Response {
    let keep = locale_param(&framework, q.locale);
    match framework.pull(id).await {
        Some(_) => Redirect::to(&format!(
            "/admin/channels?pulled={id}{}{keep}",
            if keep.is_empty() { "" } else { "&" }
        ))
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><p>No such account.</p>".to_owned()),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct ReturnForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    metadata: String,
    state: Option<String>,
}

fn small_page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font:14px system-ui,sans-serif;margin:16px;color:#2f3941}}.error{{color:#cd3642;font-weight:600}}</style>\
         </head><body>{body}</body></html>",
        esc(title)
    )
}

/// Where the admin UI posts `name`, `metadata` and optionally `state`: the account is stored.
async fn return_url(
    State(framework): State<Arc<Framework>>,
    Path(key): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let form: ReturnForm = match serde_urlencoded::from_bytes(&body) {
        Ok(f) => f,
        Err(e) => {
            let page = small_page(
                "Not saved",
                &format!(
                    "<p class=\"error\" role=\"alert\">The integration posted a form Zendesk cannot read: {}</p>",
                    esc(&e.to_string())
                ),
            );
            return (StatusCode::BAD_REQUEST, Html(page)).into_response();
        }
    };
    match framework
        .desk
        .complete_exchange(&key, &form.name, &form.metadata, form.state.as_deref())
    {
        Ok(id) => {
            tracing::info!(instance = id, name = %form.name, "account saved through the admin UI");
            let target = format!("/admin/channels?saved={id}");
            let page = small_page(
                "Saved",
                &format!(
                    "<p role=\"status\">Saved the account “{}”. <a href=\"{target}\" target=\"_top\">Back to the accounts</a></p>\
                     <script>window.top.location.assign({});</script>",
                    esc(form.name.trim()),
                    serde_json::Value::from(target.clone())
                        .to_string()
                        .replace('<', "\\u003c")
                ),
            );
            Html(page).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "return_url refused");
            let page = small_page(
                "Not saved",
                &format!(
                    "<p class=\"error\" role=\"alert\">Not saved: {}</p>",
                    esc(&e)
                ),
            );
            (StatusCode::BAD_REQUEST, Html(page)).into_response()
        }
    }
}

async fn certificate(State(framework): State<Arc<Framework>>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/x-pem-file"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"zendesk-heart-sandbox.pem\"",
            ),
        ],
        framework.certificate_pem.clone(),
    )
}

/// On a ticket page: Zendesk's link to the resource in the origin (the manifest's
/// `clickthrough_url` with the `external_id`), if there is one.
pub fn source_link(framework: &Framework, ticket: &Ticket) -> String {
    let (Some(external_id), Some(mut url)) = (
        ticket
            .external_id
            .as_deref()
            .filter(|_| ticket.instance.is_some()),
        framework
            .desk
            .manifest()
            .and_then(|m| m.urls.clickthrough_url),
    ) else {
        return String::new();
    };
    url.query_pairs_mut()
        .append_pair("external_id", external_id);
    format!(
        " · <a id=\"source-link\" href=\"{}\" target=\"_blank\" rel=\"noopener\">view the original</a>",
        esc(url.as_str())
    )
}

/// On a ticket page: the comments after the first.
pub fn comments_html(ticket: &Ticket) -> String {
    ticket
        .comments
        .iter()
        .map(|c| {
            format!(
                "<article class=\"comment\"><strong>{}</strong> {}</article>",
                esc(&c.author),
                esc(&c.body)
            )
        })
        .collect()
}
