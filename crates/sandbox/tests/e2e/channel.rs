//! End-to-end, the Channel framework's story: the package installs its integration, an admin adds
//! an account through the integration's own admin UI in the browser, a pull makes the ticket,
//! the heart likes the photo as that account. Plus what must be refused on the way. (Which of
//! these cases start from an empty sandbox is said in `ui.rs`, `config_for`.)

use sandbox::browser::fantoccini::Locator;
use sandbox::browser::{R, fail, in_frame};
use sandbox::config::OMNIWEAR_TOKEN;
use serde_json::{Value, json};

use crate::ui::{PHOTO_62, Ui, ready};

const ADMIN_PROBE: &str = r#"
const rows = [...document.querySelectorAll('#accounts-table tbody tr')];
const status = document.getElementById('install-status');
const flash = document.querySelector('.flash');
return {
  url: location.href,
  install: status ? status.dataset.status : null,
  installText: status ? status.textContent : null,
  flash: flash ? flash.textContent : null,
  accounts: rows.map(r => ({
    id: Number(r.dataset.instanceId),
    needsUpdate: r.dataset.needsUpdate === 'true',
    text: r.textContent,
  })),
};
"#;

const FORM_PROBE: &str = r#"
const f = document.getElementById('account-form');
const e = document.getElementById('error');
return f ? {
  lang: document.documentElement.lang,
  name: f.elements.name.value,
  account: f.elements.account.value,
  token: f.elements.token.value,
  error: e ? e.textContent : null,
} : null;
"#;

impl Ui<'_> {
    pub(crate) async fn admin(&self) -> R<Value> {
        Ok(self.c.execute(ADMIN_PROBE, vec![]).await?)
    }

    pub(crate) async fn wait_admin(&self, what: &str, ok: impl Fn(&Value) -> bool) -> R<Value> {
        self.wait_for(what, || async {
            self.admin().await.map(|v| ok(&v).then_some(v))
        })
        .await
    }

    /// Inside the admin page's frame (the integration's admin UI), then back.
    async fn in_setup_frame(&self, script: &str) -> R<Value> {
        in_frame(self.c, script).await
    }

    /// Presses a button that POSTs Zendesk's fields to `admin_ui`, and waits for its form.
    async fn open_account_form(&self, button: &str) -> R<Value> {
        self.click_host(button).await?;
        self.wait_for("the integration's account form in the frame", || async {
            self.in_setup_frame(FORM_PROBE)
                .await
                .map(|v| (!v.is_null()).then_some(v))
        })
        .await
    }

    /// Types into the frame's form and submits it.
    pub(crate) async fn submit_account_form(&self, fields: &[(&str, &str)]) -> R<()> {
        self.c.enter_frame(0).await?;
        let typed: R<()> = async {
            for (name, value) in fields {
                let input = self.c.find(Locator::Css(&format!("#{name}"))).await?;
                input.clear().await?;
                input.send_keys(value).await?;
            }
            // Submitted from the page, not by a WebDriver click: the submit navigates this
            // frame and then the admin page itself, and a driver's click inside a frame that
            // goes away can wait for a load that never comes in it.
            self.c
                .execute("document.getElementById('save').click();", vec![])
                .await?;
            Ok(())
        }
        .await;
        // The frame may be navigating away already; back to the admin page either way.
        let _ = self.c.enter_parent_frame().await;
        typed
    }

    /// Install (if needed) and add an account, all in the browser; returns its id.
    pub(crate) async fn add_account_in_browser(
        &self,
        name: &str,
        account: &str,
        token: &str,
    ) -> R<u64> {
        self.c.goto(&self.sandbox.admin_url()).await?;
        let admin = self.admin().await?;
        if admin["install"] != "installed" {
            self.click_host("#install").await?;
            self.wait_admin("the app to be installed", |v| v["install"] == "installed")
                .await?;
        }
        let form = self.open_account_form("#add-account button").await?;
        if form["name"] != "" || form["account"] != "" || form["token"] != "" {
            return fail(format!("a new account's form is not empty: {form}"));
        }
        self.submit_account_form(&[("name", name), ("account", account), ("token", token)])
            .await?;
        let admin = self
            .wait_admin("the account on the admin page", |v| {
                v["url"].as_str().unwrap_or("").contains("saved=")
                    && v["accounts"].as_array().is_some_and(|a| {
                        a.iter()
                            .any(|r| r["text"].as_str().unwrap_or("").contains(name))
                    })
            })
            .await?;
        let id = admin["accounts"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .rev()
                    .find(|r| r["text"].as_str().unwrap_or("").contains(name))
            })
            .and_then(|r| r["id"].as_u64())
            .ok_or("no account id")?;
        Ok(id)
    }

    pub(crate) fn ticket_of_photo(&self, photo: &str) -> R<u64> {
        Ok(self
            .sandbox
            .channel
            .desk
            .tickets()
            .into_iter()
            .find(|t| t.external_id.as_deref() == Some(photo))
            .ok_or(format!("no ticket for {photo}"))?
            .id)
    }
}

/// From an empty sandbox: install, add the account in the browser, pull, open the new ticket,
/// like the photo, and see the like on the mock Instagram as the business account.
pub async fn channel_install_add_an_account_in_the_browser_pull_and_like(ui: &Ui<'_>) -> R<()> {
    if !ui.sandbox.channel.desk.instances().is_empty()
        || ui.sandbox.channel.desk.tickets().len() != 1
    {
        return fail("the sandbox did not start empty");
    }
    ui.c.goto(&ui.sandbox.admin_url()).await?;
    let admin = ui.admin().await?;
    if admin["install"] != "not_installed" {
        return fail(format!("installed before the admin did: {admin}"));
    }
    ui.click_host("#install").await?;
    let admin = ui
        .wait_admin("the app to be installed", |v| v["install"] == "installed")
        .await?;
    if !admin["installText"]
        .as_str()
        .unwrap_or("")
        .contains("Omniwear Instagram")
    {
        return fail(format!("the installed integration: {admin}"));
    }
    let form = ui.open_account_form("#add-account button").await?;
    if form["lang"] != "en" {
        return fail(format!("the admin UI is not in the admin's locale: {form}"));
    }
    // The form typed in, before it is submitted.
    ui.c.enter_frame(0).await?;
    for (id, value) in [("name", "Omniwear"), ("account", "omniwear")] {
        ui.c.find(Locator::Css(&format!("#{id}")))
            .await?
            .send_keys(value)
            .await?;
    }
    ui.c.enter_parent_frame().await?;
    ui.screenshot("admin-add-account").await?;
    ui.submit_account_form(&[("token", OMNIWEAR_TOKEN)]).await?;
    let admin = ui
        .wait_admin("the saved account", |v| {
            v["url"].as_str().unwrap_or("").contains("saved=")
                && v["accounts"].as_array().is_some_and(|a| a.len() == 1)
        })
        .await?;
    let id = admin["accounts"][0]["id"].as_u64().ok_or("account id")?;
    let instance = ui
        .sandbox
        .channel
        .desk
        .instance(id)
        .ok_or("the stored account")?;
    let meta: Value = serde_json::from_str(&instance.metadata)?;
    if instance.name != "Omniwear"
        || meta != json!({"account": "omniwear", "token": OMNIWEAR_TOKEN, "handle": "@omniwear"})
    {
        return fail(format!(
            "stored account {} with metadata {meta}",
            instance.name
        ));
    }
    // Pull now.
    ui.click_host(&format!("#pull-{id}")).await?;
    let admin = ui
        .wait_admin("the pull's result", |v| {
            v["flash"].as_str().unwrap_or("").contains("Pulled account")
        })
        .await?;
    if !admin["flash"]
        .as_str()
        .unwrap_or("")
        .contains("2 new ticket(s)")
    {
        return fail(format!("the pull: {admin}"));
    }
    ui.screenshot("admin-channels").await?;
    let ticket = ui.ticket_of_photo(PHOTO_62)?;
    let t = ui.sandbox.channel.desk.ticket(ticket).ok_or("ticket")?;
    if t.channel != "any_channel" || t.instance != Some(id) || t.requester != "@lena.runs" {
        return fail(format!("the pulled ticket: {t:?}"));
    }
    // The agent opens it and likes the photo.
    ui.open(ticket, "").await?;
    ui.wait_app("the heart, through the new account", |v| {
        ready(v) && v["pressed"] == "false" && v["count"].as_str().unwrap_or("").contains("41")
    })
    .await?;
    ui.click_heart().await?;
    ui.wait_app("liked", |v| ready(v) && v["pressed"] == "true")
        .await?;
    if !ui.liked_in_origin(PHOTO_62)? {
        return fail("the origin has no like from omniwear");
    }
    // Zendesk's link to the original (the integration's clickthrough) leads to the photo on
    // the mock Instagram, which shows who likes it.
    let href =
        ui.c.find(Locator::Css("#source-link"))
            .await?
            .attr("href")
            .await?
            .ok_or("no link to the original")?;
    ui.c.goto(&href).await?;
    let liker = ui
        .wait_for("the photo page on the mock Instagram", || async {
            let v =
                ui.c.execute(
                    "const l = document.querySelector('[data-liker=\"omniwear\"]'); \
                     const p = document.getElementById('photo'); \
                     return p ? {liker: !!l, photo: p.dataset.photoId} : null;",
                    vec![],
                )
                .await?;
            Ok((!v.is_null()).then_some(v))
        })
        .await?;
    if liker != json!({"liker": true, "photo": PHOTO_62}) {
        return fail(format!("the mock Instagram's photo page: {liker}"));
    }
    ui.screenshot("mock-instagram-liked").await
}

/// A token the origin does not accept is refused in the admin UI: nothing is saved.
pub async fn channel_a_wrong_token_is_refused_in_the_admin_ui(ui: &Ui<'_>) -> R<()> {
    ui.c.goto(&format!("{}?locale=de", ui.sandbox.admin_url()))
        .await?;
    ui.click_host("#install").await?;
    ui.wait_admin("installed", |v| v["install"] == "installed")
        .await?;
    let form = ui.open_account_form("#add-account button").await?;
    if form["lang"] != "de" {
        return fail(format!("the admin UI ignored the admin's locale: {form}"));
    }
    ui.submit_account_form(&[
        ("name", "Omniwear"),
        ("account", "omniwear"),
        ("token", "wrong-token"),
    ])
    .await?;
    let refused = ui
        .wait_for("the refusal in the admin UI", || async {
            ui.in_setup_frame(FORM_PROBE)
                .await
                .map(|v| v["error"].is_string().then_some(v))
        })
        .await?;
    let error = refused["error"].as_str().unwrap_or("");
    if !error.contains("@omniwear") || !error.contains("abgelehnt") {
        return fail(format!("the refusal: {refused}"));
    }
    if refused["account"] != "omniwear" || refused["token"] != "" {
        return fail(format!(
            "the form after a refusal keeps the account, never the token: {refused}"
        ));
    }
    ui.screenshot("admin-add-account-refused").await?;
    if !ui.sandbox.channel.desk.instances().is_empty() {
        return fail("an account was saved with a wrong token");
    }
    Ok(())
}

/// The account edited to a new token; the origin later revokes that token: the heart says
/// access was refused, and the proxy sent the edited metadata.
pub async fn channel_an_edited_token_later_revoked_is_refused_on_the_heart(ui: &Ui<'_>) -> R<()> {
    let id = ui
        .add_account_in_browser("Omniwear", "omniwear", OMNIWEAR_TOKEN)
        .await?;
    ui.sandbox.channel.pull(id).await.ok_or("pull")?;
    let ticket = ui.ticket_of_photo(PHOTO_62)?;
    const NEW_TOKEN: &str = "omniwear-rotated-token";
    if !ui.sandbox.origin.issue_token("omniwear", NEW_TOKEN) {
        return fail("the origin did not issue a token");
    }
    ui.c.goto(&ui.sandbox.admin_url()).await?;
    let form = ui.open_account_form(&format!("#edit-{id} button")).await?;
    if form["name"] != "Omniwear" || form["account"] != "omniwear" || form["token"] != "" {
        return fail(format!(
            "the edit form is pre-filled with the account, never the token: {form}"
        ));
    }
    ui.submit_account_form(&[("token", NEW_TOKEN)]).await?;
    ui.wait_admin("the edited account", |v| {
        v["url"].as_str().unwrap_or("").contains("saved=")
    })
    .await?;
    let instance = ui.sandbox.channel.desk.instance(id).ok_or("account")?;
    if !instance.metadata.contains(NEW_TOKEN) || ui.sandbox.channel.desk.instances().len() != 1 {
        return fail("the edit did not replace the account's metadata");
    }
    if !ui.sandbox.origin.revoke_token("omniwear", NEW_TOKEN) {
        return fail("the origin did not revoke the token");
    }
    ui.open(ticket, "").await?;
    let app = ui
        .wait_app("the refusal", |v| v["state"] == "error")
        .await?;
    if !app["status"].as_str().unwrap_or("").contains("refused") {
        return fail(format!("the heart's message: {app}"));
    }
    let call = ui
        .sandbox
        .log
        .proxy_calls()
        .into_iter()
        .next()
        .ok_or("no proxied call")?;
    if call.status != 401
        || !call
            .instance_metadata
            .unwrap_or_default()
            .contains(NEW_TOKEN)
    {
        return fail("the proxy did not send the edited metadata, or did not answer 401");
    }
    Ok(())
}

/// An agent's own request through the proxy, naming a photo of another business: refused, and
/// the photo is untouched.
pub async fn channel_a_forged_external_id_changes_nothing(ui: &Ui<'_>) -> R<()> {
    const OTHERS: &str = "ig:17900000000000042";
    let before = ui
        .sandbox
        .origin
        .photo("stridewear", OTHERS)
        .ok_or("the other photo")?;
    ui.open(62, "").await?;
    ui.wait_app("ready", ready).await?;
    let forged = ui
        .c
        .execute(
            r#"
            const cfg = JSON.parse(document.getElementById('sandbox-config').textContent);
            const send = (path, body) => fetch('/api/v2/any_channel/proxy.json?ticket_id=62&post_to_path=' + path, {
              method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRF-Token': cfg.csrfToken},
              body: JSON.stringify(body),
            }).then(async r => ({status: r.status, body: await r.json()}));
            return Promise.all([
              send('%2Flike', {ticket_id: '62', external_id: arguments[0], liked: true}),
              send('%2Flike_state', {ticket_id: '62', external_id: arguments[0]}),
            ]);
            "#,
            vec![json!(OTHERS)],
        )
        .await?;
    for answer in forged.as_array().ok_or("answers")? {
        if answer["status"] != 404 || answer["body"]["error"] != "photo_not_found" {
            return fail(format!("a forged external_id was not refused: {forged}"));
        }
    }
    let after = ui
        .sandbox
        .origin
        .photo("omniwear", OTHERS)
        .ok_or("the other photo")?;
    if after.liked || after.like_count != before.like_count {
        return fail(format!("the forged like reached the origin: {after:?}"));
    }
    // The heart on the ticket still works on its own photo.
    ui.click_heart().await?;
    ui.wait_app("liked", |v| ready(v) && v["pressed"] == "true")
        .await?;
    Ok(())
}

/// Omniwear Outdoor's tokens were revoked after the start-up: its next pull asks for the admin
/// (`metadata_needs_update`), and the admin page says so.
pub async fn channel_metadata_needs_update_shows_on_the_admin_page(ui: &Ui<'_>) -> R<()> {
    let outdoor = ui
        .sandbox
        .channel
        .desk
        .instance_named("Omniwear Outdoor")
        .ok_or("the start-up's second account")?;
    ui.c.goto(&ui.sandbox.admin_url()).await?;
    let admin = ui.admin().await?;
    if admin["accounts"]
        .as_array()
        .is_none_or(|a| a.iter().any(|r| r["needsUpdate"] == true))
    {
        return fail(format!("flagged before any pull asked for it: {admin}"));
    }
    ui.click_host(&format!("#pull-{}", outdoor.id)).await?;
    let admin = ui
        .wait_admin("the flag", |v| {
            v["accounts"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|r| r["id"] == outdoor.id && r["needsUpdate"] == true)
            })
        })
        .await?;
    let row = admin["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["id"] == outdoor.id))
        .ok_or("row")?;
    if !row["text"].as_str().unwrap_or("").contains("Needs update") {
        return fail(format!("the flag is not said: {row}"));
    }
    if admin["accounts"].as_array().is_some_and(|a| {
        a.iter()
            .any(|r| r["id"] != outdoor.id && r["needsUpdate"] == true)
    }) {
        return fail(format!("another account was flagged: {admin}"));
    }
    ui.screenshot("admin-needs-update").await
}
