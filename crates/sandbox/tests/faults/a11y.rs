//! The accessibility checks: axe-core (`ZENDESK_HEART_AXE`) run in the app's iframe in every state
//! the matrix reaches, light, dark and in Japanese; and the `<html lang>` each says.

use sandbox::browser::fantoccini::Client;
use sandbox::browser::{Page, R, fail};
use sandbox::{Fault, Hang, ProxyFault};
use serde_json::Value;

use crate::Shared;
use crate::cells::Inject;
use crate::matrix::{MATRIX_TIMING, inject, matrix_config};
use crate::support::env_path;

/// A state the matrix reaches, to check with axe-core.
#[derive(Clone, Copy, Debug)]
pub enum State {
    Loading,
    Ready,
    Saving,
    ReadFailed,
    SetRefused,
    SetUnsure,
    Waiting,
    Misconfigured,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Loading,
        State::Ready,
        State::Saving,
        State::ReadFailed,
        State::SetRefused,
        State::SetUnsure,
        State::Waiting,
        State::Misconfigured,
    ];

    pub fn name(self) -> &'static str {
        match self {
            State::Loading => "loading",
            State::Ready => "ready",
            State::Saving => "saving",
            State::ReadFailed => "read failed",
            State::SetRefused => "set refused",
            State::SetUnsure => "set unsure",
            State::Waiting => "rate-limit wait",
            State::Misconfigured => "misconfigured",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Variant {
    Light,
    Dark,
    Japanese,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::Light, Variant::Dark, Variant::Japanese];

    pub fn name(self) -> &'static str {
        match self {
            Variant::Light => "(light)",
            Variant::Dark => "(dark)",
            Variant::Japanese => "(ja, dark)",
        }
    }

    fn query(self) -> &'static str {
        match self {
            Variant::Light => "",
            Variant::Dark => "?color_scheme=dark",
            Variant::Japanese => "?color_scheme=dark&locale=ja",
        }
    }
}

/// axe-core rules that judge a whole page, not a fragment: the app is a widget in Zendesk's
/// sidebar, inside the agent's page, which has its own headings and landmarks.
pub const EXEMPT: [(&str, &str); 1] = [(
    "page-has-heading-one",
    "a sidebar widget has no page heading: Zendesk's page has it",
)];

/// Runs axe-core in the app's iframe, against what the agent sees: the iframe is transparent,
/// so its document gets the colour of the host's panel behind it first.
pub async fn axe(ui: &Page<'_>, source: &str) -> R<Vec<Value>> {
    let panel =
        ui.c.execute(
            "return getComputedStyle(document.getElementById('app-box')).backgroundColor;",
            vec![],
        )
        .await?;
    ui.c.enter_frame(0).await?;
    let out: R<Value> = async {
        ui.c.execute(
            &format!("{source}\n;document.documentElement.style.backgroundColor = arguments[0]; return typeof axe;"),
            vec![panel],
        )
        .await?;
        Ok(ui
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, {resultTypes: ['violations']}).then(\
                   (r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, \
                     help: v.help, nodes: v.nodes.map((n) => n.target.join(' '))}))),\
                   (e) => done([{id: 'axe-error', help: String(e)}]));",
                vec![],
            )
            .await?)
    }
    .await;
    ui.c.enter_parent_frame().await?;
    Ok(out?.as_array().cloned().unwrap_or_default())
}

pub async fn accessible(shared: &Shared, c: &Client, state: State, variant: Variant) -> R<String> {
    let axe_path = env_path("ZENDESK_HEART_AXE")?;
    let source = std::fs::read_to_string(&axe_path)?;
    let mut config = matrix_config();
    if let State::Misconfigured = state {
        config
            .settings
            .insert("like_path".into(), "http://svc.example/like".into());
    }
    let ui = Page::new(c, shared.sandbox(config, MATRIX_TIMING).await?);
    let faults = &ui.sandbox.faults;
    let hold = ProxyFault {
        hang: Some(Hang::Before),
        ..ProxyFault::default()
    };
    if let State::Loading = state {
        faults.set_proxy("/like_state", hold.clone());
    }
    if let State::ReadFailed = state {
        faults.set(
            "/like_state",
            Fault {
                status: Some(500),
                ..Fault::default()
            },
        );
    }
    ui.open(62, variant.query()).await?;
    let set_fault = match state {
        State::Saving => Some(Inject::Proxy(hold)),
        State::SetRefused => Some(Inject::Service(Fault {
            status: Some(401),
            ..Fault::default()
        })),
        State::SetUnsure => Some(Inject::Service(Fault {
            after_drop: true,
            ..Fault::default()
        })),
        // Under the matrix's 5 s longest automatic wait: the app waits it out by itself.
        State::Waiting => Some(Inject::Service(Fault {
            retry_after: Some(4),
            ..Fault::default()
        })),
        _ => None,
    };
    if let Some(fault) = set_fault {
        ui.wait_app("ready", |v| v["state"] == "ready").await?;
        inject(&ui.sandbox, "/like", &fault);
        ui.click_heart().await?;
    }
    let want = |v: &Value| -> bool {
        let status = v["status"].as_str().unwrap_or("");
        let shown = match state {
            State::Loading => v["state"] == "loading",
            State::Ready => v["state"] == "ready",
            State::Saving => v["state"] == "saving",
            State::ReadFailed | State::SetRefused => v["state"] == "error" && v["retry"] == true,
            State::SetUnsure => v["state"] == "error" && !v["pressed"].is_null(),
            State::Waiting => v["state"] == "error" && v["retry"] == false,
            State::Misconfigured => v["state"] == "misconfigured",
        };
        shown
            && (matches!(state, State::Loading | State::Ready | State::Saving)
                || !status.is_empty())
    };
    let app = ui.wait_app(state.name(), want).await?;
    let lang = match variant {
        Variant::Japanese => "ja",
        _ => "en",
    };
    let mut problems = Vec::new();
    if app["htmlLang"] != lang {
        problems.push(format!("<html lang={}>, expected {lang}", app["htmlLang"]));
    }
    let violations = axe(&ui, &source).await?;
    let mut exempted = Vec::new();
    for v in &violations {
        let id = v["id"].as_str().unwrap_or("");
        if EXEMPT.iter().any(|(rule, _)| *rule == id) {
            exempted.push(id.to_owned());
        } else {
            problems.push(format!(
                "{id} ({}): {} at {}",
                v["impact"], v["help"], v["nodes"]
            ));
        }
    }
    let _ = ui
        .screenshot(&format!("a11y-{}-{}", state.name(), variant.name()))
        .await;
    if !problems.is_empty() {
        return fail(format!("{}\n  app: {app}", problems.join("\n  ")));
    }
    Ok(format!(
        "{} {}: no violations (exempt: {})",
        state.name(),
        variant.name(),
        if exempted.is_empty() {
            "none hit".into()
        } else {
            exempted.join(", ")
        }
    ))
}
