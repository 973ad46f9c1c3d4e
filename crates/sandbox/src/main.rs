//! `sandbox --package-dir <dir> --zaf-sdk <file> [--config <file.toml>] [--tls-dir <dir>]
//! [--manifest-url <https url>] [--integration-ca <file.pem>]`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use sandbox::{Config, Options, Sandbox};

const USAGE: &str =
    "usage: sandbox --package-dir <dir> --zaf-sdk <file> [--config <file.toml>] [--tls-dir <dir>]
               [--manifest-url <https url>] [--integration-ca <file.pem>]

  --package-dir     the unzipped app package (manifest.json, assets/iframe.html, ... and, for a
                    channel integration's installer app, requirements.json)
  --zaf-sdk         the ZAF SDK bundle that defines window.ZAFClient
  --config          a TOML file; every field has a default (ports 4567/4568/4569/4570)
  --tls-dir         keep the reference integration's HTTPS certificate here (made on the first
                    run), so a browser that trusts it once trusts it every run; without it, a new
                    one each run
  --manifest-url    install the channel integration at this manifest URL instead of the one the
                    package's requirements.json declares (your own integration)
  --integration-ca  a PEM file of the CA that signed your integration's certificate; Zendesk's
                    side trusts it besides the system's roots (and the reference integration's
                    certificate)

Logs go to stderr: what a person needs (installs, accounts, pulls that bring tickets or fail,
proxied calls). RUST_LOG changes it (RUST_LOG=debug shows every pull and request).";

struct Args {
    package_dir: PathBuf,
    zaf_sdk: PathBuf,
    config: Option<PathBuf>,
    tls_dir: Option<PathBuf>,
    manifest_url: Option<PathBuf>,
    integration_ca: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut package_dir = None;
    let mut zaf_sdk = None;
    let mut config = None;
    let mut tls_dir = None;
    let mut manifest_url = None;
    let mut integration_ca = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy().into_owned();
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(PathBuf::from(v))),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().map(PathBuf::from))
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--package-dir" => package_dir = Some(value()?),
            "--zaf-sdk" => zaf_sdk = Some(value()?),
            "--config" => config = Some(value()?),
            "--tls-dir" => tls_dir = Some(value()?),
            "--manifest-url" => manifest_url = Some(value()?),
            "--integration-ca" => integration_ca = Some(value()?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        package_dir: package_dir.ok_or("--package-dir is required")?,
        zaf_sdk: zaf_sdk.ok_or("--zaf-sdk is required")?,
        config,
        tls_dir,
        manifest_url,
        integration_ca,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // The reference integration's own request lines repeat the proxied calls':
                // RUST_LOG=heart_integration=info shows them.
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("info,heart_integration=warn")
                }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("sandbox: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !args.package_dir.join("assets/iframe.html").is_file() {
        eprintln!(
            "sandbox: {} has no assets/iframe.html; build the app package first (cargo xtask package)",
            args.package_dir.display()
        );
        return ExitCode::from(2);
    }
    if !args.zaf_sdk.is_file() {
        eprintln!(
            "sandbox: no ZAF SDK bundle at {} (cargo xtask build makes target/zaf-sdk/zaf_sdk.min.js)",
            args.zaf_sdk.display()
        );
        return ExitCode::from(2);
    }
    let config = match &args.config {
        Some(path) => match Config::from_file(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("sandbox: {e}");
                return ExitCode::from(2);
            }
        },
        None => Config::default(),
    };
    let tls = match &args.tls_dir {
        Some(dir) => match sandbox::tls::Identity::load_or_create(dir) {
            Ok(identity) => Some(identity),
            Err(e) => {
                eprintln!("sandbox: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let manifest_url = match &args.manifest_url {
        Some(raw) => {
            match sandbox::channel::requirements::parse_manifest_url(&raw.to_string_lossy()) {
                Ok(url) => Some(url),
                Err(e) => {
                    eprintln!("sandbox: --manifest-url: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        None => None,
    };
    let integration_ca = match &args.integration_ca {
        Some(path) => match std::fs::read(path) {
            Ok(pem) => Some(pem),
            Err(e) => {
                eprintln!("sandbox: --integration-ca {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let sandbox = match Sandbox::start(Options {
        config,
        package_dir: Some(args.package_dir),
        zaf_sdk: Some(args.zaf_sdk),
        head_script: None,
        tls,
        manifest_url,
        integration_ca,
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Zendesk sandbox running at {}/", sandbox.host_url());
    for t in &sandbox.channel.desk.tickets() {
        println!(
            "  ticket #{:<4} {:<12} {}  ({})",
            t.id,
            t.channel,
            sandbox.ticket_url(t.id),
            t.subject
        );
    }
    println!("  admin        {}", sandbox.admin_url());
    println!("  app origin   {}", sandbox.app_origin());
    match sandbox.channel.requirement {
        Some(_) => println!("  integration  {}", sandbox.manifest_url()),
        None => println!("  integration  none: the package has no requirements.json"),
    }
    match sandbox.channel.desk.install() {
        sandbox::channel::Install::Failed { error } => println!("  NOT INSTALLED: {error}"),
        sandbox::channel::Install::NotInstalled if sandbox.channel.requirement.is_some() => {
            println!("  not installed (install it on the admin page)")
        }
        sandbox::channel::Install::NotInstalled | sandbox::channel::Install::Installed { .. } => {}
    }
    println!(
        "  certificate  {} (SHA-256 of its public key: {}); for Chromium: {}",
        match &args.tls_dir {
            Some(dir) => dir.join(sandbox::tls::CERT_FILE).display().to_string(),
            None => format!("{}/sandbox/certificate.pem", sandbox.host_url()),
        },
        sandbox.tls.spki_sha256_base64(),
        sandbox.tls.chromium_flag()
    );
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("sandbox: cannot wait for Ctrl-C: {e}");
    }
    sandbox.stop();
    ExitCode::SUCCESS
}
