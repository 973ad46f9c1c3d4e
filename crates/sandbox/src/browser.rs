//! Driving the sandbox's pages from headless Chromium (feature `browser`): the one place that
//! starts a chromedriver, opens a WebDriver session on Chromium with the project's flags, and
//! probes the agent's page and the app inside its iframe. The end-to-end tests, the fault
//! matrix and the benchmark all go through it.
//!
//! - [`start_driver`], [`start_browser`]: the chromedriver (`CHROMEDRIVER`, by default
//!   `/usr/bin/chromedriver`) and a session on Chromium (`CHROMIUM`, by default
//!   `/usr/bin/chromium`) in a profile of its own.
//! - [`serve_package`]: a sandbox on free ports serving an app package that names it.
//! - [`Page`]: the browser pointed at one sandbox, with [`APP_PROBE`] and [`HOST_PROBE`].
//! - [`wait_for`], [`Patience`]: polling until a condition holds, for a bounded time.

use std::error::Error;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::channel::requirements;
use crate::{Config, Options, Sandbox, tls};

/// What the browser helpers fail with.
pub type BoxError = Box<dyn Error + Send + Sync>;
pub type R<T> = Result<T, BoxError>;

/// `work`, or a failure naming `what` if it has not finished within `limit`: a browser or driver
/// that stops answering fails the step that waits on it instead of stalling the run.
pub async fn within<T>(limit: Duration, what: &str, work: impl Future<Output = R<T>>) -> R<T> {
    match tokio::time::timeout(limit, work).await {
        Ok(outcome) => outcome,
        Err(_) => fail(format!("{what} did not finish within {limit:?}")),
    }
}

pub fn fail<T>(msg: impl Into<String>) -> R<T> {
    Err(msg.into().into())
}

/// How long a condition is waited for, and how often it is checked. The interval only paces
/// the polling; every wait ends on its condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Patience {
    pub limit: Duration,
    pub poll: Duration,
}

impl Patience {
    pub const DEFAULT: Patience = Patience {
        limit: Duration::from_secs(15),
        poll: Duration::from_millis(25),
    };
}

impl Default for Patience {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Polls `probe` until it gives `Some`, for at most [`Patience::DEFAULT`].
pub async fn wait_for<T, F, Fut>(what: &str, probe: F) -> R<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = R<Option<T>>>,
{
    wait_within(Patience::DEFAULT, what, probe).await
}

/// Polls `probe` until it gives `Some`, for at most `patience.limit`. An error from `probe`
/// counts as "not yet", and is what the timeout reports.
pub async fn wait_within<T, F, Fut>(patience: Patience, what: &str, mut probe: F) -> R<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = R<Option<T>>>,
{
    let deadline = Instant::now() + patience.limit;
    loop {
        let last = match probe().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => String::from("the condition was not met"),
            Err(e) => e.to_string(),
        };
        if Instant::now() >= deadline {
            return fail(format!(
                "waited {} s for {what}; last check: {last}",
                patience.limit.as_secs()
            ));
        }
        tokio::time::sleep(patience.poll).await;
    }
}

/// The workspace's `target/` (or `CARGO_TARGET_DIR`): where the browser's runs leave their
/// screenshots and profiles.
pub fn workspace_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// `target/e2e/`: the screenshots, and the browser tests' scratch copies and profiles.
pub fn screenshot_dir() -> PathBuf {
    let dir = workspace_target().join("e2e");
    dir.canonicalize().unwrap_or(dir)
}

/// The chromedriver this process spawned; killed on drop.
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

fn free_port() -> R<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Starts a chromedriver on a free port and waits until it answers `/status`.
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
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()?;
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

/// An empty browser profile at `dir` (what was there is removed), as the absolute path
/// Chromium needs: it cannot use a profile path with `..` in it.
pub fn fresh_profile(dir: &Path) -> R<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    Ok(dir.canonicalize()?)
}

/// The longest Chromium may take to start and open its WebDriver session.
pub const SESSION_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest a navigation or a script may take before the driver gives up on it.
pub const PAGE_LOAD_TIMEOUT_MS: u64 = 60_000;

/// Headless Chromium in the profile `profile`, with `extra` flags. With a `viewport` of
/// `(width, height)` (the screenshots' size), the window is made that size inside and the
/// scrollbars are hidden; without, the window is Chromium's default.
pub async fn start_browser(
    driver: &Driver,
    profile: &Path,
    extra: &[String],
    viewport: Option<(u32, u32)>,
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
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if viewport.is_some() {
        args.push("--hide-scrollbars".into());
    }
    args.push("--lang=en-US".into());
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend_from_slice(extra);
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": chromium, "args": args},
        // A page that never finishes loading fails its test within a minute instead of the
        // driver's five.
        "timeouts": {"pageLoad": PAGE_LOAD_TIMEOUT_MS, "script": PAGE_LOAD_TIMEOUT_MS},
    });
    let Value::Object(caps) = caps else {
        return fail("capabilities");
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let session = async {
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .map_err(|e| format!("cannot open a Chromium session: {e}").into())
    };
    let client = within(SESSION_TIMEOUT, "opening a Chromium session", session).await?;
    if let Some((width, height)) = viewport {
        let chrome = client
            .execute("return window.outerHeight - window.innerHeight;", vec![])
            .await?
            .as_u64()
            .unwrap_or(0);
        client
            .set_window_size(width, height + u32::try_from(chrome).unwrap_or(0))
            .await?;
    }
    Ok(client)
}

/// A sandbox on free ports serving `package` (which it rewrites to name the sandbox's
/// integration on the free port it gets, as a vendor's new app version names a new URL) and the
/// ZAF SDK `zaf_sdk`. No periodic pull: whoever drives the page pulls when it means to.
/// `head_script` goes first into the app's `iframe.html`; `tls` is the integration's
/// certificate (a fresh one without).
pub async fn serve_package(
    config: Config,
    package: &Path,
    zaf_sdk: &Path,
    head_script: Option<String>,
    tls: Option<tls::Identity>,
) -> R<Sandbox> {
    let integration_port = requirements::point_at_free_port(package)?;
    Ok(Sandbox::start(Options {
        config: Config {
            integration_port,
            pull_interval_ms: 0,
            ..config.on_free_ports()
        },
        package_dir: Some(package.to_path_buf()),
        zaf_sdk: Some(zaf_sdk.to_path_buf()),
        head_script,
        tls,
        ..Options::default()
    })
    .await?)
}

/// Runs `script` inside the page's first iframe (the app's) and comes back to the page.
pub async fn in_frame(c: &Client, script: &str) -> R<Value> {
    c.enter_frame(0).await?;
    let out = c.execute(script, vec![]).await;
    c.enter_parent_frame().await?;
    Ok(out?)
}

/// What the app shows, read inside its iframe; with the fields of `window.__probe()` where a
/// head script put one there (`tests/support/probe.js`: timers, requests, heap …).
pub const APP_PROBE: &str = r#"
const m = document.getElementById('heart-app');
const h = document.querySelector('button.heart');
const n = document.querySelector('.like-count');
const s = document.querySelector('p.status');
const a = document.activeElement;
const p = window.__probe ? window.__probe() : {};
return Object.assign({
  present: !!m,
  state: m ? m.dataset.state : null,
  scheme: m ? m.dataset.scheme : null,
  pressed: h ? h.getAttribute('aria-pressed') : null,
  disabled: h ? h.getAttribute('aria-disabled') === 'true' : null,
  label: h ? h.getAttribute('aria-label') : null,
  count: n ? n.textContent.trim() : null,
  status: s ? s.textContent.trim() : null,
  retry: !!document.querySelector('button.retry'),
  lang: m ? m.getAttribute('lang') : null,
  htmlLang: document.documentElement.lang,
  height: document.documentElement.getBoundingClientRect().height,
  scroll: document.documentElement.scrollHeight,
  focused: a === h,
  focusShadow: h ? getComputedStyle(h).boxShadow + ' ' + getComputedStyle(h).outlineStyle : null,
  background: getComputedStyle(document.body).backgroundColor,
  rootScheme: getComputedStyle(document.documentElement).colorScheme,
}, p);
"#;

/// The agent's page, read outside the iframe.
pub const HOST_PROBE: &str = r#"
const s = window.__sandbox || {};
const f = document.getElementById('app-frame');
const b = document.getElementById('app-box');
return {
  registered: !!s.registered,
  hidden: b ? b.hidden : null,
  frameHeight: f ? f.getBoundingClientRect().height : null,
  src: f ? f.src : null,
  resizes: s.resizes || [],
  subscribed: s.subscribed || {},
};
"#;

/// The browser, pointed at one sandbox.
pub struct Page<'a> {
    pub c: &'a Client,
    pub sandbox: Sandbox,
    /// How long the page's waits last.
    pub patience: Patience,
}

impl<'a> Page<'a> {
    pub fn new(c: &'a Client, sandbox: Sandbox) -> Self {
        Page {
            c,
            sandbox,
            patience: Patience::DEFAULT,
        }
    }

    /// Polls `probe` until it gives `Some`, within the page's patience.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, probe: F) -> R<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = R<Option<T>>>,
    {
        wait_within(self.patience, what, probe).await
    }

    /// Opens ticket `ticket`'s agent page (`query` appended to its URL) and waits for the app to
    /// register with the host.
    pub async fn open(&self, ticket: u64, query: &str) -> R<()> {
        let url = format!("{}{query}", self.sandbox.ticket_url(ticket));
        self.c.goto(&url).await?;
        self.wait_for("the app to register with the host", || async {
            Ok((self.host().await?["registered"] == true).then_some(()))
        })
        .await
    }

    /// [`HOST_PROBE`].
    pub async fn host(&self) -> R<Value> {
        Ok(self.c.execute(HOST_PROBE, vec![]).await?)
    }

    /// Runs `script` inside the app's iframe and comes back to the host page.
    pub async fn in_app(&self, script: &str) -> R<Value> {
        in_frame(self.c, script).await
    }

    /// [`APP_PROBE`].
    pub async fn app(&self) -> R<Value> {
        self.in_app(APP_PROBE).await
    }

    /// Polls [`APP_PROBE`] until `ok` holds of its answer.
    pub async fn wait_app(&self, what: &str, ok: impl Fn(&Value) -> bool) -> R<Value> {
        self.wait_probe(APP_PROBE, what, ok).await
    }

    /// Runs `probe` in the app's iframe until `ok` holds of its answer.
    pub async fn wait_probe(
        &self,
        probe: &str,
        what: &str,
        ok: impl Fn(&Value) -> bool,
    ) -> R<Value> {
        self.wait_for(what, || async {
            let v = self.in_app(probe).await?;
            if ok(&v) {
                Ok(Some(v))
            } else {
                Err(format!("app: {v}").into())
            }
        })
        .await
    }

    /// Clicks the element `css` inside the app's iframe.
    pub async fn click_in_app(&self, css: &str) -> R<()> {
        self.c.enter_frame(0).await?;
        let clicked = match self.c.find(Locator::Css(css)).await {
            Ok(el) => el.click().await.map_err(Into::into),
            Err(e) => Err(e.into()),
        };
        self.c.enter_parent_frame().await?;
        clicked
    }

    pub async fn click_heart(&self) -> R<()> {
        self.click_in_app("button.heart").await
    }

    /// Clicks the element `css` of the agent's page (the sandbox's controls).
    pub async fn click_host(&self, css: &str) -> R<()> {
        self.c.find(Locator::Css(css)).await?.click().await?;
        Ok(())
    }

    /// `clicks` real pointer clicks on the heart in one WebDriver action chain: as fast as no
    /// person clicks.
    pub async fn burst_on_heart(&self, clicks: usize) -> R<()> {
        self.c.enter_frame(0).await?;
        let result: R<()> = async {
            let heart = self.c.find(Locator::Css("button.heart")).await?;
            let mut mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
                element: heart,
                duration: None,
                x: 0.0,
                y: 0.0,
            });
            for _ in 0..clicks {
                mouse = mouse
                    .then(PointerAction::Down {
                        button: MOUSE_BUTTON_LEFT,
                    })
                    .then(PointerAction::Up {
                        button: MOUSE_BUTTON_LEFT,
                    });
            }
            self.c.perform_actions(mouse).await?;
            Ok(())
        }
        .await;
        self.c.enter_parent_frame().await?;
        result
    }

    /// The page as it looks, to `target/e2e/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> R<()> {
        let png = self.c.screenshot().await?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Whether the mock Instagram has the omniwear account's like on `photo`.
    pub fn liked_in_origin(&self, photo: &str) -> R<bool> {
        Ok(self
            .sandbox
            .origin
            .photo("omniwear", photo)
            .ok_or("no such photo")?
            .liked)
    }

    /// The calls the integration service got on `path`, in order.
    pub fn service_calls_to(&self, path: &str) -> Vec<crate::ServiceCall> {
        self.sandbox
            .log
            .service_calls()
            .into_iter()
            .filter(|c| c.path == path)
            .collect()
    }
}
