//! (Feature `testing`.) The real parts a test of the service starts for itself, each on a free
//! loopback port and stopped when dropped: a Redis server ([`RedisServer`]), the service as a
//! process ([`Replica`]), and nginx as a TLS-terminating load balancer in front of replicas
//! ([`Nginx`]). The Debian packages `redis-server` and `nginx` provide them (`cargo xtask
//! setup`); `REDIS_SERVER` and `NGINX` name other binaries.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on loopback (free when asked).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port on loopback: {e}"))
}

/// Waits until `port` on loopback accepts connections.
pub fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A folder of its own under the system's temp folder, removed by the owner's drop.
fn scratch(what: &str, port: u16) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heart-{what}-{}-{port}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}

fn stop_child(child: &mut Option<Child>) {
    if let Some(mut child) = child.take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn spawn(program: &str, command: &mut Command) -> Child {
    command
        .spawn()
        .unwrap_or_else(|e| panic!("starting {program} (run `cargo xtask setup`): {e}"))
}

/// A Redis server of the caller's own; stopped when dropped.
pub struct RedisServer {
    pub port: u16,
    child: Option<Child>,
    dir: PathBuf,
}

impl RedisServer {
    pub fn start() -> Self {
        let port = free_port();
        let mut server = Self {
            port,
            child: None,
            dir: scratch("redis", port),
        };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Starts it (again, on the same port, empty) and waits until it listens.
    pub fn restart(&mut self) {
        self.stop();
        let program =
            std::env::var("REDIS_SERVER").unwrap_or_else(|_| "/usr/bin/redis-server".into());
        let child = spawn(
            &program,
            Command::new(&program)
                .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no", "--dir"])
                .arg(&self.dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        self.child = Some(child);
        wait_for_port(self.port, "redis-server");
    }

    /// Kills it: from now on its port refuses connections.
    pub fn stop(&mut self) {
        stop_child(&mut self.child);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `heart-integration` as a process on a free port, its log (JSON lines) in a file.
pub struct Replica {
    pub port: u16,
    child: Option<Child>,
    log: PathBuf,
    dir: PathBuf,
}

impl Replica {
    /// Starts `bin` with `HEART_LISTEN` on a free port, `--log-format json`, and `args`; waits
    /// until it listens.
    pub fn start(bin: &Path, args: &[String]) -> Self {
        Self::start_on(free_port(), bin, args)
    }

    /// The same on `port`.
    pub fn start_on(port: u16, bin: &Path, args: &[String]) -> Self {
        let dir = scratch("replica", port);
        let log = dir.join("log.jsonl");
        let file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("creating {}: {e}", log.display()));
        let program = bin.display().to_string();
        let child = spawn(
            &program,
            Command::new(bin)
                .env_clear()
                .env("HEART_LISTEN", format!("127.0.0.1:{port}"))
                .args(["--log-format", "json"])
                .args(args)
                .stdout(Stdio::null())
                .stderr(file),
        );
        wait_for_port(port, "heart-integration");
        Self {
            port,
            child: Some(child),
            log,
            dir,
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Its log so far, one JSON value a line.
    pub fn log(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The requests it logged (`"message": "request"`) for `path`, with their status.
    pub fn requests(&self, path: &str) -> Vec<u16> {
        self.log()
            .iter()
            .filter(|l| l["message"] == "request" && l["path"] == path)
            .filter_map(|l| l["status"].as_u64())
            .filter_map(|s| u16::try_from(s).ok())
            .collect()
    }

    /// Kills it at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        stop_child(&mut self.child);
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// nginx on `port` (one the caller chose, so that what points at it can exist first), terminating TLS with the given certificate and balancing round-robin
/// over the upstream ports (HTTP/1.1 with keep-alive, a failed or refused upstream retried on
/// the next: the service's calls are safe to repeat, a like sets a state).
pub struct Nginx {
    pub port: u16,
    child: Option<Child>,
    dir: PathBuf,
}

impl Nginx {
    pub fn start(port: u16, cert_pem: &str, key_pem: &str, upstreams: &[u16]) -> Self {
        let dir = scratch("nginx", port);
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text)
                .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
            path
        };
        let cert = write("cert.pem", cert_pem);
        let key = write("key.pem", key_pem);
        for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            let _ = std::fs::create_dir_all(dir.join(temp));
        }
        let servers: String = upstreams
            .iter()
            .map(|p| format!("    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;\n"))
            .collect();
        let d = dir.display();
        let conf = format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n  access_log {d}/access.log;\n\
               client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
               fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
               upstream heart {{\n{servers}    keepalive 32;\n  }}\n\
               server {{\n    listen 127.0.0.1:{port} ssl;\n\
                 ssl_certificate {cert}; ssl_certificate_key {key};\n\
                 location / {{\n      proxy_pass http://heart;\n      proxy_http_version 1.1;\n\
                   proxy_set_header Connection \"\";\n      proxy_set_header Host $host;\n\
                   proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
                   proxy_set_header X-Forwarded-Proto https;\n\
                   proxy_connect_timeout 1s;\n\
                   proxy_next_upstream error timeout non_idempotent;\n    }}\n  }}\n}}\n",
            cert = cert.display(),
            key = key.display(),
        );
        let conf_path = write("nginx.conf", &conf);
        let program = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
        let child = spawn(
            &program,
            Command::new(&program)
                .arg("-c")
                .arg(&conf_path)
                .arg("-p")
                .arg(&dir)
                .args(["-e", "stderr"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let mut nginx = Self {
            port,
            child: Some(child),
            dir,
        };
        wait_for_port(nginx.port, "nginx");
        if let Some(child) = nginx.child.as_mut()
            && let Ok(Some(status)) = child.try_wait()
        {
            panic!("nginx stopped at once ({status}): {}", nginx.error_log());
        }
        nginx
    }

    /// What nginx logged as errors and warnings.
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        stop_child(&mut self.child);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
