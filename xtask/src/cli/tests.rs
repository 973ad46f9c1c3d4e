//! The command line against the task runner's own tables: every command reached by its names,
//! every option only where a command takes it and with its value, and the help naming them all.

use super::*;
use crate::COMMANDS;

fn parse_words(words: &[&str]) -> Result<Invocation, ParseError> {
    // A two-word command's name is two arguments on the command line.
    parse(
        COMMANDS,
        words.iter().flat_map(|w| w.split(' ')).map(str::to_owned),
    )
}

fn bad(words: &[&str]) -> String {
    match parse_words(words) {
        Ok(invocation) => panic!("{words:?} parsed as `{}`", invocation.command.name),
        Err(ParseError::BadArgument(message)) => message,
        Err(other) => panic!("{words:?}: {other:?}, not a bad argument"),
    }
}

#[test]
fn every_command_in_the_table_is_reached_by_each_of_its_names() {
    for command in COMMANDS {
        for name in std::iter::once(&command.name).chain(command.aliases) {
            let invocation = parse_words(&[name]).unwrap_or_else(|e| panic!("{name}: {e}"));
            // The row found is this one: no earlier row shadows the name.
            assert!(
                std::ptr::eq(invocation.command, command),
                "`{name}` runs `{}`",
                invocation.command.name
            );
        }
    }
}

#[test]
fn a_two_word_command_wins_over_its_first_word() {
    let two = parse_words(&["bench", "integration"]).expect("bench integration");
    assert_eq!(two.command.name, "bench integration");
    let one = parse_words(&["bench", "--runs", "3"]).expect("bench");
    assert_eq!((one.command.name, one.runs), ("bench", Some(3)));
    assert!(bad(&["bench", "integrations"]).contains("integrations"));
}

#[test]
fn the_table_has_the_commands_of_the_task_runner() {
    let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "setup",
            "build",
            "package",
            "validate",
            "test",
            "demo",
            "bench",
            "bench integration",
            "fuzz validate",
            "help"
        ]
    );
}

#[test]
fn rejects_unknown_commands() {
    assert_eq!(
        parse_words(&["deploy"]).err(),
        Some(ParseError::UnknownCommand("deploy".into()))
    );
    assert_eq!(
        parse_words(&["--stable"]).err().map(|e| e.shows_help()),
        Some(true)
    );
    assert_eq!(parse_words(&[]).err(), Some(ParseError::NoCommand));
}

#[test]
fn rejects_unknown_options_and_stray_arguments() {
    assert_eq!(
        bad(&["build", "--frobnicate"]),
        "unexpected argument `--frobnicate` for `build` (see `cargo xtask --help`)"
    );
    bad(&["package", "extra"]);
    bad(&["test", "--help"]);
    bad(&["help", "--stable"]);
}

#[test]
fn rejects_the_options_of_other_commands() {
    for command in COMMANDS.iter().filter(|c| !c.passes_arguments) {
        for spec in OPTIONS.iter().filter(|s| !command.options.contains(&s.opt)) {
            let mut words = vec![command.name, spec.flag];
            if spec.value.is_some() {
                words.push("1");
            }
            bad(&words);
        }
    }
}

#[test]
fn options_need_their_values() {
    assert_eq!(
        bad(&["package", "--manifest-url"]),
        "`--manifest-url` needs a URL"
    );
    assert_eq!(bad(&["demo", "--config"]), "`--config` needs a file");
    for runs in ["0", "-1", "many"] {
        assert_eq!(
            bad(&["bench", "--runs", runs]),
            "`--runs` needs a whole number above 0"
        );
    }
    for latency in ["", "fast", "300ms", "0,,300"] {
        assert_eq!(
            bad(&["bench", "--latency", latency]),
            "`--latency` needs whole milliseconds, comma-separated"
        );
    }
    for also in ["before", "=dir", "before="] {
        assert_eq!(
            bad(&["bench", "--also", also]),
            "`--also` needs <name>=<package dir>"
        );
    }
}

#[test]
fn reads_the_options_a_command_takes() {
    let words = [
        "demo",
        "--config",
        "my.toml",
        "--stable",
        "--manifest-url",
        "https://x.example/m.json",
    ];
    let invocation = parse_words(&words).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(invocation.command.name, "demo");
    assert_eq!(invocation.config.as_deref(), Some("my.toml"));
    assert_eq!(
        invocation.manifest_url.as_deref(),
        Some("https://x.example/m.json")
    );
    assert!(!invocation.nightly_size);
    let invocation = parse_words(&["bench", "--runs", "5"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(invocation.runs, Some(5));
    assert!(invocation.nightly_size);
    assert!(!invocation.cold && !invocation.warm && invocation.latency.is_none());
    let words = [
        "bench",
        "--cold",
        "--latency",
        "0,300",
        "--also",
        "before=target/before",
    ];
    let invocation = parse_words(&words).unwrap_or_else(|e| panic!("{e}"));
    assert!(invocation.cold && !invocation.warm);
    assert_eq!(invocation.latency.as_deref(), Some("0,300"));
    assert_eq!(invocation.also, ["before=target/before"]);
}

#[test]
fn validate_gets_its_arguments_unparsed() {
    let invocation = parse_words(&["validate", "--json", "pkg.zip", "--stable"])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(invocation.passed, ["--json", "pkg.zip", "--stable"]);
}

#[test]
fn every_option_is_taken_by_some_command_and_has_one_row() {
    for opt in [
        Opt::ManifestUrl,
        Opt::Config,
        Opt::Runs,
        Opt::Cold,
        Opt::Warm,
        Opt::Latency,
        Opt::Also,
        Opt::Stable,
    ] {
        assert_eq!(
            OPTIONS.iter().filter(|s| s.opt == opt).count(),
            1,
            "{opt:?}"
        );
        assert!(
            COMMANDS.iter().any(|c| c.options.contains(&opt)),
            "no command takes {opt:?}"
        );
    }
}

#[test]
fn the_help_names_every_command_and_option_and_who_takes_it() {
    let help = help(COMMANDS);
    for command in COMMANDS {
        assert!(
            help.lines()
                .any(|l| l.starts_with(&format!("  {} ", command.name))),
            "{help}"
        );
    }
    assert!(help.contains("  -h, --help "), "{help}");
    assert!(
        help.contains("--manifest-url <https url>   (package, test, demo) the channel"),
        "{help}"
    );
    assert!(
        help.contains("--stable                     (setup, build, package, test, demo, bench)"),
        "{help}"
    );
    assert!(help.contains("[--runs <n>]"), "{help}");
    assert!(help.lines().all(|l| l.chars().count() <= WIDTH), "{help}");
}
