//! The command line of `cargo xtask`: one table of commands (`COMMANDS` in `main.rs`) and one
//! of options (`OPTIONS`), from which both the parsing and `--help` are made, so the two cannot
//! drift apart. Each command names the options it takes; the help says so on both sides.

use std::fmt;
use std::process::ExitCode;

use anyhow::Result;

/// One command: its name, what it does, the options it takes, and what runs it.
pub struct Command {
    /// One word, or two for a command that does another thing of the first's
    /// (`bench integration`).
    pub name: &'static str,
    /// Other names for the same command (`-h`, `--help` for `help`); the help lists them as
    /// options.
    pub aliases: &'static [&'static str],
    /// One paragraph; the help wraps it.
    pub about: &'static str,
    pub options: &'static [Opt],
    /// Every later argument goes to the command unparsed (`validate`'s own command line).
    pub passes_arguments: bool,
    pub run: fn(Invocation) -> Result<ExitCode>,
}

/// The options of `cargo xtask`; `OPTIONS` says how each is spelled and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    ManifestUrl,
    IntegrationCa,
    Config,
    Runs,
    Cold,
    Warm,
    Latency,
    Also,
    Stable,
}

pub struct OptSpec {
    pub opt: Opt,
    pub flag: &'static str,
    /// The value it takes: how the help shows it, and what the error says is missing.
    pub value: Option<Value>,
    pub about: &'static str,
}

pub struct Value {
    pub placeholder: &'static str,
    pub needs: &'static str,
}

/// Every option, in the order the help lists them.
pub const OPTIONS: &[OptSpec] = &[
    OptSpec {
        opt: Opt::ManifestUrl,
        flag: "--manifest-url",
        value: Some(Value {
            placeholder: "<https url>",
            needs: "a URL",
        }),
        about: "the channel integration's manifest URL for this build, instead of \
                `manifest_url` in Cargo.toml's [package.metadata.zendesk]",
    },
    OptSpec {
        opt: Opt::IntegrationCa,
        flag: "--integration-ca",
        value: Some(Value {
            placeholder: "<file.pem>",
            needs: "a file",
        }),
        about: "the CA that signed your integration's certificate (PEM), which the sandbox's \
                Zendesk then trusts besides the system's roots; relative to where the command runs",
    },
    OptSpec {
        opt: Opt::Config,
        flag: "--config",
        value: Some(Value {
            placeholder: "<file>",
            needs: "a file",
        }),
        about: "the sandbox's TOML config (see crates/sandbox/sandbox.example.toml), relative to \
                where the command runs",
    },
    OptSpec {
        opt: Opt::Runs,
        flag: "--runs",
        value: Some(Value {
            placeholder: "<n>",
            needs: "a whole number above 0",
        }),
        about: "how many times each page is loaded, in each condition (default 20)",
    },
    OptSpec {
        opt: Opt::Cold,
        flag: "--cold",
        value: None,
        about: "time only cold loads: a fresh browser with an empty profile for every load, as an \
                agent's first ticket of the day (by default both cold and warm)",
    },
    OptSpec {
        opt: Opt::Warm,
        flag: "--warm",
        value: None,
        about: "time only warm loads: one browser reloads the ticket (by default both)",
    },
    OptSpec {
        opt: Opt::Latency,
        flag: "--latency",
        value: Some(Value {
            placeholder: "<ms>[,<ms>…]",
            needs: "whole milliseconds, comma-separated",
        }),
        about: "how late the integration service answers, in ms; several values time each \
                (default 0)",
    },
    OptSpec {
        opt: Opt::Also,
        flag: "--also",
        value: Some(Value {
            placeholder: "<name>=<dir>",
            needs: "<name>=<package dir>",
        }),
        about: "one more unpacked package in the rotation, e.g. an earlier build of the app \
                (repeatable)",
    },
    OptSpec {
        opt: Opt::Stable,
        flag: "--stable",
        value: None,
        about: "build the shipped wasm with stable Rust instead of the pinned nightly: panics \
                keep their messages, but the wasm is bigger and may not fit the size budget; \
                setup then skips the nightly",
    },
];

const FOOTER: &str = "By default the shipped wasm is built with the pinned nightly (std rebuilt \
for size, panics abort immediately): it is what keeps the sidebar download within budget. Lints \
and tests use stable.";

/// What the command line asked for.
pub struct Invocation {
    pub command: &'static Command,
    /// Not `--stable`.
    pub nightly_size: bool,
    pub manifest_url: Option<String>,
    pub integration_ca: Option<String>,
    pub config: Option<String>,
    pub runs: Option<u32>,
    /// `--cold` / `--warm`.
    pub cold: bool,
    pub warm: bool,
    /// `--latency`, as given (the benchmark reads it).
    pub latency: Option<String>,
    /// `--also`, each as given.
    pub also: Vec<String>,
    /// The arguments of a command that `passes_arguments`.
    pub passed: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    NoCommand,
    UnknownCommand(String),
    /// An option the command does not take, a stray argument, or an option without its value.
    BadArgument(String),
}

impl ParseError {
    /// Whether the help goes before the error (the command itself was not understood).
    pub fn shows_help(&self) -> bool {
        matches!(self, Self::NoCommand | Self::UnknownCommand(_))
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCommand => f.write_str("no command given"),
            Self::UnknownCommand(name) => write!(f, "unknown command `{name}`"),
            Self::BadArgument(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ParseError {}

fn spec(opt: Opt) -> &'static OptSpec {
    OPTIONS
        .iter()
        .find(|spec| spec.opt == opt)
        .unwrap_or_else(|| panic!("{opt:?} has no row in OPTIONS"))
}

/// Reads the arguments after `cargo xtask` against `commands`.
pub fn parse(
    commands: &'static [Command],
    args: impl IntoIterator<Item = String>,
) -> Result<Invocation, ParseError> {
    let mut args = args.into_iter().peekable();
    let mut name = args.next().ok_or(ParseError::NoCommand)?;
    // A two-word command first (`bench integration`), then the one word.
    if let Some(second) = args.peek() {
        let two = format!("{name} {second}");
        if commands.iter().any(|c| c.name == two) {
            name = two;
            args.next();
        }
    }
    let command = commands
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name.as_str()))
        .ok_or_else(|| ParseError::UnknownCommand(name.clone()))?;
    let mut invocation = Invocation {
        command,
        nightly_size: true,
        manifest_url: None,
        integration_ca: None,
        config: None,
        runs: None,
        cold: false,
        warm: false,
        latency: None,
        also: Vec::new(),
        passed: Vec::new(),
    };
    if command.passes_arguments {
        invocation.passed = args.collect();
        return Ok(invocation);
    }
    while let Some(arg) = args.next() {
        let Some(spec) = OPTIONS
            .iter()
            .find(|spec| spec.flag == arg && command.options.contains(&spec.opt))
        else {
            return Err(ParseError::BadArgument(format!(
                "unexpected argument `{arg}` for `{name}` (see `cargo xtask --help`)"
            )));
        };
        let missing = || {
            let needs = spec.value.as_ref().map_or("a value", |value| value.needs);
            ParseError::BadArgument(format!("`{}` needs {needs}", spec.flag))
        };
        let mut value = || args.next().ok_or_else(missing);
        match spec.opt {
            Opt::Stable => invocation.nightly_size = false,
            Opt::ManifestUrl => invocation.manifest_url = Some(value()?),
            Opt::IntegrationCa => invocation.integration_ca = Some(value()?),
            Opt::Config => invocation.config = Some(value()?),
            Opt::Runs => match value()?.parse() {
                Ok(n) if n > 0 => invocation.runs = Some(n),
                _ => return Err(missing()),
            },
            Opt::Cold => invocation.cold = true,
            Opt::Warm => invocation.warm = true,
            Opt::Latency => {
                let latency = value()?;
                let whole = latency
                    .split(',')
                    .all(|ms| !ms.trim().is_empty() && ms.trim().parse::<u64>().is_ok());
                if !whole {
                    return Err(missing());
                }
                invocation.latency = Some(latency);
            }
            Opt::Also => {
                let also = value()?;
                if !also
                    .split_once('=')
                    .is_some_and(|(name, dir)| !name.is_empty() && !dir.is_empty())
                {
                    return Err(missing());
                }
                invocation.also.push(also);
            }
        }
    }
    Ok(invocation)
}

/// The columns the help is wrapped to.
const WIDTH: usize = 100;

/// The help, made from the tables.
pub fn help(commands: &[Command]) -> String {
    let mut out = String::from("cargo xtask <COMMAND> [OPTIONS]\n\nCommands:\n");
    let name_width = commands.iter().map(|c| c.name.len()).max().unwrap_or(0) + 2;
    for command in commands {
        let mut text = command.about.to_owned();
        for &opt in command.options {
            let spec = spec(opt);
            // One unit for the wrapping: a no-break space inside, a plain one in the output.
            text.push_str(&format!(" [{}]", usage(spec).replace(' ', NO_BREAK)));
        }
        let label = format!("{:<name_width$}", command.name);
        out.push_str(&hanging("  ", &label, &text));
    }
    out.push_str("\nOptions:\n");
    let mut rows: Vec<(String, String)> = OPTIONS
        .iter()
        .map(|spec| {
            let takers: Vec<&str> = commands
                .iter()
                .filter(|c| c.options.contains(&spec.opt))
                .map(|c| c.name)
                .collect();
            (
                usage(spec),
                format!("({}) {}", takers.join(", "), spec.about),
            )
        })
        .collect();
    for command in commands.iter().filter(|c| !c.aliases.is_empty()) {
        rows.push((command.aliases.join(", "), command.about.to_owned()));
    }
    let flag_width = rows.iter().map(|(flag, _)| flag.len()).max().unwrap_or(0) + 2;
    for (flag, text) in rows {
        out.push_str(&hanging("  ", &format!("{flag:<flag_width$}"), &text));
    }
    out.push('\n');
    out.push_str(&wrap(FOOTER, 0, WIDTH).join("\n"));
    out.push('\n');
    out
}

fn usage(spec: &OptSpec) -> String {
    match &spec.value {
        Some(value) => format!("{} {}", spec.flag, value.placeholder),
        None => spec.flag.to_owned(),
    }
}

/// `indent` + `label`, then `text` wrapped with its later lines under its first.
fn hanging(indent: &str, label: &str, text: &str) -> String {
    let column = indent.len() + label.len();
    let lines = wrap(text, column, WIDTH);
    let mut out = String::new();
    for (i, line) in lines.iter().map(|l| l.replace(NO_BREAK, " ")).enumerate() {
        if i == 0 {
            out.push_str(indent);
            out.push_str(label);
        } else {
            out.push_str(&" ".repeat(column));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

const NO_BREAK: &str = "\u{a0}";

/// Greedy word wrap of `text` (its words split at plain spaces and line ends) into lines of at
/// most `width - column` characters.
fn wrap(text: &str, column: usize, width: usize) -> Vec<String> {
    let room = width.saturating_sub(column).max(20);
    let mut lines = vec![String::new()];
    for word in text.split([' ', '\n']).filter(|word| !word.is_empty()) {
        let Some(line) = lines.last_mut() else { break };
        if line.is_empty() {
            line.push_str(word);
        } else if line.chars().count() + 1 + word.chars().count() <= room {
            line.push(' ');
            line.push_str(word);
        } else {
            lines.push(word.to_owned());
        }
    }
    lines
}

#[cfg(test)]
mod tests;
