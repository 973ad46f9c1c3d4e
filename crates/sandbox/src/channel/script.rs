//! The start-up script: what an admin does in Zendesk, done by the sandbox over real HTTP so
//! the demo opens on working tickets. Install the app (read the integration manifest), add each
//! configured account through the integration's own admin UI (POST `admin_ui` as Zendesk does,
//! fill in the form it answers, submit it, follow the form it posts back to `return_url`), pull
//! once, then let the origin revoke the tokens it is told to.

use reqwest::Url;

use super::form::{self, Form};
use super::{By, Framework, Install, InstanceId};
use crate::config::StartupAccount;
use crate::origin::MockOrigin;

/// Runs the configured start-up; every step (and every failure) is recorded for the admin page.
pub async fn run(framework: &Framework, origin: &MockOrigin) {
    let desk = &framework.desk;
    let startup = &framework.config.startup;
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
    let Some(requirement) = &framework.requirement else {
        desk.record_step(
            "The app package has no requirements.json: no channel integration is installed",
        );
        return;
    };
    if startup.install {
        match framework.install().await {
            Install::Installed { manifest } => desk.record_step(format!(
                "Installed the app: read {} (requirements.json, key {}), found the integration \"{}\" ({})",
                requirement.manifest_url, requirement.key, manifest.name, manifest.id
            )),
            Install::Failed { error } => desk.record_step(format!("Could not install the app: {error}")),
            Install::NotInstalled => {}
        }
    }
    for account in &startup.accounts {
        match add_account(framework, account).await {
            Ok((id, steps)) => {
                for step in steps {
                    desk.record_step(step);
                }
                desk.record_step(format!("Saved account #{id} \"{}\"", account.name));
            }
            Err(e) => desk.record_step(format!(
                "Could not add the account \"{}\": {e}",
                account.name
            )),
        }
    }
    for t in framework
        .config
        .tickets
        .iter()
        .filter(|t| t.instance.is_some())
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
    for account in origin.revoke_startup_tokens() {
        desk.record_step(format!(
            "The mock Instagram revoked the tokens of @{account} (as its owner would): that account's calls now get 401"
        ));
    }
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
) -> Result<(InstanceId, Vec<String>), String> {
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
    let page = post_form(client, &admin_ui, &fields).await?;
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
            return Err(format!("the admin UI's form has no field {name:?}"));
        }
        typed.push(name.clone());
    }
    let action = resolve(&page.url, filled.action.as_deref())?;
    steps.push(format!(
        "The admin UI answered a form; typed {} and submitted it to {action}",
        typed.join(", ")
    ));
    let answer = post_form(client, &action, &filled.pairs()).await?;
    let Some(back) = answer.forms.iter().find(|f| {
        f.action
            .as_deref()
            .is_some_and(|a| resolve(&answer.url, Some(a)).is_ok_and(|u| u.as_str() == return_url))
    }) else {
        // Still on the form: the admin UI refused; its message is on the page.
        return Err(match form_with_field(&answer.forms, "token") {
            Some(_) => format!("the admin UI refused: {}", visible_error(&answer.html)),
            None => "the admin UI did not post back to return_url".into(),
        });
    };
    let name = back.get("name").unwrap_or_default().to_owned();
    steps.push(format!(
        "The admin UI checked the token with the origin and answered a form that posts {} back to return_url; submitted it",
        back.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
    ));
    let saved = client
        .post(return_url.as_str())
        .form(&back.pairs())
        .send()
        .await
        .map_err(|e| format!("POST return_url: {}", super::manifest::describe(&e)))?;
    let status = saved.status();
    if !status.is_success() {
        let body = saved.text().await.unwrap_or_default();
        return Err(format!(
            "return_url answered HTTP {}: {}",
            status.as_u16(),
            visible_error(&body)
        ));
    }
    let id = framework
        .desk
        .instances()
        .into_iter()
        .filter(|i| i.name == name.trim())
        .map(|i| i.id)
        .max()
        .ok_or("return_url stored no account")?;
    Ok((id, steps))
}

/// A page the admin UI answered: where it ended up, its HTML and its forms.
struct Page {
    url: Url,
    html: String,
    forms: Vec<Form>,
}

/// POSTs `fields` as a form to `url`, as the admin's browser does, and reads the page it answers.
async fn post_form<F: serde::Serialize + ?Sized>(
    client: &reqwest::Client,
    url: &Url,
    fields: &F,
) -> Result<Page, String> {
    let answer = client
        .post(url.clone())
        .form(fields)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {}", super::manifest::describe(&e)))?;
    let url = answer.url().clone();
    let html = answer
        .text()
        .await
        .map_err(|e| format!("reading the admin UI: {e}"))?;
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
