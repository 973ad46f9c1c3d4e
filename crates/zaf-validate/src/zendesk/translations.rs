//! Zendesk's translation rules (`validations/translations.rb`).

use super::Out;
use super::model::{Manifest, PRODUCTS};
use crate::json::{self, Duplicates, Json};
use crate::package::{Package, translation_locale};
use crate::ruby::{self, Rb, truthy};

/// The app strings a public app must translate; a private app needs only `name`.
pub const PUBLIC_APP_KEYS: [&str; 4] = [
    "name",
    "short_description",
    "installation_instructions",
    "long_description",
];

pub fn check(package: &Package, m: &Manifest, out: &mut Out) -> Rb<()> {
    let mut failed = false;
    for (path, bytes) in package.listed() {
        let Some(locale) = translation_locale(path) else {
            continue;
        };
        let file = Some(path);
        if !ruby::valid_locale(locale) {
            failed = true;
            out.error(
                "translation.invalid_locale",
                file,
                format!(
                    "{path} is not a valid locale: name translation files after Zendesk's locales, e.g. en.json, pt-br.json"
                ),
            );
        }
        let parsed = json::parse(bytes, Duplicates::LastWins);
        match &parsed {
            Err(e) => {
                failed = true;
                out.error(
                    "translation.not_json",
                    file,
                    format!("{path} is not valid JSON: {e}"),
                );
            }
            Ok(Json::Obj(_)) => {}
            Ok(_) => {
                failed = true;
                out.error(
                    "translation.not_json_object",
                    file,
                    format!("{path} is not a JSON object: wrap its strings in {{\"app\": {{…}}}}"),
                );
            }
        }
        let Ok(json @ Json::Obj(root)) = &parsed else {
            continue;
        };
        // Marketplace-generated translations (`app.package`) must be all {title, value}.
        let app = root.get("app");
        if truthy(app)
            && let Some(app) = app
            && truthy(Some(&ruby::index(app, "package", "`app`")?))
        {
            let mut without_package = json.clone();
            if let Json::Obj(r) = &mut without_package
                && let Some((_, Json::Obj(a))) = r.0.iter_mut().find(|(k, _)| k == "app")
            {
                a.0.retain(|(k, _)| k != "package");
            }
            if let Err(field) = translation_format(&without_package) {
                failed = true;
                out.error(
                    "translation.invalid_format",
                    file,
                    format!(
                        "{field} is invalid for translation: with `app.package` set, every string must be {{\"title\": …, \"value\": …}}"
                    ),
                );
            }
        }
        // Every translated parameter needs a label.
        if truthy(app)
            && let Some(app) = app
        {
            let parameters = ruby::index(app, "parameters", "`app`")?;
            if truthy(Some(&parameters)) {
                // `keys` raises on anything but an object; the object's entries are then read in
                // the same order, each once (a translation file's keys are unique once read).
                ruby::keys(&parameters, "`app.parameters`")?;
                let entries = parameters.as_obj().map(|o| o.iter()).into_iter().flatten();
                for (name, entry) in entries {
                    let has_label = entry.as_obj().is_some_and(|p| p.contains_key("label"));
                    if !has_label {
                        failed = true;
                        out.error(
                            "translation.missing_required_key_on_leaf",
                            file,
                            format!(
                                "missing required key label on leaf {name} from {path}: add app.parameters.{name}.label"
                            ),
                        );
                        break;
                    }
                }
            }
        }
        if !failed && path == "translations/en.json" {
            marketplace_content(json, m, path, out)?;
        }
    }
    Ok(())
}

/// Raises (returns the offending field) unless every value is an object, down to
/// `{"title": string, "value": string}` leaves.
fn translation_format(json: &Json) -> Result<(), String> {
    let Json::Obj(obj) = json else {
        return Ok(());
    };
    for (key, value) in obj.iter() {
        let Json::Obj(inner) = value else {
            return Err(format!("'{key}': '{}'", ruby::to_s(value)));
        };
        let mut keys: Vec<&str> = inner.keys().collect();
        keys.sort_unstable();
        let leaf = keys == ["title", "value"]
            && matches!(inner.get("title"), Some(Json::Str(_)))
            && matches!(inner.get("value"), Some(Json::Str(_)));
        if !leaf {
            translation_format(value)?;
        }
    }
    Ok(())
}

fn marketplace_content(json: &Json, m: &Manifest, path: &str, out: &mut Out) -> Rb<()> {
    let file = Some(path);
    let app = json.get("app");
    let app_keys: Vec<&str> = app
        .and_then(Json::as_obj)
        .map(|a| a.keys().collect())
        .unwrap_or_default();
    let products: Vec<&str> = app_keys
        .iter()
        .copied()
        .filter(|k| PRODUCTS.iter().any(|(p, _)| p == k))
        .collect();
    let private = m.private();
    if products.is_empty() {
        let missing = missing_keys(&app_keys, private);
        if !missing.is_empty() {
            out.error(
                "translation.missing_required_key",
                file,
                format!(
                    "missing required key from {path}: {}{}",
                    missing.join(", "),
                    hint(private)
                ),
            );
        }
        return Ok(());
    }
    let manifest_products = m.products();
    if products.iter().any(|p| !manifest_products.contains(p)) {
        out.error(
            "translation.products_do_not_match_manifest_products",
            file,
            format!(
                "products in manifest ({}) do not match products in translations ({})",
                manifest_products.join(", "),
                products.join(", ")
            ),
        );
    }
    for product in products {
        let strings = app
            .and_then(|a| a.get(product))
            .cloned()
            .unwrap_or(Json::Null);
        let keys = ruby::keys(&strings, &format!("`app.{product}`"))?;
        let missing = missing_keys(&keys, private);
        if !missing.is_empty() {
            out.error(
                "translation.missing_required_key_for_product",
                file,
                format!(
                    "missing required key from {path} for {product}: {}{}",
                    missing.join(", "),
                    hint(private)
                ),
            );
            break;
        }
    }
    Ok(())
}

fn hint(private: bool) -> &'static str {
    if private {
        ""
    } else {
        " (a public app translates all four of name, short_description, installation_instructions, long_description)"
    }
}

/// The required app strings not among `keys` (`description` counts as `short_description`).
fn missing_keys(keys: &[&str], private: bool) -> Vec<&'static str> {
    let present: Vec<&str> = keys
        .iter()
        .map(|k| {
            if *k == "description" {
                "short_description"
            } else {
                k
            }
        })
        .collect();
    let required: &[&'static str] = if private {
        &PUBLIC_APP_KEYS[..1]
    } else {
        &PUBLIC_APP_KEYS
    };
    required
        .iter()
        .copied()
        .filter(|k| !present.contains(k))
        .collect()
}
