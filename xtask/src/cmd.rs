//! Running external tools with the project's PATH, and telling the user what to do when one is missing.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, ErrorKind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// PATH for every tool the tasks run: the npm tools first (wasm-opt 132 must come before any
/// system one), then cargo's bin dir (wasm-bindgen, wasm-bindgen-test-runner), then the
/// inherited PATH.
#[derive(Clone)]
pub struct Env {
    pub path: OsString,
}

impl Env {
    pub fn new(npm_bin: Option<&Path>) -> Result<Self> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(bin) = npm_bin {
            dirs.push(bin.to_path_buf());
        }
        dirs.push(cargo_home()?.join("bin"));
        if let Some(path) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&path));
        }
        let path = std::env::join_paths(dirs).context("building PATH")?;
        Ok(Self { path })
    }

    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Cmd {
        let program = program.as_ref().to_os_string();
        let mut command = Command::new(&program);
        command.env("PATH", &self.path);
        Cmd { program, command }
    }

    /// Where `program` resolves on this PATH, if anywhere.
    pub fn which(&self, program: &str) -> Option<PathBuf> {
        std::env::split_paths(&self.path)
            .map(|dir| dir.join(program))
            .find(|candidate| is_executable(candidate))
    }
}

pub fn cargo_home() -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    Ok(home_dir()?.join(".cargo"))
}

pub fn home_dir() -> Result<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .context("HOME is not set")
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The cargo that runs us (set by `cargo run`), else the one on PATH.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

pub struct Cmd {
    program: OsString,
    command: Command,
}

impl Cmd {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    fn display(&self) -> String {
        let mut parts = vec![self.program.to_string_lossy().into_owned()];
        parts.extend(self.command.get_args().map(|a| {
            let a = a.to_string_lossy();
            // Inline scripts are noise in the log; show that one is there.
            if a.contains('\n') {
                "<script>".to_string()
            } else {
                a.into_owned()
            }
        }));
        parts.join(" ")
    }

    fn not_found(&self) -> anyhow::Error {
        anyhow::anyhow!(
            "`{}` was not found on PATH: run `cargo xtask setup` (it installs or explains every tool the tasks use)",
            self.program.to_string_lossy()
        )
    }

    /// Runs with inherited stdio (output shown as it comes); fails on a non-zero exit.
    pub fn run(mut self) -> Result<()> {
        let shown = self.display();
        println!("$ {shown}");
        let status = match self.command.status() {
            Ok(status) => status,
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(self.not_found()),
            Err(e) => return Err(e).with_context(|| format!("starting `{shown}`")),
        };
        if !status.success() {
            bail!("`{shown}` failed ({status})");
        }
        Ok(())
    }

    /// Runs a test command: output shown as it comes, and its `test result:` lines tallied.
    /// Fails on a non-zero exit.
    pub fn run_tests(mut self) -> Result<Tally> {
        let shown = self.display();
        println!("$ {shown}");
        let mut child = match self.command.stdout(Stdio::piped()).spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(self.not_found()),
            Err(e) => return Err(e).with_context(|| format!("starting `{shown}`")),
        };
        let mut tally = Tally::default();
        if let Some(stdout) = child.stdout.take() {
            for line in BufReader::new(stdout).lines() {
                let line = line.with_context(|| format!("reading the output of `{shown}`"))?;
                println!("{line}");
                if let Some(result) = Tally::parse(&line) {
                    tally.add(result);
                }
            }
        }
        let status = child
            .wait()
            .with_context(|| format!("waiting for `{shown}`"))?;
        if !status.success() {
            bail!("`{shown}` failed ({status})");
        }
        Ok(tally)
    }

    /// Captures stdout (stderr shown); fails on a non-zero exit.
    pub fn read(mut self) -> Result<String> {
        let shown = self.display();
        let output = match self.command.stderr(Stdio::inherit()).output() {
            Ok(output) => output,
            Err(e) if e.kind() == ErrorKind::NotFound => return Err(self.not_found()),
            Err(e) => return Err(e).with_context(|| format!("starting `{shown}`")),
        };
        if !output.status.success() {
            bail!("`{shown}` failed ({})", output.status);
        }
        String::from_utf8(output.stdout).with_context(|| format!("`{shown}` printed non-UTF-8"))
    }

    /// Captures stdout quietly; `None` when the program is missing or fails (for version probes).
    pub fn probe(mut self) -> Option<String> {
        let output = self
            .command
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        String::from_utf8(output.stdout).ok()
    }
}

/// Test counts, summed over every `test result:` line of cargo's test harnesses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl Tally {
    /// Reads `test result: ok. 16 passed; 0 failed; 1 ignored; …`.
    pub fn parse(line: &str) -> Option<Tally> {
        let rest = line.trim().strip_prefix("test result: ")?;
        let (_, counts) = rest.split_once(". ")?;
        let mut tally = Tally::default();
        for part in counts.split(';') {
            let (n, what) = part.trim().split_once(' ')?;
            let Ok(n) = n.parse::<u64>() else { continue };
            match what.split_whitespace().next() {
                Some("passed") => tally.passed = n,
                Some("failed") => tally.failed = n,
                Some("ignored") => tally.ignored = n,
                _ => {}
            }
        }
        Some(tally)
    }

    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_cargo_test_result_lines() {
        assert_eq!(
            Tally::parse(
                "test result: ok. 34 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            Some(Tally {
                passed: 34,
                failed: 0,
                ignored: 2
            })
        );
        assert_eq!(
            Tally::parse(
                "test result: FAILED. 15 passed; 1 failed; 0 ignored; 0 filtered out; finished in 1.56s"
            ),
            Some(Tally {
                passed: 15,
                failed: 1,
                ignored: 0
            })
        );
        assert_eq!(Tally::parse("test a_test ... ok"), None);
        assert_eq!(Tally::parse("running 16 tests"), None);
        let mut sum = Tally::default();
        sum.add(Tally {
            passed: 3,
            failed: 1,
            ignored: 0,
        });
        sum.add(Tally {
            passed: 4,
            failed: 0,
            ignored: 5,
        });
        assert_eq!(
            sum,
            Tally {
                passed: 7,
                failed: 1,
                ignored: 5
            }
        );
    }
}
