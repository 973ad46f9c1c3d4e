//! What the browser tests (`e2e.rs`, `faults.rs`) share beyond the library's browser helpers
//! (`sandbox::browser`): their inputs from the environment, and the copy of the app package each
//! run serves.

use std::path::{Path, PathBuf};

use sandbox::browser::{R, workspace_target};

/// An input the browser tests need, from the environment `cargo xtask test` sets.
pub fn env_path(name: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
        format!(
            "{name} is not set. The browser tests need the built app package and the ZAF SDK \
             bundle: run them with `cargo xtask test`."
        )
    })?;
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "{name}={} does not exist; run `cargo xtask test`",
            path.display()
        ))
    }
}

/// A copy of a package under `target/e2e/` (`name` tells copies apart), which each sandbox's
/// start rewrites to name its own integration (`requirements::point_at_free_port`).
pub fn copy_package(package: &Path, name: &str) -> R<PathBuf> {
    let copy = workspace_target()
        .join("e2e")
        .join(format!("{name}-{}", std::process::id()));
    sandbox::package::copy(package, &copy)?;
    Ok(copy)
}
