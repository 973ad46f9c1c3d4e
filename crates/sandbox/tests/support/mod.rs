//! Browser helpers for the sandbox's browser tests: a chromedriver of our own, one headless
//! Chromium session, and probes of the agent's page and of the app inside its iframe.
#![allow(dead_code)]

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use sandbox::Sandbox;
use serde_json::{Value, json};

pub type R<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// The longest any condition is waited for.
pub const WAIT: Duration = Duration::from_secs(15);
/// Paces polling only; every wait ends on its condition.
pub const POLL: Duration = Duration::from_millis(25);

pub fn fail<T>(msg: impl Into<String>) -> R<T> {
    Err(msg.into().into())
}

pub fn workspace_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// A copy of the app package under `target/`, which each sandbox's start rewrites to name its
/// own integration (`requirements::point_at_free_port`).
pub fn copy_package(package: &Path, name: &str) -> std::io::Result<PathBuf> {
    let copy = workspace_target().join(format!("{name}-{}", std::process::id()));
    sandbox::package::copy(package, &copy)?;
    Ok(copy)
}

/// An input the browser tests need, from the environment `cargo xtask test` sets.
pub fn env_path(name: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
        format!(
            "{name} is not set. The browser tests need the built app package and the ZAF SDK \
             bundle: run them with `cargo xtask test`."
        )
    })?;
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{name}={} does not exist; run `cargo xtask test`",
            path.display()
        ))
    }
}

/// The chromedriver this test binary spawned; killed on drop.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> R<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Polls `probe` until it gives `Some`, for at most [`WAIT`].
pub async fn wait_for<T, F, Fut>(what: &str, mut probe: F) -> R<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = R<Option<T>>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        let last = match probe().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => String::from("the condition was not met"),
            Err(e) => e.to_string(),
        };
        if Instant::now() >= deadline {
            return fail(format!(
                "waited {} s for {what}; last check: {last}",
                WAIT.as_secs()
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

pub async fn start_driver() -> R<Driver> {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port()?;
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {binary}: {e}"))?;
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    let status = format!("{}/status", driver.url);
    wait_for("chromedriver to answer /status", || async {
        match http.get(&status).send().await {
            Ok(r) if r.status().is_success() => Ok(Some(())),
            Ok(r) => Err(format!("status {}", r.status()).into()),
            Err(e) => Err(e.to_string().into()),
        }
    })
    .await?;
    Ok(driver)
}

/// Headless Chromium with `extra` flags and a viewport of `width`×`height` (the screenshots'
/// size), in a profile of its own.
pub async fn start_browser(
    driver: &Driver,
    profile: &Path,
    extra: &[String],
    (width, height): (u32, u32),
) -> R<Client> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--lang=en-US",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend_from_slice(extra);
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": chromium, "args": args},
    });
    let Value::Object(caps) = caps else {
        return fail("capabilities");
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .map_err(|e| format!("cannot open a Chromium session: {e}"))?;
    let chrome = client
        .execute("return window.outerHeight - window.innerHeight;", vec![])
        .await?
        .as_u64()
        .unwrap_or(0);
    client
        .set_window_size(width, height + u32::try_from(chrome).unwrap_or(0))
        .await?;
    Ok(client)
}

/// What the app shows, read inside its iframe.
pub const APP_PROBE: &str = r#"
const m = document.getElementById('heart-app');
const h = document.querySelector('button.heart');
const s = document.querySelector('p.status');
const p = window.__probe ? window.__probe() : {};
return Object.assign({
  present: !!m,
  state: m ? m.dataset.state : null,
  pressed: h ? h.getAttribute('aria-pressed') : null,
  disabled: h ? h.getAttribute('aria-disabled') === 'true' : null,
  status: s ? s.textContent.trim() : null,
  retry: !!document.querySelector('button.retry'),
  htmlLang: document.documentElement.lang,
}, p);
"#;

/// The agent's page, read outside the iframe.
pub const HOST_PROBE: &str = r#"
const s = window.__sandbox || {};
const b = document.getElementById('app-box');
return {
  registered: !!s.registered,
  hidden: b ? b.hidden : null,
  subscribed: s.subscribed || {},
};
"#;

/// The browser, pointed at one sandbox.
pub struct Ui<'a> {
    pub c: &'a Client,
    pub sandbox: Sandbox,
}

impl Ui<'_> {
    pub async fn open(&self, ticket: u64, query: &str) -> R<()> {
        let url = format!("{}{query}", self.sandbox.ticket_url(ticket));
        self.c.goto(&url).await?;
        wait_for("the app to register with the host", || async {
            Ok((self.host().await?["registered"] == true).then_some(()))
        })
        .await
    }

    pub async fn host(&self) -> R<Value> {
        Ok(self.c.execute(HOST_PROBE, vec![]).await?)
    }

    /// Runs `script` inside the app's iframe and comes back to the host page.
    pub async fn in_app(&self, script: &str) -> R<Value> {
        self.c.enter_frame(0).await?;
        let out = self.c.execute(script, vec![]).await;
        self.c.enter_parent_frame().await?;
        Ok(out?)
    }

    /// Like [`Self::in_app`], for scripts that return a promise (`arguments[0]` is the callback).
    pub async fn in_app_async(&self, script: &str) -> R<Value> {
        self.c.enter_frame(0).await?;
        let out = self.c.execute_async(script, vec![]).await;
        self.c.enter_parent_frame().await?;
        Ok(out?)
    }

    pub async fn app(&self) -> R<Value> {
        self.in_app(APP_PROBE).await
    }

    pub async fn wait_app(&self, what: &str, ok: impl Fn(&Value) -> bool) -> R<Value> {
        wait_for(what, || async {
            let v = self.app().await?;
            if ok(&v) {
                Ok(Some(v))
            } else {
                Err(format!("app: {v}").into())
            }
        })
        .await
    }

    pub async fn click_heart(&self) -> R<()> {
        self.c.enter_frame(0).await?;
        let clicked = match self.c.find(Locator::Css("button.heart")).await {
            Ok(el) => el.click().await.map_err(Into::into),
            Err(e) => Err(e.into()),
        };
        self.c.enter_parent_frame().await?;
        clicked
    }

    pub async fn click_in_app(&self, css: &str) -> R<()> {
        self.c.enter_frame(0).await?;
        let clicked = match self.c.find(Locator::Css(css)).await {
            Ok(el) => el.click().await.map_err(Into::into),
            Err(e) => Err(e.into()),
        };
        self.c.enter_parent_frame().await?;
        clicked
    }

    pub async fn screenshot(&self, name: &str) -> R<()> {
        let png = self.c.screenshot().await?;
        let dir = workspace_target().join("e2e");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{name}.png")), png)?;
        Ok(())
    }

    pub fn liked_in_origin(&self, photo: &str) -> R<bool> {
        Ok(self
            .sandbox
            .origin
            .photo("omniwear", photo)
            .ok_or("no such photo")?
            .liked)
    }
}
