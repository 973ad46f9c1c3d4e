//! The mock Instagram's routes on the Zendesk host (`/sandbox/origin/*`), for the agent's
//! session only. Its pages for people: its accounts and their tokens (issue, revoke), its photos
//! with who likes them and their comments (post one, for the next pull), and a page per photo
//! (where the integration's clickthrough leads); their forms post with the session's CSRF token
//! (`authenticity_token`). And the sandbox's JSON controls of it (its photos, and a like as
//! "another agent" makes it), behind [`agent_controls`] like the sandbox's other controls.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{FromRef, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use heart_integration::html::escape as esc;
use serde::Deserialize;

use super::{MockInstagram, PhotoView, escape_path_segment};
use crate::zendesk::session::{Agent, Sessions, agent_controls, content_type_is};
use heart_contract::ApiError;

/// What its routes use.
pub struct Web {
    pub sessions: Sessions,
    pub instagram: Arc<MockInstagram>,
}

impl FromRef<Arc<Web>> for Sessions {
    fn from_ref(web: &Arc<Web>) -> Self {
        web.sessions.clone()
    }
}

pub fn router(web: Web) -> Router {
    let forms = Router::new()
        .route("/sandbox/origin/tokens", post(tokens))
        .route("/sandbox/origin/comments", post(comment))
        .route_layer(from_fn_with_state(web.sessions.clone(), form_posts));
    let controls = Router::new()
        .route("/sandbox/origin/photos", get(photos))
        .route("/sandbox/origin/like", post(like))
        .route_layer(from_fn_with_state(web.sessions.clone(), agent_controls));
    Router::new()
        .route("/sandbox/origin", get(index))
        .route("/sandbox/origin/photos/{id}", get(photo))
        .merge(forms)
        .merge(controls)
        .with_state(Arc::new(web))
}

/// The forms' posts: the agent's session and a form body, before the body is read (the CSRF
/// token, a field of the form, is checked by each handler).
async fn form_posts(agent: Result<Agent, ApiError>, request: Request, next: Next) -> Response {
    if agent.is_err() {
        return (
            StatusCode::UNAUTHORIZED,
            "sign in first: open the page again\n",
        )
            .into_response();
    }
    if !content_type_is(request.headers(), "application/x-www-form-urlencoded") {
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, "a form is expected\n").into_response();
    }
    next.run(request).await
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        "the form's authenticity_token does not match your session\n",
    )
        .into_response()
}

/// A page with the session's cookie, if it starts one.
fn with_cookie(page: Html<String>, set_cookie: Option<HeaderValue>) -> Response {
    let mut response = page.into_response();
    if let Some(cookie) = set_cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

const STYLE: &str = "body{font:14px/1.43 system-ui,sans-serif;margin:0;color:#262626;background:#fafafa}\
header{padding:8px 16px;background:#fff;border-bottom:1px solid #dbdbdb;font-weight:700}\
main{max-width:760px;margin:16px auto;padding:0 16px}section{background:#fff;border:1px solid #dbdbdb;border-radius:8px;padding:16px;margin-bottom:16px}\
h1,h2{font-size:16px;margin:0 0 8px}code{font-size:12px}.liked{color:#ed4956;font-weight:700}ul{padding-left:20px}\
form{display:inline}input{font:inherit;padding:2px 6px}button{font:inherit}";

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} – mock Instagram</title>\
         <style>{STYLE}</style></head><body><header><a href=\"/sandbox/origin\">Instagram (mock)</a></header>\
         <main>{body}</main></body></html>",
        esc(title)
    ))
}

async fn index(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    let instagram = &web.instagram;
    let (csrf, set_cookie) = web.sessions.page_session(&headers);
    let csrf_field = format!(
        "<input type=\"hidden\" name=\"authenticity_token\" value=\"{}\">",
        esc(&csrf)
    );
    let mut body = String::from(
        "<section><h1>Accounts and their access tokens</h1><p>An integration acts as an account with one \
         of its tokens. Revoke one and the integration's calls with it get 401.</p><ul>",
    );
    for (account, tokens) in instagram.tokens() {
        let _ = write!(body, "<li><strong>@{}</strong>: ", esc(&account));
        if tokens.is_empty() {
            body.push_str("no valid token ");
        }
        for t in &tokens {
            let _ = write!(
                body,
                "<code>{t}</code> <form method=\"post\" action=\"/sandbox/origin/tokens\">{csrf_field}\
                 <input type=\"hidden\" name=\"account\" value=\"{a}\"><input type=\"hidden\" name=\"token\" value=\"{t}\">\
                 <button name=\"action\" value=\"revoke\">Revoke</button></form> ",
                t = esc(t),
                a = esc(&account)
            );
        }
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/sandbox/origin/tokens\">{csrf_field}<input type=\"hidden\" name=\"account\" value=\"{a}\">\
             <input name=\"token\" placeholder=\"new token\" aria-label=\"New token for @{a}\">\
             <button name=\"action\" value=\"issue\">Issue</button></form></li>",
            a = esc(&account)
        );
    }
    body.push_str("</ul></section><section><h1>Photos</h1><ul>");
    for p in instagram.photos() {
        let _ = write!(
            body,
            "<li><a href=\"/sandbox/origin/photos/{}\">{}</a> by @{} · {} likes</li>",
            escape_path_segment(&p.id),
            esc(&p.caption),
            esc(&p.account),
            p.like_count
        );
    }
    body.push_str("</ul></section>");
    with_cookie(page("Accounts", &body), set_cookie)
}

async fn photo(
    State(web): State<Arc<Web>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(p) = web.instagram.photo_page(&id) else {
        return (
            StatusCode::NOT_FOUND,
            page("Not found", "<p>No such photo.</p>"),
        )
            .into_response();
    };
    let (csrf, set_cookie) = web.sessions.page_session(&headers);
    let likers = if p.liked_by.is_empty() {
        "none of the accounts here".to_owned()
    } else {
        p.liked_by
            .iter()
            .map(|a| {
                format!(
                    "<span class=\"liked\" data-liker=\"{a}\">@{a}</span>",
                    a = esc(a)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut body = format!(
        "<section id=\"photo\" data-photo-id=\"{id}\"><h1>{caption}</h1><p>by @{owner} · <code>{id}</code></p>\
         <p id=\"likes\"><strong>{count}</strong> likes · liked by {likers}</p>{mentions}</section>\
         <section><h2>Comments</h2><ul id=\"comments\">",
        id = esc(&p.id),
        caption = esc(&p.caption),
        owner = esc(&p.owner),
        count = p.like_count,
        mentions = if p.mentions.is_empty() {
            String::new()
        } else {
            format!(
                "<p>mentions {}</p>",
                p.mentions
                    .iter()
                    .map(|m| format!("@{}", esc(m)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    );
    for (cid, author, text) in &p.comments {
        let _ = write!(
            body,
            "<li id=\"{}\"><strong>{}</strong> {}</li>",
            esc(cid),
            esc(author),
            esc(text)
        );
    }
    let _ = write!(
        body,
        "</ul><form method=\"post\" action=\"/sandbox/origin/comments\">\
         <input type=\"hidden\" name=\"authenticity_token\" value=\"{}\"><input type=\"hidden\" name=\"photo_id\" value=\"{}\">\
         <input name=\"author\" value=\"@sam.customer\" aria-label=\"As\"> <input name=\"text\" placeholder=\"Add a comment…\" aria-label=\"Comment\" required>\
         <button>Post</button></form><p>The integration's next pull brings a new comment to Zendesk.</p></section>",
        esc(&csrf),
        esc(&p.id)
    );
    with_cookie(page(&p.caption, &body), set_cookie)
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    authenticity_token: String,
    account: String,
    token: String,
    action: String,
}

async fn tokens(State(web): State<Arc<Web>>, agent: Agent, body: axum::body::Bytes) -> Response {
    let instagram = &web.instagram;
    let Ok(f) = serde_urlencoded::from_bytes::<TokenForm>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            "account, token and action are required\n",
        )
            .into_response();
    };
    if !agent.token_is(&f.authenticity_token) {
        return forbidden();
    }
    let done = match f.action.as_str() {
        "issue" => instagram.issue_token(&f.account, f.token.trim()),
        "revoke" => instagram.revoke_token(&f.account, &f.token),
        _ => false,
    };
    if done {
        Redirect::to("/sandbox/origin").into_response()
    } else {
        (StatusCode::BAD_REQUEST, "no such account or token\n").into_response()
    }
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    authenticity_token: String,
    photo_id: String,
    author: String,
    text: String,
}

async fn comment(State(web): State<Arc<Web>>, agent: Agent, body: axum::body::Bytes) -> Response {
    let Ok(f) = serde_urlencoded::from_bytes::<CommentForm>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            "photo_id, author and text are required\n",
        )
            .into_response();
    };
    if !agent.token_is(&f.authenticity_token) {
        return forbidden();
    }
    match web.instagram.add_comment(&f.photo_id, &f.author, &f.text) {
        Some(_) => Redirect::to(&format!(
            "/sandbox/origin/photos/{}",
            escape_path_segment(&f.photo_id)
        ))
        .into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            "no such photo, or an empty comment\n",
        )
            .into_response(),
    }
}

async fn photos(State(web): State<Arc<Web>>) -> impl IntoResponse {
    Json(web.instagram.photos())
}

#[derive(Deserialize)]
struct ForceLike {
    account: String,
    photo_id: String,
    liked: bool,
}

/// "Another agent" (or the business itself, on Instagram) changes the like.
async fn like(
    State(web): State<Arc<Web>>,
    body: axum::body::Bytes,
) -> Result<Json<PhotoView>, ApiError> {
    let req: ForceLike = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "InvalidRequest", e.to_string()))?;
    web.instagram
        .force_like(&req.account, &req.photo_id, req.liked)
        .map(Json)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "RecordNotFound",
                "no such account or photo",
            )
        })
}
