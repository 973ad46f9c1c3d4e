//! The admin page itself (`GET /admin/channels`): the installed integration (or why none is, with
//! what to do), its health check and links, its accounts with their last pull (a refused one
//! field by field), **Add account**, **Edit** (each a form that POSTs Zendesk's fields to the
//! integration's `admin_ui` in the frame) and **Remove**, the frame, the events sent to the
//! integration (`admin/report.rs`), what the start-up script did, and the note on the
//! integration's certificate.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;

use super::super::form::escape_html as esc;
use super::super::{By, Framework, Install, InstanceId};
use super::report::{events_section, install_advice, violations_table};
use super::{PageQuery, locale_of};

const STYLE: &str = r#"
:root { color-scheme: light; --bg:#f8f9f9; --panel:#fff; --fg:#2f3941; --muted:#68737d; --line:#d8dcde; --accent:#1f73b7; --warn:#ad5918; --bad:#cd3642; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.43 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--fg); }
a { color:var(--accent); }
.bar { display:flex; justify-content:space-between; padding:8px 16px; background:#03363d; color:#fff; }
.bar a { color:#fff; font-weight:600; text-decoration:none; }
main { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1fr); gap:16px; padding:16px; align-items:start; }
section { background:var(--panel); border:1px solid var(--line); border-radius:4px; padding:16px; }
section.wide { grid-column:1 / -1; }
h1 { font-size:18px; margin:0; grid-column:1 / -1; }
h2 { font-size:15px; margin:0 0 8px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; }
td form { display:inline; }
button { font:inherit; padding:4px 12px; border:1px solid var(--accent); border-radius:4px; background:#fff; color:var(--accent); cursor:pointer; }
button.primary { background:var(--accent); color:#fff; }
.note { color:var(--muted); font-size:13px; }
.error { color:var(--bad); font-weight:600; }
.needs-update { color:var(--warn); font-weight:600; }
.flash { grid-column:1 / -1; margin:0; padding:8px 12px; border-radius:4px; background:#edf7ff; border:1px solid #adcce4; }
.violations { margin-top:6px; font-size:12px; } .violations td, .violations th { padding:3px 6px; }
.ok { color:#038153; font-weight:600; }
td.last-pull { min-width:18em; } .violations code { overflow-wrap:normal; word-break:break-word; }
#admin-ui { width:100%; height:420px; border:1px solid var(--line); border-radius:4px; background:#fff; }
code { font-size:12px; overflow-wrap:anywhere; }
ol { padding-left:20px; margin:0; } ol li { margin-bottom:4px; overflow-wrap:anywhere; }
"#;

/// Zendesk's POST to `admin_ui`, into the frame, as hidden fields behind one button.
fn admin_ui_button(
    framework: &Framework,
    instance: Option<InstanceId>,
    locale: &str,
    label: &str,
    id: &str,
) -> String {
    let Some((url, fields)) = framework.admin_ui_form(instance, By::Admin, locale) else {
        return String::new();
    };
    let mut out = format!(
        "<form method=\"post\" action=\"{}\" target=\"admin-ui\" id=\"{id}\">",
        esc(url.as_str())
    );
    for (name, value) in fields {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(&name),
            esc(&value)
        );
    }
    let _ = write!(
        out,
        "<button type=\"submit\">{}</button></form>",
        esc(label)
    );
    out
}

fn ago(now_ms: u64, at_ms: u64) -> String {
    let s = now_ms.saturating_sub(at_ms) / 1000;
    if s < 60 {
        format!("{s} s ago")
    } else {
        format!("{} min ago", s / 60)
    }
}

fn ticket_links(ids: &[u64]) -> String {
    ids.iter()
        .map(|id| format!("<a href=\"/agent/tickets/{id}\">#{id}</a>"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) async fn page(
    State(framework): State<Arc<Framework>>,
    Query(q): Query<PageQuery>,
) -> Html<String> {
    let desk = &framework.desk;
    let locale = locale_of(&framework, q.locale);
    // The admin's locale stays on through the page's own forms.
    let keep = if locale == framework.config.locale {
        String::new()
    } else {
        format!("?locale={locale}")
    };
    let now = framework.log.now_ms();
    let mut body = String::from("<h1>Channel integrations</h1>");

    if let Some(id) = q.saved
        && let Some(i) = desk.instance(id)
    {
        let _ = write!(
            body,
            "<p class=\"flash\" role=\"status\">Saved the account #{id} “{}”.</p>",
            esc(&i.name)
        );
    }
    if let Some(id) = q.pulled
        && let Some(report) = desk.instance(id).and_then(|i| i.last_pull)
    {
        let text = match &report.error {
            Some(e) => format!(
                "The pull of account #{id} failed: {}{}",
                esc(e),
                violations_table(&report.violations)
            ),
            None if report.tickets.is_empty() => format!(
                "Pulled account #{id}: 0 new ticket(s), {} new comment(s).",
                report.comments.len()
            ),
            None => format!(
                "Pulled account #{id}: {} new ticket(s) {}, {} new comment(s).",
                report.tickets.len(),
                ticket_links(&report.tickets),
                report.comments.len()
            ),
        };
        // A div: the text may carry a table of refused fields.
        let _ = write!(body, "<div class=\"flash\" role=\"status\">{text}</div>");
    }

    // The app and its integration.
    let Some(requirement) = &framework.requirement else {
        body.push_str(
            "<section id=\"app\" class=\"wide\"><h2>The app’s channel integration</h2>\
             <p id=\"install-status\" data-status=\"none\">The app package has no \
             <code>requirements.json</code>: no channel integration is installed. Zendesk serves the \
             app on the tickets of the config; there is no account to add and nothing to pull.</p></section>",
        );
        return Html(wrap(&body));
    };
    let _ = write!(
        body,
        "<section id=\"app\" class=\"wide\"><h2>The app’s channel integration</h2>\
         <p>The app package’s <code>requirements.json</code> declares the channel integration \
         <code>{}</code> with the manifest <a href=\"{url}\" target=\"_blank\"><code>{url}</code></a>.</p>",
        esc(&requirement.key),
        url = esc(requirement.manifest_url.as_str())
    );
    match desk.install() {
        Install::Installed { manifest } => {
            let _ = write!(
                body,
                "<p id=\"install-status\" data-status=\"installed\">Installed: <strong>{}</strong> \
                 (<code>{}</code>{}{}). Admin UI <code>{}</code>{}.</p>",
                esc(&manifest.name),
                esc(&manifest.id),
                manifest
                    .version
                    .as_deref()
                    .map(|v| format!(", version {}", esc(v)))
                    .unwrap_or_default(),
                manifest
                    .author
                    .as_deref()
                    .map(|a| format!(", by {}", esc(a)))
                    .unwrap_or_default(),
                esc(manifest.urls.admin_ui.as_str()),
                manifest
                    .urls
                    .pull_url
                    .as_ref()
                    .map(|u| format!(", pull <code>{}</code>", esc(u.as_str())))
                    .unwrap_or_else(|| ", no pull_url".into()),
            );
            let link = |id: &str, label: &str, url: &Option<reqwest::Url>| {
                url.as_ref()
                    .map(|u| format!(" <a id=\"{id}\" href=\"{}\" target=\"_blank\" rel=\"noopener\">{label}</a>", esc(u.as_str())))
                    .unwrap_or_default()
            };
            let health = match (framework.health(), &manifest.urls.healthcheck_url) {
                (_, None) => "<span data-health=\"none\">no health check</span>".to_owned(),
                (None, Some(_)) => {
                    "<span data-health=\"unknown\">health check not called yet</span>".to_owned()
                }
                (Some(h), Some(_)) => match h.result {
                    Ok(code) if (200..300).contains(&code) => format!(
                        "<span data-health=\"ok\" class=\"ok\">health check: HTTP {code}</span> ({})",
                        ago(now, h.at_ms)
                    ),
                    Ok(code) => format!(
                        "<span data-health=\"failed\" class=\"error\">health check: HTTP {code}</span> ({})",
                        ago(now, h.at_ms)
                    ),
                    Err(e) => format!(
                        "<span data-health=\"failed\" class=\"error\">health check failed: {}</span> ({})",
                        esc(&e),
                        ago(now, h.at_ms)
                    ),
                },
            };
            let _ = write!(
                body,
                "<p id=\"integration-links\">{health}.{}{}{}</p>",
                link("about-link", "About", &manifest.urls.about_url),
                link("dashboard-link", "Dashboard", &manifest.urls.dashboard_url),
                if manifest.push_client_id.is_some() {
                    " <span class=\"note\">Push: each account gets an <code>instance_push_id</code> and a \
                     <code>zendesk_access_token</code> for <code>POST /api/v2/any_channel/push.json</code>.</span>"
                } else {
                    ""
                },
            );
        }
        Install::NotInstalled => {
            body.push_str(
                &format!("<p id=\"install-status\" data-status=\"not_installed\">Not installed yet.</p>\
                 <form method=\"post\" action=\"/admin/channels/install{keep}\"><button class=\"primary\" \
                 type=\"submit\" id=\"install\">Install the app</button></form>"),
            );
        }
        Install::Failed { error } => {
            let _ = write!(
                body,
                "<p id=\"install-status\" data-status=\"failed\" class=\"error\" role=\"alert\">\
                 The integration could not be installed: {}</p><p id=\"install-advice\">{}</p>\
                 <form method=\"post\" action=\"/admin/channels/install{keep}\"><button type=\"submit\" \
                 id=\"install\">Try again</button></form>",
                esc(&error),
                install_advice(&error)
            );
        }
    }
    body.push_str("</section>");

    // Accounts.
    body.push_str("<section id=\"accounts\"><h2>Accounts</h2>");
    let instances = desk.instances();
    let tickets = desk.tickets();
    if instances.is_empty() {
        body.push_str("<p id=\"no-accounts\">No accounts yet.</p>");
    } else {
        body.push_str(
            "<table id=\"accounts-table\"><thead><tr><th>Account</th><th>Status</th>\
             <th>Last pull</th><th>Tickets</th><th></th></tr></thead><tbody>",
        );
        for i in &instances {
            let status = if i.needs_update {
                "<span class=\"needs-update\">Needs update: the integration asks you to edit \
                 this account (<code>metadata_needs_update</code>)</span>"
                    .to_owned()
            } else {
                "OK".to_owned()
            };
            let last = match &i.last_pull {
                None => "never".to_owned(),
                Some(r) => match &r.error {
                    Some(e) => format!(
                        "{}: <span class=\"error\">{}</span>{}",
                        ago(now, r.at_ms),
                        esc(e),
                        violations_table(&r.violations)
                    ),
                    None => format!(
                        "{}: {} new ticket(s), {} new comment(s){}",
                        ago(now, r.at_ms),
                        r.tickets.len(),
                        r.comments.len(),
                        if r.problems.is_empty() {
                            String::new()
                        } else {
                            format!(
                                "; <span class=\"note\">{}</span>",
                                esc(&r.problems.join("; "))
                            )
                        }
                    ),
                },
            };
            let own: Vec<u64> = tickets
                .iter()
                .filter(|t| t.instance == Some(i.id))
                .map(|t| t.id)
                .collect();
            let _ = write!(
                body,
                "<tr data-instance-id=\"{id}\" data-needs-update=\"{nu}\"><td><strong>{name}</strong> \
                 <span class=\"note\">#{id}, added by {by}</span></td><td>{status}</td><td class=\"last-pull\">{last}</td>\
                 <td>{links}</td><td>{edit} <form method=\"post\" action=\"/admin/channels/{id}/pull{keep}\">\
                 <button type=\"submit\" id=\"pull-{id}\">Pull now</button></form> \
                 <form method=\"post\" action=\"/admin/channels/{id}/remove{keep}\">\
                 <button type=\"submit\" id=\"remove-{id}\">Remove</button></form></td></tr>",
                id = i.id,
                nu = i.needs_update,
                name = esc(&i.name),
                by = match i.by {
                    By::Script => "the start-up script",
                    By::Admin => "an admin",
                },
                links = ticket_links(&own),
                edit = admin_ui_button(
                    &framework,
                    Some(i.id),
                    &locale,
                    "Edit",
                    &format!("edit-{}", i.id)
                ),
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str(&admin_ui_button(
        &framework,
        None,
        &locale,
        "Add account",
        "add-account",
    ));
    let period = framework.config.pull_interval_ms;
    let _ = write!(
        body,
        "<p class=\"note\">{}</p></section>",
        if period == 0 {
            "Zendesk pulls only when you press Pull now (the sandbox’s <code>pull_interval_ms</code> is 0).".to_owned()
        } else {
            format!(
                "Zendesk pulls every account every {} s (about every 2 minutes on Zendesk; the sandbox’s \
                 <code>pull_interval_ms</code>), and on Pull now.",
                period.div_ceil(1000)
            )
        }
    );

    // The frame.
    body.push_str(
        "<section id=\"setup\"><h2>Account setup</h2><p class=\"note\">Add account and Edit POST \
         Zendesk’s fields (<code>return_url</code>, <code>subdomain</code>, <code>locale</code>, \
         <code>name</code>, <code>metadata</code>, <code>state</code>) to the integration’s \
         <code>admin_ui</code>; its page opens here. When it posts <code>name</code> and \
         <code>metadata</code> back to the <code>return_url</code>, the account is saved.</p>\
         <iframe name=\"admin-ui\" id=\"admin-ui\" title=\"The integration’s admin UI\"></iframe></section>",
    );

    body.push_str(&events_section(&desk.events(), now));

    // The start-up script.
    let steps = desk.script_steps();
    body.push_str("<section id=\"startup\" class=\"wide\"><h2>What the sandbox did at start</h2>");
    if steps.is_empty() {
        body.push_str("<p>Nothing: the start-up script was turned off (<code>[startup]</code> in the config).</p>");
    } else {
        body.push_str("<ol>");
        for s in &steps {
            let _ = write!(body, "<li>{}</li>", esc(s));
        }
        body.push_str("</ol>");
    }
    body.push_str(
        "<p class=\"note\">To do it again by hand: Add account, type the account name, the \
         Instagram account and one of its tokens (the <a href=\"/sandbox/origin\">mock Instagram</a> \
         lists them), Save; then Pull now and open the new ticket. Revoking a token there and pulling \
         again shows what <code>metadata_needs_update</code> does.</p></section>",
    );

    // The certificate.
    let integration = requirement
        .manifest_url
        .join("/")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let _ = write!(
        body,
        "<section id=\"certificate\" class=\"wide\"><h2>The integration’s certificate</h2>\
         <p>The integration is served over HTTPS with a certificate this sandbox made \
         (SHA-256 of its public key: <code>{hash}</code>). Zendesk’s side here trusts it, the system’s \
         roots and the CA given with <code>--integration-ca</code>. Your browser must trust it too, since the account setup is the integration’s own page \
         in a frame: open <a href=\"{i}\" target=\"_blank\">{i}</a> once and accept the warning, then \
         reload this page; or start Chromium with <code>--ignore-certificate-errors-spki-list={hash}</code>; \
         or import <a href=\"/sandbox/certificate.pem\">the certificate</a>.</p></section>",
        hash = esc(&framework.spki_sha256),
        i = esc(&integration),
    );

    Html(wrap(&body))
}

fn wrap(body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Channel integrations – Zendesk sandbox</title><style>{STYLE}</style></head><body>\
         <header class=\"bar\"><a href=\"/\">Zendesk sandbox</a><span>Admin Center</span></header>\
         <main>{body}</main></body></html>"
    )
}
