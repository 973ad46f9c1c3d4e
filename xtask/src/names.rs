//! Short names for what the wasm and its JS glue call each other by.
//!
//! wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` and the closure shims it
//! exports after their Rust paths; each name is written twice, in the wasm's import or export
//! section and in the glue, and the hex digits do not compress. Names are only how the two
//! files find each other (the wasm refers to its imports and exports by index), so the build
//! gives each a short one in both files: `_0`, `_1`, … A name the glue does not spell exactly
//! once, as a whole word, stops the build rather than risk a wrong rename.
//! Pure byte and text work, tested natively.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

/// An export whose name is at most this long keeps it (`memory`, `main`, `__wbindgen_malloc`):
/// it compresses well, and the glue may spell it in more than one way.
const KEEP_EXPORTS_UP_TO: usize = 32;

fn leb(bytes: &[u8], at: &mut usize) -> Result<u32> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at).context("the wasm ends inside a number")?;
        *at += 1;
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    bail!("a number in the wasm is too long")
}

fn push_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn name<'a>(bytes: &'a [u8], at: &mut usize) -> Result<&'a str> {
    let len = leb(bytes, at)? as usize;
    let end = at.checked_add(len).context("a name's length")?;
    let text = bytes.get(*at..end).context("the wasm ends inside a name")?;
    *at = end;
    std::str::from_utf8(text).context("a name in the wasm is not UTF-8")
}

fn push_name(out: &mut Vec<u8>, name: &str) {
    push_leb(out, name.len() as u32);
    out.extend_from_slice(name.as_bytes());
}

/// The bytes of an import's or export's description after its name(s), up to the next entry.
fn skip_desc(bytes: &[u8], at: &mut usize, import: bool) -> Result<()> {
    let kind = *bytes.get(*at).context("the wasm ends inside an entry")?;
    *at += 1;
    if !import {
        leb(bytes, at)?;
        return Ok(());
    }
    match kind {
        0 => {
            leb(bytes, at)?;
        }
        1 => {
            *at += 1;
            let flags = leb(bytes, at)?;
            leb(bytes, at)?;
            if flags & 1 == 1 {
                leb(bytes, at)?;
            }
        }
        2 => {
            let flags = leb(bytes, at)?;
            leb(bytes, at)?;
            if flags & 1 == 1 {
                leb(bytes, at)?;
            }
        }
        3 => *at += 2,
        4 => {
            *at += 1;
            leb(bytes, at)?;
        }
        other => bail!("an import of unknown kind {other}"),
    }
    Ok(())
}

/// The short name of the `n`th renamed entry.
fn short(n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::from("_");
    let mut digits = Vec::new();
    let mut n = n;
    loop {
        digits.push(DIGITS[n % DIGITS.len()]);
        n /= DIGITS.len();
        if n == 0 {
            break;
        }
    }
    out.extend(digits.iter().rev().map(|&d| char::from(d)));
    out
}

/// `wasm` and `glue` with short names for every import of `module` and every long export.
pub fn shorten(wasm: &[u8], glue: &str, module: &str) -> Result<(Vec<u8>, String)> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        bail!("not a wasm module (version 1)");
    }
    // Old name → (new name, whether the glue must spell it exactly once: an import is one key of
    // the glue's imports object; an export may be called from more than one place).
    let mut renames: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut out = wasm[..8].to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at)? as usize;
        let end = at.checked_add(size).context("a section's size")?;
        let body = wasm
            .get(at..end)
            .context("the wasm ends inside a section")?;
        at = end;
        if id != 2 && id != 7 {
            out.push(id);
            push_leb(&mut out, size as u32);
            out.extend_from_slice(body);
            continue;
        }
        let import = id == 2;
        let mut pos = 0;
        let count = leb(body, &mut pos)?;
        let mut section = Vec::new();
        push_leb(&mut section, count);
        for _ in 0..count {
            if import {
                let from = name(body, &mut pos)?;
                let field = name(body, &mut pos)?;
                push_name(&mut section, from);
                if from == module {
                    let new = short(renames.len());
                    renames.insert(field.to_owned(), (new.clone(), true));
                    push_name(&mut section, &new);
                } else {
                    push_name(&mut section, field);
                }
            } else {
                let field = name(body, &mut pos)?;
                if field.len() > KEEP_EXPORTS_UP_TO {
                    let new = short(renames.len());
                    renames.insert(field.to_owned(), (new.clone(), false));
                    push_name(&mut section, &new);
                } else {
                    push_name(&mut section, field);
                }
            }
            let start = pos;
            skip_desc(body, &mut pos, import)?;
            section.extend_from_slice(body.get(start..pos).context("an entry's end")?);
        }
        if pos != body.len() {
            bail!("section {id} has bytes after its entries");
        }
        out.push(id);
        push_leb(&mut out, section.len() as u32);
        out.extend_from_slice(&section);
    }
    Ok((out, rename_words(glue, &renames)?))
}

/// `text` with each whole word (a run of ASCII letters, digits, `_` and `$`) that `renames` has
/// replaced; each must occur, and exactly once where it says so.
fn rename_words(text: &str, renames: &BTreeMap<String, (String, bool)>) -> Result<String> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rest = text;
    while let Some(start) = rest.find(word) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let len = rest.find(|c| !word(c)).unwrap_or(rest.len());
        let token = &rest[..len];
        match renames.get_key_value(token) {
            Some((old, (new, _))) => {
                *seen.entry(old.as_str()).or_default() += 1;
                out.push_str(new);
            }
            None => out.push_str(token),
        }
        rest = &rest[len..];
    }
    out.push_str(rest);
    for (old, (_, once)) in renames {
        let times = seen.get(old.as_str()).copied().unwrap_or(0);
        if times == 0 || (*once && times != 1) {
            bail!("the glue spells `{old}` {times} time(s), not once: names left as they are");
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `f_0123` and `memory`-like `g` from `m`, and `h` from `env`, and
    /// exporting a long name and `main`.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        push_leb(&mut imports, 3);
        for (from, field, desc) in [
            ("m", "__wbg_warn_0123456789abcdef", vec![0u8, 0]),
            ("m", "__wbg_log_fedcba9876543210", vec![0u8, 1]),
            ("env", "keep_me", vec![0u8, 0]),
        ] {
            push_name(&mut imports, from);
            push_name(&mut imports, field);
            imports.extend_from_slice(&desc);
        }
        let mut exports = Vec::new();
        push_leb(&mut exports, 2);
        push_name(&mut exports, "a_closure_shim_with_a_very_long_rust_path_0");
        exports.extend_from_slice(&[0, 3]);
        push_name(&mut exports, "main");
        exports.extend_from_slice(&[0, 4]);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        for (id, body) in [(1u8, vec![1u8, 0x60, 0, 0]), (2, imports), (7, exports)] {
            wasm.push(id);
            push_leb(&mut wasm, body.len() as u32);
            wasm.extend_from_slice(&body);
        }
        wasm
    }

    fn names(wasm: &[u8], id: u8) -> Vec<String> {
        let mut at = 8;
        while at < wasm.len() {
            let this = wasm[at];
            at += 1;
            let size = leb(wasm, &mut at).expect("size") as usize;
            let body = &wasm[at..at + size];
            at += size;
            if this != id {
                continue;
            }
            let mut pos = 0;
            let count = leb(body, &mut pos).expect("count");
            let mut out = Vec::new();
            for _ in 0..count {
                if id == 2 {
                    let from = name(body, &mut pos).expect("module");
                    let field = name(body, &mut pos).expect("field");
                    out.push(format!("{from}.{field}"));
                } else {
                    out.push(name(body, &mut pos).expect("field").to_owned());
                }
                skip_desc(body, &mut pos, id == 2).expect("desc");
            }
            return out;
        }
        Vec::new()
    }

    #[test]
    fn renames_the_modules_imports_and_long_exports_in_both_files() -> Result<()> {
        let glue = "x={m:{__wbg_warn_0123456789abcdef:function(){},__wbg_log_fedcba9876543210:f}};w.a_closure_shim_with_a_very_long_rust_path_0(1);w.main();__wbg_warn_0123456789abcdef_not";
        let (wasm, glue) = shorten(&module(), glue, "m")?;
        assert_eq!(names(&wasm, 2), ["m._0", "m._1", "env.keep_me"]);
        assert_eq!(names(&wasm, 7), ["_2", "main"]);
        assert_eq!(
            glue,
            "x={m:{_0:function(){},_1:f}};w._2(1);w.main();__wbg_warn_0123456789abcdef_not"
        );
        Ok(())
    }

    #[test]
    fn a_name_the_glue_does_not_spell_once_stops_the_build() {
        for glue in [
            "x={m:{__wbg_log_fedcba9876543210:f}};w.a_closure_shim_with_a_very_long_rust_path_0()",
            "__wbg_warn_0123456789abcdef __wbg_warn_0123456789abcdef __wbg_log_fedcba9876543210 a_closure_shim_with_a_very_long_rust_path_0",
        ] {
            let error = shorten(&module(), glue, "m").expect_err(glue);
            assert!(
                error.to_string().contains("__wbg_warn_0123456789abcdef"),
                "{error}"
            );
        }
        // An export called from two places is renamed in both.
        let twice = "{m:{__wbg_warn_0123456789abcdef:a,__wbg_log_fedcba9876543210:b}};w.a_closure_shim_with_a_very_long_rust_path_0;w.a_closure_shim_with_a_very_long_rust_path_0";
        let (_, glue) = shorten(&module(), twice, "m").expect("renamed");
        assert_eq!(glue, "{m:{_0:a,_1:b}};w._2;w._2");
        let never = "{m:{__wbg_warn_0123456789abcdef:a,__wbg_log_fedcba9876543210:b}}";
        assert!(
            shorten(&module(), never, "m").is_err(),
            "an export never called"
        );
        assert!(shorten(b"not wasm", "", "m").is_err());
        let mut cut = module();
        cut.truncate(cut.len() - 3);
        assert!(shorten(&cut, "", "m").is_err(), "a cut module");
    }

    #[test]
    fn short_names_count_up_in_base_36() {
        assert_eq!(short(0), "_0");
        assert_eq!(short(35), "_z");
        assert_eq!(short(36), "_10");
        let mut leb_bytes = Vec::new();
        push_leb(&mut leb_bytes, 624_485);
        assert_eq!(leb_bytes, [0xE5, 0x8E, 0x26]);
        let mut at = 0;
        assert_eq!(leb(&leb_bytes, &mut at).expect("a number"), 624_485);
    }
}
