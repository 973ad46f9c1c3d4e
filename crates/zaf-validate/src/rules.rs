//! Every rule the validator applies: its key, its severity, whose rule it is, and what it checks.
//! The crate's README lists the same table (a test keeps the two equal).

use crate::report::{Severity, Whose};

pub struct Rule {
    pub key: &'static str,
    /// For rules of ours: the severity without `--strict` (with it, every rule of ours errors).
    pub severity: Severity,
    pub whose: Whose,
    pub checks: &'static str,
}

const fn zendesk(key: &'static str, checks: &'static str) -> Rule {
    Rule {
        key,
        severity: Severity::Error,
        whose: Whose::Zendesk,
        checks,
    }
}

const fn zendesk_warning(key: &'static str, checks: &'static str) -> Rule {
    Rule {
        key,
        severity: Severity::Warning,
        whose: Whose::Zendesk,
        checks,
    }
}

const fn ours(key: &'static str, checks: &'static str) -> Rule {
    Rule {
        key,
        severity: Severity::Warning,
        whose: Whose::Ours,
        checks,
    }
}

pub const RULES: &[Rule] = &[
    // manifest.json
    zendesk("missing_manifest", "`manifest.json` is at the package root"),
    zendesk(
        "nested_manifest",
        "…and not only one folder down (the folder was zipped instead of its contents)",
    ),
    zendesk("manifest_not_json", "`manifest.json` is JSON"),
    zendesk(
        "duplicate_manifest_keys",
        "no key twice in one object of `manifest.json` (nor a location twice in a v1 `location` list)",
    ),
    zendesk(
        "manifest_keys.missing",
        "`author`, `defaultLocale`, `location` (unless requirements-/marketing-only) and `frameworkVersion` are present",
    ),
    zendesk(
        "unacceptable_boolean",
        "`requirementsOnly`, `marketingOnly`, `singleInstall`, `signedUrls`, `private` and each parameter's `required`/`secure` are booleans",
    ),
    zendesk(
        "unacceptable_string",
        "`defaultLocale`, `version`, `frameworkVersion`, `remoteInstallationURL`, `termsConditionsURL`, `gaID`, `author.name/email/url` are strings",
    ),
    zendesk(
        "invalid_no_template",
        "`noTemplate` is true, false or a list of known locations",
    ),
    zendesk("unacceptable_hash", "`experiments` is an object"),
    zendesk(
        "unacceptable_array_of_strings",
        "`domainWhitelist` is a list of strings",
    ),
    zendesk(
        "unacceptable_array",
        "`parameters`, and a parameter's `scopes`, are arrays",
    ),
    zendesk(
        "oauth_keys.missing",
        "`oauth` has `client_id`, `client_secret`, `authorize_uri`, `access_token_uri`",
    ),
    zendesk(
        "oauth_parameter_required",
        "with `oauth`, a parameter of type `oauth` exists",
    ),
    zendesk(
        "invalid_default_locale",
        "`defaultLocale` looks like `en` or `pt-br` (`^[a-z]{2,3}(-\\w{2,3})?$`)",
    ),
    zendesk(
        "missing_translation_file",
        "`translations/<defaultLocale>.json` exists",
    ),
    zendesk(
        "invalid_url",
        "`termsConditionsURL` and `author.url` are http(s) URLs with a host",
    ),
    zendesk("parameters_not_an_array", "`parameters` is an array"),
    zendesk("duplicate_parameters", "no two parameters share a name"),
    zendesk(
        "invalid_hidden_parameter",
        "no parameter is both `hidden` and `required`",
    ),
    zendesk(
        "invalid_type_parameter",
        "a parameter's type is text, checkbox, url, number, multiline, hidden or oauth",
    ),
    zendesk("too_many_oauth_parameters", "at most one `oauth` parameter"),
    zendesk(
        "oauth_parameter_cannot_be_secure",
        "an `oauth` parameter is not `secure`",
    ),
    zendesk("name_as_parameter_name", "no parameter is called `name`"),
    zendesk(
        "field_requires_secure_parameter",
        "only a `secure` parameter has `scopes`",
    ),
    zendesk(
        "field_cannot_be_empty",
        "a parameter's `scopes` is not empty",
    ),
    zendesk(
        "field_contains_invalid_values",
        "`scopes` holds only header, body, url, jwt_secret_key, jwt_claim, basic_auth_username, basic_auth_password",
    ),
    zendesk(
        "no_parameters_required",
        "a marketing-only app has no parameters",
    ),
    zendesk(
        "marketing_only_app_cant_be_private",
        "a marketing-only app sets `private: false`",
    ),
    zendesk(
        "no_location_required",
        "a requirements-/marketing-only app has no locations",
    ),
    zendesk(
        "no_framework_version_required",
        "a requirements-/marketing-only app has no `frameworkVersion`",
    ),
    zendesk(
        "invalid_location_uri",
        "a location URL is https, on localhost, or a file of the package under `assets/`",
    ),
    zendesk("blank_location_uri", "a location that loads has a URL"),
    zendesk(
        "invalid_location_flexible_type",
        "a location's `flexible` is a boolean",
    ),
    zendesk(
        "invalid_location",
        "each location exists in its product (custom_object_record_sidebar only where Zendesk enables it)",
    ),
    zendesk(
        "invalid_host",
        "each key of `location` is support, chat, standalone_chat or sell (or a legacy name)",
    ),
    zendesk(
        "invalid_v1_location",
        "a framework v1 app uses no v2-only location",
    ),
    zendesk(
        "locations_must_be_urls",
        "a framework v2 app's locations are URLs",
    ),
    zendesk(
        "locations_cant_be_urls",
        "a framework v1 app's locations are not URLs",
    ),
    zendesk("invalid_version", "`frameworkVersion` is \"2.0\""),
    zendesk(
        "no_template_deprecated_in_v2",
        "a framework v2 app does not set `noTemplate`",
    ),
    zendesk("symlink_in_zip", "no symlinks in the package"),
    zendesk(
        "invalid_experiment",
        "only the experiments hashParams and newCssCompiler are enabled",
    ),
    zendesk(
        "no_source_required_apps",
        "a requirements-/marketing-only app has no .js, templates or app.css",
    ),
    // translations/
    zendesk(
        "translation.invalid_locale",
        "each `translations/<name>.json` is named after a locale",
    ),
    zendesk("translation.not_json", "each translation file is JSON"),
    zendesk("translation.not_json_object", "…holding an object"),
    zendesk(
        "translation.invalid_format",
        "with `app.package`, every string is a {title, value} object",
    ),
    zendesk(
        "translation.missing_required_key_on_leaf",
        "each entry of `app.parameters` has a `label`",
    ),
    zendesk(
        "translation.missing_required_key",
        "`translations/en.json` has `app.name` (a public app also short_description, long_description, installation_instructions)",
    ),
    zendesk(
        "translation.missing_required_key_for_product",
        "…per product, when en.json is split by product",
    ),
    zendesk(
        "translation.products_do_not_match_manifest_products",
        "…and only for the manifest's products",
    ),
    // requirements.json
    zendesk(
        "missing_requirements",
        "a requirements-only app has `requirements.json`",
    ),
    zendesk(
        "requirements_not_supported",
        "a marketing-only or Chat-only app has none",
    ),
    zendesk("requirements_not_json", "`requirements.json` is JSON"),
    zendesk(
        "duplicate_requirements",
        "no key twice in one object of `requirements.json`",
    ),
    zendesk(
        "invalid_requirements_types",
        "only known requirement types (and no http_target/url_target_v2 targets)",
    ),
    zendesk("excessive_requirements", "at most 5000 requirements"),
    zendesk(
        "excessive_custom_objects_requirements",
        "at most 50 custom object requirements",
    ),
    zendesk(
        "multiple_channel_integrations",
        "at most one channel integration",
    ),
    zendesk(
        "missing_required_fields",
        "a channel integration has `manifest_url`; user/organization fields a `key`; webhooks name, status, endpoint, http_method, request_format; custom objects their keys; everything else a `title`",
    ),
    zendesk(
        "invalid_cov2_requirements_structure_v2",
        "`custom_objects_v2` is an object",
    ),
    zendesk("empty_cov2_requirements", "…and not empty"),
    zendesk(
        "invalid_objects_structure_in_cov2_requirements_v2",
        "`custom_objects_v2.objects` is an array",
    ),
    zendesk(
        "invalid_object_fields_structure_in_cov2_requirements_v2",
        "`custom_objects_v2.object_fields` is an array",
    ),
    zendesk(
        "invalid_object_triggers_structure_in_cov2_requirements_v2",
        "`custom_objects_v2.object_triggers` is an array",
    ),
    zendesk(
        "excessive_cov2_payload_size",
        "`custom_objects_v2` is at most 1 MB of JSON",
    ),
    // files
    zendesk("banner.invalid_format", "`assets/banner.png` is a PNG"),
    zendesk("banner.invalid_size", "…of 830×200 (or 1660×400) pixels"),
    zendesk(
        "unsupported_mime_type_detected",
        "no archives, executables, documents, audio or video (by extension or content)",
    ),
    zendesk(
        "validator_exception",
        "(not a Zendesk key) the package makes Zendesk's validator raise an exception, so the upload fails without a message",
    ),
    // Zendesk's warnings
    zendesk_warning(
        "translation.insecure_token_parameter_in_manifest",
        "a text parameter named like a token/key/pwd/password is `secure`",
    ),
    zendesk_warning(
        "translation.default_secure_or_hidden_parameter_in_manifest",
        "no `default` on a secure or hidden parameter",
    ),
    zendesk_warning(
        "translation.secure_parameters_with_no_scopes_in_manifest",
        "each secure parameter has `scopes`",
    ),
    zendesk_warning(
        "insecure_http_request",
        "no `http:` URLs in .js/.html files",
    ),
    zendesk_warning(
        "bitmap_in_svg",
        "no bitmap `<image>` inside an SVG under assets/",
    ),
    zendesk_warning(
        "sanitised_svg",
        "no scripts, event handlers or unknown elements in an SVG under assets/ (approximation of Zendesk's sanitiser)",
    ),
    zendesk_warning(
        "application_secret",
        "no private keys, API keys, tokens or passwords in text files (own patterns for the same kinds of secret)",
    ),
    zendesk_warning(
        "generic_secrets",
        "no words like password, secret, api_key in text files",
    ),
    // Zendesk's upload
    Rule {
        key: "package_too_large",
        severity: Severity::Error,
        whose: Whose::ZendeskUpload,
        checks: "(not a validator key) the zip is at most 2 MB (2,097,152 bytes); for a folder, a deflate zip of it",
    },
    // Ours
    ours(
        "logo_missing",
        "`assets/logo.png` and `assets/logo-small.png` exist",
    ),
    ours("logo_invalid", "…and are PNG files"),
    ours("logo_size", "…of 320×320 and 128×128 pixels"),
    ours(
        "logo_small_opaque",
        "`assets/logo-small.png` has transparency",
    ),
    ours("screenshot_invalid", "`assets/screenshot-*` are PNG files"),
    ours(
        "translation_string_invalid",
        "app strings, labels and help texts are non-empty strings or {value, title}",
    ),
    ours(
        "parameter_label_missing",
        "each visible parameter has a label in the default locale's file",
    ),
    ours(
        "locale_file_name",
        "a translation file is named as Zendesk names its locale (`pt-br.json`, not `pt-BR.json`)",
    ),
    ours(
        "channel_integration_manifest_url",
        "a channel integration's `manifest_url` is an absolute https URL (Zendesk refuses to install it otherwise)",
    ),
    ours(
        "custom_objects_v2_not_checked",
        "says that custom_objects_v2 limits, schema and references are not checked offline",
    ),
];

pub fn find(key: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.key == key)
}
