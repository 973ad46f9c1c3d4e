//! The admin pages (`/admin/channels`): the page itself (`admin/page.rs`: the installed
//! integration, its accounts, **Add account** and **Edit**, Zendesk's form POST to `admin_ui`
//! shown in a frame, and what the start-up script did), and here its actions: **Install**,
//! **Pull now**, the `return_url` that stores an account, and the integration's certificate to
//! download; also what a ticket page shows of the Channel framework (the link to the original,
//! the comments).

mod page;
mod report;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::desk::Refused;
use super::form::escape_html as esc;
use super::{Framework, InstanceId, Ticket};

pub fn router(framework: Arc<Framework>) -> Router {
    Router::new()
        .route("/admin/channels", get(page::page))
        .route("/admin/channels/install", post(install))
        .route("/admin/channels/{id}/pull", post(pull_now))
        .route("/admin/channels/{id}/remove", post(remove))
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
    // Zendesk reads the manifest again before a pull it is asked for: a changed URL is used.
    if framework.requirement.is_some() {
        framework.install().await;
    }
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

/// Removes an account; the integration hears of it.
async fn remove(
    State(framework): State<Arc<Framework>>,
    Path(id): Path<InstanceId>,
    Query(q): Query<PageQuery>,
) -> Redirect {
    framework.remove(id);
    let keep = locale_param(&framework, q.locale);
    Redirect::to(&format!(
        "/admin/channels{}{keep}",
        if keep.is_empty() { "" } else { "?" }
    ))
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
    match framework.desk.complete_exchange_checked(
        &key,
        &form.name,
        &form.metadata,
        form.state.as_deref(),
    ) {
        Ok((id, created)) => {
            if created {
                framework.created(id);
            }
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
        Err(Refused::Limits(violations)) => {
            tracing::warn!(error = %super::limits::describe(&violations), "return_url refused");
            let page = small_page(
                "Not saved",
                &format!(
                    "<p class=\"error\" role=\"alert\">Not saved: what the integration posted back \
                     breaks Zendesk’s limits.</p>{}",
                    report::violations_table(&violations)
                ),
            );
            (StatusCode::BAD_REQUEST, Html(page)).into_response()
        }
        Err(Refused::Other(e)) => {
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

/// The clickthrough link of one resource (`clickthrough_url?external_id=…`), if the manifest has one.
fn clickthrough(framework: &Framework, external_id: &str) -> Option<String> {
    let mut url = framework.desk.manifest()?.urls.clickthrough_url?;
    url.query_pairs_mut()
        .append_pair("external_id", external_id);
    Some(url.to_string())
}

/// On a ticket page: the comments after the first, each with its link to the original, and
/// an agent's reply marked as such (and as failed later, if the integration reported it).
pub fn comments_html(framework: &Framework, ticket: &Ticket) -> String {
    ticket
        .comments
        .iter()
        .map(|c| {
            let link = c
                .external_id
                .as_deref()
                .and_then(|id| clickthrough(framework, id))
                .map(|url| {
                    format!(
                        " <a class=\"comment-source\" href=\"{}\" target=\"_blank\" rel=\"noopener\">view the original</a>",
                        esc(&url)
                    )
                })
                .unwrap_or_default();
            let kind = if c.by_agent { " reply" } else { "" };
            let reported = c
                .reported_error
                .as_deref()
                .map(|e| format!(" <span class=\"error\" role=\"status\">Not delivered: {}</span>", esc(e)))
                .unwrap_or_default();
            format!(
                "<article class=\"comment{kind}\" data-comment-id=\"{}\" data-external-id=\"{}\"><strong>{}</strong> {}{link}{reported}</article>",
                c.id,
                esc(c.external_id.as_deref().unwrap_or("")),
                esc(&c.author),
                esc(&c.body)
            )
        })
        .collect()
}

/// On a ticket page: the reply box, when the ticket's resource allows a reply through the
/// integration's `channelback_url`; and each reply that did not reach the origin, with why and
/// **Try again** (the same `request_unique_identifier`).
pub fn reply_html(framework: &Framework, ticket: &Ticket) -> String {
    let channelback = framework
        .desk
        .manifest()
        .and_then(|m| m.urls.channelback_url)
        .is_some();
    if !channelback || ticket.instance.is_none() {
        return String::new();
    }
    let mut out = String::new();
    for r in framework.desk.failed_replies(ticket.id) {
        out.push_str(&format!(
            "<div class=\"reply-failed\" role=\"alert\" data-request-id=\"{id}\"><p><strong>Not sent</strong> \
             (try {n}): {msg}</p><p class=\"error\">{err}</p>{table}\
             <button type=\"button\" class=\"retry-reply\" data-request-id=\"{id}\">Try again</button></div>",
            id = esc(&r.request_id),
            n = r.attempts,
            msg = esc(&r.message),
            err = esc(r.error.as_deref().unwrap_or("")),
            table = report::violations_table(&r.violations),
        ));
    }
    if ticket.allow_channelback {
        out.push_str(
            "<form id=\"reply-form\" class=\"reply-box\"><label for=\"reply-message\">Reply through the \
             integration</label><textarea id=\"reply-message\" name=\"message\" rows=\"3\" maxlength=\"65535\" \
             required></textarea><button type=\"submit\" id=\"send-reply\">Send</button>\
             <p id=\"reply-status\" role=\"status\"></p></form>",
        );
    } else {
        out.push_str(
            "<p class=\"note\" id=\"no-reply\">The integration does not allow a reply to this \
             ticket (its resource has no <code>allow_channelback</code>).</p>",
        );
    }
    out.push_str(REPLY_SCRIPT);
    out
}

/// Sends a reply (or tries one again) with the agent's CSRF token, then shows the ticket anew.
const REPLY_SCRIPT: &str = r#"<script>(function(){
var ticket=Number(document.body.dataset.ticketId);
function send(body,status){
 // Read when sending: the page's config comes after this script.
 var cfg=JSON.parse(document.getElementById('sandbox-config').textContent);
 if(status)status.textContent='Sending…';
 return fetch('/api/v2/channel/replies',{method:'POST',credentials:'same-origin',
  headers:{'Content-Type':'application/json','X-CSRF-Token':cfg.csrfToken},body:JSON.stringify(body)})
 .then(function(r){return r.json().catch(function(){return {};}).then(function(j){
   // Sent, or failed on the integration's side (then the page shows it with Try again).
   if(r.ok||j.request_id){location.reload();return;}
   if(status)status.textContent='Not sent: '+(j.description||('HTTP '+r.status));});},
  function(){if(status)status.textContent='The sandbox could not be reached.';});
}
var form=document.getElementById('reply-form');
if(form)form.addEventListener('submit',function(e){e.preventDefault();
 send({ticket_id:ticket,message:document.getElementById('reply-message').value},document.getElementById('reply-status'));});
document.querySelectorAll('.retry-reply').forEach(function(b){b.addEventListener('click',function(){
 b.disabled=true;send({request_id:b.dataset.requestId},null);});});
})();</script>"#;
