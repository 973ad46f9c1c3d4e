//! Tools that `cargo install` builds from crates.io at an exact version: present at that version
//! is skipped, and an install another shell is running is waited for rather than raced.

use std::fs;
use std::time::Duration;

use anyhow::Result;

use super::{Mode, Report, parse_tool_version};
use crate::cmd::{self, Env};

/// A tool that `cargo install` builds from crates.io at an exact version.
pub(super) struct CargoTool<'a> {
    pub krate: &'static str,
    /// Whose `--version` tells the installed version.
    pub binary: &'static str,
    pub version: &'a str,
    /// Another binary the crate installs that must be there too.
    pub also: Option<&'static str>,
    pub note: &'static str,
    pub locked: bool,
    /// `cargo install --debug`: a dev-profile build of the tool.
    pub debug: bool,
}

pub(super) fn cargo_tool(env: &Env, report: &mut Report, tool: CargoTool) -> Result<()> {
    let what = format!("{} {}{}", tool.krate, tool.version, tool.note);
    let present = |env: &Env| {
        let have = env
            .cmd(tool.binary)
            .arg("--version")
            .probe()
            .and_then(|out| parse_tool_version(&out, tool.binary));
        let complete = tool.also.is_none_or(|also| env.which(also).is_some());
        (have, complete)
    };
    let mut have = present(env);
    let wanted = |(have, complete): &(Option<String>, bool)| {
        *complete && have.as_deref() == Some(tool.version)
    };
    // Another shell may be installing it right now; two parallel builds only waste the cores.
    if !wanted(&have) && report.mode == Mode::Install && wait_for_other_install(tool.krate) {
        have = present(env);
    }
    if wanted(&have) {
        report.skip(what);
        return Ok(());
    }
    let found = have.0.unwrap_or_else(|| "none".into());
    match report.mode {
        Mode::Check => report.missing(format!("{what}; found {found}")),
        Mode::Install => {
            let spec = format!("{}@{}", tool.krate, tool.version);
            let mut install = env.cmd(cmd::cargo()).args(["install", &spec]);
            if tool.locked {
                install = install.arg("--locked");
            }
            if tool.debug {
                install = install.arg("--debug");
            }
            install.run()?;
            report.installed(format!("{what}; was {found}"));
        }
    }
    Ok(())
}

/// Waits while another process runs `cargo install <krate>…`; true if there was one.
fn wait_for_other_install(krate: &str) -> bool {
    let mut waited = false;
    while let Some(pid) = other_cargo_install(krate) {
        if !waited {
            println!(
                "waiting for a `cargo install {krate}` already running (pid {pid}) to finish…"
            );
            waited = true;
        }
        std::thread::sleep(Duration::from_secs(5));
    }
    waited
}

fn other_cargo_install(krate: &str) -> Option<u32> {
    let me = std::process::id();
    let entries = fs::read_dir("/proc").ok()?;
    entries.flatten().find_map(|entry| {
        let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
        if pid == me {
            return None;
        }
        let cmdline = fs::read(entry.path().join("cmdline")).ok()?;
        let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
        is_cargo_install_of(&args, krate).then_some(pid)
    })
}

pub(super) fn is_cargo_install_of(args: &[&[u8]], krate: &str) -> bool {
    let Some(program) = args.first() else {
        return false;
    };
    let is_cargo = program.ends_with(b"/cargo") || *program == b"cargo";
    let installs = args.iter().any(|a| *a == b"install");
    let names = args.iter().any(|a| {
        *a == krate.as_bytes()
            || a.strip_prefix(krate.as_bytes())
                .is_some_and(|rest| rest.starts_with(b"@"))
    });
    is_cargo && installs && names
}
