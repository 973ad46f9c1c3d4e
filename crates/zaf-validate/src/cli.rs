//! The command line: `zaf-validate [--json] [--strict] <folder|zip>`.
//!
//! Exit status: 0 when Zendesk would accept the package (with `--strict`, and the checks of ours
//! pass), 1 when it would not, 2 when the package cannot be read or the command line is wrong.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::{Options, Package, validate};

pub const USAGE: &str = "\
usage: zaf-validate [--json] [--strict] <folder|zip>

Validates a Zendesk app package (ZAF v2) offline, as Zendesk's own validator would.

  --json     print the findings as JSON: {accepted, zendesk_accepts, strict, errors,
             warnings, findings: [{file, key, severity, origin, message}]}
  --strict   report the checks of ours (origin \"ours\") as errors, not warnings

Exit status: 0 Zendesk would accept the package (with --strict: and our checks pass),
1 it would not, 2 cannot read it.
";

pub struct Args {
    pub path: String,
    pub json: bool,
    pub strict: bool,
}

pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let (mut path, mut json, mut strict) = (None, false, false);
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            "--strict" => strict = true,
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`")),
            _ if path.is_some() => return Err(format!("one package at a time (also got `{arg}`)")),
            _ => path = Some(arg),
        }
    }
    let path = path.ok_or("which package? give a folder or a .zip")?;
    Ok(Args { path, json, strict })
}

/// Runs the command; returns the exit status.
pub fn main(args: impl IntoIterator<Item = String>) -> u8 {
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return 0;
        }
        Err(e) => {
            eprintln!("zaf-validate: {e}\n\n{USAGE}");
            return 2;
        }
    };
    run(&args)
}

pub fn run(args: &Args) -> u8 {
    let package = match Package::from_path(Path::new(&args.path)) {
        Ok(package) => package,
        Err(e) => {
            eprintln!("zaf-validate: cannot read the package: {e}");
            return 2;
        }
    };
    let report = validate(
        &package,
        &Options {
            strict: args.strict,
        },
    );
    // Buffered: a hostile package can have a finding per setting, hundreds of thousands of
    // lines. A closed stdout (`| head`) is no reason to fail: the exit status still says it.
    let mut out = BufWriter::new(io::stdout().lock());
    let written = if args.json {
        writeln!(out, "{}", report.to_json())
    } else {
        writeln!(out, "{}: {report}", args.path)
    };
    let _ = written.and_then(|()| out.flush());
    if report.accepted() { 0 } else { 1 }
}
