//! Typed settings: built-in defaults, then `config/default.toml`, then `config/local.toml`
//! (git-ignored), then `PREVENTION_…` environment variables. Later sources win.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub struct Settings {
    pub bind: SocketAddr,
    /// Public origin (`https://host`); empty means the request's own host.
    pub public_url: String,
    /// Runtime role connection; empty means the private local cluster.
    pub database_url: String,
    /// Owner role connection; used for migrations and seeding.
    pub owner_database_url: String,
    pub pool_size: u32,
    pub pool_acquire_timeout_secs: u64,
    pub request_timeout_secs: u64,
    /// The same for an upload (a 20 MB file over a slow intranet link).
    pub upload_timeout_secs: u64,
    /// The same for an Excel export, whose wait for a free export slot counts too.
    pub export_timeout_secs: u64,
    /// After SIGTERM or SIGINT, how long requests in flight (and a background job) may take to
    /// finish before the server stops anyway.
    pub shutdown_timeout_secs: u64,
    /// The longest one SQL statement may run (named reports may ask for longer).
    pub statement_timeout_secs: u64,
    pub body_limit_bytes: usize,
    /// The largest attachment a user may upload (upload routes take this much more).
    pub attachment_max_bytes: usize,
    pub local_db_dir: PathBuf,
    pub province_file: PathBuf,
    pub static_dir: PathBuf,
    pub session_idle_timeout_secs: u64,
    pub session_absolute_timeout_secs: u64,
    pub password_min_length: u32,
    pub password_max_age_days: u32,
    pub password_history: u32,
    pub lockout_threshold: u32,
    pub lockout_minutes: u32,
    pub login_rate_limit_per_minute: u32,
    /// Behind a load balancer that appends the client to `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    pub totp_required_for_all: bool,
    pub log_format: LogFormat,
    /// How many times a finding's rectification deadline may be extended.
    pub rectification_max_extensions: u32,
    /// Days an expert has to score from the day they are seated on a panel (their home page
    /// shows the date; an assumed period, no public rule names one).
    pub expert_days_to_score: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: String::new(),
            database_url: String::new(),
            owner_database_url: String::new(),
            pool_size: 10,
            pool_acquire_timeout_secs: 5,
            request_timeout_secs: 30,
            upload_timeout_secs: 600,
            export_timeout_secs: 300,
            shutdown_timeout_secs: 30,
            statement_timeout_secs: 10,
            body_limit_bytes: 2 * 1024 * 1024,
            attachment_max_bytes: 20 * 1024 * 1024,
            local_db_dir: PathBuf::from(".prevention/pg"),
            province_file: PathBuf::from("config/liaoning.toml"),
            static_dir: PathBuf::from("static"),
            session_idle_timeout_secs: 30 * 60,
            session_absolute_timeout_secs: 8 * 60 * 60,
            password_min_length: 10,
            password_max_age_days: 90,
            password_history: 5,
            lockout_threshold: 5,
            lockout_minutes: 30,
            login_rate_limit_per_minute: 30,
            trust_forwarded_for: false,
            totp_required_for_all: false,
            log_format: LogFormat::Text,
            rectification_max_extensions: 2,
            expert_days_to_score: 10,
        }
    }
}

// Connection strings may carry passwords: never print them.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |s: &str| if s.is_empty() { "" } else { "<set>" };
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("database_url", &redact(&self.database_url))
            .field("owner_database_url", &redact(&self.owner_database_url))
            .field("pool_size", &self.pool_size)
            .field("pool_acquire_timeout_secs", &self.pool_acquire_timeout_secs)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("upload_timeout_secs", &self.upload_timeout_secs)
            .field("export_timeout_secs", &self.export_timeout_secs)
            .field("shutdown_timeout_secs", &self.shutdown_timeout_secs)
            .field("statement_timeout_secs", &self.statement_timeout_secs)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("attachment_max_bytes", &self.attachment_max_bytes)
            .field("local_db_dir", &self.local_db_dir)
            .field("province_file", &self.province_file)
            .field("static_dir", &self.static_dir)
            .field("session_idle_timeout_secs", &self.session_idle_timeout_secs)
            .field("session_absolute_timeout_secs", &self.session_absolute_timeout_secs)
            .field("password_min_length", &self.password_min_length)
            .field("password_max_age_days", &self.password_max_age_days)
            .field("password_history", &self.password_history)
            .field("lockout_threshold", &self.lockout_threshold)
            .field("lockout_minutes", &self.lockout_minutes)
            .field("login_rate_limit_per_minute", &self.login_rate_limit_per_minute)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("totp_required_for_all", &self.totp_required_for_all)
            .field("log_format", &self.log_format)
            .field("rectification_max_extensions", &self.rectification_max_extensions)
            .field("expert_days_to_score", &self.expert_days_to_score)
            .finish()
    }
}

impl Settings {
    /// What an upload request may carry in all: the file and the form around it.
    pub fn upload_body_limit(&self) -> usize {
        self.attachment_max_bytes + 1024 * 1024
    }

    /// Loads the layered settings, with files looked up under `base` (normally the working
    /// directory).
    pub fn load(base: &Path) -> Result<Settings, figment::Error> {
        Self::figment(base).extract()
    }

    pub fn figment(base: &Path) -> Figment {
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(base.join("config/default.toml")))
            .merge(Toml::file(base.join("config/local.toml")))
            .merge(Env::prefixed("PREVENTION_"))
    }

    pub fn uses_local_cluster(&self) -> bool {
        self.database_url.trim().is_empty()
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn upload_timeout(&self) -> Duration {
        Duration::from_secs(self.upload_timeout_secs)
    }

    pub fn export_timeout(&self) -> Duration {
        Duration::from_secs(self.export_timeout_secs)
    }

    pub fn shutdown_timeout(&self) -> Duration {
        Duration::from_secs(self.shutdown_timeout_secs)
    }

    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.pool_acquire_timeout_secs)
    }

    /// True when the site is served over HTTPS (turns on HSTS and `Secure` cookies).
    pub fn is_https(&self) -> bool {
        self.public_url.trim().to_ascii_lowercase().starts_with("https://")
    }

    /// The configured public origin without a trailing slash, if any.
    pub fn public_origin(&self) -> Option<&str> {
        let url = self.public_url.trim().trim_end_matches('/');
        (!url.is_empty()).then_some(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_files_and_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_dir("config")?;
            jail.create_file("config/default.toml", "pool_size = 7\nrequest_timeout_secs = 12")?;
            jail.create_file("config/local.toml", "pool_size = 8")?;
            jail.set_env("PREVENTION_REQUEST_TIMEOUT_SECS", "40");
            let s = Settings::load(jail.directory())?;
            assert_eq!(s.pool_size, 8);
            assert_eq!(s.request_timeout_secs, 40);
            assert_eq!(s.body_limit_bytes, 2 * 1024 * 1024);
            assert!(s.uses_local_cluster());
            Ok(())
        });
    }

    #[test]
    fn https_is_detected_from_the_public_url() {
        let mut s = Settings::default();
        assert!(!s.is_https());
        assert_eq!(s.public_origin(), None);
        s.public_url = "https://gsyf.example.cn/".into();
        assert!(s.is_https());
        assert_eq!(s.public_origin(), Some("https://gsyf.example.cn"));
    }

    #[test]
    fn debug_output_hides_connection_strings() {
        let s = Settings { database_url: "postgres://app:secret@db/prevention".into(), ..Settings::default() };
        assert!(!format!("{s:?}").contains("secret"));
    }
}
