//! The checks Zendesk does not make (warnings of ours, errors under `--strict`: logo and
//! screenshot sizes, translated labels, the channel integration's URL), and the 2 MB limit of
//! Zendesk's upload.

use zaf_validate::png;

use super::support::*;

pub const CASES: &[Case] = &[
    case(
        "package_too_large",
        |p| p.insert("assets/blob.dat", random(2_200_000)),
        |p| p.insert("assets/blob.dat", random(1_900_000)),
    ),
    case(
        "logo_missing",
        |p| drop(p.remove("assets/logo.png")),
        unchanged,
    ),
    case(
        "logo_invalid",
        |p| put(p, "assets/logo-small.png", "not a png"),
        unchanged,
    ),
    case(
        "logo_size",
        |p| p.insert("assets/logo.png", png::minimal(300, 320, 6, false)),
        |p| p.insert("assets/logo.png", png::minimal(320, 320, 2, false)),
    ),
    case(
        "logo_small_opaque",
        |p| p.insert("assets/logo-small.png", png::minimal(128, 128, 2, false)),
        |p| p.insert("assets/logo-small.png", png::minimal(128, 128, 3, true)),
    ),
    case(
        "screenshot_invalid",
        |p| put(p, "assets/screenshot-0.jpg", "\u{ff}\u{d8}"),
        |p| p.insert("assets/screenshot-0.png", png::minimal(1280, 800, 2, false)),
    ),
    case(
        "translation_string_invalid",
        |p| {
            replace(
                p,
                "translations/en.json",
                "\"A bare ticket sidebar app.\"",
                "\"\"",
            )
        },
        |p| {
            replace(
                p,
                "translations/en.json",
                "\"A bare ticket sidebar app.\"",
                r#"{"title": "Short", "value": "A bare app."}"#,
            )
        },
    ),
    case(
        "parameter_label_missing",
        |p| params(p, r#"[{"name": "state_path"}]"#),
        |p| {
            params(
                p,
                r#"[{"name": "state_path"}, {"name": "h", "type": "hidden"}]"#,
            );
            replace(
                p,
                "translations/en.json",
                "\"app\": {",
                r#""app": {"parameters": {"state_path": {"label": "State path"}},"#,
            );
        },
    ),
    case(
        "locale_file_name",
        |p| put(p, "translations/pt-BR.json", r#"{"app": {"name": "x"}}"#),
        |p| {
            put(p, "translations/pt-br.json", r#"{"app": {"name": "x"}}"#);
            put(p, "translations/en-US.json", r#"{"app": {"name": "x"}}"#);
        },
    ),
    case(
        "channel_integration_manifest_url",
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "http://a.example/m.json"}}}"#,
            )
        },
        |p| {
            req(
                p,
                r#"{"channel_integrations": {"a": {"manifest_url": "https://a.example/m.json"}}}"#,
            )
        },
    ),
    case(
        "custom_objects_v2_not_checked",
        |p| req(p, r#"{"custom_objects_v2": {"objects": [{"key": "k"}]}}"#),
        |p| req(p, r#"{"views": {}}"#),
    ),
];

fn random(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}
