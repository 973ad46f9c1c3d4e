//! Zendesk's manifest rules (`validations/manifest.rb`), in its order.
//!
//! Long: one function per rule of that one Ruby file, in its order, so the two read side by side
//! when Zendesk changes a rule; split, the order that decides which finding comes first would be
//! spread over files.

use std::collections::{HashMap, HashSet};

use super::Out;
use super::model::{
    CUSTOM_OBJECT_RECORD_SIDEBAR, LEGACY_URI_STUB, LOCATIONS, LocationOption, Manifest, PRODUCTS,
};
use crate::json::Json;
use crate::package::Package;
use crate::ruby::{self, GemVersion, Rb, truthy};
use crate::uri;

const FILE: Option<&str> = Some("manifest.json");

/// The parameter types Zendesk accepts (`mtls` only where Zendesk enables it, which its
/// validator does not by default).
pub const PARAMETER_TYPES: [&str; 7] = [
    "text",
    "checkbox",
    "url",
    "number",
    "multiline",
    "hidden",
    "oauth",
];
const OAUTH_FIELDS: [&str; 4] = [
    "client_id",
    "client_secret",
    "authorize_uri",
    "access_token_uri",
];
pub const SECURE_PARAMETER_SCOPES: [&str; 7] = [
    "header",
    "body",
    "url",
    "jwt_secret_key",
    "jwt_claim",
    "basic_auth_username",
    "basic_auth_password",
];
/// The framework versions Zendesk serves.
pub const FRAMEWORK_VERSIONS: [&str; 1] = ["2.0"];

fn missing_keys(out: &mut Out, keys: &[&str]) {
    let plural = if keys.len() == 1 { "field" } else { "fields" };
    out.error(
        "manifest_keys.missing",
        FILE,
        format!(
            "missing required {plural} in manifest: {}; add {}",
            keys.join(", "),
            if keys.len() == 1 { "it" } else { "them" }
        ),
    );
}

fn shown(v: &Json) -> String {
    v.to_compact()
}

pub fn check(package: &Package, m: &Manifest, out: &mut Out) -> Rb<()> {
    // Required keys.
    let missing: Vec<&str> = [("author", "author"), ("default_locale", "defaultLocale")]
        .into_iter()
        .filter(|(_, json)| m.get(json).is_none())
        .map(|(_, json)| json)
        .collect();
    if !missing.is_empty() {
        missing_keys(out, &missing);
    }

    type_checks(m, out)?;
    oauth(m, out)?;
    default_locale(package, m, out)?;
    urls(m, out)?;
    parameters(m, out)?;
    if m.requirements_only() || m.marketing_only() {
        if !m.location_options().is_empty() {
            out.error(
                "no_location_required",
                FILE,
                "locations can't be defined for a requirements-only or marketing-only app; remove `location`".into(),
            );
        }
        if m.framework_version().is_some() {
            out.error(
                "no_framework_version_required",
                FILE,
                "a requirements-only or marketing-only app can't set `frameworkVersion`; remove it"
                    .into(),
            );
        }
    } else {
        locations(package, m, out)?;
        let version = m.framework_version();
        if version.is_none() {
            missing_keys(out, &["frameworkVersion"]);
        }
        let served = version
            .and_then(Json::as_str)
            .is_some_and(|v| FRAMEWORK_VERSIONS.contains(&v));
        if !served {
            out.error(
                "invalid_version",
                FILE,
                format!(
                    "{} is not a valid framework version; available versions: {} (set `frameworkVersion` to \"2.0\")",
                    version.map(ruby::to_s).unwrap_or_default(),
                    FRAMEWORK_VERSIONS.join(", ")
                ),
            );
        }
    }
    // noTemplate is a framework v1 option.
    if m.iframe_only()? {
        let no_template = m.or_false("noTemplate");
        let set = match &no_template {
            Json::Arr(items) => !items.is_empty(),
            other => truthy(Some(other)),
        };
        if set {
            out.error(
                "no_template_deprecated_in_v2",
                FILE,
                "`noTemplate` cannot be used with framework version 2; remove it and set `autoLoad` or `autoHide` on each location instead".into(),
            );
        }
    }
    Ok(())
}

fn type_checks(m: &Manifest, out: &mut Out) -> Rb<()> {
    for key in [
        "requirementsOnly",
        "marketingOnly",
        "singleInstall",
        "signedUrls",
        "private",
    ] {
        let value = if key == "private" {
            m.private_value()
        } else {
            m.or_false(key)
        };
        if !matches!(value, Json::Bool(_)) {
            out.error(
                "unacceptable_boolean",
                FILE,
                format!(
                    "`{key}` must be a boolean value (true or false), got {}",
                    shown(&value)
                ),
            );
        }
    }
    for key in [
        "defaultLocale",
        "version",
        "frameworkVersion",
        "remoteInstallationURL",
        "termsConditionsURL",
        "gaID",
    ] {
        if let Some(value) = m.get(key)
            && !matches!(value, Json::Str(_))
        {
            out.error(
                "unacceptable_string",
                FILE,
                format!("`{key}` must be a string, got {}", shown(value)),
            );
        }
    }
    if let Some(author) = m.get("author").filter(|a| truthy(Some(a))) {
        for field in ["name", "email", "url"] {
            let value = ruby::index(author, field, "`author`")?;
            if !matches!(value, Json::Str(_) | Json::Null) {
                out.error(
                    "unacceptable_string",
                    FILE,
                    format!("`author.{field}` must be a string, got {}", shown(&value)),
                );
            }
        }
    }
    match m.or_false("noTemplate") {
        Json::Bool(_) => {}
        Json::Arr(items)
            if items.iter().all(|i| {
                i.as_str()
                    .is_some_and(|name| LOCATIONS.iter().any(|l| l.name == name))
            }) => {}
        _ => out.error(
            "invalid_no_template",
            FILE,
            "`noTemplate` must be true, false, or an array of valid locations".into(),
        ),
    }
    let experiments = m.experiments();
    if !matches!(experiments, Json::Obj(_)) {
        out.error(
            "unacceptable_hash",
            FILE,
            format!(
                "`experiments` must be an object of name: true/false, but it was {}",
                experiments.kind()
            ),
        );
    }
    if let Some(list) = m.get("domainWhitelist") {
        let ok = list
            .as_arr()
            .is_some_and(|items| items.iter().all(|i| matches!(i, Json::Str(_))));
        if !ok {
            out.error(
                "unacceptable_array_of_strings",
                FILE,
                "`domainWhitelist` must be an array of strings".into(),
            );
        }
    }
    if let Some(parameters) = m.get("parameters")
        && !matches!(parameters, Json::Arr(_))
    {
        out.error(
            "unacceptable_array",
            FILE,
            format!(
                "`parameters` must be an array, but it was {}",
                parameters.kind()
            ),
        );
    }
    Ok(())
}

fn oauth(m: &Manifest, out: &mut Out) -> Rb<()> {
    let Some(oauth) = m.get("oauth").filter(|o| truthy(Some(o))) else {
        return Ok(());
    };
    let mut missing = Vec::new();
    for field in OAUTH_FIELDS {
        let value = ruby::index(oauth, field, "`oauth`")?;
        let empty = match &value {
            Json::Null => true,
            Json::Str(s) => s.is_empty(),
            Json::Arr(a) => a.is_empty(),
            Json::Obj(o) => o.is_empty(),
            other => {
                return Err(ruby::Crash(format!(
                    "`oauth.{field}` is {}, which has no emptiness",
                    other.kind()
                )));
            }
        };
        if empty {
            missing.push(field);
        }
    }
    if !missing.is_empty() {
        out.error(
            "oauth_keys.missing",
            FILE,
            format!(
                "missing required oauth field{} in manifest: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            ),
        );
    }
    if !m.parameters()?.iter().any(|p| p.kind_is("oauth")) {
        out.error(
            "oauth_parameter_required",
            FILE,
            "`oauth` is set, so the app needs a parameter of type 'oauth'".into(),
        );
    }
    Ok(())
}

fn default_locale(package: &Package, m: &Manifest, out: &mut Out) -> Rb<()> {
    let Some(locale) = m.get("defaultLocale") else {
        return Ok(());
    };
    let Json::Str(locale) = locale else {
        // Ruby's `!~` on a non-string raises (NoMethodError on Ruby 3.2).
        return Err(ruby::Crash(format!(
            "`defaultLocale` is {}, which cannot be matched against a locale pattern",
            locale.kind()
        )));
    };
    if !ruby::valid_locale(locale) {
        out.error(
            "invalid_default_locale",
            FILE,
            format!("{locale:?} is not a valid default locale; use a locale such as \"en\""),
        );
    } else {
        let wanted = format!("translations/{locale}.json");
        if !package.listed().iter().any(|(p, _)| *p == wanted) {
            out.error(
                "missing_translation_file",
                FILE,
                format!("missing translation file for locale '{locale}': add {wanted}"),
            );
        }
    }
    Ok(())
}

fn urls(m: &Manifest, out: &mut Out) -> Rb<()> {
    if let Some(url) = m.get("termsConditionsURL").filter(|u| truthy(Some(u)))
        && !url.as_str().is_some_and(uri::valid_http_url)
    {
        out.error(
            "invalid_url",
            FILE,
            format!(
                "`termsConditionsURL` must be a valid http(s) URL, got {}",
                shown(url)
            ),
        );
    }
    if let Some(author) = m.get("author").filter(|a| truthy(Some(a))) {
        let url = ruby::index(author, "url", "`author`")?;
        if truthy(Some(&url)) && !url.as_str().is_some_and(uri::valid_http_url) {
            out.error(
                "invalid_url",
                FILE,
                format!(
                    "`author.url` must be a valid http(s) URL, got {} (or leave it out)",
                    shown(&url)
                ),
            );
        }
    }
    Ok(())
}

fn parameters(m: &Manifest, out: &mut Out) -> Rb<()> {
    let params = m.parameters()?;
    if m.marketing_only() {
        if !params.is_empty() {
            out.error(
                "no_parameters_required",
                FILE,
                "parameters can't be defined for a marketing-only app; remove `parameters`".into(),
            );
        }
        if m.private() {
            out.error(
                "marketing_only_app_cant_be_private",
                FILE,
                "a marketing-only app must not be private: set `private` to false".into(),
            );
        }
        return Ok(());
    }

    // One kind of problem at a time, as Zendesk reports them.
    let original = m.get("parameters");
    if original.is_some_and(|p| !matches!(p, Json::Arr(_))) {
        out.error(
            "parameters_not_an_array",
            FILE,
            "app parameters must be an array".into(),
        );
    } else if !params.is_empty() {
        // Names given more than once, in the order they first come, each shown once.
        let mut counts: HashMap<&Json, usize> = HashMap::new();
        for p in &params {
            *counts.entry(&p.name).or_default() += 1;
        }
        let mut duplicates: Vec<String> = Vec::new();
        let mut listed: HashSet<String> = HashSet::new();
        for p in &params {
            let name = p.display_name();
            if counts.get(&p.name).is_some_and(|&n| n > 1) && listed.insert(name.clone()) {
                duplicates.push(name);
            }
        }
        let flag = |attr: &str, value: &Json, p: &super::model::Parameter| {
            (!matches!(value, Json::Bool(_))).then(|| {
                format!(
                    "`{}` must be a boolean value (true or false), got {}",
                    p.field(attr),
                    shown(value)
                )
            })
        };
        let required: Vec<String> = params
            .iter()
            .filter_map(|p| flag("required", &p.required, p))
            .collect();
        let secure: Vec<String> = params
            .iter()
            .filter_map(|p| flag("secure", &p.secure, p))
            .collect();
        if !duplicates.is_empty() {
            out.error(
                "duplicate_parameters",
                FILE,
                format!(
                    "duplicate app parameters defined: {}; give each parameter its own name",
                    duplicates.join(", ")
                ),
            );
        } else if !required.is_empty() {
            for message in required {
                out.error("unacceptable_boolean", FILE, message);
            }
        } else {
            for message in secure {
                out.error("unacceptable_boolean", FILE, message);
            }
        }
    }

    let hidden_required: Vec<String> = params
        .iter()
        .filter(|p| p.kind_is("hidden") && truthy(Some(&p.required)))
        .map(|p| p.display_name())
        .collect();
    if !hidden_required.is_empty() {
        out.error(
            "invalid_hidden_parameter",
            FILE,
            format!(
                "{} {} set to hidden and cannot be required: an admin could never fill {} in",
                hidden_required.join(", "),
                if hidden_required.len() == 1 {
                    "is"
                } else {
                    "are"
                },
                if hidden_required.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            ),
        );
    }

    let invalid_types: Vec<String> = params
        .iter()
        .filter(|p| {
            !p.kind
                .as_str()
                .is_some_and(|k| PARAMETER_TYPES.contains(&k))
        })
        .map(|p| ruby::to_s(&p.kind))
        .collect();
    if !invalid_types.is_empty() {
        out.error(
            "invalid_type_parameter",
            FILE,
            format!(
                "{} {} not a valid parameter type; use one of {}",
                invalid_types.join(", "),
                if invalid_types.len() == 1 {
                    "is"
                } else {
                    "are"
                },
                PARAMETER_TYPES.join(", ")
            ),
        );
    }
    if params.iter().filter(|p| p.kind_is("oauth")).count() > 1 {
        out.error(
            "too_many_oauth_parameters",
            FILE,
            "too many parameters with type 'oauth': one permitted".into(),
        );
    }
    if params
        .iter()
        .any(|p| p.kind_is("oauth") && truthy(Some(&p.secure)))
    {
        out.error(
            "oauth_parameter_cannot_be_secure",
            FILE,
            "an oauth parameter cannot be secure: remove `secure` from it".into(),
        );
    }
    if params.iter().any(|p| p.name.as_str() == Some("name")) {
        out.error(
            "name_as_parameter_name",
            FILE,
            "a parameter can't be called 'name': rename it".into(),
        );
    }
    for p in &params {
        let Some(scopes) = &p.scopes else { continue };
        let field = p.field("scopes");
        if !truthy(Some(&p.secure)) {
            out.error(
                "field_requires_secure_parameter",
                FILE,
                format!("`{field}` cannot be defined on a parameter that is not secure"),
            );
        }
        let Json::Arr(items) = scopes else {
            out.error(
                "unacceptable_array",
                FILE,
                format!("`{field}` must be an array, but it was {}", scopes.kind()),
            );
            continue;
        };
        if items.is_empty() {
            out.error(
                "field_cannot_be_empty",
                FILE,
                format!("`{field}` cannot be empty"),
            );
        }
        let invalid: Vec<String> = items
            .iter()
            .filter(|s| {
                !s.as_str()
                    .is_some_and(|s| SECURE_PARAMETER_SCOPES.contains(&s))
            })
            .map(ruby::to_s)
            .collect();
        if !invalid.is_empty() {
            out.error(
                "field_contains_invalid_values",
                FILE,
                format!(
                    "`{field}` contains invalid values: {}; allowed: {}",
                    invalid.join(", "),
                    SECURE_PARAMETER_SCOPES.join(", ")
                ),
            );
        }
    }
    Ok(())
}

fn locations(package: &Package, m: &Manifest, out: &mut Out) -> Rb<()> {
    let options = m.location_options();
    if options.is_empty() {
        missing_keys(out, &["location"]);
    }
    for option in &options {
        match &option.url {
            Some(Json::Str(url)) if !url.is_empty() => {
                location_uri(package, url, out);
            }
            _ if option.auto_load => {
                let Some(def) = option.def else {
                    return Err(ruby::Crash(format!(
                        "the unknown location `{}` has no URL",
                        option.name
                    )));
                };
                out.error(
                    "blank_location_uri",
                    FILE,
                    format!(
                        "the {} location does not specify a URI: give it a `url`",
                        def.name
                    ),
                );
            }
            _ => {}
        }
        if let Some(flexible) = &option.flexible
            && !matches!(flexible, Json::Bool(_))
        {
            out.error(
                "invalid_location_flexible_type",
                FILE,
                format!(
                    "{} is an invalid type for `flexible` (location {}): use true or false",
                    shown(flexible),
                    option.name
                ),
            );
        }
    }
    for (product, _) in PRODUCTS {
        let Some((_, locations)) = m.locations.iter().find(|(p, _)| *p == product) else {
            continue;
        };
        let mut invalid: Vec<String> = Vec::new();
        let mut listed: HashSet<&str> = HashSet::new();
        for (name, _) in locations {
            let known = LOCATIONS
                .iter()
                .any(|l| l.product == product && l.name == name);
            if !known && listed.insert(name) {
                invalid.push(name.clone());
            }
        }
        if options.iter().any(|o| {
            o.def.is_some_and(|d| d.product == product) && o.name == CUSTOM_OBJECT_RECORD_SIDEBAR
        }) {
            invalid.push(CUSTOM_OBJECT_RECORD_SIDEBAR.to_string());
        }
        if !invalid.is_empty() {
            let host = capitalize(product);
            out.error(
                "invalid_location",
                FILE,
                format!(
                    "{} {} in {host}; see Zendesk's list of app locations",
                    invalid.join(", "),
                    if invalid.len() == 1 {
                        "is an invalid location"
                    } else {
                        "are invalid locations"
                    }
                ),
            );
        }
    }
    for host in &m.used_hosts {
        let known = PRODUCTS
            .iter()
            .any(|(name, legacy)| host == name || host == legacy);
        if !known {
            out.error(
                "invalid_host",
                FILE,
                format!(
                    "{host} is an invalid host for apps; use one of support, chat, standalone_chat, sell"
                ),
            );
        }
    }
    if let Some(version) = m.framework_version().filter(|v| truthy(Some(v)))
        && GemVersion::new(version)?.below_2()
    {
        let v2_only: Vec<&str> = options
            .iter()
            .filter_map(|o| o.def)
            .filter(|d| d.v2_only)
            .map(|d| d.name)
            .collect();
        if !v2_only.is_empty() {
            out.error(
                "invalid_v1_location",
                FILE,
                format!(
                    "{} {} in framework v1",
                    v2_only.join(", "),
                    if v2_only.len() == 1 {
                        "is an invalid location"
                    } else {
                        "are invalid locations"
                    }
                ),
            );
        }
    }
    let (legacy, iframe): (Vec<&LocationOption>, Vec<&LocationOption>) =
        options.iter().partition(|o| o.legacy);
    if m.iframe_only()? {
        if !legacy.is_empty() {
            out.error(
                "locations_must_be_urls",
                FILE,
                "app locations need to be URLs for this framework version".into(),
            );
        }
    } else if !iframe.is_empty() {
        out.error(
            "locations_cant_be_urls",
            FILE,
            "app locations must not be URLs for this framework version (set `frameworkVersion` to \"2.0\")".into(),
        );
    }
    Ok(())
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A location URL: `https`, `localhost`, or a file of the package under `assets/`.
fn location_uri(package: &Package, url: &str, out: &mut Out) {
    if url == LEGACY_URI_STUB || url.contains("{{setting.") {
        return;
    }
    let ok = uri::parse(url).is_some_and(|u| match &u.scheme {
        Some(scheme) => scheme == "https" || u.host.as_deref() == Some("localhost"),
        None => u.path.starts_with("assets/") && package.has_file(&u.path),
    });
    if !ok {
        out.error(
            "invalid_location_uri",
            FILE,
            format!(
                "{url} is either an invalid location URI, refers to a missing asset, or does not use HTTPS: use an https URL or the path of a file under assets/"
            ),
        );
    }
}
