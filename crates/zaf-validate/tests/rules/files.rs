//! The package's files: Zendesk's rules on file types and names, and its warnings on what the
//! sources hold (secrets-looking strings, insecure HTTP, SVG with scripts).

use zaf_validate::png;

use super::support::*;

pub const CASES: &[Case] = &[
    case(
        "banner.invalid_format",
        |p| put(p, "assets/banner.png", "GIF89a"),
        |p| p.insert("assets/banner.png", png::minimal(830, 200, 2, false)),
    ),
    case(
        "banner.invalid_size",
        |p| p.insert("assets/banner.png", png::minimal(800, 200, 2, false)),
        |p| p.insert("assets/banner.png", png::minimal(1660, 400, 2, false)),
    ),
    case(
        "unsupported_mime_type_detected",
        |p| put(p, "assets/guide.pdf", "not really a pdf"),
        // .wasm, and even .tar, are not on Zendesk's list.
        |p| {
            put(p, "assets/app.wasm", "\0asm\x01\0\0\0");
            put(p, "assets/data.tar", "data");
        },
    ),
    case(
        "unsupported_mime_type_detected",
        |p| put(p, "assets/data.txt", "PK\x03\x04 zip content"),
        |p| put(p, "assets/data.txt", "plain text"),
    ),
    case(
        "unsupported_mime_type_detected",
        |p| put(p, "assets/sound.bin.txt", "ID3 tag of an mp3"),
        unchanged,
    ),
    case(
        "validator_exception",
        |p| params(p, "[5]"),
        |p| params(p, r#"[{"name": "five"}]"#),
    ),
    case(
        "validator_exception",
        |p| m(p, "\"defaultLocale\": \"en\"", "\"defaultLocale\": 5"),
        unchanged,
    ),
    case(
        "validator_exception",
        |p| req(p, r#"{"channel_integrations": {"a": null}}"#),
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m"}}}"#,
            )
        },
    ),
    case(
        "translation.insecure_token_parameter_in_manifest",
        |p| params(p, r#"[{"name": "api_token"}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "api_token", "secure": true, "scopes": ["header"]}]"#,
            )
        },
    ),
    case(
        "translation.default_secure_or_hidden_parameter_in_manifest",
        |p| params(p, r#"[{"name": "h", "type": "hidden", "default": "x"}]"#),
        |p| params(p, r#"[{"name": "h", "type": "hidden"}]"#),
    ),
    case(
        "translation.secure_parameters_with_no_scopes_in_manifest",
        |p| params(p, r#"[{"name": "s", "secure": true}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "s", "secure": true, "scopes": ["header"]}]"#,
            )
        },
    ),
    case(
        "insecure_http_request",
        |p| replace(p, "assets/iframe.html", "https://static", "http://static"),
        unchanged,
    ),
    case(
        "bitmap_in_svg",
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<image href="logo.png" width="18" height="18"/>"#),
            )
        },
        unchanged,
    ),
    case(
        "sanitised_svg",
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<script>alert(1)</script><rect width="1" height="1"/>"#),
            )
        },
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<g id="a"><path d="M0 0h18v18H0z"/></g>"#),
            )
        },
    ),
    case(
        "sanitised_svg",
        |p| {
            put(
                p,
                "assets/logo.svg",
                &svg(r#"<rect width="1" height="1" onclick="x()"/>"#),
            )
        },
        unchanged,
    ),
    case(
        "application_secret",
        |p| put(p, "assets/config.js", "var api_key = \"a1b2c3d4e5f6g7h8\";"),
        |p| put(p, "assets/config.js", "var label = \"Your key\";"),
    ),
    case(
        "generic_secrets",
        |p| put(p, "assets/config.js", "var password;"),
        |p| put(p, "assets/config.js", "var pass;"),
    ),
];

fn svg(body: &str) -> String {
    format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 18 18">{body}</svg>"#)
}
