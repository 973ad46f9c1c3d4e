//! The app's assets: the package's `assets/` and the ZAF SDK bundle, served on a port of their
//! own, so from another web origin than the host's pages, as Zendesk serves apps.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Where the app's `iframe.html` loads the SDK from on Zendesk.
pub const ZAF_SDK_CDN: &str =
    "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js";
/// Where the sandbox serves its copy, beside the app's assets.
pub const ZAF_SDK_LOCAL: &str = "/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js";

pub struct AppFiles {
    /// The unzipped app package (`manifest.json`, `assets/`, `translations/`).
    pub package_dir: Option<PathBuf>,
    /// The SDK bundle (an IIFE defining `window.ZAFClient`).
    pub zaf_sdk: Option<PathBuf>,
    /// Put first in `iframe.html`'s `<head>` (see [`crate::Options::head_script`]).
    pub head_script: Option<String>,
    /// Serve `.wasm` as `application/octet-stream` ([`crate::Config::wasm_octet_stream`]).
    pub wasm_octet_stream: bool,
}

pub fn router(files: Arc<AppFiles>) -> Router {
    Router::new()
        .route("/assets/{*path}", get(asset))
        .route(ZAF_SDK_LOCAL, get(sdk))
        .with_state(files)
}

fn content_type(path: &Path, wasm_octet_stream: bool) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" if wasm_octet_stream => "application/octet-stream",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found(what: &str) -> Response {
    (StatusCode::NOT_FOUND, format!("not found: {what}\n")).into_response()
}

/// `page` with `<script>{script}</script>` right after its `<head>` tag (or first, if it has none).
fn with_head_script(page: &str, script: &str) -> String {
    let tag = format!("<script>{script}</script>");
    match page.find("<head>") {
        Some(at) => {
            let at = at + "<head>".len();
            format!("{}{tag}{}", &page[..at], &page[at..])
        }
        None => format!("{tag}{page}"),
    }
}

/// Only plain, relative components: nothing can climb out of `assets/`.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if path.contains('\\') || path.is_empty() {
        return None;
    }
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

async fn asset(State(files): State<Arc<AppFiles>>, UrlPath(path): UrlPath<String>) -> Response {
    let Some(dir) = &files.package_dir else {
        return not_found("the sandbox was started without --package-dir");
    };
    let Some(rel) = safe_relative(&path) else {
        return not_found(&path);
    };
    let full = dir.join("assets").join(&rel);
    let Ok(bytes) = tokio::fs::read(&full).await else {
        return not_found(&path);
    };
    let body: Vec<u8> = if rel.as_os_str() == "iframe.html" {
        // Point the SDK's CDN URL at our copy: nothing is fetched from the internet.
        let page = String::from_utf8_lossy(&bytes)
            .replace(ZAF_SDK_CDN, ZAF_SDK_LOCAL)
            .replace(&ZAF_SDK_CDN["https:".len()..], ZAF_SDK_LOCAL);
        match &files.head_script {
            Some(script) => with_head_script(&page, script),
            None => page,
        }
        .into_bytes()
    } else {
        bytes
    };
    (
        [
            (
                header::CONTENT_TYPE,
                content_type(&full, files.wasm_octet_stream),
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn sdk(State(files): State<Arc<AppFiles>>) -> Response {
    let Some(path) = &files.zaf_sdk else {
        return not_found("the sandbox was started without --zaf-sdk");
    };
    match tokio::fs::read(path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(&path.display().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_panic_on_multi_byte_text_at_every_offset() {
        crate::text::at_every_offset("<html><head><title>t</title></head></html>", |page| {
            assert!(with_head_script(page, "1").contains("<script>1</script>"));
        });
        crate::text::at_every_offset("assets/../a/b.wasm", |path| {
            let _ = safe_relative(path);
        });
    }

    #[test]
    fn the_head_script_goes_first_in_the_head() {
        assert_eq!(
            with_head_script("<html><head><meta charset=utf-8></head>", "a()"),
            "<html><head><script>a()</script><meta charset=utf-8></head>"
        );
        assert_eq!(with_head_script("<p>x", "a()"), "<script>a()</script><p>x");
    }

    #[test]
    fn wasm_can_be_served_as_an_unknown_binary() {
        let wasm = Path::new("app-1a2b.wasm");
        assert_eq!(content_type(wasm, false), "application/wasm");
        assert_eq!(content_type(wasm, true), "application/octet-stream");
        assert_eq!(
            content_type(Path::new("a.js"), true),
            "text/javascript; charset=utf-8"
        );
    }

    #[test]
    fn only_plain_paths_are_served() {
        assert!(safe_relative("iframe.html").is_some());
        assert!(safe_relative("app-1a2b.wasm").is_some());
        assert!(safe_relative("img/heart.svg").is_some());
        for bad in [
            "../manifest.json",
            "a/../../x",
            "/etc/passwd",
            "a\\b",
            "",
            "./x",
        ] {
            assert!(safe_relative(bad).is_none(), "{bad}");
        }
    }
}
