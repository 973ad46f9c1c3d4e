//! `zaf-validate [--json] [--strict] <folder|zip>`: see `zaf_validate::cli`.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(zaf_validate::cli::main(std::env::args().skip(1)))
}
