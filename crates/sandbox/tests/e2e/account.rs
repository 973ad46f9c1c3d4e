//! End-to-end cases for who likes: the account in the heart's caption and accessible name (and
//! the business account when the service names none), a hostile handle kept as text within the
//! panel, the listing screenshots without the sandbox's controls, and another ZAF package shown
//! under its own name. Part of `e2e.rs`: its runner, browser session and helpers serve these too.

use std::path::Path;

use sandbox::Config;
use sandbox::browser::{R, fail, screenshot_dir};
use serde_json::{Value, json};

use crate::support::copy_package;
use crate::ui::{Ui, config_for, start_sandbox};

const EN_HINT: &str = "On Instagram, the like is the business account's, not yours.";

/// The heart button's accessible name. Its `aria-label`, which gives the name when no
/// `aria-labelledby` overrides it (checked too). WebDriver's "Get Computed Label" would be the
/// direct way, but chromedriver answers "stale element" for elements in a cross-origin
/// (out-of-process) iframe, which the app's is.
async fn heart_name(ui: &Ui<'_>) -> R<String> {
    let v = ui
        .in_app(
            "const h = document.querySelector('button.heart'); \
             return h ? { label: h.getAttribute('aria-label'), \
             labelledby: h.getAttribute('aria-labelledby'), text: h.textContent.trim() } : null;",
        )
        .await?;
    match (
        v["label"].as_str(),
        v["labelledby"].is_null(),
        v["text"].as_str(),
    ) {
        (Some(label), true, Some("")) => Ok(label.to_owned()),
        _ => fail(format!("the heart's name is not its aria-label alone: {v}")),
    }
}

const WHO_PROBE: &str = r#"
const m = document.getElementById('heart-app');
const h = document.querySelector('button.heart');
const c = document.querySelector('.heart-caption');
const b = c ? c.querySelector('bdi') : null;
const hint = document.getElementById('heart-hint');
const s = document.querySelector('p.status');
const box = (e) => {
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height };
};
return {
  state: m ? m.dataset.state : null,
  pressed: h ? h.getAttribute('aria-pressed') : null,
  caption: c ? c.textContent : null,
  handle: b ? b.textContent : null,
  captionTags: c ? Array.from(c.querySelectorAll('*')).map((e) => e.tagName) : [],
  clipped: c ? c.scrollHeight > c.clientHeight : null,
  lineClamp: c ? getComputedStyle(c).webkitLineClamp : null,
  captionBox: box(c),
  mainBox: box(m),
  heartBox: box(h),
  hint: hint ? hint.textContent : null,
  hintBox: box(hint),
  status: s ? s.textContent : null,
  overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  foreign: document.querySelectorAll('#heart-app img, #heart-app b, #heart-app script').length,
  pwned: window.__pwned === 1,
  contentHeight: document.documentElement.scrollHeight,
};
"#;

/// Polls the app (with [`WHO_PROBE`]) until `ok` holds.
async fn wait_who(ui: &Ui<'_>, what: &str, ok: impl Fn(&Value) -> bool) -> R<Value> {
    ui.wait_probe(WHO_PROBE, what, ok).await
}

fn ready_with(v: &Value, pressed: &str, caption: &str) -> bool {
    v["state"] == "ready" && v["pressed"] == pressed && v["caption"] == caption
}

/// The browser on a sandbox of its own for a case: `config` on free ports, serving a copy of
/// `package` (the app's by default) that names the sandbox's integration.
async fn ui_with<'a>(ui: &Ui<'a>, config: Config, package: Option<&Path>) -> R<Ui<'a>> {
    let package = match package {
        Some(dir) => copy_package(dir, "other-package")?,
        None => ui.package.to_path_buf(),
    };
    let config = Config {
        proxy_timeout_ms: 1_000,
        ..config
    };
    let sandbox = start_sandbox(config_for("", config), &package, ui.sdk, ui.tls).await?;
    Ok(ui.with(sandbox))
}

/// The default sandbox, but the mock Instagram shows the omniwear account as `handle`: the
/// integration's admin UI stores that in the instance's metadata, and the reference service
/// names it in its answers.
fn with_handle(handle: &str) -> R<Config> {
    let mut config = Config::default();
    let account = config
        .accounts
        .get_mut("omniwear")
        .ok_or("no omniwear account in the default config")?;
    account.handle = Some(handle.to_owned());
    Ok(config)
}

/// With the account the service names: caption and accessible name in English and German,
/// "Liked as" once liked, and the announcement naming the account.
pub async fn the_caption_and_name_say_who_likes(ui: &Ui<'_>) -> R<()> {
    ui.open(62, "").await?;
    let v = wait_who(ui, "the caption to name @omniwear", |v| {
        ready_with(v, "false", "Like as @omniwear")
    })
    .await?;
    if v["handle"] != "@omniwear" || v["hint"] != EN_HINT {
        return fail(format!("caption and hint: {v}"));
    }
    let name = heart_name(ui).await?;
    if name != "Like as @omniwear" {
        return fail(format!("accessible name {name:?}"));
    }
    ui.click_heart().await?;
    let v = wait_who(ui, "liked as @omniwear", |v| {
        ready_with(v, "true", "Liked as @omniwear")
            && v["status"] == "The photo is liked as @omniwear."
    })
    .await?;
    let name = heart_name(ui).await?;
    if name != "Like as @omniwear" {
        return fail(format!(
            "the name must not change with the state (aria-pressed tells it): {name:?}; {v}"
        ));
    }
    ui.screenshot("account-liked").await?;

    ui.open(62, "?locale=de").await?;
    // Longer than the English: it takes a second line rather than losing its end.
    wait_who(ui, "the German caption, whole", |v| {
        ready_with(v, "true", "Als @omniwear mit „Gefällt mir“ markiert")
            && v["clipped"] == false
            && v["hint"]
                == "Auf Instagram kommt das „Gefällt mir“ vom Unternehmenskonto, nicht von Ihnen."
    })
    .await?;
    let name = heart_name(ui).await?;
    if name != "„Gefällt mir“ als @omniwear" {
        return fail(format!("German accessible name {name:?}"));
    }
    ui.screenshot("account-de").await
}

/// A service that names no account: the business account likes, in English and German.
pub async fn without_an_account_the_business_account_likes(ui: &Ui<'_>) -> R<()> {
    // An empty handle: the reference service leaves `account` out of its answers.
    let ui = &ui_with(ui, with_handle("")?, None).await?;
    ui.open(64, "").await?;
    wait_who(ui, "the business account", |v| {
        ready_with(v, "true", "Liked as the business account") && v["hint"] == EN_HINT
    })
    .await?;
    let name = heart_name(ui).await?;
    if name != "Like as the business account" {
        return fail(format!("accessible name {name:?}"));
    }
    ui.open(64, "?locale=de").await?;
    wait_who(ui, "the German business account", |v| {
        ready_with(
            v,
            "true",
            "Als Unternehmenskonto mit „Gefällt mir“ markiert",
        )
    })
    .await?;
    let name = heart_name(ui).await?;
    if name != "„Gefällt mir“ als Unternehmenskonto" {
        return fail(format!("German accessible name {name:?}"));
    }
    ui.click_heart().await?;
    wait_who(ui, "the German announcement", |v| {
        ready_with(v, "false", "„Gefällt mir“ als Unternehmenskonto")
            && v["status"] == "„Gefällt mir“ als Unternehmenskonto wurde entfernt."
    })
    .await?;
    Ok(())
}

/// HTML, a right-to-left override, right-to-left letters, emoji and 1,000 more characters as the
/// handle: shown as text, cut to 64 characters and clipped within the panel.
pub async fn a_hostile_handle_is_plain_text_within_the_panel(ui: &Ui<'_>) -> R<()> {
    let hostile = format!(
        "\u{202E}<img src=x onerror=__pwned=1><b>שלום👩\u{200D}💻{}",
        "W".repeat(1_000)
    );
    let ui = &ui_with(ui, with_handle(&hostile)?, None).await?;
    ui.open(62, "").await?;
    let v = wait_who(ui, "the hostile handle's caption", |v| {
        v["state"] == "ready" && v["handle"].as_str().is_some_and(|h| h.starts_with('<'))
    })
    .await?;
    let handle = v["handle"].as_str().unwrap_or_default();
    let check = |ok: bool, what: &str| -> R<()> {
        if ok {
            Ok(())
        } else {
            fail(format!("{what}: {v:#}"))
        }
    };
    check(
        handle.starts_with("<img src=x onerror=__pwned=1><b>שלום👩\u{200D}💻WWW"),
        "the handle is shown as the text it is",
    )?;
    check(!handle.contains('\u{202E}'), "without the override")?;
    check(
        handle.chars().count() == 64 && handle.ends_with('…'),
        "cut to 64 characters",
    )?;
    check(
        v["captionTags"] == json!(["BDI"]),
        "no element from the handle",
    )?;
    check(v["foreign"] == 0 && v["pwned"] == false, "nothing ran")?;
    check(v["clipped"] == true, "the caption is clipped")?;
    check(v["lineClamp"] == "2", "to two lines, with an ellipsis")?;
    let right = |b: &str, side: &str| v[b][side].as_f64().unwrap_or(f64::NAN);
    check(
        right("captionBox", "right") <= right("mainBox", "right") + 0.5
            && right("captionBox", "left") >= right("heartBox", "right"),
        "the caption stays between the heart and the panel's edge",
    )?;
    check(
        v["captionBox"]["height"].as_f64().unwrap_or(99.0) <= 40.0,
        "two lines at most",
    )?;
    check(v["overflowX"] == 0, "no horizontal overflow")?;
    let name = heart_name(ui).await?;
    if !name.starts_with("Like as <img src=x onerror=") || name.contains('\u{202E}') {
        return fail(format!("accessible name {name:?}"));
    }
    let host_pwned = ui.c.execute("return window.__pwned === 1;", vec![]).await?;
    if host_pwned != false {
        return fail("the handle ran script in the host page");
    }
    // The heart still works, and the frame is no taller than its content.
    ui.click_heart().await?;
    let v = wait_who(ui, "liked", |v| {
        v["state"] == "ready"
            && v["pressed"] == "true"
            && v["caption"]
                .as_str()
                .is_some_and(|c| c.starts_with("Liked as <img"))
    })
    .await?;
    let host = ui.host().await?;
    let frame = host["frameHeight"].as_f64().unwrap_or(-1.0);
    let content = v["contentHeight"].as_f64().unwrap_or(-2.0);
    if (frame - content).abs() > 1.0 || content > 120.0 {
        return fail(format!("frame {frame} px for content {content} px: {v}"));
    }
    ui.screenshot("account-hostile").await
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") || png.get(12..16)? != b"IHDR".as_slice() {
        return None;
    }
    let be = |at: usize| Some(u32::from_be_bytes(png.get(at..at + 4)?.try_into().ok()?));
    Some((be(16)?, be(20)?))
}

/// The package's listing screenshots: the app as an agent sees it, without the sandbox's
/// controls, light (ticket #62) and dark (ticket #64, liked, the account named). Written to
/// `target/e2e/listing/`; with `E2E_REFRESH_SCREENSHOTS=1`, also to the repository's `assets/`.
pub async fn listing_screenshots_without_sandbox_controls(ui: &Ui<'_>) -> R<()> {
    let out = screenshot_dir().join("listing");
    std::fs::create_dir_all(&out)?;
    let refresh = std::env::var_os("E2E_REFRESH_SCREENSHOTS").is_some_and(|v| v == "1");
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets");
    let shots = [
        (
            "screenshot-0.png",
            62,
            "?controls=off",
            "false",
            "Like as @omniwear",
        ),
        (
            "screenshot-1.png",
            64,
            "?controls=off&color_scheme=dark",
            "true",
            "Liked as @omniwear",
        ),
    ];
    for (file, ticket, query, pressed, caption) in shots {
        ui.open(ticket, query).await?;
        wait_who(ui, caption, |v| ready_with(v, pressed, caption)).await?;
        let page = ui
            .c
            .execute(
                r#"const s = document.getElementById('sandbox-controls');
                   const f = document.getElementById('app-frame');
                   return {
                     controls: s ? { hidden: s.hidden, height: s.getBoundingClientRect().height } : null,
                     // Zendesk's own reply composer is what an agent sees; the sandbox's are not.
                     buttons: Array.from(document.querySelectorAll('button, select, input'))
                       .filter((e) => e.getClientRects().length > 0 && !e.closest('#reply-form')).length,
                     title: document.getElementById('app-title').textContent,
                     frame: f.getBoundingClientRect().height,
                   };"#,
                vec![],
            )
            .await?;
        if page["controls"]["hidden"] != true
            || page["controls"]["height"] != 0.0
            || page["buttons"] != 0
        {
            return fail(format!("the sandbox's controls show: {page}"));
        }
        if page["title"] != "Heart" {
            return fail(format!("the panel's title: {page}"));
        }
        // The frame has its final height before the picture is taken.
        ui.wait_for("the frame to fit its content", || async {
            let app = ui.in_app(WHO_PROBE).await?;
            let host = ui.host().await?;
            let content = app["contentHeight"].as_f64().unwrap_or(-1.0);
            let frame = host["frameHeight"].as_f64().unwrap_or(-2.0);
            Ok(((frame - content).abs() <= 1.0 && frame > 0.0).then_some(()))
        })
        .await?;
        let png = ui.c.screenshot().await?;
        if png_size(&png) != Some((1280, 800)) {
            return fail(format!("{file} is {:?}, not 1280×800", png_size(&png)));
        }
        std::fs::write(out.join(file), &png)?;
        if refresh {
            std::fs::write(assets.join(file), &png)?;
        }
    }
    eprintln!(
        "    listing screenshots in {}{}",
        out.display(),
        if refresh { " and assets/" } else { "" }
    );
    Ok(())
}

/// A minimal plain-JS ZAF v2 app (no Rust, no Yew) appears under its own name, in the panel's
/// title and in `metadata().name`, translated for the agent, and sizes its own frame.
pub async fn another_package_shows_its_own_name(ui: &Ui<'_>) -> R<()> {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plain-app");
    let ui = &ui_with(ui, Config::default(), Some(&fixture)).await?;
    for (query, name) in [
        ("", "Plain Sidebar App"),
        ("?locale=pt-BR", "App Simples da Barra Lateral"),
        // No translation for Japanese: the manifest's name.
        ("?locale=ja", "Plain Sidebar Fixture"),
    ] {
        ui.open(62, query).await?;
        let shown = ui
            .wait_for(&format!("the app to show {name:?}"), || async {
                ui.in_app(
                    "return { name: document.getElementById('name').textContent, \
                     metadata: window.__metadata || null };",
                )
                .await
                .map(|v| (v["name"] == name).then_some(v))
            })
            .await?;
        if shown["metadata"]["version"] != "0.0.7" {
            return fail(format!("metadata(): {shown}"));
        }
        let page =
            ui.c.execute(
                "return { title: document.getElementById('app-title').textContent, \
                 frameTitle: document.getElementById('app-frame').title };",
                vec![],
            )
            .await?;
        if page["title"] != name || page["frameTitle"] != name {
            return fail(format!("the panel for {query:?}: {page}"));
        }
        let host = ui
            .wait_for("the app's own resize", || async {
                ui.host().await.map(|h| {
                    let resized = h["resizes"]
                        .as_array()
                        .is_some_and(|r| r.iter().any(|r| r["height"] == "77px"));
                    (resized && h["frameHeight"] == 77.0).then_some(h)
                })
            })
            .await?;
        if host["hidden"] != false {
            return fail(format!("the app's box: {host}"));
        }
    }
    ui.screenshot("another-package").await?;
    // Nothing of the heart's is involved: the plain app asked the proxy for nothing.
    if !ui.sandbox.log.proxy_calls().is_empty() {
        return fail("the plain app made proxied calls");
    }
    Ok(())
}
