//! The integration's HTTPS: a self-signed certificate for `localhost` and `127.0.0.1`, its
//! server configuration (rustls with the ring provider; the integration crate serves with it),
//! and the one HTTP client that trusts exactly that certificate and no other.
//!
//! A browser trusts it only when told to: Chromium takes the certificate's public-key hash
//! ([`Identity::chromium_flag`]), which is why the certificate can be handed in from outside
//! ([`Identity::from_pem`], [`Identity::load_or_create`]) before the browser starts.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The names the certificate is valid for.
pub const NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];
/// File names under a `--tls-dir`.
pub const CERT_FILE: &str = "sandbox-cert.pem";
pub const KEY_FILE: &str = "sandbox-key.pem";

/// A certificate and its private key. `Debug` shows the public-key hash, never the key.
#[derive(Clone)]
pub struct Identity {
    cert_pem: String,
    key_pem: String,
    spki_sha256: String,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("spki_sha256", &self.spki_sha256)
            .finish_non_exhaustive()
    }
}

fn spki_hash(spki_der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, spki_der);
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

impl Identity {
    /// A fresh self-signed certificate (ECDSA P-256) for [`NAMES`].
    pub fn generate() -> Result<Self, String> {
        let key = rcgen::KeyPair::generate().map_err(|e| format!("generating a key: {e}"))?;
        let mut params = rcgen::CertificateParams::new(NAMES.map(String::from).to_vec())
            .map_err(|e| format!("certificate names: {e}"))?;
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "zendesk-heart sandbox integration",
        );
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params
            .self_signed(&key)
            .map_err(|e| format!("signing the certificate: {e}"))?;
        Ok(Self {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            spki_sha256: spki_hash(&key.public_key_der()),
        })
    }

    /// A certificate and key in PEM; the key must be the certificate's.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, String> {
        let key = rcgen::KeyPair::from_pem(key_pem)
            .map_err(|e| format!("the private key is not a PEM key rcgen can read: {e}"))?;
        let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| format!("the certificate is not PEM: {e}"))?;
        let spki = key.public_key_der();
        // The certificate embeds its SubjectPublicKeyInfo verbatim.
        if spki.is_empty() || !cert.windows(spki.len()).any(|w| w == spki.as_slice()) {
            return Err("the private key does not belong to the certificate".into());
        }
        Ok(Self {
            cert_pem: cert_pem.to_owned(),
            key_pem: key_pem.to_owned(),
            spki_sha256: spki_hash(&spki),
        })
    }

    /// The pair in `dir` ([`CERT_FILE`], [`KEY_FILE`]), made and written there first if absent,
    /// so that a person trusts it once for every run.
    pub fn load_or_create(dir: &Path) -> Result<Self, String> {
        let (cert_path, key_path) = (dir.join(CERT_FILE), dir.join(KEY_FILE));
        if cert_path.is_file() && key_path.is_file() {
            let read = |p: &Path| {
                std::fs::read_to_string(p).map_err(|e| format!("reading {}: {e}", p.display()))
            };
            return Self::from_pem(&read(&cert_path)?, &read(&key_path)?)
                .map_err(|e| format!("{}: {e}", dir.display()));
        }
        let identity = Self::generate()?;
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let write = |p: &Path, text: &str| {
            std::fs::write(p, text).map_err(|e| format!("writing {}: {e}", p.display()))
        };
        write(&key_path, &identity.key_pem)?;
        write(&cert_path, &identity.cert_pem)?;
        Ok(identity)
    }

    pub fn certificate_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key in PEM, for a TLS terminator of the tests' own (nginx in front of
    /// integration replicas).
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo.
    pub fn spki_sha256_base64(&self) -> &str {
        &self.spki_sha256
    }

    /// Makes Chromium accept this certificate, and only it (needs `--user-data-dir` too).
    pub fn chromium_flag(&self) -> String {
        format!("--ignore-certificate-errors-spki-list={}", self.spki_sha256)
    }

    pub(crate) fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, String> {
        let cert = CertificateDer::from_pem_slice(self.cert_pem.as_bytes())
            .map_err(|e| format!("certificate: {e}"))?;
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|e| format!("private key: {e}"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS versions: {e}"))?
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .map_err(|e| format!("TLS server: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    /// Zendesk's client: it trusts the system's root certificates, this certificate, and the
    /// PEM certificates of `extra_ca` (a vendor's own CA, `--integration-ca`).
    pub fn zendesk_client_builder(
        &self,
        extra_ca: Option<&[u8]>,
    ) -> Result<reqwest::ClientBuilder, String> {
        let own = reqwest::Certificate::from_pem(self.cert_pem.as_bytes())
            .map_err(|e| format!("certificate: {e}"))?;
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(true)
            .add_root_certificate(own);
        if let Some(pem) = extra_ca {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| format!("--integration-ca is not a PEM certificate bundle: {e}"))?;
            if certs.is_empty() {
                return Err("--integration-ca holds no PEM certificate".into());
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        Ok(builder)
    }

    /// A client builder that trusts this certificate and nothing else (no built-in roots).
    pub fn client_builder(&self) -> Result<reqwest::ClientBuilder, String> {
        let cert = reqwest::Certificate::from_pem(self.cert_pem.as_bytes())
            .map_err(|e| format!("certificate: {e}"))?;
        Ok(reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(cert))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_round_trips_and_a_stranger_key_is_refused() {
        let a = Identity::generate().expect("a");
        let b = Identity::generate().expect("b");
        assert_ne!(a.spki_sha256_base64(), b.spki_sha256_base64());
        let again = Identity::from_pem(&a.cert_pem, &a.key_pem).expect("same pair");
        assert_eq!(again.spki_sha256_base64(), a.spki_sha256_base64());
        let err = Identity::from_pem(&a.cert_pem, &b.key_pem).expect_err("mismatch");
        assert!(err.contains("does not belong"), "{err}");
        assert!(Identity::from_pem("nope", &a.key_pem).is_err());
        assert!(!format!("{a:?}").contains("PRIVATE"), "Debug hides the key");
        assert_eq!(a.spki_sha256_base64().len(), 44, "base64 of 32 bytes");
        a.server_config().expect("a server config");
    }

    #[test]
    fn load_or_create_keeps_the_pair() {
        let dir = std::env::temp_dir().join(format!("sandbox-tls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = Identity::load_or_create(&dir).expect("created");
        let second = Identity::load_or_create(&dir).expect("loaded");
        assert_eq!(first.spki_sha256_base64(), second.spki_sha256_base64());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
