//! The start-up script: what an admin does in Zendesk, done by the sandbox over real HTTP so
//! the demo opens on working tickets. Install the app (read the integration manifest), add each
//! configured account through the integration's own admin UI (POST `admin_ui` as Zendesk does,
//! fill in the form it answers, submit it, follow the form it posts back to `return_url`), pull
//! once, then what the sandbox does after it ([`AfterStartup`]: the mock Instagram revokes the
//! tokens it is told to). Zendesk's side knows nothing of the mock; the sandbox hands it that.
//!
//! Every call has the client's deadline (`integration_timeout_ms`): an integration that does not
//! answer is said on the admin page, the steps that need it are skipped, and the sandbox starts
//! anyway; **Try again** there (`POST /admin/channels/startup`) does what is left.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::post;
use reqwest::Url;

use super::form::{self, Form};
use super::{By, Framework, Install, InstanceId};
use crate::config::StartupAccount;
use crate::outbound::{MAX_PAGE, read_capped};

/// What the sandbox does once the start-up's steps are all done; it answers what it did, for
/// the admin page's list of steps.
pub type AfterStartup = Arc<dyn Fn() -> Vec<String> + Send + Sync>;

/// Runs the configured start-up; every step (and every failure) is recorded for the admin page.
pub async fn run(framework: &Framework, after: &AfterStartup) {
    let desk = &framework.desk;
    // Tickets that need no instance exist from the start.
    for t in framework
        .config
        .tickets
        .iter()
        .filter(|t| t.instance.is_none())
    {
        if let Err(e) = desk.add_config_ticket(t, None) {
            desk.record_step(format!("config ticket #{}: {e}", t.id));
        }
    }
    if framework.requirement.is_none() {
        desk.record_step(
            "The app package has no requirements.json: no channel integration is installed",
        );
        return;
    }
    steps(framework, after, framework.config.startup.install).await;
}

/// Whether the start-up left something undone: the app not installed, or an account not added.
pub fn pending(framework: &Framework) -> bool {
    let startup = &framework.config.startup;
    let desk = &framework.desk;
    framework.requirement.is_some()
        && ((startup.install && desk.manifest().is_none())
            || startup
                .accounts
                .iter()
                .any(|a| desk.instance_named(&a.name).is_none()))
}

/// **Try again** on the admin page: what the start-up left undone.
pub fn router(framework: Arc<Framework>, after: AfterStartup) -> Router {
    Router::new()
        .route("/admin/channels/startup", post(try_again))
        .with_state((framework, after))
}

async fn try_again(State((framework, after)): State<(Arc<Framework>, AfterStartup)>) -> Redirect {
    framework
        .desk
        .record_step("Try again: the start-up's steps left undone");
    let install = framework.config.startup.install && framework.desk.manifest().is_none();
    steps(&framework, &after, install).await;
    Redirect::to("/admin/channels#startup")
}

/// The start-up's steps that need the integration, skipping what is done already.
async fn steps(framework: &Framework, after: &AfterStartup, install: bool) {
    let desk = &framework.desk;
    let startup = &framework.config.startup;
    let Some(requirement) = &framework.requirement else {
        return;
    };
    if install {
        match framework.install().await {
            Install::Installed { manifest } => desk.record_step(format!(
                "Installed the app: read {} (requirements.json, key {}), found the integration \"{}\" ({})",
                requirement.manifest_url, requirement.key, manifest.name, manifest.id
            )),
            Install::Failed { error } => desk.record_step(format!("Could not install the app: {error}")),
            Install::NotInstalled => {}
        }
    }
    let mut stalled = false;
    for account in &startup.accounts {
        if desk.instance_named(&account.name).is_some() {
            continue;
        }
        if stalled {
            desk.record_step(format!(
                "Skipped adding the account \"{}\": the integration does not answer",
                account.name
            ));
            continue;
        }
        match add_account(framework, account).await {
            Ok((id, steps)) => {
                for step in steps {
                    desk.record_step(step);
                }
                desk.record_step(format!("Saved account #{id} \"{}\"", account.name));
            }
            Err(failure) => {
                stalled = failure.stalled;
                desk.record_step(format!(
                    "Could not add the account \"{}\": {}",
                    account.name, failure.message
                ));
            }
        }
    }
    for t in framework
        .config
        .tickets
        .iter()
        .filter(|t| t.instance.is_some() && desk.ticket(t.id).is_none())
    {
        let name = t.instance.as_deref().unwrap_or_default();
        let result = match desk.instance_named(name) {
            Some(instance) => desk.add_config_ticket(t, Some(instance.id)),
            None => Err(format!("its instance {name:?} was not added")),
        };
        if let Err(e) = result {
            desk.record_step(format!("config ticket #{}: {e}", t.id));
        }
    }
    if stalled {
        desk.record_step(
            "Skipped the pull: the integration does not answer. Try again once it does.",
        );
        return;
    }
    if startup.pull {
        for (id, report) in framework.pull_all().await {
            let Some(report) = report else { continue };
            desk.record_step(match report.error {
                Some(e) => format!("Pulled account #{id}: failed: {e}"),
                None => format!(
                    "Pulled account #{id}: new tickets {:?}, {} new comment(s)",
                    report.tickets,
                    report.comments.len()
                ),
            });
        }
    }
    for step in after() {
        desk.record_step(step);
    }
}

/// Why an account could not be added; `stalled` when the integration did not answer in time.
struct Failure {
    message: String,
    stalled: bool,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self {
            message,
            stalled: false,
        }
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        message.to_owned().into()
    }
}

/// A call that failed: said in a person's words, with the deadline when it passed.
fn call_failed(framework: &Framework, what: &str, stalled: bool, why: String) -> Failure {
    let message = if stalled {
        format!(
            "{what}: the integration did not answer within {} ms (integration_timeout_ms)",
            framework.config.integration_timeout_ms
        )
    } else {
        format!("{what}: {why}")
    };
    Failure { message, stalled }
}

fn form_with_field<'a>(forms: &'a [Form], field: &str) -> Option<&'a Form> {
    forms
        .iter()
        .find(|f| f.method == "post" && f.fields.iter().any(|x| x.name == field))
}

/// One account through the admin UI; returns its id and what happened, step by step (field
/// names only: never what was typed).
async fn add_account(
    framework: &Framework,
    account: &StartupAccount,
) -> Result<(InstanceId, Vec<String>), Failure> {
    let client = &framework.client;
    let (admin_ui, fields) = framework
        .admin_ui_form(None, By::Script, &framework.config.locale)
        .ok_or("the integration is not installed")?;
    let return_url = fields
        .iter()
        .find(|(k, _)| k == "return_url")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let mut steps = vec![format!(
        "POST {admin_ui} with return_url, subdomain, locale, name, metadata, state (a new account: name, metadata and state empty)"
    )];
    let page = post_form(framework, &admin_ui, &fields).await?;
    let Some(first) = page.forms.iter().find(|f| f.method == "post") else {
        return Err("the admin UI answered no form".into());
    };
    let mut filled = first.clone();
    let mut typed = Vec::new();
    if filled.set("name", &account.name) {
        typed.push("name".to_owned());
    }
    for (name, value) in &account.fields {
        if !filled.set(name, value) {
            return Err(format!("the admin UI's form has no field {name:?}").into());
        }
        typed.push(name.clone());
    }
    let action = resolve(&page.url, filled.action.as_deref())?;
    steps.push(format!(
        "The admin UI answered a form; typed {} and submitted it to {action}",
        typed.join(", ")
    ));
    let answer = post_form(framework, &action, &filled.pairs()).await?;
    let Some(back) = answer.forms.iter().find(|f| {
        f.action
            .as_deref()
            .is_some_and(|a| resolve(&answer.url, Some(a)).is_ok_and(|u| u.as_str() == return_url))
    }) else {
        // Still on the form: the admin UI refused; its message is on the page.
        return Err(match form_with_field(&answer.forms, "token") {
            Some(_) => format!("the admin UI refused: {}", visible_error(&answer.html)),
            None => "the admin UI did not post back to return_url".into(),
        }
        .into());
    };
    let name = back.get("name").unwrap_or_default().to_owned();
    steps.push(format!(
        "The admin UI checked the token with the origin and answered a form that posts {} back to return_url; submitted it",
        back.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
    ));
    let failed = |e: reqwest::Error| {
        let why = crate::outbound::describe(&e);
        call_failed(framework, "POST return_url", e.is_timeout(), why)
    };
    let saved = client
        .post(return_url.as_str())
        .form(&back.pairs())
        .send()
        .await
        .map_err(failed)?;
    let status = saved.status();
    if !status.is_success() {
        let body = read_capped(saved, MAX_PAGE).await.unwrap_or_default();
        return Err(format!(
            "return_url answered HTTP {}: {}",
            status.as_u16(),
            visible_error(&String::from_utf8_lossy(&body))
        )
        .into());
    }
    let id = framework
        .desk
        .instances()
        .into_iter()
        .filter(|i| i.name == name.trim())
        .map(|i| i.id)
        .max()
        .ok_or(Failure::from("return_url stored no account"))?;
    Ok((id, steps))
}

/// A page the admin UI answered: where it ended up, its HTML and its forms.
struct Page {
    url: Url,
    html: String,
    forms: Vec<Form>,
}

/// POSTs `fields` as a form to `url`, as the admin's browser does, and reads the page it answers
/// (at most [`MAX_PAGE`]).
async fn post_form<F: serde::Serialize + ?Sized>(
    framework: &Framework,
    url: &Url,
    fields: &F,
) -> Result<Page, Failure> {
    let what = format!("POST {url}");
    let answer = framework
        .client
        .post(url.clone())
        .form(fields)
        .send()
        .await
        .map_err(|e| {
            let why = crate::outbound::describe(&e);
            call_failed(framework, &what, e.is_timeout(), why)
        })?;
    let url = answer.url().clone();
    let body = read_capped(answer, MAX_PAGE)
        .await
        .map_err(|e| call_failed(framework, &what, e.is_timeout(), e.describe()))?;
    let html = String::from_utf8_lossy(&body).into_owned();
    let forms = form::forms(&html);
    Ok(Page { url, html, forms })
}

fn resolve(base: &Url, action: Option<&str>) -> Result<Url, String> {
    match action {
        None | Some("") => Ok(base.clone()),
        Some(a) => base
            .join(a)
            .map_err(|e| format!("the form's action {a:?}: {e}")),
    }
}

/// The text of the page's `role="alert"` element, if it has one.
fn visible_error(html: &str) -> String {
    let Some(at) = html.find("role=\"alert\"") else {
        return "the page gave no reason".into();
    };
    let rest = &html[at..];
    let start = rest.find('>').map_or(rest.len(), |i| i + 1);
    let end = rest[start..].find('<').map_or(rest.len(), |i| start + i);
    form::decode_entities(rest[start..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_of_an_admin_ui_page_is_read_without_panic_at_every_offset() {
        let page = "<form><input name=token></form><p class=\"error\" role=\"alert\">The token &amp; \
                    the account do not match</p><p>more</p>";
        assert_eq!(visible_error(page), "The token & the account do not match");
        crate::text::at_every_offset(page, |page| {
            let _ = visible_error(page);
        });
        assert_eq!(
            visible_error("<p role=\"alert\">Falsches Passwort für @ü</p>"),
            "Falsches Passwort für @ü"
        );
        assert_eq!(visible_error("<p>none</p>"), "the page gave no reason");
    }
}
