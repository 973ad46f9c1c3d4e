//! Setup's pure readers: tool version lines, browser majors, the command lines of other installs.

use super::*;

#[test]
fn parses_versions() {
    assert_eq!(
        parse_wasm_opt_version("wasm-opt version 132 (version_132)\n"),
        Some(132)
    );
    assert_eq!(parse_wasm_opt_version("wasm-opt version 108\n"), Some(108));
    assert_eq!(parse_wasm_opt_version("binaryen 132"), None);
    assert_eq!(
        parse_tool_version("wasm-bindgen 0.2.130\n", "wasm-bindgen").as_deref(),
        Some("0.2.130")
    );
    assert_eq!(
        parse_tool_version("wasm-bindgen 0.2.130\n", "wasm-opt"),
        None
    );
    assert_eq!(
        browser_major("Chromium 156.0.8078.79 built on Debian", "Chromium"),
        Some(156)
    );
    assert_eq!(
        browser_major("ChromeDriver 155.0.1 (abc)", "ChromeDriver"),
        Some(155)
    );
    assert_eq!(browser_major("Google Chrome 156.0", "Chromium"), None);
}

#[test]
fn cache_key_is_stable() {
    // FNV-1a test vectors.
    assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
}

#[test]
fn recognises_cargo_install() {
    let args: Vec<&[u8]> = vec![
        b"/root/.cargo/bin/cargo",
        b"install",
        b"wasm-bindgen-cli@0.2.130",
    ];
    assert!(is_cargo_install_of(&args, "wasm-bindgen-cli"));
    assert!(!is_cargo_install_of(&args, "wasm-bindgen"));
    let build: Vec<&[u8]> = vec![b"cargo", b"build", b"wasm-bindgen-cli"];
    assert!(!is_cargo_install_of(&build, "wasm-bindgen-cli"));
    let other: Vec<&[u8]> = vec![b"cargo", b"install", b"wasm-bindgen-cli-extra"];
    assert!(!is_cargo_install_of(&other, "wasm-bindgen-cli"));
}
