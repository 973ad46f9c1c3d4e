//! The app's manifest parameters, as the admin set them.

use std::fmt;

use crate::path::{PathError, PostToPath};

pub const DEFAULT_STATE_PATH: &str = "/like_state";
pub const DEFAULT_LIKE_PATH: &str = "/like";

/// Which manifest parameter a problem is in. The names are the manifest's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    StatePath,
    LikePath,
}

impl Setting {
    pub fn name(self) -> &'static str {
        match self {
            Self::StatePath => "state_path",
            Self::LikePath => "like_path",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError {
    pub setting: Setting,
    pub value: String,
    pub error: PathError,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The setting {} (\"{}\") {}.",
            self.setting.name(),
            self.value,
            self.error
        )
    }
}

impl std::error::Error for SettingsError {}

/// Where the integration service serves the two calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Answers the current like-state (`POST` with a [`crate::StateQuery`]).
    pub state_path: PostToPath,
    /// Sets the like-state (`POST` with a [`crate::SetLike`]).
    pub like_path: PostToPath,
}

impl Default for Settings {
    fn default() -> Self {
        // Both are valid paths (tested below), so they need no parsing here.
        Self {
            state_path: PostToPath::trusted(DEFAULT_STATE_PATH),
            like_path: PostToPath::trusted(DEFAULT_LIKE_PATH),
        }
    }
}

impl Settings {
    /// Validates the settings as the admin left them. A missing setting (`None`) takes its
    /// default; one that is present is used as typed and must be valid, blank included,
    /// so that a mistake is shown rather than silently replaced.
    pub fn from_raw(
        state_path: Option<&str>,
        like_path: Option<&str>,
    ) -> Result<Self, SettingsError> {
        let one = |setting, raw: Option<&str>, default| {
            let value = raw.unwrap_or(default);
            PostToPath::parse(value).map_err(|error| SettingsError {
                setting,
                value: value.to_owned(),
                error,
            })
        };
        Ok(Self {
            state_path: one(Setting::StatePath, state_path, DEFAULT_STATE_PATH)?,
            like_path: one(Setting::LikePath, like_path, DEFAULT_LIKE_PATH)?,
        })
    }

    /// These settings, if each absolute URL among them is on the host of the integration's
    /// manifest (`manifest_url`): the proxy refuses any other, so such a setting is named
    /// before anything is sent.
    pub fn on_host_of(self, manifest_url: &str) -> Result<Self, SettingsError> {
        for (setting, path) in [
            (Setting::StatePath, &self.state_path),
            (Setting::LikePath, &self.like_path),
        ] {
            path.check_host(manifest_url)
                .map_err(|error| SettingsError {
                    setting,
                    value: path.as_str().to_owned(),
                    error,
                })?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_settings_take_the_defaults() {
        let s = Settings::from_raw(None, None).expect("defaults are valid");
        assert_eq!(s.state_path.as_str(), "/like_state");
        assert_eq!(s.like_path.as_str(), "/like");
        assert_eq!(s, Settings::default());
        assert_eq!(PostToPath::parse(DEFAULT_STATE_PATH), Ok(s.state_path));
        assert_eq!(PostToPath::parse(DEFAULT_LIKE_PATH), Ok(s.like_path));
    }

    #[test]
    fn present_settings_are_used_as_typed() {
        let s = Settings::from_raw(Some("https://svc.example/s"), Some("/v2/like")).expect("valid");
        assert_eq!(s.state_path.as_str(), "https://svc.example/s");
        assert_eq!(s.like_path.as_str(), "/v2/like");
    }

    #[test]
    fn a_url_on_another_host_is_named() {
        let manifest = "https://svc.example/manifest.json";
        let ok = Settings::from_raw(Some("https://svc.example/s"), None).expect("valid");
        assert_eq!(ok.clone().on_host_of(manifest), Ok(ok));
        let off = Settings::from_raw(Some("/s"), Some("https://evil.example/like"))
            .expect("valid as text");
        let err = off.on_host_of(manifest).expect_err("another host");
        assert_eq!(err.setting, Setting::LikePath);
        assert_eq!(err.value, "https://evil.example/like");
        assert_eq!(
            err.to_string(),
            "The setting like_path (\"https://evil.example/like\") is not on the integration's host (https://svc.example): use a path like /like, or a URL on that host."
        );
        let both = Settings::from_raw(Some("https://a.example/s"), Some("https://b.example/l"))
            .expect("valid as text");
        assert_eq!(
            both.on_host_of(manifest).map_err(|e| e.setting),
            Err(Setting::StatePath),
            "the first is named"
        );
    }

    #[test]
    fn the_first_invalid_setting_is_named() {
        let err = Settings::from_raw(Some("/ok"), Some("")).expect_err("blank is invalid");
        assert_eq!(err.setting, Setting::LikePath);
        assert_eq!(err.error, PathError::Empty);
        let err = Settings::from_raw(Some("http://svc.example/s"), Some("")).expect_err("http");
        assert_eq!(err.setting, Setting::StatePath);
        assert_eq!(
            err.to_string(),
            "The setting state_path (\"http://svc.example/s\") must be a path starting with / or an https:// URL."
        );
    }
}
