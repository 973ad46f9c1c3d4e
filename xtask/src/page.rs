//! `iframe.html` from the top-level `index.html`: the page Zendesk loads into the sidebar.
//!
//! `index.html` is a plain HTML page with three build markers, each on a line of its own:
//! - `<link data-build="css" href="assets/style.css" />`: replaced by the stylesheet, minified and
//!   inlined (one request fewer before first paint);
//! - `<script data-build="boot" src="src/boot.js"></script>`: replaced by `boot.js` minified and
//!   inlined, with the [`Facts`] the build knows defined in it (the page's own start: the ZAF
//!   handshake, the first read, the language's table);
//! - `<link data-build="app" />`: replaced by the app's module script, which imports the hashed
//!   wasm-bindgen glue and starts it on the hashed wasm once the page's script has sent the first
//!   read or left it to the app (at most [`START_WAIT_MS`] after the page is parsed): the wasm's
//!   start takes the iframe's one thread, and Zendesk's registration must not wait for it.
//!
//! Preloads for the glue and the wasm go at the top of `<head>`, before the ZAF SDK's script, so
//! the browser fetches them while the SDK loads. Names carry a content hash, so a new version is
//! never served from a stale cache; the glue carries a Subresource Integrity hash.
//! Everything here is pure text work, tested natively.

use anyhow::{Result, bail};
use heart_contract::{DEFAULT_STATE_PATH, NOT_INTEGRATIONS, PLAIN_PATH_PATTERN, PROXY_PATH};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha384};

/// One file the page loads, named by its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hashed {
    /// e.g. `zendesk-heart-1a2b3c4d5e6f7a8b.js`
    pub name: String,
    /// `sha384-…`
    pub integrity: String,
}

impl Hashed {
    pub fn new(stem: &str, suffix: &str, bytes: &[u8]) -> Self {
        Self {
            name: format!("{stem}-{:016x}{suffix}", crate::setup::fnv1a64(bytes)),
            integrity: integrity(bytes),
        }
    }
}

/// The Subresource Integrity value of `bytes`.
pub fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", base64(&Sha384::digest(bytes)))
}

/// Standard base64 with padding (RFC 4648 §4), as SRI wants it.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What goes into the page.
pub struct Inputs<'a> {
    /// The text of `index.html`.
    pub index: &'a str,
    /// The minified stylesheet.
    pub css: &'a str,
    /// The app's glue and wasm; `None` for a page without the app (the benchmark's baseline).
    pub app: Option<App<'a>>,
}

#[derive(Clone, Copy)]
pub struct App<'a> {
    pub glue: &'a Hashed,
    pub wasm: &'a Hashed,
    /// `boot.js`, minified, its `HEART_PAGE` defined ([`Facts::json`]).
    pub boot: &'a str,
}

/// What the page's own script (`boot.js`) needs from the build, as `HEART_PAGE`.
pub struct Facts<'a> {
    /// The channel integration's manifest URL (the one `requirements.json` declares).
    pub manifest_url: &'a str,
    /// Each language's table: its BCP 47 tag and the file's name in `assets/`.
    pub tables: &'a [(String, String)],
}

impl Facts<'_> {
    /// `HEART_PAGE` as JSON: `own` (Zendesk's own channels), `plain` (the plain-path rule),
    /// `proxy`, `state` (the default `state_path`), `manifest`, and `locales`: each table's file
    /// by its tag's primary subtag, lowercased (as the app picks a language for a locale).
    pub fn json(&self) -> String {
        let locales: Map<String, Value> = self
            .tables
            .iter()
            .map(|(tag, file)| {
                let primary = tag
                    .split('-')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                (primary, Value::from(format!("./{file}")))
            })
            .collect();
        json!({
            "own": NOT_INTEGRATIONS,
            "plain": PLAIN_PATH_PATTERN,
            "proxy": PROXY_PATH,
            "state": DEFAULT_STATE_PATH,
            "manifest": self.manifest_url,
            "locales": locales,
        })
        .to_string()
    }
}

/// The longest the app's start waits for the page's first read to be on its way.
pub const START_WAIT_MS: u32 = 1000;

const CSS_MARKER: &str = "data-build=\"css\"";
const BOOT_MARKER: &str = "data-build=\"boot\"";
const APP_MARKER: &str = "data-build=\"app\"";

/// Renders `iframe.html`: comments and indentation dropped, markers replaced, preloads right
/// after `<meta charset>` (which must stay first).
pub fn render(inputs: &Inputs) -> Result<String> {
    let index = strip_comments(inputs.index)?;
    let (mut css_seen, mut boot_seen, mut app_seen, mut head_seen) = (0, 0, 0, 0);
    let mut out = String::new();
    for line in index.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.contains(CSS_MARKER) {
            css_seen += 1;
            out.push_str("<style>");
            out.push_str(inputs.css.trim());
            out.push_str("</style>");
        } else if line.contains(BOOT_MARKER) {
            boot_seen += 1;
            if let Some(app) = inputs.app {
                out.push_str("<script>");
                out.push_str(app.boot.trim());
                out.push_str("</script>");
            }
        } else if line.contains(APP_MARKER) {
            app_seen += 1;
            if let Some(app) = inputs.app {
                out.push_str(&format!(
                    "<script type=\"module\">import init from\"./{}\";var b=window.__heartBoot,t;\
                     Promise.race([b&&b.read,new Promise(function(r){{t=setTimeout(r,{START_WAIT_MS})}})])\
                     .finally(function(){{clearTimeout(t);init({{module_or_path:\"./{}\"}})}})</script>",
                    app.glue.name, app.wasm.name
                ));
            }
        } else if line.contains("data-build") {
            bail!(
                "index.html: unknown build marker in `{line}` (known: {CSS_MARKER}, {BOOT_MARKER}, {APP_MARKER})"
            );
        } else {
            out.push_str(line);
            if line.starts_with("<meta charset") {
                head_seen += 1;
                if let Some(app) = inputs.app {
                    out.push_str(&format!(
                        "<link rel=\"modulepreload\" href=\"./{}\" integrity=\"{}\">\
                         <link rel=\"preload\" href=\"./{}\" as=\"fetch\" type=\"application/wasm\" crossorigin>",
                        app.glue.name, app.glue.integrity, app.wasm.name
                    ));
                }
            }
        }
        out.push('\n');
    }
    let app_wanted = usize::from(inputs.app.is_some());
    for (what, seen, wanted) in [
        ("a `<meta charset>` line", head_seen, 1),
        ("the css marker", css_seen, 1),
        ("the boot marker", boot_seen, app_wanted),
        ("the app marker", app_seen, app_wanted),
    ] {
        if seen != wanted {
            bail!("the page must have {what} {wanted} time(s), found {seen}");
        }
    }
    Ok(out)
}

/// Drops `<!-- … -->` comments.
fn strip_comments(html: &str) -> Result<String> {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("-->") else {
            bail!("index.html: a comment is never closed");
        };
        rest = &rest[start + end + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn integrity_is_sha384_of_the_bytes() {
        // `printf 'alert(1)' | openssl dgst -sha384 -binary | base64`
        assert_eq!(
            integrity(b"alert(1)"),
            "sha384-HT2E9NfWiuQ/w1PRai+hTyqW16NIoCGA/m8VQDUopfAtcz6YQjtsMmQd5uRbVDpW"
        );
    }

    #[test]
    fn names_follow_the_content() {
        let a = Hashed::new("zendesk-heart", ".js", b"one");
        let b = Hashed::new("zendesk-heart", ".js", b"two");
        assert_ne!(a.name, b.name);
        assert!(a.name.starts_with("zendesk-heart-") && a.name.ends_with(".js"));
        assert_eq!(a.name.len(), "zendesk-heart-".len() + 16 + ".js".len());
    }

    fn inputs<'a>(index: &'a str, glue: &'a Hashed, wasm: &'a Hashed) -> Inputs<'a> {
        Inputs {
            index,
            css: "a{b:c}",
            app: Some(App {
                glue,
                wasm,
                boot: "boot()",
            }),
        }
    }

    #[test]
    fn a_page_without_the_app_gets_only_its_stylesheet() -> Result<()> {
        let index = "<head>\n<meta charset=x>\n<link data-build=\"css\" />\n</head>\n";
        let page = render(&Inputs {
            index,
            css: "a{b:c}",
            app: None,
        })?;
        assert_eq!(
            page,
            "<head>\n<meta charset=x>\n<style>a{b:c}</style>\n</head>\n"
        );
        let with_app = "<meta charset=x>\n<link data-build=\"css\" />\n<script data-build=\"boot\"></script>\n<link data-build=\"app\" />\n";
        let error = render(&Inputs {
            index: with_app,
            css: "",
            app: None,
        })
        .expect_err("no app to put there");
        assert!(
            error.to_string().contains("boot marker 0 time(s), found 1"),
            "{error}"
        );
        Ok(())
    }

    #[test]
    fn renders_the_page_with_preloads_first() -> Result<()> {
        let glue = Hashed::new("app", ".js", b"glue");
        let wasm = Hashed::new("app", "_bg.wasm", b"wasm");
        let index = "<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset=\"utf-8\" />\n    <!-- the SDK -->\n    <link data-build=\"css\" href=\"assets/style.css\" />\n    <script src=\"sdk.js\"></script>\n    <script data-build=\"boot\" src=\"boot.js\"></script>\n    <link data-build=\"app\" />\n  </head>\n  <body></body>\n</html>\n";
        let page = render(&inputs(index, &glue, &wasm))?;
        let lines: Vec<&str> = page.lines().collect();
        assert_eq!(lines[0], "<!DOCTYPE html>");
        assert_eq!(lines[2], "<head>");
        assert!(lines[3].starts_with("<meta charset=\"utf-8\" /><link rel=\"modulepreload\""));
        assert!(lines[3].contains(&format!(
            "href=\"./{}\" integrity=\"{}\"",
            glue.name, glue.integrity
        )));
        assert!(lines[3].contains(&format!("href=\"./{}\" as=\"fetch\"", wasm.name)));
        assert_eq!(lines[4], "<style>a{b:c}</style>");
        assert_eq!(lines[5], "<script src=\"sdk.js\"></script>");
        assert_eq!(lines[6], "<script>boot()</script>");
        assert!(lines[7].contains(&format!("import init from\"./{}\"", glue.name)));
        assert!(lines[7].contains(&format!("module_or_path:\"./{}\"", wasm.name)));
        // The wasm starts once the page's first read is on its way, or a second at most.
        assert!(
            lines[7].contains("Promise.race([b&&b.read,"),
            "{}",
            lines[7]
        );
        assert!(lines[7].contains("setTimeout(r,1000)"), "{}", lines[7]);
        assert!(
            lines[7].contains("clearTimeout(t)"),
            "no timer is left pending"
        );
        assert!(!page.contains("the SDK"), "comments are dropped");
        assert!(!page.contains("data-build"));
        Ok(())
    }

    #[test]
    fn refuses_pages_without_exactly_one_of_each_marker() {
        let glue = Hashed::new("app", ".js", b"glue");
        let wasm = Hashed::new("app", "_bg.wasm", b"wasm");
        for (index, needle) in [
            (
                "<meta charset=x>\n<script data-build=\"boot\"></script>\n<link data-build=\"app\" />\n",
                "css marker",
            ),
            (
                "<meta charset=x>\n<link data-build=\"css\" />\n<link data-build=\"app\" />\n",
                "boot marker",
            ),
            (
                "<meta charset=x>\n<link data-build=\"css\" />\n<script data-build=\"boot\"></script>\n",
                "app marker",
            ),
            (
                "<meta charset=x>\n<link data-build=\"css\" />\n<script data-build=\"boot\"></script>\n<link data-build=\"app\" />\n<link data-build=\"app\" />\n",
                "1 time(s), found 2",
            ),
            (
                "<link data-build=\"css\" />\n<script data-build=\"boot\"></script>\n<link data-build=\"app\" />\n",
                "`<meta charset>` line",
            ),
            (
                "<meta charset=x>\n<link data-build=\"js\" />\n",
                "unknown build marker",
            ),
            ("<head><!-- open\n", "never closed"),
        ] {
            let error = render(&inputs(index, &glue, &wasm)).expect_err(index);
            assert!(error.to_string().contains(needle), "{index:?}: {error}");
        }
    }

    #[test]
    fn the_page_learns_the_contracts_rules_the_manifest_and_the_tables() -> Result<()> {
        let tables = [
            ("de".to_owned(), "zendesk-heart-de-0011.json".to_owned()),
            (
                "pt-BR".to_owned(),
                "zendesk-heart-pt-BR-0022.json".to_owned(),
            ),
        ];
        let facts = Facts {
            manifest_url: "https://svc.example/manifest.json",
            tables: &tables,
        };
        let json: Value = serde_json::from_str(&facts.json())?;
        let own: Vec<&str> = json["own"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(own, NOT_INTEGRATIONS);
        assert!(own.contains(&"email"));
        assert_eq!(json["plain"], PLAIN_PATH_PATTERN);
        assert_eq!(json["proxy"], "/api/v2/any_channel/proxy.json");
        assert_eq!(json["state"], "/like_state");
        assert_eq!(json["manifest"], "https://svc.example/manifest.json");
        assert_eq!(
            json["locales"],
            json!({"de": "./zendesk-heart-de-0011.json", "pt": "./zendesk-heart-pt-BR-0022.json"})
        );
        Ok(())
    }

    #[test]
    fn the_committed_boot_script_reads_every_fact_the_build_defines() -> Result<()> {
        let boot = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../src/boot.js"))?;
        let facts = Facts {
            manifest_url: "https://svc.example/manifest.json",
            tables: &[],
        };
        let json: Value = serde_json::from_str(&facts.json())?;
        for key in json
            .as_object()
            .map(|o| o.keys().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            assert!(
                boot.contains(&format!("K.{key}")),
                "boot.js never reads {key}"
            );
        }
        assert!(
            boot.contains("})(HEART_PAGE);"),
            "HEART_PAGE is what the build defines"
        );
        Ok(())
    }
}
