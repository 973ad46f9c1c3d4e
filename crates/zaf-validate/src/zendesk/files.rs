//! Zendesk's rules on the package's files: symlinks and experiments (`marketplace.rb`), code in
//! requirements-only apps (`source.rb`), the banner, SVGs, file types (`mime.rb`), and the
//! warnings about secure settings, plain-HTTP requests and secrets in the sources.

use std::collections::HashSet;

use super::Out;
use super::model::Manifest;
use crate::json::Json;
use crate::package::Package;
use crate::png;
use crate::ruby::{Crash, Rb, truthy};

mod secrets;
mod svg;

pub use secrets::secrets;
pub use svg::svgs;

const MANIFEST: Option<&str> = Some("manifest.json");

/// Experiments Zendesk lets an app enable.
const EXPERIMENTS: [&str; 2] = ["hashParams", "newCssCompiler"];

pub fn marketplace(package: &Package, m: &Manifest, out: &mut Out) {
    if let Some(link) = package.symlinks().next() {
        out.error(
            "symlink_in_zip",
            Some(link),
            "symlinks are not allowed in the zip file: replace it with the file itself".into(),
        );
    }
    if let Json::Obj(experiments) = m.experiments() {
        for (name, enabled) in experiments.iter() {
            if truthy(Some(enabled)) && !EXPERIMENTS.contains(&name) {
                out.error(
                    "invalid_experiment",
                    MANIFEST,
                    format!(
                        "the manifest enables an unknown or unavailable experiment: {name} (available: {})",
                        EXPERIMENTS.join(", ")
                    ),
                );
            }
        }
    }
}

fn is_js(path: &str) -> bool {
    path.ends_with(".js") || path.ends_with(".jsx")
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html") || path.ends_with(".htm")
}

pub fn source(package: &Package, m: &Manifest, out: &mut Out) {
    if !(m.requirements_only() || m.marketing_only()) {
        return;
    }
    let listed = package.listed();
    let css = package
        .get("app.scss")
        .or_else(|| package.get("app.css"))
        .is_some_and(|css| !css.is_empty());
    let code = listed.iter().any(|(p, _)| is_js(p))
        || listed
            .iter()
            .any(|(p, _)| p.starts_with("templates/") && p.ends_with(".hdbs"))
        || css;
    if code {
        out.error(
            "no_source_required_apps",
            None,
            "javascripts, stylesheets and templates are not allowed in a marketingOnly or requirementsOnly app: remove them".into(),
        );
    }
}

/// Words in a text setting's name that suggest a secret.
const SECURABLE_WORDS: [&str; 4] = ["token", "key", "pwd", "password"];

pub fn secure_settings(m: &Manifest, out: &mut Out) -> Rb<()> {
    let params = m.parameters()?;
    let mut insecure = false;
    for p in &params {
        let named_like_secret = match &p.name {
            Json::Str(name) => {
                let lower = name.to_lowercase();
                SECURABLE_WORDS.iter().any(|w| lower.contains(w))
            }
            Json::Null => false,
            other => {
                return Err(Crash(format!(
                    "a parameter's `name` is {}, which cannot be matched against a pattern",
                    other.kind()
                )));
            }
        };
        insecure |= named_like_secret && p.kind_is("text") && !truthy(Some(&p.secure));
    }
    if insecure {
        out.warning(
            "translation.insecure_token_parameter_in_manifest",
            MANIFEST,
            "a text setting named like a token, key or password is not secure: set `\"secure\": true` on it".into(),
        );
    }
    if params
        .iter()
        .any(|p| p.has_default && (truthy(Some(&p.secure)) || p.kind_is("hidden")))
    {
        out.warning(
            "translation.default_secure_or_hidden_parameter_in_manifest",
            MANIFEST,
            "default values of secure or hidden parameters are not stored securely: make sure they hold nothing sensitive".into(),
        );
    }
    let unscoped: Vec<String> = params
        .iter()
        .filter(|p| truthy(Some(&p.secure)))
        .filter(|p| {
            !p.scopes
                .as_ref()
                .and_then(Json::as_arr)
                .is_some_and(|s| s.iter().any(|v| truthy(Some(v))))
        })
        .map(|p| p.display_name())
        .collect();
    if !unscoped.is_empty() {
        out.warning(
            "translation.secure_parameters_with_no_scopes_in_manifest",
            MANIFEST,
            format!(
                "the scopes property is not configured for parameter(s): {}; without scopes a secure setting may be sent where it should not go",
                unscoped.join(", ")
            ),
        );
    }
    Ok(())
}

pub fn insecure_requests(package: &Package, out: &mut Out) {
    let listed = package.listed();
    let files = listed
        .iter()
        .filter(|(p, _)| is_js(p))
        .chain(listed.iter().filter(|(p, _)| is_html(p)));
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        let urls = http_urls(&text);
        if !urls.is_empty() {
            out.warning(
                "insecure_http_request",
                Some(path),
                format!(
                    "possible insecure HTTP request to {}: use https instead",
                    urls.join(", ")
                ),
            );
        }
    }
}

/// `http:` URLs (any case) in a text, as Ruby's `URI.regexp(['http'])` finds them, each once,
/// in the order they first come.
fn http_urls(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut urls = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut i = 0;
    while i + 5 < bytes.len() {
        if bytes[i..i + 5].eq_ignore_ascii_case(b"http:") {
            let next = bytes[i + 5];
            let uri_char = next.is_ascii_alphanumeric() || b"-_.!~*'();?:@&=+$,/%".contains(&next);
            if uri_char {
                let end = bytes[i..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || b"\"'<>`\\{}|^".contains(b))
                    .map_or(bytes.len(), |n| i + n);
                // `i` and `end` are at ASCII bytes (or the end): the slice is whole characters.
                if let Some(url) = text.get(i..end)
                    && seen.insert(url)
                {
                    urls.push(url);
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    urls
}

const BANNER: &str = "assets/banner.png";

pub fn banner(package: &Package, out: &mut Out) {
    let Some(bytes) = package.get(BANNER) else {
        return;
    };
    match png::read(bytes) {
        Err(_) => out.error(
            "banner.invalid_format",
            Some(BANNER),
            "the banner image must be a PNG file".into(),
        ),
        Ok(info) if matches!((info.width, info.height), (830, 200) | (1660, 400)) => {}
        Ok(info) => out.error(
            "banner.invalid_size",
            Some(BANNER),
            format!(
                "invalid banner image dimensions {}x{}: it must be 830x200px (or 1660x400px)",
                info.width, info.height
            ),
        ),
    }
}

/// MIME subtypes and file extensions Zendesk refuses.
const UNSUPPORTED: [&str; 22] = [
    "vnd.rar", "rar", "zip", "gzip", "pdf", "doc", "docx", "avi", "bin", "bz", "bz2", "csh", "sh",
    "jar", "mp3", "mpeg", "odt", "pptx", "ppt", "xls", "xlsx", "7z",
];

pub fn mime(package: &Package, out: &mut Out) {
    let refused: Vec<&str> = package
        .listed()
        .into_iter()
        .filter(|(path, bytes)| {
            let ext = extension(path);
            UNSUPPORTED.contains(&ext.as_str())
                || content_subtype(bytes).is_some_and(|s| UNSUPPORTED.contains(&s))
        })
        .map(|(path, _)| path)
        .collect();
    if !refused.is_empty() {
        out.error(
            "unsupported_mime_type_detected",
            refused.first().copied(),
            format!(
                "unsupported MIME type{} detected in {}: archives, executables, documents and audio/video files are not allowed in an app; remove {}",
                if refused.len() == 1 { "" } else { "s" },
                refused.join(", "),
                if refused.len() == 1 { "it" } else { "them" }
            ),
        );
    }
}

/// Ruby's `File.extname(path).delete('.')`.
fn extension(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    let trimmed = base.trim_start_matches('.');
    match trimmed.rsplit_once('.') {
        Some((_, ext)) => ext.to_string(),
        None => String::new(),
    }
}

/// The MIME subtype that content sniffing (Marcel) gives the bytes, for the refused kinds.
fn content_subtype(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| {
        bytes
            .get(offset..offset + magic.len())
            .is_some_and(|b| b == magic)
    };
    let within = |from: usize, to: usize, needle: &[u8]| {
        let end = (to + needle.len()).min(bytes.len());
        bytes
            .get(from.min(end)..end)
            .is_some_and(|hay| hay.windows(needle.len()).any(|w| w == needle))
    };
    if at(0, b"\x89PNG\r\n\x1a\n") || at(0, b"\xff\xd8\xff") || within(0, 4096, b"<svg") {
        return None;
    }
    if at(0, b"\0\0\x01\xb3") || at(0, b"\0\0\x01\xba") {
        return Some("mpeg");
    }
    if bytes.first() == Some(&0xff)
        && bytes
            .get(1)
            .is_some_and(|b| matches!(b, 0xf2..=0xf7 | 0xfa..=0xfd | 0xff))
        || at(0, b"ID3")
    {
        return Some("mpeg");
    }
    if at(0, b"%PDF-") || at(0, b"\xef\xbb\xbf%PDF-") {
        return Some("pdf");
    }
    if at(0, b"PK") && at(30, b"mimetype") {
        // OpenDocument, EPUB and similar zips are told apart by their first entry.
        return None;
    }
    if at(0, b"PK\x03\x04") && (at(30, b"[Content_Types].xml") || at(30, b"_rels/.rels")) {
        return None; // Office Open XML.
    }
    if at(0, b"PK\x03\x04") && within(30, 65536, b"[Content_Types].xml") && {
        let head = &bytes[..bytes.len().min(4096 + 5)];
        [&b"word/"[..], b"ppt/", b"xl/"]
            .iter()
            .any(|n| head.windows(n.len()).any(|w| w == *n))
    } {
        return None;
    }
    if at(0, b"PK\x03\x04") || at(0, b"PK\x05\x06") || at(0, b"PK\x07\x08") {
        return Some("zip");
    }
    if at(0, b"\x1f\x8b") {
        return Some("gzip");
    }
    let html = [
        &b"<!DOCTYPE HTML"[..],
        b"<!DOCTYPE html",
        b"<!doctype HTML",
        b"<!doctype html",
        b"<HEAD",
        b"<head",
        b"<TITLE",
        b"<title",
        b"<HTML",
    ]
    .iter()
    .any(|m| within(0, 64, m))
        || [&b"<BODY"[..], b"<body", b"<DIV", b"<div", b"<h1", b"<H1"]
            .iter()
            .any(|m| at(0, m))
        || within(0, 128, b"<html");
    if !html && (within(1, 512, b"%PDF-1.") || within(1, 512, b"%PDF-2.")) {
        return Some("pdf");
    }
    None
}
